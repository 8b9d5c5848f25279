"""Facts from the database turned into the customer's Spanish text (templates in domain.texts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from domain import texts
from domain.conversation.memory import Contact
from domain.delivery import stored_line
from domain.language import InfoTopic
from domain.model import Order, Product
from domain.money import format_cop
from domain.orders import order_state
from domain.pricing import VolumeDiscounts
from domain.shop import ShopProfile

FEW_LEFT = 10


def availability(product: Product) -> str:
    if product.stock >= FEW_LEFT:
        return texts.AVAILABLE_MANY
    if product.stock == 1:
        return texts.AVAILABLE_ONE
    return texts.AVAILABLE_FEW.format(stock=product.stock)


def render_cart(
    order: Order, discounts: VolumeDiscounts, delivery: tuple[str, int] | None = None
) -> str:
    """The lines and the total. With `delivery` (its line and fee, a summary's quote), or for
    a confirmed order (what it stored), the subtotal, the delivery line and the total. A cart
    gets the shop's volume discount (`discounts`), each line its percent; a confirmed order
    shows its own."""
    order = discounts.applied(order)
    tiers = discounts.by_line(order)
    lines = [texts.CART_HEADER]
    for line in order.lines:
        shown = texts.CART_LINE.format(
            quantity=line.quantity, name=line.name, subtotal=format_cop(line.subtotal_minor)
        )
        tier = tiers.get(line.product_id)
        lines.append(shown + texts.CART_LINE_DISCOUNT.format(percent=tier.shown) if tier else shown)
    if delivery is None and order.delivery_method:
        place, fee = order.delivery_place, order.delivery_fee_minor
        delivery = (stored_line(order.delivery_method, place, fee), fee)
    if delivery is not None or order.discount_minor:
        lines.append(texts.CART_SUBTOTAL.format(total=format_cop(order.lines_total_minor)))
    if order.discount_minor:
        lines.append(texts.CART_DISCOUNT.format(amount=format_cop(order.discount_minor)))
    fee = 0
    if delivery is not None:
        text, fee = delivery
        lines.append(text)
    lines.append(texts.CART_TOTAL.format(total=format_cop(order.goods_minor + fee)))
    return "\n".join(lines)


def cost_of(discounts: VolumeDiscounts, price_minor: int, quantity: int) -> dict[str, str]:
    """ "total" and "discount" for a text that says what `quantity` units cost: "$675.000" and
    " (con 10 % de descuento)" (empty below the first tier)."""
    tier = discounts.tier_for(quantity)
    total = format_cop(discounts.cost(price_minor, quantity))
    return {
        "total": total,
        "discount": texts.WITH_DISCOUNT.format(percent=tier.shown) if tier else "",
    }


def listed(names: Sequence[str], last: str = "y") -> str:
    """ "Medellín, Bello y Envigado"; with `last` "o", "Nequi, Daviplata o Bre-B"."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {last} {names[-1]}"


def render_contact(contact: Contact, *, pickup: str = "") -> str:
    """The delivery data; for an order picked up at the shop, where (no address)."""
    notes = contact.value("notes")
    if pickup:
        return texts.DATA_BLOCK_PICKUP.format(
            national_id=contact.value("national_id"),
            name=contact.value("name"),
            phone=contact.value("phone"),
            pickup=pickup,
            notes=texts.DATA_NOTES.format(notes=notes) if notes else "",
        )
    return texts.DATA_BLOCK.format(
        national_id=contact.value("national_id"),
        name=contact.value("name"),
        phone=contact.value("phone"),
        address=contact.value("address"),
        neighbourhood=contact.value("neighbourhood"),
        notes=texts.DATA_NOTES.format(notes=notes) if notes else "",
    )


def product_list(products: Sequence[Product], header: str = texts.PRODUCT_LIST_HEADER) -> str:
    lines = [header]
    lines += [
        texts.PRODUCT_LINE.format(
            n=n, name=p.name, price=format_cop(p.price_minor), availability=availability(p)
        )
        for n, p in enumerate(products, 1)
    ]
    return "\n".join(lines)


def stock_list(products: Sequence[Product]) -> str:
    """ "¿cuántos hay?": each product with the units on sale now."""
    lines = [texts.STOCK_HEADER]
    lines += [
        texts.STOCK_LINE.format(
            n=n,
            name=p.name,
            price=format_cop(p.price_minor),
            count=texts.STOCK_ONE if p.stock == 1 else texts.STOCK_UNITS.format(stock=p.stock),
        )
        for n, p in enumerate(products, 1)
    ]
    return "\n".join(lines)


def product_detail(product: Product) -> str:
    description = f"\n{product.description}" if product.description else ""
    return texts.PRODUCT_DETAIL.format(
        name=product.name,
        price=format_cop(product.price_minor),
        availability=availability(product),
        description=description,
    )


def name_part(first_name: str) -> str:
    return f", {first_name}" if first_name else ""


def shop_info(shop: ShopProfile, topics: Sequence[InfoTopic], *, located: bool = False) -> str:
    """The profile's lines for the topics asked; all of them when none is named. The pickup
    line says the address unless the reply says it already (`located`, or its own line)."""
    by_topic = {
        InfoTopic.HOURS: texts.INFO_HOURS.format(hours=shop.hours),
        InfoTopic.LOCATION: texts.INFO_LOCATION.format(address=shop.address, city=shop.city),
        InfoTopic.PAYMENT: texts.INFO_PAYMENT.format(methods=", ".join(shop.payment_methods)),
        InfoTopic.DELIVERY: texts.INFO_DELIVERY.format(delivery=shop.delivery_summary()),
        InfoTopic.WARRANTY: texts.INFO_WARRANTY.format(
            warranty=" ".join(part for part in (shop.warranty, shop.returns) if part)
        ),
        InfoTopic.CONTACT: texts.INFO_CONTACT.format(
            phone=shop.phone,
            others="".join(
                texts.INFO_CONTACT_EXTRA.format(label=label, value=value)
                for label, value in (("WhatsApp", shop.whatsapp), ("Correo", shop.email))
                if value
            ),
        ),
        InfoTopic.PICKUP: texts.INFO_PICKUP.format(
            pickup=shop.pickup, address=shop.address, city=shop.city
        )
        if shop.pickup
        else texts.INFO_NO_PICKUP,
        InfoTopic.INVOICE: texts.INFO_INVOICE.format(invoicing=shop.invoicing)
        if shop.invoicing
        else texts.INFO_CONTACT.format(phone=shop.phone, others=""),
    }
    located = located or InfoTopic.LOCATION in topics or not any(t in by_topic for t in topics)
    if shop.pickup and located:  # the address is on the line above: said once
        by_topic[InfoTopic.PICKUP] = texts.INFO_PICKUP_HERE.format(pickup=shop.pickup)
    chosen = [by_topic[t] for t in topics if t in by_topic]
    if chosen:
        return "\n".join(chosen)
    general = [line for topic, line in by_topic.items() if shop.pickup or topic != InfoTopic.PICKUP]
    return texts.INFO_GENERAL.format(shop=shop.name, lines="\n".join(general))


def my_orders(
    orders: Sequence[Order], cart: Order | None, discounts: VolumeDiscounts, timezone: tzinfo
) -> str:
    """The customer's orders, and their cart's total (its volume discount taken off)."""
    lines = []
    if orders:
        lines.append(texts.MY_ORDERS_HEADER)
        for order in orders:
            moment = order.confirmed_at or order.created_at
            lines.append(
                texts.MY_ORDER_LINE.format(
                    order_id=order.id,
                    date=moment.astimezone(timezone).strftime("%d/%m") if moment else "",
                    items=_items(order),
                    total=format_cop(order.total_minor),
                    status=order_state(order),
                )
            )
    else:
        lines.append(texts.MY_ORDERS_NONE)
    if cart and cart.lines:
        total = format_cop(discounts.applied(cart).goods_minor)
        lines.append(texts.MY_CART_PENDING.format(total=total))
    return "\n".join(lines)


def _items(order: Order) -> str:
    """ "2 × Casco blanco" for one product; "3 productos (7 unidades)" for more."""
    if len(order.lines) == 1:
        line = order.lines[0]
        return f"{line.quantity} × {line.name}"
    units = sum(line.quantity for line in order.lines)
    return texts.ORDER_ITEMS.format(products=len(order.lines), units=units)


def nothing_found(query: str, categories: Sequence[str]) -> str:
    """Say nothing matched, with what the shop does sell (from the catalog)."""
    shown = [c.lower() for c in categories]
    examples = texts.EXAMPLES.format(categories=", ".join(shown)) if shown else ""
    return texts.NOTHING_FOUND.format(query=query, examples=examples)


def confirmed_lines(order: Order, discounts: VolumeDiscounts) -> str:
    """The cart of a confirmed order, without its header (confirmation and owner alert);
    each discounted line with its percent while the shop's `discounts` still give it."""
    return render_cart(order, discounts).replace(texts.CART_HEADER + "\n", "")
