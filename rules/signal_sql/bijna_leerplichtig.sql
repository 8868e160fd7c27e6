-- BIJNA_LEERPLICHTIG: not yet leerplichtig, not enrolled, and leerplicht starts within the window
-- of local policy (months); since the start of that window.
SELECT {signal} AS signal, bsn AS persoonsnummer, gemeentecode,
       CAST(lp_start - to_months({bijna_leerplichtig_venster}) AS DATE) AS sinds, status,
       adres_in_onderzoek, geheimhouding, false AS thuiszitter_lang
FROM basis
WHERE status = 'niet_leerplichtig' AND NOT geldig
  AND lp_start - to_months({bijna_leerplichtig_venster}) <= {peildatum}
