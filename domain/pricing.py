"""Volume discounts: the shop profile's tiers ("5 % from 20 units of one product, 10 % from
50") and what they take off a cart. A confirmed order keeps the discount it was sold with."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from domain.model import Order, OrderLine, OrderStatus
from domain.money import MINOR_PER_PESO


@dataclass(frozen=True)
class VolumeTier:
    """`percent` off a line of at least `from_units` units of one product."""

    from_units: int
    percent: Decimal

    @property
    def shown(self) -> str:
        """ "5", "7,5": the percent as Colombians write it."""
        return format(self.percent.normalize(), "f").replace(".", ",")


@dataclass(frozen=True)
class VolumeDiscounts:
    """The shop's tiers, fewest units first; none: no discount."""

    tiers: tuple[VolumeTier, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.tiers)

    def tier_for(self, quantity: int) -> VolumeTier | None:
        """The tier `quantity` units of one product reach (the highest), or None."""
        reached = [tier for tier in self.tiers if quantity >= tier.from_units]
        return reached[-1] if reached else None

    def next_tier(self, quantity: int) -> VolumeTier | None:
        """The first tier `quantity` units of one product do not reach yet, or None."""
        return next((tier for tier in self.tiers if tier.from_units > quantity), None)

    def of_line(self, line: OrderLine) -> int:
        """What the line's tier takes off its subtotal, in whole pesos (COP has no cents)."""
        tier = self.tier_for(line.quantity)
        if tier is None:
            return 0
        pesos = Decimal(line.subtotal_minor) * tier.percent / 100 / MINOR_PER_PESO
        return int(pesos.quantize(Decimal(1), rounding=ROUND_HALF_UP)) * MINOR_PER_PESO

    def cost(self, price_minor: int, quantity: int) -> int:
        """What `quantity` units at `price_minor` cost, their tier's discount taken off."""
        line = OrderLine(0, "", "", price_minor, quantity)
        return line.subtotal_minor - self.of_line(line)

    def applied(self, order: Order) -> Order:
        """A cart with each line's discount as the tiers give it now; a confirmed order as
        sold."""
        if order.status != OrderStatus.CART:
            return order
        lines = tuple(replace(line, discount_minor=self.of_line(line)) for line in order.lines)
        priced = replace(order, lines=lines)
        return replace(priced, total_minor=priced.goods_minor)

    def by_line(self, order: Order) -> dict[int, VolumeTier]:
        """The tier each discounted line of a priced cart (`applied`) or a confirmed order
        reaches, by product: a line's while the tiers still give the discount it was sold
        with (else its amount alone is known)."""
        reached = {}
        for line in order.lines:
            tier = self.tier_for(line.quantity)
            if tier is not None and line.discount_minor == self.of_line(line):
                reached[line.product_id] = tier
        return reached


NO_DISCOUNTS = VolumeDiscounts()  # a shop without tiers
