"""`run_bot.py demo` and `chat`: the real bot, over HTTP, against the local Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from aiogram import Bot, Dispatcher
from pydantic import SecretStr

from app.settings import Settings
from bot.app import App, build_app
from bot.runners import polling_in_background
from domain import texts
from domain.catalog import import_inventory
from domain.model import OPEN_STATUSES, Order, PaymentState, Product
from domain.money import format_cop, format_count
from domain.payment import state_line
from doubles.telegram import LocalBotAPI

DEMO_TOKEN = "123456:DEMO-TOKEN"
OWNER_ID = 1000
CUSTOMER_ID = 5550001
WATCHED_SKU = "EXT-ABC-20"
DEMO_OUTPUT = Path("demo_output")

# (what the customer does, text or button label). Buttons are pressed on the last bot message.
SCRIPT: tuple[tuple[str, str], ...] = (
    ("text", "hola"),
    ("text", "¿tienen extintores?"),
    ("text", "quiero 10 del de 20 libras"),
    ("text", "sí"),
    ("text", "mejor déjalo en 1"),
    ("button", "Finalizar pedido"),
    ("button", "Autorizo"),
    ("text", "1.020.345.678"),
    ("text", "laura gómez"),
    ("text", "300 123 4567"),
    ("text", "¿hacen envíos a Bello?"),
    ("text", "Calle 45 # 12-30 apto 301"),
    ("button", "Bello"),  # "¿En qué municipio es la entrega?"
    ("text", "Niquía"),
    ("button", "Omitir"),
    ("button", "Cambiar entrega"),
    ("button", "Recoger en el local"),
    ("button", "Cambiar entrega"),
    ("button", "Área metropolitana"),
    ("button", "Bello"),  # which municipality of the zone
    ("button", "Cambiar pago"),
    ("button", "Nequi"),
    ("button", "Confirmar pedido"),
    ("photo", "ya te transferí"),
    ("text", "¿cómo va mi pedido?"),
)
# What the owner then does with the order: buttons of the owner's latest messages.
OWNER_SCRIPT = ("Pago recibido", "Preparando", "Enviado")
RECEIPT = b"\x89PNG demo: comprobante de Nequi"


@dataclass
class Session:
    api: LocalBotAPI
    app: App
    bot: Bot
    dp: Dispatcher


@contextlib.asynccontextmanager
async def local_session(
    settings: Settings, database: str | None, *, preload: bool = True
) -> AsyncIterator[Session]:
    """Local Bot API server + fresh database (with the sample inventory) + the bot polling."""
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(database) if database else Path(tmp) / "demo.db"
        async with LocalBotAPI(token=DEMO_TOKEN) as api:
            base = api.base_url
            local = settings.model_copy(
                update={
                    "telegram_api_base": base,
                    "telegram_bot_token": SecretStr(DEMO_TOKEN),
                    "database_url": f"sqlite+aiosqlite:///{db_path}",
                    "owner_ids": (OWNER_ID,),
                }
            )
            app = await build_app(local)
            if preload:
                sample = local.sample_inventory
                await import_inventory(app.uow(), app.catalog, sample.read_bytes(), sample.name)
            async with polling_in_background(app) as (bot, dp):
                api.report_handling(dp)
                yield Session(api, app, bot, dp)


def _buttons(message: dict) -> list[dict]:
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def _print_bot(messages: list[dict], seen: set[int] | None = None) -> None:
    """Print new bot messages (an edit that only removed buttons is not news)."""
    for message in messages:
        if seen is not None:
            if message["message_id"] in seen:
                continue
            seen.add(message["message_id"])
        text = message.get("text") or message.get("caption") or _attachment(message)
        print("🤖 Bot: " + text.replace("\n", "\n        "))
        labels = [b["text"] for b in _buttons(message)]
        if labels:
            print("        " + "  ".join(f"[{label}]" for label in labels))
    print()


def _attachment(message: dict) -> str:
    if "photo" in message:
        return "[imagen]"
    if "document" in message:
        return f"[archivo {message['document'].get('file_name', '')}]"
    return "[archivo]"


async def _press(customer, messages: list[dict], label: str, who: str = "👤 Cliente") -> None:  # noqa: ANN001
    for message in reversed(messages):
        for button in _buttons(message):
            if label.lower() in button["text"].lower():
                print(f"{who} toca: [{button['text']}]")
                await customer.press(message, button["callback_data"])
                return
    raise RuntimeError(f"no hay un botón «{label}» en la última respuesta")


async def _stock(app: App, sku: str) -> Product | None:
    async with app.uow() as uow:
        return await uow.products.get_by_sku(sku)


async def _last_order(app: App) -> Order | None:
    async with app.uow() as uow:
        orders = await uow.orders.list_for_user(CUSTOMER_ID, limit=1)
    return orders[0] if orders else None


async def run_demo(
    settings: Settings, database: str | None = None, out_dir: Path = DEMO_OUTPUT
) -> int:
    if database and Path(database).exists():
        print(
            f"La demo empieza con una base de datos nueva; {database} ya existe.", file=sys.stderr
        )
        return 2
    async with local_session(settings, database, preload=False) as session:
        owner = session.api.user(OWNER_ID, first_name="Dueño")
        await owner.send_text("/start")
        await owner.replies()
        print(f"=== La dueña carga el inventario de {session.app.shop.name} ===\n")
        uploaded = await _upload_inventory(owner, settings.sample_inventory)
        before = await _stock(session.app, WATCHED_SKU)
        customer = session.api.user(CUSTOMER_ID, first_name="Laura")
        print(f"=== Demo: {session.app.shop.name} ===\n")
        last: list[dict] = []
        seen: set[int] = set()
        for kind, value in SCRIPT:
            if kind == "text":
                print(f"👤 Laura: {value}")
                await customer.send_text(value)
            elif kind == "photo":
                print(f"👤 Laura envía la foto del comprobante: {value}")
                await customer.send_photo(RECEIPT, caption=value)
            else:
                await _press(customer, last, value)
            last = await customer.replies()
            _print_bot(last, seen)
        alerts = await owner.replies()
        print("=== Avisos a la dueña ===")
        _print_bot(alerts)
        await _owner_moves_the_order(owner, customer, alerts)
        order = await _last_order(session.app)
        after = await _stock(session.app, WATCHED_SKU)
        files = await _owner_reports(owner, out_dir)
    sold = _report(order, before, after)
    return sold if uploaded and files else 1


async def _owner_moves_the_order(owner, customer, alerts: list[dict]) -> None:  # noqa: ANN001
    """The owner confirms the payment and moves the order on; Laura hears each step."""
    print("=== La dueña mueve el pedido ===")
    latest = alerts
    for label in OWNER_SCRIPT:
        shown = [m for m in owner.messages() if any(label in b["text"] for b in _buttons(m))]
        await _press(owner, shown or latest, label, who="👩 Dueña")
        latest = await owner.replies()
        _print_bot([m for m in latest if not _buttons(m) or m.get("text", "").startswith("✅")])
        _print_bot(await customer.replies())


async def _upload_inventory(owner, inventory: Path) -> bool:  # noqa: ANN001
    """The owner sends the inventory file in the chat, as a document."""
    print(f"👩 Dueña envía el archivo {inventory.name} con el texto «actualizar»")
    await owner.send_document(inventory.name, inventory.read_bytes(), caption="actualizar")
    summary = await owner.replies()
    _print_bot(summary)
    return any("Inventario aplicado" in (m.get("text") or "") for m in summary)


async def _owner_reports(owner, out_dir: Path) -> list[Path]:  # noqa: ANN001
    """/stats with its chart and /export; what arrives is saved to `out_dir` to open."""
    out_dir.mkdir(parents=True, exist_ok=True)
    print("=== La dueña pide /stats hoy ===")
    await owner.send_text("/stats hoy")
    _print_bot(await owner.replies())
    saved = []
    for n, chart in enumerate(owner.photos(), 1):
        saved.append(out_dir / f"ventas-{n}.png")
        saved[-1].write_bytes(chart)
    print("=== La dueña pide /export ===")
    await owner.send_text("/export")
    await owner.replies(min_count=6)
    for name, data in owner.documents():
        saved.append(out_dir / name)
        saved[-1].write_bytes(data)
        print(f"📎 {name} ({format_count(len(data))} bytes)")
    print(f"\nArchivos guardados en {out_dir}/ para abrirlos: " + ", ".join(p.name for p in saved))
    print()
    has_chart = any(p.suffix == ".png" for p in saved)
    has_workbook = any(p.suffix == ".xlsx" for p in saved)
    return saved if has_chart and has_workbook else []


def _report(order: Order | None, before: Product | None, after: Product | None) -> int:
    print("=== Resultado ===")
    if order is None or order.status not in OPEN_STATUSES:
        print("No quedó ningún pedido en curso.")
        return 1
    status = texts.ORDER_STATUS[order.status]
    print(f"Pedido #{order.id} ({status}) para {order.customer_name}, {order.neighbourhood}:")
    for line in order.lines:
        print(f"  {line.quantity} × {line.name} ({line.sku}) a {format_cop(line.unit_price_minor)}")
    fee, total = format_cop(order.delivery_fee_minor), format_cop(order.total_minor)
    discount = f"Descuento: −{format_cop(order.discount_minor)} · " if order.discount_minor else ""
    print(f"  {discount}Domicilio: {fee} · Total: {total}")
    print(f"  Pago: {state_line(order.payment_method, order.payment_state)}")
    if before and after:
        print(f"Stock de {WATCHED_SKU}: {before.stock} → {after.stock}")
    expected = order.goods_minor + order.delivery_fee_minor
    paid = order.payment_state == PaymentState.PAID
    ok = (
        order.total_minor == expected
        and paid
        and bool(before and after and after.stock < before.stock)
    )
    return 0 if ok else 1


async def run_chat(settings: Settings, database: str | None = None) -> int:
    """You are the customer. '#N' presses button N of the last message; 'salir' ends."""
    async with local_session(settings, database) as session:
        customer = session.api.user(CUSTOMER_ID, first_name="Cliente")
        owner = session.api.user(OWNER_ID, first_name="Dueño")
        await owner.send_text("/start")  # as in Telegram: the owner's alerts need their chat
        await owner.replies()
        print(f"Chateando con el bot de {session.app.shop.name}. Escribe 'salir' para terminar.")
        print("Para tocar un botón escribe #1, #2…\n")
        last: list[dict] = []
        seen: set[int] = set()
        while True:
            try:
                line = (await asyncio.to_thread(input, "👤 Tú: ")).strip()
            except EOFError:
                break
            if line.lower() in {"salir", "exit", "quit"}:
                break
            if not line:
                continue
            buttons = [(m, b) for m in last for b in _buttons(m)]
            if line.startswith("#") and line[1:].isdigit() and 0 < int(line[1:]) <= len(buttons):
                message, button = buttons[int(line[1:]) - 1]
                await customer.press(message, button["callback_data"])
            else:
                await customer.send_text(line)
            try:
                last = await customer.replies(timeout=15)
            except TimeoutError:
                print("(el bot no respondió)", file=sys.stderr)
                continue
            _print_bot(last, seen)
            for n, (_, button) in enumerate(((m, b) for m in last for b in _buttons(m)), 1):
                print(f"   #{n} {button['text']}")
    return 0
