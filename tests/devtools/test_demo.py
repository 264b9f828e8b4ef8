from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from incidents.models import Concern, Status
from notifications.models import Notification
from notifications.services import deliver, resend_unsent

pytestmark = pytest.mark.django_db


def test_demo_data_creates_a_user_for_every_role_and_prints_sign_ins(settings, capsys, guidance):
    settings.DEBUG = True
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "password for all" in out
    held = {role for user in User.objects.all() for role in user.roles}
    assert held == set(Role.values)
    call_command("load_demo")  # idempotent
    assert User.objects.count() == 8
    demo_managers = User.objects.filter(
        organisation__name="Department of Demonstration Services",
        role_grants__role=Role.HR_MANAGER,
    )
    assert demo_managers.count() == 2  # one can approve what the other investigated


def test_demo_concerns_are_submitted_and_spread_over_the_past_year(settings, guidance):
    settings.DEBUG = True
    call_command("load_demo")
    concerns = Concern.objects.all()
    assert concerns.count() >= 30
    assert not concerns.filter(status=Status.DRAFT).exists()
    months = {c.submitted_at.strftime("%Y-%m") for c in concerns}
    assert len(months) >= 6
    assert all(c.reference.startswith("SMC-") for c in concerns)
    call_command("load_demo")
    assert Concern.objects.count() == concerns.count()


def test_demo_data_refuses_to_load_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refusing with DEBUG off"):
        call_command("load_demo")


@pytest.mark.parametrize("eager", [True, False], ids=["eager", "broker"])
def test_demo_history_is_recorded_but_sends_no_email_and_queues_nothing(
    eager, settings, guidance, celery_app, django_capture_on_commit_callbacks
):
    """With a broker configured, the demo once sent its 36 historical emails."""
    settings.DEBUG = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    try:
        with (
            mock.patch("celery.app.task.Task.apply_async") as queued,
            django_capture_on_commit_callbacks(execute=True),
        ):
            call_command("load_demo")
    finally:
        celery_app.conf.task_always_eager = previous
    assert queued.call_count == 0
    assert mail.outbox == []
    rows = Notification.objects.all()
    assert rows.count() >= 30
    assert not rows.filter(withheld_at=None).exists()
    assert not rows.filter(sent_at__isnull=False).exists()
    assert {row.last_error for row in rows} == {"Not sent: history loaded by the demo loader."}
    # Withheld for good: the periodic resend and a stray task both leave them alone.
    assert resend_unsent(older_than_seconds=0) == 0
    assert deliver(rows.first().pk) is False
    assert mail.outbox == []
