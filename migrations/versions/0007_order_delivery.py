"""orders: how each order is delivered, where, and the fee (included in total_minor)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(
            sa.Column("delivery_method", sa.String(20), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("delivery_place", sa.String(120), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("delivery_fee_minor", sa.BigInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("delivery_fee_minor")
        batch.drop_column("delivery_place")
        batch.drop_column("delivery_method")
