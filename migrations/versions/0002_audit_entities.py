"""audit entity names as the write protocol's enum writes them

Revision ID: 0002_audit_entities
Revises: 0001
Create Date: 2026-12-02

Links were journalled as `cooperation_link` and restores as `sauvegarde`, names the journal's filter did not
know; they become `link` and `backup` (maillage.core.writes.Entity).
"""

from alembic import op

revision = "0002_audit_entities"
down_revision = "0001"
branch_labels = None
depends_on = None

RENAMES = (("cooperation_link", "link"), ("sauvegarde", "backup"))


def upgrade() -> None:
    for old, new in RENAMES:
        op.execute(f"UPDATE audit_entry SET entity = '{new}' WHERE entity = '{old}'")


def downgrade() -> None:
    for old, new in RENAMES:
        op.execute(f"UPDATE audit_entry SET entity = '{old}' WHERE entity = '{new}'")
