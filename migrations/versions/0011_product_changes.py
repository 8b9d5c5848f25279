"""product_changes: the audit of every change to a product (import, quick edit, sale, cancel)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "product_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(20), nullable=False),
        sa.Column("old", sa.Text(), nullable=False, server_default=""),
        sa.Column("new", sa.Text(), nullable=False, server_default=""),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_product_changes"),
    )
    op.create_index("ix_product_changes_product_id_id", "product_changes", ["product_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_product_changes_product_id_id", table_name="product_changes")
    op.drop_table("product_changes")
