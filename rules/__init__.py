"""The Leerplichtwet 1969 (BWBR0002628) as code: pure functions of dates, with their articles."""
