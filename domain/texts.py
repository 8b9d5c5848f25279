"""Every text a customer or owner reads, in Spanish, in one place."""

from __future__ import annotations

START = (
    "¡Hola{name}! 👋 Soy el asistente de {shop}.\n"
    "Puedo ayudarte a:\n"
    "• buscar productos y ver precios y disponibilidad («¿tienen {example}?»)\n"
    "• hacer tu pedido y tomar tus datos de envío\n"
    "• contarte horarios, formas de pago y envíos\n"
    "• revisar cómo va tu pedido («¿cómo va mi pedido?»)\n"
    "Escribe /cancelar cuando quieras para empezar de nuevo."
)
GREETING = "¡Hola{name}! 👋 Bienvenido a {shop}. ¿Qué estás buscando hoy?"
THANKS = "¡Con mucho gusto! Aquí estoy si necesitas algo más."
FALLBACK = (
    "No estoy seguro de haberte entendido 🤔. Puedes preguntarme por un producto "
    "(por ejemplo «¿tienen {example}?»), por horarios, pagos o envíos, o por tu pedido."
)
NOTHING_FOUND = "No encontré productos para «{query}» 😕. ¿Me lo describes de otra forma?{examples}"
NON_TEXT = "Por ahora solo puedo leer mensajes de texto. ¿Me escribes lo que necesitas?"

PRODUCT_LIST_HEADER = "Esto es lo que tengo:"
PRODUCT_LINE = "{n}. {name} — {price} · {availability}"
PRODUCT_LIST_FOOTER = "¿Cuál te interesa y cuántas unidades necesitas?"
PRODUCT_DETAIL = "{name}\n{price} · {availability}{description}\n\n¿Cuántas unidades necesitas?"
AVAILABLE_MANY = "disponible"
AVAILABLE_FEW = "quedan {stock}"
AVAILABLE_ONE = "queda 1"
WHICH_ONE = "Tengo varias opciones. ¿Cuál de estas quieres?"
ASK_QUANTITY = "¿Cuántas unidades de {name} necesitas?"
ASK_PRODUCT = "¿Qué producto quieres? Cuéntame su nombre o para qué lo necesitas."
EXAMPLES = " Por ejemplo, tengo: {categories}."
EXAMPLE_FALLBACK = "lo que necesitas"

NOT_AVAILABLE = "Uy, {name} no está disponible por ahora 😕. ¿Te muestro otras opciones?"
NOT_IN_CART = "No encontré «{query}» en tu carrito."
REMOVED = "Listo, quité {name} del carrito."
HOW_CAN_I_HELP = "¡Listo! ¿En qué te puedo ayudar? Puedes preguntarme por cualquier producto."
OUT_OF_STOCK = "Uy, {name} se nos agotó por ahora 😕. ¿Te muestro otras opciones?"
OFFER_PARTIAL = "Solo tengo {stock} unidades de {name}. Puedo ofrecerte {stock}. ¿Los llevas?"
OFFER_PARTIAL_ONE = "Solo me queda 1 unidad de {name}. ¿La llevas?"
OFFER_DECLINED = "Entendido, no agregué nada. ¿Te ayudo con otra cosa?"
THEN_REST = "Cuando me respondas, sigo con: {rest}."
ADDED = "Listo ✅ Agregué {quantity} × {name} ({price} c/u)."
CART_HEADER = "🛒 Tu carrito:"
CART_LINE = "• {quantity} × {name} — {subtotal}"
CART_TOTAL = "Total: {total}"
CART_EMPTY = "Tu carrito está vacío. ¿Qué te gustaría pedir?"
ANYTHING_ELSE = "¿Algo más o finalizamos el pedido?"
WHAT_ELSE = "Dale, ¿qué más necesitas?"
CART_CLEARED = "Listo, vacié tu carrito. Si necesitas algo más, aquí estoy."
NOTHING_TO_CANCEL = "No tienes ningún pedido en curso. ¿Te ayudo con algo?"
CANCELLED = "Listo, cancelé tu pedido y vacié el carrito. Si quieres empezar de nuevo, aquí estoy."
OKAY = "Listo. Si necesitas algo más, aquí estoy."

CHECKOUT_START = "¡Perfecto! Para el envío necesito unos datos."
ASK_NATIONAL_ID = "¿Cuál es tu número de cédula? (solo números)"
ASK_NAME = "¿A nombre de quién va el pedido? (nombre y apellido)"
ASK_PHONE = "¿A qué número de celular te llamamos para la entrega?"
ASK_ADDRESS = "¿Cuál es la dirección de entrega? (por ejemplo: Calle 45 # 12-30, apto 301)"
ASK_NEIGHBOURHOOD = "¿En qué barrio queda?"
ASK_NOTES = "¿Alguna indicación para la entrega? (portería, horario, punto de referencia). Si no, toca «Omitir»."
WHY_NATIONAL_ID = "La cédula la usamos solo para la factura y para identificar tu pedido en la entrega; no la compartimos con nadie."
INVALID_NATIONAL_ID = (
    "Esa cédula no parece válida. Escríbela solo con números, por ejemplo 1020345678."
)
INVALID_NAME = "Necesito un nombre y apellido, por ejemplo «Ana María Pérez»."
INVALID_PHONE = "Ese número no parece un celular colombiano. Escríbelo con sus 10 dígitos, por ejemplo 3001234567."
INVALID_ADDRESS = "No me quedó clara la dirección. Escríbela con calle o carrera y número, por ejemplo «Cra 7 # 32-16»."
INVALID_NEIGHBOURHOOD = "¿Me repites el nombre del barrio?"
INVALID_NOTES = "La indicación es muy larga; resúmela en menos de 300 caracteres o toca «Omitir»."
RESUME = "Sigamos con tu pedido: {prompt}"
KNOWN_CUSTOMER = (
    "¡Qué bueno verte de nuevo, {first}! Tengo estos datos de tu último pedido:\n{data}\n\n"
    "¿Los usamos para este envío?"
)
KNOWN_NATIONAL_ID = (
    "Ya tengo datos registrados con esa cédula (a nombre de {masked_name}, celular terminado en "
    "{phone_tail}). ¿Usamos esos datos para el envío?"
)
DATA_BLOCK = (
    "• Cédula: {national_id}\n• Nombre: {name}\n• Celular: {phone}\n"
    "• Dirección: {address}\n• Barrio: {neighbourhood}{notes}"
)
MASKED_PHONE = "terminado en {tail}"
MASKED_ADDRESS = "la registrada"
MASKED_PHONE_FULL = "número terminado en {tail}"
MASKED_PLACE = "la dirección registrada"
DATA_NOTES = "\n• Indicaciones: {notes}"
SUMMARY = "Revisa tu pedido:\n\n{cart}\n\nEnvío a:\n{data}\n\n¿Confirmo el pedido?"
CONFIRM_OR_CHANGE_DATA = "¿Usamos los datos registrados o prefieres cambiarlos?"
CONFIRM_OR_CHANGE = "¿Confirmo el pedido? También puedes cambiar los datos o cancelar."
CONFIRMED = (
    "🎉 ¡Pedido #{order_id} confirmado!\n{cart}\n\n"
    "Te contactaremos al {phone} para coordinar la entrega en {place}. ¡Gracias por tu compra!"
)
STOCK_CHANGED = (
    "Mientras confirmábamos, cambió la disponibilidad de {name}: ahora quedan {stock}. "
    "No se confirmó nada. Ajusté tu carrito; revísalo de nuevo:"
)
STOCK_GONE = (
    "Mientras confirmábamos, {name} se agotó. No se confirmó nada. Lo quité de tu carrito; "
    "revísalo de nuevo:"
)
NOTHING_CONFIRMED = "No se confirmó nada todavía; revisa tu pedido otra vez."
PRICE_CHANGED = "Ojo: el precio de {name} cambió; ahora es {price} c/u."
LINE_SOLD_OUT = "Ojo: {name} se agotó mientras tanto; lo quité de tu carrito."
LINE_GONE = "Ojo: {name} ya no está disponible; lo quité de tu carrito."
CART_NOW_EMPTY = "Tu carrito quedó vacío. ¿Te ayudo a buscar otra cosa?"
ALREADY_CONFIRMED = (
    "Ese pedido ya no está pendiente. Escribe «¿cómo va mi pedido?» para ver su estado."
)

MY_ORDERS_HEADER = "Tus pedidos:"
MY_ORDER_LINE = "• Pedido #{order_id} ({date}) — {items} — {total} — {status}"
MY_ORDERS_NONE = "Aún no tienes pedidos confirmados. ¿Te ayudo a hacer uno?"
MY_CART_PENDING = "Además tienes un carrito sin confirmar por {total}."
ORDER_STATUS = {
    "confirmed": "confirmado, en preparación",
    "delivered": "entregado",
    "cancelled": "cancelado",
    "cart": "sin confirmar",
}

OWNER_NEW_ORDER = (
    "🛎️ Nuevo pedido #{order_id} — {total}\n{cart}\n\nCliente: {name} (CC {national_id})\n"
    "Celular: {phone}\nDirección: {address}, {neighbourhood}{notes}"
)

INFO_HOURS = "🕘 Horario: {hours}"
INFO_LOCATION = "📍 Estamos en {address}, {city}."
INFO_PAYMENT = "💳 Formas de pago: {methods}."
INFO_DELIVERY = "🚚 {delivery}"
INFO_WARRANTY = "🛡️ {warranty}"
INFO_CONTACT = "📞 Teléfono: {phone}{others}"
INFO_CONTACT_EXTRA = "\n{label}: {value}"
INFO_INVOICE = "🧾 {invoicing}"
INFO_EXTRA = "ℹ️ {title}: {answer}"
INFO_GENERAL = "{shop}\n{lines}"

BUTTON_CHECKOUT = "✅ Finalizar pedido"
BUTTON_KEEP_SHOPPING = "🛍️ Seguir comprando"
BUTTON_CLEAR_CART = "🗑️ Vaciar carrito"
BUTTON_YES_TAKE = "Sí, los llevo"
BUTTON_NO = "No, gracias"
BUTTON_USE_DATA = "Sí, usar estos datos"
BUTTON_CHANGE_DATA = "✏️ Cambiar datos"
BUTTON_SKIP = "Omitir"
BUTTON_CONFIRM = "✅ Confirmar pedido"
BUTTON_CANCEL = "❌ Cancelar"

ERROR_GENERIC = "Uy, algo falló de mi lado 😓. Intenta de nuevo en un momento, por favor."
UNKNOWN_COMMAND = "No conozco ese comando 🤔. Escribe /ayuda para ver lo que puedo hacer."
PHOTO_WITHOUT_CAPTION = (
    "Todavía no puedo ver imágenes 🙈. ¿Me describes el producto con palabras? "
    "Por ejemplo: «casco blanco dieléctrico»."
)
VOICE_NOT_SUPPORTED = "Todavía no puedo escuchar notas de voz 🙉. ¿Me lo escribes, por favor?"

# --- prices (domain/money.py)
PRICE_INVALID = "«{value}» no es un precio válido."
PRICE_EMPTY = "El precio está vacío."
PRICE_NEGATIVE = "«{value}» es negativo; el precio no puede ser negativo."
PRICE_BAD_DECIMALS = "«{value}» tiene más de dos decimales o separadores mal puestos."
PRICE_TOO_HIGH = "«{value}» es demasiado alto para ser un precio."

# --- shop profile (domain/shop.py)
SHOP_PROFILE_INVALID = "No pude cargar el perfil de la tienda ({path}): {problem}"
SHOP_PROFILE_MISSING_FILE = "el archivo no existe."
SHOP_PROFILE_UNREADABLE = "no se pudo leer ({error})."
SHOP_PROFILE_BAD_TOML = "el TOML no es válido ({error})."
SHOP_PROFILE_UNKNOWN_KEY = "clave desconocida «{key}»."
SHOP_PROFILE_NOT_TEXT = "«{key}» debe ser texto."
SHOP_PROFILE_MISSING_KEY = "falta «{key}»."
SHOP_PROFILE_NOT_PRICE = '«{key}» debe ser un precio, p. ej. "12.000".'
SHOP_PROFILE_BAD_PRICE = "«{key}»: {reason}"
SHOP_PROFILE_NOT_TEXT_LIST = "«{key}» debe ser una lista de textos."
SHOP_PROFILE_EMPTY_LIST = "«{key}» no puede estar vacía."
SHOP_PROFILE_BAD_EXTRA = "«extra» debe ser una tabla de textos."
SHOP_DELIVERY_COST = "Costo del domicilio: {cost}."
SHOP_FREE_DELIVERY_FROM = "Gratis en compras desde {amount}."
SHOP_FACT_NAME = "Tienda: {name}"
SHOP_FACT_ADDRESS = "Dirección: {address}, {city}"
SHOP_FACT_PHONE = "Teléfono: {phone}"
SHOP_FACT_HOURS = "Horario: {hours}"
SHOP_FACT_PAYMENT = "Medios de pago: {methods}"
SHOP_FACT_DELIVERY = "Envíos: {delivery}"
SHOP_FACT_LINE = "{label}: {value}"
SHOP_LABEL_WHATSAPP = "WhatsApp"
SHOP_LABEL_EMAIL = "Correo"
SHOP_LABEL_PICKUP = "Recoger en tienda"
SHOP_LABEL_RETURNS = "Cambios y devoluciones"
SHOP_LABEL_WARRANTY = "Garantía"
SHOP_LABEL_INVOICING = "Facturación"

# --- inventory file (domain/inventory.py)
INVENTORY_FILE_REFUSED = "{reason} No cambié nada."
INVENTORY_REPORT_HEADER_ONE = "El archivo tiene {count} error; no cambié nada."
INVENTORY_REPORT_HEADER_MANY = "El archivo tiene {count} errores; no cambié nada."
INVENTORY_REPORT_BULLET = "• {problem}"
INVENTORY_REPORT_MORE = "…y {count} más."
INVENTORY_ROW_PROBLEM = "Fila {line}: {reason}"
INVENTORY_CELL_PROBLEM = "Fila {line}, {column}: {reason}"
INVENTORY_COLUMN_LABELS = {"descripcion": "descripción", "categoria": "categoría"}
INVENTORY_TOO_BIG = "El archivo pesa más de {limit_mb:g} MB; divídelo en partes más pequeñas."
INVENTORY_NO_PRODUCTS = "El archivo no tiene productos."
INVENTORY_OLD_EXCEL = "Es un Excel antiguo (.xls); guárdalo como .xlsx o .csv y envíalo de nuevo."
INVENTORY_NOT_CSV_OR_XLSX = (
    "El archivo no parece un CSV ni un Excel (.xlsx); envíalo en uno de esos formatos."
)
INVENTORY_BAD_CSV = (
    "No pude leer el CSV cerca de la fila {line}: revisa comillas o celdas muy largas."
)
INVENTORY_BAD_EXCEL = (
    "No pude abrir el archivo como Excel (.xlsx); guárdalo de nuevo como .xlsx o .csv."
)
INVENTORY_TOO_MANY_ROWS = "El archivo tiene más de {limit} productos; divídelo en partes."
INVENTORY_DUPLICATE_COLUMN = "hay dos columnas para «{column}» («{first}» y «{second}»)."
INVENTORY_MISSING_COLUMN = "falta la columna «{column}»."
INVENTORY_DUPLICATE_SKU = "«{sku}» está repetido (también en la fila {first})."
INVENTORY_FORMULA = "«{value}» parece una fórmula; escríbelo como texto simple."
INVENTORY_CELL_TRUE = "sí"
INVENTORY_CELL_FALSE = "no"
INVENTORY_CELL_EMPTY = "está vacío."
INVENTORY_SKU_SPACES = "«{sku}» tiene espacios; el código debe ir sin espacios."
INVENTORY_TOO_LONG_MASCULINE = "es muy largo ({length} caracteres; máximo {limit})."
INVENTORY_TOO_LONG_FEMININE = "es muy larga ({length} caracteres; máximo {limit})."
INVENTORY_STOCK_INVALID = "«{value}» no es una cantidad válida."
INVENTORY_STOCK_NEGATIVE = "«{value}» es negativo; el stock no puede ser negativo."
INVENTORY_STOCK_NOT_WHOLE = "«{value}» no es un número entero de unidades."
INVENTORY_STOCK_TOO_BIG = "«{value}» es demasiado grande para ser un stock."
INVENTORY_ACTIVE_UNKNOWN = "«{value}» no se entiende; escribe «sí» o «no»."
