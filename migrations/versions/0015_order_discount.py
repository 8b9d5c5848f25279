"""order_lines.discount_minor: the volume discount each line was sold with

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE on both databases: a batch copy of order_lines would reflect the
    # products table, whose expression index SQLAlchemy cannot reflect on SQLite.
    op.add_column(
        "order_lines",
        sa.Column("discount_minor", sa.BigInteger(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.execute("ALTER TABLE order_lines DROP COLUMN discount_minor")  # SQLite 3.35 and later
