"""network layout: partners' positions per drawn scope

Revision ID: 0002_network_layout
Revises: 0002_audit_entities
Create Date: 2026-12-02
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0002_network_layout'
down_revision = '0002_audit_entities'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('network_layout',
    sa.Column('scope_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('x', sa.Float(), nullable=False),
    sa.Column('y', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('scope_key', 'partner_id', name=op.f('pk_network_layout'))
    )


def downgrade() -> None:
    op.drop_table('network_layout')
