"""Tables that are append-only: the model refuses to change or delete a saved row, and
database triggers on SQLite and PostgreSQL refuse too, so raw SQL and bulk queries cannot
get round it.

On PostgreSQL, row triggers refuse UPDATE and DELETE, and so an upsert too. On SQLite,
REPLACE deletes the row it replaces, which fires the delete trigger only because
config.settings turns recursive_triggers on for every connection. TRUNCATE is left to
privileges: the application's database role must not own the tables in production
(docs/decisions).
"""

from django.db import models


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
        }

    def _postgresql(self) -> list[str]:
        return [
            f"""
            CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
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
