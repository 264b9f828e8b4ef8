"""Import headcounts from the CSV an HR system produces: business_unit, month, staff."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation
from accounts.services import headcount_import, headcount_parse


class Command(BaseCommand):
    help = "Record business units' monthly headcounts from a CSV (business_unit,month,staff)."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="The organisation's short name.")
        parser.add_argument("csv", type=Path)

    def handle(self, *args, **options):
        try:
            organisation = Organisation.objects.get(short_name=options["organisation"])
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation {options['organisation']!r}.") from None
        try:
            text = options["csv"].read_text(encoding="utf-8-sig")
            written = headcount_import(organisation=organisation, rows=headcount_parse(text))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read the file: {error}") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Recorded {written} headcounts for {organisation}.")
