"""The one inventory import parser (CSV or XLSX) shared by the CLI and the owner's upload.

All-or-nothing: every bad cell is collected and any error refuses the whole file.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from collections.abc import (
    Callable,
    Collection,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from domain import texts
from domain.exceptions import DomainError
from domain.money import InvalidPrice, format_count, parse_price

FILE_LEVEL = 0  # RowError.line for problems with the whole file
MAX_SKU_LEN = 64
MAX_NAME_LEN = 500
MAX_DESCRIPTION_LEN = 2000
MAX_CATEGORY_LEN = 100
MAX_STOCK = 1_000_000_000
MAX_KEPT_ERRORS = 1000
MAX_IMAGE_URL_LEN = 2000

REQUIRED = ("sku",)  # a new product also needs nombre and precio (domain.catalog checks)
COLUMN_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "sku": ("sku", "codigo", "ref", "referencia", "code"),
        "nombre": (
            "nombre",
            "nombre del producto",
            "name",
            "producto",
            "product",
            "titulo",
            "title",
        ),
        "descripcion": ("descripcion", "description", "detalle"),
        "categoria": ("categoria", "category", "tipo"),
        "precio": ("precio", "price", "valor", "precio unitario", "unit price"),
        "stock": ("stock", "cantidad", "existencias", "inventario", "qty", "quantity"),
        "activo": ("activo", "active", "estado", "habilitado", "visible"),
        "imagen": (
            "imagen",
            "image",
            "foto",
            "photo",
            "picture",
            "fotografia",
            "imagen url",
            "image url",
            "url imagen",
            "url de la imagen",
            "url foto",
        ),
    }
)
TRUE_WORDS = frozenset({"si", "s", "true", "1", "x", "activo", "yes", "y", "verdadero"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "inactivo", "falso"})
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
_PARENTHESES = re.compile(r"\([^)]*\)")
_PLAIN_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True, slots=True)
class InventoryRow:
    """One valid product row; `line` is the row number the owner sees (header = 1).
    None: the file has no such column, so the stored value stays as it is."""

    sku: str
    name: str | None
    description: str | None
    category: str | None
    price_minor: int | None
    stock: int | None
    active: bool | None
    line: int
    # An https URL, or the name of an image in the ZIP the file came in (its entry name);
    # None: no such column or an empty cell, so the product's photo stays as it is.
    image: str | None = None


@dataclass(frozen=True)
class RowError:
    """A refused cell: `column` is the Spanish column name, `reason` is Spanish."""

    line: int
    column: str
    reason: str


class InvalidInventory(DomainError):
    """The file was refused; `errors` keeps the first problems, `total` counts all."""

    def __init__(self, errors: Sequence[RowError], total: int | None = None) -> None:
        self.errors: list[RowError] = list(errors)
        self.total = total if total is not None else len(self.errors)
        super().__init__(self.report())

    @classmethod
    def file_error(cls, reason: str) -> InvalidInventory:
        """A single problem with the whole file (not tied to a cell)."""
        return cls([RowError(FILE_LEVEL, "", reason)])

    def report(self, limit: int = 20) -> str:
        """Spanish summary for the owner, listing at most `limit` problems."""
        if self.total == 1 and self.errors and self.errors[0].line == FILE_LEVEL:
            return texts.INVENTORY_FILE_REFUSED.format(reason=self.errors[0].reason)
        header = (
            texts.INVENTORY_REPORT_HEADER_ONE
            if self.total == 1
            else texts.INVENTORY_REPORT_HEADER_MANY
        )
        lines = [header.format(count=format_count(self.total))]
        shown = self.errors[: max(limit, 0)]
        lines.extend(
            texts.INVENTORY_REPORT_BULLET.format(problem=_describe(error)) for error in shown
        )
        if self.total > len(shown):
            lines.append(
                texts.INVENTORY_REPORT_MORE.format(count=format_count(self.total - len(shown)))
            )
        return "\n".join(lines)


def _never_pause() -> None:
    return None


def parse_inventory(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = 20 * 1024 * 1024,
    max_rows: int = 200_000,
    pause: Callable[[], None] = _never_pause,
    images: Collection[str] | None = None,
) -> list[InventoryRow]:
    """Parse an inventory CSV/XLSX into rows, or raise InvalidInventory with every problem.

    `pause` is called between rows (a worker thread leaves the event loop room with it,
    see domain.pacing). `images`: the names of the images in the ZIP the file came in
    (None: it came alone), which the `imagen` column may name.
    """
    if len(data) > max_bytes:
        limit_mb = max_bytes / (1024 * 1024)
        raise InvalidInventory.file_error(texts.INVENTORY_TOO_BIG.format(limit_mb=limit_mb))
    if not data.strip():
        raise InvalidInventory.file_error(texts.INVENTORY_NO_PRODUCTS)
    with closing(_read_table(data, filename, pause)) as rows:
        return _parse_rows(rows, max_rows=max_rows, pause=pause, images=_Images(images))


TEMPLATE_COLUMNS = (
    "sku", "nombre", "descripcion", "categoria", "precio", "stock", "activo", "imagen"
)  # fmt: skip
# `imagen` left empty: an example link would be fetched when the owner sends the file back.
TEMPLATE_EXAMPLES = (
    ("EXT-ABC-10", "Extintor ABC 10 lb", "Polvo químico seco, con soporte", "Extintores",
     "89900", "12", "si", ""),
    ("CAS-BLA-01", "Casco de seguridad blanco", "Dieléctrico, con suspensión de 4 puntos",
     "Protección", "35.000", "40", "si", ""),
)  # fmt: skip


def inventory_template() -> list[tuple[str, bytes]]:
    """The files /plantilla sends: the import columns with two example rows, CSV and XLSX."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerows(TEMPLATE_EXAMPLES)
    from openpyxl import Workbook  # on demand: ~30 MB most processes never need
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Inventario"
    sheet.append(TEMPLATE_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for sku, name, description, category, price, stock, active, image in TEMPLATE_EXAMPLES:
        price_cop = int(price.replace(".", ""))
        sheet.append((sku, name, description, category, price_cop, int(stock), active, image))
    for column, width in zip("ABCDEFGH", (14, 30, 40, 16, 12, 8, 8, 40), strict=True):
        sheet.column_dimensions[column].width = width
    workbook_bytes = io.BytesIO()
    workbook.save(workbook_bytes)
    return [
        ("plantilla_inventario.xlsx", workbook_bytes.getvalue()),
        ("plantilla_inventario.csv", text.getvalue().encode("utf-8-sig")),
    ]


# ---------------------------------------------------------------- file reading


def _read_table(
    data: bytes, filename: str, pause: Callable[[], None]
) -> Generator[Sequence[Any], None, None]:
    """Pick the reader from the extension and the magic bytes."""
    name = filename.lower()
    if data.startswith(OLE_MAGIC) and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00" in data:
        raise InvalidInventory.file_error(texts.INVENTORY_PASSWORD)  # "EncryptedPackage"
    if data.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise InvalidInventory.file_error(texts.INVENTORY_OLD_EXCEL)
    if data.startswith(ZIP_MAGIC) or name.endswith(XLSX_EXTENSIONS):
        return _xlsx_rows(data)
    return _csv_rows(_decode(data), pause)


def _decode(data: bytes) -> str:
    """Decode CSV bytes: UTF-16 with BOM, strict UTF-8 (BOM optional), else cp1252/latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _binary_error() from exc
    if b"\x00" in data:
        raise _binary_error()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Not all UTF-8: line by line, so a file edited in two programs keeps every accent.
    lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    return "\n".join(_decode_line(line) for line in lines)


def _decode_line(line: bytes) -> str:
    for encoding in ("utf-8", "cp1252"):
        try:
            return line.decode(encoding)
        except UnicodeDecodeError:
            continue
    return line.decode("latin-1")


def _binary_error() -> InvalidInventory:
    return InvalidInventory.file_error(texts.INVENTORY_NOT_CSV_OR_XLSX)


def _unclosed_quote_line(text: str, delimiter: str, pause: Callable[[], None]) -> int:
    """The row where a quoted field opens and never closes (0 when there is none).

    Inch marks inside a field (`Manguera 1/2"`) are fine; only a field that starts with a
    quote and runs to the end of the file is a problem.
    """
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    ended = 0
    try:
        for _ in reader:
            ended = reader.line_num
            pause()
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            return ended + 1
    return 0


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, one at a time (a StringIO of a big file
    costs four bytes a character)."""
    return (match.group() for match in _LINE_RE.finditer(text))


def _sniff_delimiter(text: str) -> str:
    """Choose `;`, tab or `,` by counting them in the first non-empty line."""
    first = next((line for line in _lines(text) if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _csv_rows(text: str, pause: Callable[[], None]) -> Generator[Sequence[Any], None, None]:
    delimiter = _sniff_delimiter(text)
    unclosed = _unclosed_quote_line(text, delimiter, pause)
    if unclosed:
        raise InvalidInventory.file_error(texts.INVENTORY_UNCLOSED_QUOTE.format(line=unclosed))
    reader = csv.reader(_lines(text), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInventory.file_error(
                texts.INVENTORY_BAD_CSV.format(line=reader.line_num)
            ) from exc
        yield row


def _xlsx_rows(data: bytes) -> Generator[Sequence[Any], None, None]:
    """Yield the first sheet's rows as value tuples; any openpyxl failure is a file error."""
    bad_excel = texts.INVENTORY_BAD_EXCEL
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Formulas as written (not their cached results): a formula cell is refused
            # like formula-looking text, never stored to run again in an export.
            from openpyxl import load_workbook  # on demand, like the template

            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on corrupt zips/XML
        raise InvalidInventory.file_error(bad_excel) from exc
    try:
        if not workbook.worksheets:
            raise InvalidInventory.file_error(texts.INVENTORY_NO_PRODUCTS)
        # The first sheet with anything on it (a workbook may open with an empty cover).
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            seen = False
            while True:
                try:
                    row = next(rows)
                except StopIteration:
                    break
                except Exception as exc:  # lazy XML parsing fails mid-sheet
                    raise InvalidInventory.file_error(bad_excel) from exc
                seen = seen or not _is_empty(row)
                yield row
            if seen:
                return
    finally:
        workbook.close()


# ---------------------------------------------------------------- header


def _normalize_header(value: Any) -> str:
    """Lowercase, strip accents and `(notes)`, keep letters/digits: "Precio ($)" → "precio"."""
    text = unicodedata.normalize("NFKD", str(value or "")).casefold()
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _PARENTHESES.sub(" ", text)
    text = "".join(char if char.isalnum() else " " for char in text)
    return " ".join(text.split())


def _alias_lookup() -> dict[str, str]:
    return {alias: column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}


def _map_header(header: Sequence[Any], line: int) -> tuple[dict[str, int], list[RowError]]:
    """Map Spanish column names to cell indexes; report missing or repeated columns."""
    lookup = _alias_lookup()
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(header):
        column = lookup.get(_normalize_header(cell))
        if column is None:
            continue
        if column in positions:
            first, second = _cell_text(header[positions[column]]), _cell_text(cell)
            reason = texts.INVENTORY_DUPLICATE_COLUMN.format(
                column=column, first=first, second=second
            )
            errors.append(RowError(line, column, reason))
            continue
        positions[column] = index
    for column in REQUIRED:
        if column not in positions:
            errors.append(
                RowError(line, column, texts.INVENTORY_MISSING_COLUMN.format(column=column))
            )
    if "sku" in positions and len(positions) == 1:
        errors.append(RowError(line, "", texts.INVENTORY_ONLY_SKU))
    return positions, errors


# ---------------------------------------------------------------- rows


class _ErrorLog:
    """Collects row errors, keeping the first MAX_KEPT_ERRORS but counting all."""

    def __init__(self) -> None:
        self.kept: list[RowError] = []
        self.total = 0

    def add(self, line: int, column: str, reason: str) -> None:
        self.total += 1
        if len(self.kept) < MAX_KEPT_ERRORS:
            self.kept.append(RowError(line, column, reason))

    def raise_if_any(self) -> None:
        if self.total:
            raise InvalidInventory(self.kept, self.total)


def _parse_rows(
    rows: Iterable[Sequence[Any]],
    *,
    max_rows: int,
    pause: Callable[[], None],
    images: _Images | None = None,
) -> list[InventoryRow]:
    """Map the header, then validate every data row, collecting all errors."""
    numbered = enumerate(rows, start=1)
    header_line, header = next(((n, row) for n, row in numbered if not _is_empty(row)), (0, ()))
    if not header_line:
        raise InvalidInventory.file_error(texts.INVENTORY_NO_PRODUCTS)
    positions, header_errors = _map_header(header, header_line)
    if header_errors:
        raise InvalidInventory(header_errors)
    log = _ErrorLog()
    parsers = _parsers(images or _Images(None))
    first_line_by_sku: dict[str, int] = {}
    parsed: list[InventoryRow] = []
    count = 0
    for line, row in numbered:
        pause()
        cells = {column: _cell(row, index) for column, index in positions.items()}
        if _is_empty(cells.values()):
            continue
        count += 1
        if count > max_rows:
            raise InvalidInventory.file_error(
                texts.INVENTORY_TOO_MANY_ROWS.format(limit=format_count(max_rows))
            )
        product = _parse_row(cells, line, log, parsers)
        unique = _check_duplicate(product, line, first_line_by_sku, log)
        if isinstance(product, InventoryRow) and unique:
            parsed.append(product)
    log.raise_if_any()
    if not parsed:
        raise InvalidInventory.file_error(texts.INVENTORY_NO_PRODUCTS)
    return parsed


def _cell(row: Sequence[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _is_empty(cells: Iterable[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _check_duplicate(
    product: InventoryRow | str | None, line: int, first_line_by_sku: dict[str, int], log: _ErrorLog
) -> bool:
    """Log a repeated sku (case-insensitive) naming the first line; True if unique."""
    sku = product.sku if isinstance(product, InventoryRow) else product
    if not sku:
        return True
    first = first_line_by_sku.setdefault(sku.casefold(), line)
    if first == line:
        return True
    log.add(line, "sku", texts.INVENTORY_DUPLICATE_SKU.format(sku=_preview(sku), first=first))
    return False


def _parse_row(
    cells: dict[str, Any],
    line: int,
    log: _ErrorLog,
    parsers: Mapping[str, Callable[[Any], Any]] | None = None,
) -> InventoryRow | str | None:
    """Validate every cell of one row, logging each problem.

    Returns the product, or when the row is invalid just its valid sku (for duplicate checks).
    """
    before = log.total
    values: dict[str, Any] = {}
    for column, parser in (parsers or _parsers(_Images(None))).items():
        if column not in cells:
            continue
        value = _unquoted(cells[column])
        if isinstance(value, str) and _looks_like_formula(value):
            reason = texts.INVENTORY_FORMULA.format(value=_preview(value))
            log.add(line, column, reason)
            continue
        values[column] = _run(parser, value, line, column, log)
    if log.total > before:
        return values.get("sku")
    return InventoryRow(
        sku=values["sku"],
        name=values.get("nombre"),
        description=values.get("descripcion"),
        category=values.get("categoria"),
        price_minor=values.get("precio"),
        stock=values.get("stock"),
        active=values.get("activo"),
        line=line,
        image=values.get("imagen"),
    )


class _CellError(Exception):
    """Internal: one cell's Spanish reason."""


def _run(parser: Callable[[Any], Any], value: Any, line: int, column: str, log: _ErrorLog) -> Any:
    try:
        return parser(value)
    except _CellError as exc:
        log.add(line, column, str(exc))
        return None


def _looks_like_formula(value: str) -> bool:
    """`=`, `+`, `@` or `-` followed by a non-digit could run as a spreadsheet formula."""
    text = value.strip()
    if not text:
        return False
    if text[0] in "=+@":
        return True
    return text[0] == "-" and len(text) > 1 and not text[1].isdigit()


# ---------------------------------------------------------------- cell parsers


def _unquoted(value: Any) -> Any:
    """'=…, '+…, '-…, '@…: a cell our export protected; read it as the original text."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


def _cell_text(value: Any) -> str:
    """Cell as trimmed text; integral Excel floats lose their `.0`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return texts.INVENTORY_CELL_TRUE if value else texts.INVENTORY_CELL_FALSE
    if isinstance(value, float):
        number = Decimal(str(value))
        return str(int(number)) if number == number.to_integral_value() else str(number)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def _required(value: Any) -> str:
    text = _cell_text(value)
    if not text:
        raise _CellError(texts.INVENTORY_CELL_EMPTY)
    return text


def _parse_sku(value: Any) -> str:
    sku = _required(value)
    if any(char.isspace() for char in sku):
        raise _CellError(texts.INVENTORY_SKU_SPACES.format(sku=_preview(sku)))
    if len(sku) > MAX_SKU_LEN:
        raise _CellError(
            texts.INVENTORY_TOO_LONG_MASCULINE.format(length=len(sku), limit=MAX_SKU_LEN)
        )
    return sku


def _parse_name(value: Any) -> str:
    name = " ".join(_required(value).split())
    if len(name) > MAX_NAME_LEN:
        raise _CellError(
            texts.INVENTORY_TOO_LONG_MASCULINE.format(length=len(name), limit=MAX_NAME_LEN)
        )
    return name


def _parse_description(value: Any) -> str:
    text = _cell_text(value)
    if len(text) > MAX_DESCRIPTION_LEN:
        raise _CellError(
            texts.INVENTORY_TOO_LONG_FEMININE.format(length=len(text), limit=MAX_DESCRIPTION_LEN)
        )
    return text


def _parse_category(value: Any) -> str:
    text = " ".join(_cell_text(value).split())
    if len(text) > MAX_CATEGORY_LEN:
        raise _CellError(
            texts.INVENTORY_TOO_LONG_FEMININE.format(length=len(text), limit=MAX_CATEGORY_LEN)
        )
    return text


def _parse_price_cell(value: Any) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _CellError(texts.INVENTORY_CELL_EMPTY)
    raw = value if isinstance(value, str | int | float | Decimal) else _cell_text(value)
    try:
        price = parse_price(raw)
    except InvalidPrice as exc:
        raise _CellError(_lower_first(exc.reason)) from exc
    if price == 0:  # nothing is sold for free by mistake
        raise _CellError(texts.INVENTORY_PRICE_ZERO)
    return price


def _parse_stock(value: Any) -> int:
    text = _required(value)
    if isinstance(value, bool):
        raise _CellError(texts.INVENTORY_STOCK_INVALID.format(value=text))
    number = _stock_number(text)
    if number < 0:
        raise _CellError(texts.INVENTORY_STOCK_NEGATIVE.format(value=text))
    if number != number.to_integral_value():
        raise _CellError(texts.INVENTORY_STOCK_NOT_WHOLE.format(value=text))
    if number > MAX_STOCK:
        raise _CellError(texts.INVENTORY_STOCK_TOO_BIG.format(value=text))
    return int(number)


def _stock_number(text: str) -> Decimal:
    """`1.000`/`1,000` are thousands; `12.0`/`12,0` are whole numbers from Excel."""
    compact = text.replace(" ", "")
    digits = compact.lstrip("-")
    groups = digits.replace(",", ".").split(".")
    if len(groups) > 1 and all(len(group) == 3 for group in groups[1:]) and groups[0]:
        compact = compact.replace(".", "").replace(",", "")
    else:
        compact = compact.replace(",", ".")
    if not _PLAIN_NUMBER.match(compact):
        raise _CellError(texts.INVENTORY_STOCK_INVALID.format(value=_preview(text)))
    return Decimal(compact)


def _parse_active(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _cell_text(value)
    if not text:
        return True
    word = _normalize_header(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _CellError(texts.INVENTORY_ACTIVE_UNKNOWN.format(value=_preview(text)))


class _Images:
    """The images a file's `imagen` column may name: those of the ZIP it came in, by path or
    by file name alone, without case ("EXT-ABC-20.JPG", "fotos/ext-abc-20.jpg")."""

    def __init__(self, names: Collection[str] | None) -> None:
        self.in_zip = names is not None
        self._by_path = {name.casefold(): name for name in names or ()}
        self._by_file: dict[str, list[str]] = {}
        for name in names or ():
            self._by_file.setdefault(_file_part(name), []).append(name)

    def parse(self, value: Any) -> str | None:
        text = _cell_text(value)
        if not text:
            return None  # the product's photo stays
        shown = _preview(text)
        if len(text) > MAX_IMAGE_URL_LEN:
            raise _CellError(
                texts.INVENTORY_TOO_LONG_MASCULINE.format(length=len(text), limit=MAX_IMAGE_URL_LEN)
            )
        lowered = text.lower()
        if lowered.startswith("http://"):
            raise _CellError(texts.INVENTORY_IMAGE_HTTP.format(value=shown))
        if lowered.startswith("https://"):
            parts = urlsplit(text)
            if not parts.hostname or "." not in parts.hostname or any(c.isspace() for c in text):
                raise _CellError(texts.INVENTORY_IMAGE_BAD_URL.format(value=shown))
            return text
        if "://" in text or lowered.startswith("www."):
            raise _CellError(texts.INVENTORY_IMAGE_BAD_URL.format(value=shown))
        if not self.in_zip:
            raise _CellError(texts.INVENTORY_IMAGE_NO_ZIP.format(value=shown))
        return self._entry(text, shown)

    def _entry(self, text: str, shown: str) -> str:
        path = text.replace("\\", "/").removeprefix("./")
        found = self._by_path.get(path.casefold())
        if found is not None:
            return found
        same = self._by_file.get(_file_part(path), [])
        if len(same) == 1:
            return same[0]
        if same:
            raise _CellError(texts.INVENTORY_IMAGE_AMBIGUOUS.format(value=shown, count=len(same)))
        raise _CellError(texts.INVENTORY_IMAGE_NOT_IN_ZIP.format(value=shown))


def _file_part(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1].casefold()


def _parsers(images: _Images) -> dict[str, Callable[[Any], Any]]:
    """Cell parser per Spanish column, in report order."""
    return {
        "sku": _parse_sku,
        "nombre": _parse_name,
        "descripcion": _parse_description,
        "categoria": _parse_category,
        "precio": _parse_price_cell,
        "stock": _parse_stock,
        "activo": _parse_active,
        "imagen": images.parse,
    }


# ---------------------------------------------------------------- wording


def _describe(error: RowError) -> str:
    """One report bullet: "Fila 4, precio: …"."""
    if error.line == FILE_LEVEL:
        return error.reason
    if not error.column:
        return texts.INVENTORY_ROW_PROBLEM.format(line=error.line, reason=error.reason)
    label = texts.INVENTORY_COLUMN_LABELS.get(error.column, error.column)
    return texts.INVENTORY_CELL_PROBLEM.format(line=error.line, column=label, reason=error.reason)


def _preview(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:1].isupper() else text
