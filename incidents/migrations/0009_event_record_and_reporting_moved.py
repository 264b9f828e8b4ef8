"""The event record moved to `audit` and the reporting models to `reporting`; no table changes."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0008_section_tags'),
        ('audit', '0001_initial'),
        ('reporting', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are, under their old names.
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='event',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='event',
                    name='concern',
                ),
                migrations.RemoveField(
                    model_name='event',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='eventchainhead',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='exportjob',
                    name='requested_by',
                ),
                migrations.RemoveField(
                    model_name='monthlysummary',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='reportrollup',
                    name='business_unit',
                ),
                migrations.RemoveField(
                    model_name='reportrollup',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='reportrollup',
                    name='platform_category',
                ),
                migrations.RemoveField(
                    model_name='reportrollup',
                    name='section',
                ),
                migrations.RemoveField(
                    model_name='reportrollupstate',
                    name='organisation',
                ),
                migrations.DeleteModel(
                    name='AccessRecord',
                ),
                migrations.DeleteModel(
                    name='Event',
                ),
                migrations.DeleteModel(
                    name='EventChainHead',
                ),
                migrations.DeleteModel(
                    name='ExportJob',
                ),
                migrations.DeleteModel(
                    name='MonthlySummary',
                ),
                migrations.DeleteModel(
                    name='ReportRollup',
                ),
                migrations.DeleteModel(
                    name='ReportRollupState',
                ),
            ],
        ),
    ]
