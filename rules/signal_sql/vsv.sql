-- VSV (CBS/DUO): in the startset of the convenantjaar (funded VO, MBO or VAVO on 1 October), not
-- enrolled now, no startkwalificatie, younger than the VSV age (years); since the end of the
-- enrolment of the startset.
SELECT {signal} AS signal, bsn AS persoonsnummer, gemeentecode, startset_einde + 1 AS sinds, status,
       adres_in_onderzoek, geheimhouding, false AS thuiszitter_lang
FROM basis
WHERE status IS NOT NULL AND in_startset AND NOT geldig AND sk IS NULL
  AND {peildatum} < lpw_verjaardag(vroegst, {vsv_leeftijd})
