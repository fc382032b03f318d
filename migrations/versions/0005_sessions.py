"""sign-in sessions kept server-side (token hashes)

Revision ID: 0005_sessions
Revises: 0004_column_mappings
Create Date: 2026-12-02
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005_sessions'
down_revision = '0004_column_mappings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('signin_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('single_sign_on', sa.Boolean(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_signin_session_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_signin_session_token_hash'))
    )
    with op.batch_alter_table('signin_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signin_session_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('signin_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signin_session_user_id'))
    op.drop_table('signin_session')
