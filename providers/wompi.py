"""Wompi (Bancolombia's gateway) as the payment-link provider: links created over its REST
API, its signed events read and checked.

Wire protocol (docs.wompi.co, Colombia):
- `POST {api}/payment_links`, `Authorization: Bearer <private key>`, JSON with `name`,
  `description`, `single_use`, `collect_shipping`, `currency` ("COP"), `amount_in_cents` and
  optional `sku`, `redirect_url`; the answer's `data.id` makes the checkout URL
  `{checkout}/l/<id>`.
- Events: Wompi POSTs `{event, data, environment, signature: {properties, checksum},
  timestamp, sent_at}` (the checksum also in the `X-Event-Checksum` header). The checksum is
  the SHA-256, in hex, of the values of `signature.properties` (paths inside `data`, in that
  order), then `timestamp`, then the events secret. A non-200 answer makes Wompi retry.

Another provider (Bold, Mercado Pago) is one more module with the same two duties: `create`
(domain.ports.PaymentLinks) and `read_event` into a domain.payment.PaymentEvent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

import aiohttp

from domain.payment import InvalidPaymentEvent, PaymentEvent, PaymentLink, PaymentLinkError

log = logging.getLogger(__name__)

PRODUCTION_API = "https://production.wompi.co/v1"
SANDBOX_API = "https://sandbox.wompi.co/v1"
CHECKOUT = "https://checkout.wompi.co"
STATUSES = {
    "APPROVED": PaymentEvent.PAID,
    "DECLINED": PaymentEvent.FAILED,
    "VOIDED": PaymentEvent.VOIDED,
    "ERROR": PaymentEvent.FAILED,
    "PENDING": PaymentEvent.PENDING,
}


class Wompi:
    name = "wompi"

    def __init__(
        self,
        private_key: str,
        events_secret: str,
        *,
        api_base: str = PRODUCTION_API,
        checkout_base: str = CHECKOUT,
        redirect_url: str = "",
        timeout: float = 10.0,
    ) -> None:
        self._private_key = private_key
        self._events_secret = events_secret
        self._api = api_base.rstrip("/")
        self._checkout = checkout_base.rstrip("/")
        self._redirect_url = redirect_url
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def create(self, order_id: int, amount_minor: int, description: str) -> PaymentLink:
        body: dict[str, Any] = {
            "name": f"Pedido #{order_id}",
            "description": description[:255],
            "single_use": True,
            "collect_shipping": False,
            "currency": "COP",
            "amount_in_cents": amount_minor,
            "sku": f"pedido-{order_id}",
        }
        if self._redirect_url:
            body["redirect_url"] = self._redirect_url
        headers = {"Authorization": f"Bearer {self._private_key}"}
        try:
            async with (
                aiohttp.ClientSession(timeout=self._timeout) as session,
                session.post(f"{self._api}/payment_links", json=body, headers=headers) as answer,
            ):
                payload = await answer.json(content_type=None)
                status = answer.status
        except (aiohttp.ClientError, TimeoutError, json.JSONDecodeError) as error:
            raise PaymentLinkError(f"Wompi no respondió ({type(error).__name__})") from error
        link_id = _get(payload, "data.id") if isinstance(payload, dict) else ""
        if status not in (200, 201) or not link_id:
            reason = _get(payload, "error.reason") or _get(payload, "error.type") or status
            raise PaymentLinkError(f"Wompi respondió {status}: {reason}")
        return PaymentLink(link_id, f"{self._checkout}/l/{link_id}")

    async def deactivate(self, link_id: str) -> None:
        """`PATCH {api}/payment_links/<id>` with `active: false`: nobody can pay it any more."""
        headers = {"Authorization": f"Bearer {self._private_key}"}
        url = f"{self._api}/payment_links/{link_id}"
        try:
            async with (
                aiohttp.ClientSession(timeout=self._timeout) as session,
                session.patch(url, json={"active": False}, headers=headers) as answer,
            ):
                status = answer.status
        except (aiohttp.ClientError, TimeoutError) as error:
            raise PaymentLinkError(f"Wompi no respondió ({type(error).__name__})") from error
        if status != 200:
            raise PaymentLinkError(f"Wompi respondió {status} al desactivar el link")

    def read_event(self, body: bytes, signature: str | None) -> PaymentEvent | None:
        """The event, once its checksum is right; None for events that are not about a
        transaction (nothing to do). Raises InvalidPaymentEvent when it cannot be trusted."""
        try:
            event = json.loads(body)
            properties = event["signature"]["properties"]
            timestamp = event["timestamp"]
            data = event["data"]
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidPaymentEvent("malformed event") from error
        if not isinstance(properties, list) or not isinstance(data, dict):
            raise InvalidPaymentEvent("malformed signature")
        expected = sign(data, [str(path) for path in properties], timestamp, self._events_secret)
        given = str(signature or event["signature"].get("checksum") or "")
        if not hmac.compare_digest(expected.lower(), given.lower()):
            raise InvalidPaymentEvent("wrong checksum")
        if event.get("event") != "transaction.updated":
            return None
        transaction = data.get("transaction")
        if not isinstance(transaction, dict):
            raise InvalidPaymentEvent("no transaction")
        raw_status = str(transaction.get("status", ""))
        amount = transaction.get("amount_in_cents")
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise InvalidPaymentEvent("no amount")
        return PaymentEvent(
            event_id=f"{transaction.get('id', '')}:{raw_status}",
            link_id=str(transaction.get("payment_link_id") or ""),
            status=STATUSES.get(raw_status, PaymentEvent.PENDING),
            amount_minor=amount,
            method=str(transaction.get("payment_method_type") or ""),
        )


def _get(data: Any, path: str) -> str:
    """The value at a dotted path ("transaction.id"), as text; "" when absent."""
    value = data
    for part in path.split("."):
        if not isinstance(value, dict):
            return ""
        value = value.get(part)
    return "" if value is None else str(value)


def sign(data: dict[str, Any], properties: list[str], timestamp: object, secret: str) -> str:
    """The checksum Wompi puts on an event (the local Wompi server signs with it too)."""
    signed = "".join(_get(data, path) for path in properties)
    return hashlib.sha256(f"{signed}{timestamp}{secret}".encode()).hexdigest()
