"""Messages that try to instruct the bot."""

from __future__ import annotations

import re

from domain.language.text import Text, prepare
from rag.normalize import fold

INJECTION_RE = re.compile(
    r"\b(ignora|ignore|ignorar|ignoren|olvida|olvidate de|omite|desobedece|salta)\w* .{0,25}"
    r"\b(instrucciones|reglas|indicaciones|prompt|sistema|instructions|rules)\b"
    r"|\b(system prompt|jailbreak|modo (desarrollador|dios|admin\w*|root|debug)"
    r"|actua como|act as|ahora eres|desde ahora (eres|seras)|you are now"
    r"|(tus|sus) instrucciones (internas|originales|del sistema|secretas))\b"
)
_MORE_INJECTION_RE = re.compile(
    r"\b(olvida\w*|borra\w*) (todo )?(lo )?(anterior|que te dijeron)\b"
    r"|\b(disregard|override|bypass)\b"
    r"|\b(previous|prior|above|earlier) (instructions|rules|prompt)\b"
    r"|\b(nuevas|otras) (instrucciones|reglas|ordenes)\b"
    r"|\binstrucciones (del|de) (sistema|administrador|desarrollador)\b"
    r"|\b(eres|soy) (el )?(administrador|admin|desarrollador)\b"
)
_ROLE_PREFIX_RE = re.compile(
    r"^\W*(sistema|asistente|admin)\s*:|\b(system|assistant|developer)\s*:|intent\s*="
)
# Letters spaced out or run together: "i g n o r a   t u s   r e g l a s".
_COMPACT_RE = re.compile(r"(ignor|disregard)\w{0,14}(regla|instruc|rule|prompt)")
_LEET = str.maketrans("013457@$", "oieastas")
_SPACED_LETTERS_RE = re.compile(r"\b(?:\w ){3,}\w\b")


def looks_like_injection(text: str) -> bool:
    """A message that tries to give the bot instructions ("ignora tus reglas…").

    Also read with letters un-spaced ("i g n o r a") and digits as letters ("1gn0ra").
    """
    return injected(text, prepare(text))


def injected(text: str, prepared: Text) -> bool:
    """looks_like_injection(text), given ``prepared = prepare(text)``.

    Only a variant that differs from the text is prepared again.
    """
    unspaced = _SPACED_LETTERS_RE.sub(_unspace, text) if " " in text else text
    variants = {text, unspaced}
    variants |= {variant.translate(_LEET) for variant in variants}
    for variant in variants:
        normalised = prepared.norm_text if variant == text else prepare(variant).norm_text
        if INJECTION_RE.search(normalised) or _MORE_INJECTION_RE.search(normalised):
            return True
        if _role_or_compact(fold(variant)):
            return True
    return False


def _unspace(match: re.Match[str]) -> str:
    return match.group().replace(" ", "")


def _role_or_compact(folded: str) -> bool:
    """A role prefix ("system:") or the words run together ("ignoratusreglas").

    The substring tests only skip regexes that could not match: a role prefix needs
    a ":" or "=", and both "ignor" and "disregard" have a "g".
    """
    if (":" in folded or "=" in folded) and _ROLE_PREFIX_RE.search(folded):
        return True
    return "g" in folded and bool(_COMPACT_RE.search(re.sub(r"\W+", "", folded)))
