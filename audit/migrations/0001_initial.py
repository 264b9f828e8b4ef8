"""The models of the event record moved here from `incidents`, keeping their tables and rows."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _move_content_types(app_from, app_to, models):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not ContentType.objects.filter(app_label=app_to, model=model).exists():
                ContentType.objects.filter(app_label=app_from, model=model).update(app_label=app_to)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0005_service_identities'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('incidents', '0008_section_tags'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are, under their old names.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='EventChainHead',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.PositiveBigIntegerField(default=0)),
                        ('hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
                        ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                    ],
                    options={
                        'db_table': 'incidents_eventchainhead',
                    },
                ),
                migrations.CreateModel(
                    name='AccessRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('viewed', 'Opened the concern'), ('downloaded', 'Downloaded a file'), ('log_read', 'Read this access log')], max_length=12)),
                        ('detail', models.CharField(blank=True, max_length=255)),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('concern', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='access_records', to='incidents.concern')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'incidents_accessrecord',
                        'ordering': ['-at', '-pk'],
                        'indexes': [models.Index(fields=['concern', '-at'], name='incidents_a_concern_a53d86_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='Event',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('created', 'Draft created'), ('updated', 'Draft edited'), ('status_changed', 'Status changed'), ('reference_issued', 'Reference issued'), ('evidence_added', 'Evidence attached'), ('evidence_downloaded', 'Evidence downloaded'), ('evidence_integrity_failed', 'Evidence failed its integrity check'), ('triage_recorded', 'Triage recorded'), ('assigned', 'Assigned'), ('stepped_aside', 'Investigator stepped aside'), ('reporting_line_recorded', 'Reporting line recorded'), ('fairness_recorded', 'Procedural fairness steps recorded'), ('findings_recorded', 'Findings recorded'), ('note_added', 'Note added'), ('restricted', 'Restricted as a possible public interest disclosure'), ('escalated', 'Escalated as overdue'), ('report_exported', 'Report exported'), ('person_exported', "Access-request export of an employee's records"), ('legal_hold_placed', 'Legal hold placed'), ('legal_hold_released', 'Legal hold released'), ('disposal_approved', 'Disposal approved'), ('disposed', 'Record disposed of'), ('imported', 'Imported from a spreadsheet'), ('import_confirmed', 'Spreadsheet import confirmed'), ('import_finished', 'Spreadsheet import finished'), ('import_expired', 'Spreadsheet import expired unconfirmed; its file was deleted'), ('api_token_created', 'API token created'), ('api_token_revoked', 'API token revoked'), ('service_identity_created', 'Service identity created'), ('service_identity_changed', 'Service identity changed')], max_length=40)),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('before', models.JSONField(blank=True, default=dict)),
                        ('after', models.JSONField(blank=True, default=dict)),
                        ('seq', models.PositiveBigIntegerField(editable=False)),
                        ('prev_hash', models.CharField(editable=False, max_length=64)),
                        ('hash', models.CharField(editable=False, max_length=64)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('concern', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='incidents.concern')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation')),
                    ],
                    options={
                        'db_table': 'incidents_event',
                        'ordering': ['at', 'pk'],
                        'indexes': [models.Index(fields=['concern', 'at'], name='incidents_e_concern_e3d4fa_idx')],
                        'constraints': [models.UniqueConstraint(fields=('organisation', 'seq'), name='unique_event_seq')],
                    },
                ),
            ],
        ),
        # Permissions and admin history follow the models to their new app.
        migrations.RunPython(
            _move_content_types("incidents", "audit", ['event', 'eventchainhead', 'accessrecord']),
            _move_content_types("audit", "incidents", ['event', 'eventchainhead', 'accessrecord']),
        ),
    ]
