"""Base schema: cases and their timeline, vrijstellingen, verzuimmeldingen, thuiszitters, VSV, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

The code lists are written out here (not imported) so this revision stays what it was when later
code changes them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGNALS = ("ABSOLUUT_VERZUIM", "GEEN_INSCHRIJVING_18_23", "VSV", "THUISZITTER", "ONBEKEND_IN_BRP",
           "BIJNA_LEERPLICHTIG", "CONTROLE_GEBOORTEDATUM")
CASE_STATUSES = ("open", "closed")
CLOSE_REASONS = ("inschrijving_gevonden", "vrijstelling", "verhuisd", "achttien_geworden",
                 "drieentwintig_geworden", "startkwalificatie", "overleden", "geemigreerd",
                 "brp_gecorrigeerd", "signaal_vervallen", "handmatig")
ACTION_TYPES = ("geopend", "bijgewerkt", "brief_verstuurd", "antwoord_ontvangen", "huisbezoek", "gesprek",
                "waarschuwing", "halt_verwijzing", "proces_verbaal", "doorverwijzing", "notitie", "gesloten")
GRONDEN = ("LPW_5_A", "LPW_5_B", "LPW_5_C", "LPW_5A", "LPW_3A", "LPW_3B", "LPW_15")
VERZUIM_SOORTEN = ("16U_4W", "LRV", "LUXE", "RMC", "OVERIG")
MELDING_STATUSES = ("geregistreerd", "in_behandeling", "afgesloten", "ter_kennisgeving_aangenomen",
                    "ingetrokken")
REDENEN_AFSLUITING = ("terug_naar_school", "inschrijving_beeindigd_andere_opleiding",
                      "inschrijving_beeindigd_werk", "inschrijving_beeindigd_overige_redenen",
                      "inschrijving_beeindigd_leerling_overleden", "geen_verzuim_langdurig_ziek",
                      "geen_verzuim_legitiem_afwezig")
TOELICHTINGEN_AFSLUITING = ("leerling_gezien", "actie_loopt", "geen_actie_meer")
THUISZITTER_BRONNEN = ("absoluut_verzuim", "lrv")
VSV_UITKOMSTEN = ("terug_naar_school", "werk", "sk_behaald", "drieentwintig", "verhuisd", "buitenland",
                  "overleden", "zorg_of_dagbesteding", "niet_bereikt", "overig")


def _code(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=max(len(v) for v in values))


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("persoonsnummer", sa.String(9), nullable=False),
        sa.Column("gemeentecode", sa.String(4), nullable=False),
        sa.Column("signal", _code("signal", SIGNALS), nullable=False),
        sa.Column("status", _code("case_status", CASE_STATUSES), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("sinds", sa.Date(), nullable=True),
        sa.Column("last_seen", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_reason", _code("close_reason", CLOSE_REASONS), nullable=True),
        sa.Column("assigned_to", sa.String(100), nullable=True),
        sa.Column("legal_hold", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "(status = 'open' AND closed_on IS NULL AND close_reason IS NULL)"
            " OR (status = 'closed' AND closed_on IS NOT NULL AND close_reason IS NOT NULL)",
            name="closed_has_date_and_reason",
        ),
    )
    op.create_index("ix_cases_persoonsnummer", "cases", ["persoonsnummer"])
    op.create_index("ix_cases_status_signal", "cases", ["status", "signal"])
    op.create_index("uq_cases_open_persoonsnummer_signal", "cases", ["persoonsnummer", "signal"], unique=True,
                    sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table(
        "case_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("action", _code("action_type", ACTION_TYPES), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_case_actions_case_id", "case_actions", ["case_id"])

    op.create_table(
        "vrijstellingen",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("persoonsnummer", sa.String(9), nullable=False),
        sa.Column("grond", _code("grond", GRONDEN), nullable=False),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("verklaring_datum", sa.Date(), nullable=True),
        sa.Column("nooit_geschikt", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("toelichting", sa.Text(), nullable=True),
        sa.CheckConstraint("einddatum IS NULL OR einddatum >= begindatum", name="eind_not_before_begin"),
        sa.CheckConstraint("NOT nooit_geschikt OR grond = 'LPW_5_A'", name="nooit_geschikt_only_5_a"),
    )
    op.create_index("ix_vrijstellingen_persoonsnummer", "vrijstellingen", ["persoonsnummer"])
    op.create_index("uq_vrijstellingen_persoonsnummer_grond_begindatum", "vrijstellingen",
                    ["persoonsnummer", "grond", "begindatum"], unique=True)

    op.create_table(
        "verzuimmeldingen",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meldingsnummer", sa.String(40), nullable=False),
        sa.Column("meldingsdatum", sa.Date(), nullable=True),
        sa.Column("brin", sa.String(4), nullable=False),
        sa.Column("vestiging", sa.String(2), nullable=True),
        sa.Column("persoonsnummer", sa.String(9), nullable=False),
        sa.Column("soort", _code("verzuim_soort", VERZUIM_SOORTEN), nullable=False),
        sa.Column("vermoedelijke_reden", sa.String(200), nullable=True),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("verzuimdagen", sa.Integer(), nullable=True),
        sa.Column("verzuimuren", sa.Numeric(6, 1), nullable=True),
        sa.Column("toelichting", sa.Text(), nullable=True),
        sa.Column("melder_naam", sa.String(100), nullable=True),
        sa.Column("melder_functie", sa.String(100), nullable=True),
        sa.Column("melder_telefoon", sa.String(30), nullable=True),
        sa.Column("melder_email", sa.String(100), nullable=True),
        sa.Column("status", _code("melding_status", MELDING_STATUSES), nullable=False),
        sa.Column("status_datum", sa.Date(), nullable=False),
        sa.Column("reden_afsluiting", _code("reden_afsluiting", REDENEN_AFSLUITING), nullable=True),
        sa.Column("toelichting_afsluiting", _code("toelichting_afsluiting", TOELICHTINGEN_AFSLUITING),
                  nullable=True),
        sa.Column("contact_naam", sa.String(100), nullable=True),
        sa.Column("contact_functie", sa.String(100), nullable=True),
        sa.Column("contact_telefoon", sa.String(30), nullable=True),
        sa.Column("contact_email", sa.String(100), nullable=True),
        sa.UniqueConstraint("meldingsnummer"),
        sa.CheckConstraint(
            "(status = 'afgesloten' AND reden_afsluiting IS NOT NULL)"
            " OR (status <> 'afgesloten' AND reden_afsluiting IS NULL)",
            name="reden_iff_afgesloten",
        ),
        sa.CheckConstraint("einddatum IS NULL OR einddatum >= begindatum", name="eind_not_before_begin"),
    )
    op.create_index("ix_verzuimmeldingen_persoonsnummer", "verzuimmeldingen", ["persoonsnummer"])

    op.create_table(
        "verzuim_status_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("melding_id", sa.Integer(), sa.ForeignKey("verzuimmeldingen.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("status", _code("melding_status", MELDING_STATUSES), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("reden_afsluiting", _code("reden_afsluiting", REDENEN_AFSLUITING), nullable=True),
        sa.Column("toelichting_afsluiting", _code("toelichting_afsluiting", TOELICHTINGEN_AFSLUITING),
                  nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_verzuim_status_changes_melding_id", "verzuim_status_changes", ["melding_id"])

    op.create_table(
        "thuiszitters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("persoonsnummer", sa.String(9), nullable=False),
        sa.Column("bron", _code("thuiszitter_bron", THUISZITTER_BRONNEN), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=True),
        sa.Column("verzuimmelding_id", sa.Integer(), sa.ForeignKey("verzuimmeldingen.id", ondelete="CASCADE"),
                  nullable=True),
        sa.Column("startdatum", sa.Date(), nullable=False),
        sa.Column("last_seen", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.UniqueConstraint("case_id"),
        sa.UniqueConstraint("verzuimmelding_id"),
        sa.CheckConstraint(
            "(bron = 'absoluut_verzuim' AND case_id IS NOT NULL AND verzuimmelding_id IS NULL)"
            " OR (bron = 'lrv' AND verzuimmelding_id IS NOT NULL AND case_id IS NULL)",
            name="one_source",
        ),
    )
    op.create_index("ix_thuiszitters_persoonsnummer", "thuiszitters", ["persoonsnummer"])

    op.create_table(
        "vsv_register",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("persoonsnummer", sa.String(9), nullable=False),
        sa.Column("convenantjaar", sa.Integer(), nullable=False),
        sa.Column("startset_datum", sa.Date(), nullable=False),
        sa.Column("datum_uitschrijving", sa.Date(), nullable=True),
        sa.Column("brin", sa.String(4), nullable=True),
        sa.Column("niveau", sa.String(10), nullable=True),
        sa.Column("sk_datum", sa.Date(), nullable=True),
        sa.Column("uitkomst", _code("vsv_uitkomst", VSV_UITKOMSTEN), nullable=True),
        sa.Column("uitkomst_datum", sa.Date(), nullable=True),
        sa.Column("toelichting", sa.Text(), nullable=True),
    )
    op.create_index("uq_vsv_register_persoonsnummer_convenantjaar", "vsv_register",
                    ["persoonsnummer", "convenantjaar"], unique=True)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("entity", sa.String(40), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("person_hash", sa.String(64), nullable=True),
        sa.Column("detail", sa.String(200), nullable=True),
    )
    op.create_index("ix_audit_log_person_hash", "audit_log", ["person_hash"])


def downgrade() -> None:
    for table in ("audit_log", "vsv_register", "thuiszitters", "verzuim_status_changes", "verzuimmeldingen",
                  "vrijstellingen", "case_actions", "cases"):
        op.drop_table(table)
