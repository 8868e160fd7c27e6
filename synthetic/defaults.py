"""The demo municipality's defaults, shared by `inbeeld demo` (pipelines) and `inbeeld demo generate`
(synthetic.commands) without one command module importing the other."""

DEMO_PERSONS = 5000
DEMO_SEED = 1
DEMO_GEMEENTE = "0363"
DEMO_WEEKS = 4
