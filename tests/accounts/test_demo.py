import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from incidents.models import Concern, Status

pytestmark = pytest.mark.django_db


def test_demo_data_creates_a_user_for_every_role_and_prints_sign_ins(settings, capsys, guidance):
    settings.DEBUG = True
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "password for all" in out
    held = {role for user in User.objects.all() for role in user.roles}
    assert held == set(Role.values)
    call_command("load_demo")  # idempotent
    assert User.objects.count() == 7


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
