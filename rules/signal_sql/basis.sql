-- The facts every signal reads on the peildatum, for the served gemeenten: the WITH clauses of the
-- query rules.signals builds (docs/law-layers.md). A name in braces is a value the builder binds:
-- the peildatum, the served gemeenten, what staging holds, and each dated parameter of rules/law
-- in its own unit (weeks, months, years) under its own name. A parameter of local policy may differ
-- per served gemeente (inbeeld.toml, [beleid.gemeente."<code>"]): it is then a CASE on the row's
-- `gemeentecode`, or on the column named after a colon inside the braces where two tables have one
-- (`thuis` below); when all served gemeenten agree it is the plain number.
-- CTEs read more than once are MATERIALIZED: DuckDB would otherwise compute them again for every
-- reference.

-- The persons of the newest BRP delivery on or before the peildatum; a resident is registered in a
-- served gemeente, not in the RNI, not deceased, not suspended (docs/spec.md §4.2).
brp AS (
    SELECT *, gemeente_inschrijving IN ({served}) AND NOT rni AND NOT overleden
              AND coalesce(opschorting_reden, '') = '' AS resident
    FROM brp_personen WHERE import_id = {brp_import}
),
personen AS (
    SELECT bsn, gemeente_inschrijving AS gemeentecode, geboortedatum_vroegst AS vroegst,
           geboortedatum_laatst AS laatst, coalesce(datum_inschrijving_gemeente, {peildatum}) AS ingeschreven,
           adres_in_onderzoek, coalesce(geheimhouding, 0) > 0 AS geheimhouding, resident, overleden,
           rni OR coalesce(opschorting_reden, '') = 'E' AS geemigreerd, onvolledig
    FROM brp
),
onvolledig AS (
    -- docs/spec.md §6: a persoonslijst with a fault in a field the law needs (the BRP reader left it empty).
    -- A faulty gemeente van inschrijving cannot say whose resident it is: the first served gemeente's.
    SELECT bsn, coalesce(gemeente_inschrijving, (SELECT min(g) FROM unnest([{served}]) AS t(g)))
               AS gemeentecode,
           adres_in_onderzoek, coalesce(geheimhouding, 0) > 0 AS geheimhouding
    FROM brp
    WHERE onvolledig IS NOT NULL AND (resident OR (gemeente_inschrijving IS NULL AND NOT rni
          AND NOT overleden AND coalesce(opschorting_reden, '') = ''))
),
ingezetenen AS (SELECT * FROM personen WHERE resident),

-- The enrolments DUO knows after its newest delivery on or before the peildatum.
duo AS MATERIALIZED (
    SELECT *, coalesce(nullif(bsn, ''), persoonsnummer) AS sleutel
    FROM ({enrolments})
),
-- Per person: enrolled on the peildatum; the day after the last enrolment ended; the startkwalificatie
-- and PrO/VSO certificate; in the VSV startset (funded VO, MBO or VAVO on the teldatum, 1 October).
inschr AS (
    SELECT sleutel,
           bool_or(datum_inschrijving <= {peildatum}
                   AND (datum_uitschrijving IS NULL OR {peildatum} <= datum_uitschrijving)) AS geldig,
           max(datum_uitschrijving + 1) FILTER (WHERE datum_uitschrijving < {peildatum}) AS na_einde,
           min(diploma_datum) FILTER (WHERE startkwalificatie AND diploma_datum <= {peildatum}) AS sk,
           min(diploma_datum) FILTER (WHERE pro_vso_getuigschrift AND diploma_datum <= {peildatum}) AS pro,
           bool_or(bekostigd AND onderwijssoort IN ({vsv_onderwijssoorten})
                   AND datum_inschrijving <= {teldatum}
                   AND (datum_uitschrijving IS NULL OR {teldatum} <= datum_uitschrijving)) AS in_startset,
           max(datum_uitschrijving) FILTER (WHERE bekostigd AND onderwijssoort IN ({vsv_onderwijssoorten})
                   AND datum_inschrijving <= {teldatum}
                   AND (datum_uitschrijving IS NULL OR {teldatum} <= datum_uitschrijving)) AS startset_einde
    FROM duo GROUP BY sleutel
),
vrij AS (
    SELECT persoonsnummer, grondslag, begindatum, einddatum
    FROM ({vrijstellingen}) WHERE begindatum <= {peildatum}
),

-- Every resident with the status of the peildatum (the lpw_ macros of rules.sql, the same dated
-- parameters as the Python), the start of leerplicht and of the RMC doelgroep. The macros depend on
-- the dates alone, so they are evaluated once per distinct birth date and diploma dates (a national
-- run: some ten thousand, not millions) and joined back.
per_persoon AS (
    SELECT i.*, coalesce(x.geldig, false) AS geldig, x.na_einde, x.sk, x.pro,
           coalesce(x.in_startset, false) AS in_startset, x.startset_einde
    FROM ingezetenen i LEFT JOIN inschr x ON x.sleutel = i.bsn
),
per_datum AS (
    SELECT vroegst, laatst, sk, pro,
           lpw_status_zeker(vroegst, laatst, {peildatum}, sk, pro) AS status,
           lpw_leerplicht_start(vroegst) AS lp_start,
           lpw_rmc_start_op(vroegst, {peildatum}, sk, NULL, pro) AS rmc_start
    FROM (SELECT DISTINCT vroegst, laatst, sk, pro FROM per_persoon)
),
basis AS MATERIALIZED (
    SELECT p.*, d.status, d.lp_start, d.rmc_start
    FROM per_persoon p LEFT JOIN per_datum d
      ON d.vroegst IS NOT DISTINCT FROM p.vroegst AND d.laatst IS NOT DISTINCT FROM p.laatst
     AND d.sk IS NOT DISTINCT FROM p.sk AND d.pro IS NOT DISTINCT FROM p.pro
),
-- Covered by a vrijstelling on the peildatum: its ground covers the status (the pairs of ground and
-- status rules.vrijstellingen.telt_tegen allows on the peildatum) and fitted the person on its
-- begindatum.
vrij_p AS (
    SELECT v.persoonsnummer,
           bool_or(({peildatum} <= v.einddatum OR v.einddatum IS NULL)
                   AND (v.grondslag, b.status) IN ({covers})
                   AND lpw_vrijstelling_past(v.grondslag, b.vroegst, b.laatst, v.begindatum, b.sk, b.pro))
               AS gedekt,
           max(v.einddatum + 1) FILTER (WHERE v.einddatum < {peildatum}) AS na_vrij
    FROM vrij v JOIN basis b ON b.bsn = v.persoonsnummer
    GROUP BY v.persoonsnummer
),

-- Absoluut verzuim: leer- or kwalificatieplichtig, not enrolled, not covered; since the latest of
-- the start of leerplicht, moving in, the end of the last enrolment or vrijstelling.
av AS (
    SELECT b.*, greatest(b.lp_start, b.ingeschreven, b.na_einde, p.na_vrij) AS sinds
    FROM basis b LEFT JOIN vrij_p p ON p.persoonsnummer = b.bsn
    WHERE b.status IN ('leerplichtig', 'kwalificatieplichtig') AND NOT b.geldig
      AND NOT coalesce(p.gedekt, false)
),
-- ... signalled after the grace of local policy (weeks): after leerplicht starts, after moving in.
av_signaal AS MATERIALIZED (
    SELECT * FROM av
    WHERE {peildatum} >= sinds + to_days(CAST(greatest(
            CASE WHEN sinds = lp_start THEN {marge_leerplicht_start} * 7 ELSE 0 END,
            CASE WHEN sinds = ingeschreven THEN {marge_na_vestiging} * 7 ELSE 0 END) AS INTEGER))
),

-- Thuiszitters (Kamerstuk 26 695 nr. 108): langdurig relatief verzuim, an LRV melding running
-- longer than the threshold; or absoluut verzuim lasting longer than the wait of local policy; since
-- the earlier of the two. `thuis` reads the long absoluut verzuim, then the LRV of the rest (not every
-- resident: a join of all of them cost a tenth of a second on a national run).
lrv AS (
    SELECT persoonsnummer, min(begindatum) AS begin
    FROM ({verzuimmeldingen})
    WHERE soort_verzuim = 'LRV' AND meldingsdatum <= {peildatum}
      AND {peildatum} - begindatum > {thuiszitter_drempel} * 7
      AND (einddatum IS NULL OR einddatum >= {peildatum})
    GROUP BY persoonsnummer
),
thuis AS (
    SELECT a.bsn, a.gemeentecode, a.status, a.adres_in_onderzoek, a.geheimhouding,
           least(l.begin, a.sinds) AS sinds
    FROM av_signaal a LEFT JOIN lrv l ON l.persoonsnummer = a.bsn
    WHERE {peildatum} - a.sinds > {thuiszitter_wachttijd_absoluut_verzuim:a.gemeentecode} * 7
    UNION ALL
    SELECT b.bsn, b.gemeentecode, b.status, b.adres_in_onderzoek, b.geheimhouding, l.begin AS sinds
    FROM lrv l JOIN basis b ON b.bsn = l.persoonsnummer
    WHERE NOT EXISTS (SELECT 1 FROM av_signaal a WHERE a.bsn = b.bsn
                      AND {peildatum} - a.sinds > {thuiszitter_wachttijd_absoluut_verzuim:a.gemeentecode} * 7)
),

-- Enrolled, with a served gemeente as woongemeente, but no resident of that number.
onbekend AS (
    SELECT persoonsnummer, min(gemeentecode) AS gemeentecode, min(datum_inschrijving) AS sinds
    FROM duo ANTI JOIN ingezetenen i ON i.bsn = duo.sleutel
    WHERE datum_inschrijving <= {peildatum}
      AND (datum_uitschrijving IS NULL OR {peildatum} <= datum_uitschrijving)
      AND gemeentecode IN ({served})
    GROUP BY persoonsnummer
)
