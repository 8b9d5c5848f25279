"""Vocabulary: slang, emoji, stopwords and the filler and question words."""

from __future__ import annotations

from types import MappingProxyType

EMOJI_WORDS = (
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
SLANG = MappingProxyType(
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
INFO_WORDS = frozenset(
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
STOPWORDS = frozenset(
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
    nada mas menos tambien ademas ahi aca aqui alla entonces asi muy solo sola solos solas
    solito solita solamente ya otra
    vez ahora ahorita hoy cosa cosas producto productos articulo articulos opcion
    opciones unidad unidades und unds uds pieza piezas pesos cop pedido pedidos orden
    compra compras carrito oiga oye disculpe disculpa perdon pregunta consulta hacer
    haga hagan hacen hace sirve sirven todo todos toda todas x porque tengan usen
    mandan envian traen traigan manden quede quedan queda tan super genial excelente
    chevere vea mejor igual otro otros cotizacion cotizar catalogo urgente rapido
    eso esto va ponlo ponle mete metele meteme agreguame agregale agregamelo agregamelos
    ayuda ayudame ayudeme ayudar ayudarme ayudas ayudan help vender mandar enviar
    colaborar colaborarme colabora colaboras colaboran colaboreme colaborame
    separar apartar regalar despachar hasta desde aceptan acepta reciben recibe gratis
    ninguno ninguna ningun negativo nunca tampoco nuevo nuevamente soy
    recomienda recomiendas recomiendan recomiende recomendarias recomendaria
    recomendacion sugieres sugiere sugieren aconsejas aconseja
    diferencia diferencias diferencian diferente diferentes compara comparar comparame
    compareme comparacion conviene vs versus
    """.split()
)
PRONOUNS = frozenset({"me", "te", "se", "lo", "la", "los", "las", "le", "les", "nos"})
ORDINAL_CONTEXT = frozenset({"el", "la", "lo", "del", "al", "opcion"})
QUESTION_STARTERS = frozenset(
    """que cuanto cuanta cuantos cuantas cual cuales como donde adonde cuando quien
    quienes tienen tiene tienes tendran tendra hay habra venden vende vendes manejan
    maneja hacen hace puedo pueden puede podria podrian podrias puedes sera aceptan
    reciben envian despachan trabajan atienden sirve sirven viene vienen incluye incluyen
    traen quedan queda abren cierran llega llegan consiguen manejas""".split()
)
LEADING_FILLER = frozenset(
    """y e pero oiga oye disculpe disculpa hola buenas buenos buen dia dias tardes noches
    porfavor perdon entonces pues senor senora senorita veci vecino vecina amigo
    amiga parce parcero hey saludos ah ahh eh mmm ummm""".split()
)
ANSWER_FILLER = frozenset(
    """solo solamente porfavor favor mas no si ok listo dale bueno pues entonces por y de
    ese esa esos esas este estos me das dame deme gracias nada seria serian son sean va
    ponme mandame quiero necesito llevo""".split()
)
QUESTION_SKIP = LEADING_FILLER | {"si", "bueno", "ok", "listo", "dale", "una", "pregunta"}
SI_CONDITIONAL_NEXT = frozenset(
    """me te le lo la les nos se tienen tiene hay puedo puede pueden no es fuera llega
    alcanza quisiera necesito tengo hubiera hubieran tuvieran tienes manejan venden
    usted ustedes ya mañana manana compro llevo pago""".split()
)
# Verbs that take something out of the cart: "quíteme un chaleco" (never a product's name).
REMOVE_VERBS = frozenset(
    "quita quitame quiteme quitale quitele quiten quitenme quite saca sacame saque saquen "
    "sacale elimina eliminame elimine borra borrame borre resta restale restame restele "
    "menos".split()
)
ADDITIVE_AFTER = frozenset({"mas", "adicional", "adicionales", "extra", "extras"})
ADDITIVE_BEFORE = frozenset({"otros", "otras", "otro", "otra", "sumale", "agregale", "anadele"})
ADDITIVE_ALSO = frozenset({"tambien", "ademas"})  # "también quiero 5": 5 more

# Words that tell a product's colour or size, never which product: "¿el azul talla L hay?"
# right after one was shown is about that one.
ATTRIBUTE_WORDS = frozenset(
    """azul azules rojo roja rojos rojas negro negra negros negras blanco blanca blancos
    blancas amarillo amarilla amarillos amarillas verde verdes gris grises naranja naranjas
    cafe cafes beige rosado rosada morado morada vinotinto caqui kaki color colores talla
    tallas numero tamano tamanos xs s m l xl xxl xxxl grande grandes mediano mediana
    pequeno pequena chico chica oscuro oscura claro clara""".split()
)

# Where the stock is ("¿tienen en bodega 10 arneses?"): never a product word after "en".
STOCK_PLACES = frozenset({"bodega", "stock", "existencia", "existencias", "inventario"})
