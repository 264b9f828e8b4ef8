"""The models of reporting moved here from `incidents`, keeping their tables and rows."""

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
        ('guidance', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are, under their old names.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ExportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('organisation_ids', models.JSONField(blank=True, help_text='Organisations covered; empty for the whole sector.', null=True)),
                        ('filters', models.JSONField(blank=True, default=dict)),
                        ('state', models.CharField(choices=[('queued', 'Waiting to start'), ('running', 'Being prepared'), ('done', 'Ready'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('progress', models.PositiveSmallIntegerField(default=0)),
                        ('file', models.FileField(blank=True, upload_to='exports/')),
                        ('error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('started_at', models.DateTimeField(blank=True, help_text='When a worker claimed it; a stale claim is taken over.', null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'incidents_exportjob',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportRollupState',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event_seq', models.PositiveBigIntegerField(default=0)),
                        ('refreshed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                    ],
                    options={
                        'db_table': 'incidents_reportrollupstate',
                    },
                ),
                migrations.CreateModel(
                    name='MonthlySummary',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(help_text='The first day of the month summarised.')),
                        ('claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('recipients', models.PositiveIntegerField(default=0)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                    ],
                    options={
                        'db_table': 'incidents_monthlysummary',
                        'constraints': [models.UniqueConstraint(fields=('organisation', 'month'), name='unique_monthly_summary')],
                    },
                ),
                migrations.CreateModel(
                    name='ReportRollup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(help_text='The first day of the month of submission.')),
                        ('counts', models.JSONField(default=dict)),
                        ('subject_ids', models.BinaryField(default=b'', help_text='Employee ids, for distinct counts.')),
                        ('triage_seconds', models.BinaryField(default=b'', help_text='Submission to triage.')),
                        ('close_seconds', models.BinaryField(default=b'', help_text='Submission to closure (closed).')),
                        ('open_submitted', models.BinaryField(default=b'', help_text='Open concerns: submission time, microseconds since 1970.')),
                        ('open_due', models.BinaryField(default=b'', help_text='Open concerns: due date ordinals.')),
                        ('business_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.businessunit')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('platform_category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='guidance.platformcategory')),
                        ('section', models.ForeignKey(blank=True, help_text="Empty: every concern. Set: the concerns whose reported or confirmed sections include it (the dashboard's section filter).", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='guidance.codesection')),
                    ],
                    options={
                        'db_table': 'incidents_reportrollup',
                        'indexes': [models.Index(fields=['organisation', 'section', 'month'], name='incidents_r_organis_930c32_idx')],
                    },
                ),
            ],
        ),
        # Permissions and admin history follow the models to their new app.
        migrations.RunPython(
            _move_content_types("incidents", "reporting", ['exportjob', 'monthlysummary', 'reportrollup', 'reportrollupstate']),
            _move_content_types("reporting", "incidents", ['exportjob', 'monthlysummary', 'reportrollup', 'reportrollupstate']),
        ),
    ]
