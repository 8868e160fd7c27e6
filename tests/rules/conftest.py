"""Shared fixtures for the rules tests."""

import duckdb
import pytest

from rules.sql import install_macros


@pytest.fixture
def con():  # no type hint: DuckDB 2.0 then reports leaked nanobind types at exit when hypothesis runs
    """An in-memory DuckDB with the `lpw_` macros of the shipped parameters."""
    connection = duckdb.connect()
    install_macros(connection)
    yield connection
    connection.close()
