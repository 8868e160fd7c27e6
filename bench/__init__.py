"""Benchmarks (not part of the test suite): `python -m bench.bench_import_brp`."""
