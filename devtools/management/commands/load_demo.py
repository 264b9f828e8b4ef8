from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from devtools.demo_people import DEMO_PASSWORD, load_demo_people


class Command(BaseCommand):
    help = "Create the demo organisation, people and concerns (development only, idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even when DEBUG is off. Demo accounts share a published password.",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Demo data has a published password; refusing with DEBUG off. "
                "Pass --allow-production only on a throwaway installation."
            )
        from devtools.demo_concerns import load_demo_concerns
        from guidance.models import PlatformCategory
        from notifications.services import withheld

        if not PlatformCategory.objects.exists():
            raise CommandError("Load the guidance first: python manage.py load_guidance")
        people = load_demo_people()
        # Demo concerns are history: their notifications are recorded as withheld, never
        # queued, so no email goes out, with a worker or without one.
        with withheld("history loaded by the demo loader."):
            made = load_demo_concerns(people={person.username: user for person, user in people})
        self.stdout.write(f"Demo concerns created: {made}")
        self.stdout.write(
            self.style.SUCCESS("Demo sign-ins (password for all: " + DEMO_PASSWORD + ")")
        )
        for person, user in people:
            if not person.sign_in:
                continue
            roles = ", ".join(Role(role).label for role in person.roles)
            self.stdout.write(f"  {user.username:<14} {roles} — {user.organisation}")
