"""The staging store: one DuckDB file holding every imported delivery, typed, with its import id.

Why: every figure must be recomputable from raw data, week-to-week changes must be visible, and a
bad or half-read delivery must never change anything (docs/spec.md §3, §6).

How a reader plugs in
---------------------
A reader is a plain function ``reader(path, con, import_id) -> ReaderResult``:

* it runs inside the one transaction `Staging.import_file` opened on `con`; it must not commit,
  roll back or open another connection;
* it creates its own typed tables idempotently (``CREATE TABLE IF NOT EXISTS``) and inserts its
  rows with ``import_id`` on every row (do the work in SQL: ``INSERT INTO t SELECT ... FROM
  read_csv(...)``; never build millions of Python objects);
* row-level faults (a BSN failing the elfproef, an impossible date, a missing required field) go
  to quarantine and the row is not loaded: insert them in bulk into the temp table
  ``quarantine_pending(line, field, value, reason)`` and/or return them as `QuarantineRow`s;
  staging adds the import id and the file name;
* a file-level fault (missing or wrong header, truncated, empty, binary junk, undecodable or
  undeclared encoding, XML not well-formed, duplicate keys in a full delivery) raises
  `connectors.errors.RefusedFile(file, line, field, reason)`: the transaction is rolled back and
  staging is exactly as before;
* it returns `ReaderResult` with the counts (and the gemeenten / delivery date when known).

Example (a DUO reader)::

    def read_c_levering(path: Path, con: duckdb.DuckDBPyConnection, import_id: int) -> ReaderResult:
        con.execute(DDL_DUO_INSCHRIJVINGEN)              # CREATE TABLE IF NOT EXISTS ...
        con.execute("INSERT INTO quarantine_pending SELECT line, 'PERSOONSGEBONDENNUMMER', pgn, "
                    "'voldoet niet aan de elfproef' FROM raw WHERE NOT is_persoonsnummer(pgn)")
        ...
        return ReaderResult(rows_read=n, rows_loaded=m)

    with Staging(settings.staging_path) as st:
        result = st.import_file("duo_c", path, reader=read_c_levering)

The same content twice (same kind and sha256) is a no-op that says so (`ImportResult.status ==
"duplicate"`), also when the first one has since been removed by the retention (`purged_imports`,
`details["purged_on"]`). A delivery whose file name says what it is (`delivery`, given by
`connectors.deliveries`: a DUO report's month and area, a levering's area and date) is the same
delivery only with the same content *and* the same `delivery`: October's unchanged A04 is not
September's.
A `population` callable turns on the shrink guard: when the count it returns is more
than `shrink_limit` (10 %) below the previous import of the same kind, the import is refused with
`SuspiciousShrink` unless ``force=True``. One writing process per file: `Staging` takes an
exclusive lock on ``<file>.lock`` and raises `StagingLocked` when another process holds it; while
readers have the file open it waits for them (READERS_LET_GO_SECONDS), since a reader that keeps its
connections (`connectors.staging_readers`) closes them when that lock file appears.
SQL helpers available on every staging connection: `is_bsn(n)`, `is_onderwijsnummer(n)`,
`is_persoonsnummer(n)` (see `connectors.persoonsnummer`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import duckdb

from connectors.errors import GEEN_BESTAND, LEEG_BESTAND, RefusedFile, StagingLocked, SuspiciousShrink
from connectors.persoonsnummer import register_macros

DEFAULT_SHRINK_LIMIT = 0.10
READERS_LET_GO_SECONDS = 15.0  # how long a writer waits for readers to close (the work screen: < 1 s)

CORE_DDL = """
CREATE TABLE IF NOT EXISTS imports (
    import_id        BIGINT PRIMARY KEY,
    kind             VARCHAR NOT NULL,   -- 'brp', 'duo_c', 'duo_p', 'verzuim', ...
    format           VARCHAR,            -- 'lo3csv', 'haalcentraal', 'stufbg', ...
    file_name        VARCHAR NOT NULL,
    file_path        VARCHAR,
    sha256           VARCHAR NOT NULL,
    encoding         VARCHAR,
    started_at       TIMESTAMP NOT NULL,
    finished_at      TIMESTAMP,
    rows_read        BIGINT,
    rows_loaded      BIGINT,
    rows_quarantined BIGINT,
    status           VARCHAR NOT NULL,   -- 'loaded' (refused imports leave no trace)
    forced           BOOLEAN NOT NULL DEFAULT false,
    gemeenten        VARCHAR[],
    peildatum        DATE,               -- delivery date, when the file or its name says
    population       BIGINT,             -- residents counted for the shrink guard
    summary          JSON,               -- what changed since the previous import of this kind
    delivery         VARCHAR             -- what the file name says it is ('A04 G0363 2026-11'), if it says
);
CREATE TABLE IF NOT EXISTS purged_imports (   -- deliveries removed by the retention (no content kept)
    import_id        BIGINT PRIMARY KEY,
    kind             VARCHAR NOT NULL,
    sha256           VARCHAR NOT NULL,  -- the same file delivered again stays out (a no-op)
    peildatum        DATE,
    rows_loaded      BIGINT,
    purged_on        DATE NOT NULL,
    delivery         VARCHAR
);
CREATE TABLE IF NOT EXISTS quarantine (
    import_id BIGINT NOT NULL,
    file      VARCHAR NOT NULL,
    line      BIGINT,                    -- CSV/XML: line in the file; JSON: record number
    field     VARCHAR,
    value     VARCHAR,
    reason    VARCHAR NOT NULL
);
ALTER TABLE imports ADD COLUMN IF NOT EXISTS delivery VARCHAR;
ALTER TABLE purged_imports ADD COLUMN IF NOT EXISTS delivery VARCHAR;
ALTER TABLE imports ADD COLUMN IF NOT EXISTS file_bytes BIGINT;         -- NULL: imported before it was kept
ALTER TABLE purged_imports ADD COLUMN IF NOT EXISTS file_bytes BIGINT;
"""

PENDING_DDL = """
CREATE OR REPLACE TEMP TABLE quarantine_pending (
    line BIGINT, field VARCHAR, value VARCHAR, reason VARCHAR
);
"""


@dataclass(frozen=True)
class QuarantineRow:
    """One row-level fault: the row is not loaded, the fault is kept with its reason."""

    line: int | None
    field: str | None
    value: str | None
    reason: str


@dataclass
class ReaderResult:
    """What a reader reports back to staging.

    `rows_read` counts the records of the delivery (persons, enrolments, meldingen), not helper rows
    such as LO3 history rows; `rows_quarantined` defaults to the number of distinct quarantined lines.
    """

    rows_read: int
    rows_loaded: int
    quarantine: list[QuarantineRow] = field(default_factory=list)
    rows_quarantined: int | None = None
    format: str | None = None
    encoding: str | None = None
    gemeenten: tuple[str, ...] = ()
    peildatum: date | None = None
    details: dict = field(default_factory=dict)


Reader = Callable[[Path, duckdb.DuckDBPyConnection, int], ReaderResult]
# (con, import_id, gemeenten served) -> number of residents, for the shrink guard
PopulationCounter = Callable[[duckdb.DuckDBPyConnection, int, tuple[str, ...]], int]
# (con, import_id, previous import_id or None) -> a JSON-able summary of what changed
ChangeSummary = Callable[[duckdb.DuckDBPyConnection, int, int | None], dict]


@dataclass(frozen=True)
class ImportResult:
    """The outcome of `Staging.import_file`, for the command-line summary and the weekly flow."""

    status: Literal["loaded", "duplicate"]
    kind: str
    file_name: str
    sha256: str
    import_id: int | None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    duplicate_of: int | None = None
    forced: bool = False
    population: int | None = None
    previous_population: int | None = None
    previous_import_id: int | None = None
    summary: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)


_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")


def date_in_file_name(path: str | Path) -> date | None:
    """The delivery date in a file name such as `brp-G0363-20260907.lo3.csv`, if there is one."""
    match = _DATE_IN_NAME.search(Path(path).name)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


HASH_BLOCK = 16 * 1024 * 1024


def file_sha256(path: Path) -> str:
    """The content hash that makes a second import of the same file a no-op.

    Large blocks: reading and hashing a block release the GIL, so another thread's work (the
    encoding check) delays this one once per block, not once per 256 KB as `file_digest` would.
    """
    digest = hashlib.sha256()
    buffer = bytearray(HASH_BLOCK)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as handle:
        while size := handle.readinto(buffer):
            digest.update(view[:size])
    return digest.hexdigest()


def writer_lock(path: str | Path) -> Path:
    """The lock file a writer holds from before it opens the staging file until after it closed it
    (left behind only by a writer that crashed)."""
    return Path(f"{path}.lock")


class Staging:
    """The open staging file: `with Staging(path) as st: st.import_file(...)`.

    `gemeenten` are the municipality codes served (settings); they are passed to the population
    counter of the shrink guard. `memory_limit` keeps DuckDB inside the 2 GB a national run may use.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        gemeenten: tuple[str, ...] = (),
        shrink_limit: float = DEFAULT_SHRINK_LIMIT,
        read_only: bool = False,
        memory_limit: str | None = "1200MB",
        threads: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.gemeenten = tuple(gemeenten)
        self.shrink_limit = shrink_limit
        self.read_only = read_only
        self.memory_limit = memory_limit
        self.threads = threads
        self._con: duckdb.DuckDBPyConnection | None = None
        self._lock_handle = None

    # -- opening and closing -------------------------------------------------------------------
    def __enter__(self) -> Staging:
        if not self.read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._take_lock()
        # A writer waits up to READERS_LET_GO_SECONDS for readers that keep connections open (the work
        # screen, connectors.staging_readers): they let go when they see the lock file just taken.
        patience = time.monotonic() + (0 if self.read_only else READERS_LET_GO_SECONDS)
        while True:
            try:
                self._con = duckdb.connect(str(self.path), read_only=self.read_only)
                break
            except (duckdb.IOException, duckdb.ConnectionException) as exc:
                held = "lock" in str(exc).lower() or "different configuration" in str(exc)
                if held and time.monotonic() < patience:
                    time.sleep(0.1)
                    continue
                self._release_lock()
                if held:
                    raise StagingLocked(
                        f"het stagingbestand {self.path} is in gebruik door een ander proces") from exc
                raise
        con = self._con
        # progress is kept for `query_progress` (the import's progress bar), never printed by DuckDB
        con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
        if self.memory_limit:
            con.execute(f"SET memory_limit = '{self.memory_limit}'")
        if self.threads:
            con.execute(f"SET threads = {int(self.threads)}")
        if not self.read_only:
            con.execute(f"SET temp_directory = '{self.path}.tmp'")
            con.execute(CORE_DDL)
        register_macros(con)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
            if not self.read_only:  # DuckDB's spill folder: empty once the connection is closed
                shutil.rmtree(f"{self.path}.tmp", ignore_errors=True)
        self._release_lock()

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise RuntimeError("Staging is not open: use `with Staging(path) as st:`")
        return self._con

    def _take_lock(self) -> None:
        lock_path = writer_lock(self.path)
        while True:
            handle = lock_path.open("a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                handle.close()
                raise StagingLocked(
                    f"het stagingbestand {self.path} wordt geschreven door een ander proces (pid {holder}); "
                    "wacht tot dat klaar is: één schrijver per stagingbestand"
                ) from exc
            try:
                if os.fstat(handle.fileno()).st_ino == os.stat(lock_path).st_ino:
                    break
            except FileNotFoundError:
                pass
            handle.close()  # the writer before us released and removed it meanwhile: open it anew
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_handle = handle

    def _release_lock(self) -> None:
        if self._lock_handle is not None:
            writer_lock(self.path).unlink(missing_ok=True)  # nothing left behind after a clean run
            fcntl.flock(self._lock_handle, fcntl.LOCK_UN)
            self._lock_handle.close()
            self._lock_handle = None

    # -- importing ------------------------------------------------------------------------------
    def import_file(
        self,
        kind: str,
        path: str | Path,
        reader: Reader,
        *,
        force: bool = False,
        population: PopulationCounter | None = None,
        summarize: ChangeSummary | None = None,
        delivery: str | None = None,
        sha256: str | None = None,
    ) -> ImportResult:
        """Load one delivery in one transaction: all of it, or (on any exception) nothing.

        `sha256`: the file's hash when the caller has it already (computed beside other work).
        Without it the hash is computed on another thread; the reader waits for it only when an
        earlier delivery of this kind had the same size in bytes (or an unknown size), since only
        such a delivery can be the same content. A large StUF-BG file is then parsed while it is
        hashed instead of after.

        `delivery`: what the file name says this delivery is (`A04 G0599 2026-10`), when it says
        what the content does not (an unchanged werkvoorraad gives the same bytes as last month's):
        a duplicate must then have the same `delivery` too. None: the content alone decides.
        """
        if self.read_only:
            raise RuntimeError("staging opened read-only")
        path = Path(path)
        if not path.is_file():
            raise RefusedFile(path, None, None, GEEN_BESTAND)
        if path.stat().st_size == 0:
            raise RefusedFile(path, None, None, LEEG_BESTAND)
        size = path.stat().st_size
        with ThreadPoolExecutor(1, thread_name_prefix="sha256") as hashing:
            digest: str | Future[str] = sha256 or hashing.submit(file_sha256, path)
            if isinstance(digest, Future) and self._size_seen(kind, size, delivery):
                digest = digest.result()
            if isinstance(digest, str):
                earlier = self.duplicate_of(kind, digest, delivery)
                if earlier:
                    return ImportResult("duplicate", kind, path.name, digest, None, duplicate_of=earlier[0],
                                        details={"purged_on": earlier[1]} if earlier[1] else {})
            return self._import(kind, path, digest, size, delivery, reader, force, population, summarize)

    def _import(
        self, kind: str, path: Path, digest: str | Future[str], size: int, delivery: str | None,
        reader: Reader, force: bool, population: PopulationCounter | None, summarize: ChangeSummary | None,
    ) -> ImportResult:
        con = self.con
        # a reader may switch the order guarantee or an optimizer for one statement
        # (connectors/typed_rows.py); a refused import cannot switch them back inside its aborted
        # transaction, so they are reset here and after the transaction
        self._reset_settings()
        con.execute("BEGIN TRANSACTION")
        try:
            result = self._import_in_transaction(kind, path, digest, size, delivery, reader, force,
                                                 population, summarize)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.execute("DROP TABLE IF EXISTS temp.quarantine_pending")
            self._reset_settings()
        return result

    def _reset_settings(self) -> None:
        self.con.execute("RESET preserve_insertion_order")
        self.con.execute("RESET disabled_optimizers")

    def _import_in_transaction(
        self,
        kind: str,
        path: Path,
        digest: str | Future[str],
        size: int,
        delivery: str | None,
        reader: Reader,
        force: bool,
        population: PopulationCounter | None,
        summarize: ChangeSummary | None,
    ) -> ImportResult:
        con = self.con
        import_id = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()[0]
        previous = self.latest_import_id(kind)
        con.execute(
            "INSERT INTO imports (import_id, kind, file_name, file_path, sha256, delivery, started_at, "
            "status, forced, file_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, 'loading', ?, ?)",
            [import_id, kind, path.name, str(path.resolve()), digest if isinstance(digest, str) else "",
             delivery, datetime.now(), force, size],
        )
        con.execute(PENDING_DDL)
        outcome = reader(path, con, import_id)
        if isinstance(digest, Future):  # no delivery of this size was seen: it cannot be a duplicate
            sha256 = digest.result()
            con.execute("UPDATE imports SET sha256 = ? WHERE import_id = ?", [sha256, import_id])
        else:
            sha256 = digest

        if outcome.quarantine:
            con.executemany(
                "INSERT INTO quarantine_pending VALUES (?, ?, ?, ?)",
                [(q.line, q.field, q.value, q.reason) for q in outcome.quarantine],
            )
        con.execute(
            "INSERT INTO quarantine SELECT ?, ?, line, field, value, reason FROM quarantine_pending "
            "ORDER BY line NULLS FIRST",
            [import_id, path.name],
        )
        rows_quarantined = outcome.rows_quarantined
        if rows_quarantined is None:
            rows_quarantined = con.execute(
                "SELECT count(DISTINCT coalesce(line, -1)) FROM quarantine_pending"
            ).fetchone()[0]

        count = previous_count = None
        if population is not None:
            count = population(con, import_id, self.gemeenten)
            previous_count = self._population_of(previous)
            if previous_count and count < previous_count * (1 - self.shrink_limit) and not force:
                raise SuspiciousShrink(
                    path, None, "gemeente_inschrijving",
                    f"{count} inwoners van de bediende gemeenten tegen {previous_count} in de vorige "
                    f"levering (import {previous}): meer dan {self.shrink_limit:.0%} minder; een afgebroken "
                    "levering mag geen brieven veroorzaken. Importeer met --force als de daling echt is",
                )
        summary = summarize(con, import_id, previous) if summarize else {}
        con.execute(
            "UPDATE imports SET format = ?, encoding = ?, finished_at = ?, rows_read = ?, rows_loaded = ?, "
            "rows_quarantined = ?, status = 'loaded', gemeenten = ?, peildatum = ?, population = ?, "
            "summary = ? WHERE import_id = ?",
            [
                outcome.format, outcome.encoding, datetime.now(), outcome.rows_read, outcome.rows_loaded,
                rows_quarantined, list(outcome.gemeenten) or None,
                outcome.peildatum or date_in_file_name(path), count, json.dumps(summary), import_id,
            ],
        )
        return ImportResult(
            "loaded", kind, path.name, sha256, import_id,
            rows_read=outcome.rows_read, rows_loaded=outcome.rows_loaded,
            rows_quarantined=rows_quarantined, forced=force, population=count,
            previous_population=previous_count, previous_import_id=previous,
            summary=summary, details=outcome.details,
        )

    def quarantine_rows(self, table: str, import_id: int, rows: Sequence[QuarantineRow]) -> int:
        """Move rows of one import that a later check refused (the register's legal checks on
        vrijstellingen) out of `table` into quarantine, as if the reader had quarantined them: the
        file, line, field and reason are kept and the import's counts follow. Rows no longer in
        `table` are skipped, so doing it twice changes nothing. Returns the rows moved."""
        lines = sorted({row.line for row in rows if row.line is not None})
        if not lines:
            return 0
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            present = {line for (line,) in con.execute(
                f"SELECT DISTINCT line FROM {table} WHERE import_id = ? AND list_contains(?, line)",
                [import_id, lines]).fetchall()}
            todo = [row for row in rows if row.line in present]
            if todo:
                (name,) = con.execute("SELECT file_name FROM imports WHERE import_id = ?",
                                      [import_id]).fetchone()
                con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?)",
                                [(import_id, name, r.line, r.field, r.value, r.reason) for r in todo])
                con.execute(f"DELETE FROM {table} WHERE import_id = ? AND list_contains(?, line)",
                            [import_id, sorted(present)])
                con.execute("UPDATE imports SET rows_loaded = rows_loaded - ?, "
                            "rows_quarantined = coalesce(rows_quarantined, 0) + ? WHERE import_id = ?",
                            [len(present), len(present), import_id])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return len(present)

    # -- looking things up ----------------------------------------------------------------------
    def latest_import_id(self, kind: str) -> int | None:
        """The newest loaded import of `kind`, the one the `*_actueel` views show."""
        row = self.con.execute(
            "SELECT max(import_id) FROM imports WHERE kind = ? AND status = 'loaded'", [kind]
        ).fetchone()
        return row[0] if row else None

    def duplicate_of(self, kind: str, sha256: str,
                     delivery: str | None = None) -> tuple[int, date | None] | None:
        """(import_id, purged_on) of the delivery with this content that `import_file` would call this
        one a duplicate of: loaded before (purged_on None), or loaded and purged since (an old
        delivery again: loading it would make it the newest of its kind). None: new content."""
        earlier = self.con.execute(
            "SELECT import_id FROM imports WHERE kind = ? AND sha256 = ? AND status = 'loaded' "
            "AND (CAST(? AS VARCHAR) IS NULL OR delivery = ?) ORDER BY import_id LIMIT 1",
            [kind, sha256, delivery, delivery],
        ).fetchone()
        if earlier:
            return earlier[0], None
        return self._purged_import(kind, sha256, delivery)

    def _size_seen(self, kind: str, size: int, delivery: str | None) -> bool:
        """Whether a delivery of this kind (and `delivery`) with this size in bytes, or of a size not
        kept, was loaded before: only then can a new file be the same content."""
        seen = ("kind = ? AND (file_bytes IS NULL OR file_bytes = ?) "
                "AND (CAST(? AS VARCHAR) IS NULL OR delivery = ?)")
        args = [kind, size, delivery, delivery]
        if self.con.execute(f"SELECT count(*) FROM imports WHERE {seen} AND status = 'loaded'",
                            args).fetchone()[0]:
            return True
        return self.has_relation("purged_imports") and bool(
            self.con.execute(f"SELECT count(*) FROM purged_imports WHERE {seen}", args).fetchone()[0])

    def _purged_import(self, kind: str, sha256: str, delivery: str | None) -> tuple[int, date] | None:
        if not self.has_relation("purged_imports"):  # a store opened read-only before the table existed
            return None
        row = self.con.execute("SELECT import_id, purged_on FROM purged_imports "
                               "WHERE kind = ? AND sha256 = ? "
                               "AND (CAST(? AS VARCHAR) IS NULL OR delivery = ?) ORDER BY import_id LIMIT 1",
                               [kind, sha256, delivery, delivery]).fetchone()
        return (row[0], row[1]) if row else None

    def _population_of(self, import_id: int | None) -> int | None:
        if import_id is None:
            return None
        row = self.con.execute("SELECT population FROM imports WHERE import_id = ?", [import_id]).fetchone()
        return row[0] if row else None

    def imports(self, kind: str | None = None) -> list[dict]:
        """Every loaded import (newest last), as dicts."""
        sql = "SELECT * FROM imports" + (" WHERE kind = ?" if kind else "") + " ORDER BY import_id"
        cur = self.con.execute(sql, [kind] if kind else [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def quarantined_lines(self) -> dict[int, int]:
        """Per import, the lines with a fault: those not loaded and (BRP) those loaded with the
        faulty field left empty."""
        if not self.has_relation("quarantine"):
            return {}
        return dict(self.con.execute("SELECT import_id, count(DISTINCT coalesce(line, -1)) FROM quarantine "
                                     "GROUP BY import_id").fetchall())

    def quarantine(self, import_id: int | None = None) -> list[dict]:
        """Quarantined rows of one import (default: all), in file order."""
        if not self.has_relation("quarantine"):
            return []
        sql = "SELECT * FROM quarantine" + (" WHERE import_id = ?" if import_id is not None else "")
        sql += " ORDER BY import_id, line NULLS FIRST, field"
        cur = self.con.execute(sql, [import_id] if import_id is not None else [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def has_relation(self, name: str) -> bool:
        """Whether a table or view of that name is in the store (a store may predate it)."""
        return bool(self.con.execute(
            "SELECT (SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary)"
            " + (SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND NOT temporary)",
            [name, name]).fetchone()[0])
