"""A synthetic municipality: the data of the demo, the tests and the benchmarks."""
