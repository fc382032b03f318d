"""What the coordinator sends: a ready-to-send French message per partner, its `mailto:` address, the CSV of
links for a mail merge; and, only when an SMTP server is configured, sending them."""

from __future__ import annotations

import datetime as dt
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import quote

from maillage.campaigns.tokens import TOKEN_PARAMETER
from maillage.core.formatting import format_date_long
from maillage.core.spreadsheet import to_csv


def personal_url(base_url: str, token: str) -> str:
    """The absolute personal link: `{base}/?campagne=TOKEN`."""
    return f"{base_url.rstrip('/')}/?{TOKEN_PARAMETER}={token}"


@dataclass(frozen=True)
class Message:
    """A ready-to-send message to one partner."""

    partner: str
    email: str
    subject: str
    body: str

    @property
    def mailto(self) -> str:
        """`mailto:` address opening the message in the coordinator's own mailbox."""
        return f"mailto:{quote(self.email, safe='@')}?subject={quote(self.subject)}&body={quote(self.body)}"


def invitation(partner: str, email: str, council: str, title: str, deadline: dt.date, url: str,
               reminder: bool = False) -> Message:
    """The invitation (or the reminder) to a partner, in French."""
    subject = f"{'Relance : ' if reminder else ''}{council} — {title} : mettez à jour votre fiche partenaire"
    opening = ("Sauf erreur de notre part, nous n'avons pas encore reçu votre réponse.\n\n" if reminder else "")
    body = (
        "Bonjour,\n\n"
        f"{opening}"
        f"En vue de la prochaine séance plénière du {council}, nous mettons à jour la carte du partenariat. "
        f"Pourriez-vous, pour « {partner} » :\n"
        "- confirmer ou corriger votre fiche (nom, typologie, commune, contact, site web, réseaux) ;\n"
        "- indiquer avec quels partenaires de l'instance vous travaillez et à quel point "
        "(on s'informe, on coordonne nos activités, on partage des moyens, on construit ensemble).\n\n"
        f"Votre lien personnel, valable jusqu'au {format_date_long(deadline)} inclus :\n{url}\n\n"
        "Ce lien vous est propre : ne le transférez pas. Aucun compte n'est nécessaire ; vous pouvez "
        "enregistrer un brouillon et revenir plus tard. Vos réponses seront relues par la coordination "
        "avant d'être intégrées.\n\n"
        "Merci de votre participation,\nLa coordination du " + council
    )
    return Message(partner, email, subject, body)


def links_csv(rows: list[tuple[str, str, str]]) -> str:
    """`partenaire;courriel;lien` lines for a mail merge (formulas neutralised)."""
    return to_csv(("partenaire", "courriel", "lien"), rows, delimiter=";")


@dataclass(frozen=True)
class SmtpSettings:
    """An SMTP server given by environment variables (MAILLAGE_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM)."""

    host: str
    port: int
    user: str
    password: str
    sender: str


def smtp_settings(environ: dict | None = None) -> SmtpSettings | None:
    """The configured SMTP server, or None (then the application sends nothing)."""
    environ = os.environ if environ is None else environ
    host = environ.get("MAILLAGE_SMTP_HOST", "").strip()
    sender = environ.get("MAILLAGE_SMTP_FROM", "").strip()
    if not host or not sender:
        return None
    return SmtpSettings(host, int(environ.get("MAILLAGE_SMTP_PORT", "587") or 587),
                        environ.get("MAILLAGE_SMTP_USER", ""), environ.get("MAILLAGE_SMTP_PASSWORD", ""), sender)


def send_messages(messages: list[Message], settings: SmtpSettings, smtp_class=smtplib.SMTP) -> tuple[int, list[str]]:
    """Send the messages that have an address through the SMTP server (STARTTLS); (sent, partners skipped)."""
    skipped = [m.partner for m in messages if not m.email]
    sent = 0
    with smtp_class(settings.host, settings.port, timeout=30) as server:
        server.starttls()
        if settings.user:
            server.login(settings.user, settings.password)
        for message in messages:
            if not message.email:
                continue
            mail = EmailMessage()
            mail["From"], mail["To"], mail["Subject"] = settings.sender, message.email, message.subject
            mail.set_content(message.body)
            server.send_message(mail)
            sent += 1
    return sent, skipped


def app_base_url(page_url: str, page_path: str = "campagnes") -> str:
    """The application's address from a page's address in the browser (query and page path removed)."""
    from urllib.parse import urlsplit

    parts = urlsplit(page_url or "")
    if not parts.scheme or not parts.netloc:
        return ""
    path = parts.path.rstrip("/")
    if path.endswith("/" + page_path):
        path = path[: -len(page_path) - 1]
    return f"{parts.scheme}://{parts.netloc}{path}"
