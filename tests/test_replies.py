"""Long replies are cut where a person would cut them, within Telegram's limit."""

from bot.sending import MESSAGE_LIMIT, split_text


def test_short_text_is_one_message() -> None:
    assert split_text("hola") == ["hola"]


def test_long_text_is_cut_at_line_breaks_within_the_limit() -> None:
    lines = [f"• 1 × Producto de prueba número {n} — $10.000" for n in range(400)]
    text = "\n".join(lines)
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(len(chunk) <= MESSAGE_LIMIT for chunk in chunks)
    assert "\n".join(chunks) == text


def test_a_line_longer_than_the_limit_is_still_sent() -> None:
    chunks = split_text("x" * (MESSAGE_LIMIT * 2 + 10))
    assert [len(c) for c in chunks] == [MESSAGE_LIMIT, MESSAGE_LIMIT, 10]
