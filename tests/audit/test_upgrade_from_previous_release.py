"""Upgrading from the previous release keeps every row of the models that changed app.

In the previous release the event record (Event, EventChainHead, AccessRecord) and the
reporting models (MonthlySummary, ExportJob, ReportRollup, ReportRollupState) lived in
`incidents`, whose last migration was 0008; there was no `audit` or `reporting` app. The
move keeps the tables and renames the content type rows in place.

Both tests migrate the test database back to that release, write what an installation
of it would hold (through the historical models of that state; the beat schedule rows
through django-celery-beat's own code, from CELERY_BEAT_SCHEDULE, whose job and task
names that release shared), migrate forward to the latest migrations and check, with the
current models, what an upgrade relies on. The database is migrated forward again
whatever happens, so later tests find the latest schema. Nothing here is specific to
PostgreSQL, so it runs on SQLite too; CI runs it on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from array import array
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from audit.chain import GENESIS, event_digest, verify_chain
from audit.models import AccessRecord, Event, EventChainHead
from reporting.models import ExportJob, MonthlySummary, ReportRollup, ReportRollupState

pytestmark = pytest.mark.django_db(transaction=True)

# The migration state of the previous release, for the apps this release changed.
PREVIOUS_RELEASE = [("incidents", "0008_section_tags"), ("audit", None), ("reporting", None)]
NEW_IN_THIS_RELEASE = [
    ("incidents", "0009_event_record_and_reporting_moved"),
    ("audit", "0001_initial"),
    ("reporting", "0001_initial"),
]

# Every model that moved out of `incidents`, under its model name, with where it is now.
MOVED = {
    "event": Event,
    "eventchainhead": EventChainHead,
    "accessrecord": AccessRecord,
    "monthlysummary": MonthlySummary,
    "exportjob": ExportJob,
    "reportrollup": ReportRollup,
    "reportrollupstate": ReportRollupState,
}

# What a worker looks up when a build queued by the previous release reaches it.
OLD_BUILD_EXPORT_TASK = "incidents.tasks.build_export"


@dataclass
class PreviousRelease:
    """What the previous release left in the database, read back before the upgrade."""

    organisation_id: int
    user_id: int
    export_job_id: int
    log_entry_id: int
    rows: dict[str, list[dict]]  # model name -> every row, in primary key order
    content_types: dict[str, int]  # model name -> id of its incidents.<model> row
    permissions: dict[int, int]  # permission id -> content type id, for the moved models
    beat: dict[str, tuple[int, str]]  # periodic task name -> (id, task)


def _plain(rows) -> list[dict]:
    """Rows as plain values (PostgreSQL hands binary columns back as memoryview)."""
    return [
        {
            key: bytes(value) if isinstance(value, memoryview) else value
            for key, value in row.items()
        }
        for row in rows
    ]


def _migrate_to_latest() -> None:
    # A fresh executor, as Django's own migration tests do: it reloads what is applied.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def _write_previous_release(apps) -> PreviousRelease:
    """Rows of every moved model, as the previous release's code would have left them."""
    Organisation = apps.get_model("accounts", "Organisation")
    User = apps.get_model("accounts", "User")
    Concern = apps.get_model("incidents", "Concern")
    OldEvent = apps.get_model("incidents", "Event")
    OldEventChainHead = apps.get_model("incidents", "EventChainHead")
    OldAccessRecord = apps.get_model("incidents", "AccessRecord")
    OldMonthlySummary = apps.get_model("incidents", "MonthlySummary")
    OldExportJob = apps.get_model("incidents", "ExportJob")
    OldReportRollup = apps.get_model("incidents", "ReportRollup")
    OldReportRollupState = apps.get_model("incidents", "ReportRollupState")
    OldContentType = apps.get_model("contenttypes", "ContentType")
    OldPermission = apps.get_model("auth", "Permission")
    OldLogEntry = apps.get_model("admin", "LogEntry")

    organisation = Organisation.objects.create(name="Department of Upgrades", short_name="upg")
    user = User.objects.create(
        username="upgrader", password="!", organisation_id=organisation.pk, is_staff=True
    )
    concern = Concern.objects.create(
        organisation_id=organisation.pk, reporter_id=user.pk, description="Before the upgrade"
    )

    # A valid chain of three events, hashed the way record_event hashes them.
    start = timezone.now() - dt.timedelta(days=40)
    prev_hash = GENESIS
    history = [
        ("created", concern.pk, {}, {"description": "Before the upgrade"}),
        ("updated", concern.pk, {"platform_name": ""}, {"platform_name": "Forum"}),
        ("api_token_created", None, {}, {"token": "hr-system", "scopes": ["read"]}),
    ]
    for seq, (kind, concern_id, before, after) in enumerate(history, start=1):
        at = start + dt.timedelta(minutes=seq, microseconds=seq * 1234)
        digest = event_digest(
            organisation_id=organisation.pk,
            seq=seq,
            concern_id=concern_id,
            actor_id=user.pk,
            kind=kind,
            at=at,
            before=before,
            after=after,
            prev_hash=prev_hash,
        )
        OldEvent.objects.create(
            organisation_id=organisation.pk,
            concern_id=concern_id,
            actor_id=user.pk,
            kind=kind,
            at=at,
            before=before,
            after=after,
            seq=seq,
            prev_hash=prev_hash,
            hash=digest,
        )
        prev_hash = digest
    OldEventChainHead.objects.create(
        organisation_id=organisation.pk, seq=len(history), hash=prev_hash
    )
    OldAccessRecord.objects.create(
        concern_id=concern.pk, user_id=user.pk, action="viewed", detail="from the list"
    )

    month = (start.date().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    OldMonthlySummary.objects.create(
        organisation_id=organisation.pk,
        month=month,
        claimed_at=start,
        sent_at=start + dt.timedelta(seconds=5),
        recipients=2,
    )
    OldReportRollup.objects.create(
        organisation_id=organisation.pk,
        month=month,
        counts={"total": 1, "open": 1, "confirmed": {}, "reported_only": {}, "findings": {}},
        subject_ids=array("q", [7, 11]).tobytes(),
        open_submitted=array("q", [1_700_000_000_000_000]).tobytes(),
    )
    OldReportRollupState.objects.create(organisation_id=organisation.pk, event_seq=len(history))
    # An export requested a while before the upgrade that no worker has built yet.
    job = OldExportJob.objects.create(
        requested_by_id=user.pk,
        organisation_ids=[organisation.pk],
        filters={
            "date_from": None,
            "date_to": None,
            "business_unit_id": None,
            "section_id": None,
            "platform_id": None,
        },
        state="queued",
        created_at=timezone.now() - dt.timedelta(minutes=30),
    )

    # The content types the previous release had for these models, and their permissions.
    assert not OldContentType.objects.filter(app_label__in=["audit", "reporting"]).exists(), (
        "migrating back should have returned the content types to incidents"
    )
    content_types = {
        model: OldContentType.objects.get(app_label="incidents", model=model).pk for model in MOVED
    }
    permissions = dict(
        OldPermission.objects.filter(content_type_id__in=content_types.values()).values_list(
            "pk", "content_type_id"
        )
    )
    assert len(permissions) >= 4 * len(MOVED)  # add, change, delete, view
    user.user_permissions.set(
        OldPermission.objects.filter(
            content_type_id__in=[content_types["event"], content_types["exportjob"]],
            codename__in=["view_event", "view_exportjob"],
        )
    )
    log_entry = OldLogEntry.objects.create(
        user_id=user.pk,
        content_type_id=content_types["exportjob"],
        object_id=str(job.pk),
        object_repr=f"Export {job.pk} (queued)",
        action_flag=2,
        change_message="[]",
    )

    # The beat schedule as django-celery-beat's DatabaseScheduler writes it at start-up
    # (setup_schedule -> update_from_dict -> ModelEntry.from_entry). The previous release
    # declared the same jobs under the same task names.
    from config.celery_app import app

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        ModelEntry.from_entry(name, app=app, **entry)
    beat = {row.name: (row.pk, row.task) for row in PeriodicTask.objects.all()}
    assert set(beat) >= set(settings.CELERY_BEAT_SCHEDULE)

    rows = {
        model: _plain(apps.get_model("incidents", model).objects.order_by("pk").values())
        for model in MOVED
    }
    assert all(rows.values()), "every moved model needs a row for the comparison to mean much"
    return PreviousRelease(
        organisation_id=organisation.pk,
        user_id=user.pk,
        export_job_id=job.pk,
        log_entry_id=log_entry.pk,
        rows=rows,
        content_types=content_types,
        permissions=permissions,
        beat=beat,
    )


@pytest.fixture
def upgraded(transactional_db) -> PreviousRelease:
    """Migrate back to the previous release, write its rows, migrate to the latest."""
    try:
        state = MigrationExecutor(connection).migrate(PREVIOUS_RELEASE)
        applied = MigrationExecutor(connection).loader.applied_migrations
        assert ("incidents", "0008_section_tags") in applied
        assert not set(NEW_IN_THIS_RELEASE) & set(applied)
        before = _write_previous_release(state.apps)
    finally:
        # The upgrade itself; also what leaves the schema right for later tests.
        _migrate_to_latest()
    return before


def test_an_upgrade_keeps_every_moved_row_the_chain_and_the_content_type_ids(upgraded):
    after = {name: _plain(model.objects.order_by("pk").values()) for name, model in MOVED.items()}
    assert after == upgraded.rows

    assert Event.objects.filter(organisation_id=upgraded.organisation_id).count() == 3
    assert list(verify_chain(upgraded.organisation_id)) == []

    # Renamed in place, so permissions, the user's grants and admin history follow.
    ContentType.objects.clear_cache()
    assert not ContentType.objects.filter(app_label="incidents", model__in=MOVED).exists()
    for name, model in MOVED.items():
        row = ContentType.objects.get(app_label=model._meta.app_label, model=name)
        assert row.pk == upgraded.content_types[name], name
        assert ContentType.objects.get_for_model(model).pk == row.pk
    permissions = Permission.objects.filter(pk__in=upgraded.permissions)
    assert dict(permissions.values_list("pk", "content_type_id")) == upgraded.permissions
    user = get_user_model().objects.get(pk=upgraded.user_id)
    assert user.has_perm("audit.view_event")
    assert user.has_perm("reporting.view_exportjob")
    assert not user.has_perm("incidents.view_event")
    log_entry = LogEntry.objects.get(pk=upgraded.log_entry_id)
    assert log_entry.get_edited_object() == ExportJob.objects.get(pk=upgraded.export_job_id)


def test_after_an_upgrade_beat_rows_and_a_pending_export_find_their_tasks(
    upgraded, media, monkeypatch
):
    from config.celery_app import app
    from operations import queueing
    from reporting.tasks import build_export

    app.loader.import_default_modules()
    rows = {row.name: (row.pk, row.task) for row in PeriodicTask.objects.all()}
    assert rows == upgraded.beat
    assert sorted(task for _, task in rows.values() if task not in app.tasks) == []

    # The sweep finds the export the previous release left waiting...
    queued = []
    monkeypatch.setattr(build_export, "delay", lambda *args: queued.append(args))
    assert queueing.requeue_stalled_jobs()["exports"] == 1
    assert queued == [(upgraded.export_job_id,)]
    # ...and a build it queued itself reaches a worker under the old task name.
    app.tasks[OLD_BUILD_EXPORT_TASK].apply(args=[upgraded.export_job_id], throw=True)
    job = ExportJob.objects.get(pk=upgraded.export_job_id)
    assert (job.state, job.progress) == (ExportJob.State.DONE, 100)
    assert (media / job.file.name).is_file()
