"""The shop's own knowledge: its profile's facts and free-form entries and its documents,
indexed by the same search as the products, answered by quoting the shop's text.

A passage answers a question when it says at least half of the question's words (each word
or one of its general synonyms, stemmed); the search ranks those that do. Nothing is made
up: the reply is the shop's text itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from domain import texts
from domain.shop import ShopProfile
from rag.documents import Passage, read_folder
from rag.normalize import SPANISH_STOPWORDS, stem, tokenize
from rag.search import ProductIndex, SearchDoc
from rag.synonyms import load_synonyms

log = logging.getLogger(__name__)

SYNONYMS = Path(__file__).resolve().parent.parent / "data" / "question_synonyms.txt"
# Words of asking, not of what is asked ("¿hacen…?", "¿cuál es su…?").
ASKING = frozenset(
    """hacen hace tienen tiene dan da hay ustedes usted cual cuales que como donde cuando
    cuanto cuanta cuantos cuantas es son su sus me puedo pueden puede quiero quisiera saber
    informacion info favor porfa manejan maneja algun alguna algo tambien mas sobre
    necesito""".split()
)
MIN_SHARE = 0.5  # of the question's words a passage must say
CLOSE_TO_BEST = 0.7  # a second passage joins the answer when its score is this close
ANSWER_PASSAGES = 2
QUOTE_CHARS = 600


@dataclass(frozen=True)
class Answer:
    passages: tuple[Passage, ...]
    share: float  # of the question's words the best passage says (0..1)

    def text(self) -> str:
        return "\n\n".join(
            texts.KNOWLEDGE_PASSAGE.format(title=p.title, text=_quote(p.text))
            for p in self.passages
        )


class Knowledge:
    def __init__(
        self, passages: Sequence[Passage], synonyms: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        self._passages = list(passages)
        self._synonyms = {k: list(v) for k, v in (synonyms or {}).items()}
        self._index = ProductIndex(synonyms=self._synonyms)
        self._index.upsert_many(SearchDoc(n, p.title, p.text) for n, p in enumerate(self._passages))
        self._stems = [frozenset(_stems(f"{p.title} {p.text}")) for p in self._passages]
        self._title_stems = [frozenset(_stems(p.title)) for p in self._passages]

    @classmethod
    def of_shop(cls, shop: ShopProfile) -> Knowledge:
        """The profile's facts and entries, and the documents of its folder."""
        passages = profile_passages(shop)
        if shop.documents:
            documents = read_folder(Path(shop.documents))
            log.info("shop documents: %d passages from %s", len(documents), shop.documents)
            passages += documents
        return cls(passages, load_synonyms(SYNONYMS))

    def __len__(self) -> int:
        return len(self._passages)

    def answer(self, question: str) -> Answer | None:
        """The shop's passages that answer `question`, best first; None when none does."""
        concepts = self._concepts(question)
        if not any(word.isalpha() for concept in concepts for word in concept):
            return None  # "¿y el de 10?": a number alone asks about no passage
        hits = self._index.search(question, k=8)
        said = [(hit, self._share(concepts, hit.id)) for hit in hits]
        good = [(hit, share) for hit, share in said if share >= MIN_SHARE]
        if not good:
            return None
        best = max(share for _, share in good)
        top = [hit for hit, share in good if share == best]
        chosen = [top[0]] + [hit for hit in top[1:] if hit.score >= top[0].score * CLOSE_TO_BEST][
            : ANSWER_PASSAGES - 1
        ]
        return Answer(tuple(self._passages[hit.id] for hit in chosen), best)

    def about(self, subject: str) -> Answer | None:
        """The passages on `subject` ("descuento"): those whose title names it (or one of its
        synonyms), else those that answer it as a question."""
        concepts = self._concepts(subject)
        titled = tuple(
            passage
            for passage, title in zip(self._passages, self._title_stems, strict=True)
            if any(concept & title for concept in concepts)
        )
        if titled:
            return Answer(titled[:ANSWER_PASSAGES], 1.0)
        return self.answer(subject)

    def _concepts(self, question: str) -> list[frozenset[str]]:
        words = [w for w in tokenize(question) if w not in SPANISH_STOPWORDS and w not in ASKING]
        return [
            frozenset({stem(w), *(stem(s) for s in self._synonyms.get(w, ()))})
            for w in dict.fromkeys(words)
        ]

    def _share(self, concepts: list[frozenset[str]], passage: int) -> float:
        stems = self._stems[passage]
        return sum(1 for concept in concepts if concept & stems) / len(concepts)


def profile_passages(shop: ShopProfile) -> list[Passage]:
    """The profile's facts as passages (titled as a customer would ask), then its entries."""
    facts = [
        (texts.KNOWLEDGE_HOURS, shop.hours),
        (texts.KNOWLEDGE_ADDRESS, f"{shop.address}, {shop.city}"),
        (texts.KNOWLEDGE_DELIVERY, " ".join(filter(None, (shop.delivery, shop.delivery_notes)))),
        (texts.KNOWLEDGE_PICKUP, shop.pickup),
        (texts.KNOWLEDGE_RETURNS, shop.returns),
        (texts.KNOWLEDGE_WARRANTY, shop.warranty),
        (texts.KNOWLEDGE_INVOICE, shop.invoicing),
        (texts.KNOWLEDGE_PAYMENT, ", ".join(shop.payment_methods)),
        (texts.KNOWLEDGE_CONTACT, _contact(shop)),
    ]
    passages = [Passage(title, text, "") for title, text in facts if text.strip()]
    return passages + [Passage(title, text, "") for title, text in shop.extra.items()]


def _contact(shop: ShopProfile) -> str:
    parts: Iterable[tuple[str, str]] = (
        ("Teléfono", shop.phone),
        ("WhatsApp", shop.whatsapp),
        ("Correo", shop.email),
        ("Instagram", shop.instagram),
        ("Web", shop.website),
    )
    return ". ".join(f"{label}: {value}" for label, value in parts if value)


def _stems(text: str) -> list[str]:
    return [stem(w) for w in tokenize(text) if w not in SPANISH_STOPWORDS]


def _quote(text: str) -> str:
    if len(text) <= QUOTE_CHARS:
        return text
    return text[: QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"
