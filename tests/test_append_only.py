"""Every append-only table (lib.append_only) is guarded in the database too, and on SQLite
the guards also stop REPLACE, whose implicit delete fires triggers only with recursive
triggers on."""

from django.apps import apps
from django.db import connection

from audit import db as audit_db
from finance import db as finance_db
from lib.append_only import AppendOnlyModel
from safeguarding import db as safeguarding_db


def test_every_append_only_model_has_database_guards():
    guarded = {t for g in (audit_db, safeguarding_db, finance_db) for t in g.GUARDS.tables}
    tables = {m._meta.db_table for m in apps.get_models() if issubclass(m, AppendOnlyModel)}
    assert tables and tables <= guarded


def test_sqlite_connections_fire_delete_triggers_for_replace(db):
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers")
        assert cursor.fetchone()[0] == 1
