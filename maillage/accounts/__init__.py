"""People and their rights: accounts, sign-in, roles and permission rules, the audit journal."""

from maillage.core.exports import lazy_exports

_EXPORTS = {
    "Actor": "access",
    "SYSTEM": "access",
    "actor_for_email": "access",
    "can_read_council": "access",
    "can_write_council": "access",
    "peer_council_ids": "access",
    "require_admin": "access",
    "require_read_council": "access",
    "require_write_council": "access",
    "workspace_council_ids": "access",
    "DEMO_ACCOUNTS_FILE": "creation",
    "create_demo_accounts": "creation",
    "remove_demo": "creation",
    "ENTITY_LABELS": "journal",
    "OPERATION_LABELS": "journal",
    "audit_users": "journal",
    "list_audit": "journal",
    "record_history": "journal",
    "SignInError": "signin",
    "actor_for_single_sign_on": "signin",
    "authenticate": "signin",
    "demo_accounts": "signin",
    "idle_timeout": "signin",
    "session_expired": "signin",
    "add_user": "users",
    "disable_user": "users",
    "list_users": "users",
    "my_account": "users",
    "scope_choices": "users",
    "set_password": "users",
    "update_user": "users",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
