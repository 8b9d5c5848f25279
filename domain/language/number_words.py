"""Vocabulary around numbers: number and ordinal words, units, sizes, prices, times."""

from __future__ import annotations

from types import MappingProxyType

UNITS = MappingProxyType(
    {
        "un": 1,
        "uno": 1,
        "una": 1,
        "dos": 2,
        "tres": 3,
        "cuatro": 4,
        "cinco": 5,
        "seis": 6,
        "siete": 7,
        "ocho": 8,
        "nueve": 9,
    }
)
TEENS = MappingProxyType(
    {
        "diez": 10,
        "once": 11,
        "doce": 12,
        "trece": 13,
        "catorce": 14,
        "quince": 15,
        "dieciseis": 16,
        "diecisiete": 17,
        "dieciocho": 18,
        "diecinueve": 19,
        "veinte": 20,
        "veintiun": 21,
        "veintiuno": 21,
        "veintiuna": 21,
        "veintidos": 22,
        "veintitres": 23,
        "veinticuatro": 24,
        "veinticinco": 25,
        "veintiseis": 26,
        "veintisiete": 27,
        "veintiocho": 28,
        "veintinueve": 29,
    }
)
TENS = MappingProxyType(
    {
        "treinta": 30,
        "cuarenta": 40,
        "cincuenta": 50,
        "sesenta": 60,
        "setenta": 70,
        "ochenta": 80,
        "noventa": 90,
    }
)
HUNDREDS = MappingProxyType(
    {
        "cien": 100,
        "ciento": 100,
        "doscientos": 200,
        "doscientas": 200,
        "trescientos": 300,
        "trescientas": 300,
        "cuatrocientos": 400,
        "cuatrocientas": 400,
        "quinientos": 500,
        "quinientas": 500,
        "seiscientos": 600,
        "seiscientas": 600,
        "setecientos": 700,
        "setecientas": 700,
        "ochocientos": 800,
        "ochocientas": 800,
        "novecientos": 900,
        "novecientas": 900,
    }
)
ORDINAL_WORDS = MappingProxyType(
    {
        "primer": 1,
        "primero": 1,
        "primera": 1,
        "segundo": 2,
        "segunda": 2,
        "tercer": 3,
        "tercero": 3,
        "tercera": 3,
        "cuarto": 4,
        "cuarta": 4,
        "quinto": 5,
        "quinta": 5,
        "sexto": 6,
        "sexta": 6,
        "septimo": 7,
        "septima": 7,
        "setimo": 7,
        "octavo": 8,
        "octava": 8,
        "noveno": 9,
        "novena": 9,
        "decimo": 10,
        "decima": 10,
        "ultimo": -1,
        "ultima": -1,
    }
)
ARTICLE_ONE = frozenset({"un", "uno", "una"})
NUMBER_WORDS = frozenset({*UNITS, *TEENS, *TENS, *HUNDREDS, "mil", "y"})
QUANTITY_UNITS = frozenset(
    {
        "unidad",
        "unidades",
        "und",
        "unds",
        "uds",
        "pieza",
        "piezas",
        "pzas",
        "caja",
        "cajas",
        "paquete",
        "paquetes",
        "rollo",
        "rollos",
        "kit",
        "kits",
        "juego",
        "juegos",
        "bulto",
        "bultos",
        "pares",
        "par",
    }
)
# What comes in pairs and is sold by the pair: "un par de botas" is one pair (one unit),
# where "un par de cascos" is two. Accent-folded, singular and plural.
PAIRED_GOODS = frozenset(
    """bota botas botin botines zapato zapatos zapatilla zapatillas tenis guante guantes
    media medias calcetin calcetines tapaoidos tapon tapones polaina polainas rodillera
    rodilleras codera coderas manga mangas sandalia sandalias chancla chanclas""".split()
)
MEASURE_UNITS = frozenset(
    {
        "lb",
        "lbs",
        "libra",
        "libras",
        "kg",
        "kgs",
        "kilo",
        "kilos",
        "kilogramo",
        "kilogramos",
        "g",
        "gr",
        "grs",
        "gramo",
        "gramos",
        "m",
        "mt",
        "mts",
        "metro",
        "metros",
        "cm",
        "cms",
        "centimetro",
        "centimetros",
        "mm",
        "milimetro",
        "milimetros",
        "pulgada",
        "pulgadas",
        "pulg",
        "in",
        "l",
        "lt",
        "lts",
        "litro",
        "litros",
        "ml",
        "galon",
        "galones",
        "gal",
        "v",
        "voltios",
        "volt",
        "w",
        "watts",
        "vatios",
        "amp",
        "amperios",
        "psi",
        "oz",
        "onza",
        "onzas",
        "pie",
        "pies",
        "ft",
        "cc",
        "mah",
        "kv",
        "db",
        "nrr",
        "micras",
        "mils",
        "ah",
    }
)
SPEC_KEYWORDS = frozenset(
    {
        "talla",
        "tallas",
        "calibre",
        "referencia",
        "ref",
        "modelo",
        "version",
        "serie",
        "codigo",
        "cod",
        "tamano",
        "medida",
        "size",
        "voltaje",
        "tipo",
        "clase",
        "nivel",
        "categoria",
        "grado",
        "norma",
        "numero",
        "nro",
        "num",
        "sku",
        "item",
        "capacidad",
        "ano",
        "lote",
        "horma",
    }
)
PRICE_WORDS = frozenset({"pesos", "peso", "cop", "lucas", "luca", "barras", "mil", "k"})
TIME_WORDS = frozenset({"am", "pm", "m", "horas", "hora", "hrs", "hr", "h", "hs"})
TIME_LEAD = frozenset({"a", "hasta", "desde", "de", "antes", "despues", "tipo", "como"})
IDIOM_AFTER_ONE = frozenset(
    {
        "vez",
        "momento",
        "favor",
        "pregunta",
        "consulta",
        "segundo",
        "minuto",
        "rato",
        "poquito",
        "poco",
        "duda",
        "inquietud",
        "cosa",
        "gracias",
    }
)
