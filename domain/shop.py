"""The shop's public profile (what a customer asks about), loaded from a TOML file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any

from domain import texts
from domain.delivery import Carrier, DeliveryOptions, Zone
from domain.exceptions import DomainError
from domain.money import InvalidPrice, format_cop, parse_price
from domain.payment import PayKind, PaymentMethod, PaymentOptions, kind_of
from domain.pricing import VolumeDiscounts, VolumeTier
from domain.validators import nit_check_digit, wrong_check_digit

REQUIRED_TEXT = ("name", "city", "address", "phone", "hours", "delivery")
OPTIONAL_TEXT = (
    "greeting",
    "whatsapp",
    "email",
    "website",
    "instagram",
    "nit",
    "pickup",
    "delivery_notes",
    "invoicing",
    "returns",
    "warranty",
    "privacy_policy",
)
PRICE_KEYS = (
    ("delivery_cost", "delivery_cost_minor"),
    ("free_delivery_from", "free_delivery_from_minor"),
)


class InvalidShopProfile(DomainError):
    """The shop profile file is missing or malformed; the message names path and problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(texts.SHOP_PROFILE_INVALID.format(path=self.path, problem=problem))


@dataclass(frozen=True)
class ShopProfile:
    """Everything a customer may ask about the shop. Prices are integer minor units."""

    name: str
    city: str
    address: str
    phone: str
    hours: str
    payment_methods: list[str]
    delivery: str
    delivery_cost_minor: int | None = None
    free_delivery_from_minor: int | None = None
    delivery_notes: str = ""
    pickup: str = ""
    returns: str = ""
    warranty: str = ""
    privacy_policy: str = ""  # how personal data is handled: a text or a link (Ley 1581)
    invoicing: str = ""
    greeting: str = ""
    whatsapp: str = ""
    email: str = ""
    website: str = ""
    instagram: str = ""
    nit: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    delivery_zones: tuple[Zone, ...] = ()
    carrier: Carrier | None = None
    payments: tuple[PaymentMethod, ...] = ()
    electronic_invoice: bool = False  # a customer who wants a factura is asked its data
    related_products: bool = True  # "también te puede servir" after an add to the cart
    volume_discounts: VolumeDiscounts = VolumeDiscounts()  # taken off carts and orders
    # The shop's documents (Markdown, text, PDF), answered from: a folder; "" for none.
    documents: str = ""

    @cached_property
    def payment_options(self) -> PaymentOptions:
        """[[payment]] methods; a shop listing names only gets one per name, without data."""
        methods = self.payments or tuple(
            PaymentMethod(kind_of(label), label) for label in self.payment_methods
        )
        return PaymentOptions(methods)

    @cached_property
    def delivery_options(self) -> DeliveryOptions:
        """Zones (without any: the shop's city at `delivery_cost`), pickup, the carrier."""
        zones = self.delivery_zones or (
            Zone(self.city, self.delivery_cost_minor or 0, (self.city,)),
        )
        pickup = texts.PICKUP_AT.format(address=self.address, hours=self.hours.rstrip(". "))
        return DeliveryOptions(
            zones=zones,
            free_from_minor=self.free_delivery_from_minor,
            pickup=pickup if self.pickup else "",
            carrier=self.carrier,
        )

    @property
    def contact(self) -> str:
        """Whom to ask or call: the phone, else WhatsApp, else the e-mail ("" for none)."""
        return self.phone or self.whatsapp or self.email

    @property
    def written_contact(self) -> str:
        """Where to write: WhatsApp, else the phone, else the e-mail ("" for none)."""
        return self.whatsapp or self.phone or self.email

    def delivery_summary(self) -> str:
        """One Spanish line about delivery, cost and free-shipping threshold."""
        parts = [self.delivery]
        if self.delivery_zones:
            zones = "; ".join(
                texts.SHOP_ZONE_COST.format(zone=zone.name, fee=format_cop(zone.fee_minor))
                for zone in self.delivery_zones
            )
            parts.append(texts.SHOP_ZONE_COSTS.format(zones=zones))
        elif self.delivery_cost_minor is not None:
            parts.append(texts.SHOP_DELIVERY_COST.format(cost=format_cop(self.delivery_cost_minor)))
        if self.free_delivery_from_minor is not None:
            free_from = format_cop(self.free_delivery_from_minor)
            parts.append(texts.SHOP_FREE_DELIVERY_FROM.format(amount=free_from))
        if self.delivery_notes:
            parts.append(self.delivery_notes)
        return " ".join(part.strip() for part in parts if part.strip())

    def describe(self) -> str:
        """Short Spanish fact sheet, useful as context for answering customers."""
        lines = [
            texts.SHOP_FACT_NAME.format(name=self.name),
            texts.SHOP_FACT_ADDRESS.format(address=self.address, city=self.city),
            texts.SHOP_FACT_PHONE.format(phone=self.phone),
            texts.SHOP_FACT_HOURS.format(hours=self.hours),
            texts.SHOP_FACT_PAYMENT.format(methods=", ".join(self.payment_methods)),
            texts.SHOP_FACT_DELIVERY.format(delivery=self.delivery_summary()),
        ]
        optional = (
            (texts.SHOP_LABEL_WHATSAPP, self.whatsapp),
            (texts.SHOP_LABEL_EMAIL, self.email),
            (texts.SHOP_LABEL_PICKUP, self.pickup),
            (texts.SHOP_LABEL_RETURNS, self.returns),
            (texts.SHOP_LABEL_WARRANTY, self.warranty),
            (texts.SHOP_LABEL_INVOICING, self.invoicing),
        )
        lines.extend(
            texts.SHOP_FACT_LINE.format(label=label, value=value)
            for label, value in optional
            if value
        )
        lines.extend(
            texts.SHOP_FACT_LINE.format(label=key, value=value) for key, value in self.extra.items()
        )
        return "\n".join(lines)


def load_shop_profile(path: Path | str) -> ShopProfile:
    """Read and validate the shop profile TOML; raise InvalidShopProfile on any problem."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_MISSING_FILE) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_UNREADABLE.format(error=exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_BAD_TOML.format(error=exc)) from exc
    return _build_profile(raw, path)


def _build_profile(raw: dict[str, Any], path: Path) -> ShopProfile:
    price_keys = {key for key, _ in PRICE_KEYS}
    tables = {"payment_methods", "payment", "extra", "delivery_zones", "carrier", "volume_discount"}
    flags = {"electronic_invoice", "documents", "related_products"}
    known = set(REQUIRED_TEXT) | set(OPTIONAL_TEXT) | price_keys | tables | flags
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_UNKNOWN_KEY.format(key=unknown[0]))
    values: dict[str, Any] = {}
    for key in REQUIRED_TEXT:
        values[key] = _text(raw, key, path, required=True)
    for key in OPTIONAL_TEXT:
        values[key] = _text(raw, key, path, required=False)
    if values.get("nit") and (wrong := wrong_check_digit(values["nit"])):  # shown to buyers
        number, digit = wrong
        problem = texts.SHOP_PROFILE_BAD_NIT.format(
            nit=values["nit"], digit=digit, right=nit_check_digit(number)
        )
        raise InvalidShopProfile(path, problem)
    for key, target in PRICE_KEYS:
        values[target] = _price(raw, key, path)
    values["payments"] = _payments(raw, path)
    values["electronic_invoice"] = raw.get("electronic_invoice", False)
    if not isinstance(values["electronic_invoice"], bool):
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_NOT_BOOL.format(key="electronic_invoice"))
    if "payment_methods" in raw or not values["payments"]:
        values["payment_methods"] = _text_list(raw, "payment_methods", path)
    else:
        values["payment_methods"] = [method.label for method in values["payments"]]
    values["extra"] = _extra(raw, path)
    values["delivery_zones"] = _zones(raw, path)
    values["carrier"] = _carrier(raw, path)
    values["volume_discounts"] = _volume_discounts(raw, path)
    values["documents"] = _documents(raw, path)
    values["related_products"] = raw.get("related_products", True)
    if not isinstance(values["related_products"], bool):
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_NOT_BOOL.format(key="related_products"))
    return ShopProfile(**values)


DOCUMENTS_FOLDER = "documentos"  # beside the profile, used when there is one


def _documents(raw: dict[str, Any], path: Path) -> str:
    """`documents = "carpeta"` (relative to the profile) must exist; without the key, a
    "documentos" folder beside the profile is used when there is one."""
    given = raw.get("documents")
    if given is None:
        folder = path.parent / DOCUMENTS_FOLDER
        return str(folder) if folder.is_dir() else ""
    if not isinstance(given, str):
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_NOT_TEXT.format(key="documents"))
    folder = path.parent / given
    if not folder.is_dir():
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_NO_DOCUMENTS.format(folder=given))
    return str(folder)


def _zones(raw: dict[str, Any], path: Path) -> tuple[Zone, ...]:
    """[[delivery_zones]]: name, fee, municipalities (default: the name)."""
    value = raw.get("delivery_zones", [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_BAD_ZONES)
    zones = []
    for item in value:
        unknown = sorted(set(item) - {"name", "fee", "municipalities"})
        if unknown:
            raise InvalidShopProfile(path, texts.SHOP_PROFILE_UNKNOWN_KEY.format(key=unknown[0]))
        name = _text(item, "name", path, required=True)
        fee = _price(item, "fee", path)
        if fee is None:
            raise InvalidShopProfile(path, texts.SHOP_PROFILE_ZONE_FEE.format(zone=name))
        towns = _text_list(item, "municipalities", path) if "municipalities" in item else [name]
        zones.append(Zone(name, fee, tuple(towns)))
    return tuple(zones)


PAYMENT_KEYS = ("label", "number", "holder", "holder_id", "key", "bank", "account_type", "note")


def _payments(raw: dict[str, Any], path: Path) -> tuple[PaymentMethod, ...]:
    """[[payment]]: kind (cash, nequi, daviplata, breb, bank, link, telegram) and its data."""
    value = raw.get("payment", [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_BAD_PAYMENT)
    methods = []
    for item in value:
        unknown = sorted(set(item) - {"kind", *PAYMENT_KEYS})
        if unknown:
            raise InvalidShopProfile(path, texts.SHOP_PROFILE_UNKNOWN_KEY.format(key=unknown[0]))
        try:
            kind = PayKind(_text(item, "kind", path, required=True).lower())
        except ValueError:
            kinds = ", ".join(k.value for k in PayKind)
            raise InvalidShopProfile(
                path, texts.SHOP_PROFILE_BAD_PAY_KIND.format(kind=item["kind"], kinds=kinds)
            ) from None
        data = {key: _text(item, key, path, required=False) for key in PAYMENT_KEYS}
        named = texts.PAY_KIND_LABEL[kind]
        data["label"] = data["label"] or " ".join(filter(None, (named, data["bank"])))
        method = PaymentMethod(kind, **data)
        needed = {PayKind.NEQUI: "number", PayKind.DAVIPLATA: "number", PayKind.BREB: "key"}
        needed |= {PayKind.BANK: "number"}
        if kind in needed and not data[needed[kind]]:
            raise InvalidShopProfile(
                path, texts.SHOP_PROFILE_PAY_DATA.format(kind=kind.value, key=needed[kind])
            )
        methods.append(method)
    return tuple(methods)


def _carrier(raw: dict[str, Any], path: Path) -> Carrier | None:
    """[carrier]: fee (empty: paid on arrival), note."""
    value = raw.get("carrier")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_BAD_CARRIER)
    unknown = sorted(set(value) - {"fee", "note"})
    if unknown:
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_UNKNOWN_KEY.format(key=unknown[0]))
    return Carrier(_price(value, "fee", path), _text(value, "note", path, required=False))


def _volume_discounts(raw: dict[str, Any], path: Path) -> VolumeDiscounts:
    """[[volume_discount]]: from_units (units of one product), percent; each tier asks more
    units and gives more than the one before."""
    value = raw.get("volume_discount", [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_BAD_DISCOUNTS)
    tiers = []
    for item in value:
        unknown = sorted(set(item) - {"from_units", "percent"})
        if unknown:
            raise InvalidShopProfile(path, texts.SHOP_PROFILE_UNKNOWN_KEY.format(key=unknown[0]))
        units, percent = item.get("from_units"), item.get("percent")
        if isinstance(units, bool) or not isinstance(units, int) or units < 2:
            raise InvalidShopProfile(path, texts.SHOP_PROFILE_DISCOUNT_UNITS.format(value=units))
        share = _percent(percent)
        if share is None:
            raise InvalidShopProfile(
                path, texts.SHOP_PROFILE_DISCOUNT_PERCENT.format(value=percent)
            )
        tiers.append(VolumeTier(units, share))
    tiers.sort(key=lambda tier: tier.from_units)
    for before, tier in zip(tiers, tiers[1:], strict=False):
        if tier.from_units == before.from_units or tier.percent <= before.percent:
            problem = texts.SHOP_PROFILE_DISCOUNT_ORDER.format(units=tier.from_units)
            raise InvalidShopProfile(path, problem)
    return VolumeDiscounts(tuple(tiers))


def _percent(value: Any) -> Decimal | None:
    """5, 7.5, "7,5 %": a percent between 0 and 100 (both left out), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    written = str(value).strip().removesuffix("%").strip().replace(",", ".")
    try:
        share = Decimal(written)
    except InvalidOperation:
        return None
    return share if share.is_finite() and 0 < share < 100 else None


def _text(raw: dict[str, Any], key: str, path: Path, *, required: bool) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_NOT_TEXT.format(key=key))
    value = value.strip()
    if required and not value:
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_MISSING_KEY.format(key=key))
    return value


def _price(raw: dict[str, Any], key: str, path: Path) -> int | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_NOT_PRICE.format(key=key))
    try:
        return parse_price(value)
    except InvalidPrice as exc:
        raise InvalidShopProfile(
            path, texts.SHOP_PROFILE_BAD_PRICE.format(key=key, reason=exc.reason)
        ) from exc


def _text_list(raw: dict[str, Any], key: str, path: Path) -> list[str]:
    value = raw.get(key)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_NOT_TEXT_LIST.format(key=key))
    items = [item.strip() for item in value if item.strip()]
    if not items:
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_EMPTY_LIST.format(key=key))
    return items


def _extra(raw: dict[str, Any], path: Path) -> dict[str, str]:
    value = raw.get("extra", {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InvalidShopProfile(path, texts.SHOP_PROFILE_BAD_EXTRA)
    return {str(key): text.strip() for key, text in value.items()}
