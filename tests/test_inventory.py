"""Inventory import: accepted formats, every refusal kind, and the owner-facing report."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from domain.exceptions import DomainError
from domain.inventory import InvalidInventory, InventoryRow, RowError, parse_inventory

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "inventory"
HEADER = "sku;nombre;descripcion;categoria;precio;stock;activo"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join((header, *rows)).encode(encoding)


def refused(data: bytes, filename: str = "inventario.csv", **kwargs: int) -> InvalidInventory:
    with pytest.raises(InvalidInventory) as caught:
        parse_inventory(data, filename, **kwargs)
    return caught.value


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- accepted formats


def test_semicolon_csv_with_colombian_prices() -> None:
    rows = parse_inventory(
        csv_bytes(
            "EXT-ABC-20;Extintor  multipropósito   ABC 20 lb ; PQS ;Extintores;185.000;7;sí",
            "CAS-01;Casco;;Protección de cabeza;$ 38.000;1.000;",
        ),
        "inventario.csv",
    )
    assert rows[0] == InventoryRow(
        sku="EXT-ABC-20",
        name="Extintor multipropósito ABC 20 lb",
        description="PQS",
        category="Extintores",
        price_minor=18_500_000,
        stock=7,
        active=True,
        line=2,
    )
    assert rows[1].stock == 1000
    assert rows[1].price_minor == 3_800_000
    assert rows[1].line == 3


def test_utf8_bom_comma_fixture_with_quoted_international_prices() -> None:
    rows = parse_inventory((FIXTURES / "utf8_bom_comma.csv").read_bytes(), "x.csv")
    assert [row.sku for row in rows] == ["EXT-ABC-10", "BOT-PA-40"]
    assert rows[0].description == "Polvo químico seco, con soporte"
    assert rows[0].price_minor == 9_800_000
    assert rows[1].price_minor == 13_500_050
    assert rows[1].active is True


def test_cp1252_fixture_keeps_accents() -> None:
    rows = parse_inventory((FIXTURES / "cp1252_semicolon.csv").read_bytes(), "x.csv")
    assert rows[0].category == "Protección de cabeza"
    assert rows[0].name == "Casco dieléctrico blanco"
    assert rows[1].stock == 1000
    assert rows[1].active is False


def test_english_headers_fixture() -> None:
    rows = parse_inventory((FIXTURES / "english_headers.csv").read_bytes(), "x.csv")
    assert rows[0].name == "Safety glasses"
    assert rows[0].price_minor == 650_000
    assert rows[1].price_minor == 350_050
    assert rows[1].active is False


def test_tab_delimited_and_header_variants() -> None:
    header = " Código \tPRODUCTO\tPrecio Unitario\tExistencias\tEstado\tNotas internas"
    data = csv_bytes("G-1\tGafas\t6500\t10\tInactivo\tignorar", header=header)
    (row,) = parse_inventory(data, "inventario.txt")
    assert (row.sku, row.name, row.price_minor, row.stock, row.active) == (
        "G-1",
        "Gafas",
        650_000,
        10,
        False,
    )


def test_empty_rows_are_skipped_and_lines_stay_true() -> None:
    rows = parse_inventory(
        csv_bytes("", "A-1;Casco;;;38.000;5;", ";;;;;;", "A-2;Guante;;;7.500;3;"), "x.csv"
    )
    assert [row.line for row in rows] == [3, 5]


@pytest.mark.parametrize("word", ["sí", "Si", "S", "true", "1", "x", "ACTIVO", "yes", "y", ""])
def test_active_true_words(word: str) -> None:
    (row,) = parse_inventory(csv_bytes(f"A-1;Casco;;;38.000;5;{word}"), "x.csv")
    assert row.active is True


@pytest.mark.parametrize("word", ["no", "N", "false", "0", "Inactivo"])
def test_active_false_words(word: str) -> None:
    (row,) = parse_inventory(csv_bytes(f"A-1;Casco;;;38.000;5;{word}"), "x.csv")
    assert row.active is False


@pytest.mark.parametrize(
    ("price", "minor"),
    [
        ("45000", 4_500_000),
        ("45.000", 4_500_000),
        ("$45.000", 4_500_000),
        ("$ 45.000", 4_500_000),
        ('"45,000"', 4_500_000),
        ('"45,000.50"', 4_500_050),
        ('"45.000,50"', 4_500_050),
        ("1.234.567", 123_456_700),
        ("45000.5", 4_500_050),
        ("COP 45.000", 4_500_000),
    ],
)
def test_each_price_format_in_a_file(price: str, minor: int) -> None:
    (row,) = parse_inventory(csv_bytes(f"A-1;Casco;;;{price};5;"), "x.csv")
    assert row.price_minor == minor


def test_xlsx_built_with_openpyxl() -> None:
    data = xlsx_bytes(
        [
            ["SKU", "Nombre", "Descripción", "Categoría", "Precio", "Stock", "Activo"],
            ["EXT-ABC-20", "Extintor ABC 20 lb", "PQS", "Extintores", 185000, 7, "sí"],
            [1001, "Casco", None, None, 38000.5, 12.0, True],
            [None, None, None, None, None, None, None],
            ["GUA-1", "Guante", None, None, "7.500", "3", False],
        ]
    )
    rows = parse_inventory(data, "inventario.xlsx")
    assert [row.sku for row in rows] == ["EXT-ABC-20", "1001", "GUA-1"]
    assert rows[0].price_minor == 18_500_000
    assert rows[1].price_minor == 3_800_050
    assert rows[1].stock == 12
    assert rows[2].line == 5
    assert rows[2].active is False


def test_xlsx_detected_by_magic_even_with_wrong_name() -> None:
    data = xlsx_bytes([["sku", "nombre", "precio", "stock"], ["A-1", "Casco", 38000, 5]])
    (row,) = parse_inventory(data, "archivo_sin_extension")
    assert row.sku == "A-1"


def test_xlsx_errors_use_sheet_rows() -> None:
    data = xlsx_bytes([["sku", "nombre", "precio", "stock"], ["A-1", "Casco", "abc", 2.5]])
    error = refused(data, "inventario.xlsx")
    assert [(e.line, e.column) for e in error.errors] == [(2, "precio"), (2, "stock")]


# ---------------------------------------------------------------- sample data


def test_sample_inventory_parses_cleanly() -> None:
    rows = parse_inventory((ROOT / "data" / "inventory.csv").read_bytes(), "inventory.csv")
    assert len(rows) >= 45
    twenty = [row for row in rows if row.name == "Extintor multipropósito ABC 20 lb"]
    assert len(twenty) == 1 and twenty[0].stock == 7 and twenty[0].sku == "EXT-ABC-20"
    ten = next(row for row in rows if row.name == "Extintor multipropósito ABC 10 lb")
    assert ten.stock > 7
    assert sum(not row.active for row in rows) == 1
    assert sum(row.stock == 0 for row in rows) == 1
    assert any(1 <= row.stock <= 3 for row in rows)
    assert len({row.category for row in rows}) == 11
    assert all(row.price_minor % 100 == 0 and row.price_minor >= 100_000 for row in rows)


# ---------------------------------------------------------------- refusals


def test_only_the_sku_column_is_required_and_it_is_reported_on_line_one() -> None:
    error = refused(csv_bytes("Casco;1000", header="nombre;precio"))
    assert error.errors == [RowError(1, "sku", "falta la columna «sku».")]
    alone = refused(csv_bytes("A-1", header="sku"))
    assert "solo trae la columna sku" in alone.errors[0].reason


def test_a_price_only_file_reads_none_for_the_columns_it_lacks() -> None:
    (row,) = parse_inventory(csv_bytes("A-1;12.500", header="sku;precio"), "precios.csv")
    assert (row.sku, row.price_minor) == ("A-1", 12_500_00)
    assert row.name is None and row.stock is None and row.description is None


def test_repeated_column_is_refused() -> None:
    error = refused(csv_bytes("A-1;Casco;1;2;3", header="sku;nombre;precio;valor;stock"))
    assert error.errors[0].line == 1
    assert "dos columnas" in error.errors[0].reason


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ("A-1;Casco;;;abc;5;", "precio", "«abc» no es un precio válido"),
        ("A-1;Casco;;;;5;", "precio", "está vacío"),
        ("A-1;Casco;;;-5.000;5;", "precio", "negativo"),
        ("A-1;Casco;;;9.999.999.999.999;5;", "precio", "demasiado alto"),
        ("A-1;Casco;;;38.000;-1;", "stock", "negativo"),
        ("A-1;Casco;;;38.000;2,5;", "stock", "entero"),
        ("A-1;Casco;;;38.000;muchos;", "stock", "no es una cantidad válida"),
        ("A-1;Casco;;;38.000;;", "stock", "está vacío"),
        ("A-1;Casco;;;38.000;5;quizás", "activo", "«quizás» no se entiende"),
        (";Casco;;;38.000;5;", "sku", "está vacío"),
        ("A 1;Casco;;;38.000;5;", "sku", "espacios"),
        (f"{'A' * 65};Casco;;;38.000;5;", "sku", "máximo 64"),
        ("A-1;   ;;;38.000;5;", "nombre", "está vacío"),
        (f"A-1;{'n' * 501};;;38.000;5;", "nombre", "máximo 500"),
        (f"A-1;Casco;{'d' * 2001};;38.000;5;", "descripcion", "máximo 2000"),
    ],
)
def test_each_bad_cell_reports_line_and_column(row: str, column: str, fragment: str) -> None:
    error = refused(csv_bytes("OK-1;Gafas;;;6.500;10;", row))
    assert len(error.errors) == 1
    (problem,) = error.errors
    assert (problem.line, problem.column) == (3, column)
    assert fragment in problem.reason


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x","clic")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-cmd", "  =1+1"],
)
def test_formula_like_text_is_refused(text: str) -> None:
    error = refused(csv_bytes(f'A-1;"{text.replace(chr(34), chr(34) * 2)}";;;38.000;5;'))
    (problem,) = error.errors
    assert (problem.line, problem.column) == (2, "nombre")
    assert "parece una fórmula" in problem.reason


def test_formula_check_keeps_negative_numbers_as_numbers() -> None:
    (problem,) = refused(csv_bytes("A-1;Casco;;;38.000;-3;")).errors
    assert "negativo" in problem.reason


def test_formula_in_xlsx_text_cell_is_refused() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["sku", "nombre", "precio", "stock"])
    sheet.append(["A-1", "placeholder", 1, 1])
    sheet["B2"].value = '=HYPERLINK("http://x")'
    sheet["B2"].data_type = "s"  # text that looks like a formula, not a real formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    (problem,) = refused(buffer.getvalue(), "x.xlsx").errors
    assert (problem.line, problem.column) == (2, "nombre")
    assert "parece una fórmula" in problem.reason


def test_duplicate_sku_reports_both_lines() -> None:
    error = refused(
        csv_bytes("A-1;Casco;;;38.000;5;", "B-1;Gafas;;;6.500;5;", "a-1;Otro;;;1.000;1;")
    )
    (problem,) = error.errors
    assert (problem.line, problem.column) == (4, "sku")
    assert "fila 2" in problem.reason and "repetido" in problem.reason


def test_duplicate_sku_found_even_when_first_row_has_other_errors() -> None:
    error = refused(csv_bytes("A-1;Casco;;;abc;5;", "A-1;Otro;;;1.000;1;"))
    assert [(e.line, e.column) for e in error.errors] == [(2, "precio"), (3, "sku")]


def test_all_errors_are_collected() -> None:
    error = refused((FIXTURES / "three_bad_rows.csv").read_bytes())
    assert [(e.line, e.column) for e in error.errors] == [
        (3, "precio"),
        (4, "stock"),
        (5, "nombre"),
    ]
    assert error.total == 3


def test_several_errors_in_one_row_are_all_listed() -> None:
    error = refused(csv_bytes("A 1;;;;abc;-1;tal vez"))
    assert [e.column for e in error.errors] == ["sku", "nombre", "precio", "stock", "activo"]


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\n", HEADER.encode(), (HEADER + "\n;;;;;;\n").encode()],
)
def test_empty_file_or_only_header(data: bytes) -> None:
    error = refused(data)
    assert error.report() == "El archivo no tiene productos. No cambié nada."


def test_too_big_file() -> None:
    error = refused(csv_bytes("A-1;Casco;;;38.000;5;"), max_bytes=10)
    assert "pesa más de" in error.errors[0].reason
    assert error.errors[0].line == 0


def test_too_many_rows() -> None:
    error = refused(
        csv_bytes("A-1;Casco;;;1;5;", "A-2;Casco;;;1;5;", "A-3;Casco;;;1;5;"), max_rows=2
    )
    assert "más de 2 productos" in error.report()


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (b"sku;nombre\x00\x01\x02precio", "x.csv", "no parece un CSV ni un Excel"),
        (b"PK\x03\x04 not really a zip", "x.csv", "No pude abrir el archivo como Excel"),
        (b"sku;nombre;precio;stock\nA;B;1;1", "x.xlsx", "No pude abrir el archivo como Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "viejo.xls", "Excel antiguo"),
    ],
)
def test_binary_or_broken_files(data: bytes, filename: str, fragment: str) -> None:
    error = refused(data, filename)
    assert len(error.errors) == 1
    assert fragment in error.errors[0].reason


# ---------------------------------------------------------------- report wording


def test_report_wording() -> None:
    error = refused((FIXTURES / "three_bad_rows.csv").read_bytes())
    assert error.report() == (
        "El archivo tiene 3 errores; no cambié nada.\n"
        "• Fila 3, precio: «abc» no es un precio válido.\n"
        "• Fila 4, stock: «-2» es negativo; el stock no puede ser negativo.\n"
        "• Fila 5, nombre: está vacío."
    )
    assert str(error) == error.report()
    assert isinstance(error, DomainError)


def test_report_single_error_is_singular() -> None:
    error = refused(csv_bytes("A-1;Casco;;;abc;5;"))
    assert error.report().startswith("El archivo tiene 1 error; no cambié nada.\n• Fila 2, precio:")


def test_report_limit_and_remainder() -> None:
    rows = [f"A-{i};Casco;;;abc;5;" for i in range(25)]
    error = refused(csv_bytes(*rows))
    report = error.report().splitlines()
    assert report[0] == "El archivo tiene 25 errores; no cambié nada."
    assert len(report) == 1 + 20 + 1
    assert report[-1] == "…y 5 más."
    assert len(error.report(limit=3).splitlines()) == 5


def test_huge_error_count_is_counted_not_stored() -> None:
    rows = [f"A-{i};Casco;;;abc;5;" for i in range(1500)]
    error = refused(csv_bytes(*rows))
    assert error.total == 1500
    assert len(error.errors) <= 1000
    assert error.report().startswith("El archivo tiene 1.500 errores")
    assert error.report().endswith("…y 1.480 más.")


def test_header_notes_in_parentheses_are_ignored() -> None:
    header = "Ref.;Nombre del producto;Precio ($);Stock (und);Color"
    (row,) = parse_inventory(csv_bytes("A-1;Casco;38.000;5;rojo", header=header), "x.csv")
    assert (row.sku, row.name, row.price_minor, row.stock) == ("A-1", "Casco", 3_800_000, 5)


def test_report_uses_accented_column_labels() -> None:
    error = refused(csv_bytes(f"A-1;Casco;{'d' * 2001};;38.000;5;"))
    assert error.errors[0].column == "descripcion"
    assert "Fila 2, descripción: es muy larga" in error.report()


def test_real_formula_in_xlsx_is_refused_with_its_reason() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["sku", "nombre", "precio", "stock"])
    sheet.append(["A-1", '=HYPERLINK("http://malo.co","clic")', "=1000*2", 4])
    data = io.BytesIO()
    workbook.save(data)
    with pytest.raises(InvalidInventory) as refused:
        parse_inventory(data.getvalue(), "inv.xlsx")
    reasons = {(e.column, "fórmula" in e.reason) for e in refused.value.errors}
    assert reasons == {("nombre", True), ("precio", True)}
