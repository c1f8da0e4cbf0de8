"""SQL that the ORM does not write, the same on SQLite and PostgreSQL: a new UUID made by
the database, whether a JSON list holds a string, and INSERT … SELECT, so that a write
over many rows is one statement whatever their number."""

from django.db import connections, router
from django.db.models import BooleanField, Func, Model, QuerySet, TextField, UUIDField, Value
from django.db.models.functions import Cast


class RandomUUID(Func):
    """A version 4 UUID made by the database, one per row. PostgreSQL has gen_random_uuid()
    (version 13 and later); SQLite, which keeps a UUIDField as 32 hexadecimal digits, builds
    one from random bytes with the version and variant digits in their places."""

    output_field = UUIDField()

    def as_postgresql(self, compiler, connection, **extra):
        return "gen_random_uuid()", []

    def as_sqlite(self, compiler, connection, **extra):
        return (
            "lower(hex(randomblob(6)) || '4' || substr(hex(randomblob(2)), 2) || "
            "substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || "
            "hex(randomblob(6)))",
            [],
        )


class HoldsString(Func):
    """Whether the JSON list in `expression` (a JSONField) holds the string `text`: true or
    false, never null for a list. PostgreSQL asks its jsonb directly (`?`, for a list: an
    element equal to the string), without writing every row out as text; elsewhere the
    list's JSON text holds the string in quotes, which for a list of plain keys (no quote
    or backslash in them) is the same answer."""

    output_field = BooleanField()

    def __init__(self, expression, text: str):
        if '"' in text or "\\" in text:
            raise ValueError("HoldsString takes plain keys only")
        self.text = text
        super().__init__(expression)

    def as_postgresql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return f"({column} ? %s)", [*params, self.text]

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(Cast(self.source_expressions[0], TextField()))
        quoted, quoted_params = compiler.compile(Value(f'"{self.text}"'))
        return f"(instr({column}, {quoted}) > 0)", [*params, *quoted_params]


def insert_select(
    model: type[Model],
    columns: dict[str, str],
    rows: QuerySet,
    *,
    update_on: list[str] | None = None,
) -> int:
    """Insert into `model`'s table the rows a queryset selects, skipping any that would
    break a unique constraint (ON CONFLICT DO NOTHING), in one statement. `columns` maps
    each column to fill to the name of the annotation of `rows` holding its value. With
    `update_on`, the columns of a unique constraint, a row that would break it updates the
    row already there with its other columns instead (ON CONFLICT … DO UPDATE). Returns
    how many rows were inserted (or updated)."""
    connection = connections[rows.db]
    quote = connection.ops.quote_name
    selected = rows.order_by().values(*columns.values())
    sql, params = selected.query.sql_with_params()
    table = quote(model._meta.db_table)
    into = ", ".join(quote(c) for c in columns)
    values = ", ".join("chosen." + quote(a) for a in columns.values())
    # Only names from the model and the queryset, quoted; every value is a parameter.
    # SQLite needs a WHERE before ON CONFLICT to parse an INSERT … SELECT.
    statement = f"INSERT INTO {table} ({into}) SELECT {values} FROM ({sql}) AS chosen"  # noqa: S608
    statement += " WHERE 1 = 1 ON CONFLICT"
    if update_on:
        conflict = ", ".join(quote(c) for c in update_on)
        kept = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns if c not in update_on)
        statement += f" ({conflict}) DO UPDATE SET {kept}"
    else:
        statement += " DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def insert_or_add(
    model: type[Model], unique: list[str], added: list[str], rows: list[dict]
) -> None:
    """Insert `rows` (dicts of column to value) into `model`'s table, and where a row would
    break the unique constraint on the columns `unique`, add its `added` columns to the row
    already there instead (ON CONFLICT … DO UPDATE SET n = n + excluded.n): counts kept as
    they change. As few statements as the database's limit on parameters allows (one on
    PostgreSQL). Every value is a parameter; the names are the model's, quoted."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = list(rows[0])
    fields = {f.column: f for f in model._meta.concrete_fields}
    into = ", ".join(quote(c) for c in columns)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    conflict = ", ".join(quote(c) for c in unique)
    sets = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in added)
    limit = connection.features.max_query_params
    size = max(1, limit // len(columns)) if limit else len(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            values = ", ".join([row] * len(batch))
            params = [
                fields[c].get_db_prep_value(r[c], connection, prepared=False)
                for r in batch
                for c in columns
            ]
            cursor.execute(
                f"INSERT INTO {table} ({into}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({conflict}) DO UPDATE SET {sets}",
                params,
            )
