"""update campaigns: campaign and campaign_invite (personal links, answers awaiting review)

Revision ID: 0003_campaigns
Revises: 0002_network_layout
Create Date: 2026-12-02
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0003_campaigns'
down_revision = '0002_network_layout'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the campaign tables."""
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('targeting', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('sector', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("targeting IN ('tous','secteur','non_verifies')", name=op.f('ck_campaign_targeting')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_campaign_council_id_council'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign'))
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_council_id'), ['council_id'], unique=False)

    op.create_table('campaign_invite',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('opened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('saved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('reviewed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('decisions', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_invite_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_campaign_invite_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_invite')),
    sa.UniqueConstraint('campaign_id', 'partner_id', name='uq_campaign_invite_partner'),
    sa.UniqueConstraint('token_hash', name=op.f('uq_campaign_invite_token_hash'))
    )
    with op.batch_alter_table('campaign_invite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_invite_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_invite_partner_id'), ['partner_id'], unique=False)



def downgrade() -> None:
    """Drop the campaign tables."""
    with op.batch_alter_table('campaign_invite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_invite_partner_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_invite_campaign_id'))

    op.drop_table('campaign_invite')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_council_id'))

    op.drop_table('campaign')
