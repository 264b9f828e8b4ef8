from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        # The embedded default has no Celery beat: runserver runs the periodic jobs (the
        # rollups among them) in a thread instead. Nothing happens in any other process.
        from config.embedded_beat import start_if_embedded

        start_if_embedded()
