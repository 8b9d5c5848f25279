"""product_staging: an inventory upload is staged in short transactions, then swapped in

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

Written on a branch without 0004 (the outbox); re-chained onto 0004 when merged.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "product_staging",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.String(length=32), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("deactivate", sa.Boolean(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=120), nullable=True),
        sa.Column("price_minor", sa.BigInteger(), nullable=True),
        sa.Column("stock", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("staged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_staging")),
    )
    with op.batch_alter_table("product_staging", schema=None) as batch_op:
        batch_op.create_index(
            "ix_product_staging_import_id_product_id", ["import_id", "product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_product_staging_staged_at"), ["staged_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("product_staging", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_staging_staged_at"))
        batch_op.drop_index("ix_product_staging_import_id_product_id")
    op.drop_table("product_staging")
