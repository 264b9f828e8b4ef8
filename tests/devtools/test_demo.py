"""What a newcomer notices after `make run`: the demo loaded once, looked at from every side.

The demo is loaded once for this module (it takes seconds) and rolled back afterwards;
each test runs in a savepoint inside it. The email side of the demo is in
test_demo_notifications.py, where each test loads the demo its own way.
"""

import datetime as dt
import io
import itertools
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import Headcount, Organisation, Role, User
from audit.chain import verify_chain
from audit.models import Event, EventKind
from guidance.loader import load_guidance
from incidents import permissions
from incidents.models import (
    OPEN_STATUSES,
    Concern,
    Matter,
    Note,
    ReporterAddition,
    ReporterQuestion,
    Status,
)
from notifications.models import Notification
from reporting import dashboard, queries

pytestmark = pytest.mark.django_db

SIGN_INS = (
    "reporter",
    "investigator",
    "hrmanager",
    "hrmanager2",
    "executive",
    "admin",
    "analyst",
    "outsider",
)


def _footprint() -> dict:
    return {
        "users": User.objects.count(),
        "concerns": Concern.objects.count(),
        "events": Event.objects.count(),
        "notifications": Notification.objects.count(),
        "headcounts": Headcount.objects.count(),
        "notes": Note.objects.count(),
        "questions": ReporterQuestion.objects.count(),
        "matters": Matter.objects.count(),
        "passwords": sorted(User.objects.values_list("password", flat=True)),
        "versions": sorted(Concern.objects.values_list("pk", "version")),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """`load_demo` run once, as `make run` does; its output and the database's footprint
    before a second run."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        atomic._from_testcase = True  # durable blocks in tests nest as under TestCase
        try:
            media = tmp_path_factory.mktemp("demo-media")  # the letters' PDFs
            with override_settings(DEBUG=True, MEDIA_ROOT=str(media)):
                load_guidance()
                out = io.StringIO()
                call_command("load_demo", stdout=out)
                yield {"out": out.getvalue(), "footprint": _footprint()}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def organisation(demo):
    return Organisation.objects.get(short_name="demo-org")


def test_the_readmes_demo_accounts_sign_in_with_the_printed_password(demo):
    assert "password for all: demo-pass-2026" in demo["out"]
    for username in SIGN_INS:
        assert f"  {username} " in demo["out"]
        assert User.objects.get(username=username).check_password("demo-pass-2026")
    held = {role for user in User.objects.filter(username__in=SIGN_INS) for role in user.roles}
    # Every role of an organisation; the installation administrator is no demo account.
    assert held == set(Role.values) - {Role.INSTALLATION_ADMINISTRATOR}
    # The colleagues who logged past concerns are not sign-ins.
    colleagues = User.objects.exclude(username__in=SIGN_INS)
    assert colleagues.exists()
    assert not any(user.has_usable_password() for user in colleagues)
    assert not any(f"  {user.username} " in demo["out"] for user in colleagues)


def test_the_demo_has_two_hr_managers_who_approve_what_the_other_investigated(organisation):
    managers = User.objects.filter(organisation=organisation, role_grants__role=Role.HR_MANAGER)
    assert set(managers.values_list("username", flat=True)) == {"hrmanager", "hrmanager2"}
    closes = Event.objects.filter(kind=EventKind.STATUS_CHANGED, after__action="close")
    approvers = Counter(closes.values_list("actor__username", flat=True))
    assert approvers["hrmanager"] > 0 and approvers["hrmanager2"] > 0
    for event in closes.select_related("concern", "concern__organisation"):
        assert event.actor_id not in permissions.investigation_participants(event.concern)
    # At the decision stage now: one only hrmanager2 may approve, one either may.
    waiting = Concern.objects.filter(status=Status.DECISION)
    eligible = [
        {user.username for user in permissions.eligible_approvers(concern)} for concern in waiting
    ]
    assert {"hrmanager2"} in eligible
    assert {"hrmanager", "hrmanager2"} in eligible


def test_there_are_concerns_in_every_state_each_reached_through_its_events(organisation):
    concerns = Concern.objects.filter(organisation=organisation)
    assert set(concerns.values_list("status", flat=True)) == set(Status.values)
    steps = defaultdict(list)
    for concern_id, before, after in (
        Event.objects.filter(kind=EventKind.STATUS_CHANGED)
        .order_by("seq")
        .values_list("concern_id", "before", "after")
    ):
        steps[concern_id].append((before["status"], after["status"]))
    for concern in concerns:
        path = steps[concern.pk]
        if concern.status == Status.DRAFT:
            assert path == []
            continue
        assert path[0] == (Status.DRAFT, Status.SUBMITTED)
        assert all(a[1] == b[0] for a, b in itertools.pairwise(path))
        assert path[-1][1] == concern.status, concern.reference


def test_the_record_reads_in_order_of_time_and_its_chain_verifies(organisation):
    times = list(
        Event.objects.filter(organisation=organisation).order_by("seq").values_list("at", flat=True)
    )
    assert times == sorted(times)
    assert times[-1] <= timezone.now()
    assert times[0] < timezone.now() - dt.timedelta(days=330)
    assert list(verify_chain(organisation.pk)) == []
    # References follow the order of submission within each year.
    submitted = Concern.objects.exclude(reference="").order_by("submitted_at", "pk")
    by_year = defaultdict(list)
    for reference in submitted.values_list("reference", flat=True):
        by_year[reference[4:8]].append(reference)
    for refs in by_year.values():
        assert refs == sorted(refs)


def test_only_a_few_open_concerns_are_overdue(organisation):
    open_concerns = Concern.objects.filter(organisation=organisation, status__in=OPEN_STATUSES)
    overdue = open_concerns.filter(due_on__lt=timezone.localdate())
    assert open_concerns.count() >= 8
    assert 1 <= overdue.count() <= 3


def test_a_dozen_employees_and_a_matter_linking_two_concerns_about_one_video(organisation):
    concerns = Concern.objects.filter(organisation=organisation).exclude(subject=None)
    assert 10 <= concerns.values("subject").distinct().count() <= 14
    matter = Matter.objects.get(organisation=organisation)
    linked = Concern.objects.filter(matter=matter)
    assert linked.count() == 2
    assert len({c.subject_id for c in linked}) == 1
    assert Event.objects.filter(kind=EventKind.MATTER_LINKED, concern__in=linked).count() == 2


def test_the_reporter_answered_hrs_questions_added_more_and_has_one_to_answer(organisation):
    reporter = User.objects.get(username="reporter")
    questions = ReporterQuestion.objects.filter(concern__reporter=reporter)
    assert questions.exclude(answered_at=None).exists()
    waiting = questions.filter(answered_at=None)
    assert waiting.count() == 1
    assert waiting.get().concern.status == Status.INVESTIGATION
    addition = ReporterAddition.objects.get(author=reporter)
    assert addition.note
    assert Event.objects.filter(kind=EventKind.REPORTER_ADDED, concern=addition.concern).exists()
    # The reporter's own list is one person's, every kind of ending included.
    own = Concern.objects.filter(reporter=reporter)
    assert 5 <= own.count() <= 20
    assert {Status.DRAFT, Status.INVESTIGATION, Status.CLOSED, Status.WITHDRAWN} <= set(
        own.values_list("status", flat=True)
    )


def test_investigated_concerns_have_notes_fairness_dates_and_findings(organisation):
    investigated = Concern.objects.filter(
        organisation=organisation, status__in=(Status.DECISION, Status.CLOSED)
    )
    assert investigated.count() >= 20
    for concern in investigated:
        assert concern.allegation_notified_on is not None
        assert concern.response_received_on is not None
        assert concern.response_received_on >= concern.allegation_notified_on
        assert concern.findings.exists()
        assert not concern.findings.filter(finding="").exists()
        assert concern.outcome_summary and concern.action_taken
    assert Note.objects.filter(concern__in=investigated).count() >= 10
    closed = Concern.objects.filter(organisation=organisation, status=Status.CLOSED)
    assert all(c.reporter_message for c in closed)
    assert all(c.closed_at > c.submitted_at for c in closed)
    assert Concern.objects.filter(status=Status.REFERRED).exclude(referred_to="").exists()


def test_the_dashboard_shows_a_year_of_months_and_a_busy_months_panels(organisation):
    scope = queries.ReportScope(organisation_ids=(organisation.pk,))
    panels = {panel.key: panel for panel in dashboard.build_panels(scope)}
    months = panels["months"].rows
    assert len(months) >= 12
    shown = [row for row in months if not row.cells[0].hidden and row.cells[0].value >= 5]
    assert len(shown) >= 6
    assert any(row.cells[0].hidden for row in months)  # some small months stay hidden
    # One busy month on its own: several panels with figures of five or more, and rates
    # per 100 staff from the headcount.
    busiest = max(shown, key=lambda row: row.cells[0].value)
    first = dt.datetime.strptime(busiest.label, "%b %Y").date()
    month = queries.ReportScope(
        organisation_ids=(organisation.pk,),
        filters=queries.ReportFilters(date_from=first, date_to=queries.month_end(first)),
    )
    with_figures = [
        panel
        for panel in dashboard.build_panels(month)
        if any(
            getattr(cell, "value", 0) >= 5 and not cell.hidden
            for row in panel.rows
            for cell in row.cells
            if hasattr(cell, "hidden")
        )
    ]
    keys = {panel.key for panel in with_figures}
    assert len(keys) >= 4
    assert "rates" in keys
    rates = {panel.key: panel for panel in dashboard.build_panels(month)}["rates"]
    assert any(row.cells[2].replace(".", "").isdigit() for row in rates.rows)  # per 100
    assert Headcount.objects.filter(organisation=organisation).count() == 3 * 13


def test_a_second_run_changes_nothing(demo, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo concerns created: 0" in out.getvalue()
    assert _footprint() == demo["footprint"]


def test_demo_data_refuses_to_load_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refusing with DEBUG off"):
        call_command("load_demo")


def test_the_demo_issues_letters_through_the_letters_services(organisation):
    """Letters from templates: the video concern under investigation has its allegation
    notice; the closed concern also its notice of outcome and the reporter's message."""
    from incidents.models import Letter

    issued = Letter.objects.filter(concern__organisation=organisation, issued_at__isnull=False)
    kinds = Counter(issued.values_list("kind", flat=True))
    assert kinds == {"allegation_notice": 2, "outcome": 1, "reporter_closure": 1}
    for letter in issued.select_related("concern", "document"):
        assert letter.document is not None and len(letter.document.sha256) == 64
        assert "{{" not in letter.text
    notices = issued.filter(kind="allegation_notice").select_related("concern")
    for letter in notices:
        assert letter.concern.allegation_notified_on == timezone.localdate(letter.issued_at)
        assert letter.concern.response_due_on == letter.response_due_on
