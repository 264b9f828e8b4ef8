from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers the checks and handlers)
