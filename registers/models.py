"""The register tables: dossiers, their reasons (`cases`) and timeline, vrijstellingen,
verzuimmeldingen, thuiszitters, VSV, audit.

Portable between SQLite and PostgreSQL: enumerations are VARCHAR with a CHECK constraint (not native
PostgreSQL enums, which SQLite lacks and which are awkward to migrate), dates are DATE, and the
"one open case per person and signal" rule is a partial unique index on both databases (`partial_index`).
Constraint names follow one convention so that migrations can name them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    event,
    false,
    select,
    text,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from sqlalchemy.schema import CreateIndex
from sqlalchemy.sql.compiler import DDLCompiler

from registers.codes import (
    RMC_SIGNALS,
    ActionType,
    AfspraakStatus,
    CaseStatus,
    CloseReason,
    LetterKind,
    LetterStatus,
    MeldingStatus,
    ReasonCode,
    RedenAfsluiting,
    Rol,
    SuppressionReason,
    Team,
    ThuiszitterBron,
    ToelichtingAfsluiting,
    VerzuimSoort,
    VsvUitkomst,
)
from rules.vrijstellingen import Vrijstellingsgrond

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PERSOONSNUMMER = String(9)
NAME = String(100)


def code(enum: type[StrEnum], name: str) -> Enum:
    """A VARCHAR column holding the enum's values, checked by the database."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def partial_index(name: str, *columns: str, where: str) -> Index:
    """A unique index over the rows that match `where` only, on SQLite and PostgreSQL alike.

    The clause is kept once, in `info["where"]`, and handed to the dialect (its `<dialect>_where`
    option) when the index's DDL is compiled (`_with_partial_where`). Naming `postgresql_where=` here
    would load the PostgreSQL dialect when this module is imported: 20-35 ms on every command, on a
    SQLite register too (#18 item 6). The migrations spell the same clause for both dialects."""
    return Index(name, *columns, unique=True, info={"where": text(where)})


@compiles(CreateIndex)
def _with_partial_where(create: CreateIndex, compiler: DDLCompiler, **kw: object) -> str:
    """CREATE INDEX of a `partial_index` in any dialect that takes an index's WHERE (SQLite, PostgreSQL)."""
    index = create.element
    where = index.info.get("where")
    if where is not None and "where" in index.dialect_options[compiler.dialect.name]:
        index.dialect_options[compiler.dialect.name]["where"] = where
    return compiler.visit_create_index(create, **kw)


OPEN_ONLY = "status = 'open'"
OPEN_SIGNAL_ONLY = "status = 'open' AND signal <> 'VERZUIMMELDING'"


class Dossier(Base):
    """One young person's file (revision 0012, docs/spec.md §4.3): at most one open dossier per person.

    Its reasons (`Case` rows: signals and verzuimmeldingen) open, update and end inside it; the
    dossier closes when no reason is left, or by hand. `team` says who works it: the LPA while a
    leerplicht reason is open, RMC from 18 (the dossier passes without closing). `thuiszitter` is a
    classification of the dossier (an open THUISZITTER reason), never a second dossier."""

    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    persoonsnummer: Mapped[str] = mapped_column(PERSOONSNUMMER, index=True)
    gemeentecode: Mapped[str] = mapped_column(String(4))
    status: Mapped[CaseStatus] = mapped_column(code(CaseStatus, "dossier_status"), default=CaseStatus.OPEN)
    team: Mapped[Team] = mapped_column(code(Team, "team"), default=Team.LPA)
    thuiszitter: Mapped[bool] = mapped_column(default=False, server_default=false())
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[CloseReason | None] = mapped_column(code(CloseReason, "close_reason"))
    assigned_to: Mapped[str | None] = mapped_column(NAME)
    legal_hold: Mapped[bool] = mapped_column(default=False, server_default=false())
    vernietigen_op: Mapped[date | None] = mapped_column(Date)

    reasons: Mapped[list[Case]] = relationship(
        back_populates="dossier", order_by=lambda: (Case.opened_on, Case.id))

    __table_args__ = (
        partial_index("uq_dossiers_open_persoonsnummer", "persoonsnummer", where=OPEN_ONLY),
        CheckConstraint(
            "(status = 'open' AND closed_on IS NULL AND close_reason IS NULL)"
            " OR (status = 'closed' AND closed_on IS NOT NULL AND close_reason IS NOT NULL)",
            name="closed_has_date_and_reason",
        ),
    )


class Case(Base):
    """A reason (aanleiding) of a dossier: a signal being followed up, or a verzuimmelding
    (docs/spec.md §4.3). At most one open reason per person and signal; one reason per melding."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Revision 0012: the dossier the reason belongs to, and the melding a VERZUIMMELDING reason is.
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    verzuimmelding_id: Mapped[int | None] = mapped_column(ForeignKey("verzuimmeldingen.id"))
    persoonsnummer: Mapped[str] = mapped_column(PERSOONSNUMMER, index=True)
    gemeentecode: Mapped[str] = mapped_column(String(4))
    signal: Mapped[ReasonCode] = mapped_column(code(ReasonCode, "signal"))
    status: Mapped[CaseStatus] = mapped_column(code(CaseStatus, "case_status"), default=CaseStatus.OPEN)
    opened_on: Mapped[date] = mapped_column(Date)
    sinds: Mapped[date | None] = mapped_column(Date)
    last_seen: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[CloseReason | None] = mapped_column(code(CloseReason, "close_reason"))
    assigned_to: Mapped[str | None] = mapped_column(NAME)
    legal_hold: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Revision 0002: the signal's flags. No letter while the address is under investigation.
    adres_in_onderzoek: Mapped[bool] = mapped_column(default=False, server_default=false())
    controle_nodig: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Revision 0004: the day the dossier is destroyed (registers.retention; None: not known yet).
    vernietigen_op: Mapped[date | None] = mapped_column(Date)

    actions: Mapped[list[CaseAction]] = relationship(
        back_populates="case", order_by=lambda: (CaseAction.on_date, CaseAction.id),
        cascade="all, delete-orphan",
    )
    dossier: Mapped[Dossier] = relationship(back_populates="reasons")
    melding: Mapped[Verzuimmelding | None] = relationship("Verzuimmelding")

    __table_args__ = (
        partial_index("uq_cases_open_persoonsnummer_signal", "persoonsnummer", "signal",
                      where=OPEN_SIGNAL_ONLY),
        Index("uq_cases_verzuimmelding_id", "verzuimmelding_id", unique=True),
        Index("ix_cases_status_signal", "status", "signal"),
        CheckConstraint(
            "(status = 'open' AND closed_on IS NULL AND close_reason IS NULL)"
            " OR (status = 'closed' AND closed_on IS NOT NULL AND close_reason IS NOT NULL)",
            name="closed_has_date_and_reason",
        ),
    )


class CaseAction(Base):
    """One dated step on a case's timeline, with who did it and the gespreksverslag."""

    __tablename__ = "case_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    action: Mapped[ActionType] = mapped_column(code(ActionType, "action_type"))
    on_date: Mapped[date] = mapped_column(Date)
    by: Mapped[str] = mapped_column(NAME)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    # Revision 0004: set for proces-verbaal and Halt items only (Wpg); the others follow their case.
    vernietigen_op: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship(back_populates="actions")
    bijlagen: Mapped[list[Bijlage]] = relationship(
        back_populates="action", order_by=lambda: Bijlage.id, cascade="all, delete-orphan")


class Bijlage(Base):
    """An attachment to a timeline step (revision 0012): the file is kept once, named by its SHA-256,
    in the data directory's `bijlagen/` (registers.bijlagen); this row names it for the dossier."""

    __tablename__ = "bijlagen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_action_id: Mapped[int] = mapped_column(ForeignKey("case_actions.id", ondelete="CASCADE"), index=True)
    bestandsnaam: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    grootte: Mapped[int] = mapped_column(Integer)
    by: Mapped[str] = mapped_column(NAME)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)

    action: Mapped[CaseAction] = relationship(back_populates="bijlagen")


class Vrijstelling(Base):
    """An exemption with its legal ground (docs/spec.md §4.4) and the statement the ground needs.

    `verklaring_datum` is the date of the statement the ground asks for: the designated doctor's or
    psychologist's (art. 7, LPW_5_A) or the foreign school's (art. 9, LPW_5_C); empty while it is
    still asked for. `nooit_geschikt` (LPW_5_A only) spares the yearly renewal before 1 July.
    """

    __tablename__ = "vrijstellingen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    persoonsnummer: Mapped[str] = mapped_column(PERSOONSNUMMER, index=True)
    grond: Mapped[Vrijstellingsgrond] = mapped_column(code(Vrijstellingsgrond, "grond"))
    begindatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    verklaring_datum: Mapped[date | None] = mapped_column(Date)
    nooit_geschikt: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Health (5 onder a) or religion (5 onder b) details: loaded only when asked for, and readable in
    # PostgreSQL only by the LPA and beheer roles (docs/privacy.md).
    toelichting: Mapped[str | None] = mapped_column(Text, deferred=True)
    vernietigen_op: Mapped[date | None] = mapped_column(Date)  # revision 0004

    __table_args__ = (
        Index("uq_vrijstellingen_persoonsnummer_grond_begindatum", "persoonsnummer", "grond", "begindatum",
              unique=True),
        CheckConstraint("einddatum IS NULL OR einddatum >= begindatum", name="eind_not_before_begin"),
        CheckConstraint("NOT nooit_geschikt OR grond = 'LPW_5_A'", name="nooit_geschikt_only_5_a"),
    )


class Verzuimmelding(Base):
    """A school's verzuimmelding as DUO routes it to us, with the gemeente's current handling status."""

    __tablename__ = "verzuimmeldingen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meldingsnummer: Mapped[str] = mapped_column(String(40), unique=True)
    meldingsdatum: Mapped[date | None] = mapped_column(Date)
    brin: Mapped[str] = mapped_column(String(4))
    vestiging: Mapped[str | None] = mapped_column(String(2))
    persoonsnummer: Mapped[str] = mapped_column(PERSOONSNUMMER, index=True)
    soort: Mapped[VerzuimSoort] = mapped_column(code(VerzuimSoort, "verzuim_soort"))
    vermoedelijke_reden: Mapped[str | None] = mapped_column(String(200))
    begindatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    verzuimdagen: Mapped[int | None] = mapped_column(Integer)
    verzuimuren: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    toelichting: Mapped[str | None] = mapped_column(Text)
    melder_naam: Mapped[str | None] = mapped_column(NAME)
    melder_functie: Mapped[str | None] = mapped_column(NAME)
    melder_telefoon: Mapped[str | None] = mapped_column(String(30))
    melder_email: Mapped[str | None] = mapped_column(NAME)
    status: Mapped[MeldingStatus] = mapped_column(code(MeldingStatus, "melding_status"))
    status_datum: Mapped[date] = mapped_column(Date)
    reden_afsluiting: Mapped[RedenAfsluiting | None] = mapped_column(
        code(RedenAfsluiting, "reden_afsluiting"))
    toelichting_afsluiting: Mapped[ToelichtingAfsluiting | None] = mapped_column(
        code(ToelichtingAfsluiting, "toelichting_afsluiting"))
    contact_naam: Mapped[str | None] = mapped_column(NAME)
    contact_functie: Mapped[str | None] = mapped_column(NAME)
    contact_telefoon: Mapped[str | None] = mapped_column(String(30))
    contact_email: Mapped[str | None] = mapped_column(NAME)
    vernietigen_op: Mapped[date | None] = mapped_column(Date)  # revision 0004

    changes: Mapped[list[VerzuimStatusChange]] = relationship(
        back_populates="melding", order_by=lambda: (VerzuimStatusChange.on_date, VerzuimStatusChange.id),
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        CheckConstraint(
            "(status = 'afgesloten' AND reden_afsluiting IS NOT NULL)"
            " OR (status <> 'afgesloten' AND reden_afsluiting IS NULL)",
            name="reden_iff_afgesloten",
        ),
        CheckConstraint("einddatum IS NULL OR einddatum >= begindatum", name="eind_not_before_begin"),
    )


class VerzuimStatusChange(Base):
    """A dated status change of a verzuimmelding: the history behind its current status."""

    __tablename__ = "verzuim_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    melding_id: Mapped[int] = mapped_column(ForeignKey("verzuimmeldingen.id", ondelete="CASCADE"), index=True)
    status: Mapped[MeldingStatus] = mapped_column(code(MeldingStatus, "melding_status"))
    on_date: Mapped[date] = mapped_column(Date)
    by: Mapped[str] = mapped_column(NAME)
    reden_afsluiting: Mapped[RedenAfsluiting | None] = mapped_column(
        code(RedenAfsluiting, "reden_afsluiting"))
    toelichting_afsluiting: Mapped[ToelichtingAfsluiting | None] = mapped_column(
        code(ToelichtingAfsluiting, "toelichting_afsluiting"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)

    melding: Mapped[Verzuimmelding] = relationship(back_populates="changes")


class Thuiszitter(Base):
    """A thuiszitter register entry: an LRV melding or an absoluut-verzuim case open more than 4 weeks.

    One entry per source (the case or the melding); `einddatum` is set when the source no longer
    qualifies. The duration and the "> 3 months" flag derive from the dates (see registers.thuiszitters).
    """

    __tablename__ = "thuiszitters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    persoonsnummer: Mapped[str] = mapped_column(PERSOONSNUMMER, index=True)
    bron: Mapped[ThuiszitterBron] = mapped_column(code(ThuiszitterBron, "thuiszitter_bron"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    verzuimmelding_id: Mapped[int | None] = mapped_column(
        ForeignKey("verzuimmeldingen.id", ondelete="CASCADE"), unique=True)
    startdatum: Mapped[date] = mapped_column(Date)
    last_seen: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint(
            "(bron = 'absoluut_verzuim' AND case_id IS NOT NULL AND verzuimmelding_id IS NULL)"
            " OR (bron = 'lrv' AND verzuimmelding_id IS NOT NULL AND case_id IS NULL)",
            name="one_source",
        ),
    )


class VsvEntry(Base):
    """A voortijdig schoolverlater in the VSV register of one convenantjaar (1 October – 30 September)."""

    __tablename__ = "vsv_register"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    persoonsnummer: Mapped[str] = mapped_column(PERSOONSNUMMER)
    convenantjaar: Mapped[int] = mapped_column(Integer)  # the year of its 1 October
    startset_datum: Mapped[date] = mapped_column(Date)
    datum_uitschrijving: Mapped[date | None] = mapped_column(Date)
    brin: Mapped[str | None] = mapped_column(String(4))
    niveau: Mapped[str | None] = mapped_column(String(10))
    sk_datum: Mapped[date | None] = mapped_column(Date)
    uitkomst: Mapped[VsvUitkomst | None] = mapped_column(code(VsvUitkomst, "vsv_uitkomst"))
    uitkomst_datum: Mapped[date | None] = mapped_column(Date)
    toelichting: Mapped[str | None] = mapped_column(Text)
    vernietigen_op: Mapped[date | None] = mapped_column(Date)  # revision 0004

    __table_args__ = (
        Index("uq_vsv_register_persoonsnummer_convenantjaar", "persoonsnummer", "convenantjaar", unique=True),
    )


class AuditEntry(Base):
    """Who did what when, to which person (as a keyed hash: see registers.audit).

    Append-only (revision 0004): a trigger refuses every UPDATE, and every DELETE except of rows
    older than an open `AuditPurgeWindow`, which only `registers.retention.purge_audit` opens.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(NAME)
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    person_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    detail: Mapped[str | None] = mapped_column(String(200))
    # PostgreSQL (revision 0008): `at` and `login` are set by a trigger from the database's clock and
    # `session_user`, whatever the client sends; SQLite has no logins (NULL)
    login: Mapped[str | None] = mapped_column(String(63))


SENT_ONLY = "reden IS NULL"
SUPPRESSED_ONLY = "reden IS NOT NULL"


class Letter(Base):
    """The letter log (revision 0003): every letter the letter run wrote and every one it suppressed.

    A letter is about one subject (`onderwerp`: `case:12`, `vrijstelling:7:2027-2028`,
    `verzuim:3`), is the n-th of its kind for that subject (`rang` 1 = first letter, 2 = reminder)
    and goes to one addressee, named by role (`ouder1`, `ouder1+ouder2`, `verzorgers`, `jongere`;
    never a BSN). The partial unique indexes make "nothing twice" a database fact: one letter per
    subject, kind, rang and addressee, and one record per suppression reason.
    """

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    onderwerp: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    vrijstelling_id: Mapped[int | None] = mapped_column(
        ForeignKey("vrijstellingen.id", ondelete="CASCADE"), index=True)
    verzuimmelding_id: Mapped[int | None] = mapped_column(
        ForeignKey("verzuimmeldingen.id", ondelete="CASCADE"), index=True)
    persoonsnummer: Mapped[str] = mapped_column(PERSOONSNUMMER, index=True)
    soort: Mapped[LetterKind] = mapped_column(code(LetterKind, "letter_kind"))
    rang: Mapped[int] = mapped_column(Integer)
    geadresseerde: Mapped[str] = mapped_column(String(40))
    status: Mapped[LetterStatus] = mapped_column(code(LetterStatus, "letter_status"))
    reden: Mapped[SuppressionReason | None] = mapped_column(
        code(SuppressionReason, "suppression_reason"))
    kenmerk: Mapped[str | None] = mapped_column(String(20), unique=True)
    datum: Mapped[date] = mapped_column(Date)
    antwoord_voor: Mapped[date | None] = mapped_column(Date)
    run: Mapped[str | None] = mapped_column(String(40), index=True)
    bestand: Mapped[str | None] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        partial_index("uq_letters_sent", "onderwerp", "soort", "rang", "geadresseerde", where=SENT_ONLY),
        partial_index("uq_letters_suppressed", "onderwerp", "soort", "rang", "geadresseerde", "reden",
                      where=SUPPRESSED_ONLY),
        CheckConstraint(
            "(status = 'onderdrukt' AND reden IS NOT NULL)"
            " OR (status <> 'onderdrukt' AND reden IS NULL AND kenmerk IS NOT NULL AND bestand IS NOT NULL)",
            name="reden_iff_onderdrukt",
        ),
        CheckConstraint(
            "(CASE WHEN case_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN vrijstelling_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN verzuimmelding_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_subject",
        ),
        CheckConstraint("rang >= 1", name="rang_positive"),
    )


class AuditBewaartermijn(Base):
    """The audit trail's term as the database reads it (revision 0008): `inbeeld_purge_audit` takes no
    limit from its caller. The dated values of `bewaartermijn_audit` in rules/law/lokaal/beleid.toml; a
    change there is a new row here, in a new revision (tests/registers/test_audit_by_database.py)."""

    __tablename__ = "audit_bewaartermijn"

    geldig_vanaf: Mapped[date] = mapped_column(Date, primary_key=True)
    jaren: Mapped[int] = mapped_column(Integer)


class AuditPurgeWindow(Base):
    """The one way past the audit trail's append-only trigger: while a row here says so (inside the
    retention's own transaction), audit rows written before `removed_before` may be deleted.

    PostgreSQL: no application role may touch this table; the SECURITY DEFINER function
    `inbeeld_purge_audit` opens and closes the window (revision 0004, docs/privacy.md)."""

    __tablename__ = "audit_purge_window"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    removed_before: Mapped[datetime] = mapped_column(DateTime)


class Persoon(Base):
    """What the registers keep about a person besides their records (revision 0004): the facts that
    set the retention dates (birth date, startkwalificatie) and the gemeente that decides who may
    see the person's records (PostgreSQL row-level security). Filled from staging by
    `registers.personen.refresh_personen`; removed with the person's last record."""

    __tablename__ = "personen"

    persoonsnummer: Mapped[str] = mapped_column(PERSOONSNUMMER, primary_key=True)
    gemeentecode: Mapped[str | None] = mapped_column(String(4), index=True)
    geboortedatum: Mapped[date | None] = mapped_column(Date)  # the latest possible day when known in part
    sk_datum: Mapped[date | None] = mapped_column(Date)
    bijgewerkt_op: Mapped[date] = mapped_column(Date)


class RetentionAggregate(Base):
    """Counts kept when records are destroyed (revision 0004): one line of a figure (the
    Leerplichttelling of a school year) as far as destroyed records made it up, so the figure of an
    old year still adds up. No person, no number: only the line's key, its labels and the count."""

    __tablename__ = "retention_aggregates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    figuur: Mapped[str] = mapped_column(String(40))
    periode: Mapped[int] = mapped_column(Integer)
    sleutel: Mapped[str] = mapped_column(String(120))
    rubriek: Mapped[str] = mapped_column(String(120))
    onderdeel: Mapped[str] = mapped_column(String(200))
    groep: Mapped[str | None] = mapped_column(String(120))
    totaal: Mapped[str | None] = mapped_column(String(120))
    aantal: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("uq_retention_aggregates_figuur_periode_sleutel", "figuur", "periode", "sleutel", unique=True),
    )


class GemeenteToegang(Base):
    """Which gemeenten a database login works for (revision 0004): PostgreSQL's row-level security
    shows the LPA and RMC roles only the persons of these gemeenten. Kept by beheer."""

    __tablename__ = "gemeente_toegang"

    login: Mapped[str] = mapped_column(String(63), primary_key=True)
    gemeentecode: Mapped[str] = mapped_column(String(4), primary_key=True)


class Gebruiker(Base):
    """A named user (revision 0005): who acts and reads, recorded in the audit trail and on timelines.

    `gemeenten`: the codes the user works for (empty: every gemeente served). The password is kept
    as an argon2 hash only (registers.gebruikers); five failed logins block it for a while."""

    __tablename__ = "gebruikers"

    login: Mapped[str] = mapped_column(String(63), primary_key=True)
    naam: Mapped[str] = mapped_column(NAME)
    rol: Mapped[Rol] = mapped_column(code(Rol, "rol"))
    gemeenten: Mapped[list[str]] = mapped_column(JSON, default=list)
    wachtwoord_hash: Mapped[str] = mapped_column(String(200))
    actief: Mapped[bool] = mapped_column(default=True, server_default=true())
    aangemaakt_op: Mapped[datetime] = mapped_column(DateTime)
    mislukte_pogingen: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    geblokkeerd_tot: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint("mislukte_pogingen >= 0", name="pogingen_not_negative"),
    )


GEPLAND_ONLY = "status = 'gepland'"


class Afspraak(Base):
    """An appointment in the agenda of an LPA or counsellor (revision 0011, registers.agenda).

    `medewerker` is the agenda's owner (a login, or the office's default agenda); `start` is a slot
    of that person's configured hours (`[agenda]`), local time. "No double booking" is a database
    fact: one planned appointment per agenda and start (all slots of an agenda have one length,
    so two planned slots never overlap). `onderwerp`, `case_id` / `verzuimmelding_id` and `run`
    say what it is about and which letter run offered it (a killed run's appointments go with its
    letters)."""

    __tablename__ = "afspraken"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    medewerker: Mapped[str] = mapped_column(String(63), index=True)
    start: Mapped[datetime] = mapped_column(DateTime)
    einde: Mapped[datetime] = mapped_column(DateTime)
    locatie: Mapped[str] = mapped_column(String(200))
    status: Mapped[AfspraakStatus] = mapped_column(code(AfspraakStatus, "afspraak_status"),
                                                   default=AfspraakStatus.GEPLAND)
    persoonsnummer: Mapped[str] = mapped_column(PERSOONSNUMMER, index=True)
    onderwerp: Mapped[str | None] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    verzuimmelding_id: Mapped[int | None] = mapped_column(
        ForeignKey("verzuimmeldingen.id", ondelete="CASCADE"), index=True)
    run: Mapped[str | None] = mapped_column(String(40), index=True)
    notitie: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str] = mapped_column(NAME)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        partial_index("uq_afspraken_medewerker_start", "medewerker", "start", where=GEPLAND_ONLY),
        CheckConstraint("einde > start", name="einde_na_start"),
    )


@event.listens_for(Session, "before_flush")
def _every_reason_in_a_dossier(session: Session, _context: object, _instances: object) -> None:
    """A reason added through the ORM (a hand-made record, an import) without a dossier joins the
    person's open dossier, or one made for it: no reason ever stands outside a dossier. The weekly
    sync sets dossiers set-based itself (registers.dossier_sync)."""
    pending = [obj for obj in session.new if isinstance(obj, Case) and obj.dossier is None
               and obj.dossier_id is None]
    if not pending:
        return
    made: dict[str, Dossier] = {obj.persoonsnummer: obj for obj in session.new
                                if isinstance(obj, Dossier) and obj.status in (None, CaseStatus.OPEN)}
    with session.no_autoflush:
        for reason in pending:
            is_open = reason.status in (None, CaseStatus.OPEN)
            dossier = made.get(reason.persoonsnummer) if is_open else None
            if dossier is None and is_open:
                dossier = session.scalars(select(Dossier).where(
                    Dossier.persoonsnummer == reason.persoonsnummer,
                    Dossier.status == CaseStatus.OPEN)).first()
            if dossier is None:
                signal = str(getattr(reason.signal, "value", reason.signal))
                dossier = Dossier(
                    persoonsnummer=reason.persoonsnummer, gemeentecode=reason.gemeentecode,
                    status=CaseStatus.OPEN if is_open else CaseStatus.CLOSED,
                    team=Team.RMC if signal in RMC_SIGNALS else Team.LPA,
                    thuiszitter=is_open and signal == "THUISZITTER", opened_on=reason.opened_on,
                    closed_on=None if is_open else reason.closed_on,
                    close_reason=None if is_open else reason.close_reason,
                    assigned_to=reason.assigned_to, legal_hold=bool(reason.legal_hold))
                session.add(dossier)
                if is_open:
                    made[reason.persoonsnummer] = dossier
            reason.dossier = dossier
