from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"

    def ready(self) -> None:
        # documents cannot import applications, so it learns here who may read an
        # application's documents.
        from applications.rules import can_read_application_document
        from documents.rules import register_reader

        register_reader(can_read_application_document)
