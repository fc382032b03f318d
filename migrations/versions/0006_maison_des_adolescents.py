"""typology « Maison des adolescents » (MDA) added to databases whose vocabularies are already seeded

Revision ID: 0006_maison_des_adolescents
Revises: 0005_sessions
Create Date: 2026-12-02

A maison des adolescents was filed under `SANTE` (« Santé (ARS, hôpital, maison des adolescents) »); it gets its
own typology in the health sector, placed just after `CMP`. The `SANTE` label loses « maison des adolescents »
where an administrator has not renamed it. A database not yet seeded gets both from the defaults
(maillage.vocabularies.seed_vocabularies). Downgrading removes `MDA` only when no partner uses it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_maison_des_adolescents"
down_revision = "0005_sessions"
branch_labels = None
depends_on = None

OLD_SANTE = "Santé (ARS, hôpital, maison des adolescents)"
NEW_SANTE = "Santé (ARS, hôpital)"


def upgrade() -> None:
    """Add MDA after CMP (same position: codes sort CMP before MDA) and shorten SANTE's default label."""
    connection = op.get_bind()
    typologies = {code: position for code, position in connection.execute(
        sa.text("SELECT code, position FROM vocabulary WHERE kind = 'typology'"))}
    if typologies and "MDA" not in typologies:
        position = typologies.get("CMP", max(typologies.values()) + 1)
        connection.execute(
            sa.text("INSERT INTO vocabulary (kind, code, label, group_code, position, active) "
                    "VALUES ('typology', 'MDA', 'Maison des adolescents', 'sante', :position, :active)"),
            {"position": position, "active": True})
    connection.execute(sa.text("UPDATE vocabulary SET label = :new WHERE kind = 'typology' AND code = 'SANTE' "
                               "AND label = :old"), {"new": NEW_SANTE, "old": OLD_SANTE})


def downgrade() -> None:
    """Remove MDA when no partner uses it, and give SANTE its former default label back."""
    connection = op.get_bind()
    connection.execute(sa.text("DELETE FROM vocabulary WHERE kind = 'typology' AND code = 'MDA' "
                               "AND NOT EXISTS (SELECT 1 FROM partner WHERE partner.typology = 'MDA')"))
    connection.execute(sa.text("UPDATE vocabulary SET label = :old WHERE kind = 'typology' AND code = 'SANTE' "
                               "AND label = :new"), {"new": NEW_SANTE, "old": OLD_SANTE})
