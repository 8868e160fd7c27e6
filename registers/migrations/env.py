"""Alembic environment: migrations run on the connection `registers.db.upgrade` hands over.

Run from the `alembic` command line instead, it opens `sqlalchemy.url` through
`registers.db.make_engine` so SQLite gets the same pragmas as the application.
"""

from alembic import context

from registers.models import Base

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from registers.db import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported: run registers.db.upgrade(url)")
run_migrations_online()
