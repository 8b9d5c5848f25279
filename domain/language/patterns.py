"""Phrase rules: compiled patterns over the normalised text."""

from __future__ import annotations

import re

from domain.language.meaning import InfoTopic


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


CANCEL_RE = _rx(
    r"\b(cancel\w*|cansel\w*|anul\w*|olvidalo|olvidelo|olvida eso|olvidate|"
    r"ya no (lo |la |los |las )?(quiero|necesito|voy a|me interesa)|no quiero nada(?! mas)|"
    r"borr\w* (todo|el carrito|mi carrito|el pedido|mi pedido|la orden)|"
    r"vaci\w* (el |mi )?carrito|desisto|me arrepenti)\b"
)
# Taking one product out of the cart; what follows the verb says which.
REMOVE_RE = _rx(
    r"\b(quit\w*|saca|sacame|saquen|saque|elimin\w*|borr(a|ame|ar|en|e)|rest(a|ale|ame|ele)|"
    r"ya no (quiero|necesito|voy a llevar)|mejor sin|^sin(?! embargo))\b|"
    r"^(y )?(un|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|\d{1,2}) menos"
    r"( por favor| porfa| porfavor| mejor)?$"
)
CHECKOUT_RE = _rx(
    r"\b((quiero|quisiera|queremos|voy a|vamos a|ir a|pasar a|proceder a|listo para|deseo) "
    r"pagar|pagar (ya|ahora|de una)|proceder al pago|ir al pago|pasar al pago|"
    r"(finalizar|terminar|cerrar|completar|confirmar|concretar|hacer|realizar|tramitar) "
    r"(la |el |mi )(compra|pedido|orden)|(finalizar|terminar|confirmar) (compra|pedido)|"
    r"eso seria todo|(?<!cuanto )(?<!cuanto me )(?<!cuanto nos )seria todo|checkout|"
    r"finalic\w*|finaliz\w*|terminemos|cerremos)\b"
)
# Setting a quantity of what is in the cart: "que sean 5", "déjalo en 3", "mejor 10".
SET_RE = _rx(
    r"\b(que sean|mejor que sean|sean|dejal[oa]s? en|dejel[oa]s? en|dejame|cambial[oa]s? a|"
    r"ponle|ponme|que queden? en|mejor)\b|"
    r"^(bajal[eo]s?|subel[eo]s?|bajame|subeme) a \d{1,3}( unidades)?$"
)
# "¿cuántos hay?", "¿cuántas unidades tienen?", "¿cuántos quedan del amarillo?": the stock.
HOW_MANY_RE = _rx(
    r"\bcuant[oa]s (hay|quedan|queda|tienen|tiene|tienes|manejan|unidades|te quedan|"
    r"les quedan|le quedan)\b|\bcuant[oa]s( (?!dias|horas|semanas)\w+){1,4} (hay|quedan|tienen)\b|"
    r"\bexistencias?\b|\bstock\b"
)
# "quiero lo mismo de la vez pasada", "repetir mi último pedido", "lo de siempre".
REPEAT_RE = _rx(
    r"\b(lo mismo|el mismo pedido|la misma orden|lo de)\b.{0,30}\b(vez pasada|otra vez|"
    r"ultima vez|ultim[oa] (pedido|orden|compra)|(pedido|orden|compra) anterior|"
    r"semana pasada|mes pasado|el otro dia)\b|"
    r"\brepet\w*( mi| el| la)?( ultim[oa])? (pedido|orden|compra)\b|\blo de siempre\b"
)
CART_RE = _rx(
    r"\bcarrito\b|\bcarro de compras?\b|"
    r"\b(que llevo|que llevamos|cuanto llevo|cuanto va|que (tengo|hay|va|llevo) en (el|mi) "
    r"(carrito|pedido|canasta)|(ver|mostrar|muestrame|revisar) (el |mi )?(carrito|canasta)|"
    r"resumen( (de|del) (mi )?(pedido|compra|carrito))?|"
    # "¿cuánto es el total?", "¿cuánto debo?", "¿cuánto me sale todo?"
    r"cuanto (te |le |les )?debo|(cual|cuanto) es (el|mi) total|total a pagar|"
    r"cuanto (es|seria|queda|me queda|sale|me sale|pago|va a ser) (todo|en total|el total|"
    r"la cuenta|mi pedido|el pedido)|"
    # "¿qué total me queda?", "¿y el total?", "¿cómo va la cuenta?"
    r"como va (la cuenta|el total)|(que|cuanto) total me queda|"
    r"^(y )?(el|que|cual es el) total( me queda| va| seria| quedaria)?$|"
    r"cuanto (me |nos |te |le )?seria todo)\b"
)
MY_ORDERS_RE = _rx(
    r"\b(mis? (pedidos?|ordenes|orden|compras?|envios?|paquetes?|domicilios?)|"
    r"estado (de|del) (mi |la |el )?(pedido|orden|compra|envio|domicilio)|"
    r"ya (lo |me lo |la |me la )?(despacharon|enviaron|mandaron|despacho|envio|salio)|"
    r"despacharon|cuando (me )?llega (mi|el) (pedido|paquete|orden|compra|domicilio)|"
    r"rastre\w*|seguimiento|numero de guia|guia de envio|"
    r"(donde|como) (va|esta|vamos con) (mi|el) (pedido|paquete|orden|domicilio|compra)|"
    r"no me (ha )?(llegado|llega)|no (ha )?llegado (mi|el) (pedido|paquete|orden)|"
    r"ya me (lo |la )?(enviaron|despacharon|mandaron)|cuando me (llega|llegan|entregan))\b|"
    r"^(y )?(el|mi) (pedido|paquete|domicilio|orden) (que|pues|como va)\??$|"
    r"\bya (esta|estan) (listo|lista|listos|listas)\b|\bya (lo |la |los )?puedo (ir a )?"
    r"(recoger|pasar)"
)
HELP_STRONG_RE = _rx(
    r"\b(que (puedes|podes|sabes|puede) hacer|que haces|para que sirves|"
    r"como funciona(s)?( (esto|el bot|la tienda|este bot|esta vaina|todo|el chat))?$|"
    r"como (te )?uso|como (se )?usa (esto|el bot|este bot)|como (puedo )?comprar$|"
    r"como compro|como hago (un|el|mi) pedido|como (hago|puedo hacer) (para|un) "
    r"(comprar|pedido)|quien eres|eres (un )?(bot|robot|humano|persona|ia)|"
    r"^(help|menu|comandos|instrucciones)$)"
)
HELP_WEAK_RE = _rx(
    r"\b(ayuda|ayudame|ayudeme|ayudar|ayudarme|ayudas|ayudan|help|colaborar|colaborarme|"
    r"colabora|colaboras|colaboran|colaboreme|colaborame)\b"
)
# What the customer wants or asks for ("quiero", "necesito", "¿me venden…?", "me regala"): a
# request, which may be a search first ("me regala el precio de casco, guantes y botas"); and
# the verbs that say to put things in the cart ("dame", "me llevo": "dame el arnés y la
# eslinga" is both to the cart, not two lists).
_WANT_VERBS = (
    r"quiero|queremos|quisiera|queria|quiciera|deseo|necesito|necesitamos|necesitaria|ocupo|"
    r"requiero|comprar|comprare|pido|pedir|encargo|encargar|me vende|me vendes|me venden|"
    r"(hacer|realizar|montar) (un|una) (pedido|compra|orden)|"
    r"(me|nos) (puede|puedes|pueden|podria|podrias|podrian) (vender|mandar|enviar|separar|"
    r"apartar|regalar|dar|despachar)|me regala|me regalas|me regalan|me das|me da|me manda|"
    r"me mandas|me envias|me envian"
)
_CART_VERBS = (
    r"me llevo|nos llevamos|llevo|llevame|llevamos|dame|deme|denme|damelo|damela|damelos|"
    r"damelas|mandame|mandeme|mandamelo|enviame|envieme|enviamelo|agregame|agregueme|"
    r"agreguame|agregale|agrega|agregue|agregar|agregalo|agregala|agregalos|agregalas|"
    r"agregamelo|agregamelos|anade|anademe|anadir|anadelo|sumale|ponme|pongame|ponlo|ponle|"
    r"metele|meteme|compro|regalame|regaleme|regalamelo|vendeme|vendame|separame|separeme|"
    r"apartame|me apartas|me separas"
)
BUY_RE = _rx(rf"\b({_WANT_VERBS}|{_CART_VERBS})\b")
# With "pon", "anota": said to the bot about the list it has ("ponme el casco y las gafas").
CART_VERB_RE = _rx(rf"\b({_CART_VERBS}|pon|ponga|anota|anotame)\b")
PRODUCT_VERB_RE = _rx(
    r"\b(tienen|tiene|tienes|tendran|tendra|hay|habra|venden|vende|vendes|manejan|maneja|"
    r"manejas|consigo|consiguen|busco|buscaba|buscando|precio|precios|valor|"
    r"cuanto (cuesta|cuestan|vale|valen|sale|salen|es|son|esta|estan|seria|serian)|"
    r"cuesta|cuestan|valen|disponible|disponibles|stock|existencia|catalogo|cotizacion|"
    r"cotizar|referencias|me interesa|me interesan|informacion|info|quedan|que mas tienen|"
    r"productos)\b"
)
FIXED_PHRASE_RE = _rx(
    r"\b(hacer|realizar|montar) (un|una) (pedido|compra|orden)\b|"
    r"\bhablar con (un|una) (asesor|asesora|persona|humano|vendedor)\b"
)
# "necesito hablar con una persona", "me pasa con un asesor": a person of the shop is asked
# for (the owners are told; an owner's reply reaches the customer).
HUMAN_RE = _rx(
    r"\b(hablar|hablo|comunicarme|comunicar|chatear) con (alguien|una persona|un asesor|"
    r"una asesora|un humano|el dueno|la duena|un vendedor|una vendedora|el encargado|"
    r"la encargada)\b|\b(pasame|paseme|pasa|pase|comunicame|comuniqueme|comunica|"
    r"comunique) con (un |una |el |la )?(asesor|asesora|humano|persona|vendedor|vendedora|"
    r"encargado|encargada|dueno|duena)\b|\b(atienda|atiende) una persona\b|"
    r"\b(persona real|ser humano)\b"
)
# "¿hay descuento si compro 30 chalecos?", "comprando 3 cascos, ¿el envío es gratis?": a
# purchase weighed, not made.
# "si llevo 20 cascos…" opening a piece of a message: the condition of the question after it.
SUPPOSED_BUY_RE = _rx(
    r"^(y |pero |entonces |oiga |oye )?si (les? |te |nos )?(compro|compramos|llevo|llevamos|"
    r"pido|pedimos|encargo|encargamos|me llevo|nos llevamos)\b"
)
CONDITIONAL_BUY_RE = _rx(
    r"\bsi (les? |te |nos )?(compro|compramos|llevo|llevamos|pido|pedimos|encargo|"
    r"encargamos|me llevo|nos llevamos)\b|\b(comprando|llevando|pidiendo)\b"
)
NEGATED_BUY_RE = _rx(
    r"\bno (me |lo |la |los |las |me lo |me la )?(quiero|necesito|llevo|compro|interesa|"
    r"voy a llevar|voy a comprar)\b"
)
TOPIC_RES: tuple[tuple[InfoTopic, re.Pattern[str]], ...] = (
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
            r"\b(envio|envios|envian|enviar|envias|envia|domicilio|domicilios|domisilio|"
            r"domisilios|domicilo|despachan|despacho|despachos|entregan|entrega|entregas|"
            r"llegan a|llega a|mandan a|manda a|mandas a|"
            r"(lo|la|los|las) (manda|mandan|mandas|llevan|lleva|traen|trae) (a|hasta|para)|"
            r"hacen llegar|flete|transportadora|cuanto (demora|tarda|se demora|se tarda)|"
            r"a domicilio|llegaria|llegarian|en cuanto tiempo (llega|llegan|llegaria)|"
            r"cuanto tiempo (se demora|se tarda|demora|tarda|tardan|demoran)|"
            r"(llega|llegan|llegaria) (hoy|manana)|a que horas? (me )?(llega|llegan|lo traen|"
            r"lo entregan|pasan)|cuando (me )?(llega|llegan|lo traen|lo entregan))\b"
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
    (
        InfoTopic.PICKUP,
        _rx(
            r"\b(recoger|recogerlo|recogerla|recogerlos|recogerlas|recojo|recogemos|recoge|"
            r"recogen|recogida|paso (a recoger|por (el|la|los|las|ellos|ellas))|"
            r"(lo |la |los |las )?(retiro|retirar|recojo) (en|yo)|en el local)\b"
        ),
    ),
    (
        InfoTopic.DISCOUNT,
        _rx(
            r"\b(descuentos?|descuentico|descuenticos|descuentan|descontarian|descuentas|"
            r"promocion|promociones|promo|promos|"
            r"rebaja|rebajas|rebajan|rebajar|rebajaria|rebajarian|precio especial|"
            r"precios especiales|precio por (cantidad|volumen)|(al )?por mayor|mayoristas?)\b"
        ),
    ),
)
GREETING_RE = _rx(
    r"\b(hola|buenas|buenos dias|buen dia|buenas tardes|buenas noches|que mas|que hubo|"
    r"quiubo|que tal|hey|saludos|start|alo|como estas|como esta|como vas|como le va|"
    r"como te va)\b"
)
THANKS_RE = _rx(
    r"\b((muchas|mil|muchisimas) gracias|gracias|agradezco|agradecido|agradecida|"
    r"(muy|tan|super|que) amables?|dios le pague|dios te pague|con gusto|listo gracias)\b"
)
GOODBYE_RE = _rx(
    r"\b(chao|chau|adios|hasta luego|hasta pronto|hasta manana|hasta la proxima|nos vemos|"
    r"bendiciones|que (este|estes|esten) (muy )?bien|feliz (dia|tarde|noche|fin de semana)|"
    r"buena (tarde|noche)|lindo dia|que le vaya bien|que te vaya bien)\b"
)
# What the shop sells, as a whole: the catalog, its categories.
# "¿me envían la cotización?", "me hace un presupuesto": a quote of what is in the cart.
QUOTE_RE = _rx(
    r"\b(cotizacion|cotizaciones|cotizar|cotizarme|cotizame|cotizeme|cotizan|cotizas|cotiza|"
    r"presupuesto|proforma)\b"
)
# "cotízame", "hazme una cotización de", "me regala el presupuesto para": a quote asked of
# what follows.
QUOTE_ASK_RE = _rx(
    r"^\s*(?:(?:hazme|haz|hagame|me haces|me hace|me das|dame|me da|me regalas?|regalame|"
    r"enviame|mandame|necesito|quiero|me puedes hacer|me pueden hacer)\s+)?(?:una |la |el )?"
    r"(?:cotizacion|cotizame|cotizeme|cotiza|cotizar|presupuesto|proforma)\s+"
    r"(?:de |para |por |con )?"
)


# Whom a quote may count ("dotación para 10 personas", "para 2 empresas") or what it may
# be ("presupuesto de 3 millones"): no units of a product.
PEOPLE_WORDS = frozenset(
    "personas persona trabajadores trabajador empleados empleado operarios operario gente "
    "colaboradores colaborador obreros obrero tecnicos tecnico empresas empresa sedes sede "
    "millones millon mil pesos".split()
)
# Words of a quote request that name no product ("la cotización en PDF").
QUOTE_WORDS = frozenset(
    "cotizacion cotizaciones cotizar cotizarme cotizame cotizeme cotizan cotizas cotiza "
    "presupuesto proforma pdf formal escrita documento correo email membrete eso esto todo "
    "carrito pedido".split()
)
# "en PDF", "con membrete": a document the chat cannot be.
QUOTE_DOCUMENT_RE = _rx(r"\b(pdf|membrete|formal|documento|archivo|correo|email|e-mail)\b")
# "ya pagué", "hice la transferencia", "ya le consigné": a payment made (not "cuando pague").
PAID_RE = _rx(
    r"(?<!cuando )(?<!si )(?<!apenas )\b(ya )?(le |te |les )?(pague|pagamos|consigne|"
    r"consignamos|transferi|transferimos|deposite|depositamos)\b|"
    r"\b(hice|hicimos|realice) (el pago|la transferencia|la consignacion|el deposito)\b|"
    r"\bya (esta|quedo) (pago|pagado|consignado|transferido)\b|"
    r"\b(ya )?(le |te |les )?(envie|mande|gire) (la plata|el dinero|el pago|la platica)\b|"
    r"\b(le |te |les )?acabo de (pagar|consignar|transferir|depositar|girar)\b"
)
# "otro pedido", "el próximo pedido", "la próxima vez": not the order there is.
NEXT_ORDER_RE = _rx(
    r"\b(otro|nuevo|proximo|siguiente) (pedido|compra|orden)\b|\bla proxima( vez)?\b"
)
# "¿cuánto le debo?", "¿a qué número le consigno?", "me regala el número de Nequi otra vez":
# what an order still to be paid comes to, and where it goes.
OWED_RE = _rx(
    r"\bcuanto (le |les |te )?(debo|debemos|tengo que pagar|hay que pagar|es lo que debo)\b|"
    r"\b(a |en )?(que|q|cual) (numero|cuenta|llave)\b.*\b(consign|transfier|pag|envi|mand|"
    r"deposit|gir)\w*|"
    r"\b(numero|cuenta|llave|datos) (de|del|para) (nequi|daviplata|bre ?b|la cuenta|pago|"
    r"consignar|transferir|la transferencia|pagar)\b"
)
# "¿qué diferencia hay entre el guante de carnaza y el de vaqueta?": products side by side.
COMPARE_RE = _rx(
    r"\b(diferencia|diferencias|diferencian|diferente|diferentes)\b|"
    r"\b(compara|comparar|comparame|compareme|comparacion)\b|\b(cual|que) (es|sera) mejor\b|"
    r"\bcual (me )?conviene\b|\b(vs|versus)\b"
)
# "el de carnaza y el de vaqueta", "el blanco o el amarillo": what is compared.
COMPARED_SPLIT_RE = _rx(r"\s(?:y|o|vs|versus)\s|,")
# "hola, soy de una empresa de construcción": who writes, not yet what they need.
INTRO_RE = _rx(
    r"^((hola|buenas|buenos dias|buenas tardes|buenas noches|buen dia|que tal)\b[\s,.!]*)*"
    r"(soy|somos|le escribo de|les escribo de|te escribo de|escribo de|hablo de|les habla|"
    r"le habla|te habla)\b"
)
# What turns an introduction into a request ("soy de una constructora y necesito cascos").
REQUEST_RE = _rx(
    r"\b(necesito|necesitamos|quiero|queremos|quisiera|busco|buscamos|requiero|requerimos|"
    r"tienen|tiene|tienes|hay|venden|vende|manejan|precio|precios|cuanto|cuesta|valen|cotiz\w*|"
    r"pedido|comprar|me regala|me regalas|me vende|me das)\b|\?"
)
# "esto es un mal servicio", "me llegó un casco roto": a complaint, for a person of the shop.
COMPLAINT_RE = _rx(
    r"\b(mal servicio|pesimo|pesima|queja|quejas|reclamo|reclamacion|estafa|estafaron|"
    r"robaron|inaceptable|decepcionad[oa]|indignad[oa]|que falta de respeto|nunca llego|"
    r"llevo( \w+){1,3} esperando|(sigo|estoy|seguimos|estamos) esperando|"
    r"(llego|vino|vinieron|llegaron)( \w+){0,3} (roto|rota|rotos|rotas|danado|danada|"
    r"danados|danadas|incompleto|incompleta|equivocado|equivocada))\b"
)
# The complaint is a wait: "llevo 2 días esperando", "el pedido nunca llegó".
WAITING_RE = _rx(r"\b(esperando|nunca llego|no (me )?ha llegado|no llega|no ha llegado)\b")
# "¿lo puedo cambiar a 3 cascos?", "quiero agregar algo al pedido": a confirmed order changed.
ORDER_CHANGE_RE = _rx(
    r"\b(cambiar|cambiarlo|cambiarla|modificar|modificarlo|agregar|agregarle|anadir|anadirle|"
    r"sumar|sumarle|aumentar|quitar|quitarle)\b.*\b(pedido|orden)\b|"
    r"\b(puedo|podemos|pueden|podria|podrian|se puede) (cambiar|modificar|aumentar|agregar|"
    r"anadir|sumar)\b"
)
# "quiero devolver unas botas", "¿cómo hago un cambio de talla?": the exchange policy, not an
# order.
RETURN_RE = _rx(
    r"\b(devolver|devuelvo|devolverles|devolucion|devoluciones|reembolso|reembolsar|"
    r"cambio de talla|cambiar (la |de )?talla|me (quedaron|quedo|quedan|queda) "
    r"(grandes|grande|pequenas|pequenos|pequena|pequeno|chicas|chicos|chica|chico))\b"
)
# "¿de qué material es?", "¿es certificado?", "¿qué tallas tiene?": about the product just
# shown, not a new search.
PRODUCT_DETAIL_RE = _rx(
    r"\b(material|materiales|tela|hecho|hecha|fabricado|fabricada|certificado|certificada|"
    r"certificados|certificadas|"
    r"certificacion|norma|normas|ansi|talla|tallas|color|colores|peso|pesa|medida|medidas|mide|"
    r"dimensiones|tamano|tamanos|que tan grande|marca|referencia|modelo|capacidad|duracion|"
    r"lavable|impermeable|"
    r"para que sirve|que (trae|traen|incluye|incluyen|contiene|contienen|viene|vienen)|"
    r"(?:(?<=^)|(?<=^[¿¡]))(y )?(si )?(trae|traen|incluye|incluyen|viene con|vienen con)|"
    r"(logo|logos|bordado|bordados|estampado|estampados|personalizado|personalizados|"
    r"personalizar|marcado|marcados)( (de )?(la |mi |nuestra |su )?(empresa|compania))?)\b"
)
# "2 de cada uno", "uno de ambos": the same amount of each product just talked about ("dame
# los 2" is two of the one shown).
EACH_RE = _rx(r"\b(de )?cada (uno|una|1)\b|\bde (ambos|ambas)\b")
# "¿tienen en otro color?", "¿hay otras tallas?": the product's other versions.
OTHER_VARIANT_RE = _rx(
    r"\b(otro|otra|otros|otras|mas|demas) (color|colores|talla|tallas|modelo|modelos|marca|"
    r"marcas|referencia|referencias|tamano|tamanos|presentacion|presentaciones)\b"
)
# "¿cuánto vale el curso de alturas?": a price asked.
PRICE_ASKED_RE = _rx(
    r"\b(cuanto (vale|valen|cuesta|cuestan|sale|salen|cobran|cobra)|precio|precios|valor|"
    r"tarifa|tarifas|costo|costos)\b"
)
# "y un botiquín", "también unas gafas" with a cart: something more to add.
ONE_MORE_RE = _rx(r"^(y|tambien|ademas)( tambien)? (un|una|unos|unas) \w")
# "¿tienen en bodega 10 arneses?": where the stock is, not a product word.
IN_STOCK_RE = _rx(r"\ben (bodega|stock|existencia|existencias|inventario)\b")
BROWSE_RE = _rx(
    r"\b(catalogo|categorias|que (es lo que )?(venden|vende|manejan|maneja|ofrecen|ofrece)|"
    r"que (mas )?(tienen|hay|manejan) (para (la )?venta|a la venta|disponibles?)|"
    r"que (mas )?(productos|articulos|cosas|lineas) (tienen|venden|manejan|hay|ofrecen)|"
    r"(cuales|que) son (sus|los) productos|que (mas )?tienen$|que mas hay$|"
    r"(ver|mostrar|muestrame|muestreme|ensename|ensename|mandame|enviame) (el |los |sus |las )?"
    r"(productos|categorias|catalogo|lista de productos)|"
    r"no se (que|cual|cuales) (necesito|comprar|busco|llevar|pedir|elegir|escoger))\b"
)
# The next page of what was just listed.
MORE_RE = _rx(
    r"^((ver|mostrar|muestrame|muestreme|ensename|mandame|quiero ver|dame) )?"
    r"(mas|siguientes?|otros|otras|la siguiente pagina|siguiente pagina|mas (productos|opciones)|"
    r"otras opciones|que mas)( por favor| porfa)?$"
)
AFFIRM_RE = _rx(
    r"^(si|dale|listo|claro|ok|bueno|perfecto|confirmo|confirmado|correcto|exacto|"
    r"afirmativo|obvio|seguro|bien|genial|excelente|super|de una|por supuesto|asi es|"
    r"esta bien|me parece bien|me sirve|va|hecho|de acuerdo|vale|okay)\b"
)
DENY_RE = _rx(
    r"^(no|nada|ninguno|ninguna|negativo|nunca|tampoco|por ahora no|ahorita no|"
    r"todavia no|aun no|mejor no|para nada|asi no|ya no$|ya no gracias)\b"
)
DENY_ANYWHERE_RE = _rx(
    r"\b(nada mas|no mas|eso es todo|no gracias|eso seria todo|seria todo|"
    r"por ahora no|ahorita no|es todo)\b"
)
FOLLOW_UP_RE = _rx(
    r"^(y|e) \w|"
    r"\b(el|la|los|las|del|al) (de|del|que|mismo|misma|mismos|mismas|otro|otra)\b|"
    r"\b(el|la) mas\b|"
    r"^(el|la|los|las) \w+$|"  # "las oscuras", "el blanco": one of those shown
    r"\b(ese|esa|esos|esas|este|estos|estas|aquel|aquella|aquellos|aquellas|mismo|misma|"
    r"mismos|mismas)\b|"
    r"\b(otro|otra|otros|otras) (color|colores|talla|tallas|modelo|marca|referencia|"
    r"tamano|opcion|medida|presentacion)\b|"
    r"\b(lo|la|los|las) (quiero|llevo|compro|necesito|pido|separo)\b|"
    r"\bme (lo|la|los|las) (llevo|das|vendes|regalas|mandas|envias|separas)\b|"
    r"\b(damelo|damela|damelos|damelas|agregalo|agregala|agregalos|agregalas|mandamelo|"
    r"enviamelo|regalamelo|anadelo)\b"
)
PRICE_OR_STOCK_RE = _rx(
    r"\b(precio|valor|cuesta|cuestan|vale|valen|sale|salen|disponible|disponibles|stock|"
    r"hay|quedan|tallas|colores)\b"
)
CHEAPEST_RE = _rx(
    r"\b(mas (barat\w*|economic\w*|bajo de precio|asequible\w*)|menos (car[oa]s?|"
    r"costos[oa]s?)|(menor|mas bajo) precio|precio mas bajo|mas en cuenta)\b"
)
EXPENSIVE_RE = _rx(r"\b(mas (car[oa]s?|costos[oa]s?)|(mayor|mas alto) precio|precio mas alto)\b")
SMALLEST_RE = _rx(
    r"\b(el|la|los|las)( mas)? (pequen[oa]s?|pequenit[oa]s?|chiquit[oa]s?|chic[oa]s?)\b|"
    r"\bmas pequen[oa]s?\b|\bde menor (tamano|capacidad)\b"
)
LARGEST_RE = _rx(
    r"\b(el|la|los|las)( mas)? (grande|grandes|grandote|grandota)\b|\bmas grandes?\b|"
    r"\bde mayor (tamano|capacidad)\b"
)
ORDINAL_SEQ_RE = _rx(r"\b(de la lista|opcion)\b")
INDIRECT_QUESTION_RE = _rx(
    r"\b((quiero|quisiera|queria|me gustaria|necesito|deseo) (saber|preguntar|consultar|"
    r"averiguar)|una pregunta|una consulta|una duda|me (regala|regalas|regalan|puede|"
    r"puedes|podria|podrias|dice|dices|informa|indica)( (el|la|los|las|su|un|una))? "
    r"(precio|info|informacion|valor|horario|direccion|ubicacion))\b"
)
SI_PUNCT_RE = re.compile(r"^\W*s[ií]+\s*[,.!;:]", re.IGNORECASE)
PRICE_K_RE = _rx(r"\d+k")
# "listo" after "¿algo más?", alone or with a go-ahead: "listo, hágale", "ya, eso es todo".
DONE_RE = re.compile(
    r"^((ok|bueno|perfecto|dale) )?"
    r"(listo|ya|ya esta|es todo|eso es todo|eso seria todo|asi esta bien|asi esta)"
    r"( (pues|entonces|gracias|muchas gracias|dale|de una|eso es todo|es todo|eso seria todo))*$"
)
CHANGE_DATA_RE = re.compile(
    r"\b(cambi\w*|actualiz\w*|corregir|corrige|editar|modificar|otra direccion|"
    r"nueva direccion|otro (numero|celular|telefono|barrio)|otros datos|datos nuevos)\b"
)
# Pieces are stripped after the split, so the separator need not take the spaces around it
# (which made the regex try a run of spaces at every character).
ITEM_SEPARATOR_RE = re.compile(r"[,;]|\b(?:y|e|adem[aá]s|tambi[eé]n)\b", re.I)
COUNT_WORDS_RE = _rx(
    r"\d|\b(un|una|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|quince|"
    r"veinte|treinta|cuarenta|cincuenta|cien|ciento|mil|par|docena|media|decena|centena)\b"
)
