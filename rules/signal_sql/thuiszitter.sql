-- THUISZITTER (thuis in basis.sql); out of school for longer than the months of thuiszitter_lang is
-- the Kamerbrief's priority group.
SELECT {signal} AS signal, bsn AS persoonsnummer, gemeentecode, sinds, status, adres_in_onderzoek,
       geheimhouding, sinds + to_months({thuiszitter_lang}) < {peildatum} AS thuiszitter_lang
FROM thuis
