from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        # Registers the Django permissions the admin asks for (accounts.permissions).
        from accounts import permissions  # noqa: F401
