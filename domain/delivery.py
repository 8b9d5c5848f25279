"""How an order reaches the customer and what that costs: the shop profile's delivery options,
the customer's choice, and the fee that becomes a line of the order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from domain import texts
from domain.model import DeliveryLine
from domain.money import format_cop
from rag.normalize import fold


class Method(StrEnum):
    """Stored as its value on the order."""

    HOME = "home"  # the shop's own delivery, to a zone it serves
    PICKUP = "pickup"  # the customer picks it up at the shop
    CARRIER = "carrier"  # a transport company, to any other municipality


@dataclass(frozen=True)
class Zone:
    name: str
    fee_minor: int
    municipalities: tuple[str, ...]


@dataclass(frozen=True)
class Carrier:
    """Shipping to municipalities outside the zones. `fee_minor` None: the customer pays the
    carrier on arrival (the note says how)."""

    fee_minor: int | None
    note: str


@dataclass(frozen=True)
class Choice:
    """What the customer chose (or what follows from their address): a method and where."""

    method: Method
    place: str = ""  # the zone's municipality, the carrier's destination; "" for pickup


@dataclass(frozen=True)
class Quote:
    """A choice priced for one cart."""

    choice: Choice
    fee_minor: int  # what the order charges for it (0: free, pickup, or paid on arrival)
    free: bool = False  # a fee waived by the free-from threshold
    on_arrival: bool = False  # the carrier is paid by the customer on arrival

    def line(self) -> DeliveryLine:
        """What the order stores."""
        return DeliveryLine(self.choice.method.value, self.choice.place, self.fee_minor)


@dataclass(frozen=True)
class DeliveryOptions:
    zones: tuple[Zone, ...]
    free_from_minor: int | None = None
    pickup: str = ""  # where and when; "" = no pickup
    carrier: Carrier | None = None

    @property
    def home(self) -> Zone:
        """The first zone: the shop's own city, the default destination."""
        return self.zones[0]

    @property
    def towns(self) -> tuple[str, ...]:
        """Every municipality the zones serve, once each, the shop's city first."""
        return tuple(dict.fromkeys(town for zone in self.zones for town in zone.municipalities))

    def asks_town(self, said: str) -> bool:
        """Whether the municipality must be asked for the address `said`: the shop delivers
        to more than one (its zones name several, or it has a carrier) and the address's own
        words name none it serves."""
        several = len(self.towns) > 1 or self.carrier is not None
        return several and self.municipality_in(said) is None

    def default(self, said: str) -> Choice:
        """The destination the customer's own words name (a zone's municipality in their
        address), else the shop's city."""
        place = self.municipality_in(said)
        return Choice(Method.HOME, place or self.home.municipalities[0])

    def municipality_in(self, text: str) -> str | None:
        """A served municipality named in `text` (accents and case aside), the longest one."""
        words = f" {' '.join(_WORD_RE.findall(fold(text)))} "
        named = [
            town
            for zone in self.zones
            for town in zone.municipalities
            if f" {' '.join(_WORD_RE.findall(fold(town)))} " in words
        ]
        return max(named, key=len) if named else None

    def zone_of(self, place: str) -> Zone | None:
        """The zone serving `place`: one of its municipalities, or the zone's own name."""
        wanted = fold(place).strip()
        for zone in self.zones:
            if any(fold(town) == wanted for town in (*zone.municipalities, zone.name)):
                return zone
        return None

    def destination(self, municipality: str) -> Choice:
        """Where a typed municipality takes the order: a zone, or the carrier."""
        zone = self.zone_of(municipality)
        if zone is not None:
            return Choice(Method.HOME, _canonical(zone, municipality))
        return Choice(Method.CARRIER, municipality.strip())

    def quote(self, choice: Choice, lines_total_minor: int) -> Quote:
        if choice.method == Method.PICKUP:
            return Quote(choice, 0)
        if choice.method == Method.CARRIER:
            fee = self.carrier.fee_minor if self.carrier else None
            return Quote(choice, fee or 0, on_arrival=fee is None)
        zone = self.zone_of(choice.place) or self.home
        free = self.free_from_minor is not None and lines_total_minor >= self.free_from_minor
        return Quote(choice, 0 if free else zone.fee_minor, free=free and zone.fee_minor > 0)

    def offered(self, said: str = "") -> list[Choice]:
        """The choices a customer is shown: each zone (to the municipality their address
        names, if it is in that zone), pickup, the carrier."""
        named = self.municipality_in(said)
        choices = []
        for zone in self.zones:
            if named and self.zone_of(named) == zone:
                place = named
            else:
                place = zone.municipalities[0] if len(zone.municipalities) == 1 else zone.name
            choices.append(Choice(Method.HOME, place))
        if self.pickup:
            choices.append(Choice(Method.PICKUP))
        if self.carrier is not None:
            choices.append(Choice(Method.CARRIER))
        return choices

    def button_label(self, choice: Choice) -> str:
        if choice.method == Method.PICKUP:
            return texts.DELIVERY_BUTTON_PICKUP
        if choice.method == Method.CARRIER:
            return texts.DELIVERY_BUTTON_CARRIER
        zone = self.zone_of(choice.place) or self.home
        return texts.DELIVERY_BUTTON_ZONE.format(zone=zone.name, fee=format_cop(zone.fee_minor))


_WORD_RE = re.compile(r"[a-z0-9]+")


def _canonical(zone: Zone, municipality: str) -> str:
    wanted = fold(municipality).strip()
    return next((town for town in zone.municipalities if fold(town) == wanted), municipality)


def describe(quote: Quote, options: DeliveryOptions) -> str:
    """The order's delivery line: "Domicilio a Bello: $15.000", "Recoges en el local: gratis"."""
    choice = quote.choice
    if choice.method == Method.PICKUP:
        return texts.DELIVERY_LINE_PICKUP
    if choice.method == Method.CARRIER:
        if quote.on_arrival:
            return texts.DELIVERY_LINE_CARRIER_ON_ARRIVAL.format(place=choice.place)
        return texts.DELIVERY_LINE_CARRIER.format(
            place=choice.place, fee=format_cop(quote.fee_minor)
        )
    if quote.free:
        amount = format_cop(options.free_from_minor or 0)
        return texts.DELIVERY_LINE_FREE.format(place=choice.place, amount=amount)
    return texts.DELIVERY_LINE_HOME.format(place=choice.place, fee=format_cop(quote.fee_minor))


def stored_line(method: str, place: str, fee_minor: int) -> str:
    """The delivery line of a confirmed order, from what the order stored."""
    match method:
        case Method.PICKUP:
            return texts.DELIVERY_LINE_PICKUP
        case Method.CARRIER if fee_minor == 0:
            return texts.DELIVERY_LINE_CARRIER_ON_ARRIVAL.format(place=place)
        case Method.CARRIER:
            return texts.DELIVERY_LINE_CARRIER.format(place=place, fee=format_cop(fee_minor))
        case Method.HOME if fee_minor == 0:
            return texts.DELIVERY_LINE_HOME_FREE.format(place=place)
        case Method.HOME:
            return texts.DELIVERY_LINE_HOME.format(place=place, fee=format_cop(fee_minor))
    return ""
