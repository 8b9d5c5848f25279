"""Shop profile loading from TOML."""

import re
from pathlib import Path

import pytest

from domain.shop import InvalidShopProfile, ShopProfile, load_shop_profile

ROOT = Path(__file__).resolve().parents[1]

MINIMAL = """
name = "Tienda Prueba"
city = "Bogotá"
address = "Calle 13 # 20-30"
phone = "601 555 0000"
hours = "Lunes a sábado, 8 a. m. a 6 p. m."
payment_methods = ["Nequi"]
delivery = "Domicilios en Bogotá."
"""


def test_sample_shop_profile_loads() -> None:
    profile = load_shop_profile(ROOT / "data" / "shop.toml")
    assert isinstance(profile, ShopProfile)
    assert profile.city in {"Medellín", "Bogotá"}
    for method in ("Nequi", "Daviplata", "Bancolombia", "contra entrega"):
        assert any(method in item for item in profile.payment_methods)
    options = profile.delivery_options
    assert options.home.name == profile.city and options.home.fee_minor > 0
    assert options.zone_of("Envigado") is not None and options.carrier is not None
    assert options.pickup and options.free_from_minor
    assert "24 a 48" in profile.delivery
    assert profile.warranty and profile.returns and profile.greeting
    assert profile.name in profile.describe()


def test_minimal_profile_defaults(tmp_path: Path) -> None:
    path = tmp_path / "shop.toml"
    path.write_text(MINIMAL + 'delivery_cost = "8.500"\n', encoding="utf-8")
    profile = load_shop_profile(path)
    assert profile.payment_methods == ["Nequi"]
    assert profile.delivery_cost_minor == 850_000
    assert profile.free_delivery_from_minor is None
    assert profile.warranty == ""
    assert "$8.500" in profile.delivery_summary()


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(InvalidShopProfile) as caught:
        load_shop_profile(path)
    assert str(path) in str(caught.value)
    assert "no existe" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("name = ", "TOML no es válido"),
        (MINIMAL.replace('name = "Tienda Prueba"', ""), "falta «name»"),
        (MINIMAL.replace('["Nequi"]', "[]"), "«payment_methods» no puede estar vacía"),
        (MINIMAL.replace('["Nequi"]', '"Nequi"'), "lista de textos"),
        (MINIMAL + "phnoe = 'x'\n", "clave desconocida «phnoe»"),
        (MINIMAL + 'delivery_cost = "gratis"\n', "«delivery_cost»"),
        (MINIMAL.replace('city = "Bogotá"', "city = 5"), "«city» debe ser texto"),
        # The sample shop's NIT once ended in -2 (its DIAN check digit is 7), shown to buyers
        # with the bank details.
        (MINIMAL + 'nit = "901.457.318-2"\n', "debería terminar en 7"),
    ],
)
def test_invalid_profile_is_one_clear_line(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "shop.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidShopProfile) as caught:
        load_shop_profile(path)
    message = str(caught.value)
    assert fragment in message
    assert str(path) in message
    assert "\n" not in message.strip()


def test_the_readme_example_profile_loads(tmp_path: Path) -> None:
    """The ferretería in the README is a complete, valid profile (kept true by this test)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", readme, re.DOTALL)
    assert example is not None
    path = tmp_path / "ferreteria.toml"
    path.write_text(example.group(1), encoding="utf-8")
    options = load_shop_profile(path).delivery_options
    assert options.destination("Guarne").place == "Guarne"
    assert options.quote(options.destination("Guarne"), 0).fee_minor == 10_000_00
    assert options.quote(options.destination("Pereira"), 0).fee_minor == 18_000_00
    assert options.pickup
    profile = load_shop_profile(path)
    kinds = [method.kind for method in profile.payment_options.methods]
    assert kinds == ["cash", "nequi", "bank", "link"] and profile.electronic_invoice
    bank = profile.payment_options.methods[2]
    assert "Bancolombia, cuenta corriente 102-345678-90" in bank.details()


PAYMENT = MINIMAL.replace('payment_methods = ["Nequi"]\n', "")


@pytest.mark.parametrize(
    ("payment", "fragment"),
    [
        ('[[payment]]\nkind = "bitcoin"\n', "«bitcoin» no es una forma de pago conocida"),
        ('[[payment]]\nkind = "nequi"\n', "«nequi» necesita «number»"),
        ('[[payment]]\nkind = "breb"\nnumber = "3001234567"\n', "«breb» necesita «key»"),
        ('[[payment]]\nkind = "cash"\ncolor = "rojo"\n', "clave desconocida «color»"),
        ('payment = "nequi"\n', "«payment» debe ser una lista"),
        ('electronic_invoice = "sí"\npayment_methods = ["Nequi"]\n', "debe ser true o false"),
    ],
)
def test_a_wrong_payment_method_stops_start_up_with_one_line(
    tmp_path: Path, payment: str, fragment: str
) -> None:
    path = tmp_path / "shop.toml"  # a table goes last, a plain key first
    path.write_text(PAYMENT + payment if payment.startswith("[[") else payment + PAYMENT)
    with pytest.raises(InvalidShopProfile) as raised:
        load_shop_profile(path)
    assert fragment in str(raised.value)


def test_a_payment_listed_by_name_only_is_read_by_kind(tmp_path: Path) -> None:
    path = tmp_path / "shop.toml"
    names = '["Efectivo contra entrega", "Nequi", "Tarjeta débito y crédito (datáfono)", "PSE"]'
    path.write_text(MINIMAL.replace('["Nequi"]', names))
    options = load_shop_profile(path).payment_options
    # A name never makes an online method (those need keys): the shop still starts.
    assert [m.kind for m in options.methods] == ["cash", "nequi", "other", "other"]
    assert "te enviamos los datos" in options.methods[1].instructions(10_000_00, 1, pickup=False)
