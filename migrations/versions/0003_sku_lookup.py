"""products: index on lower(sku), so an import finds "ext-abc-20" as EXT-ABC-20 without a scan

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_products_sku_lower", "products", [sa.text("lower(sku)")])


def downgrade() -> None:
    op.drop_index("ix_products_sku_lower", table_name="products")
