"""The system of record: cases, vrijstellingen, thuiszitters, VSV, verzuimmeldingen, audit."""
