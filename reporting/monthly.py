"""The monthly trend summary: built on the first working day, emailed to executives.

Idempotent: each organisation and month has one `MonthlySummary` row, claimed with a
conditional update before sending and marked sent afterwards, so a second run (or
two beat processes) sends nothing more. A run that fails leaves the row unsent and
the next daily run tries again.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Organisation, Role
from incidents.working_days import first_working_day

from . import dashboard
from .about import export_about
from .exports import to_xlsx
from .models import MonthlySummary
from .queries import ReportFilters, ReportScope

logger = logging.getLogger(__name__)
CLAIM_TIMEOUT = dt.timedelta(minutes=30)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def previous_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def build_workbook(organisation: Organisation, month: dt.date) -> bytes:
    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    scope = ReportScope(
        organisation_ids=(organisation.pk,),
        filters=ReportFilters(date_from=month, date_to=end),
    )
    panels = dashboard.build_panels(scope)
    return to_xlsx(
        [panel.export_table() for panel in panels],
        title=f"Social media conduct summary, {organisation.name}, {month:%B %Y}",
        about=export_about(scope),
    )


def _send(summary: MonthlySummary) -> int:
    organisation = summary.organisation
    executives = list(
        get_user_model()
        .objects.filter(organisation=organisation, is_active=True, role_grants__role=Role.EXECUTIVE)
        .exclude(email="")
        .distinct()
    )
    if not executives:
        return 0
    context = {
        "organisation": organisation,
        "month": summary.month,
        "link": f"{settings.SITE_URL.rstrip('/')}/reports/",
        "marking": "OFFICIAL: Sensitive",
    }
    subject = render_to_string("emails/monthly_summary/subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/monthly_summary/body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email for person in executives],
    )
    message.attach_alternative(
        render_to_string("emails/monthly_summary/body.html", context), "text/html"
    )
    message.attach(
        f"conduct-summary-{summary.month:%Y-%m}.xlsx",
        build_workbook(organisation, summary.month),
        XLSX,
    )
    message.send()
    return len(executives)


def send_monthly_summaries(*, today: dt.date | None = None) -> int:
    """Send last month's summary to each organisation's executives, once."""
    today = today or timezone.localdate()
    month = previous_month(today)
    sent = 0
    for organisation in Organisation.objects.order_by("pk"):
        state = organisation.holiday_state
        if today < first_working_day(today.year, today.month, state=state):
            continue  # New Year's Day, say: it goes out on the first day back
        MonthlySummary.objects.get_or_create(organisation=organisation, month=month)
        now = timezone.now()
        claimed = (
            MonthlySummary.objects.filter(organisation=organisation, month=month, sent_at=None)
            .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
            .update(claimed_at=now)
        )
        if not claimed:
            continue
        summary = MonthlySummary.objects.select_related("organisation").get(
            organisation=organisation, month=month
        )
        try:
            recipients = _send(summary)
        except Exception:
            MonthlySummary.objects.filter(pk=summary.pk).update(claimed_at=None)
            logger.exception("Monthly summary for %s failed; will retry", organisation)
            continue
        MonthlySummary.objects.filter(pk=summary.pk).update(
            sent_at=timezone.now(), recipients=recipients
        )
        sent += 1
    return sent
