"""The local Bot API server driven by the real aiogram Bot and Dispatcher."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    RestartingTelegram,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    KeyboardButton,
    Message,
    MessageOriginUser,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from doubles.telegram import LocalBotAPI

CUSTOMER_ID = 5001
OWNER_ID = 7001
MB = 1024 * 1024
PNG_640x480 = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 640, 480)


class QuickCloseSession(AiohttpSession):
    """aiogram's session minus the 250 ms SSL grace sleep on close (plain HTTP here)."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(base_url: str, token: str = "123456:TEST-TOKEN") -> Bot:
    """A real aiogram Bot pointed at the local server."""
    session = QuickCloseSession(api=TelegramAPIServer.from_base(base_url))
    return Bot(token, session=session)


@pytest.fixture
async def api() -> AsyncIterator[LocalBotAPI]:
    async with LocalBotAPI() as server:
        yield server


@pytest.fixture
async def bot(api: LocalBotAPI) -> AsyncIterator[Bot]:
    bot = make_bot(api.base_url)
    yield bot
    await bot.session.close()


def shop_router() -> Router:
    """Echo text, offer a button, and edit the message when it is pressed."""
    router = Router()

    @router.message(F.text == "/start")
    async def start(message: Message) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Ver catálogo", callback_data="catalog")]]
        )
        await message.answer("¡Hola! ¿Qué buscas?", reply_markup=keyboard)

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"Dijiste: {message.text}")

    @router.callback_query(F.data == "catalog")
    async def catalog(query: CallbackQuery) -> None:
        await query.answer("Cargando…")
        assert isinstance(query.message, Message)
        await query.message.edit_text("Catálogo: arroz, café")

    return router


@asynccontextmanager
async def polling(bot: Bot, router: Router) -> AsyncIterator[Dispatcher]:
    """Run a real Dispatcher in polling mode for the duration of the block."""
    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    task = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        yield dispatcher
    finally:
        await dispatcher.stop_polling()
        await task


@asynccontextmanager
async def http_app(setup: Callable[[web.Application], None]) -> AsyncIterator[str]:
    """Serve an aiohttp app on a free local port; yields its base URL."""
    app = web.Application()
    setup(app)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def raw_call(api: LocalBotAPI, method: str, **request: Any) -> tuple[int, dict[str, Any]]:
    """Call the server over HTTP without aiogram; returns (status, JSON body)."""
    url = f"{api.base_url}/bot{request.pop('token', api.token)}/{method}"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, **request) as response:
            return response.status, await response.json()


async def test_get_me_and_auth_errors(api: LocalBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "agente_vendedor_bot")

    intruder = make_bot(api.base_url, token="999:WRONG")
    with pytest.raises(TelegramUnauthorizedError):
        await intruder.get_me()
    await intruder.session.close()

    status, body = await raw_call(api, "sendTelepathy")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    status, body = await raw_call(api, "GETME")
    assert status == 200 and body["result"]["username"] == "agente_vendedor_bot"


async def test_parameters_arrive_in_every_encoding(api: LocalBotAPI) -> None:
    customer = api.user(CUSTOMER_ID)
    await customer.send_text("hola")
    markup = '{"inline_keyboard": [[{"text": "Sí", "callback_data": "yes"}]]}'

    _, as_json = await raw_call(api, "sendMessage", json={"chat_id": CUSTOMER_ID, "text": "json"})
    _, as_form = await raw_call(
        api,
        "sendmessage",
        data={"chat_id": str(CUSTOMER_ID), "text": "form", "reply_markup": markup},
    )
    _, as_query = await raw_call(
        api, "sendMessage", params={"chat_id": str(CUSTOMER_ID), "text": "query"}
    )
    form = aiohttp.FormData()
    form.add_field("chat_id", str(CUSTOMER_ID))
    form.add_field("document", b"%PDF-1.4", filename="lista.pdf")
    _, as_multipart = await raw_call(api, "sendDocument", data=form)

    assert [m.get("text") for m in customer.messages()] == ["json", "form", "query", None]
    assert as_form["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"
    assert as_json["result"]["from"]["is_bot"] is True
    assert as_query["result"]["chat"] == {"id": CUSTOMER_ID, "first_name": "Ana", "type": "private"}
    document = as_multipart["result"]["document"]
    assert (document["file_name"], document["mime_type"]) == ("lista.pdf", "application/pdf")
    assert api.files[document["file_id"]] == b"%PDF-1.4"
    ids = [m["message_id"] for m in customer.messages()]
    assert ids == sorted(ids) and len(set(ids)) == 4


async def test_polling_echo_and_inline_button(api: LocalBotAPI, bot: Bot) -> None:
    customer = api.user(CUSTOMER_ID, first_name="Ana")
    async with polling(bot, shop_router()):
        await customer.send_text("/start")
        [greeting] = await customer.replies()
        await customer.send_text("quiero café")
        [echo] = await customer.replies()

        update = await customer.press(greeting, "catalog")
        [edited] = await customer.replies(min_count=0, quiet=0.3)
        answer = await api.wait_for(lambda: customer.callback_answer(update))

    assert greeting["text"] == "¡Hola! ¿Qué buscas?"
    assert echo["text"] == "Dijiste: quiero café"
    assert edited["message_id"] == greeting["message_id"]
    assert edited["text"] == "Catálogo: arroz, café"
    assert "reply_markup" not in edited  # editMessageText without markup drops the keyboard
    assert answer["text"] == "Cargando…"
    [before] = api.edit_history(CUSTOMER_ID, greeting["message_id"])
    assert before["text"] == "¡Hola! ¿Qué buscas?"
    assert [m["text"] for m in customer.messages()] == [edited["text"], echo["text"]]
    assert customer.last_text() == "Dijiste: quiero café"
    assert "getUpdates" in [method for method, _ in api.calls]
    first_send = next(params for method, params in api.calls if method == "sendMessage")
    assert first_send["chat_id"] == CUSTOMER_ID
    assert first_send["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "catalog"


async def test_commands_get_bot_command_entities(api: LocalBotAPI) -> None:
    update = await api.user(CUSTOMER_ID).send_text("/pedido 3")
    assert update["message"]["entities"] == [{"offset": 0, "length": 7, "type": "bot_command"}]


async def test_long_poll_returns_as_soon_as_an_update_arrives(api: LocalBotAPI, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    await api.user(CUSTOMER_ID).send_text("hola")
    updates = await asyncio.wait_for(poll, 2)

    assert loop.time() - started < 1.5
    assert [u.message.text for u in updates if u.message] == ["hola"]
    assert len(await bot.get_updates(timeout=0)) == 1  # not confirmed yet
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == []


async def test_retry_after_and_blocked_injection(api: LocalBotAPI, bot: Bot) -> None:
    await api.user(CUSTOMER_ID).send_text("hola")
    api.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(CUSTOMER_ID, "oferta")
    assert retry.value.retry_after == 7
    assert "Too Many Requests: retry after 7" in str(retry.value)

    api.fail_next("sendmessage", 403)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(CUSTOMER_ID, "oferta")

    sent = await bot.send_message(CUSTOMER_ID, "oferta")
    assert sent.text == "oferta"
    assert len(api.sent_messages(CUSTOMER_ID)) == 1


async def test_blocked_customer_makes_sends_fail_with_403(api: LocalBotAPI, bot: Bot) -> None:
    customer = api.user(CUSTOMER_ID)
    await customer.send_text("hola")
    update = await customer.block()
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(CUSTOMER_ID, "¿sigues ahí?")
    await customer.block(False)
    assert (await bot.send_message(CUSTOMER_ID, "¡volviste!")).text == "¡volviste!"


async def test_allowed_updates_filters_update_types(api: LocalBotAPI, bot: Bot) -> None:
    customer = api.user(CUSTOMER_ID)
    await customer.send_text("hola")
    sent = await bot.send_message(
        CUSTOMER_ID,
        "elige",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
        ),
    )
    await customer.press(sent.message_id, "a")
    updates = await bot.get_updates(allowed_updates=["callback_query"], timeout=0)
    assert [u.callback_query.data for u in updates if u.callback_query] == ["a"]
    assert len(updates) == 1


async def test_raw_429_body_matches_telegram(api: LocalBotAPI) -> None:
    api.fail_next("getMe", 429, retry_after=3)
    status, body = await raw_call(api, "getMe")
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }


async def test_html_502_is_nginx_page_that_aiogram_cannot_decode(
    api: LocalBotAPI, bot: Bot
) -> None:
    api.fail_next("getMe", 502, html=True)
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{api.base_url}/bot{api.token}/getMe") as response:
            status, kind, page = response.status, response.content_type, await response.text()
    assert (status, kind) == (502, "text/html")
    assert "<title>502 Bad Gateway</title>" in page and "nginx" in page

    api.fail_next("getMe", 502, html=True)
    with pytest.raises(ClientDecodeError) as failure:  # not a TelegramAPIError at all
        await bot.get_me()
    assert not isinstance(failure.value, TelegramAPIError)
    assert "502 Bad Gateway" in str(failure.value.data)
    assert (await bot.get_me()).username == "agente_vendedor_bot"


async def test_json_5xx_errors_are_telegram_server_errors(api: LocalBotAPI, bot: Bot) -> None:
    api.fail_next("getMe", 500)
    with pytest.raises(TelegramServerError, match="Internal Server Error"):
        await bot.get_me()
    api.fail_next("getMe", 502)
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.get_me()
    api.fail_next("getMe", 500, "Internal Server Error: restart")
    with pytest.raises(RestartingTelegram):
        await bot.get_me()


async def test_a_hang_is_a_request_timeout_and_the_abandoned_call_never_happens(
    api: LocalBotAPI, bot: Bot
) -> None:
    await api.user(CUSTOMER_ID).send_text("hola")
    api.hang_next("sendMessage")  # until the client gives up
    started = asyncio.get_running_loop().time()
    with pytest.raises(TelegramNetworkError, match="Request timeout error"):
        await bot.send_message(CUSTOMER_ID, "oferta", request_timeout=1)
    assert asyncio.get_running_loop().time() - started < 3
    await asyncio.sleep(0.2)  # the server notices the closed connection
    assert api.sent_messages(CUSTOMER_ID) == []
    assert (await bot.send_message(CUSTOMER_ID, "oferta")).text == "oferta"


async def test_a_timed_hang_answers_late_but_answers(api: LocalBotAPI, bot: Bot) -> None:
    api.hang_next("getMe", 0.3)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert (await bot.get_me()).is_bot
    assert loop.time() - started >= 0.3


async def test_faults_for_every_method_come_after_the_method_s_own(
    api: LocalBotAPI, bot: Bot
) -> None:
    api.fail_next("*", 502, html=True, times=2)
    api.fail_next("getMe", 403, "Forbidden: injected")
    with pytest.raises(TelegramForbiddenError):
        await bot.get_me()
    with pytest.raises(ClientDecodeError):
        await bot.get_me()
    with pytest.raises(ClientDecodeError):
        await bot.get_updates(timeout=0)
    assert await bot.get_updates(timeout=0) == []


async def test_stopping_the_server_ends_calls_that_hang() -> None:
    api = LocalBotAPI()
    await api.start()
    bot = make_bot(api.base_url)
    try:
        api.hang_next("*")
        call = asyncio.create_task(bot.get_me())
        await api.wait_for(lambda: api.calls)
        started = asyncio.get_running_loop().time()
        await api.stop()
        assert asyncio.get_running_loop().time() - started < 1
        with pytest.raises(ClientDecodeError, match="504 Gateway Time"):  # nginx's 504 page
            await call
    finally:
        await bot.session.close()


async def test_limits_match_the_real_api(api: LocalBotAPI, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(CUSTOMER_ID, "¿hola?")
    await api.user(CUSTOMER_ID).send_text("hola")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(CUSTOMER_ID, "a" * 4097)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(CUSTOMER_ID, "  ")
    sent = await bot.send_message(CUSTOMER_ID, "a" * 4096)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("a" * 4096, chat_id=CUSTOMER_ID, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        too_long = InlineKeyboardButton(text="x", callback_data="x" * 65)
        markup = InlineKeyboardMarkup(inline_keyboard=[[too_long]])
        await bot.send_message(CUSTOMER_ID, "botón", reply_markup=markup)


async def test_parse_modes_render_entities_or_fail_like_telegram(
    api: LocalBotAPI, bot: Bot
) -> None:
    await api.user(CUSTOMER_ID).send_text("hola")
    sent = await bot.send_message(CUSTOMER_ID, "<b>Total</b>: $10 &amp; envío", parse_mode="HTML")
    assert sent.text == "Total: $10 & envío"
    assert [(e.type, e.offset, e.length) for e in sent.entities or []] == [("bold", 0, 5)]

    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(CUSTOMER_ID, "<b>sin cerrar", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="reserved"):
        await bot.send_message(CUSTOMER_ID, "Precio: 10.000", parse_mode="MarkdownV2")
    escaped = await bot.send_message(CUSTOMER_ID, "*Precio:* 10\\.000", parse_mode="MarkdownV2")
    assert escaped.text == "Precio: 10.000"


async def test_reply_keyboard_is_tracked_but_not_echoed(api: LocalBotAPI, bot: Bot) -> None:
    customer = api.user(CUSTOMER_ID)
    first = await customer.send_text("hola")
    buttons = [KeyboardButton(text="Sí"), KeyboardButton(text="No")]
    keyboard = ReplyKeyboardMarkup(keyboard=[buttons])
    sent = await bot.send_message(
        CUSTOMER_ID,
        "¿Confirmas?",
        reply_markup=keyboard,
        reply_to_message_id=first["message"]["message_id"],
    )
    assert sent.reply_markup is None
    assert sent.reply_to_message is not None and sent.reply_to_message.text == "hola"
    assert customer.keyboard() == [["Sí", "No"]]
    await bot.send_message(CUSTOMER_ID, "Listo", reply_markup=ReplyKeyboardRemove())
    assert customer.keyboard() is None


async def test_document_upload_downloads_identical_bytes(api: LocalBotAPI, bot: Bot) -> None:
    customer = api.user(CUSTOMER_ID)
    await customer.send_text("hola")
    data = bytes(range(256)) * 40
    sent = await bot.send_document(
        CUSTOMER_ID, BufferedInputFile(data, "catalogo.xlsx"), caption="Catálogo"
    )
    assert sent.document is not None and sent.document.file_name == "catalogo.xlsx"
    assert sent.caption == "Catálogo"

    file = await bot.get_file(sent.document.file_id)
    assert file.file_path and file.file_size == len(data)
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == data

    again = await bot.send_document(CUSTOMER_ID, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(CUSTOMER_ID, "no-such-file-id")


async def test_customer_files_are_downloadable_by_the_bot(api: LocalBotAPI, bot: Bot) -> None:
    customer = api.user(CUSTOMER_ID)
    doc_update = await customer.send_document("pedido.csv", b"sku,qty\nA1,2\n", caption="mi pedido")
    photo_update = await customer.send_photo(PNG_640x480, caption="así")
    voice_update = await customer.send_voice(b"OggS-fake", duration=4)

    document = doc_update["message"]["document"]
    assert (document["mime_type"], doc_update["message"]["caption"]) == ("text/csv", "mi pedido")
    assert (await bot.download(document["file_id"])).read() == b"sku,qty\nA1,2\n"

    sizes = photo_update["message"]["photo"]
    assert len(sizes) > 1
    assert [s["width"] for s in sizes] == sorted(s["width"] for s in sizes)
    assert (sizes[-1]["width"], sizes[-1]["height"]) == (640, 480)
    for size in sizes:
        assert (await bot.download(size["file_id"])).read() == PNG_640x480

    voice = voice_update["message"]["voice"]
    assert (voice["duration"], voice["mime_type"]) == (4, "audio/ogg")
    assert (await bot.download(voice["file_id"])).read() == b"OggS-fake"


async def test_bot_sends_photo_and_edits_reply_markup(api: LocalBotAPI, bot: Bot) -> None:
    customer = api.user(CUSTOMER_ID)
    await customer.send_text("foto")
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Comprar", callback_data="buy:1")]]
    )
    sent = await bot.send_photo(CUSTOMER_ID, BufferedInputFile(PNG_640x480, "p.png"))
    assert sent.photo and sent.photo[-1].width == 640
    edited = await bot.edit_message_reply_markup(
        chat_id=CUSTOMER_ID, message_id=sent.message_id, reply_markup=markup
    )
    assert isinstance(edited, Message) and edited.reply_markup is not None
    assert edited.reply_markup.inline_keyboard[0][0].callback_data == "buy:1"
    assert customer.messages()[-1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Comprar"
    assert await bot.delete_message(CUSTOMER_ID, sent.message_id)
    assert customer.messages() == []


async def test_replies_times_out_with_what_was_seen(api: LocalBotAPI, bot: Bot) -> None:
    customer = api.user(CUSTOMER_ID)
    await customer.send_text("hola")
    await bot.send_message(CUSTOMER_ID, "uno")
    with pytest.raises(TimeoutError, match="expected 2 new bot message.*uno"):
        await customer.replies(min_count=2, timeout=0.3, quiet=0.05)
    await bot.send_message(CUSTOMER_ID, "dos")
    assert [m["text"] for m in await customer.replies(min_count=2, quiet=0.05)] == ["uno", "dos"]
    with pytest.raises(TimeoutError):
        await customer.replies(timeout=0.2, quiet=0.05)


async def test_pressing_a_missing_button_is_an_error(api: LocalBotAPI, bot: Bot) -> None:
    customer = api.user(CUSTOMER_ID)
    await customer.send_text("hola")
    sent = await bot.send_message(CUSTOMER_ID, "sin botones")
    with pytest.raises(ValueError, match="no button"):
        await customer.press(sent.message_id, "buy")


async def test_injected_duplicate_update_is_delivered_again(api: LocalBotAPI, bot: Bot) -> None:
    seen: list[int] = []
    router = Router()

    @router.message()
    async def record(message: Message, event_update: Any) -> None:
        seen.append(event_update.update_id)

    async with polling(bot, router):
        update = await api.user(CUSTOMER_ID).send_text("pago 1")
        await api.wait_for(lambda: len(seen) == 1)
        api.inject_update(update)
        await api.wait_for(lambda: len(seen) == 2)

    assert seen == [update["update_id"], update["update_id"]]


async def test_webhook_secret_retries_and_reply_in_response(api: LocalBotAPI, bot: Bot) -> None:
    dispatcher = Dispatcher()
    router = Router()

    @router.message(F.text)
    async def answer_in_response(message: Message) -> Any:
        return message.answer(f"Recibido: {message.text}")

    dispatcher.include_router(router)
    handler = SimpleRequestHandler(
        dispatcher, bot, handle_in_background=False, secret_token="s3cret"
    )
    customer = api.user(CUSTOMER_ID)

    async with http_app(lambda app: handler.register(app, path="/hook")) as base:
        await bot.set_webhook(f"{base}/hook", secret_token="wrong")
        await customer.send_text("primero")
        await api.wait_for(lambda: len(api.webhook_attempts) >= 2)
        assert {attempt.status for attempt in api.webhook_attempts} == {401}
        assert customer.messages() == []
        with pytest.raises(TelegramConflictError):
            await bot.get_updates()

        await bot.set_webhook(f"{base}/hook", secret_token="s3cret")
        await customer.send_text("segundo")
        replies = await customer.replies(min_count=2)
        info = await bot.get_webhook_info()
        await bot.delete_webhook()

    assert [m["text"] for m in replies] == ["Recibido: primero", "Recibido: segundo"]
    assert info.url == f"{base}/hook" and info.pending_update_count == 0
    assert await bot.get_updates(timeout=0) == []


async def test_webhook_keeps_order_through_failures(api: LocalBotAPI) -> None:
    received: list[str] = []
    failures = iter([True, False, False])

    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        received.append(update["message"]["text"])
        if next(failures, False):
            return web.Response(status=500)
        chat_id = update["message"]["chat"]["id"]
        text = f"ok {update['message']['text']}"
        return web.json_response({"method": "sendMessage", "chat_id": chat_id, "text": text})

    customer = api.user(CUSTOMER_ID)
    await customer.send_text("a")
    await customer.send_text("b")
    async with http_app(lambda app: app.router.add_post("/hook", hook)) as base:
        await api.call("setWebhook", {"url": f"{base}/hook"})
        replies = await customer.replies(min_count=2)
        await api.call("deleteWebhook", {})

    assert received == ["a", "a", "b"]
    assert [m["text"] for m in replies] == ["ok a", "ok b"]


async def test_webhook_gives_up_after_max_attempts(api: LocalBotAPI) -> None:
    hits: list[int] = []

    async def broken(request: web.Request) -> web.Response:
        hits.append((await request.json())["update_id"])
        return web.Response(status=502)

    async with LocalBotAPI(webhook_max_attempts=3, webhook_retry_delay=0.01) as local:
        customer = local.user(CUSTOMER_ID)
        async with http_app(lambda app: app.router.add_post("/hook", broken)) as base:
            await local.call("setWebhook", {"url": f"{base}/hook"})
            first = await customer.send_text("uno")
            second = await customer.send_text("dos")
            await local.wait_for(lambda: local.pending_update_count == 0, timeout=3)
            info = await local.call("getWebhookInfo", {})

    assert hits == [first["update_id"]] * 3 + [second["update_id"]] * 3
    assert "502" in info["last_error_message"]


async def test_copy_message_copies_content_without_forward_header(
    api: LocalBotAPI, bot: Bot
) -> None:
    customer, owner = api.user(CUSTOMER_ID), api.user(OWNER_ID, first_name="Dueño")
    await owner.send_text("hola")
    order = await customer.send_document("pedido.csv", b"sku,qty\nA1,2\n", caption="mi pedido")
    text = await customer.send_text("/pedido 3")
    photo = await customer.send_photo(PNG_640x480, caption="así")
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Aceptar", callback_data="ok:1")]]
    )

    copied = await bot.copy_message(OWNER_ID, CUSTOMER_ID, order["message"]["message_id"])
    await bot.copy_message(
        OWNER_ID, CUSTOMER_ID, text["message"]["message_id"], reply_markup=markup
    )
    await bot.copy_message(
        OWNER_ID,
        CUSTOMER_ID,
        photo["message"]["message_id"],
        caption="<b>Foto</b> del cliente",
        parse_mode="HTML",
        reply_parameters=ReplyParameters(message_id=copied.message_id),
    )

    document, command, picture = owner.messages()
    assert copied.message_id == document["message_id"]
    raw = {"chat_id": OWNER_ID, "from_chat_id": CUSTOMER_ID, "message_id": 2}
    assert await raw_call(api, "copyMessage", json=raw) == (
        200,
        {"ok": True, "result": {"message_id": picture["message_id"] + 1}},
    )
    assert document["from"]["id"] == api.bot_user["id"] and "forward_origin" not in document
    assert document["document"] == order["message"]["document"]
    assert document["caption"] == "mi pedido"
    assert (command["text"], command["entities"]) == ("/pedido 3", text["message"]["entities"])
    assert command["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ok:1"
    assert picture["caption"] == "Foto del cliente"
    assert picture["caption_entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    assert picture["reply_to_message"]["message_id"] == copied.message_id
    assert owner.documents() == [("pedido.csv", b"sku,qty\nA1,2\n")]
    assert owner.photos() == [PNG_640x480]
    assert customer.documents() == [] and customer.photos() == []

    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await bot.copy_message(OWNER_ID, CUSTOMER_ID, 999)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.copy_message(OWNER_ID, 424242, 1)


async def test_forward_message_names_the_original_sender(api: LocalBotAPI, bot: Bot) -> None:
    customer, owner = api.user(CUSTOMER_ID, first_name="Ana"), api.user(OWNER_ID)
    await owner.send_text("hola")
    update = await customer.send_text("quiero 3 cajas de café")
    voice = await customer.send_voice(b"OggS-fake", duration=4)
    original = update["message"]

    forwarded = await bot.forward_message(OWNER_ID, CUSTOMER_ID, original["message_id"])
    again = await bot.forward_message(CUSTOMER_ID, OWNER_ID, forwarded.message_id)
    audio = await bot.forward_message(OWNER_ID, CUSTOMER_ID, voice["message"]["message_id"])

    assert forwarded.text == "quiero 3 cajas de café"
    assert forwarded.chat.id == OWNER_ID and forwarded.from_user is not None
    assert forwarded.from_user.is_bot
    origin = forwarded.forward_origin
    assert isinstance(origin, MessageOriginUser)
    assert (origin.sender_user.id, origin.sender_user.first_name) == (CUSTOMER_ID, "Ana")
    assert int(origin.date.timestamp()) == original["date"]
    assert forwarded.forward_from is not None and forwarded.forward_from.id == CUSTOMER_ID
    assert forwarded.forward_date == origin.date
    stored, _ = owner.messages()
    assert stored["forward_origin"] == {
        "type": "user",
        "sender_user": customer.user,
        "date": original["date"],
    }
    assert (stored["forward_from"], stored["forward_date"]) == (customer.user, original["date"])
    assert isinstance(again.forward_origin, MessageOriginUser)
    assert again.forward_origin.sender_user.id == CUSTOMER_ID  # keeps the first origin
    assert audio.voice is not None and audio.voice.file_id == voice["message"]["voice"]["file_id"]

    with pytest.raises(TelegramBadRequest, match="message to forward not found"):
        await bot.forward_message(OWNER_ID, CUSTOMER_ID, 999)


async def test_send_media_group_uploads_an_album(api: LocalBotAPI, bot: Bot) -> None:
    customer = api.user(CUSTOMER_ID)
    request = await customer.send_text("mándame los catálogos")
    files = [("catalogo.xlsx", b"PK\x03\x04-xlsx"), ("precios.pdf", b"%PDF-1.4")]
    album = await bot.send_media_group(
        CUSTOMER_ID,
        [
            InputMediaDocument(media=BufferedInputFile(files[0][1], files[0][0]), caption="Lista"),
            InputMediaDocument(
                media=BufferedInputFile(files[1][1], files[1][0]),
                caption="<i>Precios</i>",
                parse_mode="HTML",
            ),
        ],
        reply_parameters=ReplyParameters(message_id=request["message"]["message_id"]),
    )

    assert len(album) == 2 and album[0].media_group_id
    assert album[0].media_group_id == album[1].media_group_id
    assert [m.caption for m in album] == ["Lista", "Precios"]
    assert album[1].caption_entities and album[1].caption_entities[0].type == "italic"
    assert all(m.reply_to_message and m.reply_to_message.text for m in album)
    assert [m.document.file_name for m in album if m.document] == [name for name, _ in files]
    assert customer.documents() == files
    [(_, sent)] = [(method, params) for method, params in api.calls if method == "sendMediaGroup"]
    assert [item["type"] for item in sent["media"]] == ["document", "document"]

    photos = await bot.send_media_group(
        CUSTOMER_ID,
        [
            InputMediaPhoto(media=BufferedInputFile(PNG_640x480, "a.png"), caption="Frente"),
            InputMediaPhoto(media=BufferedInputFile(PNG_640x480 + b"\0", "b.png")),
        ],
    )
    assert photos[0].photo is not None
    file_id = photos[0].photo[-1].file_id
    reused = await bot.send_media_group(CUSTOMER_ID, [InputMediaPhoto(media=file_id)] * 2)
    assert photos[0].media_group_id != album[0].media_group_id
    assert photos[1].photo and (photos[1].photo[-1].width, photos[1].photo[-1].height) == (640, 480)
    assert reused[0].photo == photos[0].photo and reused[1].caption is None
    assert customer.photos() == [PNG_640x480, PNG_640x480 + b"\0", PNG_640x480, PNG_640x480]
    assert customer.documents() == files


async def test_send_media_group_rejects_bad_albums(api: LocalBotAPI, bot: Bot) -> None:
    await api.user(CUSTOMER_ID).send_text("hola")
    document = InputMediaDocument(media=BufferedInputFile(b"x", "x.txt"))
    photo = InputMediaPhoto(media=BufferedInputFile(PNG_640x480, "p.png"))
    with pytest.raises(TelegramBadRequest, match="media must include 2-10 items"):
        await bot.send_media_group(CUSTOMER_ID, [document])
    with pytest.raises(TelegramBadRequest, match="too many messages to send as an album"):
        await bot.send_media_group(CUSTOMER_ID, [document] * 11)
    with pytest.raises(TelegramBadRequest, match="document can't be mixed"):
        await bot.send_media_group(CUSTOMER_ID, [document, photo])
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_media_group(OWNER_ID, [document, document])

    form = aiohttp.FormData()
    form.add_field("chat_id", str(CUSTOMER_ID))
    form.add_field(
        "media",
        '[{"type": "document", "media": "attach://one"},'
        ' {"type": "document", "media": "attach://two"}]',
    )
    form.add_field("one", b"1", filename="uno.txt")
    status, body = await raw_call(api, "sendMediaGroup", data=form)
    assert (status, body["description"]) == (400, "Bad Request: media not found")
    assert api.sent_messages(CUSTOMER_ID) == []


async def test_get_file_refuses_files_over_20_mb(api: LocalBotAPI, bot: Bot) -> None:
    customer = api.user(CUSTOMER_ID)
    big = await customer.send_document("video.zip", b"zip", declared_size=20 * MB + 1)
    limit = await customer.send_document("fotos.zip", b"fotos", declared_size=20 * MB)
    big_id = big["message"]["document"]["file_id"]

    assert big["message"]["document"]["file_size"] == 20 * MB + 1
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(big_id)
    status, body = await raw_call(api, "getFile", json={"file_id": big_id})
    assert (status, body) == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: file is too big"},
    )
    file = await bot.get_file(limit["message"]["document"]["file_id"])
    assert file.file_size == 20 * MB and file.file_path
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == b"fotos"


async def test_customer_replies_quote_the_replied_message(api: LocalBotAPI, bot: Bot) -> None:
    customer = api.user(CUSTOMER_ID)
    seen: list[tuple[str | None, str | None]] = []
    router = Router()

    @router.message()
    async def record(message: Message) -> None:
        quoted = message.reply_to_message
        seen.append((message.text or message.caption, quoted.text if quoted else None))

    first = await customer.send_text("hola")
    question = await bot.send_message(
        CUSTOMER_ID, "¿Confirmas el pedido?", reply_to_message_id=first["message"]["message_id"]
    )
    async with polling(bot, router):
        answer = await customer.send_text("sí", reply_to=question.message_id)
        await customer.send_text("¿y el envío?", reply_to=first)
        await customer.send_photo(PNG_640x480, caption="comprobante", reply_to=answer)
        await customer.send_document("pago.pdf", b"%PDF", reply_to=question.message_id)
        await api.wait_for(lambda: len(seen) == 5)

    quoted = answer["message"]["reply_to_message"]
    assert quoted["text"] == "¿Confirmas el pedido?" and quoted["from"]["is_bot"] is True
    assert "reply_to_message" not in quoted  # one level deep, like Telegram
    assert seen == [
        ("hola", None),
        ("sí", "¿Confirmas el pedido?"),
        ("¿y el envío?", "hola"),
        ("comprobante", "sí"),
        (None, "¿Confirmas el pedido?"),
    ]
    with pytest.raises(ValueError, match="does not exist"):
        await customer.send_text("??", reply_to=999)


# ------------------------------------------------------------ "update handled"
@asynccontextmanager
async def reporting(api: LocalBotAPI, bot: Bot, dispatcher: Dispatcher) -> AsyncIterator[None]:
    """`dispatcher` polling, telling `api` as it finishes each update."""
    api.report_handling(dispatcher)
    task = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        yield
    finally:
        await dispatcher.stop_polling()
        await task


async def test_replies_wait_for_the_handled_update_not_for_silence(
    api: LocalBotAPI, bot: Bot
) -> None:
    dispatcher = Dispatcher()

    @dispatcher.message(F.text == "despacio")
    async def slow(message: Message) -> None:
        await message.answer("uno")
        await asyncio.sleep(0.6)  # longer than any silence a test would wait for
        await message.answer("dos")

    @dispatcher.message(F.text == "nada")
    async def nothing(message: Message) -> None:
        await asyncio.sleep(0.3)

    customer = api.user(CUSTOMER_ID)
    async with reporting(api, bot, dispatcher):
        await customer.send_text("despacio")
        assert [m["text"] for m in await customer.replies()] == ["uno", "dos"]
        await customer.send_text("nada")
        assert await customer.replies(min_count=0) == []
        assert api.state.updates.unhandled == []


async def test_error_handlers_and_outer_middlewares_are_part_of_the_handling(
    api: LocalBotAPI, bot: Bot
) -> None:
    dispatcher = Dispatcher()

    @dispatcher.update.outer_middleware()
    async def drop_repeats(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        if event.message and event.message.text == "repetido":
            return None  # answered here: the handlers never see it
        return await handler(event, data)

    @dispatcher.message(F.text == "método")
    async def answer_by_returning(message: Message) -> Any:
        return message.answer("enviado al volver")  # sent by aiogram after the middlewares

    @dispatcher.message()
    async def fail(message: Message) -> None:
        raise ValueError("roto")

    @dispatcher.errors()
    async def apologise(event: Any, bot: Bot) -> None:
        await asyncio.sleep(0.3)
        await bot.send_message(CUSTOMER_ID, "algo falló")

    customer = api.user(CUSTOMER_ID)
    async with reporting(api, bot, dispatcher):
        await customer.send_text("hola")
        assert [m["text"] for m in await customer.replies()] == ["algo falló"]
        await customer.send_text("repetido")
        await api.wait_handled(timeout=5)
        assert await customer.replies(min_count=0) == []
        await customer.send_text("método")
        await api.wait_handled(timeout=5)
        assert customer.last_text() == "enviado al volver"


async def test_updates_the_bot_never_gets_count_as_handled(api: LocalBotAPI, bot: Bot) -> None:
    with pytest.raises(RuntimeError, match="report_handling"):
        await api.wait_handled()
    api.report_handling(Dispatcher())
    customer = api.user(CUSTOMER_ID)
    await customer.send_text("hola")
    assert api.state.updates.unhandled == [1]
    await bot.get_updates(allowed_updates=["callback_query"], timeout=0)  # drops the message
    await api.wait_handled(timeout=1)
    await customer.send_text("otra")
    await bot.delete_webhook(drop_pending_updates=True)
    await api.wait_handled(timeout=1)


async def test_parallel_webhook_delivers_chats_at_once_each_chat_in_order() -> None:
    """`webhook_parallel` (the load test): like Telegram, several POSTs at once, up to
    max_connections, but never two of one chat at once, and each chat's in order."""
    in_flight: list[int] = []
    most = 0
    seen: dict[int, list[str]] = {}
    chats_at_once: set[int] = set()
    overlapping_one_chat = False

    async def hook(request: web.Request) -> web.Response:
        nonlocal most, overlapping_one_chat
        update = await request.json()
        chat = update["message"]["chat"]["id"]
        overlapping_one_chat |= chat in chats_at_once
        chats_at_once.add(chat)
        in_flight.append(chat)
        most = max(most, len(in_flight))
        await asyncio.sleep(0.05)
        seen.setdefault(chat, []).append(update["message"]["text"])
        in_flight.remove(chat)
        chats_at_once.discard(chat)
        return web.Response(status=200)

    async with LocalBotAPI(webhook_parallel=True) as api:
        for chat in range(1, 7):
            for n in range(3):
                await api.user(1000 + chat).send_text(f"{chat}-{n}")
        async with http_app(lambda app: app.router.add_post("/hook", hook)) as base:
            await api.call("setWebhook", {"url": f"{base}/hook", "max_connections": 4})
            await api.wait_for(lambda: api.pending_update_count == 0, timeout=10)
            await api.call("deleteWebhook", {})
    assert most == 4
    assert not overlapping_one_chat
    assert seen == {1000 + c: [f"{c}-{n}" for n in range(3)] for c in range(1, 7)}
