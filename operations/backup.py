"""Back up and restore the database and the evidence files, and prove the copy is whole.

A backup is a directory holding three files:

- ``database.dump``: ``pg_dump --format=custom`` of the database;
- ``media.tar.gz``: every file under ``MEDIA_ROOT`` (evidence, viewing copies, exports);
- ``manifest.json``: written last, so a directory without it is an unfinished backup. It
  lists the SHA-256 and size of the two files above, the row count of every table, and
  the SHA-256 of every media file.

The row counts and the dump come from one snapshot: the counts are taken in a
repeatable-read transaction whose snapshot ``pg_dump --snapshot`` then shares, so they
agree even while people keep working. Media files are archived after that snapshot, so
every file a dumped row points at is already on disk.

A restore goes into an empty database only. It checks the two files against the
manifest before touching anything, restores in a single transaction, unpacks the media
(refusing links and paths that leave the target), then compares the row counts and
every media file's SHA-256 with the manifest.

PostgreSQL only: the commands refuse any other database with a clear message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess  # nosec B404
import tarfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import environ
import psycopg
from psycopg import sql

# subprocess (above) runs only pg_dump and pg_restore, from argument lists, never a shell.

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media.tar.gz"
FORMAT = 1
CHUNK = 1024 * 1024
# pg_dump and pg_restore of a large database take a while; anything longer is stuck.
TOOL_TIMEOUT = int(os.environ.get("BACKUP_TOOL_TIMEOUT", "3600"))

POSTGRES_ENGINES = {
    "django.db.backends.postgresql",
    "django.db.backends.postgresql_psycopg2",
    "django.contrib.gis.db.backends.postgis",
}


class BackupError(Exception):
    """Something a person must fix; the message says what."""


@dataclass(frozen=True)
class PgTarget:
    """Where a PostgreSQL database is, as libpq needs it (no password in any argument)."""

    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""
    sslmode: str = ""

    @classmethod
    def from_settings(cls, settings_dict: Mapping[str, Any]) -> PgTarget:
        engine = settings_dict.get("ENGINE", "")
        if engine not in POSTGRES_ENGINES:
            raise BackupError(
                "Backup and restore need PostgreSQL (pg_dump and pg_restore); this database "
                f"uses {engine or 'an unknown engine'}. Point DATABASE_URL at PostgreSQL."
            )
        options = settings_dict.get("OPTIONS") or {}
        return cls(
            name=str(settings_dict.get("NAME") or ""),
            host=str(settings_dict.get("HOST") or ""),
            port=str(settings_dict.get("PORT") or ""),
            user=str(settings_dict.get("USER") or ""),
            password=str(settings_dict.get("PASSWORD") or ""),
            sslmode=str(options.get("sslmode") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> PgTarget:
        try:
            config = environ.Env.db_url_config(url)
        except Exception as exc:  # the parser raises several types; report one clear error
            raise BackupError(f"Could not read the database URL: {exc}") from exc
        target = cls.from_settings(config)
        if not target.name:
            raise BackupError("The database URL must name a database, e.g. .../conduct_restored")
        return target

    def describe(self) -> str:
        """For messages and the manifest: never the password."""
        where = self.host or "local socket"
        return f"{self.name} on {where}{':' + self.port if self.port else ''}"

    def env(self) -> dict[str, str]:
        """The environment for pg_dump/pg_restore: libpq reads the password from it."""
        variables = dict(os.environ)
        for key in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE"):
            variables.pop(key, None)
        values = {
            "PGHOST": self.host,
            "PGPORT": self.port,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": self.name,
            "PGSSLMODE": self.sslmode,
        }
        variables.update({key: value for key, value in values.items() if value})
        return variables

    def connect(self, **kwargs) -> psycopg.Connection:
        params = {
            "dbname": self.name,
            "host": self.host or None,
            "port": self.port or None,
            "user": self.user or None,
            "password": self.password or None,
            "sslmode": self.sslmode or None,
            "connect_timeout": 10,
        }
        return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, **kwargs)


# --- Small helpers ------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_entry(path: Path) -> dict[str, Any]:
    return {"sha256": sha256_of(path), "bytes": path.stat().st_size}


def tool(name: str) -> str:
    """The full path of a PostgreSQL client program, or a clear error."""
    found = shutil.which(name, path=os.environ.get("PG_BIN_DIR") or None) or shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client programs "
            "(for example the postgresql-client package) or set PG_BIN_DIR."
        )
    return found


def run_tool(args: list[str], *, env: dict[str, str]) -> None:
    """Run a client program from an argument list (no shell); its stderr goes in the error."""
    try:
        # A program found by tool(), an argument list and no shell: nothing is interpreted.
        completed = subprocess.run(  # noqa: S603  # nosec B603
            args, env=env, capture_output=True, text=True, timeout=TOOL_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BackupError(f"{Path(args[0]).name} did not finish in {TOOL_TIMEOUT} s.") from exc
    if completed.returncode != 0:
        message = (completed.stderr or completed.stdout or "").strip()[-2000:]
        raise BackupError(f"{Path(args[0]).name} failed ({completed.returncode}): {message}")


def user_tables(connection: psycopg.Connection) -> list[tuple[str, str]]:
    """Every ordinary table in the database's own schemas, as (schema, table)."""
    rows = connection.execute(
        """
        SELECT n.nspname, c.relname
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p')
           AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND n.nspname NOT LIKE 'pg\\_%'
         ORDER BY 1, 2
        """
    ).fetchall()
    return [(schema, table) for schema, table in rows]


def table_counts(connection: psycopg.Connection) -> dict[str, int]:
    counts = {}
    for schema, table in user_tables(connection):
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(table)
        )
        counts[f"{schema}.{table}"] = connection.execute(query).fetchone()[0]
    return counts


def media_files(root: Path) -> dict[str, dict[str, Any]]:
    """Every regular file under root, by its path relative to root (POSIX form)."""
    found = {}
    if not root.exists():
        return found
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[path.relative_to(root).as_posix()] = file_entry(path)
    return found


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)


# --- Backup -------------------------------------------------------------------------


def backup(
    *, target: PgTarget, media_root: Path, output: Path, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Write a backup of the database and media_root into output (new or empty)."""
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"{output} is not empty; give a new or empty directory.")
    pg_dump = tool("pg_dump")
    _private_dir(output)
    dump_path = output / DUMP

    with target.connect() as connection:
        # One snapshot for the counts and the dump: both describe the same moment.
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        server_version = connection.execute("SHOW server_version").fetchone()[0]
        counts = table_counts(connection)
        log(f"Dumping {target.describe()} ({len(counts)} tables) ...")
        run_tool(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={dump_path}",
            ],
            env=target.env(),
        )
        connection.commit()
    dump_path.chmod(0o600)

    log(f"Archiving {media_root} ...")
    files = media_files(media_root)
    media_path = output / MEDIA
    with tarfile.open(media_path, "w:gz") as archive:
        for name in files:
            archive.add(media_root / name, arcname=name, recursive=False)
    media_path.chmod(0o600)

    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": target.name,
        "server_version": server_version,
        "files": {DUMP: file_entry(dump_path), MEDIA: file_entry(media_path)},
        "tables": counts,
        "media": files,
    }
    manifest_path = output / MANIFEST
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    manifest_path.chmod(0o600)
    return manifest


# --- Restore ------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: it is not a finished backup.")
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} could not be read: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup manifest this version understands.")
    for key in ("files", "tables", "media"):
        if not isinstance(manifest.get(key), dict):
            raise BackupError(f"{path} has no '{key}' section.")
    return manifest


def verify_files(source: Path, manifest: Mapping[str, Any]) -> None:
    """The dump and the media archive are exactly the ones the manifest describes."""
    for name in (DUMP, MEDIA):
        expected = manifest["files"].get(name)
        path = source / name
        if not expected or not path.is_file():
            raise BackupError(f"{name} is missing from {source}.")
        if sha256_of(path) != expected.get("sha256"):
            raise BackupError(f"{name} does not match its SHA-256 in the manifest: it changed.")


def ensure_empty_database(target: PgTarget) -> None:
    try:
        with target.connect() as connection:
            tables = user_tables(connection)
    except psycopg.OperationalError as exc:
        raise BackupError(
            f"Could not connect to {target.describe()}: {exc}. Create it first "
            "(for example: createdb conduct_restored)."
        ) from exc
    if tables:
        raise BackupError(
            f"{target.describe()} already has {len(tables)} tables. Restore into a new, "
            "empty database."
        )


def ensure_empty_directory(path: Path) -> None:
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(
            f"The media directory {path} is not empty. Restore into an empty MEDIA_ROOT "
            "(or give --media-root)."
        )


def unpack_media(archive_path: Path, media_root: Path) -> None:
    _private_dir(media_root)
    with tarfile.open(archive_path, "r:gz") as archive:
        members = archive.getmembers()
        for member in members:
            if not (member.isfile() or member.isdir()):
                raise BackupError(f"The media archive holds a link or device: {member.name}")
        # The "data" filter refuses absolute paths, paths leaving media_root and links.
        archive.extractall(media_root, members=members, filter="data")


def compare(expected: Mapping[str, Any], actual: Mapping[str, Any], what: str) -> list[str]:
    problems = []
    for key in sorted(set(expected) | set(actual)):
        if key not in actual:
            problems.append(f"{what} {key}: missing after restore")
        elif key not in expected:
            problems.append(f"{what} {key}: not in the backup")
        elif expected[key] != actual[key]:
            problems.append(f"{what} {key}: expected {expected[key]}, found {actual[key]}")
    return problems


def restore(
    *,
    source: Path,
    target: PgTarget,
    media_root: Path,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Restore a backup into an empty database and an empty media directory, then verify."""
    manifest = read_manifest(source)
    verify_files(source, manifest)
    ensure_empty_database(target)
    ensure_empty_directory(media_root)
    pg_restore = tool("pg_restore")

    log(f"Restoring the database into {target.describe()} ...")
    run_tool(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={target.name}",
            str(source / DUMP),
        ],
        env=target.env(),
    )
    log(f"Unpacking media into {media_root} ...")
    unpack_media(source / MEDIA, media_root)

    with target.connect() as connection:
        counts = table_counts(connection)
    problems = compare(manifest["tables"], counts, "table")
    found = {name: entry["sha256"] for name, entry in media_files(media_root).items()}
    wanted = {name: entry["sha256"] for name, entry in manifest["media"].items()}
    problems += compare(wanted, found, "media file")
    if problems:
        shown = "\n  ".join(problems[:50])
        raise BackupError(f"The restored copy does not match the manifest:\n  {shown}")
    return manifest
