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
    "ENTITY_LABELS": "journal",
    "OPERATION_LABELS": "journal",
    "audit_users": "journal",
    "list_audit": "journal",
    "record_history": "journal",
    "SignInError": "signin",
    "actor_for_single_sign_on": "signin",
    "authenticate": "signin",
    "demo_accounts": "signin",
    "OpenSession": "sessions",
    "Resumed": "sessions",
    "close_my_session": "sessions",
    "idle_timeout": "sessions",
    "list_open_sessions": "sessions",
    "open_session": "sessions",
    "resume_session": "sessions",
    "revoke_session": "sessions",
    "revoke_user_sessions": "sessions",
    "session_expired": "sessions",
    "session_is_live": "sessions",
    "session_lifetime": "sessions",
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
