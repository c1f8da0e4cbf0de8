"""A migration operation for national volume, the same on SQLite and PostgreSQL."""

from django.db.migrations.operations import AddIndex


class AddIndexConcurrently(AddIndex):
    """AddIndex for a table too big to stop writing to while its index builds (9 million
    alerts, millions of audit events): PostgreSQL builds it CONCURRENTLY, so registers and
    audit events go on being written meanwhile; SQLite builds it as AddIndex does. A
    concurrent build cannot run in a transaction, so its migration says `atomic = False`
    (and holds nothing else that needs one)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)
