-- ONVOLLEDIGE_PERSOONSLIJST: a fault in a field of the persoonslijst the law needs (onvolledig in
-- basis.sql); the administratie resolves it.
SELECT {signal} AS signal, bsn AS persoonsnummer, gemeentecode, NULL::DATE AS sinds, NULL AS status,
       adres_in_onderzoek, geheimhouding, false AS thuiszitter_lang
FROM onvolledig
WHERE gemeentecode IS NOT NULL
