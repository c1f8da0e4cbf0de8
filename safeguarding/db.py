"""Database triggers that make concerns and their entries append-only, on SQLite and
PostgreSQL, as audit.db does for audit events.

On PostgreSQL, row triggers refuse UPDATE and DELETE. TRUNCATE is left to privileges: the
application's database role must not own these tables in production.
"""

TABLES = ("safeguarding_concern", "safeguarding_entry")


def _sqlite_guards() -> dict[str, str]:
    guards = {}
    for table in TABLES:
        for verb in ("update", "delete"):
            name = f"{table}_no_{verb}"
            guards[name] = (
                f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {verb.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'safeguarding records cannot be changed'); END"
            )
    return guards


SQLITE_GUARDS = _sqlite_guards()

POSTGRESQL_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION safeguarding_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'safeguarding records cannot be changed or deleted';
    END
    $$
    """,
    *(
        sql
        for table in TABLES
        for sql in (
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION safeguarding_refuse()",
        )
    ),
]
POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS safeguarding_refuse()",
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
