"""product_photos: a product's photo (URL or ZIP image until Telegram's file_id is known);
outbox.product_photos: the photos a reply carries; products by category and name (browsing)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "product_photos",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(200), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name="fk_product_photos_product_id_products",
        ),
        sa.PrimaryKeyConstraint("product_id", name="pk_product_photos"),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("product_photos", sa.String(200), nullable=False, server_default="")
        )
    op.create_index("ix_products_category_name", "products", ["category", "name"])


def downgrade() -> None:
    op.drop_index("ix_products_category_name", table_name="products")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("product_photos")
    op.drop_table("product_photos")
