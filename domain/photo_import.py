"""The photos an inventory import (or a ZIP of images named by sku) gives products.

Only what changes is written: a photo the file names again — the same https URL, or image
bytes with the same digest — keeps its revision and the Telegram file_id learnt for it.
The comparison reads the stored photos before the import's swap (no write lock held); the
swap then writes the changed ones in its own transaction, so the photos land with the
products or not at all. A photo the owner changes in the seconds between the two (a photo
sent with its sku during a big import) stays when the file names the photo it had before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from domain import texts
from domain.inventory import FILE_LEVEL, InvalidInventory, InventoryRow, RowError
from domain.model import NewPhoto, ProductChange, photo_digest
from domain.money import format_count
from domain.ports import UnitOfWork

UNKNOWN_SHOWN = 10  # image names a summary lists whose sku is not a product
PHOTO_FIELD = "photo"  # a new photo in the products' history (ProductChange.field)


@dataclass(frozen=True)
class PhotoCount:
    """What an import did to photos: products that got their first photo, a different one,
    or were named with the photo they already had; images it could not use."""

    new: int = 0
    changed: int = 0
    same: int = 0
    unknown: tuple[str, ...] = ()  # a few image names whose sku is no product
    unknown_count: int = 0
    unused: int = 0  # images of the ZIP no row names

    @property
    def written(self) -> int:
        return self.new + self.changed


@dataclass
class PhotoPlan:
    """The photos an import's swap writes: of stored products (only those that change) and
    of the products the swap creates (by sku: their ids exist once it ran)."""

    stored: list[NewPhoto] = field(default_factory=list)
    created: list[tuple[str, NewPhoto]] = field(default_factory=list)
    count: PhotoCount = PhotoCount()


def is_url(image: str) -> bool:
    return image.lower().startswith("https://")


async def plan_photos(
    uow: UnitOfWork,
    rows: Sequence[InventoryRow],
    targets: Sequence[int | None],
    images: Mapping[str, bytes],
) -> PhotoPlan:
    """Compare the photos the rows name with the stored ones (their URL, the digest of their
    bytes) and keep what changes; `targets`: each row's product (None: a new one). The work
    per row runs in worker threads, as the import's matching does: 100k rows would hold
    the event loop for most of a second."""
    named = await asyncio.to_thread(_named, rows, targets)
    unused = len(set(images) - {image for _, image, _ in named})
    if not named:
        return PhotoPlan(count=PhotoCount(unused=unused))
    stored_ids = [target for _, _, target in named if target is not None]
    async with uow:
        urls = await uow.photos.urls(stored_ids)
        with_bytes = [
            t for _, image, t in named if t is not None and t in urls and not is_url(image)
        ]
        digests = await uow.photos.digests(with_bytes) if with_bytes else {}
    plan = await asyncio.to_thread(_compare, named, urls, digests, images)
    plan.count = replace(plan.count, unused=unused)
    return plan


Named = list[tuple[str, str, int | None]]  # sku, image, product (None: a new one)


def _named(rows: Sequence[InventoryRow], targets: Sequence[int | None]) -> Named:
    return [
        (row.sku, row.image, target)
        for row, target in zip(rows, targets, strict=True)
        if row.image is not None
    ]


def _compare(
    named: Named, urls: Mapping[int, str], digests: Mapping[int, str], images: Mapping[str, bytes]
) -> PhotoPlan:
    plan = PhotoPlan()
    digest_of: dict[str, str] = {}
    new = changed = same = 0
    for sku, image, target in named:
        photo = NewPhoto(0, url=image) if is_url(image) else NewPhoto(0, content=images[image])
        if target is None:
            plan.created.append((sku, photo))
            new += 1
            continue
        if target not in urls:
            new += 1
        elif _same(photo, image, urls[target], digests.get(target), digest_of):
            same += 1
            continue
        else:
            changed += 1
        plan.stored.append(NewPhoto(target, photo.url, photo.content))
    plan.count = PhotoCount(new, changed, same)
    return plan


def _same(
    photo: NewPhoto, image: str, url: str, digest: str | None, digest_of: dict[str, str]
) -> bool:
    if photo.content is None:
        return photo.url == url
    if digest is None:
        return False
    if image not in digest_of:
        digest_of[image] = photo_digest(photo.content)
    return digest_of[image] == digest


async def write_photos(
    uow: UnitOfWork, plan: PhotoPlan, import_id: str = "", *, actor: str, source: str
) -> int:
    """Inside the swap of import `import_id`, after it applied: the planned photos (of the
    products it created, by sku), each in the products' history; how many."""
    photos = plan.stored
    if plan.created:
        ids = await uow.products.created_ids(import_id)
        photos = photos + await asyncio.to_thread(_with_ids, plan.created, ids)
    if not photos:
        return 0
    written = await uow.photos.put(photos)
    await uow.products.record_changes(photo_changes(photos, actor, source))
    return written


def photo_changes(photos: Sequence[NewPhoto], actor: str, source: str) -> list[ProductChange]:
    """A new photo as the product's history keeps it."""
    return [ProductChange(photo.product_id, PHOTO_FIELD, "", "", actor, source) for photo in photos]


def _with_ids(created: list[tuple[str, NewPhoto]], ids: Mapping[str, int]) -> list[NewPhoto]:
    return [NewPhoto(ids[sku], photo.url, photo.content) for sku, photo in created if sku in ids]


def sku_rows(images: Mapping[str, bytes]) -> list[InventoryRow]:
    """A ZIP of images alone: each image names its product ("EXT-ABC-20.jpg"), as a row
    that only sets the photo; two images of one sku refuse the ZIP."""
    rows: list[InventoryRow] = []
    first: dict[str, str] = {}
    problems: list[RowError] = []
    for name in images:
        sku = PurePosixPath(name).stem.strip()
        earlier = first.setdefault(sku.casefold(), name)
        if earlier != name:
            reason = texts.PHOTOS_ZIP_TWICE.format(first=earlier, second=name)
            problems.append(RowError(FILE_LEVEL, "", reason))
            continue
        rows.append(
            InventoryRow(sku, None, None, None, None, None, None, line=FILE_LEVEL, image=name)
        )
    if problems:
        raise InvalidInventory(problems)
    return rows


def render_photos(count: PhotoCount) -> list[str]:
    """The summary's photo lines ("📷 Fotos: 3 nuevas, 1 cambiada."), none when the file
    named no photo."""
    lines = []
    parts = [
        (one if n == 1 else many.format(count=format_count(n)))
        for n, one, many in (
            (count.new, texts.PHOTOS_NEW_ONE, texts.PHOTOS_NEW),
            (count.changed, texts.PHOTOS_CHANGED_ONE, texts.PHOTOS_CHANGED),
            (count.same, texts.PHOTOS_SAME_ONE, texts.PHOTOS_SAME),
        )
        if n
    ]
    if parts:
        lines.append(texts.PHOTOS_SUMMARY.format(parts=", ".join(parts)))
    if count.unknown_count:
        names = ", ".join(count.unknown)
        if count.unknown_count > len(count.unknown):
            more = count.unknown_count - len(count.unknown)
            names += texts.OWNER_IMPORT_MORE.format(count=format_count(more))
        lines.append(texts.PHOTOS_UNKNOWN.format(names=names))
    if count.unused == 1:
        lines.append(texts.PHOTOS_UNUSED_ONE)
    elif count.unused:
        lines.append(texts.PHOTOS_UNUSED.format(count=format_count(count.unused)))
    return lines
