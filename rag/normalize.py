"""Spanish text normalisation for product search: folding, units, tokens, stems."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

logger = logging.getLogger(__name__)

# Unit aliases (already accent-folded) -> canonical suffix glued to the number.
_UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "lb": ("libras", "libra", "lbs", "lb", "lib"),
    "kg": ("kilogramos", "kilogramo", "kilos", "kilo", "kgs", "kg", "kls"),
    "mg": ("miligramos", "miligramo", "mg"),
    "g": ("gramos", "gramo", "grs", "gr", "g"),
    "ml": ("mililitros", "mililitro", "ml", "cc"),
    "cl": ("centilitros", "centilitro", "cl"),
    "l": ("litros", "litro", "lts", "lt", "l"),
    "gal": ("galones", "galon", "gal"),
    "oz": ("onzas", "onza", "oz"),
    "mm": ("milimetros", "milimetro", "mm"),
    "cm": ("centimetros", "centimetro", "cms", "cm"),
    "m": ("metros", "metro", "mts", "mt", "m"),
    "in": ("pulgadas", "pulgada", "pulg", "in", '"', "''"),
    "w": ("vatios", "vatio", "watts", "watt", "w"),
    "v": ("voltios", "voltio", "volts", "v"),
    "anos": ("anos", "ano"),
    "meses": ("meses", "mes"),
    "mah": ("mah",),
    "ma": ("miliamperios", "miliamperio", "ma"),
    "a": ("amperios", "amperio", "amps", "amp"),  # a bare 'a' only glued: '3a', not '3 a 5'
    "gb": ("gb",),
    "tb": ("tb",),
}
_PACK_WORDS = (
    "unidades",
    "unidad",
    "unids",
    "unid",
    "unds",
    "und",
    "uds",
    "u",
    "piezas",
    "pieza",
    "pzas",
    "pzs",
    "pcs",
    "pc",
)
_LETTER_SIZES = ("xxxl", "xxl", "xl", "xxs", "xs", "s", "m", "l")

# Linear time on any text (`tests/test_input_time.py`): a pattern searched for from a digit
# starts only where a run of digits starts (a lookbehind), so a run of n digits is tried once and
# not from each of its n positions (n² steps), and no two quantifiers next to each other can
# share one run of spaces. The token patterns below are only ever fullmatched.
_NUM = r"\d+(?:\.\d+)?"
_ALIAS_TO_UNIT = {alias: unit for unit, aliases in _UNIT_ALIASES.items() for alias in aliases}
_UNIT_RE = re.compile(
    rf"(?<![a-z0-9.])({_NUM})\s*("
    + "|".join(re.escape(a) for a in sorted(_ALIAS_TO_UNIT, key=len, reverse=True))
    + r")(?![a-z0-9])\.?"
)
_FRACTION_UNIT_RE = re.compile(
    r"(?<![a-z0-9./])(?:(\d+)\s+)?(\d+)/(\d+)\s*("
    + "|".join(re.escape(a) for a in sorted(_ALIAS_TO_UNIT, key=len, reverse=True))
    + r")(?![a-z0-9])\.?"
)
_THOUSANDS_RE = re.compile(r"(?<![\d.,])(\d{1,3}(?:([.,])\d{3})(?:\2\d{3})*)(?![\d]|[.,]\d)")
_DECIMAL_RE = re.compile(r"(?<=\d)[.,](?=\d)")
# The decimals end in a zero; the zeros are trimmed in Python (a lazy `\d*?0+` retried the zeros
# from every decimal: n² steps on '1.000…01').
_TRAILING_ZEROS_RE = re.compile(r"(?<!\d)(\d+)\.(\d*0)(?!\d)")
_DIMENSION_RE = re.compile(rf"(?<!\d)({_NUM})\s*[x*]\s*(?=\d)")
_PACK_X_RE = re.compile(r"(?<![a-z0-9])x\s*(\d+)(?![a-z0-9.])")
_PACK_N_RE = re.compile(rf"(?<![a-z0-9.])(\d+)\s*(?:{'|'.join(_PACK_WORDS)})(?![a-z0-9])\.?")
_PACK_OF_WORDS_RE = re.compile(r"pack|paquete|caja|kit")  # what _PACK_OF_RE needs
_PACK_OF_RE = re.compile(r"(?<![a-z0-9])(pack|paquete|caja|kit)\s+(?:de\s+)?(\d+)(?![a-z0-9.])")
_SIZE_RE = re.compile(
    r"(?<![a-z0-9])(?:talla|t)\s*(?:\.\s*)?"  # one run of spaces each side of the dot
    rf"(\d+(?:\.\d+)?|(?<=talla )(?:{'|'.join(_LETTER_SIZES)}))(?![a-z0-9])"
)
_NUMBER_IN_TOKEN_RE = re.compile(r"(?:talla|x)?(\d+(?:\.\d+)?)[a-z]*")
_COMBINING_RE = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_DIGIT_RE = re.compile(r"\d")
_NON_TOKEN_RE = re.compile(r"[^a-z0-9./]+")
_LOOSE_SEPARATOR_RE = re.compile(r"(?<!\d)[./]|[./](?!\d)")

SPANISH_STOPWORDS: frozenset[str] = frozenset(
    """a al algo algun alguna algunas alguno algunos ante antes aqui asi aun bajo cada como
    con contra cual cuales cuando de del desde donde dos e el ella ellas ellos en entre era es
    esa esas ese eso esos esta estas este esto estos fue ha hace hasta la las le les lo los mas
    me mi mis mucho muy ni no nos o otra otro para pero poco por que quien se sea ser si sin
    sobre solo son su sus tal tambien tan te tu tus u un una unas uno unos ya y yo
    the of and for with in to by on or an""".split()
)
"""Function words ignored for matching (accent-folded)."""

QUERY_FILLERS: frozenset[str] = frozenset(
    """hola holi buenas buenos buen dia dias tardes noches gracias muchas mil favor porfa
    porfavor tienen tiene tienes tendran tendra tendras hay venden vende vendes manejan maneja
    quiero quisiera queria necesito necesitaba busco buscaba buscando me podrian puede pueden
    podria info informacion precio precios cuanto cuesta cuestan vale valen valor disponible
    disponibles ok okay vale listo bueno chao adios saludos senor senora amigo amiga usted
    ustedes ver mostrar muestrame muestreme par pares trae traen viene vienen incluye
    incluyen""".split()
)
"""Conversational words a customer wraps a query in; dropped from queries only."""

_STEMMER_LANGUAGE = "spanish"


def fold(text: str) -> str:
    """Lowercase and strip accents/diacritics (á->a, ü->u, ñ->n)."""
    text = text.lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text).replace("\u2044", "/")
    return _COMBINING_RE.sub("", decomposed)


def _normalize_numbers(text: str) -> str:
    """Drop thousands separators, use '.' for decimals, trim trailing decimal zeros.

    Each pattern is tried only on a text with the character it needs: a catalog's texts are
    normalised hundreds of thousands of times (a 100k import), most without a separator."""
    if "." not in text and "," not in text:
        return text
    text = _THOUSANDS_RE.sub(lambda m: re.sub(r"[.,]", "", m.group(1)), text)
    text = _DECIMAL_RE.sub(".", text)
    return _TRAILING_ZEROS_RE.sub(_without_trailing_zeros, text) if "." in text else text


def _without_trailing_zeros(match: re.Match[str]) -> str:
    """'2.50' -> '2.5', '3.0' -> '3'."""
    decimals = match.group(2).rstrip("0")
    return match.group(1) + ("." + decimals if decimals else "")


def _normalize_units(text: str) -> str:
    """Glue numbers to canonical units, sizes and pack counts: '20 libras' -> '20lb'."""
    if "/" in text:
        text = _FRACTION_UNIT_RE.sub(_fraction_with_unit, text)
    if "x" in text or "*" in text:
        text = _DIMENSION_RE.sub(lambda m: m.group(1) + "x", text)
    text = _SIZE_RE.sub(lambda m: " talla" + m.group(1), text)
    if _PACK_OF_WORDS_RE.search(text):
        text = _PACK_OF_RE.sub(lambda m: f"{m.group(1)} x{m.group(2)}", text)
    text = _PACK_N_RE.sub(lambda m: " x" + m.group(1), text)
    if "x" in text:
        text = _PACK_X_RE.sub(lambda m: " x" + m.group(1), text)
    return _UNIT_RE.sub(lambda m: m.group(1) + _ALIAS_TO_UNIT[m.group(2)], text)


_NUMBER_WORDS = {
    "medio": "0.5",
    "media": "0.5",
    "un": "1",
    "una": "1",
    "uno": "1",
    "dos": "2",
    "tres": "3",
    "cuatro": "4",
    "cinco": "5",
    "seis": "6",
    "siete": "7",
    "ocho": "8",
    "nueve": "9",
    "diez": "10",
    "doce": "12",
    "quince": "15",
    "veinte": "20",
    "cien": "100",
}
_WORD_QUANTITY_RE = re.compile(
    r"(?<![a-z0-9])("
    + "|".join(_NUMBER_WORDS)
    + r")\s+("
    + "|".join(a for a in sorted(_ALIAS_TO_UNIT, key=len, reverse=True) if len(a) > 1)
    + r")(?![a-z0-9])"
)


_FRACTION_DIGITS = 6  # longer numbers are no fraction of a unit (and int() of 4,301 digits raises)


def _fraction_with_unit(match: re.Match[str]) -> str:
    """'1/2 pulgada' -> '0.5in', '1 1/2"' -> '1.5in' (a fraction of a unit as a decimal)."""
    whole, top, bottom, unit = match.groups()
    if max(len(whole or ""), len(top), len(bottom)) > _FRACTION_DIGITS or int(bottom) == 0:
        return match.group(0)
    value = int(whole or 0) + int(top) / int(bottom)
    return f"{value:.3f}".rstrip("0").rstrip(".") + _ALIAS_TO_UNIT[unit]


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Fold, normalise numbers/units and turn punctuation into single spaces.

    Remembered for the texts seen last: one customer turn reads its words and the names of
    the products it weighs several times over (tens of calls, most of them repeats)."""
    text = fold(text)
    text = _WORD_QUANTITY_RE.sub(lambda m: f"{_NUMBER_WORDS[m.group(1)]} {m.group(2)}", text)
    if _DIGIT_RE.search(text):
        text = _normalize_units(_normalize_numbers(text))
    elif "talla" in text:
        text = _SIZE_RE.sub(lambda m: " talla" + m.group(1), text)
    text = _NON_TOKEN_RE.sub(" ", text)
    if "." in text or "/" in text:
        text = _LOOSE_SEPARATOR_RE.sub(" ", text)
    return " ".join(text.split())


def tokenize(text: str) -> list[str]:
    """Normalised tokens of ``text`` (stopwords kept)."""
    return normalize(text).split()


_per_thread = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    """This thread's stemmer: one keeps the word it is stemming in itself, so the search
    index, updated in a worker thread, and a query stemmed on the event loop need two."""
    stemmer = getattr(_per_thread, "stemmer", None)
    if stemmer is None:
        stemmer = _per_thread.stemmer = snowballstemmer.stemmer(_STEMMER_LANGUAGE)
    return stemmer


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """Spanish Snowball stem of a folded token; tokens with digits are kept as they are."""
    if any(ch.isdigit() for ch in token) or len(token) < 3:
        return token
    base = singular(token)
    if base.endswith("z"):  # 'luz'/'luces', 'lapiz'/'lapices' stem like 'helice'/'helices'
        base = base[:-1] + "c"
    return _stemmer().stemWord(base)


def number_of(token: str) -> str | None:
    """The bare number inside a unit/size/pack token ('20lb' -> '20', 'talla9' -> '9')."""
    match = _NUMBER_IN_TOKEN_RE.fullmatch(token)
    return match.group(1) if match else None


def content_tokens(tokens: Iterable[str], *, drop: frozenset[str] = SPANISH_STOPWORDS) -> list[str]:
    """Tokens minus stopwords (and any extra words in ``drop``)."""
    return [t for t in tokens if t not in drop]


_UNIT_TOKEN_RE = re.compile(
    r"(?:(talla|x)\d+(?:\.\d+)?|\d+(?:\.\d+)?(" + "|".join(_UNIT_ALIASES) + r"))"
)


# Units of one quantity and their size in the smallest: '1.5l' is also '1500ml' and '150cl'.
_UNIT_SCALES: dict[str, tuple[str, float]] = {
    "mg": ("g", 0.001),
    "g": ("g", 1.0),
    "kg": ("g", 1000.0),
    "ml": ("ml", 1.0),
    "cl": ("ml", 10.0),
    "l": ("ml", 1000.0),
    "mm": ("mm", 1.0),
    "cm": ("mm", 10.0),
    "m": ("mm", 1000.0),
    "ma": ("ma", 1.0),
    "a": ("ma", 1000.0),
    "gb": ("gb", 1.0),
    "tb": ("gb", 1000.0),
}


def same_quantity(token: str) -> list[str]:
    """The quantity of ``token`` written in the other units of its kind ('3a' -> ['3000ma'];
    '500ml' -> ['50cl', '0.5l']), where the number stays short."""
    unit = unit_of(token)
    number = number_of(token)
    if unit not in _UNIT_SCALES or number is None:
        return []
    kind, scale = _UNIT_SCALES[unit]
    amount = float(number) * scale
    found = []
    for other, (other_kind, other_scale) in _UNIT_SCALES.items():
        if other_kind != kind or other == unit:
            continue
        value = round(amount / other_scale, 3)
        if 0 < value < 100_000 and abs(value * other_scale - amount) < 1e-6 * max(amount, 1):
            text = f"{value:.3f}".rstrip("0").rstrip(".")
            found.append(text + other)
    return found


def unit_of(token: str) -> str | None:
    """The canonical unit of a normalised quantity token ('20lb' -> 'lb', 'talla9' -> 'talla')."""
    match = _UNIT_TOKEN_RE.fullmatch(token)
    if not match:
        return None
    return match.group(1) or match.group(2)


_VOWELS = frozenset("aeiou")

# Spanish derivation of the three verb classes: the infinitive, the agent or tool (-dor,
# -dora), the act or its result (-dura, -ción, -miento): "soldar", "soldador" and "soldadura"
# name one need to a shopper, and Snowball leaves them apart ("sold", "soldador",
# "soldadur"). The suffixes are those of Spanish nominal derivation (RAE, Nueva gramática de
# la lengua española, chapters 5 and 6); only the family's words the catalog has are added.
_DERIVED_FAMILIES = (
    ("ar", "ador", "adora", "adura", "acion", "amiento"),
    ("er", "edor", "edora", "imiento"),
    ("ir", "idor", "idora", "icion", "imiento"),
)
_DERIVED_ENDINGS = sorted(
    ((end, family) for family in _DERIVED_FAMILIES for end in family),
    key=lambda pair: -len(pair[0]),
)
_MIN_ROOT = 3


def derived(token: str) -> list[str]:
    """The words of ``token``'s derivational family ('soldar' -> 'soldador', 'soldadura',
    …; 'cortadora' -> 'cortar', …), without itself; [] when it ends in none of the verb
    suffixes or its root is shorter than three letters ('par', 'mar')."""
    word = singular(token)
    if not word.isalpha():
        return []
    for end, family in _DERIVED_ENDINGS:
        root = word[: -len(end)]
        if word.endswith(end) and len(root) >= _MIN_ROOT:
            return [root + other for other in family if other != end]
    return []


def singular(token: str) -> str:
    """Light Spanish plural stripping, for exact-word matching ('botas' -> 'bota').

    A plural in -es drops the whole ending after a vowel + consonant ('colores' -> 'color',
    'papeles' -> 'papel', 'paredes' -> 'pared', 'camiones' -> 'camion', 'reyes' -> 'rey') and
    only the -s after two consonants ('hombres' -> 'hombre', 'cables' -> 'cable', 'calles' ->
    'calle', 'verdes' -> 'verde'); -ces is -z after a vowel ('luces' -> 'luz'), -jes is -je
    ('trajes' -> 'traje') except in -ojes ('relojes' -> 'reloj') and -ases is -ase ('clases'
    -> 'clase'). A singular ending in -s loses it too, so 'arnes' and 'arneses' meet ('arne').
    """
    once = _strip_plural(token)
    return _strip_plural(once) if once != token and once.endswith("s") else once


def _strip_plural(token: str) -> str:
    if len(token) <= 3 or not token.endswith("s") or not token.isalpha():
        return token
    if not token.endswith("es") or len(token) <= 4:
        return token[:-1]
    before, previous = token[-3], token[-4]
    if before == "c":
        return token[:-3] + "z" if previous in _VOWELS else token[:-1]
    if before == "j":
        return token[:-2] if token.endswith("ojes") else token[:-1]
    if before == "s":
        return token[:-1] if previous == "a" else token[:-2]
    if before in "rldny":
        return token[:-2] if previous in _VOWELS else token[:-1]
    return token[:-1]


_SOUND_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"ph", "f"),
        (r"(?<!c)h", ""),
        (r"qu(?=[ei])", "k"),
        (r"c(?=[ei])", "s"),
        (r"g(?=[ei])", "j"),
        (r"c|q", "k"),
        (r"z", "s"),
        (r"v|w", "b"),
        (r"ll", "y"),
        (r"y(?![aeiou])", "i"),
        (r"(.)\1+", r"\1"),
    )
)


@lru_cache(maxsize=100_000)
def sounds_like(token: str) -> str:
    """A key that spellings of one Spanish pronunciation share ('koreano', 'coreano' -> 'koreano';
    'movil', 'mobil' -> 'mobil'; 'gingseng' keeps its letters otherwise)."""
    for pattern, replacement in _SOUND_RULES:
        token = pattern.sub(replacement, token)
    return token


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjklñ", "zxcvbnm")
_NEAR_KEYS: frozenset[tuple[str, str]] = frozenset(
    pair
    for r, row in enumerate(_KEYBOARD_ROWS)
    for c, key in enumerate(row)
    for other_row in range(max(r - 1, 0), min(r + 2, len(_KEYBOARD_ROWS)))
    for other in _KEYBOARD_ROWS[other_row][max(c - 1, 0) : c + 2]
    if other != key
    for pair in ((key, other), (other, key))
)
_SAME_SOUND: frozenset[tuple[str, str]] = frozenset(
    pair
    for group in ("bv", "csz", "yi", "gj", "ckq", "mn", "ln")
    for a in group
    for b in group
    if a != b
    for pair in ((a, b),)
)
_FAR_SUBSTITUTION = 1.5


def typo_distance(a: str, b: str, limit: float = float("inf")) -> float:
    """Typing edits between ``a`` and ``b``: an insertion, deletion or swap of two neighbours
    costs 1, so does replacing a letter by a neighbouring key or a same-sounding letter
    ('jardim' -> 'jardin'); any other replacement costs 1.5 ('remote' is not 'remate').

    Past ``limit`` the count stops early and is only known to exceed it (inf).
    """
    if a == b:
        return 0.0
    if abs(len(a) - len(b)) > limit:
        return float("inf")
    previous2: list[float] = []
    previous: list[float] = [float(j) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        current = [float(i)] + [0.0] * len(b)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cost = 0.0
            elif (ca, cb) in _NEAR_KEYS or (ca, cb) in _SAME_SOUND:
                cost = 1.0
            else:
                cost = _FAR_SUBSTITUTION
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return float("inf")
        previous2, previous = previous, current
    return previous[-1]
