-- Per BRP person of the delivery: the facts that explain why a signal is gone on the peildatum
-- (resident, died, emigrated, the gemeente, status, enrolled, startkwalificatie, covered by a
-- vrijstelling). Follows the WITH clauses of basis.sql.
status AS (
    SELECT p.bsn,
           CASE WHEN p.vroegst = p.laatst THEN lpw_status(p.vroegst, {peildatum}, x.sk, x.pro)
                ELSE lpw_status_zeker(p.vroegst, p.laatst, {peildatum}, x.sk, x.pro) END AS status,
           coalesce(x.geldig, false) AS geldig, x.sk
    FROM personen p LEFT JOIN inschr x ON x.sleutel = p.bsn
)
SELECT p.bsn AS persoonsnummer, p.gemeentecode, p.resident, p.overleden, p.geemigreerd, s.status,
       s.geldig, s.sk IS NOT NULL AS startkwalificatie, coalesce(v.gedekt, false) AS vrijstelling,
       p.vroegst AS geboortedatum_vroegst, p.laatst AS geboortedatum_laatst
FROM personen p JOIN status s USING (bsn) LEFT JOIN vrij_p v ON v.persoonsnummer = p.bsn
