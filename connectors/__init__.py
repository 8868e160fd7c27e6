"""Readers of the outside world (BRP, DUO, verzuimmeldingen, vrijstellingen) and the staging store."""
