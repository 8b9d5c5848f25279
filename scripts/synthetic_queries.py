"""Synthetic search queries with known answers, made from a catalog's own product names.

    python scripts/synthetic_queries.py --catalog C.csv --queries Q.jsonl --qrels R.jsonl \
        [--n 300] [--seed 7] [--synonyms data/synonyms.txt]

Each query is one product's name as a customer might get it wrong or say it short, in one of
five ways (an equal share each, `KINDS`):

- typo: one or two words of five letters or more with a slip of the finger (a letter dropped,
  doubled, swapped with the next or replaced by a neighbouring key);
- abbreviated: long words cut to their first 4–6 letters ('acondicionador' -> 'acond'), small
  words ('de', 'para', 'con') often left out;
- partial: what the product is (the name's first words) and two more of its words; every
  product on sale whose name has all those words is relevant;
- synonym: one word or phrase of the name replaced by another member of its group in the
  synonym list (data/synonyms.txt, which ours expands and the baselines do not: this kind
  measures that list's reach, not a general skill);
- plural: the name's first word in the plural ('bota' -> 'botas', 'lápiz' -> 'lápices').

Half of the queries lose their accents. The relevant products (grade 3) are the source product
and every other one on sale with the same name (a generated catalog repeats names), or for a
partial name every product it fits. Same catalog, n, seed and synonym list: the same files;
each query has its own generator (seeded with the seed and its number), so another synonym
list changes only the synonym queries. Only the standard library.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gen_catalog import slip  # the same slips as the generated catalog's typos

KINDS = ("typo", "abbreviated", "partial", "synonym", "plural")
DEFAULT_SYNONYMS = Path(__file__).resolve().parents[1] / "data" / "synonyms.txt"
SMALL_WORDS = frozenset({"de", "del", "para", "con", "en", "y", "a", "la", "el", "x"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "inactivo", "falso"})
_ROWS = ("qwertyuiop", "asdfghjklñ", "zxcvbnm")
_NEIGHBOURS = {
    key: "".join(
        other
        for rr in range(max(r - 1, 0), min(r + 2, len(_ROWS)))
        for other in _ROWS[rr][max(c - 1, 0) : c + 2]
        if other != key
    )
    for r, row in enumerate(_ROWS)
    for c, key in enumerate(row)
}


def fold(text: str) -> str:
    """Lowercase, without accents."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Product:
    sku: str
    name: str  # lowercased


def read_products(path: Path) -> list[Product]:
    """Products on sale (active, stock > 0) of an inventory CSV (`,` or `;`, UTF-8)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        dialect = csv.Sniffer().sniff(handle.readline(), delimiters=",;")
        handle.seek(0)
        products = []
        for row in csv.DictReader(handle, dialect=dialect):
            stock = (row.get("stock") or "0").replace(".", "").replace(",", ".").strip()
            try:
                on_sale = float(stock or 0) > 0
            except ValueError:
                on_sale = False
            if on_sale and fold(row.get("activo") or "") not in FALSE_WORDS:
                name = " ".join((row.get("nombre") or "").lower().split())
                if name:
                    products.append(Product(row["sku"].strip(), name))
    return products


def read_groups(path: Path | None) -> list[list[str]]:
    """Synonym groups (one comma-separated group a line, '#' comments), lowercased."""
    if path is None or not path.is_file():
        return []
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        members = [m.strip().lower() for m in line.split("#", 1)[0].split(",") if m.strip()]
        if len(members) >= 2:
            groups.append(members)
    return groups


def _words(name: str) -> list[str]:
    return [w.strip(".,;:()[]\"'") for w in name.split() if w.strip(".,;:()[]\"'")]


def _slip(rng: random.Random, word: str) -> str:
    return slip(rng, word, _neighbour)


def _neighbour(rng: random.Random, letter: str) -> str:
    """A key next to `letter` on a Spanish keyboard (the letter itself if it has none)."""
    near = _NEIGHBOURS.get(fold(letter)[:1], "")
    return rng.choice(near) if near else letter


def typo(rng: random.Random, name: str) -> str | None:
    words = _words(name)
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return None
    for i in rng.sample(long, min(len(long), rng.choice((1, 1, 2)))):
        words[i] = _slip(rng, words[i])
    return " ".join(words)


def abbreviated(rng: random.Random, name: str) -> str | None:
    words = _words(name)
    long = [i for i, w in enumerate(words) if len(w) >= 8 and w.isalpha()]
    if not long:
        return None
    cut = set(rng.sample(long, rng.randint(1, len(long))))
    drop_small = rng.random() < 0.6
    out = []
    for i, word in enumerate(words):
        if i in cut:
            out.append(word[: rng.randint(4, 6)])
        elif not (drop_small and word in SMALL_WORDS and i > 0):
            out.append(word)
    return " ".join(out)


def _chunks(words: Sequence[str]) -> list[str]:
    """A name's words with each quantity kept whole ('45 x 65 cm', '1/2 pulgada', 'talla s')."""
    chunks: list[str] = []
    glue = False  # the next word belongs to the last chunk
    for word in words:
        numeric = any(ch.isdigit() for ch in word)
        if chunks and (glue or (numeric and chunks[-1].split()[-1] in ("x", "talla"))):
            chunks[-1] += " " + word
        elif chunks and numeric and any(ch.isdigit() for ch in chunks[-1]) and word[0].isdigit():
            chunks[-1] += " " + word  # '8 x 1 1/2 pulgada'
        else:
            chunks.append(word)
        glue = numeric or word in ("x", "talla")
        if not numeric and word not in ("x", "talla") and chunks[-1] != word:
            glue = False  # a unit ends the quantity
    return chunks


def partial(rng: random.Random, name: str) -> str | None:
    chunks = _chunks(_words(name))
    head = 1
    while head < min(len(chunks), 2) and chunks[head] not in SMALL_WORDS:
        head += 1
    rest = [i for i in range(head, len(chunks)) if chunks[i] not in SMALL_WORDS]
    if len(rest) < 3:
        return None  # too short to leave something out
    kept = sorted(rng.sample(rest, 2))
    return " ".join(chunks[:head] + [chunks[i] for i in kept])


def synonym(rng: random.Random, name: str, groups: Sequence[list[str]]) -> str | None:
    padded = f" {' '.join(_words(name))} "
    folded = fold(padded)
    choices = [
        (member, other)
        for group in groups
        for member in group
        if f" {fold(member)} " in folded
        for other in group
        if fold(other) != fold(member)
    ]
    if not choices:
        return None
    member, other = rng.choice(choices)
    start = folded.index(f" {fold(member)} ")
    return (padded[: start + 1] + other + padded[start + 1 + len(member) :]).strip()


def plural_of(word: str) -> str:
    """Regular Spanish plural: 'bota' -> 'botas', 'lápiz' -> 'lápices', 'camión' -> 'camiones'."""
    if word.endswith("z"):
        return word[:-1] + "ces"
    if word.endswith(("s", "x")):
        return word
    if word[-1] in "aeiouáéó":
        return word + "s"
    unaccented = word[:-2] + fold(word[-2:]) if word[-2:-1] in "áéíóú" else word
    return unaccented + "es"


def plural(rng: random.Random, name: str) -> str | None:
    words = _words(name)
    if not words or not words[0].isalpha() or len(words[0]) < 3 or words[0].endswith("s"):
        return None
    return " ".join([plural_of(words[0]), *words[1:]])


def make(
    products: Sequence[Product], n: int, seed: int, groups: Sequence[list[str]]
) -> tuple[list[dict], list[dict]]:
    """n queries (`{"id", "text", "kind"}`) and their judgments (`{"id", "sku", "grade"}`)."""
    same_name: dict[str, list[str]] = {}
    for product in products:
        same_name.setdefault(fold(product.name), []).append(product.sku)
    queries: list[dict] = []
    qrels: list[dict] = []
    for number in range(n):
        kind = KINDS[number % len(KINDS)]
        # One generator per query: a change of the synonym list changes only synonym queries.
        rng = random.Random(f"{seed}:{number}")
        for _attempt in range(200):  # a product the kind can vary
            product = products[rng.randrange(len(products))]
            match kind:
                case "typo":
                    text = typo(rng, product.name)
                case "abbreviated":
                    text = abbreviated(rng, product.name)
                case "partial":
                    text = partial(rng, product.name)
                case "synonym":
                    text = synonym(rng, product.name, groups)
                case _:
                    text = plural(rng, product.name)
            if text and fold(text) != fold(product.name):
                break
        else:
            continue
        qid = f"s{number + 1}"
        text = fold(text) if rng.random() < 0.5 else text
        queries.append({"id": qid, "text": text, "kind": kind})
        relevant = same_name[fold(product.name)]
        if kind == "partial":
            relevant = _containing(products, text)
        qrels.extend({"id": qid, "sku": sku, "grade": 3} for sku in relevant)
    return queries, qrels


def _containing(products: Sequence[Product], text: str) -> list[str]:
    """Products whose name has every word of ``text`` (a partial name fits them all)."""
    wanted = set(fold(text).split())
    return [p.sku for p in products if wanted <= set(fold(" ".join(_words(p.name))).split())]


def write_jsonl(rows: Sequence[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--qrels", type=Path, required=True)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--synonyms", default=str(DEFAULT_SYNONYMS), help="'' for none")
    args = parser.parse_args(argv)
    groups = read_groups(Path(args.synonyms) if args.synonyms else None)
    queries, qrels = make(read_products(args.catalog), args.n, args.seed, groups)
    write_jsonl(queries, args.queries)
    write_jsonl(qrels, args.qrels)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
