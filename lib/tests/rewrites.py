"""Raw SQL that rewrites a saved row in place without saying UPDATE or DELETE, for the tests
of append-only tables (lib.append_only): SQLite's REPLACE deletes the row and inserts it
again, and an upsert updates it."""

from django.db import DatabaseError, connection, transaction


def rewrites(table: str) -> list[str]:
    """Statements that write row %s of `table` again, on the test database's engine."""
    again = f"SELECT * FROM {table} WHERE id = %s"  # noqa: S608 -- a table name of the tests
    if connection.vendor == "sqlite":
        return [
            f"REPLACE INTO {table} {again}",
            f"INSERT OR REPLACE INTO {table} {again}",
            f"INSERT INTO {table} {again} ON CONFLICT (id) DO UPDATE SET id = excluded.id",
        ]
    return [f"INSERT INTO {table} {again} ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id"]


def refused(sql: str, pk: int) -> bool:
    """Whether the database refuses the statement (and it leaves nothing behind)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])
    except DatabaseError:
        return True
    return False
