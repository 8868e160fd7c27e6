-- CONTROLE_GEBOORTEDATUM: a birth date with an unknown day or month leaves more than one status
-- open (lpw_status_zeker gives NULL); never a guess. A faulty persoonslijst is signalled instead.
SELECT {signal} AS signal, bsn AS persoonsnummer, gemeentecode, NULL::DATE AS sinds, NULL AS status,
       adres_in_onderzoek, geheimhouding, false AS thuiszitter_lang
FROM basis
WHERE status IS NULL AND onvolledig IS NULL
