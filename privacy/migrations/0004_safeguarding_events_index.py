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
    f"object_type IN ({', '.join(repr(t) for t in OBJECT_TYPES)}) "
    f"OR action LIKE '{ACTION_PREFIX}%'"
)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_subject_access"),
        ("audit", "0002_append_only"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX audit_event_safeguarding ON audit_event (occurred_at DESC, id DESC) "
            f"WHERE {CONDITION}",
            "DROP INDEX audit_event_safeguarding",
        ),
    ]
