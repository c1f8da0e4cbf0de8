"""Database triggers that make the event table append-only, for SQLite and PostgreSQL.

On PostgreSQL, row triggers refuse UPDATE and DELETE. TRUNCATE is left to privileges: the
application's database role must not own the table in production (docs/decisions).
"""

SQLITE_GUARDS = {
    "audit_event_no_update": (
        "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed'); END"
    ),
    "audit_event_no_delete": (
        "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit events cannot be deleted'); END"
    ),
}

POSTGRESQL_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION audit_event_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit events cannot be changed or deleted';
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    """
    CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_refuse()",
]


def install_guards(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE_GUARDS.values():
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            for sql in POSTGRESQL_INSTALL:
                cursor.execute(sql)


def drop_guards(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_GUARDS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            for sql in POSTGRESQL_DROP:
                cursor.execute(sql)
