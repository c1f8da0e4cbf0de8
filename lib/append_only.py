"""Tables that are append-only: the model refuses to change or delete a saved row, and
database triggers on SQLite and PostgreSQL refuse too, so raw SQL and bulk queries cannot
get round it.

On PostgreSQL, row triggers refuse UPDATE and DELETE, and so an upsert too. On SQLite,
REPLACE deletes the row it replaces, which fires the delete trigger only because
config.settings turns recursive_triggers on for every connection. TRUNCATE is left to
privileges: the application's database role must not own the tables in production
(docs/decisions).

One path deletes, for retention only (privacy.retention): `retention_delete` deletes rows
inside a transaction that carries a permit the triggers look for, on PostgreSQL the
transaction-local setting `cap.retention = 'on'`, on SQLite a row of `append_only_permit`
written and removed in the same transaction. Nothing else sets either, so ordinary code and
raw SQL are still refused; no path changes a row.
"""

from django.db import connections, models, transaction

# The SQLite table whose row, while it exists inside the retention's transaction, lets the
# triggers allow a DELETE. Made by AppendOnly.install.
PERMIT_TABLE = "append_only_permit"


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.append_only_what} cannot be changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.append_only_what} cannot be deleted.")


class AppendOnlyModel(models.Model):
    """Saved once, never changed or deleted. `append_only_what` names the rows in the
    refusal, such as "Audit events"."""

    append_only_what = "Records"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError(f"{self.append_only_what} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.append_only_what} cannot be deleted.")


class AppendOnly:
    """The triggers for some tables: `name` names the PostgreSQL function, `what` says in
    the refusal what the rows are."""

    def __init__(self, *, name: str, tables: tuple[str, ...], what: str):
        self.function = f"{name}_refuse"
        self.tables = tables
        self.what = what

    def _sqlite(self) -> dict[str, str]:
        return {
            f"{table}_no_{verb}": (
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {verb.upper()} "
                f"ON {table} BEGIN SELECT RAISE(ABORT, '{self.what} cannot be changed or "
                f"deleted'); END"
            )
            for table in self.tables
            for verb in ("update", "delete")
        } | {
            # Replacing the plain DELETE trigger above: retention's deletes (retention_delete)
            # are let through while its permit exists.
            f"{table}_no_delete": (
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "  # noqa: S608
                f"WHEN NOT EXISTS (SELECT 1 FROM {PERMIT_TABLE} WHERE purpose = 'retention') "
                f"BEGIN SELECT RAISE(ABORT, '{self.what} cannot be changed or deleted'); END"
            )
            for table in self.tables
        }

    def _postgresql(self) -> list[str]:
        return [
            f"""
            CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND current_setting('cap.retention', true) = 'on' THEN
                    RETURN OLD;  -- retention_delete, inside its own transaction only
                END IF;
                RAISE EXCEPTION '{self.what} cannot be changed or deleted';
            END
            $$
            """,
            *(
                sql
                for table in self.tables
                for sql in (
                    f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {self.function}()",
                )
            ),
        ]

    def install(self, connection) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"CREATE TABLE IF NOT EXISTS {PERMIT_TABLE} (purpose TEXT NOT NULL)")
                for sql in self._sqlite().values():
                    cursor.execute(sql)
            elif connection.vendor == "postgresql":
                for sql in self._postgresql():
                    cursor.execute(sql)

    def drop(self, connection) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for name in self._sqlite():
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            elif connection.vendor == "postgresql":
                for table in self.tables:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {self.function}()")


def retention_delete(queryset: models.QuerySet) -> int:
    """Delete these append-only rows for retention: the one sanctioned path. The permit
    lives only inside this call's transaction (a savepoint if one is open), so nothing after
    it, and nothing outside it, can delete. Returns how many rows went."""
    connection = connections[queryset.db]
    with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {PERMIT_TABLE} (purpose) VALUES ('retention')")  # noqa: S608
        elif connection.vendor == "postgresql":
            cursor.execute("SET LOCAL cap.retention = 'on'")
        deleted, _ = models.QuerySet.delete(queryset)
        if connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {PERMIT_TABLE}")  # noqa: S608
        elif connection.vendor == "postgresql":
            cursor.execute("SET LOCAL cap.retention = 'off'")
    return deleted
