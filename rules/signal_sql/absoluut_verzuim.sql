-- ABSOLUUT_VERZUIM: leer- or kwalificatieplichtig, not enrolled, no vrijstelling that covers it, past
-- the grace period (av_signaal in basis.sql). The dossier goes to the leerplichtambtenaar.
SELECT {signal} AS signal, bsn AS persoonsnummer, gemeentecode, sinds, status,
       adres_in_onderzoek, geheimhouding, false AS thuiszitter_lang
FROM av_signaal
