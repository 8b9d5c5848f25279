"""identity_proofs: a chat's attempts to prove a registered cédula by the phone on file
(rate-limited per chat)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_proofs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_identity_proofs"),
    )
    op.create_index("ix_identity_proofs_chat_id_at", "identity_proofs", ["chat_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_identity_proofs_chat_id_at", table_name="identity_proofs")
    op.drop_table("identity_proofs")
