"""A synthetic municipality: the data of the demo, the tests and the benchmarks.

`generate(out, persons, seed, gemeenten, weeks, start)` writes it (docs/formats.md §5) and returns
its `Manifest`.
"""

from synthetic.generator import DEFAULT_START, Manifest, generate

__all__ = ["DEFAULT_START", "Manifest", "generate"]
