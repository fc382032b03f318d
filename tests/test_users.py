"""Account management: administrators only, validated, audited; and the `user` commands with `--as`."""

import pytest
from sqlmodel import Session, select

from maillage.accounts import (
    SYSTEM,
    Actor,
    add_user,
    disable_user,
    list_audit,
    list_users,
    my_account,
    record_history,
    set_password,
    update_user,
)
from maillage.commands.cli import main
from maillage.core import ConflictError, PermissionDenied, ValidationError
from models import User
from tests.builders import add_council, add_mini_geography

COORD = Actor("coord@ville.fr", "coordinateur", council_ids=frozenset({1}))


@pytest.fixture
def base(empty_engine):
    with Session(empty_engine) as session:
        add_mini_geography(session)
        add_council(session, "CLSPD de Bordeaux", ["com:33063"])
        add_council(session, "CLSPD de Saintes", ["com:17415"])
        session.commit()
    return empty_engine


def test_admin_creates_and_changes_accounts(base):
    with Session(base) as session:
        user = add_user(session, SYSTEM, "Coord@Ville.fr", "coordinateur", password="0123456789",
                        councils=["clspd de bordeaux"])
        session.commit()
        rows = list_users(session, SYSTEM)
        assert [(r.email, r.role, r.councils) for r in rows] == [("coord@ville.fr", "coordinateur", ("CLSPD de Bordeaux",))]
        update_user(session, SYSTEM, "coord@ville.fr", role="elu", councils=["CLSPD de Saintes"], networks=[],
                    display_name="Élue", active=True, expected_version=user.version)
        session.commit()
        row = list_users(session, SYSTEM)[0]
        assert (row.role, row.councils, row.display_name) == ("elu", ("CLSPD de Saintes",), "Élue")
        history = record_history(session, SYSTEM, "user", user.id)
        assert [h.operation for h in history] == ["update", "create"]
        assert ("role", "coordinateur", "elu") in history[0].changed_fields()


def test_stale_account_form_is_refused(base):
    with Session(base) as session:
        user = add_user(session, SYSTEM, "a@ville.fr", "admin", password="0123456789")
        session.commit()
        version = user.version
        update_user(session, SYSTEM, "a@ville.fr", role="admin", councils=[], networks=[], display_name="A",
                    active=True, expected_version=version)
        session.commit()
        with pytest.raises(ConflictError, match="a été modifié par ligne de commande"):
            update_user(session, SYSTEM, "a@ville.fr", role="admin", councils=[], networks=[], display_name="B",
                        active=True, expected_version=version)


@pytest.mark.parametrize("kwargs, message", [
    (dict(email="pas-une-adresse", role="admin"), "n'est pas une adresse e-mail"),
    (dict(email="x@ville.fr", role="chef"), "n'est pas un rôle"),
    (dict(email="x@ville.fr", role="coordinateur"), "au moins une instance"),
    (dict(email="x@ville.fr", role="reseau"), "au moins un réseau"),
    (dict(email="x@ville.fr", role="elu", councils=["CLSPD inconnu"]), "n'est pas une instance connue"),
    (dict(email="x@ville.fr", role="admin", password="court"), "au moins 10 caractères"),
])
def test_bad_accounts_are_refused(base, kwargs, message):
    with Session(base) as session:
        with pytest.raises(ValidationError, match=message):
            add_user(session, SYSTEM, kwargs.pop("email"), kwargs.pop("role"), **kwargs)


def test_only_administrators_manage_accounts(base):
    with Session(base) as session:
        add_user(session, SYSTEM, "coord@ville.fr", "coordinateur", councils=["CLSPD de Bordeaux"])
        session.commit()
        for call in (lambda: list_users(session, COORD),
                     lambda: add_user(session, COORD, "y@ville.fr", "admin"),
                     lambda: disable_user(session, COORD, "coord@ville.fr"),
                     lambda: set_password(session, COORD, "autre@ville.fr", "0123456789"),
                     lambda: list_audit(session, COORD)):
            with pytest.raises(PermissionDenied):
                call()
        set_password(session, COORD, "coord@ville.fr", "nouveau-mot-de-passe")  # one's own password
        assert my_account(session, COORD).email == "coord@ville.fr"
        assert my_account(session, SYSTEM) is None


def test_an_admin_cannot_lock_themself_out(base):
    with Session(base) as session:
        add_user(session, SYSTEM, "admin@ville.fr", "admin", password="0123456789")
        session.commit()
        me = Actor("admin@ville.fr", "admin")
        with pytest.raises(ValidationError):
            disable_user(session, me, "admin@ville.fr")
        with pytest.raises(ValidationError):
            update_user(session, me, "admin@ville.fr", role="elu", councils=["CLSPD de Bordeaux"], networks=[],
                        display_name="", active=True)


def test_user_commands(base, use_database, monkeypatch, capsys):
    use_database(base.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MAILLAGE_PASSWORD", "mot-de-passe-solide")
    assert main(["user", "add", "Admin@Ville.fr", "--role", "admin"]) == 0
    assert main(["user", "add", "coord@ville.fr", "--role", "coordinateur", "--council", "CLSPD de Bordeaux"]) == 0
    assert "Compte créé" in capsys.readouterr().out
    assert main(["user", "list"]) == 0
    out = capsys.readouterr().out
    assert "admin@ville.fr\tadmin\tactif" in out and "CLSPD de Bordeaux" in out
    assert main(["user", "list", "--as", "coord@ville.fr"]) == 3
    assert capsys.readouterr().err.startswith("Accès refusé : seul un administrateur")
    assert main(["user", "disable", "coord@ville.fr", "--as", "admin@ville.fr"]) == 0
    assert main(["user", "list", "--as", "coord@ville.fr"]) == 3  # disabled: refused too
    assert "désactivé" in capsys.readouterr().err
    assert main(["user", "add", "x@ville.fr", "--role", "elu"]) == 1
    assert "au moins une instance" in capsys.readouterr().err
    with Session(base) as session:
        assert session.exec(select(User).where(User.email == "x@ville.fr")).first() is None
