"""Delivery data typed by the customer during checkout.

Each ``clean_*`` returns the cleaned value, or None when the text is not valid.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from domain.language import strip_accents

_SPACES_RE = re.compile(r"\s+")
_ID_PREFIX_RE = re.compile(
    r"^(?:c\.?\s?c\.?|c\.?\s?e\.?|cedula(?:\s+de\s+(?:ciudadania|extranjeria))?|"
    r"documento|doc|numero|no\.?|nro\.?|n[°º])\s*[:.#-]?\s*",
    re.IGNORECASE,
)
_ID_BODY_RE = re.compile(r"\d[\d.,\s-]*\d|\d")
_PHONE_STRIP_RE = re.compile(r"[\s().\-]")
_LANDLINE_RE = re.compile(r"60[1-8]\d{7}")
_MOBILE_RE = re.compile(r"3\d{9}")
_URL_RE = re.compile(r"(?i)(https?:|www\.|\.(com|co|net|org|io)\b|@)")
_NAME_CHARS_RE = re.compile(r"[^\W\d_]+(?:[ '’.\-]+[^\W\d_]+)*\.?")
_NAME_PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "e", "da", "van", "von"})
# Company types after a business name: sociedad por acciones simplificada, anónima,
# limitada, en comandita, empresa unipersonal, de beneficio e interés colectivo.
_LEGAL_FORMS = frozenset({"sas", "sa", "ltda", "sca", "scs", "eu", "bic"})
_NOT_NAMES = frozenset(
    """hola buenas buenos dias si no ok listo dale gracias cancelar cancela ayuda nada
    ninguno ninguna omitir saltar quiero que como cual""".split()
)
_NEIGHBOURHOOD_CHARS_RE = re.compile(r"[\w\s.,'’#°º\-/()–—]+")
_SYMBOLS_RE = re.compile(r"[^\w\s.,'’#°º\-/()–—]+")
_SKIP_RE = re.compile(
    r"^(no|nop|nope|nada|ninguna?|ninguno|ningun[ao]? (indicacion|nota|observacion|"
    r"comentario)(es)?|sin (indicaciones|indicacion|notas|nota|observaciones|observacion|"
    r"comentarios|comentario|nada|novedad)|omitir|omite|saltar|salta|saltalo|skip|"
    r"no gracias|no hay|no tengo|n ?a|paso|siguiente|no aplica|nada mas|asi esta bien|"
    r"ninguna gracias|nada gracias)$"
)


def _collapse(text: str) -> str:
    """Trim and collapse whitespace; drop control and invisible format characters."""
    visible = "".join(
        ch for ch in text if ch in "\n\t " or unicodedata.category(ch)[0] not in ("C",)
    )
    return _SPACES_RE.sub(" ", visible).strip()


def _clean_input(text: object) -> str:
    return _collapse(unicodedata.normalize("NFC", text)) if isinstance(text, str) else ""


# One number inside a sentence ("mi cel es 300 765 4321", "es la 1.020.345.678").
_EMBEDDED_NUMBER_RE = re.compile(r"(?<!\w)\+?\d[\d .\-,]{4,18}\d(?!\w)")


def _embedded_number(text: str) -> str | None:
    """The only number-like run of a short sentence, if there is exactly one."""
    if "?" in text or len(text) > 80:
        return None
    found = _EMBEDDED_NUMBER_RE.findall(text)
    return found[0].strip() if len(found) == 1 else None


def _whole_or_embedded(text: str, clean: Callable[[str], str | None]) -> str | None:
    """The whole message as the value, else the one number inside it."""
    direct = clean(text)
    if direct is not None:
        return direct
    embedded = _embedded_number(text)
    return clean(embedded) if embedded else None


def clean_national_id(text: str) -> str | None:
    """Colombian cédula (or CE): 6–10 digits; dots, commas, spaces and "CC" prefix allowed;
    also found inside a short sentence ("mi cédula es 1.020.345.678")."""
    return _whole_or_embedded(text, _clean_national_id)


def _clean_national_id(text: str) -> str | None:
    value = _ID_PREFIX_RE.sub("", _clean_input(text))
    if not _ID_BODY_RE.fullmatch(value):
        return None
    digits = re.sub(r"\D", "", value)
    if not 6 <= len(digits) <= 10 or digits.startswith("0") or len(set(digits)) == 1:
        return None
    return digits


def clean_phone(text: str) -> str | None:
    """Colombian mobile (3XX…) or landline (60X…), 10 digits; +57/57 prefix allowed;
    also found inside a short sentence ("mi cel es 300 765 4321")."""
    return _whole_or_embedded(text, _clean_phone)


def _clean_phone(text: str) -> str | None:
    value = _PHONE_STRIP_RE.sub("", _clean_input(text))
    if value.startswith("+"):
        value = value[1:]
        if not value.startswith("57"):
            return None
    if value.startswith("0057"):
        value = value[4:]
    elif len(value) == 12 and value.startswith("57"):
        value = value[2:]
    if not value.isascii() or not value.isdigit():
        return None
    if _MOBILE_RE.fullmatch(value) or _LANDLINE_RE.fullmatch(value):
        return value
    return None


def _title_word(word: str, first: bool) -> str:
    """Recase one word; words the customer wrote in mixed case are kept, and a company's
    legal form is written as Colombia writes it ("Ferretería Los Andes SAS", "… Ltda.")."""
    if not (word.islower() or word.isupper()):
        return word
    lower = word.lower()
    form = lower.replace(".", "")
    if not first and form in _LEGAL_FORMS:
        return word.capitalize() if form == "ltda" else word.upper()
    if not first and lower in _NAME_PARTICLES:
        return lower
    return re.sub(r"(^|['’\-.])([^\W\d_])", lambda m: m.group(1) + m.group(2).upper(), lower)


def _title(text: str) -> str:
    return " ".join(_title_word(w, i == 0) for i, w in enumerate(text.split(" ")))


def clean_person_name(text: str) -> str | None:
    """2–80 chars of letters, spaces, apostrophes, hyphens and dots, nicely title-cased."""
    value = _clean_input(text)
    if not 2 <= len(value) <= 80 or _URL_RE.search(value):
        return None
    if not _NAME_CHARS_RE.fullmatch(value):
        return None
    if sum(ch.isalpha() for ch in value) < 2:
        return None
    if strip_accents(value.lower()).strip(".") in _NOT_NAMES:
        return None
    return _title(value)


def clean_address(text: str) -> str | None:
    """A Colombian address, 5–200 chars: urban ("Cra 43A # 1 sur - 50", "Diagonal 75B #
    2A-80"), rural ("Vereda La Clara, finca Los Naranjos", "Km 5 vía Las Palmas") or free
    directions ("por la iglesia, casa azul"): digits and letters, a rural or landmark word,
    or at least three words."""
    value = _clean_input(text)
    if not 5 <= len(value) <= 200 or _URL_RE.search(value):
        return None
    letters = sum(ch.isalpha() for ch in value)
    if letters < 3:
        return None
    if any(ch.isdigit() for ch in value):
        return value
    words = _fold_words(value)
    if words & _PLACE_WORDS or len(words) >= 3:
        return value
    return None


# Words of rural addresses and directions by landmarks.
_PLACE_WORDS = frozenset(
    "vereda finca corregimiento km kilometro via sector parcela hacienda lote manzana casa "
    "iglesia parque escuela colegio frente diagonal esquina cerca lado detras tienda "
    "cancha puente estacion hospital".split()
)


def _fold_words(value: str) -> set[str]:
    return set(re.findall(r"[a-z]+", strip_accents(value.lower())))


def clean_municipality(text: str) -> str | None:
    """A municipality's name, 3–60 chars of letters ("El Carmen de Viboral", "Santa Fe de
    Antioquia"); None for anything else (an address, a number)."""
    value = " ".join(_SYMBOLS_RE.sub(" ", _clean_input(text)).split()).strip(" .,")
    if not 3 <= len(value) <= 60 or any(ch.isdigit() for ch in value) or "_" in value:
        return None
    if not _NEIGHBOURHOOD_CHARS_RE.fullmatch(value) or len(value.split()) > 6:
        return None
    return _title(value)


def clean_neighbourhood(text: str) -> str | None:
    """Neighbourhood name, 2–80 chars, at least two letters ("Barrio 20 de Julio");
    emoji and stray symbols are dropped ("Belén – Los Alpes 🏡" -> "Belén – Los Alpes")."""
    value = " ".join(_SYMBOLS_RE.sub(" ", _clean_input(text)).split())
    if not 2 <= len(value) <= 80 or _URL_RE.search(value):
        return None
    if not _NEIGHBOURHOOD_CHARS_RE.fullmatch(value) or "_" in value:
        return None
    if sum(ch.isalpha() for ch in value) < 2:
        return None
    return _title(value)


_BARRIO_RE = re.compile(r"(?i)\bbarrio\s+([^,;]+)")
_RURAL_RE = re.compile(r"(?i)\b(vereda|corregimiento)\s+[^,;]+")
# Parts of an address after the street that are not a neighbourhood: the unit
# ("apto 301", "torre 2") or the department.
_UNIT_WORDS = frozenset(
    "apto apartamento apt ap int interior torre bloque bl piso oficina of local casa "
    "edificio edif manzana mz lote".split()
)
_DEPARTMENTS = frozenset(
    """antioquia cundinamarca valle atlantico bolivar santander boyaca caldas risaralda quindio
    tolima huila meta narino cauca cordoba sucre cesar magdalena guajira choco caqueta
    putumayo casanare arauca vichada guainia guaviare vaupes amazonas colombia""".split()
)


def neighbourhood_in(address: str, is_town: Callable[[str], bool], *, one_town: bool) -> str | None:
    """The neighbourhood an address names: "… barrio Belén", "Vereda El Salado, …" (a rural
    address's vereda or corregimiento) or the one part after the street
    that is not the unit, the department or a municipality ("Calle 10 # 43-20 apto 301, El
    Poblado, Medellín"). A part alone is taken as the neighbourhood only next to a
    municipality, or when the shop serves `one_town` (else it may be an unknown town)."""
    named = _BARRIO_RE.search(address)
    if named:
        return clean_neighbourhood(named.group(1))
    rural = _RURAL_RE.search(address)  # "vereda El Salado, finca La Esperanza": the vereda
    if rural:
        return clean_neighbourhood(rural.group(0))
    street, *rest = [part.strip(" .") for part in re.split(r"[,;]", address)]
    if not any(ch.isdigit() for ch in street):  # "Vereda La Clara, finca Los Naranjos"
        return None
    town_named, left = False, []
    for part in filter(None, rest):
        words = strip_accents(part.lower()).replace(".", " ").split()
        if is_town(part):
            town_named = True
        elif words[0] not in _UNIT_WORDS and not set(words) <= _DEPARTMENTS | {"del", "de"}:
            left.append(part)
    if len(left) == 1 and (town_named or one_town):
        return clean_neighbourhood(left[0])
    return None


def clean_notes(text: str) -> str | None:
    """Optional delivery notes, 1–300 chars after trimming."""
    value = _clean_input(text)
    return value if 1 <= len(value) <= 300 else None


def is_skip(text: str) -> bool:
    """The customer declines an optional field ("no", "ninguna", "sin indicaciones", "-")."""
    raw = _clean_input(text)
    words = re.sub(r"[^\w\s/]", " ", strip_accents(raw.lower())).replace("/", " ")
    words = _SPACES_RE.sub(" ", words).strip()
    if not words:
        return True
    return bool(_SKIP_RE.match(words))


# --- electronic invoice data (a factura): NIT or cédula, name or razón social, e-mail

_TAX_ID_RE = re.compile(
    r"^(?:(?:mi |el |la )?(?:nit|cc|c\.c\.|cedula)(?: es)?)?\s*[:.#]?\s*([\d.\s]{6,15})"
    r"(?:\s*-\s*(\d))?$"
)
_SPACED_CHECK_RE = re.compile(r"^\d{3}\.?\d{3}\.?\d{3}\s+\d$")
# DIAN's weights for a NIT's check digit, from the rightmost digit of the number.
_NIT_WEIGHTS = (3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71)
_EMAIL_RE = re.compile(r"^[\w.+'-]+@[\w-]+(\.[\w-]+)+$")


def nit_check_digit(number: str) -> int:
    """The DIAN check digit (dígito de verificación) of a NIT's digits."""
    total = sum(int(d) * w for d, w in zip(reversed(number), _NIT_WEIGHTS, strict=False))
    remainder = total % 11
    return remainder if remainder < 2 else 11 - remainder


def clean_tax_id(text: str) -> str | None:
    """ "900.123.456-8" (a NIT, its check digit verified) or a cédula: digits, and "-DV"
    when one was given."""
    parts = _tax_id_parts(text)
    if parts is None:
        return None
    number, check = parts
    if check is None:
        return number
    return f"{number}-{check}" if int(check) == nit_check_digit(number) else None


def wrong_check_digit(text: str) -> tuple[str, str] | None:
    """(number, check digit) of a NIT written with a check digit that is not its own
    ("900123456-7"); None for anything else."""
    parts = _tax_id_parts(text)
    if parts is None or parts[1] is None or int(parts[1]) == nit_check_digit(parts[0]):
        return None
    return parts[0], parts[1]


def _tax_id_parts(text: str) -> tuple[str, str | None] | None:
    """The digits of a NIT or cédula (6 to 10) and the check digit written after a guion."""
    match = _TAX_ID_RE.match(strip_accents(_clean_input(text)).lower())
    if match is None:
        return None
    number = re.sub(r"\D", "", match.group(1))
    if match.group(2) is None and _SPACED_CHECK_RE.search(match.group(1).strip()):
        if len(number) == 10 and nit_check_digit(number[:9]) == int(number[9]):
            return number[:9], number[9]  # "900123456 8": its check digit after a space
    return (number, match.group(2)) if 6 <= len(number) <= 10 else None


def clean_business_name(text: str) -> str | None:
    """A person's or a company's name as the invoice shows it ("Obras y Montajes S.A.S.")."""
    value = _collapse(_clean_input(text))
    if (
        not 3 <= len(value) <= 160
        or not re.search(r"[^\W\d_]{2}", value)
        or _URL_RE.search(value.replace("@", ""))
    ):
        return None
    return value


def clean_email(text: str) -> str | None:
    value = _clean_input(text).strip().strip(".").lower()
    return value if len(value) <= 160 and _EMAIL_RE.match(value) else None
