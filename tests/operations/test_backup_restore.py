"""backup_data and restore_data: a copy restored into a fresh database is whole.

The round trip backs up the test database (PostgreSQL) and a throwaway MEDIA_ROOT,
restores both into a new database and a new directory, and then checks the copy the
way an operator would: every concern, event and evidence row identical, the event chain
verified by `manage.py verify_events` run against the restored database, and every
evidence file's SHA-256 equal to the one recorded when it was uploaded.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image
from psycopg import sql

from accounts.models import Role
from audit.models import Event, EventChainHead
from incidents.casework import services as casework
from incidents.intake import services as intake
from incidents.models import Concern, Evidence, Note
from notifications.models import Notification
from tests.factories import UserFactory, make_concern

REPO = Path(__file__).resolve().parents[2]
COMPARED = [Concern, Event, EventChainHead, Evidence, Note, Notification]


def png_upload(name: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 9), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name: str) -> SimpleUploadedFile:
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def database_url(settings_dict: dict, name: str) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{name}"


def admin_connection() -> psycopg.Connection:
    """A connection to the server's maintenance database, for CREATE/DROP DATABASE."""
    params = connection.get_connection_params()
    params = {k: v for k, v in params.items() if k in {"host", "port", "user", "password"}}
    return psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=10, **params)


def rows(settings_dict: dict, name: str, table: str) -> list[tuple]:
    params = {
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
    }
    params = {k: v for k, v in params.items() if v}
    with psycopg.connect(dbname=name, connect_timeout=10, **params) as conn:
        query = sql.SQL("SELECT * FROM {} ORDER BY 1").format(sql.Identifier(table))
        return conn.execute(query).fetchall()


@pytest.fixture
def fresh_database(postgres):
    """A new, empty database on the same server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    with admin_connection() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with admin_connection() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def case_records(guidance, reporter, hr_manager, investigator, outsider, media):
    """Concerns in two organisations, with evidence files, assignments and notes."""
    outside_reporter = UserFactory(
        username="outside-reporter", organisation=outsider.organisation, roles=[Role.REPORTER]
    )
    concerns = []
    for number, (author, colour) in enumerate(
        [(reporter, (200, 30, 30)), (reporter, (30, 200, 30)), (outside_reporter, (9, 9, 99))]
    ):
        concern = make_concern(author, description=f"Concern number {number} about a post.")
        intake.evidence_add(
            concern=concern, actor=author, upload=png_upload(f"shot-{number}.png", colour)
        )
        intake.evidence_add(concern=concern, actor=author, upload=pdf_upload(f"doc{number}.pdf"))
        concerns.append(concern)
    assigned = casework.concern_assign(
        concern=concerns[0], actor=hr_manager, assignee=investigator, expected_version=None
    )
    casework.note_add(concern=assigned, actor=investigator, text="Spoke to the reporter.")
    make_concern(reporter, submit=False, description="A draft never submitted.")
    return concerns


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # pg_dump runs in another session: commit the data
def test_a_backup_restored_into_a_fresh_database_is_whole(case_records, fresh_database, tmp_path):
    backup_dir = tmp_path / "backup"
    restored_media = tmp_path / "restored-media"
    media_root = Path(settings.MEDIA_ROOT)

    out = io.StringIO()
    call_command("backup_data", output=str(backup_dir), stdout=out)
    assert "Backed up" in out.getvalue()
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["tables"]["public.incidents_concern"] == Concern.objects.count() == 4
    assert manifest["tables"]["public.incidents_evidence"] == Evidence.objects.count() == 6
    assert manifest["tables"]["public.incidents_event"] == Event.objects.count()
    for name in ("database.dump", "media.tar.gz"):
        assert manifest["files"][name]["sha256"] == sha256_file(backup_dir / name)
    # The backup holds case content: only its owner may read it.
    assert (backup_dir.stat().st_mode & 0o777) == 0o700
    assert all((path.stat().st_mode & 0o077) == 0 for path in backup_dir.iterdir())

    url = database_url(connection.settings_dict, fresh_database)
    out = io.StringIO()
    call_command(
        "restore_data",
        input=str(backup_dir),
        database_url=url,
        media_root=str(restored_media),
        stdout=out,
    )
    assert "Restored and verified" in out.getvalue()

    # Every concern, event, evidence row (and the rest) is the same, column for column.
    source = connection.settings_dict["NAME"]
    for model in COMPARED:
        table = model._meta.db_table
        original = rows(connection.settings_dict, source, table)
        assert original, f"{table} should not be empty in this test"
        assert rows(connection.settings_dict, fresh_database, table) == original, table

    # Every evidence file (and its viewing copy) is there, byte for byte.
    evidence = Evidence.objects.order_by("pk")
    assert evidence.count() == 6
    for item in evidence:
        restored = restored_media / item.file.name
        assert sha256_file(restored) == item.sha256 == sha256_file(media_root / item.file.name)
        assert (restored.stat().st_mode & 0o777) == (
            (media_root / item.file.name).stat().st_mode & 0o777
        )
        if item.derived:
            assert sha256_file(restored_media / item.derived.name) == sha256_file(
                media_root / item.derived.name
            )

    # The hash-chained event record verifies on the restored database, by the project's
    # own command run as an operator would run it.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(restored_media),
    }
    verified = subprocess.run(
        [sys.executable, "manage.py", "verify_events", "--skip-checks"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Event chain verified." in verified.stdout
    own_events = Event.objects.filter(organisation=case_records[0].organisation).count()
    assert f"{own_events} events, OK" in verified.stdout


@pytest.mark.postgres
def test_a_restore_refuses_a_database_that_is_not_empty(postgres, tmp_path):
    call_command("backup_data", output=str(tmp_path / "backup"), stdout=io.StringIO())
    url = database_url(connection.settings_dict, connection.settings_dict["NAME"])

    with pytest.raises(CommandError, match=r"already has \d+ tables"):
        call_command(
            "restore_data",
            input=str(tmp_path / "backup"),
            database_url=url,
            media_root=str(tmp_path / "restored-media"),
            stdout=io.StringIO(),
        )
    assert not (tmp_path / "restored-media").exists()


@pytest.mark.postgres
def test_a_changed_backup_file_is_refused_before_anything_is_restored(
    postgres, fresh_database, tmp_path
):
    backup_dir = tmp_path / "backup"
    call_command("backup_data", output=str(backup_dir), stdout=io.StringIO())
    dump = backup_dir / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    with pytest.raises(CommandError, match=r"database\.dump does not match its SHA-256"):
        call_command(
            "restore_data",
            input=str(backup_dir),
            database_url=database_url(connection.settings_dict, fresh_database),
            media_root=str(tmp_path / "restored-media"),
            stdout=io.StringIO(),
        )
    # Nothing was restored: the target database is still empty.
    assert [
        row
        for row in rows(connection.settings_dict, fresh_database, "pg_tables")
        if row[0] == "public"
    ] == []


@pytest.mark.postgres
def test_backup_into_a_directory_that_is_not_empty_is_refused(postgres, tmp_path):
    (tmp_path / "old-file").write_text("x")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup_data", output=str(tmp_path), stdout=io.StringIO())


def test_backup_refuses_a_database_that_is_not_postgresql(db, monkeypatch, tmp_path):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="backup_data needs PostgreSQL"):
        call_command("backup_data", output=str(tmp_path / "backup"), stdout=io.StringIO())
    assert not (tmp_path / "backup").exists()


def test_restore_refuses_a_sqlite_target(tmp_path):
    with pytest.raises(CommandError, match="need PostgreSQL"):
        call_command(
            "restore_data",
            input=str(tmp_path),
            database_url=f"sqlite:///{tmp_path / 'restored.sqlite3'}",
            stdout=io.StringIO(),
        )


def test_restore_refuses_a_directory_without_a_manifest(tmp_path):
    with pytest.raises(CommandError, match=r"no manifest\.json"):
        call_command(
            "restore_data",
            input=str(tmp_path),
            database_url="postgres://postgres@127.0.0.1:5432/never_used",
            media_root=str(tmp_path / "media"),
            stdout=io.StringIO(),
        )
