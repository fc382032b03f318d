"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-29
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_meta',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_app_meta'))
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_login_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("role IN ('admin','coordinateur','reseau','elu')", name=op.f('ck_app_user_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('email', name=op.f('uq_app_user_email'))
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('user_email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('operation', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('before', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('after', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_entity'), ['entity'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_user_email'), ['user_email'], unique=False)

    op.create_table('council',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('coordination_contact', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('last_plenary', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('active','en_sommeil')", name=op.f('ck_council_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council')),
    sa.UniqueConstraint('name', name=op.f('uq_council_name'))
    )
    op.create_table('network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('regional','promeneurs_du_net','thematique')", name=op.f('ck_network_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network')),
    sa.UniqueConstraint('name', name=op.f('uq_network_name'))
    )
    op.create_table('territory',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('zone', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('epci_kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
    sa.Column('departement_code', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
    sa.Column('epci_code', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=True),
    sa.Column('ept_code', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=True),
    sa.Column('commune_code', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
    sa.Column('search_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.CheckConstraint("level IN ('reg','dep','epci','ept','com','sub')", name=op.f('ck_territory_level')),
    sa.CheckConstraint('population >= 0', name=op.f('ck_territory_population')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_territory'))
    )
    with op.batch_alter_table('territory', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_territory_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_territory_departement_code'), ['departement_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_territory_epci_code'), ['epci_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_territory_ept_code'), ['ept_code'], unique=False)
        batch_op.create_index('ix_territory_level_code', ['level', 'code'], unique=False)
        batch_op.create_index(batch_op.f('ix_territory_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_territory_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_territory_search_name'), ['search_name'], unique=False)

    op.create_table('vocabulary',
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('group_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'code', name=op.f('pk_vocabulary'))
    )
    op.create_table('action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('action_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('weekly_hours', sa.Float(), nullable=True),
    sa.Column('budget_eur', sa.Float(), nullable=True),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('evaluation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('archived_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("mode IS NULL OR mode IN ('site','mobile','en_ligne')", name=op.f('ck_action_mode')),
    sa.CheckConstraint("status IN ('projet','en_cours','terminee','suspendue')", name=op.f('ck_action_status')),
    sa.CheckConstraint('budget_eur IS NULL OR budget_eur >= 0', name=op.f('ck_action_budget')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_action_dates')),
    sa.CheckConstraint('weekly_hours IS NULL OR weekly_hours >= 0', name=op.f('ck_action_hours')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_action_council_id_council')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action')),
    sa.UniqueConstraint('title', 'council_id', name='uq_action_title_council')
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_action_type'), ['action_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_council_id'), ['council_id'], unique=False)

    op.create_table('council_territory',
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('territory_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_council_territory_council_id_council'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['territory_key'], ['territory.key'], name=op.f('fk_council_territory_territory_key_territory')),
    sa.PrimaryKeyConstraint('council_id', 'territory_key', name=op.f('pk_council_territory'))
    )
    op.create_table('coverage_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('action_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('public', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('population_min', sa.Integer(), nullable=False),
    sa.CheckConstraint('population_min >= 0', name=op.f('ck_coverage_rule_population')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_coverage_rule_council_id_council'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverage_rule')),
    sa.UniqueConstraint('council_id', 'action_type', 'public', name='uq_coverage_rule')
    )
    with op.batch_alter_table('coverage_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coverage_rule_council_id'), ['council_id'], unique=False)

    op.create_table('expected_typology',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('codes', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_expected_typology_council_id_council'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expected_typology')),
    sa.UniqueConstraint('council_id', 'codes', name='uq_expected_typology')
    )
    with op.batch_alter_table('expected_typology', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expected_typology_council_id'), ['council_id'], unique=False)

    op.create_table('network_council',
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_network_council_council_id_council'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_network_council_network_id_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('network_id', 'council_id', name=op.f('pk_network_council'))
    )
    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('typology', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('seat_commune_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('siret', sqlmodel.sql.sqltypes.AutoString(length=14), nullable=True),
    sa.Column('website', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('contact_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('contact_role', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('contact_phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('archived_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('siret IS NULL OR length(siret) = 14', name=op.f('ck_partner_siret')),
    sa.ForeignKeyConstraint(['seat_commune_key'], ['territory.key'], name=op.f('fk_partner_seat_commune_key_territory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner')),
    sa.UniqueConstraint('name', 'seat_commune_key', name='uq_partner_name_commune')
    )
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_partner_seat_commune_key'), ['seat_commune_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_partner_typology'), ['typology'], unique=False)

    op.create_table('user_council',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_user_council_council_id_council'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_council_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'council_id', name=op.f('pk_user_council'))
    )
    op.create_table('user_network',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_user_network_network_id_network'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_network_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'network_id', name=op.f('pk_user_network'))
    )
    op.create_table('working_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_working_group_council_id_council'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_group')),
    sa.UniqueConstraint('council_id', 'name', name='uq_working_group')
    )
    with op.batch_alter_table('working_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_working_group_council_id'), ['council_id'], unique=False)

    op.create_table('action_funding',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('funding', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_funding_action_id_action'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('action_id', 'funding', name=op.f('pk_action_funding'))
    )
    op.create_table('action_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_partner_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_action_partner_partner_id_partner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_partner')),
    sa.UniqueConstraint('action_id', 'partner_id', 'role', name='uq_action_partner_role')
    )
    with op.batch_alter_table('action_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_partner_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_partner_partner_id'), ['partner_id'], unique=False)

    op.create_table('action_platform',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_platform_action_id_action'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('action_id', 'platform', name=op.f('pk_action_platform'))
    )
    op.create_table('action_public',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('public', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_public_action_id_action'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('action_id', 'public', name=op.f('pk_action_public'))
    )
    op.create_table('action_territory',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('territory_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_territory_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['territory_key'], ['territory.key'], name=op.f('fk_action_territory_territory_key_territory')),
    sa.PrimaryKeyConstraint('action_id', 'territory_key', name=op.f('pk_action_territory'))
    )
    op.create_table('action_theme',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_theme_action_id_action'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('action_id', 'theme', name=op.f('pk_action_theme'))
    )
    op.create_table('cooperation_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('partner_a_id', sa.Integer(), nullable=False),
    sa.Column('partner_b_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('convention','cofinancement','gouvernance','orientation','echange')", name=op.f('ck_cooperation_link_kind')),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name=op.f('ck_cooperation_link_dates')),
    sa.CheckConstraint('level BETWEEN 1 AND 4', name=op.f('ck_cooperation_link_level')),
    sa.CheckConstraint('partner_a_id < partner_b_id', name=op.f('ck_cooperation_link_ordered_pair')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_cooperation_link_council_id_council')),
    sa.ForeignKeyConstraint(['partner_a_id'], ['partner.id'], name=op.f('fk_cooperation_link_partner_a_id_partner')),
    sa.ForeignKeyConstraint(['partner_b_id'], ['partner.id'], name=op.f('fk_cooperation_link_partner_b_id_partner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperation_link')),
    sa.UniqueConstraint('council_id', 'partner_a_id', 'partner_b_id', 'kind', name='uq_link_natural')
    )
    with op.batch_alter_table('cooperation_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_link_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_link_partner_a_id'), ['partner_a_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_link_partner_b_id'), ['partner_b_id'], unique=False)

    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('people_reached', sa.Integer(), nullable=True),
    sa.Column('sessions', sa.Integer(), nullable=True),
    sa.Column('online_contacts', sa.Integer(), nullable=True),
    sa.Column('referrals', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('(people_reached IS NULL OR people_reached >= 0) AND (sessions IS NULL OR sessions >= 0) AND (online_contacts IS NULL OR online_contacts >= 0) AND (referrals IS NULL OR referrals >= 0)', name=op.f('ck_indicator_counts')),
    sa.CheckConstraint('year BETWEEN 1990 AND 2100', name=op.f('ck_indicator_year')),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_indicator_action_id_action'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('action_id', 'year', name='uq_indicator_year')
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_action_id'), ['action_id'], unique=False)

    op.create_table('network_partner',
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_network_partner_network_id_network'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_network_partner_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('network_id', 'partner_id', name=op.f('pk_network_partner'))
    )
    op.create_table('partner_territory',
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('territory_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_partner_territory_partner_id_partner'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['territory_key'], ['territory.key'], name=op.f('fk_partner_territory_territory_key_territory')),
    sa.PrimaryKeyConstraint('partner_id', 'territory_key', name=op.f('pk_partner_territory'))
    )


def downgrade() -> None:
    op.drop_table('partner_territory')
    op.drop_table('network_partner')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_action_id'))

    op.drop_table('indicator')
    with op.batch_alter_table('cooperation_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperation_link_partner_b_id'))
        batch_op.drop_index(batch_op.f('ix_cooperation_link_partner_a_id'))
        batch_op.drop_index(batch_op.f('ix_cooperation_link_council_id'))

    op.drop_table('cooperation_link')
    op.drop_table('action_theme')
    op.drop_table('action_territory')
    op.drop_table('action_public')
    op.drop_table('action_platform')
    with op.batch_alter_table('action_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_partner_partner_id'))
        batch_op.drop_index(batch_op.f('ix_action_partner_action_id'))

    op.drop_table('action_partner')
    op.drop_table('action_funding')
    with op.batch_alter_table('working_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_working_group_council_id'))

    op.drop_table('working_group')
    op.drop_table('user_network')
    op.drop_table('user_council')
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_typology'))
        batch_op.drop_index(batch_op.f('ix_partner_seat_commune_key'))
        batch_op.drop_index(batch_op.f('ix_partner_name'))

    op.drop_table('partner')
    op.drop_table('network_council')
    with op.batch_alter_table('expected_typology', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expected_typology_council_id'))

    op.drop_table('expected_typology')
    with op.batch_alter_table('coverage_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coverage_rule_council_id'))

    op.drop_table('coverage_rule')
    op.drop_table('council_territory')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_council_id'))
        batch_op.drop_index(batch_op.f('ix_action_action_type'))

    op.drop_table('action')
    op.drop_table('vocabulary')
    with op.batch_alter_table('territory', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_territory_search_name'))
        batch_op.drop_index(batch_op.f('ix_territory_region_code'))
        batch_op.drop_index(batch_op.f('ix_territory_name'))
        batch_op.drop_index('ix_territory_level_code')
        batch_op.drop_index(batch_op.f('ix_territory_ept_code'))
        batch_op.drop_index(batch_op.f('ix_territory_epci_code'))
        batch_op.drop_index(batch_op.f('ix_territory_departement_code'))
        batch_op.drop_index(batch_op.f('ix_territory_commune_code'))

    op.drop_table('territory')
    op.drop_table('network')
    op.drop_table('council')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_user_email'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_record_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_entity'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
    op.drop_table('app_user')
    op.drop_table('app_meta')
