"""A local server that speaks Wompi's REST protocol for payment links, and pays them the way
Wompi does: a signed `transaction.updated` event POSTed to the shop's events URL.

Used by the tests (and usable by hand) so the Wompi client and the events endpoint run over
real HTTP with no network. What it checks is what Wompi documents: the private key as a
Bearer token, the link's required fields, COP, a positive whole amount in cents; a
single-use link takes one approved payment.
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from doubles.ai.base import LocalServer
from providers.wompi import sign

PROPERTIES = ["transaction.id", "transaction.status", "transaction.amount_in_cents"]
REQUIRED = ("name", "description", "single_use", "collect_shipping")


@dataclass
class Link:
    id: str
    body: dict[str, Any]
    paid: bool = False
    active: bool = True


@dataclass
class LocalWompi(LocalServer):
    """`start()`, then give the bot `{base_url}/v1` as WOMPI_API_BASE and the keys below."""

    private_key: str = "prv_test_local"
    events_secret: str = "test_events_local"
    events_url: str = ""  # where the shop listens for events (set before paying)
    links: dict[str, Link] = field(default_factory=dict)
    events_sent: list[dict[str, Any]] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)  # statuses to answer, once each
    label = "local Wompi"

    def __post_init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1)

    def _route(self, app: web.Application) -> None:
        app.router.add_post("/v1/payment_links", self._create_link)
        app.router.add_get("/v1/payment_links/{link_id}", self._get_link)
        app.router.add_patch("/v1/payment_links/{link_id}", self._update_link)

    async def _create_link(self, request: web.Request) -> web.Response:
        if self.fail_next:
            status = self.fail_next.pop(0)
            return _error(status, "INTERNAL_ERROR", "falla simulada")
        if request.headers.get("Authorization") != f"Bearer {self.private_key}":
            return _error(401, "INVALID_ACCESS_TOKEN", "Se esperaba una llave privada válida")
        try:
            body = await request.json()
        except ValueError:
            return _error(422, "INPUT_VALIDATION_ERROR", "El cuerpo no es JSON")
        problems = _problems(body)
        if problems:
            return web.json_response(
                {"error": {"type": "INPUT_VALIDATION_ERROR", "messages": problems}}, status=422
            )
        link = Link(f"test_{next(self._ids)}{secrets.token_hex(3)}", body)
        self.links[link.id] = link
        return web.json_response({"data": _link_data(link)}, status=201)

    async def _get_link(self, request: web.Request) -> web.Response:
        link = self.links.get(request.match_info["link_id"])
        if link is None:
            return _error(404, "NOT_FOUND_ERROR", "El link no existe")
        return web.json_response({"data": _link_data(link)})

    async def _update_link(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.private_key}":
            return _error(401, "INVALID_ACCESS_TOKEN", "Se esperaba una llave privada válida")
        link = self.links.get(request.match_info["link_id"])
        if link is None:
            return _error(404, "NOT_FOUND_ERROR", "El link no existe")
        body = await request.json()
        if not isinstance(body, dict) or not isinstance(body.get("active"), bool):
            return _error(422, "INPUT_VALIDATION_ERROR", "active debe ser booleano")
        link.active = body["active"]
        return web.json_response({"data": _link_data(link)})

    def event(
        self, link_id: str, status: str = "APPROVED", amount: int | None = None
    ) -> dict[str, Any]:
        """The event Wompi would send for a payment of `link_id` (signed)."""
        link = self.links[link_id]
        timestamp = int(time.time())
        transaction = {
            "id": f"{next(self._ids)}-{timestamp}-{secrets.randbelow(99999):05d}",
            "amount_in_cents": link.body["amount_in_cents"] if amount is None else amount,
            "reference": secrets.token_hex(6).upper(),
            "customer_email": "cliente@example.com",
            "currency": "COP",
            "payment_method_type": "NEQUI",
            "redirect_url": link.body.get("redirect_url"),
            "status": status,
            "shipping_address": None,
            "payment_link_id": link_id,
            "payment_source_id": None,
        }
        data = {"transaction": transaction}
        return {
            "event": "transaction.updated",
            "data": data,
            "environment": "test",
            "signature": {
                "properties": PROPERTIES,
                "checksum": sign(data, PROPERTIES, timestamp, self.events_secret),
            },
            "timestamp": timestamp,
            "sent_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(timestamp)),
        }

    async def pay(self, link_id: str, status: str = "APPROVED", amount: int | None = None) -> int:
        """The customer pays at the checkout: Wompi sends the event; its HTTP status."""
        link = self.links[link_id]
        if not link.active or (link.paid and link.body.get("single_use")):
            raise ValueError(f"link {link_id} is no longer active")
        event = self.event(link_id, status, amount)
        if status == "APPROVED":
            link.paid = True
        return await self.send(event)

    async def send(self, event: dict[str, Any], checksum: str | None = None) -> int:
        """POST an event to the shop as Wompi does (a test may alter it first)."""
        self.events_sent.append(event)
        header = checksum if checksum is not None else event["signature"]["checksum"]
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                self.events_url, json=event, headers={"X-Event-Checksum": header}
            ) as answer,
        ):
            return answer.status


def _problems(body: Any) -> dict[str, list[str]]:
    if not isinstance(body, dict):
        return {"body": ["debe ser un objeto"]}
    problems = {key: ["es requerido"] for key in REQUIRED if key not in body}
    for key in ("single_use", "collect_shipping"):
        if key in body and not isinstance(body[key], bool):
            problems[key] = ["debe ser booleano"]
    amount = body.get("amount_in_cents")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
        problems["amount_in_cents"] = ["debe ser un entero"]
    elif amount is not None and amount <= 0:
        problems["amount_in_cents"] = ["debe ser mayor que cero"]
    if body.get("currency", "COP") != "COP":
        problems["currency"] = ["solo COP"]
    return problems


def _link_data(link: Link) -> dict[str, Any]:
    return {"id": link.id, **link.body, "active": link.active and not link.paid}


def _error(status: int, kind: str, reason: str) -> web.Response:
    return web.json_response({"error": {"type": kind, "reason": reason}}, status=status)
