import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_demo_data_creates_a_user_for_every_role_and_prints_sign_ins(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "password for all" in out
    held = {role for user in User.objects.all() for role in user.roles}
    assert held == set(Role.values)
    call_command("load_demo")  # idempotent
    assert User.objects.count() == 6


def test_demo_data_refuses_to_load_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refusing with DEBUG off"):
        call_command("load_demo")
