"""The coverage frame (référentiel de couverture): what each council expects on its communes, and its editing.

A frame is a list of rules (action type, public, minimum population): the rule applies to every commune
of the council whose population is at least the minimum; smaller communes show the cell as "not expected".

The default frame (`DEFAULT_FRAME`) applies to a council that has no rule of its own. It follows the
example of the product design (docs/GLOSSARY.md, « référentiel de couverture ») and the FFSU Nouvelle-Aquitaine practice of the demo councils:

| action type | public | communes from |
|---|---|---|
| Présence éducative en ligne (Promeneurs du Net) | Adolescents (12-17 ans) | 10 000 inhabitants |
| Présence éducative en ligne (Promeneurs du Net) | Jeunes adultes (18-25 ans) | 10 000 inhabitants |
| Sensibilisation des parents | Familles (parents) | every commune |
| Défi sans écran | Enfants (6-11 ans) | 5 000 inhabitants |
| Intervention en milieu scolaire | Adolescents (12-17 ans) | every commune |
| Accès aux droits numérique | Tout public | 20 000 inhabitants |

The first change a coordinator makes to a council that follows the default frame copies the default
rules into the council's own frame, then applies the change; removing every rule brings the council
back to the default frame (`reset_frame` does it in one step). Every change is checked against the
actor's rights, written to the audit log (entity `coverage_rule`) and bumps the data version.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, desc, select

from maillage.accounts.access import Actor, require_write_council
from maillage.core.errors import ConflictError, NotFoundError, ValidationError
from maillage.core.formatting import format_datetime, format_int
from maillage.core.writes import Entity, Operation, record_change
from maillage.vocabularies.store import Vocabularies
from models import AuditEntry, Council, CoverageRule

AUDIT_ENTITY = Entity.COVERAGE_RULE
MAX_POPULATION_MIN = 10_000_000


@dataclass(frozen=True, order=True)
class RuleSpec:
    """One expectation: every commune of at least `population_min` inhabitants has this action type for this public."""

    action_type: str
    public: str
    population_min: int = 0


DEFAULT_FRAME: tuple[RuleSpec, ...] = (
    RuleSpec("presence_en_ligne", "adolescents", 10_000),
    RuleSpec("presence_en_ligne", "jeunes_adultes", 10_000),
    RuleSpec("sensibilisation_parents", "familles", 0),
    RuleSpec("defi_sans_ecran", "enfants", 5_000),
    RuleSpec("intervention_scolaire", "adolescents", 0),
    RuleSpec("acces_droits_numerique", "tout_public", 20_000),
)


@dataclass(frozen=True)
class FrameRule:
    """A rule as shown in the editor: its id (None for a default rule) and its expectation."""

    id: int | None
    spec: RuleSpec

    @property
    def action_type(self) -> str:
        """The rule's action type code."""
        return self.spec.action_type

    @property
    def public(self) -> str:
        """The rule's public code."""
        return self.spec.public

    @property
    def population_min(self) -> int:
        """The rule's minimum population."""
        return self.spec.population_min


@dataclass(frozen=True)
class Frame:
    """A council's frame: its own rules, or the default frame when it has none."""

    council_id: int
    rules: tuple[FrameRule, ...]
    is_default: bool

    @property
    def specs(self) -> tuple[RuleSpec, ...]:
        """The expectations, without ids."""
        return tuple(rule.spec for rule in self.rules)


def _sorted_rules(rules: list[FrameRule]) -> tuple[FrameRule, ...]:
    """Rules by action type then public."""
    return tuple(sorted(rules, key=lambda r: (r.spec.action_type, r.spec.public)))


def default_frame(council_id: int) -> Frame:
    """The default frame, for a council without rules."""
    return Frame(council_id, _sorted_rules([FrameRule(None, spec) for spec in DEFAULT_FRAME]), True)


def council_frame(session: Session, council_id: int) -> Frame:
    """The frame in force for one council."""
    rows = session.exec(select(CoverageRule).where(CoverageRule.council_id == council_id)).all()
    if not rows:
        return default_frame(council_id)
    return Frame(council_id, _sorted_rules([FrameRule(r.id, RuleSpec(r.action_type, r.public, r.population_min))
                                            for r in rows]), False)


def frames_by_council(rule_rows) -> dict[int, tuple[RuleSpec, ...]]:
    """council id → its own rules, from (council_id, action_type, public, population_min) rows (bulk loads)."""
    frames: dict[int, list[RuleSpec]] = {}
    for council_id, action_type, public, population_min in rule_rows:
        frames.setdefault(council_id, []).append(RuleSpec(action_type, public, int(population_min or 0)))
    return {council_id: tuple(sorted(specs)) for council_id, specs in frames.items()}


def rule_label(spec: RuleSpec, vocab: Vocabularies) -> str:
    """`Défi sans écran — Enfants (6-11 ans), communes de 5 000 habitants et plus` (French)."""
    threshold = ("toutes les communes" if spec.population_min <= 0
                 else f"communes de {format_int(spec.population_min)} habitants et plus")
    return (f"{vocab.label('action_type', spec.action_type)} — {vocab.label('public', spec.public)}, "
            f"{threshold}")


def _council(session: Session, council_id: int) -> Council:
    """The council, or NotFoundError."""
    council = session.get(Council, council_id)
    if council is None:
        raise NotFoundError(f"l'instance n° {council_id} n'existe pas")
    return council


def _clean_spec(vocab: Vocabularies, action_type: str, public: str, population_min) -> RuleSpec:
    """Validate a rule given by code or French label; raise ValidationError naming each bad field."""
    problems = []
    type_code = vocab.parse("action_type", str(action_type or ""))
    if type_code is None:
        problems.append(("type_action", f"type d'action inconnu : « {action_type} »" if action_type
                         else "le type d'action est obligatoire"))
    public_code = vocab.parse("public", str(public or ""))
    if public_code is None:
        problems.append(("public", f"public inconnu : « {public} »" if public else "le public est obligatoire"))
    try:
        minimum = int(str(population_min if population_min not in (None, "") else 0).replace("\u202f", "")
                      .replace(" ", ""))
    except ValueError:
        minimum = None
        problems.append(("population_min", f"population minimale invalide : « {population_min} » (nombre entier attendu)"))
    if minimum is not None and not 0 <= minimum <= MAX_POPULATION_MIN:
        problems.append(("population_min", "la population minimale doit être comprise entre 0 et "
                         f"{format_int(MAX_POPULATION_MIN)} habitants"))
    if problems:
        raise ValidationError(problems)
    return RuleSpec(type_code, public_code, minimum)


def _audit(session: Session, actor: Actor, operation: str, council: Council, rule: CoverageRule,
           before: RuleSpec | None, after: RuleSpec | None, vocab: Vocabularies, touches_data: bool = True) -> None:
    """Journal a rule change (write protocol: the council's data version moves with it)."""
    def data(spec: RuleSpec | None):
        """The audited values of a rule."""
        if spec is None:
            return None
        return {"council_id": council.id, "action_type": spec.action_type, "public": spec.public,
                "population_min": spec.population_min}
    label = f"{council.name} — {rule_label(after or before, vocab)}"
    record_change(session, actor, AUDIT_ENTITY, Operation(operation), record_id=rule.id, councils={council.id},
                  label=label, before=data(before), after=data(after), touches_data=touches_data)


def _materialise_default(session: Session, actor: Actor, council: Council, vocab: Vocabularies) -> dict[tuple[str, str], CoverageRule]:
    """Copy the default frame into the council's own rules (first edit of a council on the default frame)."""
    rows = {}
    for spec in DEFAULT_FRAME:
        rule = CoverageRule(council_id=council.id, action_type=spec.action_type, public=spec.public,
                            population_min=spec.population_min)
        session.add(rule)
        session.flush()
        _audit(session, actor, "create", council, rule, None, spec, vocab, touches_data=False)  # the change that follows bumps
        rows[(spec.action_type, spec.public)] = rule
    return rows


def _own_rules(session: Session, council_id: int) -> dict[tuple[str, str], CoverageRule]:
    """(action type, public) → the council's own rule rows."""
    rows = session.exec(select(CoverageRule).where(CoverageRule.council_id == council_id)).all()
    return {(r.action_type, r.public): r for r in rows}


def _duplicate(vocab: Vocabularies, spec: RuleSpec) -> ValidationError:
    """The refusal of a second rule for the same action type and public."""
    return ValidationError([("type_action", f"le référentiel a déjà une règle « "
                             f"{vocab.label('action_type', spec.action_type)} — {vocab.label('public', spec.public)} » : "
                             "modifiez-la plutôt que d'en ajouter une seconde")])


def add_rule(session: Session, actor: Actor, council_id: int, action_type: str, public: str,
             population_min: int | str = 0) -> RuleSpec:
    """Add a rule to a council's frame (copying the default frame first if the council follows it)."""
    require_write_council(actor, council_id, "modifier le référentiel de couverture")
    council = _council(session, council_id)
    vocab = Vocabularies.load(session)
    spec = _clean_spec(vocab, action_type, public, population_min)
    rules = _own_rules(session, council_id)
    if not rules:
        if spec in DEFAULT_FRAME:
            raise _duplicate(vocab, spec)
        rules = _materialise_default(session, actor, council, vocab)
    if (spec.action_type, spec.public) in rules:
        raise _duplicate(vocab, spec)
    rule = CoverageRule(council_id=council_id, action_type=spec.action_type, public=spec.public,
                        population_min=spec.population_min)
    session.add(rule)
    session.flush()
    _audit(session, actor, "create", council, rule, None, spec, vocab)
    return spec


def _find(rules: dict[tuple[str, str], CoverageRule], action_type: str, public: str, vocab: Vocabularies) -> CoverageRule:
    """The council's rule for (action type, public), or NotFoundError."""
    rule = rules.get((action_type, public))
    if rule is None:
        raise NotFoundError(f"le référentiel n'a pas de règle « {vocab.label('action_type', action_type)} — "
                            f"{vocab.label('public', public)} » (elle a peut-être été supprimée entre-temps)")
    return rule


def _check_unchanged(session: Session, rule: CoverageRule, expected: RuleSpec | None, vocab: Vocabularies) -> None:
    """Refuse when the rule changed since the form showed `expected` (rules carry no version number)."""
    if expected is None:
        return
    current = RuleSpec(rule.action_type, rule.public, rule.population_min)
    if current == expected:
        return
    last = session.exec(select(AuditEntry).where(AuditEntry.entity == AUDIT_ENTITY, AuditEntry.record_id == rule.id)
                        .order_by(desc(AuditEntry.at), desc(AuditEntry.id))).first()
    who = (last.user_email or "un autre utilisateur") if last else "un autre utilisateur"
    when = f" le {format_datetime(last.at)}" if last else ""
    raise ConflictError(f"la règle « {rule_label(current, vocab)} » a été modifiée par {who}{when} pendant que vous "
                        "l'éditiez : vos changements n'ont pas été enregistrés. Les valeurs actuelles sont affichées.")


def update_rule(session: Session, actor: Actor, council_id: int, action_type: str, public: str, *,
                population_min: int | str | None = None, new_action_type: str | None = None,
                new_public: str | None = None, expected: RuleSpec | None = None) -> RuleSpec:
    """Change one rule (threshold, action type or public); `expected` is the rule as the form showed it."""
    require_write_council(actor, council_id, "modifier le référentiel de couverture")
    council = _council(session, council_id)
    vocab = Vocabularies.load(session)
    rules = _own_rules(session, council_id)
    if not rules:
        current_default = RuleSpec(action_type, public, _default_min(action_type, public, vocab))
        if expected is not None and expected != current_default:
            raise ConflictError("le référentiel de cette instance a changé pendant que vous l'éditiez : vos changements "
                                "n'ont pas été enregistrés. Les valeurs actuelles sont affichées.")
        rules = _materialise_default(session, actor, council, vocab)
    rule = _find(rules, action_type, public, vocab)
    _check_unchanged(session, rule, expected, vocab)
    before = RuleSpec(rule.action_type, rule.public, rule.population_min)
    after = _clean_spec(vocab, new_action_type or rule.action_type, new_public or rule.public,
                        before.population_min if population_min is None else population_min)
    if (after.action_type, after.public) != (before.action_type, before.public) and \
            (after.action_type, after.public) in rules:
        raise _duplicate(vocab, after)
    if after == before:
        return after
    rule.action_type, rule.public, rule.population_min = after.action_type, after.public, after.population_min
    session.add(rule)
    session.flush()
    _audit(session, actor, "update", council, rule, before, after, vocab)
    return after


def _default_min(action_type: str, public: str, vocab: Vocabularies) -> int:
    """Threshold of a rule of the default frame, or NotFoundError."""
    for spec in DEFAULT_FRAME:
        if (spec.action_type, spec.public) == (action_type, public):
            return spec.population_min
    raise NotFoundError(f"le référentiel n'a pas de règle « {vocab.label('action_type', action_type)} — "
                        f"{vocab.label('public', public)} »")


def remove_rule(session: Session, actor: Actor, council_id: int, action_type: str, public: str,
                expected: RuleSpec | None = None) -> None:
    """Remove one rule (the council's frame then no longer expects it; no rule left = default frame)."""
    require_write_council(actor, council_id, "modifier le référentiel de couverture")
    council = _council(session, council_id)
    vocab = Vocabularies.load(session)
    rules = _own_rules(session, council_id)
    if not rules:
        _default_min(action_type, public, vocab)
        rules = _materialise_default(session, actor, council, vocab)
    rule = _find(rules, action_type, public, vocab)
    _check_unchanged(session, rule, expected, vocab)
    before = RuleSpec(rule.action_type, rule.public, rule.population_min)
    _audit(session, actor, "delete", council, rule, before, None, vocab)
    session.delete(rule)
    session.flush()


def reset_frame(session: Session, actor: Actor, council_id: int) -> int:
    """Remove every rule of a council, which then follows the default frame; returns the rules removed."""
    require_write_council(actor, council_id, "modifier le référentiel de couverture")
    council = _council(session, council_id)
    vocab = Vocabularies.load(session)
    rules = _own_rules(session, council_id)
    for position, rule in enumerate(rules.values(), start=1):
        _audit(session, actor, "delete", council, rule, RuleSpec(rule.action_type, rule.public, rule.population_min),
               None, vocab, touches_data=position == len(rules))  # one data-version bump for the whole reset
        session.delete(rule)
    if rules:
        session.flush()
    return len(rules)
