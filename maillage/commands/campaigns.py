"""`campaign open|status|close`: a council's update campaign from the command line."""

from __future__ import annotations

import argparse
import sys

from maillage.commands.common import add_as_option

PARTNERS = {"tous": "tous", "non-verifies": "non_verifies"}


def register(subparsers) -> None:
    """Add the `campaign` command and its sub-commands."""
    campaign = subparsers.add_parser("campaign", help="campagnes de mise à jour avant une plénière")
    actions = campaign.add_subparsers(dest="campaign_command", metavar="ACTION")
    actions.required = True

    opening = actions.add_parser(
        "open", help="ouvrir une campagne : une ligne CSV par partenaire (partenaire;courriel;lien)",
        description="Chaque partenaire visé reçoit un lien personnel (jeton aléatoire, stocké haché), valable "
                    "jusqu'à la fin de la date limite. Les liens ne sont affichés qu'une fois.")
    opening.add_argument("--council", required=True, metavar="NOM", help="nom de l'instance")
    opening.add_argument("--title", required=True, metavar="TITRE", help="titre de la campagne")
    opening.add_argument("--deadline", required=True, metavar="JJ/MM/AAAA", help="date limite (incluse)")
    opening.add_argument("--partners", choices=list(PARTNERS), default="tous",
                         help="partenaires visés : tous, ou ceux dont la fiche n'a pas été vérifiée depuis 12 mois")
    opening.add_argument("--base-url", required=True, metavar="URL",
                         help="adresse de l'application (les liens en partent), ex. https://maillage.ville.fr")
    add_as_option(opening)
    opening.set_defaults(handler=run_open)

    status = actions.add_parser("status", help="où en est chaque partenaire (envoyé, ouvert, soumis, examiné)")
    status.add_argument("--council", required=True, metavar="NOM", help="nom de l'instance")
    add_as_option(status)
    status.set_defaults(handler=run_status)

    close = actions.add_parser("close", help="clôturer la campagne ouverte (les liens cessent de fonctionner)")
    close.add_argument("--council", required=True, metavar="NOM", help="nom de l'instance")
    add_as_option(close)
    close.set_defaults(handler=run_close)


def _day(moment) -> str:
    """JJ/MM/AAAA of a moment in Paris, or empty."""
    from maillage.campaigns.timing import paris_day
    from maillage.core.formatting import format_date

    return format_date(paris_day(moment)) if moment else ""


def run_open(args: argparse.Namespace) -> int:
    """Open the campaign and print its links."""
    from maillage.campaigns.messages import links_csv, personal_url
    from maillage.campaigns.opening import open_campaign
    from maillage.commands.common import council_by_name, engine_and_actor, parse_day
    from maillage.core.db import session_scope
    from maillage.core.errors import MaillageError
    from maillage.core.formatting import format_date
    from maillage.core.validators import url_problem

    base_url = args.base_url.strip()
    if problem := url_problem(base_url):
        raise MaillageError(f"--base-url : « {base_url} » {problem}")
    deadline = parse_day(args.deadline, "--deadline")
    engine, actor = engine_and_actor(args)
    with session_scope(engine) as session:
        council = council_by_name(session, args.council)
        campaign, links = open_campaign(session, actor, council.id, args.title, deadline, PARTNERS[args.partners])
        title = campaign.title
    sys.stdout.write(links_csv([(link.partner, link.email, personal_url(base_url, link.token)) for link in links]))
    print(f"Campagne « {title} » ouverte : {len(links)} lien(s), valables jusqu'au {format_date(deadline)} inclus. "
          "Conservez-les : ils ne seront plus affichés.", file=sys.stderr)
    return 0


def run_status(args: argparse.Namespace) -> int:
    """Print each partner's progress in the council's open (or latest) campaign."""
    from maillage.accounts.access import require_write_council
    from maillage.campaigns.progress import latest_progress
    from maillage.commands.common import council_by_name, engine_and_actor
    from maillage.core.db import session_scope
    from maillage.core.errors import NotFoundError
    from maillage.core.formatting import format_date
    from maillage.core.spreadsheet import to_csv

    engine, actor = engine_and_actor(args)
    with session_scope(engine) as session:
        council = council_by_name(session, args.council)
        require_write_council(actor, council.id, "suivre les campagnes de cette instance")
        progress = latest_progress(session, actor, council.id)
    if progress is None:
        raise NotFoundError(f"aucune campagne dans « {council.name} »")
    rows = [(r.partner, r.state_label, _day(r.sent_at), _day(r.opened_at), _day(r.submitted_at), _day(r.reviewed_at))
            for r in progress.rows]
    sys.stdout.write(to_csv(("partenaire", "etat", "envoye", "ouvert", "soumis", "examine"), rows, delimiter=";"))
    state = "ouverte" if progress.running else "terminée"
    print(f"Campagne « {progress.title} » ({state}, date limite {format_date(progress.deadline)}) : "
          f"{progress.sent} envoyés, {progress.opened} ouverts, {progress.submitted} soumis, "
          f"{progress.reviewed} examinés.", file=sys.stderr)
    return 0


def run_close(args: argparse.Namespace) -> int:
    """Close the council's open campaign."""
    from maillage.campaigns.opening import close_campaign, running_campaign
    from maillage.campaigns.timing import paris_day
    from maillage.commands.common import council_by_name, engine_and_actor
    from maillage.core.db import session_scope
    from maillage.core.errors import NotFoundError

    engine, actor = engine_and_actor(args)
    with session_scope(engine) as session:
        council = council_by_name(session, args.council)
        campaign = running_campaign(session, council.id, paris_day())
        if campaign is None:
            raise NotFoundError(f"aucune campagne ouverte dans « {council.name} »")
        close_campaign(session, actor, campaign.id)
        title = campaign.title
    print(f"Campagne « {title} » clôturée : les liens ne fonctionnent plus ; les réponses restent à examiner.")
    return 0
