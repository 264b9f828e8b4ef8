"""GIN indexes for HR's full-text search of a concern's description and its notes.

PostgreSQL only: expression indexes over exactly the expressions the queue's search uses
(incidents.casework.selectors.concern_words and note_words, the 'english' configuration),
so a search reads the index instead of every row. SQLite searches by letters (icontains)
and gets no index; the migration does nothing there.
"""

from django.db import migrations

INDEXES = (
    (
        "concern_description_fts",
        "incidents_concern",
        "to_tsvector('english'::regconfig, COALESCE(description, ''))",
    ),
    (
        "note_text_fts",
        "incidents_note",
        "to_tsvector('english'::regconfig, COALESCE(text, ''))",
    ),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, expression in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}))")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0011_case_documents"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
