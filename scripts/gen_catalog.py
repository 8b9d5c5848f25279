"""Generate a realistic Spanish shop catalog (and customer queries) for the search benchmark.

    python scripts/gen_catalog.py --products 100000 --seed 7 --out cat.csv \
        [--queries q.jsonl --n-queries 1000]

The catalog is in our inventory format (`sku,nombre,descripcion,categoria,precio,stock`,
UTF-8, comma): 13 kinds of shop, product kinds with brands, variants, colours, sizes, units
and materials, 1–3 sentence descriptions, Colombian prices and stock 0–200 (some sold out).
The queries are what a customer would type about those products (typos, no accents, plurals,
"¿tienen …?", units written other ways), one `{"id", "text"}` per line. Only the standard
library: the same seed and size give byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

HEADER = ("sku", "nombre", "descripcion", "categoria", "precio", "stock")
SOLD_OUT_SHARE = 0.08
MAX_STOCK = 200


@dataclass(frozen=True)
class Kind:
    """A kind of product a shop sells, with what varies between its products."""

    name: str
    plural: str
    feminine: bool
    category: str
    price: tuple[int, int]  # COP, smallest and largest size
    variants: tuple[str, ...]
    sizes: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    colors: bool = False
    uses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shop:
    code: str
    name: str
    brands: tuple[str, ...]
    kinds: tuple[Kind, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Product:
    """One generated product and the attributes its name was built from (for queries)."""

    sku: str
    name: str
    description: str
    category: str
    price: int
    stock: int
    kind: Kind
    variant: str
    brand: str
    size: str
    material: str
    color: str


def _k(
    name: str,
    plural: str,
    gender: str,
    category: str,
    price: tuple[int, int],
    variants: str,
    sizes: str = "",
    materials: str = "",
    colors: bool = False,
    uses: str = "",
) -> Kind:
    """A Kind from `|`-separated lists, to keep the tables below readable."""

    def split(text: str) -> tuple[str, ...]:
        return tuple(part for part in text.split("|") if part)

    return Kind(
        name, plural, gender == "f", category, price, split(variants), split(sizes),
        split(materials), colors, split(uses),
    )  # fmt: skip


CLOTHES = "talla XS|talla S|talla M|talla L|talla XL|talla XXL"
SHOES = "talla 35|talla 36|talla 37|talla 38|talla 39|talla 40|talla 41|talla 42|talla 43"
KIDS = "talla 2|talla 4|talla 6|talla 8|talla 10|talla 12|talla 14|talla 16"
# (masculine, feminine)
COLORS = (
    ("negro", "negra"), ("blanco", "blanca"), ("rojo", "roja"), ("azul", "azul"),
    ("verde", "verde"), ("gris", "gris"), ("amarillo", "amarilla"), ("rosado", "rosada"),
    ("morado", "morada"), ("beige", "beige"), ("café", "café"), ("azul oscuro", "azul oscuro"),
)  # fmt: skip

SHOPS: tuple[Shop, ...] = (
    Shop("FER", "Ferretería", ("Ferrocol", "Tecnandes", "Herraval", "Cóndor", "Metalsur"), (
        _k("Extintor", "Extintores", "m", "Extintores", (45_000, 320_000),
           "ABC multipropósito|de CO2|de agua presurizada|solkaflam|tipo K",
           "5 lb|10 lb|20 lb|30 lb", uses="para oficinas y bodegas|para cocinas y vehículos|"
           "con soporte de pared|con manómetro y manguera"),
        _k("Martillo", "Martillos", "m", "Herramientas manuales", (18_000, 65_000),
           "de uña|de bola|de goma|demoledor", "8 oz|16 oz|20 oz|24 oz",
           "acero forjado|mango de fibra de vidrio|mango de madera"),
        _k("Destornillador", "Destornilladores", "m", "Herramientas manuales", (6_000, 38_000),
           "de pala|de estrella|de precisión|punta imantada", "3 pulgadas|4 pulgadas|6 pulgadas|"
           "8 pulgadas", "acero cromo vanadio|mango ergonómico"),
        _k("Taladro", "Taladros", "m", "Herramientas eléctricas", (120_000, 560_000),
           "percutor|inalámbrico|atornillador|de banco", "1/2 pulgada|3/8 pulgada|13 mm",
           uses="para concreto, madera y metal|con maletín y brocas|velocidad variable"),
        _k("Tornillo", "Tornillos", "m", "Tornillería", (4_500, 42_000),
           "drywall|autoperforante|para madera|hexagonal|tirafondo",
           "6 x 1 pulgada|8 x 1 1/2 pulgada|10 x 2 pulgadas|1/4 x 2 pulgadas",
           "acero galvanizado|acero inoxidable|zincado", uses="caja x 100|bolsa x 50|caja x 500"),
        _k("Cinta métrica", "Cintas métricas", "f", "Medición", (9_000, 48_000),
           "con freno|profesional|de fibra de vidrio", "3 m|5 m|8 m|30 m", colors=True),
        _k("Candado", "Candados", "m", "Cerrajería", (12_000, 95_000),
           "de seguridad|de clave|antiganzúa|de guaya", "30 mm|40 mm|50 mm|60 mm",
           "bronce|acero laminado|latón"),
        _k("Pintura", "Pinturas", "f", "Pinturas", (28_000, 260_000),
           "vinilo tipo 1|esmalte sintético|anticorrosiva|para exteriores|epóxica",
           "1/4 galón|1 galón|cuñete 5 galones", colors=True,
           uses="lavable y de alto cubrimiento|secado rápido|acabado mate|acabado brillante"),
        _k("Brocha", "Brochas", "f", "Pinturas", (3_500, 22_000),
           "profesional|económica|de cerda natural", "1 pulgada|2 pulgadas|3 pulgadas|4 pulgadas"),
        _k("Llave inglesa", "Llaves inglesas", "f", "Herramientas manuales", (16_000, 89_000),
           "ajustable|de tubo|de expansión", "6 pulgadas|8 pulgadas|10 pulgadas|12 pulgadas",
           "acero cromo vanadio|acero forjado"),
        _k("Manguera", "Mangueras", "f", "Jardín", (22_000, 140_000),
           "de jardín|reforzada|para gas|expandible", "10 m|15 m|25 m|50 m",
           "PVC|caucho", colors=True, uses="con pistola de 7 funciones|con acoples rápidos"),
        _k("Tubo PVC", "Tubos PVC", "m", "Plomería", (6_000, 58_000),
           "presión|sanitario|conduit", "1/2 pulgada|3/4 pulgada|1 pulgada|2 pulgadas",
           uses="tramo de 3 m|tramo de 6 m"),
    ), ("Ideal para el hogar y la obra.", "Garantía de 6 meses.", "Producto certificado.")),
    Shop("ROP", "Ropa", ("Andina", "Urbano", "Macondo", "Bahía", "Nativa"), (
        _k("Camiseta", "Camisetas", "f", "Ropa hombre", (19_000, 69_000),
           "cuello redondo|cuello en V|tipo polo|estampada|deportiva|manga larga", CLOTHES,
           "algodón|algodón peinado|poliéster|lino", colors=True),
        _k("Camisa", "Camisas", "f", "Ropa hombre", (45_000, 140_000),
           "manga larga|manga corta|de cuadros|formal|oxford", CLOTHES, "algodón|lino|dril",
           colors=True),
        _k("Jean", "Jeans", "m", "Ropa mujer", (65_000, 180_000),
           "skinny|tiro alto|clásico|bota recta|bota ancha|rasgado",
           "talla 6|talla 8|talla 10|talla 12|talla 14|talla 28|talla 30|talla 32|talla 34",
           "denim rígido|denim strech", colors=True),
        _k("Chaqueta", "Chaquetas", "f", "Ropa hombre", (89_000, 320_000),
           "impermeable|de jean|acolchada|rompevientos|de cuero sintético", CLOTHES,
           colors=True),
        _k("Buzo", "Buzos", "m", "Ropa unisex", (49_000, 150_000),
           "con capota|cuello redondo|cremallera completa", CLOTHES, "algodón perchado|poliéster",
           colors=True),
        _k("Vestido", "Vestidos", "m", "Ropa mujer", (69_000, 260_000),
           "largo|corto|de fiesta|casual|floreado|de baño", CLOTHES, "lino|seda|algodón|licra",
           colors=True),
        _k("Falda", "Faldas", "f", "Ropa mujer", (39_000, 120_000),
           "plisada|midi|corta|de jean|tubo", CLOTHES, colors=True),
        _k("Pijama", "Pijamas", "f", "Ropa infantil", (35_000, 98_000),
           "de short|de pantalón|enteriza|térmica", KIDS, "algodón|franela|seda", colors=True),
        _k("Medias", "Medias", "f", "Accesorios", (6_000, 32_000),
           "tobilleras|largas|deportivas|antideslizantes|de compresión",
           "talla única|talla 8-10|talla 10-12", "algodón|bambú|nylon", colors=True,
           uses="paquete x 3 pares|paquete x 6 pares|par"),
    ), ("Lavar a mano o en ciclo suave.", "Hecho en Colombia.", "No usar secadora.")),
    Shop("CAL", "Calzado", ("Pisadas", "Caminante", "Vélez Sur", "Andariego", "Suela Fina"), (
        _k("Tenis", "Tenis", "m", "Calzado deportivo", (89_000, 360_000),
           "para correr|casuales|de bota|de lona|urbanos|para baloncesto", SHOES,
           "malla transpirable|cuero|lona|sintético", colors=True),
        _k("Zapato", "Zapatos", "m", "Calzado formal", (99_000, 290_000),
           "formal|de cordón|mocasín|oxford|de tacón|escolar", SHOES,
           "cuero|charol|gamuza|sintético", colors=True),
        _k("Bota", "Botas", "f", "Botas", (120_000, 420_000),
           "de caucho|punta de acero|vaquera|de invierno|de montaña|pantalonera", SHOES,
           "cuero|caucho|gamuza", colors=True),
        _k("Sandalia", "Sandalias", "f", "Calzado de verano", (39_000, 150_000),
           "de plataforma|planas|de tiras|ortopédicas", SHOES, "cuero|sintético|fique",
           colors=True),
        _k("Chancla", "Chanclas", "f", "Calzado de verano", (15_000, 65_000),
           "de playa|de piscina|acolchada|de baño", SHOES, "caucho|EVA", colors=True),
        _k("Botín", "Botines", "m", "Botas", (110_000, 310_000),
           "de tacón|chelsea|con cremallera|de fútbol", SHOES, "cuero|gamuza|sintético",
           colors=True),
    ), ("Horma normal.", "Suela antideslizante.", "Cambio de talla sin costo.")),
    Shop("HOG", "Hogar", ("Casa Linda", "Reposo", "Alpes", "Nido", "Tayrona Home"), (
        _k("Sábana", "Sábanas", "f", "Ropa de cama", (45_000, 210_000),
           "juego completo|ajustable|estampada|de microfibra",
           "sencilla|semidoble|doble|queen|king", "algodón|microfibra|percal 200 hilos",
           colors=True),
        _k("Almohada", "Almohadas", "f", "Ropa de cama", (25_000, 120_000),
           "ortopédica|de plumas|viscoelástica|cervical", "50 x 70 cm|45 x 65 cm",
           "espuma|fibra siliconada|memory foam"),
        _k("Toalla", "Toallas", "f", "Baño", (15_000, 75_000),
           "de baño|de manos|de playa|para cabello", "50 x 90 cm|70 x 140 cm|90 x 160 cm",
           "algodón|microfibra", colors=True),
        _k("Cortina", "Cortinas", "f", "Decoración", (49_000, 260_000),
           "blackout|de baño|translúcida|enrollable", "1,40 x 2,20 m|2,80 x 2,20 m|1,80 x 1,80 m",
           "poliéster|lino|PVC", colors=True),
        _k("Cobija", "Cobijas", "f", "Ropa de cama", (55_000, 240_000),
           "térmica|de ovejero|tejida|reversible", "sencilla|doble|queen|king",
           "flannel|poliéster|lana", colors=True),
        _k("Lámpara", "Lámparas", "f", "Iluminación", (39_000, 280_000),
           "de mesa|de pie|colgante|de escritorio|solar", uses="incluye bombillo LED|"
           "luz cálida|con interruptor de cable", materials="metal|madera|vidrio", colors=True),
        _k("Cojín", "Cojines", "m", "Decoración", (18_000, 79_000),
           "decorativo|para sala|de piso|lumbar", "40 x 40 cm|45 x 45 cm|60 x 60 cm",
           "terciopelo|algodón|lino", colors=True),
        _k("Tapete", "Tapetes", "m", "Decoración", (35_000, 480_000),
           "de sala|de baño|antideslizante|para entrada", "60 x 90 cm|1,20 x 1,70 m|"
           "1,60 x 2,30 m", "polipropileno|algodón|fique", colors=True),
        _k("Organizador", "Organizadores", "m", "Organización", (15_000, 110_000),
           "de closet|de zapatos|plástico con tapa|colgante|de cajón", "6 litros|15 litros|"
           "30 litros|60 litros", "plástico|tela|bambú", colors=True),
    ), ("Fácil de limpiar.", "Envío a domicilio en la ciudad.", "Garantía de 3 meses.")),
    Shop("COC", "Cocina", ("Imusa Sur", "Cocinarte", "Fogón", "Sazón", "Vajillas del Valle"), (
        _k("Olla", "Ollas", "f", "Ollas y sartenes", (35_000, 260_000),
           "a presión|arrocera|de barro|con tapa de vidrio|antiadherente",
           "2 litros|4 litros|6 litros|10 litros", "aluminio|acero inoxidable|hierro fundido"),
        _k("Sartén", "Sartenes", "m", "Ollas y sartenes", (29_000, 190_000),
           "antiadherente|para huevos|grill|wok", "20 cm|24 cm|28 cm|32 cm",
           "aluminio|cerámica|hierro fundido|acero inoxidable", colors=True),
        _k("Licuadora", "Licuadoras", "f", "Electrodomésticos", (99_000, 480_000),
           "de 3 velocidades|de 10 velocidades|portátil|de alto rendimiento",
           "1,25 litros|1,5 litros|2 litros", "vaso de vidrio|vaso plástico", colors=True),
        _k("Cuchillo", "Cuchillos", "m", "Cubiertos", (9_000, 120_000),
           "de chef|para pan|pelador|santoku|de carnicero", "4 pulgadas|6 pulgadas|8 pulgadas",
           "acero inoxidable|cerámica|mango de madera"),
        _k("Vaso", "Vasos", "m", "Vajilla", (4_000, 45_000),
           "cervecero|térmico|de vidrio|para jugo|tequilero", "250 ml|350 ml|500 ml|set x 6",
           "vidrio|plástico|acero inoxidable", colors=True),
        _k("Plato", "Platos", "m", "Vajilla", (6_000, 160_000),
           "pando|hondo|para postre|vajilla 16 piezas", "20 cm|23 cm|27 cm",
           "porcelana|cerámica|melamina|vidrio templado", colors=True),
        _k("Termo", "Termos", "m", "Termos", (25_000, 130_000),
           "para café|con pitillo|de acero|para tinto", "350 ml|500 ml|750 ml|1 litro|1,9 litros",
           "acero inoxidable|vidrio", colors=True),
        _k("Tabla de picar", "Tablas de picar", "f", "Utensilios", (12_000, 75_000),
           "antibacterial|con canal|doble cara", "25 x 35 cm|30 x 45 cm",
           "bambú|madera de teca|polietileno"),
        _k("Cafetera", "Cafeteras", "f", "Electrodomésticos", (79_000, 690_000),
           "de goteo|italiana|de prensa francesa|de cápsulas|espresso",
           "3 tazas|6 tazas|12 tazas", "aluminio|acero inoxidable|vidrio", colors=True),
    ), ("Apto para lavavajillas.", "Libre de BPA.", "Garantía de 1 año.")),
    Shop("ELE", "Electrónica", ("Voltix", "Andes Tech", "Sonora", "Conectar", "Kinetik"), (
        _k("Audífonos", "Audífonos", "m", "Audio", (25_000, 420_000),
           "inalámbricos|de diadema|in ear|con cancelación de ruido|gamer|bluetooth",
           uses="batería de 20 horas|con micrófono|con estuche de carga", colors=True),
        _k("Cargador", "Cargadores", "m", "Accesorios celular", (19_000, 120_000),
           "de carga rápida|para carro|inalámbrico|tipo C|para portátil",
           "20 W|33 W|65 W|100 W", uses="con cable incluido|doble puerto USB"),
        _k("Cable USB", "Cables USB", "m", "Accesorios celular", (9_000, 55_000),
           "tipo C|lightning|micro USB|trenzado|de datos", "1 m|2 m|3 m", colors=True),
        _k("Parlante", "Parlantes", "m", "Audio", (49_000, 890_000),
           "bluetooth|portátil|resistente al agua|con luces|de torre", "10 W|20 W|40 W|100 W",
           colors=True, uses="radio FM incluida|batería de 12 horas|con micrófono"),
        _k("Memoria USB", "Memorias USB", "f", "Almacenamiento", (18_000, 160_000),
           "3.0|metálica|llavero|doble conector", "16 GB|32 GB|64 GB|128 GB|256 GB"),
        _k("Mouse", "Mouse", "m", "Computadores", (15_000, 220_000),
           "inalámbrico|gamer|ergonómico|vertical|silencioso", colors=True,
           uses="1600 DPI|con receptor USB|recargable"),
        _k("Teclado", "Teclados", "m", "Computadores", (35_000, 380_000),
           "mecánico|inalámbrico|gamer|numérico|en español", colors=True,
           uses="con luces RGB|distribución latinoamericana|con ñ"),
        _k("Power bank", "Power banks", "m", "Accesorios celular", (49_000, 210_000),
           "de carga rápida|solar|compacto|con pantalla", "5000 mAh|10000 mAh|20000 mAh"),
        _k("Bombillo LED", "Bombillos LED", "m", "Iluminación", (4_500, 39_000),
           "luz blanca|luz cálida|recargable|inteligente wifi", "9 W|12 W|18 W|30 W",
           uses="rosca E27|ahorro de energía|vida útil de 25.000 horas"),
        _k("Extensión eléctrica", "Extensiones eléctricas", "f", "Eléctricos", (12_000, 89_000),
           "con multitoma|con protector de voltaje|reforzada|con puertos USB", "3 m|5 m|10 m",
           colors=True),
    ), ("Garantía de 1 año.", "Producto original.", "Compatible con Android y iPhone.")),
    Shop("PAP", "Papelería", ("Escribe", "Norma Sur", "Trazos", "Pupitre", "Colorín"), (
        _k("Cuaderno", "Cuadernos", "m", "Cuadernos", (3_500, 28_000),
           "cuadriculado|rayado|argollado|cosido|de dibujo|pentagramado",
           "50 hojas|80 hojas|100 hojas|200 hojas", uses="pasta dura|tamaño carta|5 materias",
           colors=True),
        _k("Lápiz", "Lápices", "m", "Escritura", (900, 12_000),
           "negro N° 2|de colores|HB|2B|de carpintero", uses="caja x 12|unidad|con borrador"),
        _k("Bolígrafo", "Bolígrafos", "m", "Escritura", (1_200, 25_000),
           "punta fina|punta media|de gel|retráctil|borrable", colors=True,
           uses="caja x 12|unidad|tinta de secado rápido"),
        _k("Resma de papel", "Resmas de papel", "f", "Papel", (16_000, 38_000),
           "bond|reciclado|fotográfico", "tamaño carta|tamaño oficio|tamaño A4",
           uses="500 hojas de 75 g|100 hojas"),
        _k("Marcador", "Marcadores", "m", "Escritura", (1_800, 32_000),
           "permanente|borrable|resaltador|para tablero|punta pincel", colors=True,
           uses="caja x 12|unidad|set de 6 colores"),
        _k("Colores", "Colores", "m", "Arte", (5_000, 65_000),
           "largos|cortos|acuarelables|triangulares|metalizados",
           uses="caja x 12|caja x 24|caja x 36|con sacapuntas"),
        _k("Carpeta", "Carpetas", "f", "Archivo", (1_500, 22_000),
           "con gancho|de argollas|tipo sobre|acordeón|colgante",
           "tamaño carta|tamaño oficio", "cartón|plástico|polipropileno", colors=True),
        _k("Pegante", "Pegantes", "m", "Arte", (1_800, 24_000),
           "en barra|líquido escolar|instantáneo|silicona líquida|para madera",
           "20 g|40 g|120 g|250 ml|1 galón"),
        _k("Tijeras", "Tijeras", "f", "Oficina", (2_500, 35_000),
           "escolares|de oficina|punta roma|para tela|zigzag", "5 pulgadas|8 pulgadas",
           colors=True),
        _k("Calculadora", "Calculadoras", "f", "Oficina", (12_000, 160_000),
           "científica|básica|financiera|de escritorio", uses="solar y pila|240 funciones|"
           "pantalla de 12 dígitos", colors=True),
    ), ("Ideal para estudiantes y oficina.", "Útiles escolares.", "Venta al por mayor.")),
    Shop("MAS", "Mascotas", ("Huellitas", "Canino Feliz", "Michi", "Patitas", "Colita"), (
        _k("Concentrado para perro", "Concentrados para perro", "m", "Alimento para perros",
           (18_000, 290_000), "adulto|cachorro|raza pequeña|raza grande|senior|light",
           "1 kg|2 kg|4 kg|8 kg|15 kg|20 kg", uses="sabor pollo|sabor carne|sabor cordero"),
        _k("Concentrado para gato", "Concentrados para gato", "m", "Alimento para gatos",
           (15_000, 210_000), "adulto|gatito|esterilizado|control de bola de pelo",
           "500 g|1 kg|3 kg|7 kg|10 kg", uses="sabor pescado|sabor pollo|sabor salmón"),
        _k("Arena para gato", "Arenas para gato", "f", "Higiene mascotas", (12_000, 85_000),
           "aglomerante|de sílice|biodegradable|con aroma", "4 kg|8 kg|10 kg|20 kg"),
        _k("Collar", "Collares", "m", "Accesorios mascotas", (9_000, 65_000),
           "ajustable|antipulgas|con placa|reflectivo|de adiestramiento",
           "talla S|talla M|talla L", "nylon|cuero|neopreno", colors=True),
        _k("Correa", "Correas", "f", "Accesorios mascotas", (12_000, 89_000),
           "retráctil|doble|de adiestramiento|con arnés", "1,2 m|3 m|5 m",
           "nylon|cuero|cadena", colors=True),
        _k("Cama para mascota", "Camas para mascota", "f", "Descanso mascotas", (45_000, 260_000),
           "acolchada|ortopédica|tipo iglú|elevada", "talla S|talla M|talla L|talla XL",
           "algodón|peluche|lona", colors=True),
        _k("Juguete para perro", "Juguetes para perro", "m", "Juguetes mascotas",
           (6_000, 55_000), "mordedor|pelota|cuerda|peluche con sonido|dispensador de premios",
           "talla S|talla M|talla L", "caucho|algodón|vinilo", colors=True),
        _k("Comedero", "Comederos", "m", "Accesorios mascotas", (9_000, 120_000),
           "doble|automático|antivoracidad|elevado", "250 ml|500 ml|1 litro|2 litros",
           "acero inoxidable|plástico|cerámica", colors=True),
        _k("Shampoo para perro", "Shampoos para perro", "m", "Higiene mascotas",
           (12_000, 58_000), "antipulgas|para cachorros|pelo blanco|hipoalergénico",
           "250 ml|500 ml|1 litro", uses="con avena|aroma a coco|con aloe vera"),
    ), ("Recomendado por veterinarios.", "Para todas las razas.", "Envío gratis desde $150.000.")),
    Shop("BEL", "Belleza", ("Bella Flor", "Natura Andina", "Piel Sana", "Orquídea", "Aloe Vital"), (
        _k("Shampoo", "Shampoos", "m", "Cuidado del cabello", (12_000, 75_000),
           "anticaspa|para cabello graso|para cabello rizado|sin sal|de cebolla|de romero",
           "200 ml|400 ml|750 ml|1 litro"),
        _k("Acondicionador", "Acondicionadores", "m", "Cuidado del cabello", (12_000, 69_000),
           "hidratante|reparador|para cabello teñido|sin enjuague", "200 ml|400 ml|750 ml"),
        _k("Crema corporal", "Cremas corporales", "f", "Cuidado de la piel", (14_000, 89_000),
           "hidratante|aclarante|reafirmante|con karité|para piel seca",
           "200 ml|400 ml|1 litro", uses="aroma a coco|aroma a vainilla|sin fragancia"),
        _k("Protector solar", "Protectores solares", "m", "Cuidado de la piel",
           (25_000, 120_000), "FPS 30|FPS 50|FPS 50+ toque seco|para niños|con color",
           "50 ml|120 ml|200 ml", uses="resistente al agua|no comedogénico"),
        _k("Labial", "Labiales", "m", "Maquillaje", (9_000, 65_000),
           "mate|líquido|humectante|larga duración|brillo", colors=True),
        _k("Esmalte", "Esmaltes", "m", "Uñas", (3_500, 28_000),
           "tradicional|semipermanente|secado rápido|fortalecedor", "10 ml|15 ml",
           colors=True),
        _k("Desodorante", "Desodorantes", "m", "Cuidado personal", (8_000, 32_000),
           "en barra|roll on|en spray|sin alcohol|clínico", "50 ml|90 g|150 ml",
           uses="para hombre|para mujer|protección 48 horas"),
        _k("Jabón", "Jabones", "m", "Cuidado personal", (2_500, 38_000),
           "de avena|antibacterial|de glicerina|líquido|íntimo|de coco",
           "110 g|3 unidades de 110 g|500 ml|1 litro"),
        _k("Perfume", "Perfumes", "m", "Fragancias", (45_000, 380_000),
           "floral|cítrico|amaderado|dulce|fresco", "30 ml|50 ml|100 ml",
           uses="para mujer|para hombre|unisex|eau de parfum|eau de toilette"),
        _k("Tinte", "Tintes", "m", "Cuidado del cabello", (12_000, 48_000),
           "permanente|sin amoníaco|semipermanente|matizante",
           uses="tono 1 negro|tono 5 castaño claro|tono 7 rubio|tono 6.66 rojo intenso|"
           "tono 3 castaño oscuro"),
    ), ("Dermatológicamente probado.", "No testeado en animales.", "Uso externo.")),
    Shop("ABA", "Abarrotes", ("Llanero", "La Sabana", "Doña Rosa", "Valle Dorado", "El Trapiche"), (
        _k("Arroz", "Arroz", "m", "Granos", (2_800, 48_000),
           "blanco|integral|parbolizado|de grano largo", "500 g|1 kg|2,5 kg|5 kg|10 kg|arroba"),
        _k("Aceite", "Aceites", "m", "Aceites", (6_500, 62_000),
           "vegetal|de girasol|de oliva extra virgen|de soya|de canola",
           "500 ml|1 litro|2 litros|3 litros|5 litros"),
        _k("Café", "Cafés", "m", "Bebidas", (8_000, 62_000),
           "molido|en grano|instantáneo|descafeinado|tostión media|de origen Huila",
           "125 g|250 g|500 g|1 kg|2,5 kg"),
        _k("Azúcar", "Azúcar", "m", "Endulzantes", (2_900, 38_000),
           "blanca|morena|pulverizada|orgánica", "500 g|1 kg|2,5 kg|5 kg"),
        _k("Fríjol", "Fríjoles", "m", "Granos", (4_500, 36_000),
           "cargamanto|bola roja|negro|blanco|calima", "500 g|1 kg|2,5 kg"),
        _k("Lenteja", "Lentejas", "f", "Granos", (3_200, 22_000),
           "común|roja|verde|sin piedras", "250 g|500 g|1 kg|2,5 kg"),
        _k("Pasta", "Pastas", "f", "Pastas", (2_200, 19_000),
           "spaghetti|macarrón|fusilli|conchitas|lasaña|fideo", "250 g|500 g|1 kg"),
        _k("Chocolate", "Chocolates", "m", "Bebidas", (4_500, 35_000),
           "de mesa|con canela|amargo|sin azúcar|en polvo", "250 g|500 g|1 kg"),
        _k("Leche en polvo", "Leches en polvo", "f", "Lácteos", (9_000, 95_000),
           "entera|deslactosada|descremada|para bebé", "380 g|800 g|1,1 kg|2 kg"),
        _k("Atún", "Atunes", "m", "Enlatados", (4_200, 38_000),
           "en aceite|en agua|rallado|en lomitos", "160 g|175 g|pack x 3|pack x 4"),
        _k("Panela", "Panelas", "f", "Endulzantes", (2_500, 18_000),
           "redonda|cuadrada|pulverizada|orgánica", "500 g|1 kg|2 kg|atado de 4 libras"),
        _k("Sal", "Sal", "f", "Condimentos", (1_400, 9_800),
           "refinada|marina|rosada del Himalaya|con yodo", "500 g|1 kg|2 kg"),
    ), ("Producto nacional.", "Consumir antes de la fecha indicada.", "Precio por unidad.")),
    Shop("JUG", "Juguetería", ("Jugueteando", "Mundo Niño", "Trompo", "Chiquitín", "Cometa"), (
        _k("Carro a control remoto", "Carros a control remoto", "m", "Vehículos de juguete",
           (49_000, 420_000), "todoterreno|deportivo|monster truck|doble cara|de policía",
           "escala 1:24|escala 1:16|escala 1:10", colors=True,
           uses="batería recargable|para niños desde 6 años|tracción 4x4"),
        _k("Muñeca", "Muñecas", "f", "Muñecas", (25_000, 240_000),
           "bebé|fashion|de trapo|que habla|con accesorios", "30 cm|45 cm|60 cm",
           uses="para niñas desde 3 años|incluye ropa|con biberón"),
        _k("Rompecabezas", "Rompecabezas", "m", "Juegos de mesa", (12_000, 98_000),
           "de paisaje|infantil|3D|de mapa de Colombia|de animales",
           "24 piezas|100 piezas|500 piezas|1000 piezas", "cartón|madera|foamy"),
        _k("Pelota", "Pelotas", "f", "Juguetes al aire libre", (5_000, 45_000),
           "saltarina|de playa|antiestrés|de letras|sensorial", "15 cm|22 cm|40 cm",
           "caucho|plástico|vinilo", colors=True),
        _k("Bloques armables", "Bloques armables", "m", "Construcción", (29_000, 360_000),
           "clásicos|de ciudad|técnicos|magnéticos|gigantes", "60 piezas|150 piezas|"
           "300 piezas|800 piezas", uses="para niños desde 4 años|compatible con marcas "
           "líderes|con caja organizadora"),
        _k("Peluche", "Peluches", "m", "Peluches", (15_000, 180_000),
           "de oso|de unicornio|de perro|de dinosaurio|de conejo", "20 cm|35 cm|60 cm|1 m",
           colors=True),
        _k("Juego de mesa", "Juegos de mesa", "m", "Juegos de mesa", (25_000, 190_000),
           "parqués|dominó|ajedrez|lotería|cartas|bingo", uses="para toda la familia|"
           "de 2 a 6 jugadores|tablero de madera"),
        _k("Plastilina", "Plastilinas", "f", "Arte infantil", (3_000, 38_000),
           "escolar|no tóxica|moldeable|fluorescente", "12 barras|24 barras|500 g"),
    ), ("Cumple norma de seguridad para juguetes.", "Ideal para regalo.", "Incluye pilas.")),
    Shop("DEP", "Deportes", ("Atleta", "Cumbre", "Pedalear", "Golazo", "Ritmo Fit"), (
        _k("Balón de fútbol", "Balones de fútbol", "m", "Fútbol", (29_000, 260_000),
           "profesional|de entrenamiento|para microfútbol|laminado|cosido a mano",
           "número 3|número 4|número 5", colors=True),
        _k("Bicicleta", "Bicicletas", "f", "Ciclismo", (450_000, 2_900_000),
           "todoterreno|de ruta|urbana|plegable|infantil|eléctrica",
           "rin 16|rin 20|rin 26|rin 27,5|rin 29", "aluminio|acero|carbono", colors=True,
           uses="21 velocidades|frenos de disco|suspensión delantera"),
        _k("Casco de ciclismo", "Cascos de ciclismo", "m", "Ciclismo", (59_000, 420_000),
           "de ruta|para montaña|urbano|infantil", "talla S|talla M|talla L", colors=True,
           uses="con luz trasera|ventilado|certificado"),
        _k("Mancuerna", "Mancuernas", "f", "Gimnasio", (18_000, 260_000),
           "hexagonal|ajustable|recubierta|de vinilo", "1 kg|2 kg|5 kg|10 kg|20 kg|par de 5 lb",
           "hierro|neopreno|caucho"),
        _k("Colchoneta de yoga", "Colchonetas de yoga", "f", "Gimnasio", (35_000, 180_000),
           "antideslizante|plegable|extra gruesa|de viaje", "4 mm|6 mm|10 mm",
           "TPE|caucho natural|PVC", colors=True),
        _k("Guantes de boxeo", "Guantes de boxeo", "m", "Combate", (69_000, 320_000),
           "de entrenamiento|profesionales|de sparring|para niños", "8 oz|10 oz|12 oz|16 oz",
           "cuero|cuero sintético", colors=True),
        _k("Lazo para saltar", "Lazos para saltar", "m", "Gimnasio", (9_000, 65_000),
           "de velocidad|con contador|con peso|ajustable", "2,8 m|3 m",
           "cable de acero|PVC|algodón", colors=True),
        _k("Rodillera", "Rodilleras", "f", "Protección deportiva", (19_000, 95_000),
           "deportiva|ortopédica|para voleibol|de compresión|para patinaje",
           "talla S|talla M|talla L|talla XL", "neopreno|algodón|licra", colors=True),
    ), ("Ideal para entrenar en casa.", "Garantía de 6 meses.", "Para uso profesional.")),
    Shop("SEG", "Seguridad industrial", ("Protek", "Escudo", "Obra Segura", "Vigía", "Safe"), (
        _k("Casco de seguridad", "Cascos de seguridad", "m", "Protección de cabeza",
           (25_000, 140_000), "dieléctrico|con ratchet|tipo ingeniero|para alturas",
           uses="suspensión de 4 puntos|suspensión de 6 puntos|certificado ANSI",
           colors=True),
        _k("Guantes de nitrilo", "Guantes de nitrilo", "m", "Protección de manos",
           (12_000, 65_000), "desechables|industriales|sin polvo|reforzados",
           "talla S|talla M|talla L|talla XL", uses="caja x 100|par|caja x 50", colors=True),
        _k("Gafas de seguridad", "Gafas de seguridad", "f", "Protección visual",
           (8_000, 75_000), "claras|oscuras|antiempañantes|sobre lentes|tipo monogafa",
           uses="protección UV|lente de policarbonato|certificadas ANSI Z87"),
        _k("Bota punta de acero", "Botas punta de acero", "f", "Calzado de seguridad",
           (95_000, 310_000), "dieléctrica|de caucho|tipo ejecutivo|antideslizante", SHOES,
           "cuero|caucho|PVC", colors=True),
        _k("Chaleco reflectivo", "Chalecos reflectivos", "m", "Señalización", (12_000, 79_000),
           "tipo malla|con bolsillos|para motociclista|brigadista",
           "talla M|talla L|talla XL|talla única", colors=True),
        _k("Tapabocas", "Tapabocas", "m", "Protección respiratoria", (2_000, 95_000),
           "N95|quirúrgico|de tela|con válvula|KN95", uses="caja x 50|caja x 20|unidad"),
        _k("Arnés de seguridad", "Arneses de seguridad", "m", "Trabajo en alturas",
           (150_000, 690_000), "de cuerpo completo|multipropósito|dieléctrico",
           "talla única|talla M|talla XL", uses="de 4 argollas|con eslinga doble|certificado"),
    ), ("Cumple norma técnica colombiana.", "Venta a empresas con factura.", "Uso industrial.")),
)  # fmt: skip

LETTERS = "abcdefghijklmnopqrstuvwxyz"
# How customers write the units the catalog writes one way ("20 lb": "20 libras", "20lb").
UNIT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "lb": ("libras", "lbs", "lb"),
    "kg": ("kilos", "kilo", "kg"),
    "g": ("gramos", "gr", "g"),
    "ml": ("ml", "mililitros"),
    "litro": ("litro", "lt", "l"),
    "litros": ("litros", "lt", "l"),
    "pulgada": ("pulgada", "pulg", '"'),
    "pulgadas": ("pulgadas", "pulg", '"'),
    "oz": ("onzas", "oz"),
    "GB": ("gb", "gigas"),
    "mAh": ("mah",),
    "m": ("metros", "mts", "m"),
    "mm": ("mm", "milimetros"),
    "W": ("w", "vatios"),
}


def fold(text: str) -> str:
    """Without accents (ñ too), as many customers type."""
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def _price(rng: random.Random, kind: Kind, position: float) -> int:
    """COP, growing with the size; to the 100 (to the 50 under $10.000)."""
    low, high = kind.price
    value = (low + (high - low) * position) * rng.uniform(0.88, 1.12)
    step = 50 if value < 10_000 else 100
    return max(step, int(round(value / step)) * step)


def _stock(rng: random.Random) -> int:
    if rng.random() < SOLD_OUT_SHARE:
        return 0
    return min(MAX_STOCK, 1 + int(rng.expovariate(1 / 30)))


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _product(rng: random.Random, shop: Shop, kind: Kind, number: int) -> Product:
    variant = rng.choice(kind.variants)
    brand = rng.choice(shop.brands)
    size_index = rng.randrange(len(kind.sizes)) if kind.sizes else -1
    size = kind.sizes[size_index] if kind.sizes else ""
    material = rng.choice(kind.materials) if kind.materials and rng.random() < 0.7 else ""
    color = color_word = ""  # "roja" in a name agrees with the product; "color rojo"
    if kind.colors and rng.random() < 0.8:
        color_word, feminine_color = rng.choice(COLORS)
        color = feminine_color if kind.feminine else color_word
    use = rng.choice(kind.uses) if kind.uses else ""
    # "Extintor ABC multipropósito 20 lb", "Camiseta tipo polo Andina algodón azul talla M"
    parts = [kind.name, variant]
    if rng.random() < 0.6:
        parts.append(brand)
    if material and rng.random() < 0.5:
        parts.append(material)
    parts += [color, size]
    if use and rng.random() < 0.3:
        parts.append(use)
    name = " ".join(part for part in parts if part)

    sentences = [f"{kind.name} {variant}" + (f" {use}" if use else "")]
    details = []
    if material:
        details.append(f"{'fabricada' if kind.feminine else 'fabricado'} en {material}")
    if color:
        details.append(f"color {color_word}")
    if size:
        details.append(f"presentación {size}" if "talla" not in size else size)
    if details and rng.random() < 0.8:
        sentences.append(", ".join(details))
    if rng.random() < 0.5:
        sentences.append(rng.choice((f"Marca {brand}", rng.choice(shop.notes))))
    description = " ".join(_sentence(s) for s in sentences[:3])

    position = (size_index + 1) / len(kind.sizes) if kind.sizes else rng.random()
    sku = f"{shop.code}-{fold(kind.name)[:3].upper()}-{number:06d}"
    return Product(
        sku=sku,
        name=name,
        description=description,
        category=kind.category,
        price=_price(rng, kind, position),
        stock=_stock(rng),
        kind=kind,
        variant=variant,
        brand=brand,
        size=size,
        material=material,
        color=color,
    )


def generate_products(count: int, seed: int) -> Iterator[Product]:
    """`count` products; unique skus; the same seed gives the same products."""
    rng = random.Random(seed)
    kinds = [(shop, kind) for shop in SHOPS for kind in shop.kinds]
    for number in range(1, count + 1):
        shop, kind = rng.choice(kinds)
        yield _product(rng, shop, kind, number)


def slip(rng: random.Random, word: str, replace: Callable[[random.Random, str], str]) -> str:
    """One slip of the finger inside `word` (not its first or last letter): a letter
    dropped, doubled, swapped with the next, or replaced by `replace(rng, letter)`."""
    i = rng.randrange(1, len(word) - 1)
    match rng.randrange(4):
        case 0:
            return word[:i] + word[i + 1 :]
        case 1:
            return word[:i] + word[i] + word[i:]
        case 2:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        case _:
            return word[:i] + replace(rng, word[i]) + word[i + 1 :]


def _typo(rng: random.Random, word: str) -> str:
    """A slip of the finger in a word of five letters or more, any letter for a letter."""
    if len(word) < 5 or not word.isalpha():
        return word
    return slip(rng, word, lambda rng, _: rng.choice(LETTERS))


def _spoken_size(rng: random.Random, size: str) -> str:
    """ "20 lb" as a customer may write it: "20 libras", "20lb", "1/2 pulgada": "media pulgada"."""
    amount, _, unit = size.rpartition(" ")
    if unit not in UNIT_SPELLINGS or rng.random() < 0.4:
        return size.lower()
    if amount == "1/2" and rng.random() < 0.5:
        return f"media {unit}"
    spelled = rng.choice(UNIT_SPELLINGS[unit])
    joined = spelled == '"' or (len(spelled) <= 3 and rng.random() < 0.4)
    return f"{amount}{'' if joined else ' '}{spelled}"


def _query(rng: random.Random, product: Product) -> str:
    kind = product.kind
    plural = rng.random() < 0.35
    head = (kind.plural if plural else kind.name).lower()
    extras: list[str] = []
    if rng.random() < 0.5:
        extras.append(product.variant.lower())
    if product.size and rng.random() < 0.45:
        extras.append(_spoken_size(rng, product.size))
    if product.color and rng.random() < 0.3:
        extras.append(product.color if not plural else _plural(product.color))
    if product.material and rng.random() < 0.15:
        extras.append(f"de {product.material.lower()}")
    if rng.random() < 0.12:
        extras.append(product.brand.lower())
    words = " ".join([head, *rng.sample(extras, len(extras))] if rng.random() < 0.3 else [
        head, *extras])  # fmt: skip
    frame = rng.random()
    if frame < 0.2:
        text = f"tienen {words}?" if rng.random() < 0.6 else f"¿tienen {words}?"
    elif frame < 0.3:
        text = f"busco {words}"
    elif frame < 0.37:
        text = f"precio {words}"
    elif frame < 0.42:
        text = f"cuánto vale {'el' if not kind.feminine else 'la'} {words}"
    elif frame < 0.46:
        text = f"necesito {words}"
    else:
        text = words
    if rng.random() < 0.6:
        text = fold(text)
    if rng.random() < 0.15:
        tokens = text.split()
        i = rng.randrange(len(tokens))
        tokens[i] = _typo(rng, tokens[i])
        text = " ".join(tokens)
    if rng.random() < 0.08:
        text = text.capitalize()
    return text


def _plural(color: str) -> str:
    if color.endswith(("o", "a", "e", "é")):
        return color + "s"
    if color.endswith("l"):
        return color + "es"
    return color


def generate_queries(products: Sequence[Product], count: int, seed: int) -> list[dict]:
    """`count` customer queries about `products` (deterministic)."""
    rng = random.Random(seed * 7919 + 1)
    return [{"id": f"g{n}", "text": _query(rng, rng.choice(products))} for n in range(1, count + 1)]


def write_catalog(products: Sequence[Product], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for p in products:
            writer.writerow((p.sku, p.name, p.description, p.category, p.price, p.stock))


def write_queries(queries: Sequence[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        for query in queries:
            handle.write(json.dumps(query, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="catalog CSV to write")
    parser.add_argument("--queries", type=Path, help="also write customer queries here")
    parser.add_argument("--n-queries", type=int, default=1000)
    args = parser.parse_args(argv)
    if args.products < 1:
        parser.error("--products must be at least 1")
    products = list(generate_products(args.products, args.seed))
    write_catalog(products, args.out)
    if args.queries:
        write_queries(generate_queries(products, args.n_queries, args.seed), args.queries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
