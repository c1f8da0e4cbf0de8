"""An index of safeguarding's audit events alone, newest first, for the authority's
safeguarding lead's audit search: they are a few thousand among millions of events, which
without it are all read for every page of that search.

Its condition is privacy.rules.safeguarding_events() as SQL, written out here because a
migration must not change when the code does; privacy/tests/test_audit_search.py holds the
two equal. PostgreSQL uses the index only for a search whose condition is this one."""

from django.db import migrations

OBJECT_TYPES = ("safeguarding.category", "safeguarding.concern", "safeguarding.entry")
ACTION_PREFIX = "safeguarding."

CONDITION = (
    f"object_type IN ({', '.join(repr(t) for t in OBJECT_TYPES)}) OR action LIKE '{ACTION_PREFIX}%'"
)


def build(apps, schema_editor):
    # Concurrently on PostgreSQL: every action records an event, so a locked table of
    # millions of events would hold every action while the index builds.
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX {concurrently}audit_event_safeguarding "
        f"ON audit_event (occurred_at DESC, id DESC) WHERE {CONDITION}",
        None,  # no parameters: the condition's % is SQL's, not a placeholder
    )


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX audit_event_safeguarding")


class Migration(migrations.Migration):
    atomic = False  # a concurrent build cannot run in a transaction

    dependencies = [
        ("privacy", "0003_subject_access"),
        ("audit", "0002_append_only"),
    ]

    operations = [migrations.RunPython(build, drop)]
