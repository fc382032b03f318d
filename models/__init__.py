"""SQLModel tables of Maillage (and the default vocabularies); nothing else lives here."""

from sqlmodel import SQLModel

# Named constraints, so migrations (batch mode on SQLite) can find and alter them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from models.accounts import AuditEntry, SignInSession, User, UserCouncil, UserNetwork
from models.actions import (
    Action,
    ActionFunding,
    ActionPartner,
    ActionPlatform,
    ActionPublic,
    ActionTerritory,
    ActionTheme,
    CoverageRule,
    Indicator,
)
from models.campaigns import Campaign, CampaignInvite
from models.councils import (
    ColumnMapping,
    Council,
    CouncilTerritory,
    ExpectedTypology,
    Network,
    NetworkCouncil,
    NetworkPartner,
    WorkingGroup,
)
from models.geography import Territory
from models.layouts import NetworkLayout
from models.meta import AppMeta, VocabularyEntry
from models.partners import CooperationLink, Partner, PartnerTerritory

metadata = SQLModel.metadata

__all__ = [
    "Action",
    "ActionFunding",
    "ActionPartner",
    "ActionPlatform",
    "ActionPublic",
    "ActionTerritory",
    "ActionTheme",
    "AppMeta",
    "AuditEntry",
    "Campaign",
    "CampaignInvite",
    "ColumnMapping",
    "CooperationLink",
    "Council",
    "CouncilTerritory",
    "CoverageRule",
    "ExpectedTypology",
    "Indicator",
    "Network",
    "NetworkCouncil",
    "NetworkLayout",
    "NetworkPartner",
    "Partner",
    "PartnerTerritory",
    "SignInSession",
    "Territory",
    "User",
    "UserCouncil",
    "UserNetwork",
    "VocabularyEntry",
    "WorkingGroup",
    "metadata",
]
