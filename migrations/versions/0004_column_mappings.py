"""column mappings remembered per council

Revision ID: 0004_column_mappings
Revises: 0003_campaigns
Create Date: 2026-12-02
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004_column_mappings'
down_revision = '0003_campaigns'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('column_mapping',
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('header', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('column', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_column_mapping_council_id_council'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('council_id', 'kind', 'header', name=op.f('pk_column_mapping'))
    )


def downgrade() -> None:
    op.drop_table('column_mapping')
