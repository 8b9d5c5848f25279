"""orders: payment (method, state, provider reference, times), the order's life (preparing,
shipped with carrier and tracking, ready for pickup), electronic invoice data; outbox.photo
(a customer's receipt for the owners); payment_events (a provider's event applied once)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_COLUMNS = (
    ("payment_method", 20),
    ("payment_state", 20),
    ("payment_ref", 120),
    ("shipped_with", 80),
    ("tracking", 80),
    ("invoice_tax_id", 20),
    ("invoice_name", 160),
    ("invoice_email", 160),
)
MOMENTS = ("preparing_at", "shipped_at", "ready_at", "paid_at", "refunded_at")


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        for name, length in TEXT_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=False, server_default=""))
        for name in MOMENTS:
            batch.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_orders_payment_ref", ["payment_ref"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("photo", sa.String(200), nullable=False, server_default=""))
    op.create_table(
        "payment_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("event_id", sa.String(120), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(40), nullable=False, server_default=""),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payment_events"),
        sa.UniqueConstraint("provider", "event_id", name="uq_payment_events_provider"),
    )


def downgrade() -> None:
    op.drop_table("payment_events")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("photo")
    with op.batch_alter_table("orders") as batch:
        batch.drop_index("ix_orders_payment_ref")
        for name in reversed(MOMENTS):
            batch.drop_column(name)
        for name, _ in reversed(TEXT_COLUMNS):
            batch.drop_column(name)
