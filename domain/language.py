"""Offline understanding of Colombian-Spanish customer messages.

Rule based and deterministic: the text is tokenised, each token gets a normalised
form (lower case, no accents, slang and stretched letters fixed), numbers are
read and classified (quantity, size/spec, price, time, list position) and a
fixed precedence of phrase rules picks one intent.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from rag.normalize import fold

MAX_CHARS = 1000  # longer messages are understood from their beginning only
MAX_QUANTITY = 100_000
MAX_ORDINAL = 10
CHEAPEST = "cheapest"
MOST_EXPENSIVE = "most_expensive"


class Intent(StrEnum):
    """What the customer wants with one message."""

    GREETING = "greeting"
    PRODUCT_QUESTION = "product"
    BUY = "buy"
    SHOP_INFO = "shop_info"
    MY_ORDERS = "my_orders"
    CANCEL = "cancel"
    REMOVE = "remove"  # quita los cascos, ya no quiero los guantes, saca el arnés
    HELP = "help"
    AFFIRM = "affirm"
    DENY = "deny"
    THANKS = "thanks"
    CHECKOUT = "checkout"
    CART = "cart"
    OTHER = "other"


class InfoTopic(StrEnum):
    """Shop information a customer can ask about."""

    HOURS = "hours"
    LOCATION = "location"
    PAYMENT = "payment"
    DELIVERY = "delivery"
    WARRANTY = "warranty"
    CONTACT = "contact"
    INVOICE = "invoice"


@dataclass(frozen=True)
class Understanding:
    """Everything the bot needs to know about one customer message."""

    intent: Intent
    quantity: int | None
    product_query: str
    topics: tuple[InfoTopic, ...]
    is_question: bool
    is_follow_up: bool
    ordinal: int | None
    superlative: str | None
    additive: bool = False  # "3 más", "otros 2": add to what is in the cart
    is_done: bool = False
    wants_change: bool = False
    states_number: bool = False
    injection: bool = False
    items: tuple[str, ...] = ()
    is_yes: bool = False
    is_no: bool = False


# --------------------------------------------------------------------------- vocabulary

_EMOJI_WORDS = (
    ("👍", " ok "),
    ("👌", " ok "),
    ("✅", " ok "),
    ("✔", " ok "),
    ("🤝", " ok "),
    ("👎", " no "),
    ("❌", " no "),
    ("🙏", " gracias "),
    ("👋", " hola "),
)

_SLANG = MappingProxyType(
    {
        "q": "que",
        "k": "que",
        "ke": "que",
        "qe": "que",
        "xq": "porque",
        "pq": "porque",
        "porq": "porque",
        "tb": "tambien",
        "tmb": "tambien",
        "tbn": "tambien",
        "d": "de",
        "dl": "del",
        "pa": "para",
        "pal": "para",
        "dnd": "donde",
        "dnde": "donde",
        "xfa": "porfavor",
        "xfavor": "porfavor",
        "porfa": "porfavor",
        "porfis": "porfavor",
        "plis": "porfavor",
        "pls": "porfavor",
        "please": "porfavor",
        "ola": "hola",
        "holi": "hola",
        "holis": "hola",
        "hla": "hola",
        "oli": "hola",
        "hello": "hola",
        "hi": "hola",
        "bns": "buenas",
        "wenas": "buenas",
        "grax": "gracias",
        "grasias": "gracias",
        "gracia": "gracias",
        "grcias": "gracias",
        "graciaz": "gracias",
        "thx": "gracias",
        "thanks": "gracias",
        "gras": "gracias",
        "kiero": "quiero",
        "qiero": "quiero",
        "kero": "quiero",
        "qero": "quiero",
        "quero": "quiero",
        "quiro": "quiero",
        "nesesito": "necesito",
        "nesecito": "necesito",
        "nececito": "necesito",
        "nesito": "necesito",
        "necesto": "necesito",
        "kuanto": "cuanto",
        "qnto": "cuanto",
        "cnto": "cuanto",
        "cuato": "cuanto",
        "presio": "precio",
        "sii": "si",
        "sip": "si",
        "sipi": "si",
        "sep": "si",
        "sisas": "si",
        "sisa": "si",
        "simon": "si",
        "yes": "si",
        "noo": "no",
        "nop": "no",
        "nope": "no",
        "nel": "no",
        "nones": "no",
        "nopi": "no",
        "nou": "no",
        "okey": "ok",
        "okay": "ok",
        "oki": "ok",
        "okis": "ok",
        "oka": "ok",
        "okk": "ok",
        "okas": "ok",
        "cel": "celular",
        "tel": "telefono",
        "wsp": "whatsapp",
        "wpp": "whatsapp",
        "wasap": "whatsapp",
        "guasap": "whatsapp",
        "whatsap": "whatsapp",
        "dir": "direccion",
        "domi": "domicilio",
        "domis": "domicilios",
        "orario": "horario",
        "horarios": "horario",
        "hagale": "dale",
        "hagamosle": "dale",
        "listop": "listo",
        "perfe": "perfecto",
        "ud": "usted",
        "uds": "ustedes",
    }
)

_UNITS = MappingProxyType(
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
_TEENS = MappingProxyType(
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
_TENS = MappingProxyType(
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
_HUNDREDS = MappingProxyType(
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
_ORDINAL_WORDS = MappingProxyType(
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
_ARTICLE_ONE = frozenset({"un", "uno", "una"})
_NUMBER_WORDS = frozenset({*_UNITS, *_TEENS, *_TENS, *_HUNDREDS, "mil", "y"})

_QUANTITY_UNITS = frozenset(
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
_MEASURE_UNITS = frozenset(
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
_SPEC_KEYWORDS = frozenset(
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
_PRICE_WORDS = frozenset({"pesos", "peso", "cop", "lucas", "luca", "barras", "mil", "k"})
_TIME_WORDS = frozenset({"am", "pm", "m", "horas", "hora", "hrs", "hr", "h", "hs"})
_TIME_LEAD = frozenset({"a", "hasta", "desde", "de", "antes", "despues", "tipo", "como"})
_IDIOM_AFTER_ONE = frozenset(
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
_INFO_WORDS = frozenset(
    {
        "saber",
        "preguntar",
        "consultar",
        "averiguar",
        "info",
        "informacion",
        "precio",
        "precios",
        "cotizacion",
        "cotizar",
        "ver",
        "conocer",
        "catalogo",
        "horario",
        "direccion",
        "ubicacion",
        "numero",
        "telefono",
        "ayuda",
        "hablar",
        "cancelar",
        "pagar",
        "lista",
        "fotos",
        "foto",
        "detalles",
        "ficha",
        "asesoria",
        "valor",
        "hacer",
    }
)

_STOPWORDS = frozenset(
    """
    el la los las lo un una unos unas de del a al en con para por o u y e ni pero sino
    que si no me te se le les nos yo tu usted ustedes vos mi mis su sus este ese esa esos
    nosotros nosotras ellos ellas mejor bien pues hay mas
    esas estos estas aquel aquella aquellos aquellas mismo misma mismos mismas
    cual cuales como donde adonde cuando quien quienes cuanto cuanta cuantos cuantas
    es son era sea sean ser esta estan estoy tengo tener tenga hay habra tienen tiene
    tienes tendran tendra venden vende vendes manejan maneja manejas consiguen consigo
    encuentro busco buscaba buscando estoy necesito necesitamos necesitaria necesitaba
    ocupo requiero quiero queremos quisiera queria quiciera gustaria interesa interesan
    dame deme denme damelo damela damelos damelas regala regalas regalan regalame
    regaleme regalamelo vendeme vendame llevo lleva llevamos llevame llevar mandame
    mandeme mandamelo enviame envieme enviamelo agregame agregueme agrega agregue agregar
    agregalo agregala agregalos agregalas anade anademe anadir anadelo suma sumale pon
    ponme pongame ponga compro comprar comprare pido pedir encargo encargar separame
    separeme apartame puedo puede pueden podria podrian podrias puedes das da dan
    precio precios valor cuesta cuestan vale valen sale salen costo costos valdria
    seria serian info informacion sobre acerca saber ver mostrar muestrame muestreme
    mira mire porfavor favor algo algun alguna alguno algunos algunas disponible
    disponibles stock existencia existencias tienda hola buenas buenos buen dia dias
    tardes noches tal hubo quiubo hey saludos start alo gracias muchas muchisimas
    pues parce parcero veci vecino vecina amigo amiga senor senora senorita don dona
    jaja jajaja jeje bueno listo ok dale claro bien perfecto confirmo correcto exacto
    nada mas menos tambien ahi aca aqui alla entonces asi muy solo solamente ya otra
    vez ahora ahorita hoy cosa cosas producto productos articulo articulos opcion
    opciones unidad unidades und unds uds pieza piezas pesos cop pedido pedidos orden
    compra compras carrito oiga oye disculpe disculpa perdon pregunta consulta hacer
    haga hagan hacen hace sirve sirven todo todos toda todas x porque tengan usen
    mandan envian traen traigan manden quede quedan queda tan super genial excelente
    chevere vea mejor igual otro otros cotizacion cotizar catalogo urgente rapido
    eso esto va ponlo ponle mete metele meteme agreguame agregale agregamelo agregamelos
    ayuda ayudame ayudeme ayudar ayudarme ayudas ayudan help vender mandar enviar
    separar apartar regalar despachar hasta desde aceptan acepta reciben recibe gratis
    ninguno ninguna ningun negativo nunca tampoco
    """.split()
)

# --------------------------------------------------------------------------- phrase rules


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_INJECTION_RE = _rx(
    r"\b(ignora|ignore|ignorar|ignoren|olvida|olvidate de|omite|desobedece|salta)\w* .{0,25}"
    r"\b(instrucciones|reglas|indicaciones|prompt|sistema|instructions|rules)\b"
    r"|\b(system prompt|jailbreak|modo (desarrollador|dios|admin\w*|root|debug)"
    r"|actua como|act as|ahora eres|desde ahora (eres|seras)|you are now"
    r"|(tus|sus) instrucciones (internas|originales|del sistema|secretas))\b"
)
_CANCEL_RE = _rx(
    r"\b(cancel\w*|cansel\w*|anul\w*|olvidalo|olvidelo|olvida eso|olvidate|"
    r"ya no (lo |la |los |las )?(quiero|necesito|voy a|me interesa)|no quiero nada(?! mas)|"
    r"borr\w* (todo|el carrito|mi carrito|el pedido|mi pedido|la orden)|"
    r"vaci\w* (el |mi )?carrito|desisto|me arrepenti)\b"
)
# Taking one product out of the cart; what follows the verb says which.
_REMOVE_RE = _rx(
    r"\b(quit\w*|saca|sacame|saquen|saque|elimin\w*|borr(a|ame|ar|en|e)|"
    r"ya no (quiero|necesito|voy a llevar)|mejor sin)\b"
)
_CHECKOUT_RE = _rx(
    r"\b((quiero|quisiera|queremos|voy a|vamos a|ir a|pasar a|proceder a|listo para|deseo) "
    r"pagar|pagar (ya|ahora|de una)|proceder al pago|ir al pago|pasar al pago|"
    r"(finalizar|terminar|cerrar|completar|confirmar|concretar|hacer|realizar|tramitar) "
    r"(la |el |mi )(compra|pedido|orden)|(finalizar|terminar|confirmar) (compra|pedido)|"
    r"eso seria todo|seria todo|checkout)\b"
)
_CART_RE = _rx(
    r"\bcarrito\b|\bcarro de compras?\b|"
    r"\b(que llevo|que llevamos|cuanto llevo|cuanto va|que (tengo|hay|va|llevo) en (el|mi) "
    r"(carrito|pedido|canasta)|(ver|mostrar|muestrame|revisar) (el |mi )?(carrito|canasta)|"
    r"resumen( (de|del) (mi )?(pedido|compra|carrito))?)\b"
)
_MY_ORDERS_RE = _rx(
    r"\b(mis? (pedidos?|ordenes|orden|compras?|envios?|paquetes?|domicilios?)|"
    r"estado (de|del) (mi |la |el )?(pedido|orden|compra|envio|domicilio)|"
    r"ya (lo |me lo |la |me la )?(despacharon|enviaron|mandaron|despacho|envio|salio)|"
    r"despacharon|cuando (me )?llega (mi|el) (pedido|paquete|orden|compra|domicilio)|"
    r"rastre\w*|seguimiento|numero de guia|guia de envio|"
    r"(donde|como) (va|esta|vamos con) (mi|el) (pedido|paquete|orden|domicilio|compra)|"
    r"no me (ha )?(llegado|llega)|no (ha )?llegado (mi|el) (pedido|paquete|orden)|"
    r"ya me (lo |la )?(enviaron|despacharon|mandaron)|cuando me (llega|llegan|entregan))\b"
)
_HELP_STRONG_RE = _rx(
    r"\b(que (puedes|podes|sabes|puede) hacer|que haces|para que sirves|"
    r"como funciona(s)?( (esto|el bot|la tienda|este bot|esta vaina|todo|el chat))?$|"
    r"como (te )?uso|como (se )?usa (esto|el bot|este bot)|como (puedo )?comprar$|"
    r"como compro|como hago (un|el|mi) pedido|como (hago|puedo hacer) (para|un) "
    r"(comprar|pedido)|quien eres|eres (un )?(bot|robot|humano|persona|ia)|"
    r"^(help|menu|comandos|instrucciones)$)"
)
_HELP_WEAK_RE = _rx(r"\b(ayuda|ayudame|ayudeme|ayudar|ayudarme|ayudas|ayudan|help)\b")
_BUY_RE = _rx(
    r"\b(quiero|queremos|quisiera|queria|quiciera|deseo|me llevo|nos llevamos|llevo|"
    r"llevame|llevamos|necesito|necesitamos|necesitaria|ocupo|requiero|dame|deme|denme|"
    r"damelo|damela|damelos|damelas|mandame|mandeme|mandamelo|enviame|envieme|enviamelo|"
    r"agregame|agregueme|agreguame|agregale|agrega|agregue|agregar|agregalo|agregala|"
    r"agregalos|agregalas|agregamelo|agregamelos|anade|anademe|anadir|anadelo|sumale|ponme|pongame|ponlo|ponle|metele|meteme|"
    r"compro|comprar|comprare|pido|"
    r"pedir|encargo|encargar|me regala|me regalas|me regalan|regalame|regaleme|"
    r"regalamelo|me vende|me vendes|me venden|vendeme|vendame|separame|separeme|apartame|"
    r"me apartas|me separas|me das|me da|me manda|me mandas|me envias|me envian|"
    r"(me|nos) (puede|puedes|pueden|podria|podrias|podrian) (vender|mandar|enviar|separar|"
    r"apartar|regalar|dar|despachar)|(hacer|realizar|montar) (un|una) (pedido|compra|orden))\b"
)
_PRODUCT_VERB_RE = _rx(
    r"\b(tienen|tiene|tienes|tendran|tendra|hay|habra|venden|vende|vendes|manejan|maneja|"
    r"manejas|consigo|consiguen|busco|buscaba|buscando|precio|precios|valor|"
    r"cuanto (cuesta|cuestan|vale|valen|sale|salen|es|son|esta|estan|seria|serian)|"
    r"cuesta|cuestan|valen|disponible|disponibles|stock|existencia|catalogo|cotizacion|"
    r"cotizar|referencias|me interesa|me interesan|informacion|info|quedan|que mas tienen|"
    r"productos)\b"
)
_FIXED_PHRASE_RE = _rx(
    r"\b(hacer|realizar|montar) (un|una) (pedido|compra|orden)\b|"
    r"\bhablar con (un|una) (asesor|asesora|persona|humano|vendedor)\b"
)
_NEGATED_BUY_RE = _rx(
    r"\bno (me |lo |la |los |las |me lo |me la )?(quiero|necesito|llevo|compro|interesa|"
    r"voy a llevar|voy a comprar)\b"
)

_TOPIC_RES: tuple[tuple[InfoTopic, re.Pattern[str]], ...] = (
    (
        InfoTopic.HOURS,
        _rx(
            r"\b(horario|a que horas?|hasta que horas?|desde que horas?|abren|abre|abierto|"
            r"abiertos|cierran|cierra|cerrado|cerrados|atienden|atiende|dias de atencion|"
            r"hora de atencion|horas de atencion)\b"
        ),
    ),
    (
        InfoTopic.LOCATION,
        _rx(
            r"\b(donde (quedan|queda|estan|esta|se encuentran|los encuentro|puedo ir|ubicados|"
            r"es la tienda)|ubicacion|ubicados|ubicada|ubicado|direccion|local|locales|"
            r"tienda fisica|punto fisico|puntos fisicos|sede|sedes|como llego|que barrio|"
            r"almacen|en que ciudad)\b"
        ),
    ),
    (
        InfoTopic.PAYMENT,
        _rx(
            r"\b((formas?|medios?|metodos?|opciones) de pago|forma de pagar|"
            r"como (puedo |se )?(pago|pagar|paga|pagamos)|nequi|daviplata|bancolombia|"
            r"transferencia|tarjeta|tarjetas|efectivo|contra ?entrega|contraentrega|pse|"
            r"credito|a cuotas|cuotas|consignacion|consignar|"
            r"reciben (pagos?|tarjeta|nequi|efectivo|daviplata))\b"
        ),
    ),
    (
        InfoTopic.DELIVERY,
        _rx(
            r"\b(envio|envios|envian|enviar|envias|envia|domicilio|domicilios|despachan|"
            r"despacho|despachos|entregan|entrega|entregas|llegan a|llega a|mandan a|"
            r"hacen llegar|flete|transportadora|cuanto (demora|tarda|se demora|se tarda)|"
            r"a domicilio)\b"
        ),
    ),
    (
        InfoTopic.WARRANTY,
        _rx(
            r"\b(garantia|garantias|devolucion|devoluciones|devolver|cambio|cambios|cambiar|"
            r"reembolso|defectuoso|defectuosa|salio malo|salio mala|vino malo|vino mala|"
            r"danado|danada)\b"
        ),
    ),
    (
        InfoTopic.INVOICE,
        _rx(r"\b(factura\w*|facturacion|facturar|facturan|nit|rut|cuenta de cobro)\b"),
    ),
    (
        InfoTopic.CONTACT,
        _rx(
            r"\b(telefono|celular|whatsapp|contacto|correo|email|mail|llamar|llamarlos|"
            r"hablar con (alguien|una persona|un asesor|un humano|el dueno|un vendedor|"
            r"la duena)|asesor|asesora|humano|su numero|el numero de ustedes|"
            r"numero de (telefono|celular|whatsapp|contacto)|regal\w* (el|su) numero|"
            r"redes sociales|instagram|facebook)\b"
        ),
    ),
)

_GREETING_RE = _rx(
    r"\b(hola|buenas|buenos dias|buen dia|buenas tardes|buenas noches|que mas|que hubo|"
    r"quiubo|que tal|hey|saludos|start|alo|como estas|como esta|como vas|como le va|"
    r"como te va)\b"
)
_THANKS_RE = _rx(
    r"\b(gracias|agradezco|agradecido|agradecida|muy amable|que amable|dios le pague|"
    r"dios te pague)\b"
)
_AFFIRM_RE = _rx(
    r"^(si|dale|listo|claro|ok|bueno|perfecto|confirmo|confirmado|correcto|exacto|"
    r"afirmativo|obvio|seguro|bien|genial|excelente|super|de una|por supuesto|asi es|"
    r"esta bien|me parece bien|me sirve|va|hecho|de acuerdo|vale|okay)\b"
)
_DENY_RE = _rx(
    r"^(no|nada|ninguno|ninguna|negativo|nunca|tampoco|por ahora no|ahorita no|"
    r"todavia no|aun no|mejor no|para nada|asi no|ya no$|ya no gracias)\b"
)
_DENY_ANYWHERE_RE = _rx(
    r"\b(nada mas|no mas|eso es todo|no gracias|eso seria todo|seria todo|"
    r"por ahora no|ahorita no|es todo)\b"
)
_FOLLOW_UP_RE = _rx(
    r"^(y|e) \w|"
    r"\b(el|la|los|las|del|al) (de|del|que|mismo|misma|mismos|mismas|otro|otra)\b|"
    r"\b(el|la) mas\b|"
    r"\b(ese|esa|esos|esas|este|estos|estas|aquel|aquella|aquellos|aquellas|mismo|misma|"
    r"mismos|mismas)\b|"
    r"\b(otro|otra|otros|otras) (color|colores|talla|tallas|modelo|marca|referencia|"
    r"tamano|opcion|medida|presentacion)\b|"
    r"\b(lo|la|los|las) (quiero|llevo|compro|necesito|pido|separo)\b|"
    r"\bme (lo|la|los|las) (llevo|das|vendes|regalas|mandas|envias|separas)\b|"
    r"\b(damelo|damela|damelos|damelas|agregalo|agregala|agregalos|agregalas|mandamelo|"
    r"enviamelo|regalamelo|anadelo)\b"
)
_PRICE_OR_STOCK_RE = _rx(
    r"\b(precio|valor|cuesta|cuestan|vale|valen|sale|salen|disponible|disponibles|stock|"
    r"hay|quedan|tallas|colores)\b"
)
_CHEAPEST_RE = _rx(
    r"\b(mas (barat\w*|economic\w*|bajo de precio|asequible\w*)|menos (car[oa]s?|"
    r"costos[oa]s?)|(menor|mas bajo) precio|precio mas bajo|mas en cuenta)\b"
)
_EXPENSIVE_RE = _rx(r"\b(mas (car[oa]s?|costos[oa]s?)|(mayor|mas alto) precio|precio mas alto)\b")
_PRONOUNS = frozenset({"me", "te", "se", "lo", "la", "los", "las", "le", "les", "nos"})
_ORDINAL_CONTEXT = frozenset({"el", "la", "lo", "del", "al", "opcion"})
_ORDINAL_SEQ_RE = _rx(r"\b(de la lista|opcion)\b")
_INDIRECT_QUESTION_RE = _rx(
    r"\b((quiero|quisiera|queria|me gustaria|necesito|deseo) (saber|preguntar|consultar|"
    r"averiguar)|una pregunta|una consulta|una duda|me (regala|regalas|regalan|puede|"
    r"puedes|podria|podrias|dice|dices|informa|indica)( (el|la|los|las|su|un|una))? "
    r"(precio|info|informacion|valor|horario|direccion|ubicacion))\b"
)
_QUESTION_STARTERS = frozenset(
    """que cuanto cuanta cuantos cuantas cual cuales como donde adonde cuando quien
    quienes tienen tiene tienes tendran tendra hay habra venden vende vendes manejan
    maneja hacen hace puedo pueden puede podria podrian podrias puedes sera aceptan
    reciben envian despachan trabajan atienden sirve sirven viene vienen incluye incluyen
    traen quedan queda abren cierran llega llegan consiguen manejas""".split()
)
_LEADING_FILLER = frozenset(
    """y e pero oiga oye disculpe disculpa hola buenas buenos buen dia dias tardes noches
    porfavor perdon entonces pues senor senora senorita veci vecino vecina amigo
    amiga parce parcero hey saludos ah ahh eh mmm ummm""".split()
)
_ANSWER_FILLER = frozenset(
    """solo solamente porfavor favor mas no si ok listo dale bueno pues entonces por y de
    ese esa esos esas este estos me das dame deme gracias nada seria serian son sean va
    ponme mandame quiero necesito llevo""".split()
)
_QUESTION_SKIP = _LEADING_FILLER | {"si", "bueno", "ok", "listo", "dale", "una", "pregunta"}
_SI_CONDITIONAL_NEXT = frozenset(
    """me te le lo la les nos se tienen tiene hay puedo puede pueden no es fuera llega
    alcanza quisiera necesito tengo hubiera hubieran tuvieran tienes manejan venden
    usted ustedes ya mañana manana compro llevo pago""".split()
)
_TOKEN_RE = _rx(r"\d+(?:[.,]\d+)+|[^\W_]+|\$")
_TRIPLE_RE = _rx(r"([a-z])\1{2,}")
_TRAILING_RE = _rx(r"([aeiouys])\1+$")
_X_NUMBER_RE = _rx(r"x(\d{1,6})")
_SI_PUNCT_RE = re.compile(r"^\W*s[ií]+\s*[,.!;:]", re.IGNORECASE)
_PRICE_K_RE = _rx(r"\d+k")
_THOUSANDS_RE = _rx(r"\d{1,3}(?:\.\d{3})+")


# --------------------------------------------------------------------------- text model


class _Tok(NamedTuple):
    raw: str
    norm: str
    start: int


@dataclass(frozen=True)
class _Text:
    raw: str
    toks: tuple[_Tok, ...]
    norm_text: str

    @property
    def norms(self) -> tuple[str, ...]:
        return tuple(t.norm for t in self.toks)


class _Number(NamedTuple):
    start: int
    end: int
    value: int
    kind: str  # quantity | weak | one | spec | ordinal | price | time | ignore
    words: bool


def strip_accents(text: str) -> str:
    """Remove accents and tildes ("Día" -> "Dia", "ñ" -> "n"); case is kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _norm_word(raw: str) -> str:
    word = strip_accents(raw.lower())
    if not word.isdigit():
        word = _TRAILING_RE.sub(r"\1", _TRIPLE_RE.sub(r"\1", word))
    return _SLANG.get(word, word)


def _prepare(text: object) -> _Text:
    raw = text if isinstance(text, str) else ""
    raw = unicodedata.normalize("NFC", raw[:MAX_CHARS])
    for emoji, word in _EMOJI_WORDS:
        raw = raw.replace(emoji, word)
    toks: list[_Tok] = []
    offset = 0
    for match in _TOKEN_RE.finditer(raw):
        norm = _norm_word(match.group())
        toks.append(_Tok(match.group().lower(), norm, offset))
        offset += len(norm) + 1
    return _Text(raw, tuple(toks), " ".join(t.norm for t in toks))


def _matched_indices(pattern: re.Pattern[str], text: _Text) -> set[int]:
    """Token indices covered by every match of a phrase pattern."""
    found: set[int] = set()
    for match in pattern.finditer(text.norm_text):
        for index, tok in enumerate(text.toks):
            if tok.start < match.end() and tok.start + len(tok.norm) > match.start():
                found.add(index)
    return found


# --------------------------------------------------------------------------- numbers


def _parse_number_words(norms: tuple[str, ...], i: int) -> tuple[int, int] | None:
    """Spanish number words starting at i -> (value, end index)."""
    total, group, last, j, seen, thousands = 0, 0, 4, i, False, False
    while j < len(norms):
        word = norms[j]
        if word in _HUNDREDS and last > 3:
            group, last = group + _HUNDREDS[word], 3 if word == "ciento" else 1
        elif word in _TENS and last > 2:
            group, last = group + _TENS[word], 2
            if j + 2 < len(norms) and norms[j + 1] == "y" and norms[j + 2] in _UNITS:
                group, last, j = group + _UNITS[norms[j + 2]], 1, j + 2
        elif word in _TEENS and last > 2:
            group, last = group + _TEENS[word], 1
        elif word in _UNITS and last > 1:
            group, last = group + _UNITS[word], 1
        elif word == "mil" and not thousands:
            total, group, last, thousands = (group or 1) * 1000, 0, 4, True
        else:
            break
        seen, j = True, j + 1
    return (total + group, j) if seen else None


def _read_number(norms: tuple[str, ...], i: int) -> tuple[int, int, bool, bool, bool] | None:
    """Number at i -> (value, end, strong, article_one, spelled); -1 value = not integral."""
    word = norms[i]
    nxt = norms[i + 1] if i + 1 < len(norms) else ""
    if word == "media" and nxt in ("docena", "docenas"):
        return 6, i + 2, True, False, True
    if word in ("docena", "decena"):
        half = word == "docena" and norms[i + 1 : i + 3] == ("y", "media")
        value = (12 if word == "docena" else 10) + (6 if half else 0)
        return value, i + (3 if half else 1), True, False, True
    x_match = _X_NUMBER_RE.fullmatch(word)
    if x_match:
        return int(x_match.group(1)), i + 1, True, False, False
    if word == "x" and nxt.isdigit() and len(nxt) <= 6 and not _is_numeric(norms, i - 1):
        return int(nxt), i + 2, True, False, False
    if word[:1].isdigit() and not word.isdigit():
        return (-1, i + 1, False, False, False) if word[-1].isdigit() else None
    if word.isdigit():
        value, end, spelled = int(word[:12]), i + 1, False
        if nxt == "mil":
            value, end = value * 1000, end + 1
    else:
        parsed = _parse_number_words(norms, i)
        if parsed is None:
            return None
        value, end = parsed
        spelled = True
    return _apply_multiplier(norms, i, value, end, spelled)


def _apply_multiplier(
    norms: tuple[str, ...], i: int, value: int, end: int, spelled: bool
) -> tuple[int, int, bool, bool, bool]:
    """Handle "docena(s)", "decena(s)" and "par(es)" right after a number."""
    one = spelled and end == i + 1 and norms[i] in _ARTICLE_ONE
    nxt = norms[end] if end < len(norms) else ""
    if nxt in ("docena", "docenas", "decena", "decenas"):
        value *= 12 if nxt.startswith("doc") else 10
        end += 1
        if norms[end : end + 2] == ("y", "media") and nxt.startswith("doc"):
            value, end = value + 6, end + 2
        return value, end, True, False, spelled
    if nxt in ("par", "pares"):
        return (2 if one else value), end + 1, True, False, spelled
    return value, end, False, one, spelled


def _is_numeric(norms: tuple[str, ...], i: int) -> bool:
    return 0 <= i < len(norms) and (norms[i].isdigit() or norms[i] in _NUMBER_WORDS - {"y"})


def _is_product_word(norm: str) -> bool:
    return (
        norm.isalpha()
        and norm not in _STOPWORDS
        and norm not in _NUMBER_WORDS
        and norm not in _ORDINAL_WORDS
        and norm not in _QUANTITY_UNITS
    )


def _classify(norms: tuple[str, ...], start: int, end: int, value: int, one: bool) -> str:
    """Decide what a number means from its neighbours."""
    prev = norms[start - 1] if start > 0 else ""
    prev2 = norms[start - 2] if start > 1 else ""
    nxt = norms[end] if end < len(norms) else ""
    spans_mil = "mil" in norms[start:end]
    if value < 0:
        priced = prev == "$" or nxt in _PRICE_WORDS or _THOUSANDS_RE.fullmatch(norms[start])
        return "price" if priced else "spec"
    if value == 0 or (value > MAX_QUANTITY and not spans_mil):
        return "ignore"
    if prev == "$" or nxt in _PRICE_WORDS or (spans_mil and norms[start] != "mil"):
        return "price"
    if one and (nxt in _IDIOM_AFTER_ONE or prev == "de"):
        return "ignore"
    if nxt == "gracias":
        return "ignore"
    next2 = norms[end + 1] if end + 1 < len(norms) else ""
    if nxt in _TIME_WORDS or (prev == "las" and prev2 in _TIME_LEAD):
        return "time"
    if nxt == "a" and (next2.isdigit() or next2 == "las"):
        return "time"
    if prev in ("a", "y") and _is_numeric(norms, start - 2):
        return "time" if prev == "a" else "spec"
    if not one and value <= MAX_ORDINAL and _is_ordinal_context(prev, prev2):
        return "ordinal"
    if _is_spec_context(norms, start, prev, prev2, nxt):
        return "spec"
    return "one" if one else "weak"


def _is_ordinal_context(prev: str, prev2: str) -> bool:
    return prev in ("el", "la", "opcion") or (prev == "numero" and prev2 in ("el", "la", "opcion"))


def _is_spec_context(norms: tuple[str, ...], start: int, prev: str, prev2: str, nxt: str) -> bool:
    """Sizes, models, measures: "de 20 libras", "talla 42", "referencia 3m 6200"."""
    if prev in _SPEC_KEYWORDS or prev in ("de", "del", "el", "la", "lo", "al"):
        return True
    mixed_prev = any(c.isdigit() for c in prev) and any(c.isalpha() for c in prev)
    if mixed_prev or (prev2 in _SPEC_KEYWORDS and any(c.isdigit() for c in prev)):
        return True
    if nxt in _MEASURE_UNITS or (nxt == "x" and _is_numeric(norms, start + 2)):
        return True
    if prev == "x" and _is_numeric(norms, start - 2):
        return True
    return _is_product_word(prev) and nxt not in _QUANTITY_UNITS


def _find_numbers(norms: tuple[str, ...]) -> list[_Number]:
    numbers: list[_Number] = []
    i = 0
    while i < len(norms):
        read = _read_number(norms, i)
        if read is None:
            i += 1
            continue
        value, end, strong, one, spelled = read
        kind = _classify(norms, i, end, value, one)
        if strong and kind in ("weak", "spec") and norms[i - 1 : i] != ("de",):
            kind = "quantity"
        elif kind == "weak" and end < len(norms) and norms[end] in _QUANTITY_UNITS:
            kind = "quantity"
        numbers.append(_Number(i, end, value, kind, spelled))
        i = end
    return numbers


def _pick_quantity(numbers: list[_Number], buying: bool) -> _Number | None:
    for kinds in (("quantity",), ("weak",), ("one",) if buying else ()):
        for number in numbers:
            if number.kind in kinds:
                return number
    return None


def _only_number(text: _Text, numbers: list[_Number]) -> bool:
    """The message is just a number phrase ("una", "solo dos", "10 porfa")."""
    covered = {i for n in numbers for i in range(n.start, n.end)}
    rest = [t.norm for i, t in enumerate(text.toks) if i not in covered]
    return bool(numbers) and all(w in _ANSWER_FILLER or w in _QUANTITY_UNITS for w in rest)


def parse_quantity(text: str, *, buying: bool = True) -> int | None:
    """Units asked for in the customer's words; sizes, prices and times never count.

    ``buying`` (default: the text answers "¿cuántas?") lets "un/una/uno" mean 1.
    """
    prepared = _prepare(text)
    picked = _pick_quantity(_find_numbers(prepared.norms), buying)
    return picked.value if picked else None


# --------------------------------------------------------------------------- yes / no / ?


def _meaningful(text: _Text, skip: frozenset[str] = _LEADING_FILLER) -> tuple[str, ...]:
    """Normalised tokens without leading fillers like "pues", "oiga", "hola"."""
    norms = text.norms
    i = 0
    while i < len(norms) and norms[i] in skip:
        i += 1
    return norms[i:]


def _question(text: _Text) -> bool:
    if "?" in text.raw or "¿" in text.raw:
        return True
    words = _meaningful(text, _QUESTION_SKIP)
    if words and words[0] in _QUESTION_STARTERS:
        return True
    return bool(_INDIRECT_QUESTION_RE.search(text.norm_text))


def looks_like_question(text: str) -> bool:
    """¿/? anywhere, a leading question word ("cuánto", "tienen"…) or "quiero saber…"."""
    return _question(_prepare(text))


def _yes(text: _Text) -> bool:
    words = " ".join(_meaningful(text))
    if not words or _question(text) or _no(text) or _NEGATED_BUY_RE.search(words):
        return False
    if not _AFFIRM_RE.match(words):
        return False
    parts = words.split()
    if parts[0] == "si" and len(parts) > 1 and not _SI_PUNCT_RE.match(text.raw):
        return parts[1] not in _SI_CONDITIONAL_NEXT
    return True


def _no(text: _Text) -> bool:
    words = " ".join(_meaningful(text))
    if not words:
        return False
    explicit = bool(re.match(r"^\W*no+\s*[,.!;]", text.raw.strip().lower()))
    if _question(text) and not explicit:
        return False
    return bool(_DENY_RE.match(words) or _DENY_ANYWHERE_RE.search(words))


def is_yes(text: str) -> bool:
    """A plain yes ("sí", "dale", "de una", "👍"), not a question, not a no."""
    return _yes(_prepare(text))


def is_no(text: str) -> bool:
    """A no ("no", "nop", "nada más", "eso es todo", "no gracias"); "no" as a whole word."""
    return _no(_prepare(text))


# --------------------------------------------------------------------------- understand


@dataclass(frozen=True)
class _Features:
    cancel: bool
    remove: bool
    checkout: bool
    cart: bool
    my_orders: bool
    help_strong: bool
    help_weak: bool
    buy: bool
    negated_buy: bool
    product_verb: bool
    topics: tuple[InfoTopic, ...]
    question: bool
    follow_up_marker: bool
    has_query: bool
    leading_quantity: bool
    strong_quantity: bool
    ordinal: int | None
    superlative: str | None
    yes: bool
    no: bool
    thanks: bool
    greeting: bool


def _buy_state(text: _Text, reserved: set[int]) -> tuple[bool, set[int], bool]:
    """(active buy verb, its token indices, a negated buy verb) — info requests excluded.

    Verbs inside ``reserved`` phrases ("qué llevo", "quiero pagar") do not count.
    """
    active, negated, indices = False, False, set()
    norms = text.norms
    for match in _BUY_RE.finditer(text.norm_text):
        idx = sorted(_indices_of_span(text, match.start(), match.end()))
        if set(idx) <= reserved:
            continue
        before = text.norm_text[: match.start()].split()[-3:]
        after = norms[idx[-1] + 1 : idx[-1] + 4] if idx else ()
        indices.update(idx)
        if "no" in before and set(before[before.index("no") + 1 :]) <= _PRONOUNS:
            negated = True
        elif not _INFO_WORDS & set(after):
            active = True
    return active, indices, negated


def _indices_of_span(text: _Text, start: int, end: int) -> set[int]:
    return {i for i, t in enumerate(text.toks) if t.start < end and t.start + len(t.norm) > start}


def _ordinal(text: _Text, numbers: list[_Number]) -> tuple[int | None, set[int]]:
    norms = text.norms
    for i, word in enumerate(norms):
        if word not in _ORDINAL_WORDS:
            continue
        prev = norms[i - 1] if i else ""
        nxt = " ".join(norms[i + 1 : i + 4])
        alone = len(norms) <= 2 and prev not in ("un", "una")
        if prev in _ORDINAL_CONTEXT or _ORDINAL_SEQ_RE.match(nxt) or alone:
            used = {i} | ({i + 1} if nxt.startswith("opcion") else set())
            return _ORDINAL_WORDS[word], used
    for number in numbers:
        if number.kind == "ordinal":
            return number.value, set(range(number.start, number.end))
    return None, set()


def _superlative(text: _Text) -> tuple[str | None, set[int]]:
    cheap = _matched_indices(_CHEAPEST_RE, text)
    if cheap:
        return CHEAPEST, cheap
    pricey = _matched_indices(_EXPENSIVE_RE, text)
    return (MOST_EXPENSIVE, pricey) if pricey else (None, set())


def _topics(text: _Text) -> tuple[tuple[InfoTopic, ...], set[int]]:
    found: list[InfoTopic] = []
    used: set[int] = set()
    for topic, pattern in _TOPIC_RES:
        indices = _matched_indices(pattern, text)
        if indices:
            found.append(topic)
            used |= indices
    return tuple(found), used


def _build_query(text: _Text, numbers: list[_Number], removed: set[int]) -> str:
    """Product words, sizes and units left after removing intent and filler words."""
    spelled_specs = {n.start: n for n in numbers if n.kind == "spec" and n.words}
    skip = set(removed)
    for number in numbers:
        if number.kind != "spec" or number.start in spelled_specs:
            skip |= set(range(number.start, number.end))
    words: list[str] = []
    for i, tok in enumerate(text.toks):
        if i in spelled_specs:
            words.append(str(spelled_specs[i].value))
        elif i in skip or tok.norm in _STOPWORDS or tok.norm in _ORDINAL_WORDS:
            continue
        elif tok.norm == "$" or _PRICE_K_RE.fullmatch(tok.norm):
            continue
        else:
            words.append(tok.raw)
    return " ".join(words)[:200].strip()


def _leading(text: _Text, number: _Number | None) -> bool:
    if number is None or number.kind not in ("quantity", "weak", "one"):
        return False
    return all(not _is_product_word(w) for w in text.norms[: number.start])


def understand(text: str) -> Understanding:
    """TEMPORARY (replaced by the language package's one pass)."""
    from dataclasses import replace as _replace

    base = _understand(text)
    items = split_items(text) if isinstance(text, str) else [text]
    return _replace(
        base,
        is_done=is_done(text),
        wants_change=wants_change(text),
        states_number=states_a_number(text),
        injection=looks_like_injection(text),
        items=tuple(items) if len(items) > 1 else (),
    )


def _understand(text: str) -> Understanding:
    """Read one customer message; never raises on any string."""
    prepared = _prepare(text)
    if not prepared.toks:
        return Understanding(Intent.OTHER, None, "", (), _question(prepared), False, None, None)
    if _INJECTION_RE.search(prepared.norm_text):
        return Understanding(Intent.OTHER, None, "", (), _question(prepared), False, None, None)
    numbers = _find_numbers(prepared.norms)
    blocked = _phrase_indices(prepared)
    numbers = [n for n in numbers if not set(range(n.start, n.end)) & blocked]
    features, removed = _features(prepared, numbers)
    intent = _decide(features)
    buying = intent == Intent.BUY or _only_number(prepared, numbers)
    picked = _pick_quantity(numbers, buying)
    if picked is not None and re.search(rf"(?:^|\s)-\s*{picked.value}\b", prepared.raw):
        picked = None  # "-3 conos" is no amount anyone can buy; ask instead
    if picked is not None:
        removed |= set(range(picked.start, picked.end))
        nxt = picked.end
        if nxt < len(prepared.toks) and prepared.norms[nxt] in _QUANTITY_UNITS:
            removed.add(nxt)
    if intent == Intent.OTHER and picked is not None and buying:
        intent = Intent.BUY
    query = _build_query(prepared, numbers, removed)
    follow_up = _follow_up(features, intent, query, prepared)
    additive = picked is not None and _is_additive(prepared, picked)
    return Understanding(
        intent=intent,
        quantity=picked.value if picked else None,
        product_query=query,
        topics=features.topics,
        is_question=features.question,
        is_follow_up=follow_up,
        ordinal=features.ordinal,
        superlative=features.superlative,
        additive=additive,
    )


_ADDITIVE_AFTER = frozenset({"mas", "adicional", "adicionales", "extra", "extras"})
_ADDITIVE_BEFORE = frozenset({"otros", "otras", "otro", "otra", "sumale", "agregale", "anadele"})


def _is_additive(text: _Text, picked: _Number) -> bool:
    """ "quiero 3 más", "ponle 1 más", "agrégame otros 2" add to the cart's quantity."""
    after = text.norms[picked.end] if picked.end < len(text.norms) else ""
    before = text.norms[picked.start - 1] if picked.start > 0 else ""
    return after in _ADDITIVE_AFTER or before in _ADDITIVE_BEFORE


_DONE_RE = re.compile(r"^(listo|ya|ya esta|es todo|eso es todo|listo gracias|listo eso es todo)$")
_CHANGE_DATA_RE = re.compile(
    r"\b(cambi\w*|actualiz\w*|corregir|corrige|editar|modificar|otra direccion|"
    r"nueva direccion|otro (numero|celular|telefono|barrio)|otros datos|datos nuevos)\b"
)


_ITEM_SEPARATOR_RE = re.compile(r"\s*(?:,|;|\by\b|\be\b|\badem[aá]s\b|\btambi[eé]n\b)\s*", re.I)


_MORE_INJECTION_RE = _rx(
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


_COUNT_WORDS_RE = _rx(
    r"\d|\b(un|una|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|quince|"
    r"veinte|treinta|cuarenta|cincuenta|cien|ciento|mil|par|docena|media|decena|centena)\b"
)


def states_a_number(text: str) -> bool:
    """The message says how many, in digits or words ("un par", "una docena", "3")."""
    return bool(_COUNT_WORDS_RE.search(_prepare(text).norm_text))


def looks_like_injection(text: str) -> bool:
    """A message that tries to give the bot instructions ("ignora tus reglas…").

    Also read with letters un-spaced ("i g n o r a") and digits as letters ("1gn0ra").
    """
    variants = {text, _SPACED_LETTERS_RE.sub(lambda m: m.group().replace(" ", ""), text)}
    variants |= {variant.translate(_LEET) for variant in variants}
    for variant in variants:
        prepared = _prepare(variant).norm_text
        if _INJECTION_RE.search(prepared) or _MORE_INJECTION_RE.search(prepared):
            return True
        folded = fold(variant)
        if _ROLE_PREFIX_RE.search(folded) or _COMPACT_RE.search(re.sub(r"\W+", "", folded)):
            return True
    return False


def split_items(text: str) -> list[str]:
    """Several products in one order ("2 cascos blancos y 3 chalecos naranja"), or [text].

    Split only when every piece names its own quantity, so "guantes de nitrilo y vaqueta"
    stays one request."""
    pieces = [p.strip() for p in _ITEM_SEPARATOR_RE.split(text) if p and p.strip()]
    if len(pieces) < 2:
        return [text]
    if all(
        parse_quantity(piece) is not None and _understand(piece).product_query for piece in pieces
    ):
        return pieces
    return [text]


def is_done(text: str) -> bool:
    """ "listo" after "¿algo más?": the customer has everything."""
    return bool(_DONE_RE.match(_prepare(text).norm_text.strip()))


def wants_change(text: str) -> bool:
    """The customer wants to change delivery data ("cambiar dirección", "otro número")."""
    return bool(_CHANGE_DATA_RE.search(_prepare(text).norm_text))


def _features(text: _Text, numbers: list[_Number]) -> tuple[_Features, set[int]]:
    """Every phrase rule evaluated once, plus token indices to drop from the query."""
    nt = text.norm_text
    reserved: set[int] = set()
    for pattern in (_CANCEL_RE, _REMOVE_RE, _CHECKOUT_RE, _CART_RE, _MY_ORDERS_RE, _HELP_STRONG_RE):
        reserved |= _matched_indices(pattern, text)
    buy, buy_idx, negated = _buy_state(text, reserved)
    ordinal, ordinal_idx = _ordinal(text, numbers)
    superlative, super_idx = _superlative(text)
    topics, topic_idx = _topics(text)
    removed = reserved | buy_idx | ordinal_idx | super_idx | topic_idx
    for number in numbers:
        if number.kind in ("price", "time", "ignore", "ordinal"):
            removed |= set(range(number.start, number.end))
        if number.kind == "time" and number.end < len(text.toks):
            removed |= {number.end} if text.norms[number.end] in _TIME_WORDS else set()
    has_query = bool(_build_query(text, numbers, removed | _weak_indices(numbers)))
    first = _pick_quantity(numbers, buying=False)
    features = _Features(
        cancel=bool(_CANCEL_RE.search(nt)),
        remove=bool(_REMOVE_RE.search(nt)),
        checkout=bool(_CHECKOUT_RE.search(nt)),
        cart=bool(_CART_RE.search(nt)),
        my_orders=bool(_MY_ORDERS_RE.search(nt)),
        help_strong=bool(_HELP_STRONG_RE.search(nt)),
        help_weak=bool(_HELP_WEAK_RE.search(nt)),
        buy=buy,
        negated_buy=negated,
        product_verb=bool(_PRODUCT_VERB_RE.search(nt)),
        topics=topics,
        question=_question(text),
        follow_up_marker=_follow_up_marker(text),
        has_query=has_query,
        leading_quantity=_leading(text, first),
        strong_quantity=first is not None and first.kind == "quantity",
        ordinal=ordinal,
        superlative=superlative,
        yes=_yes(text),
        no=_no(text),
        thanks=bool(_THANKS_RE.search(nt)),
        greeting=bool(_GREETING_RE.search(nt)),
    )
    return features, removed


def _phrase_indices(text: _Text) -> set[int]:
    """Tokens of fixed phrases whose number words are not amounts ("hacer un pedido")."""
    return _matched_indices(_FIXED_PHRASE_RE, text)


def _weak_indices(numbers: list[_Number]) -> set[int]:
    picked = _pick_quantity(numbers, buying=True)
    return set(range(picked.start, picked.end)) if picked else set()


def _follow_up_marker(text: _Text) -> bool:
    if _FOLLOW_UP_RE.search(text.norm_text):
        return True
    norms = text.norms
    return len(norms) <= 5 and norms[0] in ("en", "de", "con", "sin")


def _decide(f: _Features) -> Intent:
    """Fixed precedence: specific requests beat generic chat words."""
    if f.remove and f.has_query:
        return Intent.REMOVE
    if f.cancel:
        return Intent.CANCEL
    if f.checkout:
        return Intent.CHECKOUT
    if f.cart and not f.buy:
        return Intent.CART
    if f.my_orders and not (f.buy and f.leading_quantity):
        return Intent.MY_ORDERS
    if f.help_strong:
        return Intent.HELP
    if f.buy:
        return Intent.BUY
    if f.topics:
        return Intent.SHOP_INFO
    if f.negated_buy or (f.no and not f.has_query and not f.question):
        return Intent.DENY
    if (f.leading_quantity or f.strong_quantity) and not f.question:
        return Intent.BUY
    if f.product_verb or f.ordinal or f.superlative or f.has_query:
        return Intent.PRODUCT_QUESTION
    if f.follow_up_marker and not (f.yes or f.no):
        return Intent.PRODUCT_QUESTION
    return _small_talk(f)


def _small_talk(f: _Features) -> Intent:
    if f.help_weak:
        return Intent.HELP
    if f.no:
        return Intent.DENY
    if f.yes:
        return Intent.AFFIRM
    if f.thanks:
        return Intent.THANKS
    if f.greeting:
        return Intent.GREETING
    return Intent.OTHER


def _follow_up(f: _Features, intent: Intent, query: str, text: _Text) -> bool:
    """Refers back to what was just discussed."""
    if intent not in (Intent.PRODUCT_QUESTION, Intent.BUY, Intent.SHOP_INFO):
        return False
    if f.follow_up_marker:
        return True
    if not query and (f.ordinal is not None or f.superlative is not None):
        return True
    if intent == Intent.BUY and not query:
        return True
    return (
        intent == Intent.PRODUCT_QUESTION
        and not query
        and bool(_PRICE_OR_STOCK_RE.search(text.norm_text))
    )
