from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation
from audit.chain import verify_chain
from audit.models import Event


class Command(BaseCommand):
    help = "Check every organisation's event chain; exit non-zero if any link is broken."

    def handle(self, *args, **options):
        problems = []
        for organisation in Organisation.objects.order_by("pk"):
            count = Event.objects.filter(organisation=organisation).count()
            found = list(verify_chain(organisation.pk))
            problems += found
            state = "OK" if not found else f"{len(found)} problem(s)"
            self.stdout.write(f"{organisation.name}: {count} events, {state}")
            for problem in found:
                self.stdout.write(f"  event {problem.seq}: {problem.message}")
        if problems:
            raise CommandError(f"The event record has been altered: {len(problems)} problem(s).")
        self.stdout.write(self.style.SUCCESS("Event chain verified."))
