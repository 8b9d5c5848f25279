"""upload_status: the status message of each inventory upload (a replay edits it);
applied_uploads: an upload applied once, whatever happens after

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "upload_status",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("document_message_id", sa.BigInteger(), nullable=False),
        sa.Column("status_message_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "document_message_id", name="pk_upload_status"),
    )
    op.create_index("ix_upload_status_created_at", "upload_status", ["created_at"])
    op.create_table(
        "applied_uploads",
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_applied_uploads"),
    )


def downgrade() -> None:
    op.drop_table("applied_uploads")
    op.drop_index("ix_upload_status_created_at", table_name="upload_status")
    op.drop_table("upload_status")
