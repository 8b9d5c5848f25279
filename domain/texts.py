"""Every text a customer or owner reads, in Spanish, in one place."""

from __future__ import annotations

from domain.model import OrderStatus

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
STOCK_HEADER = "Esto es lo que tengo ahora:"
STOCK_LINE = "{n}. {name} — {price}: {count}"
STOCK_UNITS = "{stock} unidades"
STOCK_ONE = "1 unidad"
# After the answer to "¿hay descuento si compro 30 chalecos?": nothing is added yet.
IF_YOU_ORDER = "Si te decides, toca el que quieres y agrego {quantity} al carrito:"
IF_YOU_ORDER_ANY = "Si te decides, toca el que quieres:"
# "¿me envían la cotización?"
QUOTE_HEADER = "🧾 Tu cotización:"
QUOTE_HOW = (
    "Con gusto te cotizo. Dime qué productos y cuántas unidades necesitas (por ejemplo: "
    "10 cascos blancos y 5 chalecos) y te doy el total con el envío."
)
QUOTE_DOCUMENT = "La cotización te la doy aquí en el chat; si la necesitas en PDF, pídela a la tienda: {contact}."
QUOTE_DOCUMENT_NO_CONTACT = "La cotización te la doy aquí en el chat; no puedo enviarla en PDF."
# "¿tienen 10 cascos blancos?": whether there are that many.
PRICES_HEADER = "Esto te sale:"
PRICE_LINE = "• {quantity} × {name}: {total}{discount} · ✅ hay {quantity}"
PRICE_LINE_SHORT = "• {quantity} × {name}: solo quedan {stock}, que salen en {total}{discount}"
PRICE_LINE_OPTIONS = "• {quantity} × {query}: tengo varias opciones, desde {price} c/u"
PRICE_LINE_NONE = "• {quantity} × {query}: no lo tengo"
PRICES_TOTAL = "Total: {total}"
PRICES_ADD = "¿Te los agrego al carrito?"
HAVE_AMOUNT = (
    "Sí, tengo {quantity} de {name}: {price} c/u, {total} en total{discount}. ¿Te los agrego?"
)
# What an amount of one product costs, its volume discount taken off: said with the total.
WITH_DISCOUNT = " (con {percent} % de descuento)"
FOR_AMOUNT = "Para {quantity} unidades:"
AMOUNT_LINE = "{n}. {name} — {price} · {state}"
AMOUNT_ENOUGH = "✅ hay {quantity}"
AMOUNT_SHORT = "solo quedan {stock}"
AMOUNT_SHORT_ONE = "solo queda 1"
WHICH_ONE = "Tengo varias opciones. ¿Cuál de estas quieres?"
ASK_QUANTITY = "¿Cuántas unidades de {name} necesitas?"
ASK_PRODUCT = "¿Qué producto quieres? Cuéntame su nombre o para qué lo necesitas."
EXAMPLES = " Por ejemplo, tengo: {categories}."
EXAMPLE_FALLBACK = "lo que necesitas"

NOT_AVAILABLE = "Uy, {name} no está disponible por ahora 😕. ¿Te muestro otras opciones?"
NO_ORDER_TO_REPEAT = "Aún no tienes pedidos conmigo. ¿Qué te gustaría pedir?"
REPEATING = "Con gusto, te pongo lo de tu pedido #{order_id}, con los precios de hoy:"
REPEAT_GONE = "Ya no tengo {names} 😕."
NOT_IN_CART = "No encontré «{query}» en tu carrito."
REMOVED = "Listo, quité {name} del carrito."
SWAPPED_OUT = "Quité {quantity} × {name}."
WHICH_INSTEAD = "¿Cuál de estas quieres en lugar de {name}? Tu carrito sigue igual por ahora."
REMOVED_SOME = "Listo, quité {removed} × {name}; ahora tienes {quantity}."
WHICH_TO_REMOVE = "¿Cuál quito? Dime el producto, por ejemplo «quita un {example}»."
HOW_CAN_I_HELP = "¡Listo! ¿En qué te puedo ayudar? Puedes preguntarme por cualquier producto."
OUT_OF_STOCK = "Uy, {name} se nos agotó por ahora 😕. ¿Te muestro otras opciones?"
SOLD_OUT_AMOUNT = (
    "De {name} no me quedan unidades por ahora, así que no puedo agregarlas 😕. "
    "¿Te muestro otras opciones?"
)
OFFER_PARTIAL = (
    "Solo tengo {stock} unidades de {name} ({price} c/u). Puedo ofrecerte {stock}, por "
    "{total}{discount}. ¿Los llevas?"
)
OFFER_PARTIAL_ONE = "Solo me queda 1 unidad de {name} ({price}). ¿La llevas?"
OFFER_DECLINED = "Entendido, no agregué nada. ¿Te ayudo con otra cosa?"
THEN_REST = "Cuando me respondas, sigo con: {rest}."
ADDED = "Listo ✅ Agregué {quantity} × {name} ({price} c/u)."
ADDED_MORE = "Listo ✅ Agregué {added} más: ahora tienes {quantity} × {name}."
QUANTITY_SET = "Listo ✅ Ahora tienes {quantity} × {name} (antes {before})."
QUANTITY_SAME = "Ya tienes {quantity} × {name} en el carrito."
# The next volume tier within reach, after an add.
TIER_CHEAPER = (
    "💡 Con {units} unidades pagas {total} ({percent} % de descuento), {compared} por "
    "{quantity}. Si las quieres, dime «que sean {units}»."
)
TIER_LESS = "menos que"
TIER_SAME = "lo mismo que"
TIER_NEAR = (
    "💡 Con {missing} más ({units} unidades) tienes {percent} % de descuento en este producto."
)
CART_HEADER = "🛒 Tu carrito:"
CART_LINE = "• {quantity} × {name} — {subtotal}"
CART_TOTAL = "Total: {total}"
CART_SUBTOTAL = "Subtotal: {total}"
# A cart's volume discount (the shop profile's [[volume_discount]]): each line's percent, then
# the amount.
CART_LINE_DISCOUNT = " (−{percent} %)"
CART_DISCOUNT = "Descuento por cantidad: −{amount}"
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
ASK_ADDRESS_IN = "Listo, a {town}. ¿Cuál es la dirección de entrega allá?"
# A field corrected at the summary ("me equivoqué en el celular, es 300…").
DATA_CORRECTED = "Listo, cambié {field}: {value}."
ASK_AGAIN = "Claro, lo corregimos. {prompt}"
ASK_BACK = "Claro. {prompt}"
DATA_TAKEN = "Anotado ✅"
FIELD_PHONE = "el celular"
FIELD_NATIONAL_ID = "la cédula"
FIELD_ADDRESS = "la dirección"
FIELD_NEIGHBOURHOOD = "el barrio"
FIELD_NAME = "el nombre"
ASK_NOTES = "¿Alguna indicación para la entrega? (portería, horario, punto de referencia). Si no, toca «Omitir»."
NATIONAL_ID_NEEDED = (
    "Sin ella no puedo tomar el pedido por aquí; si prefieres, pídelo a la tienda ({phone})."
)
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
KNOWN_BY_PHONE = (
    "¡Te reconocí por tu cédula y tu celular! ¿Lo enviamos a {place}, como la última vez?"
)
DATA_BLOCK = (
    "• Cédula: {national_id}\n• Nombre: {name}\n• Celular: {phone}\n"
    "• Dirección: {address}\n• Barrio: {neighbourhood}{notes}"
)
DATA_NOTES = "\n• Indicaciones: {notes}"
SUMMARY = "Revisa tu pedido:\n\n{cart}\n\n{heading}\n{data}\n\n{payment}\n\n¿Confirmo el pedido?"
SUMMARY_SHIP_TO = "Envío a:"
SEPARATE_ORDER = (
    "ℹ️ Ojo: tu pedido #{order_id} ya está confirmado, así que esto va como un pedido aparte, "
    "con su propio envío. Si prefieres que lo sumen al #{order_id}, escríbele a la tienda "
    "({contact}) antes de confirmar este."
)
SUMMARY_PICKUP = "Lo recoges tú:"
DATA_BLOCK_PICKUP = (
    "• Cédula: {national_id}\n• Nombre: {name}\n• Celular: {phone}\n• Dónde: {pickup}{notes}"
)
ASK_DELIVERY = "¿Cómo quieres recibir tu pedido?"
PICKUP_NOTED = "Perfecto, lo recoges en el local; no necesito dirección."
ASK_MUNICIPALITY = "¿A qué municipio lo enviamos? Escríbeme solo el nombre, por ejemplo: Guarne."
ASK_TOWN = "¿En qué municipio es la entrega?"
TOWN_BUTTON_OTHER = "📦 Otro municipio"
INVALID_TOWN = (
    "No reconozco ese municipio. Toca uno de los botones o escríbeme solo el nombre, "
    "por ejemplo: {example}."
)
TOWN_NOT_SERVED = "Por ahora solo entregamos en {towns}. ¿En cuál de ellos es la entrega?"
TOWN_UNKNOWN = (
    "¿{place} es tu barrio o un municipio? Si es tu barrio, toca tu municipio; si es otro "
    "municipio, te lo enviamos por transportadora."
)
TOWN_BUTTON_CARRIER = "📦 Transportadora a {place}"
DELIVERY_FOR_THIS_ORDER = "Para este pedido: {delivery}. El total con envío queda en {total}."
FREE_DELIVERY_SHORT = "Te faltan {amount} en productos para el domicilio gratis."
DELIVERY_FOR_THIS_ORDER_ON_ARRIVAL = "Para este pedido: {delivery}. A nosotros nos pagas {total}."
DELIVERY_TO_TOWN = "🚚 {delivery}."
DELIVERY_TO_TOWN_FREE_FROM = "🚚 {delivery}. Gratis en compras desde {amount}."
CONFIRM_OR_CHANGE_DATA = "¿Usamos los datos registrados o prefieres cambiarlos?"
CONFIRM_OR_CHANGE = "¿Confirmo el pedido? También puedes cambiar los datos o cancelar."
CONFIRMED_PICKUP = (
    "🎉 ¡Pedido #{order_id} confirmado!\n{cart}\n\n"
    "Te esperamos en {pickup}. Te escribimos al {phone} cuando esté listo. ¡Gracias por tu compra!"
)
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
CART_CHANGED_SINCE = "Tu pedido cambió desde ese resumen; este es el de ahora:"
PRICE_CHANGED = "Ojo: el precio de {name} cambió; ahora es {price} c/u."
LINE_SOLD_OUT = "Ojo: {name} se agotó mientras tanto; lo quité de tu carrito."
LINE_GONE = "Ojo: {name} ya no está disponible; lo quité de tu carrito."
CART_NOW_EMPTY = "Tu carrito quedó vacío. ¿Te ayudo a buscar otra cosa?"
ALREADY_CONFIRMED_ORDER = (
    "Tu pedido #{order_id} ya quedó confirmado ✅\n{cart}\n\n"
    "No hace falta confirmarlo otra vez. Escribe «¿cómo va mi pedido?» para ver su estado."
)
ALREADY_CONFIRMED = (
    "Ese pedido ya no está pendiente. Escribe «¿cómo va mi pedido?» para ver su estado."
)

MY_ORDERS_HEADER = "Tus pedidos:"
ORDER_ITEMS = "{products} productos ({units} unidades)"
MY_ORDER_LINE = "• Pedido #{order_id} ({date}) — {items} — {total} — {status}"
MY_ORDERS_NONE = "Aún no tienes pedidos confirmados. ¿Te ayudo a hacer uno?"
MY_CART_PENDING = "Además tienes un carrito sin confirmar por {total}."
MY_ORDER_ON_ITS_WAY = "🚚 {delivery}"
MY_ORDER_TRACKING = "🚚 Pedido #{order_id}:{details}"
MY_ORDER_TO_PICK_UP = "🏬 El pedido #{order_id} te espera en {pickup}."
MY_ORDER_TO_PICK_UP_LATER = (
    "🏬 El pedido #{order_id} aún no está listo para recoger; te escribimos apenas lo esté. "
    "Lo recoges en {pickup}."
)
ORDER_STATUS = {
    OrderStatus.CONFIRMED: "confirmado",
    OrderStatus.PREPARING: "en preparación",
    OrderStatus.SHIPPED: "enviado",
    OrderStatus.READY: "listo para recoger",
    OrderStatus.DELIVERED: "entregado",
    OrderStatus.CANCELLED: "cancelado",
    OrderStatus.CART: "sin confirmar",
}

OWNER_NEW_ORDER = (
    "🛎️ Nuevo pedido #{order_id} — {total}\n{cart}\n💳 {payment}\n\n"
    "Cliente: {name} (CC {national_id})\n"
    "Celular: {phone}\nDirección: {address}, {neighbourhood}{notes}\n"
    "Chat: {chat_id} · responde a este mensaje para escribirle."
)

INFO_HOURS = "🕘 Horario: {hours}"
INFO_LOCATION = "📍 Estamos en {address}, {city}."
INFO_PAYMENT = "💳 Formas de pago: {methods}."
INFO_DELIVERY = "🚚 {delivery}"
CARRIER_TO = "📦 A {place} no llega nuestro domicilio. {note}{fee}"
CARRIER_FEE = " Flete: {fee}."
NO_DELIVERY_TO = "😕 A {place} no hacemos envíos por ahora."
INFO_WARRANTY = "🛡️ {warranty}"
INFO_CONTACT = "📞 Teléfono: {phone}{others}"
INFO_CONTACT_EXTRA = "\n{label}: {value}"
INFO_INVOICE = "🧾 {invoicing}"
INFO_PICKUP = "🏪 {pickup} Estamos en {address}, {city}."
INFO_PICKUP_HERE = "🏪 {pickup}"
INFO_NO_PICKUP = "🏪 Por ahora no entregamos en el local: enviamos el pedido a tu dirección."
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
BUTTON_CHANGE_DELIVERY = "🚚 Cambiar entrega"
BUTTON_CANCEL = "❌ Cancelar"
BUTTON_CHANGE_PAYMENT = "💳 Cambiar pago"
BUTTON_CONSENT_YES = "✅ Autorizo"
BUTTON_CONSENT_NO = "No autorizo"
BUTTON_ERASE_YES = "🗑️ Sí, borrar mis datos"
BUTTON_ERASE_NO = "No, dejarlos"

# --- personal data (domain/conversation/privacy.py; Ley 1581 de 2012)
PRIVACY_NOTICE = (
    "🔒 Para enviarte el pedido necesito tu cédula, nombre, celular y dirección. {shop} los "
    "usa solo para entregar y facturar tus pedidos y escribirte sobre ellos (Ley 1581 de "
    "2012). {policy}\nPuedes ver tus datos («mis datos») o pedir que los borremos («borra mis "
    "datos») cuando quieras. ¿Nos autorizas a usarlos?"
)
CONSENT_AGAIN = (
    "¿Nos autorizas a usar tus datos (cédula, nombre, celular y dirección) para este pedido?"
)
PRIVACY_POLICY_ASK = "La política de tratamiento de datos te la enviamos si la pides al {phone}."
PRIVACY_WHY = (
    "{shop} usa tus datos solo para tus pedidos: el nombre, el celular y la dirección para "
    "entregarlos, la cédula para facturarlos, y el celular también para escribirte sobre "
    "ellos. {policy}"
)
PRIVACY_ACCEPTED = "Gracias, quedó registrada tu autorización."
PRIVACY_DECLINED = (
    "Entendido: no guardo ningún dato tuyo. Si quieres, haz el pedido llamando al {phone}"
    "{whatsapp}. Tu carrito sigue aquí por si cambias de opinión."
)
PRIVACY_ASK_AGAIN = "¿Nos autorizas a usar tus datos para este pedido? Toca un botón."
MY_DATA = (
    "🔒 Estos son los datos que tengo tuyos:\n{data}\n\nAutorización: {date}. Para "
    "borrarlos escribe «borra mis datos»."
)
MY_DATA_NONE = "No tengo datos personales tuyos guardados."
NO_CONSENT = "no registrada"
ASK_ERASE = (
    "¿Borro tus datos personales (cédula, nombre, celular, dirección) y nuestra conversación? "
    "Tus pedidos quedan en las cuentas de la tienda, pero sin tus datos."
)
ERASED = "Listo, borré tus datos personales y nuestra conversación. Si vuelves a comprar, te los pediré de nuevo."
ERASED_BUT_OWED = (
    "Listo, borré tus datos personales y nuestra conversación. Los datos de tu pedido "
    "{orders}, que aún no te hemos entregado, los guardamos solo para entregártelo y "
    "facturarlo; cuando lo recibas, escríbeme «borra mis datos» y los borro también."
)
ERASE_KEPT = "Perfecto, no borré nada."
BUTTON_INVOICE = "🧾 Quiero factura electrónica"
BUTTON_NO_INVOICE = "🧾 Sin factura"

# --- electronic invoice data (domain/conversation/billing.py)
ASK_INVOICE_TAX_ID = "Para la factura electrónica: ¿a qué NIT o cédula la hago? (ej.: 900123456-8)"
ASK_INVOICE_NAME = "¿A nombre de quién? Nombre completo o razón social."
ASK_INVOICE_EMAIL = "¿A qué correo te la envío?"
INVALID_NIT_CHECK_DIGIT = (
    "El dígito de verificación {check} no corresponde al NIT {number}. Revísalo en el RUT y "
    "escríbelo de nuevo (ej.: 900123456-8)."
)
INVALID_INVOICE_TAX_ID = (
    "Ese NIT o cédula no parece válido. Escríbelo con números, y el dígito de verificación "
    "después de un guion si es NIT (ej.: 900123456-8)."
)
INVALID_INVOICE_NAME = "¿Me escribes el nombre o la razón social como debe salir en la factura?"
INVALID_INVOICE_EMAIL = "Ese correo no parece válido; escríbelo así: nombre@empresa.com"
INVOICE_NOTED_LATER = "Listo, al final te pido los datos para la factura."
INVOICE_NAME_NOTED = "Listo, la factura va a nombre de {name}. Al final te pido el NIT y el correo."
INVOICE_NOT_OFFERED = "🧾 {invoicing}"
SUMMARY_INVOICE = "🧾 Factura electrónica: {tax_id} · {name} · {email}"
OWNER_INVOICE = "\n🧾 Factura: {tax_id} · {name} · {email}"

# --- payment (domain/payment.py)
PAY_HOLDER = " a nombre de {holder}"
PAY_HOLDER_ID = " ({holder_id})"
PAY_ACCOUNT = "cuenta"
PAY_TO_WALLET = "{label} {number}"
PAY_TO_BREB = "Bre-B a la llave {key}"
PAY_TO_BANK = "{bank}, {account_type} {number}"
PAY_CASH = "💵 Pagas {amount} en efectivo al recibir."
PAY_CASH_PICKUP = "💵 Pagas {amount} al recoger, en efectivo."
PAY_TRANSFER = (
    "💳 Para pagar transfiere {amount} a {details}\n"
    "Cuando pagues, envíame aquí la foto del comprobante con el número #{order_id}; "
    "despachamos cuando lo confirmemos."
)
PAY_TRANSFER_NO_DATA = (
    "💳 Pagas {amount} por {label}; te enviamos los datos para pagar por este chat."
)
PAY_LINK_COMING = "💳 Pagas {amount} en línea: ya te envío el link de pago."
PAY_LINK_READY = (
    "💳 Este es el link para pagar tu pedido #{order_id} ({amount}):\n{url}\n"
    "Te aviso aquí apenas se confirme el pago."
)
PAY_LINK_FAILED = (
    "No pude generar el link de pago de tu pedido #{order_id}. La tienda ya lo sabe y te "
    "escribe por aquí."
)
PAY_LINK_DESCRIPTION = "Pedido #{order_id} en {shop}"
PAY_LINK_DECLINED = (
    "El pago de tu pedido #{order_id} no fue aprobado. Puedes intentarlo otra vez con el mismo "
    "link, o escribirme si prefieres otra forma de pago."
)
OWNER_PAID_WRONG_AMOUNT = (
    "⚠️ Llegó un pago de {paid} para el pedido #{order_id}, que vale {amount}. No lo marqué "
    "como pagado: revísalo en tu cuenta de Wompi."
)
OWNER_PAYMENT_VOIDED = (
    "⚠️ Wompi anuló el pago del pedido #{order_id} ({amount}): quedó pendiente de pago otra vez."
)
PAY_VOIDED_CUSTOMER = (
    "El pago de tu pedido #{order_id} fue anulado, así que quedó pendiente. La tienda te "
    "escribe para resolverlo."
)
PAY_AFTER_CANCEL_CUSTOMER = (
    "Recibimos {amount} por tu pedido #{order_id}, que ya estaba cancelado: la tienda te "
    "devuelve el dinero y te escribe para coordinarlo."
)
PAY_INVOICE_FAILED = (
    "No pude enviarte la factura de pago del pedido #{order_id}. La tienda ya lo sabe y te "
    "escribe por aquí."
)
OWNER_INVOICE_FAILED = (
    "⚠️ Telegram no aceptó la factura de pago del pedido #{order_id} ({amount}): {reason}. "
    "Revisa TELEGRAM_PAYMENTS_TOKEN y escríbele al cliente con otra forma de pago."
)
OWNER_PAID_TWICE = (
    "⚠️ El pedido #{order_id} ya estaba pagado y llegó otro pago de {amount}: devuélveselo "
    "al cliente."
)
PAY_INVOICE_TITLE = "Pedido #{order_id}"
PAY_INVOICE_DESCRIPTION = "{shop}: {items}"
PAY_INVOICE_PRODUCTS = "Productos"
PAY_INVOICE_DELIVERY = "Domicilio"
PAY_INVOICE_DISCOUNT = "Descuento por cantidad"
PAY_CHECKOUT_UNKNOWN = "No encuentro este pedido. Escríbeme y lo revisamos."
PAY_CHECKOUT_CANCELLED = "El pedido #{order_id} fue cancelado, así que no te cobro nada."
PAY_CHECKOUT_PAID = "El pedido #{order_id} ya está pagado; no te cobro otra vez."
PAY_CHECKOUT_CHANGED = (
    "El valor del pedido #{order_id} cambió. Escríbeme y te envío la factura nueva."
)
PAY_TELEGRAM_COMING = "💳 Pagas {amount} aquí mismo en Telegram: ya te envío la factura."
PAY_KIND_LABEL = {
    "cash": "Efectivo",
    "nequi": "Nequi",
    "daviplata": "Daviplata",
    "breb": "Bre-B",
    "bank": "Transferencia",
    "link": "Link de pago",
    "telegram": "Telegram",
    "other": "Otro medio",
}
PAY_STATE = {"pending": "pendiente de pago", "paid": "pagado", "refunded": "reembolsar"}
PAY_STATE_LINE = "{label} · {state}"
SUMMARY_PAYMENT = "💳 Pago: {label}"
ASK_PAYMENT = "¿Cómo vas a pagar?"
PAYMENT_NOTED = "Listo, pagas por {label}. {details}"
PAYMENT_TAKEN = "Sí, recibimos {label}. {details}"
PAYMENT_TOTAL_LATER = "El valor exacto te lo doy al confirmar el pedido."
PAYMENT_NOT_SPLIT = "Cada pedido se paga de una sola forma: elige una para todo el pedido."
PAYMENT_SPLIT_ASK = " Si necesitas dividir el pago, pregúntale a la tienda: {contact}."
PAYMENT_NOT_TAKEN = "Esa forma de pago no la recibimos. Puedes pagar con: {methods}."
PAYMENT_RECEIVED_CUSTOMER = "✅ Recibimos el pago de tu pedido #{order_id} ({amount}). ¡Gracias!"
PAYMENT_REFUND_CUSTOMER = (
    "Como tu pedido #{order_id} ya estaba pago, la tienda te devuelve {amount}; te escribe "
    "para coordinarlo."
)
# "ya pagué": the receipt is what the shop checks.
PAID_SEND_RECEIPT = (
    "¡Gracias! 🙌 Para confirmar el pago del pedido #{order_id} ({amount}), envíame aquí la "
    "foto o captura del comprobante."
)
PAID_ALREADY = "Tu pedido #{order_id} ya figura como pagado. ✅"
ORDER_TO_PAY = "Tu pedido #{order_id}:"
ORDER_AMOUNT = "Tu pedido #{order_id} es de {amount}."
# "mejor les transfiero a Bancolombia" after confirming: the order moves to it.
PAYMENT_SWITCHED = "Listo, tu pedido #{order_id} queda para pagar por {label}."
PAYMENT_KEPT = (
    "Tu pedido #{order_id} quedó para pagar por {method} y no puedo cambiarlo desde aquí; "
    "escríbele a la tienda: {contact}."
)
OWNER_PAYMENT_SWITCHED = (
    "💳 El cliente del pedido #{order_id} ({amount}) cambió la forma de pago: antes {before}, "
    "ahora {after}."
)
PAID_TO_COURIER = (
    "¡Gracias! 🙌 El pago del pedido #{order_id} lo confirma la tienda con el domiciliario."
)
PAID_BUT_CASH = (
    "Tu pedido #{order_id} ({amount}) está para pagar en efectivo al recibir. Si ya lo "
    "pagaste por transferencia, dime por cuál ({ways}) y te pido el comprobante."
)
OWNER_PAID_INSTEAD = (
    "💳 El cliente del pedido #{order_id} dice que ya pagó {amount} por {method} (era en "
    "efectivo contra entrega). Espera su comprobante antes de despacharlo: no lo cobren al "
    "entregar hasta confirmar el pago."
)
RECEIPT_FORWARDED = (
    "Gracias 🙌 Le pasé tu comprobante a la tienda; te aviso apenas confirmen el pago del "
    "pedido #{order_id}."
)
OWNER_RECEIPT = (
    "🧾 Comprobante de pago del pedido #{order_id} ({amount}, {method}) de {name}. "
    "Revisa que haya llegado y toca el botón."
)
OWNER_BUTTON_PAID = "✅ Pago recibido #{order_id}"
OWNER_PAID = "✅ Pedido #{order_id}: pago de {amount} registrado. Ya le avisé al cliente."
OWNER_ALREADY_PAID = "El pedido #{order_id} ya estaba pagado; no cambié nada."
OWNER_PAID_BY_PROVIDER = "💳 Pago en línea confirmado: pedido #{order_id} ({amount}, {method})."
OWNER_REFUND_DUE = "💸 El pedido #{order_id} estaba pagado: devuélvele {amount} al cliente."
OWNER_LINK_FAILED = (
    "⚠️ No pude crear el link de pago del pedido #{order_id} ({amount}): {reason}. "
    "Escríbele al cliente con otra forma de pago."
)

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
SHOP_PROFILE_NOT_BOOL = "«{key}» debe ser true o false."
SHOP_PROFILE_BAD_NIT = (
    "el NIT «{nit}» no tiene el dígito de verificación correcto: termina en {digit} y, "
    "según la DIAN, debería terminar en {right}. Revísalo en el RUT."
)
SHOP_PROFILE_BAD_PAYMENT = "«payment» debe ser una lista de tablas [[payment]]."
SHOP_PROFILE_BAD_PAY_KIND = "«{kind}» no es una forma de pago conocida; usa una de: {kinds}."
SHOP_PROFILE_PAY_DATA = (
    "la forma de pago «{kind}» necesita «{key}» (el cliente lo necesita para pagar)."
)
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
SHOP_PROFILE_BAD_ZONES = (
    "«delivery_zones» debe ser una lista de zonas ([[delivery_zones]] con name, fee y "
    "municipalities)."
)
SHOP_PROFILE_ZONE_FEE = 'la zona «{zone}» necesita «fee» (el costo del domicilio, p. ej. "12.000").'
SHOP_PROFILE_BAD_CARRIER = "«carrier» debe ser una tabla ([carrier] con fee y note)."
SHOP_PROFILE_BAD_DISCOUNTS = (
    "«volume_discount» debe ser una lista de tablas [[volume_discount]] con from_units y percent."
)
SHOP_PROFILE_DISCOUNT_UNITS = (
    "en [[volume_discount]], «from_units» debe ser un número entero de unidades, 2 o más "
    "(dice «{value}»)."
)
SHOP_PROFILE_DISCOUNT_PERCENT = (
    "en [[volume_discount]], «percent» debe ser un porcentaje mayor que 0 y menor que 100 "
    "(dice «{value}»)."
)
SHOP_PROFILE_DISCOUNT_ORDER = (
    "en [[volume_discount]], cada escalón debe pedir más unidades y dar más descuento que el "
    "anterior (revisa el de {units} unidades)."
)
PICKUP_AT = "{address}. Horario: {hours}"
DELIVERY_BUTTON_ZONE = "🛵 Domicilio {zone} — {fee}"
DELIVERY_BUTTON_PICKUP = "🏬 Recoger en el local — gratis"
DELIVERY_BUTTON_CARRIER = "📦 Otro municipio (transportadora)"
DELIVERY_LINE_HOME = "Domicilio a {place}: {fee}"
DELIVERY_UNKNOWN = "Entrega por acordar"  # orders confirmed before delivery was recorded
DELIVERY_LINE_HOME_FREE = "Domicilio a {place}: gratis"
DELIVERY_LINE_FREE = "Domicilio a {place}: gratis (compras desde {amount})"
DELIVERY_LINE_PICKUP = "Recoges en el local: gratis"
DELIVERY_LINE_CARRIER = "Envío por transportadora a {place}: {fee}"
DELIVERY_LINE_CARRIER_ON_ARRIVAL = (
    "Envío por transportadora a {place}: el flete lo pagas al recibir (no está en el total)"
)
SHOP_DELIVERY_COST = "Costo del domicilio: {cost}."
SHOP_ZONE_COSTS = "Costo del domicilio: {zones}."
SHOP_ZONE_COST = "{zone} {fee}"
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
AUDIT_FROM_FILE = "archivo {file}"
AUDIT_PHOTO_SENT = "foto enviada al chat"
AUDIT_SOLD = "venta, pedido #{order_id}"
AUDIT_CANCELLED = "pedido #{order_id} cancelado"
AUDIT_BY_CUSTOMER = "cliente {chat_id}"
AUDIT_BY_SHOP = "la tienda"
AUDIT_BY_OPERATOR = "operador (línea de comandos)"
AUDIT_BY_OWNER = "dueño {owner_id}"
OWNER_USAGE_HISTORY = "Escríbelo así: /historial SKU (por ejemplo: /historial EXT-ABC-20)."
OWNER_HISTORY_HEADER = "🕘 Cambios de {sku} ({name}), los más recientes primero:"
OWNER_HISTORY_NONE = "{sku} ({name}) no tiene cambios registrados todavía."
OWNER_HISTORY_LINE = "• {when} · {change} · {actor} · {source}"
OWNER_HISTORY_CHANGE = "{field}: {old} → {new}"
OWNER_HISTORY_MOVE = "stock {new}"
OWNER_HISTORY_CREATED = "creado"
OWNER_HISTORY_PHOTO = "foto nueva"
PRODUCT_FIELD_NAMES = {
    "name": "nombre",
    "description": "descripción",
    "category": "categoría",
    "price_minor": "precio",
    "stock": "stock",
    "active": "activo",
}
OWNER_IMPORT_FIELD = "{field} en {count}"
OWNER_IMPORT_CHANGED_FIELDS = "✏️ Cambió: {fields}."
OWNER_IMPORT_LEFT_ALONE = "El archivo no trae {fields}: eso quedó como estaba."
INVENTORY_ONLY_SKU = (
    "El archivo solo trae la columna sku: agrega las columnas que quieres cambiar (precio, "
    "stock, nombre…)."
)
INVENTORY_NEW_NEEDS = (
    "«{sku}» es un producto nuevo: necesita {missing} (las columnas que faltan solo se pueden "
    "omitir para productos que ya existen)."
)
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

# ------------------------------------------------------------------ owner's desk
IMPORT_CHECKING = "⏳ Revisando {file}…"
IMPORT_SAVING = "⏳ Archivo válido. Guardando productos: {done} de {total}…"
IMPORT_INDEXING = "⏳ Actualizando la búsqueda…"
OWNER_FIX_AND_RESEND = "Corrige el archivo y envíamelo de nuevo."
OWNER_IMPORT_DONE = "✅ Inventario aplicado ({file}):"
OWNER_IMPORT_CREATED = "• {count} nuevos: {examples}"
OWNER_IMPORT_UPDATED = "• {count} actualizados: {examples}"
OWNER_IMPORT_DEACTIVATED = "• {count} desactivados (no venían en el archivo): {examples}"
OWNER_IMPORT_UNCHANGED = "• {count} sin cambios"
OWNER_IMPORT_MORE = " y {count} más"
OWNER_IMPORT_NOTHING_NEW = "El archivo no trae cambios."
OWNER_IMPORT_SEARCH_READY = "Los clientes ya ven los cambios."
OWNER_UPLOAD_ASK_MODE = (
    "Recibí {file}. ¿Qué hago con él?\n"
    "• Actualizar: agrega los productos nuevos y cambia los que ya existen.\n"
    "• Reemplazar: además desactiva los productos que no vengan en el archivo (no se borran)."
)
OWNER_UPLOAD_DROPPED = "Listo, no usé ese archivo."
OWNER_UPLOAD_ALREADY = "{file} ya se aplicó así; no lo apliqué otra vez."
OWNER_REPLACE_ASK = (
    "⚠️ Reemplazar con {file} ocultaría {hidden} de tus {active} productos activos (los que "
    "el archivo no trae), por ejemplo: {examples}. Los clientes dejarían de verlos.\n"
    "¿Qué hago? No cambié nada todavía."
)
OWNER_BUTTON_REPLACE_ALL = "♻️ Sí, reemplazar y ocultar {count}"
OWNER_BUTTON_ADD = "➕ Entrada de mercancía (sumar al stock)"
OWNER_BUTTON_SET_ANYWAY = "✅ Fijar el stock del archivo igual"
OWNER_STALE_ASK = (
    "⚠️ {file} subiría el stock de {count} productos que se vendieron desde la última carga "
    "({since}). Si es un archivo viejo, desharía esas ventas:"
)
OWNER_STALE_LINE = "• {sku}: tienes {now}, el archivo dice {file}; vendidos desde entonces: {sold}"
OWNER_STALE_CHOOSE = (
    "¿Fijo el stock como dice el archivo, o es mercancía que llegó y la sumo? No cambié nada "
    "todavía."
)
OWNER_BUTTON_UPDATE_ONLY = "🔄 Solo actualizar los del archivo"
OWNER_UPLOAD_GONE = "Ya no encuentro ese archivo. Envíalo de nuevo, por favor."
OWNER_UPLOAD_WRONG_KIND = (
    "«{file}» no parece un inventario. Envíame un archivo .csv o .xlsx "
    "(escribe /plantilla para recibir uno de ejemplo)."
)
OWNER_UPLOAD_TOO_BIG = (
    "El archivo pesa {size_mb} MB y Telegram solo me deja descargar hasta {limit_mb} MB. "
    "Divídelo en partes o quita columnas que no uso."
)
OWNER_UPLOAD_EMPTY = "El archivo está vacío. No cambié nada."
OWNER_UPLOAD_FAILED = "No pude descargar el archivo de Telegram. Envíalo de nuevo en un momento."
OWNER_TEMPLATE_CAPTION = (
    "Plantilla de inventario. Columnas obligatorias: sku, nombre, precio y stock; "
    "descripcion, categoria, activo e imagen son opcionales. En imagen va un enlace https "
    "o el nombre de la foto dentro de un ZIP que envíes con el archivo. Llénala y envíamela aquí."
)
OWNER_UNKNOWN_SKU = "No encuentro ningún producto con el SKU «{sku}»."
OWNER_USAGE_STOCK = "Escríbelo así: /stock SKU CANTIDAD (por ejemplo: /stock EXT-ABC-20 12)."
OWNER_USAGE_PRICE = "Escríbelo así: /precio SKU VALOR (por ejemplo: /precio EXT-ABC-20 180000)."
OWNER_USAGE_ACTIVATE = "Escríbelo así: /activar SKU (por ejemplo: /activar EXT-ABC-20)."
OWNER_USAGE_DEACTIVATE = "Escríbelo así: /desactivar SKU (por ejemplo: /desactivar EXT-ABC-20)."
OWNER_BAD_STOCK = "«{value}» no es una cantidad válida: usa un número entero desde 0."
OWNER_BAD_PRICE = "«{value}» no es un precio válido. Ejemplos: 180000, 180.000 o $180.000."
OWNER_STOCK_SET = "Stock de {sku} ({name}): {before} → {after}."
OWNER_PRICE_SET = "Precio de {sku} ({name}): {before} → {after}."
OWNER_DEACTIVATED = "{sku} ({name}) quedó desactivado: los clientes ya no lo ven."
OWNER_ACTIVATED = "{sku} ({name}) está activo otra vez, con {stock} unidades."
OWNER_ACTIVATED_NO_STOCK = (
    "{sku} ({name}) está activo, pero tiene 0 unidades: los clientes lo verán cuando "
    "le pongas stock (/stock {sku} N)."
)
OWNER_NO_OPEN_ORDERS = "No hay pedidos pendientes de entrega. 🎉"
OWNER_OPEN_ORDERS_HEADER = "📦 Pedidos por entregar: {count}"
OWNER_MORE_ORDERS = "…y {count} más. Entrega o cancela estos para ver los siguientes."
OWNER_ORDER_ENTRY = (
    "#{order_id} · {when} · {name} · {total}\n{items}\n🚚 {delivery}\n"
    "📍 {address}, {neighbourhood} · 📞 {phone}\n📌 {state}"
)
OWNER_ORDER_ENTRY_PICKUP = (
    "#{order_id} · {when} · {name} · {total}\n{items}\n🚚 {delivery} · 📞 {phone}\n📌 {state}"
)
OWNER_ORDER_ITEM = "  {quantity} × {name}"
OWNER_BUTTON_DELIVERED = "✅ Entregado #{order_id}"
OWNER_BUTTON_PREPARING = "👨‍🍳 Preparando #{order_id}"
OWNER_BUTTON_SHIPPED = "🚚 Enviado #{order_id}"
OWNER_BUTTON_READY = "🏬 Listo para recoger #{order_id}"
OWNER_ORDER_MOVED = "Pedido #{order_id}: {status}. Ya le avisé al cliente."
OWNER_ORDER_SHIPPED_NO_TRACKING = (
    "🚚 Pedido #{order_id} enviado; ya le avisé al cliente. Si tienes guía, mándasela así: "
    "/guia {order_id} Servientrega 700012345678"
)
OWNER_USAGE_TRACKING = (
    "Escríbelo así: /guia PEDIDO TRANSPORTADORA GUÍA (por ejemplo: /guia 12 Servientrega "
    "700012345678)."
)
CUSTOMER_ORDER_PREPARING = "👨‍🍳 Estamos preparando tu pedido #{order_id}."
CUSTOMER_ORDER_SHIPPED = "🚚 Tu pedido #{order_id} va en camino."
CUSTOMER_TRACKING = " Lo lleva {carrier}, guía {tracking}."
CARRIER_DEFAULT = "la transportadora"
CUSTOMER_ORDER_READY = "🏬 Tu pedido #{order_id} está listo: te esperamos en {pickup}."
CUSTOMER_PAY_AT_PICKUP = " Al recoger pagas {amount}."
OWNER_BUTTON_CANCEL = "❌ Cancelar #{order_id}"
OWNER_BUTTON_CANCEL_YES = "Sí, cancelar"
OWNER_BUTTON_KEEP = "No, dejarlo"
OWNER_BUTTON_UPDATE = "🔄 Actualizar"
OWNER_BUTTON_REPLACE = "♻️ Reemplazar"
OWNER_UNKNOWN_ORDER = "No existe el pedido #{order_id}."
OWNER_ORDER_DELIVERED = "✅ Pedido #{order_id} marcado como entregado. Ya le avisé al cliente."
OWNER_ORDER_CANCELLED = (
    "❌ Pedido #{order_id} cancelado: devolví {units} unidades al inventario y le avisé al cliente."
)
OWNER_ORDER_ALREADY = "El pedido #{order_id} ya está {status}; no cambié nada."
OWNER_CANCEL_QUESTION = (
    "¿Cancelar el pedido #{order_id} de {name} por {total}? Las unidades vuelven al inventario "
    "y le aviso al cliente."
)
OWNER_CANCEL_SHIPPED = "Ya va con la transportadora: cancélalo cuando te devuelvan las unidades."
OWNER_CANCEL_KEPT = "Listo, el pedido #{order_id} sigue en pie."
CUSTOMER_ORDER_DELIVERED = "📦 Tu pedido #{order_id} fue entregado. ¡Gracias por comprar en {shop}!"
ASK_CANCEL_ORDER = "¿Cancelo tu pedido #{order_id} ({total})? Las unidades vuelven a la tienda."
BUTTON_CANCEL_ORDER_YES = "Sí, cancelarlo"
BUTTON_KEEP_ORDER = "No, mantenerlo"
ORDER_KEPT = "Perfecto, tu pedido sigue en pie. ¿Te ayudo con algo más?"
ORDER_CANCELLED_BY_CUSTOMER = "Listo, cancelé tu pedido #{order_id} y le avisé a la tienda. Si quieres pedir de nuevo, aquí estoy."
ORDER_ALREADY_CANCELLED = "Tu pedido #{order_id} ya está cancelado."
ADDRESS_CHANGED = (
    "Listo ✅ Cambié la dirección de entrega de tu pedido #{order_id}: {address}. Ya le "
    "avisé a la tienda."
)
ADDRESS_OTHER_TOWN = (
    "Esa dirección es en {town}, y tu pedido #{order_id} va a otro municipio (con otro costo "
    "de envío), así que no puedo cambiarla desde aquí. Escríbele a la tienda al {phone} y "
    "lo ajustan."
)
ADDRESS_TOO_LATE = (
    "Tu pedido #{order_id} ya salió de la tienda, así que no puedo cambiar la dirección desde "
    "aquí. Escríbele a la tienda al {phone} y lo coordinan con el mensajero."
)
OWNER_ADDRESS_CHANGED = (
    "📍 El cliente del pedido #{order_id} cambió la dirección de entrega.\nAntes: {before}\n"
    "Ahora: {after}"
)
ORDER_CHANGE_HERE = (
    "Tu pedido #{order_id} ya está confirmado y no puedo cambiarlo desde aquí. Si quieres, lo "
    "cancelo («cancelar el pedido») y armas uno nuevo, o escríbele a la tienda al {phone}."
)
ORDER_TOO_LATE_TO_CANCEL = (
    "Tu pedido #{order_id} ya salió de la tienda, así que no puedo cancelarlo desde aquí. "
    "Escríbenos al {phone} y te ayudamos con la devolución."
)
ORDER_NOT_YOURS = (
    "No encuentro un pedido #{order_id} a tu nombre. Escribe «mis pedidos» para verlos."
)
OWNER_CUSTOMER_CANCELLED = (
    "❌ {name} canceló su pedido #{order_id} ({total}). Las unidades volvieron al inventario."
)
CUSTOMER_ORDER_CANCELLED = (
    "Tu pedido #{order_id} fue cancelado por la tienda. Si tienes preguntas, escríbenos aquí."
)
OWNER_USAGE_CUSTOMER = "Escríbelo así: /cliente CÉDULA (por ejemplo: /cliente 1020304050)."
OWNER_UNKNOWN_CUSTOMER = "No tengo ningún cliente con la cédula {national_id}."
OWNER_NO_NAME = "(sin nombre)"
OWNER_CUSTOMER_HEADER = (
    "👤 {name}\nCédula: {national_id}\nCelular: {phone}\nDirección: {address}\nChat: {chat}"
)
OWNER_CUSTOMER_CONSENT = "🔒 Autorizó el uso de sus datos el {when}."
OWNER_CUSTOMER_NO_CONSENT = (
    "🔒 Sin autorización de datos registrada (se le pide en su próximo pedido)."
)
OWNER_CUSTOMER_NO_ORDERS = "Todavía no tiene pedidos."
OWNER_CUSTOMER_TOTALS = "Pedidos: {count} · total comprado: {total}"
OWNER_CUSTOMER_HISTORY = "Historial:"
OWNER_CUSTOMER_ORDER = "• #{order_id} · {when} · {total} · {status}"
OWNER_USAGE_PAUSE = (
    "Escríbelo así: /pausar CHAT (el número de chat sale en los avisos), "
    "o responde con /pausar a un mensaje del cliente."
)
OWNER_USAGE_RESUME = (
    "Escríbelo así: /reanudar CHAT, o responde con /reanudar a un mensaje del cliente."
)
OWNER_UNKNOWN_CHAT = "No conozco el chat {chat_id}: ese cliente no me ha escrito."
OWNER_PAUSED = (
    "⏸️ Pausé las respuestas automáticas en el chat {chat_id}. Te reenvío lo que escriba; "
    "respóndele contestando a esos mensajes. Cuando termines: /reanudar {chat_id}"
)
OWNER_ALREADY_PAUSED = (
    "El chat {chat_id} ya estaba en pausa. Para devolvérmelo: /reanudar {chat_id}"
)
OWNER_RESUMED = "▶️ Retomé el chat {chat_id}; vuelvo a responder yo."
OWNER_NOT_PAUSED = "El chat {chat_id} no estaba en pausa."
CUSTOMER_HUMAN_TAKES_OVER = "Te va a atender una persona de la tienda. Escríbele por aquí mismo. 🙂"
CUSTOMER_BOT_IS_BACK = "Sigo yo por aquí. ¿En qué más te ayudo?"
OWNER_RELAYED_TEXT = "💬 {name} (chat {chat_id}):\n{text}"
OWNER_RELAYED_MEDIA = "💬 {name} (chat {chat_id}) envió esto:"
OWNER_RELAY_FAILED = "No pude entregarle tu mensaje al chat {chat_id}: {reason}"
OWNER_RELAY_BLOCKED = "el cliente bloqueó el bot"
OWNER_PERSON_ASKED = (
    "🙋 {name} (chat {chat_id}) quiere hablar con una persona:\n«{text}»\n"
    "Responde a este mensaje y le llega tu respuesta, o escribe /pausar {chat_id} para "
    "atender tú el chat."
)
CUSTOMER_PERSON_ASKED = (
    "Listo, le avisé a la tienda: una persona te escribe por aquí apenas pueda. 🙂"
)
CUSTOMER_PERSON_URGENT = "\nSi es urgente: {contact}"
PRICE_NOT_SAID = "El precio no lo tengo aquí; pregúntalo a la tienda: {contact}."
COMPLAINT_SORRY = (
    "Lamento mucho lo que pasó 🙏. Ya le avisé a la tienda: una persona te escribe por aquí "
    "apenas pueda."
)
OWNER_NOTICE_BLOCKED = (
    "⚠️ No pude avisarle al cliente{order} (chat {chat_id}): bloqueó el bot. "
    "El aviso decía:\n«{text}»"
)
OWNER_NOTICE_BLOCKED_ORDER = " del pedido #{order_id}"
OWNER_HELP = (
    "Comandos de la tienda:\n"
    "• Envía un .csv o .xlsx para cargar el inventario (/plantilla te da un ejemplo)\n"
    "• Fotos: envía una foto con el SKU como descripción, o un ZIP con el inventario y sus fotos\n"
    "• /pedidos — pedidos en curso, con botones (preparando, enviado, entregado, pago recibido)\n"
    "• /guia PEDIDO TRANSPORTADORA GUÍA — la guía de un envío, para el cliente\n"
    "• /stats [periodo] — ventas y gráfico (ej.: /stats hoy, /stats 7, /stats 2026-11-01 2026-11-30)\n"
    "• /export [periodo] — productos, clientes, pedidos y conversaciones en CSV y Excel\n"
    "• /cliente CÉDULA — perfil e historial de un cliente\n"
    "• /stock SKU N · /precio SKU VALOR · /activar SKU · /desactivar SKU\n"
    "• /historial SKU — quién cambió un producto, cuándo y desde dónde\n"
    "• /pausar CHAT y /reanudar CHAT — atender tú una conversación\n"
    "Todo lo demás que escribas lo respondo como si fueras un cliente, para que pruebes la tienda."
)

# ------------------------------------------------------------------ scheduled jobs (domain/jobs.py)
CART_REMINDER = (
    "👋 ¡Hola! Dejaste productos en tu carrito:\n\n{cart}\n\n"
    "¿Terminamos tu pedido? Solo escribe «finalizar» o toca el botón; precios y "
    "disponibilidad se confirman al finalizar. Si ya no lo necesitas, escribe /cancelar."
)
LOW_STOCK_HEADER = "📦 Stock bajo ({threshold} unidades o menos):"
LOW_STOCK_HEADER_ONE = "📦 Stock bajo (1 unidad o menos):"
LOW_STOCK_HEADER_SOLD_OUT = "📦 Productos agotados:"
LOW_STOCK_LINE = "• {sku} — {name}: {left}"
LOW_STOCK_LEFT_NONE = "agotado"
LOW_STOCK_LEFT_ONE = "queda 1 unidad"
LOW_STOCK_LEFT_MANY = "quedan {stock} unidades"
LOW_STOCK_FOOTER = "Para reponer: /stock SKU N, o envíame el inventario actualizado (CSV o Excel)."
BACKUP_FAILED = (
    "⚠️ No pude hacer la copia de seguridad de la base de datos de hoy. "
    "Revisa el espacio en disco y los registros del bot."
)
MEDIA_KINDS = {
    "photo": "[foto]",
    "voice": "[nota de voz]",
    "audio": "[audio]",
    "video": "[video]",
    "video_note": "[video]",
    "document": "[documento]",
    "sticker": "[sticker]",
    "location": "[ubicación]",
    "contact": "[contacto]",
}
MEDIA_OTHER = "[mensaje]"

# ------------------------------------------------------------------ reports: periods, stats, chart, export
# (domain/periods.py, domain/stats.py, domain/charts.py, domain/exports.py)
PERIOD_FORMS = (
    "Puedes escribir: hoy, ayer, semana, mes, un número de días (por ejemplo 30), "
    "una fecha (2026-11-01 o 01/11/2026) o dos fechas para un rango (2026-11-01 2026-11-30)."
)
PERIOD_NOT_UNDERSTOOD = "No entendí el periodo «{value}»."
PERIOD_BAD_DATE = "«{value}» no es una fecha válida."
PERIOD_END_BEFORE_START = "La fecha final ({end}) es anterior a la inicial ({start})."
PERIOD_TOO_MANY_DAYS = "Puedo mostrar de 1 a {limit} días, no {days}."
PERIOD_TODAY = "hoy"
PERIOD_YESTERDAY = "ayer"
PERIOD_LAST_DAYS = "últimos {days} días"
PERIOD_THIS_MONTH = "este mes"
PERIOD_DAY = "el {day}"
PERIOD_RANGE_SAME_MONTH = "del {start_day} al {end_day} de {month} de {year}"
PERIOD_RANGE_SAME_YEAR = "del {start_day} de {start_month} al {end_day} de {end_month} de {year}"
PERIOD_RANGE = "del {start} al {end}"
DATE_LONG = "{day} de {month} de {year}"
DATE_SHORT = "{day} {month}"
MONTHS_SHORT = (
    "ene.",
    "feb.",
    "mar.",
    "abr.",
    "may.",
    "jun.",
    "jul.",
    "ago.",
    "sept.",
    "oct.",
    "nov.",
    "dic.",
)

STATS_TITLE = "📊 Ventas — {label}"
STATS_RANGE = "({range})"
STATS_NO_SALES = "No hubo ventas en este periodo."
STATS_ORDERS = "🧾 Pedidos: {orders} · Ingresos: {revenue}"
STATS_REVENUE_SPLIT = "   Productos: {products} · Domicilios: {delivery}"
STATS_AVERAGE = "Ticket promedio: {average} · Unidades vendidas: {units}"
STATS_CUSTOMERS = "👥 Clientes nuevos: {new} · Clientes que repiten: {returning}"
STATS_CANCELLED = "❌ Pedidos cancelados: {count}"
STATS_CONVERSATIONS = "💬 Conversaciones: {chats} · Terminaron en pedido: {converted} ({percent} %)"
STATS_NO_CONVERSATIONS = "💬 Ningún cliente escribió en este periodo."
STATS_OPEN_ORDERS = "📦 Pedidos por entregar: {count}"
STATS_TOP_HEADER = "🏆 Más vendidos:"
STATS_TOP_LINE = "{n}. {name} — {units} und. · {revenue}"
STATS_LOW_STOCK_HEADER = "⚠️ Poco stock ({threshold} unidades o menos):"
STATS_LOW_STOCK_LINE = "• {sku} — {name}: {stock} und."
STATS_LOW_STOCK_MORE = "…y {count} más."
DAILY_SUMMARY_TITLE = "🌙 Resumen del día — {day}"

CHART_TITLE = "Ventas — {label}"
CHART_DAILY_TITLE = "Ventas por día (COP)"
CHART_DAILY_TITLE_LAST = "Ventas por día, últimos {days} días (COP)"
CHART_TOP_TITLE = "Más vendidos (unidades)"
CHART_NO_SALES = "Sin ventas en este periodo"
CHART_NO_PRODUCTS = "Sin productos vendidos"
CHART_ORDERS = "{count} ped."
CHART_UNITS = "{units} und."
CHART_MILLIONS = "${value} M"
CHART_THOUSANDS = "${value} mil"
CHART_PESOS = "${value}"

EXPORT_SHEETS = {
    "productos": "Productos",
    "clientes": "Clientes",
    "pedidos": "Pedidos",
    "lineas_pedido": "Líneas",
    "conversaciones": "Conversaciones",
}
EXPORT_YES = "sí"
EXPORT_NO = "no"
EXPORT_CUSTOMER_COLUMNS = (
    "id",
    "cédula",
    "nombre",
    "celular",
    "dirección",
    "barrio",
    "indicaciones",
    "usuario_telegram",
    "creado",
    "pedidos",
    "total_comprado",
)
EXPORT_ORDER_COLUMNS = (
    "pedido",
    "estado",
    "creado",
    "confirmado",
    "entregado",
    "cancelado",
    "cliente_id",
    "cédula",
    "nombre",
    "celular",
    "dirección",
    "barrio",
    "indicaciones",
    "unidades",
    "entrega",
    "lugar_entrega",
    "productos",
    "domicilio",
    "total",
    "pago",
    "estado_pago",
    "pagado",
    "enviado",
    "transportadora",
    "guía",
    "factura_nit_cc",
    "factura_nombre",
    "factura_correo",
    "chat",
    "descuento",  # by volume: productos − descuento + domicilio = total
)
EXPORT_DELIVERY_METHOD = {
    "home": "domicilio",
    "pickup": "recoge en el local",
    "carrier": "transportadora",
}
EXPORT_LINE_COLUMNS = (
    "pedido",
    "sku",
    "nombre",
    "precio_unitario",
    "cantidad",
    "subtotal",
    "descuento",
)
EXPORT_MESSAGE_COLUMNS = ("fecha", "chat", "usuario_telegram", "quién", "mensaje", "intención")
EXPORT_ORDER_STATUS = {
    OrderStatus.CART: "carrito",
    OrderStatus.CONFIRMED: "confirmado",
    OrderStatus.PREPARING: "en preparación",
    OrderStatus.SHIPPED: "enviado",
    OrderStatus.READY: "listo para recoger",
    OrderStatus.DELIVERED: "entregado",
    OrderStatus.CANCELLED: "cancelado",
}
EXPORT_DIRECTION = {"in": "cliente", "out": "bot"}
EXPORT_DIRECTION_SHOP = "tienda"  # any other direction: the shop's people writing
OWNER_EXPORT_ALL = "todo el historial"
OWNER_EXPORT_CAPTION = (
    "📤 Exportación ({period}): productos, clientes, pedidos, líneas y conversaciones en CSV, "
    "y todo junto en exportacion.xlsx (una hoja por tabla)."
)
INVENTORY_PRICE_ZERO = "el precio es 0; pon el precio de venta"
INVENTORY_UNCLOSED_QUOTE = (
    'Hay una comilla (") sin cerrar desde la fila {line}: revisa esa fila o guarda el archivo '
    "de nuevo como CSV."
)
INVENTORY_PASSWORD = (
    "El Excel tiene contraseña. Quítasela (o guárdalo como CSV) y envíamelo de nuevo."
)
OWNER_PAUSE_OWNER_CHAT = "Ese es el chat de la tienda; solo se pausan chats de clientes."
OWNER_THAT_FILE = "ese archivo"
PHOTO_SEEN = "📷 En la foto veo: {seen}."
PHOTO_NOT_UNDERSTOOD = (
    "No logré ver bien qué producto es 🙈. ¿Me lo describes con palabras? "
    "Por ejemplo: «casco blanco dieléctrico»."
)
PHOTO_TOO_BIG = "Esa imagen es muy pesada para mí. ¿Me mandas una más liviana o me lo describes?"
VOICE_HEARD = "🎙️ Entendí: «{heard}»"
VOICE_NOT_UNDERSTOOD = "No logré entender la nota de voz 🙉. ¿Me lo escribes, por favor?"
VOICE_TOO_LONG = "Esa nota de voz es muy larga (máximo {minutes} minutos). ¿Me lo escribes o la mandas más corta?"

# Who said each earlier message, as the reading model sees them
CONTEXT_CUSTOMER = "cliente"
CONTEXT_SHOP = "tienda"

# Browsing the catalog (/catalogo, «¿qué venden?», a category, a product's card)
SHELVES = "📂 Tenemos {count} categorías. Toca una para ver sus productos:"
SHELVES_EMPTY = "Por ahora no tenemos productos disponibles. Vuelve pronto 🙏"
SHELF_OTHERS = "Otros"
SHELF_HEADER = "📂 {category} — {available} disponibles"
SHELF_FOOTER = "Toca un producto para ver su foto y detalles, o escribe su número."
SHELF_GONE = "Esa categoría ya no tiene productos disponibles."
PRODUCT_GONE = "Ese producto ya no está disponible."
PRODUCT_CARD = (
    "{name}\n{price} · {availability}{description}\n\nRef. {sku} · ¿Cuántas unidades quieres?"
)
SOLD_OUT = "agotado"
MORE_RESULTS = "Más opciones:"
NO_MORE_RESULTS = "No tengo más opciones para eso. ¿Buscas algo más?"
NOTHING_MORE = "No hay más para mostrar. Escribe /catalogo para ver las categorías."
BUTTON_PREVIOUS = "◀ Anteriores"
BUTTON_NEXT = "Siguientes ▶"
BUTTON_MORE_SHELVES = "Más categorías ▶"
BUTTON_SHELVES = "📂 Categorías"
BUTTON_VIEW = "{n}. {name}"
BUTTON_ADD = "🛒 Agregar"
BUTTON_ADD_AMOUNT = "🛒 {quantity}"
BUTTON_MORE_RESULTS = "Ver más ▶"
BUTTON_BACK_TO = "📂 Volver a {category}"
GOODBYE = "¡Con gusto! Que tengas un buen día 👋 Aquí estaré cuando me necesites."
NEAREST_ONLY = "No tengo «{query}» 😕. Esto es lo más parecido que tengo:"
ONLY_SUGGESTIONS = "No tengo «{query}» como tal 😕, pero esto te puede servir:"
FOR_PURPOSE = "Para {query} te puede servir:"
# "¿de qué material es?" about the product just shown.
DETAIL_SAID = "{name}: {said}"
RESTOCK_UNKNOWN = (
    "No tengo fecha de llegada para {name} 😕.{ask} ¿Te muestro otras opciones mientras tanto?"
)
RESTOCK_ASK_SHOP = " Para saberlo, pregúntale a la tienda: {contact}."
SIZES_HEADER = "Estas son las tallas que manejo:"
SIZES_LINE = "• {name}: {sizes}"
DETAIL_UNSAID = "Su ficha no lo dice. Esto es lo que tengo de {name}: «{description}»"
DETAIL_ASK_SHOP = "\nPara confirmarlo, pregúntale a la tienda: {contact}."
OTHER_VERSIONS = "Además de {name}, tengo:"
NO_OTHER_VERSIONS = "De {name} solo tengo esa versión."
NO_SUCH_VERSION = "En {asked} no lo tengo 😕. Esto es lo que hay:"
NONE_SUCH_VERSION = "En {asked} no tengo ninguno de esos 😕. Esto es lo que hay:"
COMPARE_HEADER = "Así se comparan:"
EACH_DESCRIBED = "Esto es lo que dice cada uno:"
COMPARE_LINE = "{n}. {name} — {price} · {availability}\n{description}"
COMPARE_FOOTER = "¿Cuál te sirve más? Tócalo o dime cuántas unidades necesitas."
SUGGESTION_LINE = "{n}. {name} — {price}: {said}"
NO_ALTERNATIVES = "Por ahora no tengo otras opciones parecidas 😕. ¿Buscas algo más?"

# The shop's own knowledge (profile and documents), quoted
KNOWLEDGE_PASSAGE = "ℹ️ {title}: {text}"
# What a question about discounts is looked up by in the shop's own text.
DISCOUNT_SUBJECT = "descuento"
CART_HAS_DISCOUNT = "Tu carrito ya tiene el descuento: −{discount}. El total queda en {total}."
# The shop profile's [[volume_discount]] tiers, taken off the cart by themselves.
VOLUME_DISCOUNT_TIERS = (
    "🏷️ Descuento por cantidad en un mismo producto: {tiers}. Se aplica solo, en el carrito."
)
VOLUME_DISCOUNT_TIER = "{percent} % desde {units} unidades"
VOLUME_DISCOUNT_FOR = (
    "🏷️ Con {quantity} unidades de un mismo producto tienes {percent} % de descuento; se aplica "
    "solo, en el carrito."
)
VOLUME_DISCOUNT_NOT_YET = (
    "🏷️ Con {quantity} unidades aún no hay descuento: empieza en {units} unidades de un mismo "
    "producto ({percent} %)."
)
NO_DISCOUNT_INFO = "No tengo información de descuentos o promociones."
NO_DISCOUNT_ASK = " Pregúntale a la tienda: {contact}."
KNOWLEDGE_HOURS = "Horario"
KNOWLEDGE_ADDRESS = "Dirección"
KNOWLEDGE_DELIVERY = "Domicilios y tiempos de entrega"
KNOWLEDGE_PICKUP = "Recoger en el local"
KNOWLEDGE_RETURNS = "Cambios y devoluciones"
KNOWLEDGE_WARRANTY = "Garantía"
KNOWLEDGE_INVOICE = "Factura"
KNOWLEDGE_PAYMENT = "Formas de pago"
KNOWLEDGE_CONTACT = "Contacto"
SHOP_PROFILE_NO_DOCUMENTS = "la carpeta de documentos «{folder}» no existe."

# Product photos (owner)
INVENTORY_IMAGE_HTTP = (
    "«{value}» empieza por http://; usa el enlace https:// de la imagen (Telegram no muestra "
    "fotos de enlaces sin https)"
)
INVENTORY_IMAGE_BAD_URL = "«{value}» no es un enlace https:// válido a una imagen"
INVENTORY_IMAGE_NO_ZIP = (
    "«{value}» no es un enlace https://; para usar tus propias fotos envía un ZIP con este "
    "archivo y las imágenes"
)
INVENTORY_IMAGE_NOT_IN_ZIP = "no encuentro la imagen «{value}» dentro del ZIP"
INVENTORY_IMAGE_AMBIGUOUS = (
    "hay {count} imágenes llamadas «{value}» en el ZIP; escribe también la carpeta "
    "(por ejemplo: fotos/{value})"
)
PHOTOS_ZIP_CORRUPT = (
    "No pude abrir el ZIP: está dañado o incompleto. Comprímelo de nuevo y envíamelo."
)
PHOTOS_ZIP_ENCRYPTED = "El ZIP tiene contraseña. Comprímelo sin contraseña y envíamelo de nuevo."
PHOTOS_ZIP_TOO_MANY = "El ZIP trae más de {limit} archivos; divídelo en varios ZIP más pequeños."
PHOTOS_ZIP_TOO_BIG = (
    "El contenido del ZIP pesa más de {limit_mb} MB al descomprimirlo; divídelo en varios ZIP "
    "más pequeños."
)
PHOTOS_ZIP_BOMB = (
    "«{name}» ocupa demasiado al descomprimirlo para lo poco que pesa en el ZIP; no lo abro."
)
PHOTOS_IMAGE_TOO_BIG = "La imagen «{name}» pesa más de {limit_mb} MB; envíala más liviana."
PHOTOS_NOT_AN_IMAGE = (
    "«{name}» no es una imagen JPG, PNG o WEBP (el archivo está dañado o es otra cosa)."
)
PHOTOS_WRONG_FORMAT = "«{name}»: usa fotos JPG, PNG o WEBP (guárdala como JPG y envíala de nuevo)."
PHOTOS_ZIP_TWO_TABLES = (
    "El ZIP trae más de un inventario ({names}); deja solo un .csv o .xlsx junto a las fotos."
)
PHOTOS_ZIP_EMPTY = "El ZIP no trae un inventario (.csv o .xlsx) ni fotos (.jpg, .png o .webp)."
PHOTOS_SUMMARY = "📷 Fotos: {parts}."
PHOTOS_NEW = "{count} nuevas"
PHOTOS_NEW_ONE = "1 nueva"
PHOTOS_CHANGED = "{count} cambiadas"
PHOTOS_CHANGED_ONE = "1 cambiada"
PHOTOS_SAME = "{count} iguales"
PHOTOS_SAME_ONE = "1 igual"
PHOTOS_UNKNOWN = "📷 Sin producto con ese SKU (no las usé): {names}"
PHOTOS_UNUSED = (
    "📷 {count} imágenes del ZIP no se usaron: ninguna fila las nombra en la columna imagen."
)
PHOTOS_UNUSED_ONE = "📷 1 imagen del ZIP no se usó: ninguna fila la nombra en la columna imagen."
PHOTOS_ZIP_DONE = "✅ Fotos aplicadas ({file}):"
PHOTOS_ZIP_TWICE = "«{first}» y «{second}» son fotos del mismo SKU; deja solo una."
PHOTOS_ZIP_NO_SKU = (
    "Ninguna foto del ZIP se llama como el SKU de uno de tus productos ({names}). Nómbralas "
    "con el SKU, por ejemplo EXT-ABC-20.jpg, o envía también el inventario con una columna "
    "imagen."
)
OWNER_PHOTO_SAVED = "📷 Foto guardada: {sku} — {name}"
OWNER_PHOTO_SAME = "📷 {sku} — {name} ya tenía esa foto."
OWNER_PHOTO_UNKNOWN_SKU = (
    "No encuentro ningún producto con el SKU «{sku}»; no guardé la foto. Revisa el SKU "
    "(está en /export o en tu inventario) y envíala de nuevo con el SKU como texto."
)
ABOUT = "Sobre «{query}»:"
RELATED = "💡 También te puede servir:"
RELATED_LINE = "• {name} — {price}"
BUTTON_ADD_RELATED = "➕ {name}"
