-- GEEN_INSCHRIJVING_RMC: in the RMC doelgroep (no startkwalificatie, below the RMC age of the law of
-- the peildatum) and not enrolled; since the latest of entering the doelgroep, moving in and the end
-- of the last enrolment.
SELECT {signal} AS signal, bsn AS persoonsnummer, gemeentecode,
       greatest(rmc_start, ingeschreven, na_einde) AS sinds, status, adres_in_onderzoek, geheimhouding,
       false AS thuiszitter_lang
FROM basis
WHERE status = 'rmc_doelgroep' AND NOT geldig
