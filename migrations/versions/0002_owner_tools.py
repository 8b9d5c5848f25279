"""owner tools: order status times, takeover, stock alerts, job runs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "paused_chats",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("paused_by", sa.BigInteger(), nullable=False),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_paused_chats")),
    )
    op.create_table(
        "relay_links",
        sa.Column("owner_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("owner_message_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner_chat_id", "owner_message_id", name=op.f("pk_relay_links")),
    )
    with op.batch_alter_table("relay_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relay_links_created_at"), ["created_at"], unique=False)
    op.create_table(
        "stock_alerts",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_stock_alerts_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_stock_alerts")),
    )
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(length=50), nullable=False),
        sa.Column("run_key", sa.String(length=50), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job", "run_key", name=op.f("pk_job_runs")),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
    op.drop_table("stock_alerts")
    with op.batch_alter_table("relay_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relay_links_created_at"))
    op.drop_table("relay_links")
    op.drop_table("paused_chats")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("delivered_at")
