"""Command line: `python -m maillage COMMAND …` — exit 0 on success, a one-line French message otherwise."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from maillage.core.errors import MaillageError, NotFoundError, PermissionDenied

# Each module registers its commands on the subparsers; add a module here to add commands.
COMMAND_MODULES = (
    "maillage.commands.base",
    "maillage.commands.network",
    "maillage.commands.campaigns",
    "maillage.commands.actions",
    "maillage.commands.users",
    "maillage.commands.coverage",
    "maillage.commands.exchange",
    "maillage.commands.scale",
    "maillage.commands.restitution",
)

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_PERMISSION = 3


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors in French and exit code 2."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        translated = (message.replace("the following arguments are required", "arguments obligatoires manquants")
                      .replace("invalid choice", "choix invalide").replace("choose from", "valeurs possibles :").replace("unrecognized arguments", "arguments inconnus")
                      .replace("not allowed with argument", "incompatible avec l'argument")
                      .replace("one of the arguments", "un des arguments").replace("is required", "est obligatoire")
                      .replace("argument", "argument").replace("expected one argument", "une valeur est attendue"))
        self.exit(EXIT_USAGE, f"Erreur : {translated}\n")


def database_problem(error) -> str:
    """A French sentence for a database failure: not initialised, or unreachable."""
    text = str(error.orig).lower()
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return "la base n'est pas initialisée : lancez « python -m maillage init »."
    if "connect" in text or "unable to open" in text or "password" in text:
        return "base de données inaccessible : vérifiez DATABASE_URL et que le serveur répond."
    return f"la base de données a refusé l'opération ({str(error.orig).splitlines()[0]})."


def build_parser() -> argparse.ArgumentParser:
    """The parser with every registered command."""
    import importlib

    parser = _Parser(prog="python -m maillage", description="Maillage — outils en ligne de commande.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)
    subparsers.required = True
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; map domain errors to exit codes and French one-line messages."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int | None] = args.handler
    try:
        return int(handler(args) or 0)
    except PermissionDenied as error:
        print(f"Accès refusé : {error}", file=sys.stderr)
        return EXIT_PERMISSION
    except NotFoundError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return EXIT_ERROR
    except MaillageError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - the user never sees a traceback
        # sqlalchemy is loaded by then: every command uses the database.
        from sqlalchemy.exc import DBAPIError

        if isinstance(error, DBAPIError):
            print(f"Erreur : {database_problem(error)}", file=sys.stderr)
            return EXIT_ERROR
        print(f"Erreur inattendue : {type(error).__name__} : {error}".splitlines()[0], file=sys.stderr)
        return EXIT_ERROR
