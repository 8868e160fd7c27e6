"""The rules of `rules.status` as DuckDB SQL macros, for bulk matching over millions of rows.

`install_macros(con)` creates scalar macros (prefix `lpw_`) that are pure date arithmetic: no Python
UDFs, so DuckDB vectorises them. They are generated from the same dated parameters as the Python:

* a value on the peildatum becomes a CASE on the peildatum (`lpw_p_<name>(peil)`), so the status of
  a day uses the law of that day;
* a first/last day (`lpw_leerplicht_start`, `..._einde`, ...) becomes one term per stretch of days
  with constant values, combined with least()/greatest() (which skip NULLs), exactly as
  `rules.status._periode` does.

A new dated value in `rules/law/` thus changes the SQL without a code edit. The property test
in tests/rules/test_sql.py checks that the SQL and the Python agree on many random cases.

Macros (arguments after `:=` are optional; `sk` is the startkwalificatie date, `pro` the date of a
praktijkonderwijs/VSO certificate, `twaalf` the end of the 12th full school year, all may be NULL):

    lpw_status(geb, peil, sk := NULL, pro := NULL, twaalf := NULL)          -> VARCHAR status code
    lpw_fase(geb, peil, twaalf := NULL)                                     -> 0..4 (rules.status.Fase)
    lpw_leerplicht_start(geb)  /  lpw_leerplicht_einde(geb, twaalf := NULL) -> DATE
    lpw_kwalificatieplicht_start / _einde(geb, sk := NULL, pro := NULL, twaalf := NULL) -> DATE
    lpw_rmc_start / lpw_rmc_einde(geb, sk := NULL, twaalf := NULL, pro := NULL) -> DATE
    lpw_<rule>_start_op / _einde_op(geb, peil, ...)                         -> DATE, under the law
                                                   in force on `peil` (as `bepaal_status` gives them)
    lpw_mogelijke_statussen(vroegst, laatst, peil, sk, pro, twaalf)         -> VARCHAR[] (sorted)
    lpw_controle_nodig(vroegst, laatst, peil, sk, pro, twaalf)              -> BOOLEAN
    lpw_status_zeker(vroegst, laatst, peil, sk, pro, twaalf)                -> status, NULL if unsure
    lpw_verjaardag(geb, jaren), lpw_schooljaar_einde(d, maand, dag)         -> DATE (helpers)
    lpw_vrijstelling_past_op(grond, geb, op, sk, pro)                       -> BOOLEAN (vrijstellingen.past)
    lpw_vrijstelling_past(grond, vroegst, laatst, op, sk, pro)              -> BOOLEAN, true only when it fits
                                                   every possible birth date

A peildatum before the first value of a parameter gives NULL (the Python raises ParameterError).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from rules.dates import MaandDag
from rules.parameters import Parameter, Parameters, ParameterValue, Segment, active
from rules.status import (
    KWALIFICATIEPLICHT_PARAMETERS,
    LEERPLICHT_PARAMETERS,
    RMC_PARAMETERS,
    STATUS_PARAMETERS,
    Fase,
    StatusCode,
)
from rules.vrijstellingen import VERVANGENDE_LEERPLICHT_LEEFTIJD, Vrijstellingsgrond

PREFIX = "lpw_"


def _date(d: date) -> str:
    return f"DATE '{d.isoformat()}'"


def _least(terms: Sequence[str]) -> str:
    return terms[0] if len(terms) == 1 else f"least({', '.join(terms)})"


def _greatest(terms: Sequence[str]) -> str:
    return terms[0] if len(terms) == 1 else f"greatest({', '.join(terms)})"


def _case_on(parameter: Parameter, on: str, part: str | None = None) -> str:
    """CASE on the date `on`: the value in force then; NULL before the first value."""
    def literal(v: ParameterValue) -> str:
        if isinstance(v, MaandDag):
            return str(v.maand if part == "maand" else v.dag)
        return str(int(v))

    whens = " ".join(
        f"WHEN {on} >= {_date(item.since)} THEN {literal(item.value)}" for item in reversed(parameter.values)
    )
    return f"CASE {whens} END"


def value_per_gemeente(parameters: Parameters, name: str, on: date, gemeenten: Iterable[str],
                       column: str = "gemeentecode") -> str:
    """The value of `name` on `on` as SQL for a row of one of `gemeenten`: the plain literal when they
    all have the same value (one gemeente: always), else a CASE on the row's gemeentecode `column`
    naming the gemeenten whose own local policy differs from the installation's."""
    general = int(parameters.value(name, on))
    own = {code: int(parameters.value(name, on, code)) for code in sorted(set(gemeenten))}
    if len(set(own.values())) <= 1:
        return str(next(iter(own.values()), general))
    whens = " ".join(f"WHEN '{code}' THEN {v}" for code, v in own.items() if v != general)
    return f"(CASE {column} {whens} ELSE {general} END)"


def _value_macro_names(name: str, parameter: Parameter) -> list[tuple[str, str | None]]:
    if parameter.unit == "maand-dag":
        return [(f"{PREFIX}p_{name}_maand", "maand"), (f"{PREFIX}p_{name}_dag", "dag")]
    return [(f"{PREFIX}p_{name}", None)]


def _values_args(values: dict[str, str]) -> str:
    """The parameter arguments of `lpw_grenzen_*` macros, in a fixed order."""
    return ", ".join([
        values["leerplicht_startleeftijd"], values["leerplicht_eindleeftijd"],
        values["schooljaar_start_maand"], values["schooljaar_start_dag"],
        values["kwalificatieplicht_leeftijd"], values["rmc_leeftijd"],
    ])


def _constant_values(segment: Segment) -> dict[str, str]:
    values: dict[str, str] = {"kwalificatieplicht_leeftijd": "NULL", "rmc_leeftijd": "NULL"}
    for name, v in segment.values.items():
        if isinstance(v, MaandDag):
            values[f"{name}_maand"], values[f"{name}_dag"] = str(v.maand), str(v.dag)
        else:
            values[name] = str(int(v))
    return values


def _period_terms(parameters: Parameters, names: tuple[str, ...], lower: str, upper: str) -> tuple[str, str]:
    """least()/greatest() over the stretches of constant values: (first day, last day).

    `lower`/`upper` are templates with `{v}` for the parameter arguments of that stretch.
    """
    starts, ends = [], []
    for segment in parameters.segments(names):
        v = _values_args(_constant_values(segment))
        lo = _greatest([_date(segment.start), lower.format(v=v)])
        hi_terms = [upper.format(v=v)]
        if segment.end is not None:
            hi_terms.append(_date(segment.end - timedelta(days=1)))
        hi = _least(hi_terms)
        starts.append(f"CASE WHEN {lo} <= {hi} THEN {lo} END")
        ends.append(f"CASE WHEN {lo} <= {hi} THEN {hi} END")
    return _least(starts), _greatest(ends)


def macro_definitions(parameters: Parameters | None = None, temporary: bool = True) -> list[str]:
    """The CREATE MACRO statements, in dependency order (for inspection, or to run elsewhere)."""
    params = parameters or active()
    kind = "TEMP MACRO" if temporary else "MACRO"
    p = PREFIX
    out: list[tuple[str, str, str]] = []

    def macro(name: str, args: str, body: str) -> None:
        out.append((name, args, body))

    # Birthday; born 29 February: 1 March in a year without it (rules.dates.anniversary).
    birthday = "CAST(CAST(geb AS DATE) + to_years(CAST(jaren AS INTEGER)) AS DATE)"
    macro("verjaardag", "geb, jaren",
          f"{birthday} + CASE WHEN month(CAST(geb AS DATE)) = 2 AND day(CAST(geb AS DATE)) = 29 "
          f"AND day({birthday}) = 28 THEN 1 ELSE 0 END")
    macro("maand_na", "d", "last_day(d) + 1")
    macro("schooljaar_einde", "d, maand, dag",
          "make_date(CAST(year(d) AS INTEGER) + CASE WHEN month(d) * 100 + day(d) >= maand * 100 + dag "
          "THEN 1 ELSE 0 END, CAST(maand AS INTEGER), CAST(dag AS INTEGER)) - 1")

    # Parameter values on a date.
    on_peil: dict[str, str] = {}
    for name in STATUS_PARAMETERS:
        parameter = params.parameter(name)
        for macro_name, part in _value_macro_names(name, parameter):
            macro(macro_name.removeprefix(p), "d", _case_on(parameter, "d", part))
            key = name if part is None else f"{name}_{part}"
            on_peil[key] = f"{macro_name}(peil)"

    # Boundaries of one birth date under given values (rules.status._grenzen).
    grens_args = "geb, startleeftijd, eindleeftijd, sj_maand, sj_dag, kp_leeftijd, rmc_leeftijd"
    macro("grens_leerplicht_start", grens_args, f"{p}maand_na({p}verjaardag(geb, startleeftijd))")
    macro("grens_leerplicht_einde", f"{grens_args}, twaalf",
          f"least({p}schooljaar_einde({p}verjaardag(geb, eindleeftijd), sj_maand, sj_dag), "
          "CAST(twaalf AS DATE))")
    macro("grens_kwalificatieplicht_leeftijd", grens_args, f"{p}verjaardag(geb, kp_leeftijd)")
    macro("grens_rmc_leeftijd", grens_args, f"{p}verjaardag(geb, rmc_leeftijd)")

    # Life phase and status on the peildatum (rules.status._fase, status_uit_fase).
    macro("fase_met", f"peil, {grens_args}, twaalf",
          "CASE WHEN geb IS NULL OR peil IS NULL OR startleeftijd IS NULL OR eindleeftijd IS NULL "
          "OR sj_maand IS NULL OR kp_leeftijd IS NULL OR rmc_leeftijd IS NULL THEN NULL "
          f"WHEN peil < {p}grens_leerplicht_start({grens_args}) THEN {int(Fase.VOOR_LEERPLICHT)} "
          f"WHEN peil <= {p}grens_leerplicht_einde({grens_args}, twaalf) THEN {int(Fase.LEERPLICHT)} "
          f"WHEN peil < {p}grens_kwalificatieplicht_leeftijd({grens_args}) "
          f"THEN {int(Fase.TOT_KWALIFICATIEPLICHT_LEEFTIJD)} "
          f"WHEN peil < {p}grens_rmc_leeftijd({grens_args}) THEN {int(Fase.TOT_RMC_LEEFTIJD)} "
          f"ELSE {int(Fase.NA_RMC_LEEFTIJD)} END")
    peil_values = _values_args(on_peil)
    macro("fase", "geb, peil, twaalf := NULL", f"{p}fase_met(peil, geb, {peil_values}, twaalf)")
    macro("status_uit_fase", "fase, peil, sk := NULL, pro := NULL",
          f"CASE fase WHEN {int(Fase.VOOR_LEERPLICHT)} THEN '{StatusCode.NIET_LEERPLICHTIG}' "
          f"WHEN {int(Fase.LEERPLICHT)} THEN '{StatusCode.LEERPLICHTIG}' "
          f"WHEN {int(Fase.TOT_KWALIFICATIEPLICHT_LEEFTIJD)} THEN CASE WHEN sk IS NOT NULL AND peil >= sk "
          f"THEN '{StatusCode.GEEN}' WHEN pro IS NOT NULL AND peil >= pro THEN '{StatusCode.RMC_DOELGROEP}' "
          f"ELSE '{StatusCode.KWALIFICATIEPLICHTIG}' END "
          f"WHEN {int(Fase.TOT_RMC_LEEFTIJD)} THEN CASE WHEN sk IS NULL OR peil < sk "
          f"THEN '{StatusCode.RMC_DOELGROEP}' ELSE '{StatusCode.GEEN}' END "
          f"WHEN {int(Fase.NA_RMC_LEEFTIJD)} THEN '{StatusCode.GEEN}' END")
    macro("status", "geb, peil, sk := NULL, pro := NULL, twaalf := NULL",
          f"{p}status_uit_fase({p}fase(geb, peil, twaalf), peil, sk, pro)")

    # First and last day of each rule (rules.status._periode).
    ga = "geb, {v}"
    lp_lower = f"{p}grens_leerplicht_start({ga})"
    lp_upper = f"{p}grens_leerplicht_einde({ga}, twaalf)"
    lp_start, lp_einde = _period_terms(params, LEERPLICHT_PARAMETERS, lp_lower, lp_upper)
    kp_lower = _greatest([lp_lower, f"{lp_upper} + 1"])
    kp_upper = (f"least({p}grens_kwalificatieplicht_leeftijd({ga}) - 1, CAST(sk AS DATE) - 1, "
                "CAST(pro AS DATE) - 1)")
    kp_start, kp_einde = _period_terms(params, KWALIFICATIEPLICHT_PARAMETERS, kp_lower, kp_upper)
    rmc_lower = (f"greatest({lp_lower}, {lp_upper} + 1, "
                 f"least({p}grens_kwalificatieplicht_leeftijd({ga}), CAST(pro AS DATE)))")
    rmc_upper = f"least({p}grens_rmc_leeftijd({ga}) - 1, CAST(sk AS DATE) - 1)"
    rmc_start, rmc_einde = _period_terms(params, RMC_PARAMETERS, rmc_lower, rmc_upper)
    macro("leerplicht_start", "geb, twaalf := NULL", lp_start)
    macro("leerplicht_einde", "geb, twaalf := NULL", lp_einde)
    macro("kwalificatieplicht_start", "geb, sk := NULL, pro := NULL, twaalf := NULL", kp_start)
    macro("kwalificatieplicht_einde", "geb, sk := NULL, pro := NULL, twaalf := NULL", kp_einde)
    macro("rmc_start", "geb, sk := NULL, twaalf := NULL, pro := NULL", rmc_start)
    macro("rmc_einde", "geb, sk := NULL, twaalf := NULL, pro := NULL", rmc_einde)

    # The same dates under the law in force on a peildatum (rules.status.bepaal_status, Parameters.as_of).
    def on_peil_terms(names: tuple[str, ...], lower: str, upper: str) -> tuple[str, str]:
        first = max(params.parameter(name).first_date for name in names)
        lo = _greatest([_date(first), lower.format(v=peil_values)])
        hi = upper.format(v=peil_values)
        return f"CASE WHEN {lo} <= {hi} THEN {lo} END", f"CASE WHEN {lo} <= {hi} THEN {hi} END"

    for name, names, lower, upper, args in (
            ("leerplicht", LEERPLICHT_PARAMETERS, lp_lower, lp_upper, "geb, peil, twaalf := NULL"),
            ("kwalificatieplicht", KWALIFICATIEPLICHT_PARAMETERS, kp_lower, kp_upper,
             "geb, peil, sk := NULL, pro := NULL, twaalf := NULL"),
            ("rmc", RMC_PARAMETERS, rmc_lower, rmc_upper,
             "geb, peil, sk := NULL, twaalf := NULL, pro := NULL")):
        start, einde = on_peil_terms(names, lower, upper)
        macro(f"{name}_start_op", args, start)
        macro(f"{name}_einde_op", args, einde)

    # Partly unknown birth dates (rules.status.bepaal_status_onzeker).
    bereik = "vroegst, laatst, peil, sk := NULL, pro := NULL, twaalf := NULL"
    macro("mogelijke_statussen", bereik,
          f"list_sort(list_distinct([{p}status_uit_fase(f, peil, sk, pro) FOR f IN "
          f"range({p}fase(laatst, peil, twaalf), {p}fase(vroegst, peil, twaalf) + 1)]))")
    macro("controle_nodig", bereik,
          f"len({p}mogelijke_statussen(vroegst, laatst, peil, sk, pro, twaalf)) > 1")
    macro("status_zeker", bereik,
          f"CASE WHEN NOT {p}controle_nodig(vroegst, laatst, peil, sk, pro, twaalf) "
          f"THEN {p}status(vroegst, peil, sk, pro, twaalf) END")

    # Which vrijstelling ground the law allows on a day (rules.vrijstellingen.past): the ground covers the
    # status on `op`; art. 3a from the age of `vervangende_leerplicht_leeftijd`; art. 3b in the last
    # leerplichtige school year. `lpw_vrijstelling_past` asks it of both ends of a birth date known in part
    # (the birth dates a ground fits are one unbroken stretch).
    leeftijd = params.parameter(VERVANGENDE_LEERPLICHT_LEEFTIJD)
    macro("p_vervangende_leerplicht_leeftijd", "d", _case_on(leeftijd, "d"))
    # The status is written once and the ground picks its list: DuckDB expands a macro at every call,
    # and a status per ground made this one macro take most of a second to plan (docs/performance.md).
    status_op = f"{p}status(geb, op, sk, pro)"
    dekt, extra = [], []
    for grond in Vrijstellingsgrond:
        covered = ", ".join(f"'{s.value}'" for s in sorted(grond.dekt))
        dekt.append(f"WHEN '{grond.value}' THEN [{covered}]")
        if grond == Vrijstellingsgrond.LPW_3A:
            extra.append(f"WHEN '{grond.value}' THEN "
                         f"{p}verjaardag(geb, {p}p_vervangende_leerplicht_leeftijd(op)) <= op")
        if grond == Vrijstellingsgrond.LPW_3B:
            einde = f"{p}schooljaar_einde(op, {p}p_schooljaar_start_maand(op), {p}p_schooljaar_start_dag(op))"
            extra.append(f"WHEN '{grond.value}' THEN {p}leerplicht_einde_op(geb, op) = {einde}")
    macro("vrijstelling_past_op", "grond, geb, op, sk := NULL, pro := NULL",
          f"coalesce(list_contains(CASE grond {' '.join(dekt)} END, {status_op}) "
          f"AND CASE grond {' '.join(extra)} ELSE true END, false)")
    macro("vrijstelling_past", "grond, vroegst, laatst, op, sk := NULL, pro := NULL",
          f"{p}vrijstelling_past_op(grond, vroegst, op, sk, pro) "
          f"AND {p}vrijstelling_past_op(grond, laatst, op, sk, pro)")

    return [f"CREATE OR REPLACE {kind} {p}{name}({args}) AS {body}" for name, args, body in out]


def install_macros(con, parameters: Parameters | None = None, temporary: bool = True) -> None:  # noqa: ANN001
    """Create the `lpw_` macros on a DuckDB connection (TEMP by default, so a staging file never
    keeps macros generated from outdated parameters)."""
    for statement in macro_definitions(parameters, temporary):
        con.execute(statement)


def status_sql_columns(
    peildatum: str = "peildatum",
    vroegst: str = "geboortedatum_vroegst",
    laatst: str = "geboortedatum_laatst",
    sk: str = "sk_datum",
    pro: str = "NULL",
    twaalf: str = "NULL",
) -> str:
    """A SELECT-list fragment with the status columns for a persons table (macros must be installed).

    Arguments are SQL expressions (column names or literals such as `DATE '2025-10-01'`). Columns:
    `status` (NULL when not certain), `status_vroegst`, `status_laatst`, `controle_nodig`,
    `leerplicht_start` (from the latest possible birth date: a grace period never starts too early),
    `rmc_einde` (from the latest possible birth date, under the law in force on the peildatum:
    follow-up never stops too early).
    """
    rest = f"{peildatum}, {sk}, {pro}, {twaalf}"
    return ",\n".join([
        f"{PREFIX}status_zeker({vroegst}, {laatst}, {rest}) AS status",
        f"{PREFIX}status({vroegst}, {rest}) AS status_vroegst",
        f"{PREFIX}status({laatst}, {rest}) AS status_laatst",
        f"{PREFIX}controle_nodig({vroegst}, {laatst}, {rest}) AS controle_nodig",
        f"{PREFIX}leerplicht_start({laatst}) AS leerplicht_start",
        f"{PREFIX}rmc_einde_op({laatst}, {peildatum}, {sk}, {twaalf}, {pro}) AS rmc_einde",
    ])
