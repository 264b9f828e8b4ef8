"""Tokens that an HR manager made to act as another person stop for good.

A personal token is now always for the person who made it (a system uses a token for its
service identity instead). Such tokens are already refused at every request
(api.permissions.token_in_force); revoking them here also shows them as revoked.
"""

from django.db import migrations
from django.db.models import F, Q
from django.utils import timezone


def revoke_tokens_made_for_others(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(revoked_at__isnull=True).filter(
        Q(created_by__isnull=True) | ~Q(created_by=F("user"))
    ).filter(user__is_service_identity=False).update(revoked_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("accounts", "0005_service_identities"),
    ]

    operations = [
        migrations.RunPython(revoke_tokens_made_for_others, migrations.RunPython.noop),
    ]
