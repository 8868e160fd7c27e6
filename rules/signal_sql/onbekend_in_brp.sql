-- ONBEKEND_IN_BRP: enrolled with a served gemeente as woongemeente, no resident of that number
-- (onbekend in basis.sql); since the first such enrolment.
SELECT {signal} AS signal, persoonsnummer, gemeentecode, sinds, NULL AS status,
       false AS adres_in_onderzoek, false AS geheimhouding, false AS thuiszitter_lang
FROM onbekend
