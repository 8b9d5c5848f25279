"""Product photos: where each comes from, and Telegram's file_id once it was sent."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialects import dialect_insert, execute_core
from db.models import ProductPhotoRow, utcnow
from domain.model import NewPhoto, ProductPhoto, photo_digest

CHUNK = 500
PUT_CHUNK = 5_000  # photos per executemany
DIGEST_CHUNK = 20  # image bytes read at a time (each up to a few MB)
# Which products of a reply have a photo: asked for every list and card, so built once and
# run as Core (db/dialects.py).
_photos = cast(Table, ProductPhotoRow.__table__)
_HAVING = select(_photos.c.product_id).where(
    _photos.c.product_id.in_(bindparam("ids", expanding=True))
)


class PhotoRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of(self, product_ids: Sequence[int]) -> dict[int, ProductPhoto]:
        """The photos of these products (those that have one)."""
        found: dict[int, ProductPhoto] = {}
        for start in range(0, len(product_ids), CHUNK):
            chunk = list(product_ids[start : start + CHUNK])
            rows = await self._session.scalars(
                select(ProductPhotoRow).where(ProductPhotoRow.product_id.in_(chunk))
            )
            found.update(
                {
                    row.product_id: ProductPhoto(
                        row.product_id, row.revision, row.file_id, row.url, row.content
                    )
                    for row in rows
                }
            )
        return found

    async def having(self, product_ids: Sequence[int]) -> set[int]:
        """Which of these products have a photo."""
        having: set[int] = set()
        for start in range(0, len(product_ids), CHUNK):
            chunk = list(product_ids[start : start + CHUNK])
            rows = await execute_core(self._session, _HAVING, {"ids": chunk})
            having.update(rows.scalars())
        return having

    async def urls(self, product_ids: Sequence[int]) -> dict[int, str]:
        """The stored URL of each of these products that has a photo ("" when its photo is
        image bytes or only a Telegram file_id); no image bytes are read."""
        found: dict[int, str] = {}
        for start in range(0, len(product_ids), CHUNK):
            chunk = list(product_ids[start : start + CHUNK])
            rows = await self._session.execute(
                select(ProductPhotoRow.product_id, ProductPhotoRow.url).where(
                    ProductPhotoRow.product_id.in_(chunk)
                )
            )
            found.update({product_id: url for product_id, url in rows})
        return found

    async def digests(self, product_ids: Sequence[int]) -> dict[int, str]:
        """The digest (domain.model.photo_digest) of each of these products' stored image
        bytes, for those whose photo is image bytes. Reads the bytes: for a ZIP's images."""
        found: dict[int, str] = {}
        for start in range(0, len(product_ids), DIGEST_CHUNK):
            chunk = list(product_ids[start : start + DIGEST_CHUNK])
            rows = await self._session.execute(
                select(ProductPhotoRow.product_id, ProductPhotoRow.content).where(
                    ProductPhotoRow.product_id.in_(chunk), ProductPhotoRow.content.is_not(None)
                )
            )
            found.update(
                {
                    product_id: photo_digest(content)
                    for product_id, content in rows
                    if content is not None
                }
            )
        return found

    async def put(self, photos: Iterable[NewPhoto]) -> int:
        """Set each product's photo (a new revision: a file_id learnt for the old one is
        dropped unless the new photo is itself a file_id); how many were written."""
        now = utcnow()
        rows = [
            {
                "product_id": photo.product_id,
                "revision": 1,
                "file_id": photo.file_id,
                "url": photo.url,
                "content": photo.content,
                "updated_at": now,
            }
            for photo in {photo.product_id: photo for photo in photos}.values()
        ]
        if not rows:
            return 0
        insert = dialect_insert(self._session)
        # The table, not the ORM class, and one executemany: an import's 100k photos are
        # written inside its swap, where a statement compiled per chunk took seconds.
        statement = insert(cast(Table, ProductPhotoRow.__table__))
        upsert = statement.on_conflict_do_update(
            index_elements=["product_id"],
            set_={
                "revision": ProductPhotoRow.revision + 1,
                "file_id": statement.excluded.file_id,
                "url": statement.excluded.url,
                "content": statement.excluded.content,
                "updated_at": statement.excluded.updated_at,
            },
        )
        for start in range(0, len(rows), PUT_CHUNK):  # the event loop breathes between
            await self._session.execute(upsert, rows[start : start + PUT_CHUNK])
        return len(rows)

    async def remember_file_id(self, product_id: int, revision: int, file_id: str) -> bool:
        """Telegram's id of the photo just sent, kept only if the photo is still that one."""
        outcome = await self._session.execute(
            update(ProductPhotoRow)
            .where(
                ProductPhotoRow.product_id == product_id,
                ProductPhotoRow.revision == revision,
                ProductPhotoRow.file_id == "",
            )
            .values(file_id=file_id)
            .execution_options(synchronize_session=False)
        )
        return isinstance(outcome, CursorResult) and outcome.rowcount == 1
