"""What the concern page shows of interim measures: the short list and, for those who may
record them, the two lazy panels (record one; end one still in place).

No query for a concern without measures: the page's own query says whether it has any
(incidents.selectors.OFTEN_EMPTY, probed by record_queryset); one query for the list
when it has.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from incidents import permissions
from incidents.models import Concern
from incidents.selectors import holds_none

from .interim import interim_measures_of
from .interim_forms import InterimEndForm, InterimMeasureForm

PANEL_KEYS = ("interim", "interim_end")


def interim_context(user, concern: Concern, bound: dict, error: str | None = None) -> dict:
    """`interim` for the partial (None when this person may not see the measures) and
    `interim_panels` for the page's panels."""
    from .views.case import Panel

    if not permissions.can_view_interim_measures(user, concern):
        return {"interim": None, "interim_panels": {}}
    measures = [] if holds_none(concern, "interim_measures") else interim_measures_of(concern)
    active = [item for item in measures if item.is_active]
    can_record = permissions.can_record_interim_measure(user, concern)
    panels = {}
    if can_record:
        offered = [
            (
                "interim",
                bound.get("interim")
                or InterimMeasureForm(initial={"starts_on": timezone.localdate()}),
                reverse("incidents:interim_record", args=[concern.pk]),
                "Record an interim measure",
                "Record the measure",
            )
        ]
        if active:
            offered.append(
                (
                    "interim_end",
                    bound.get("interim_end")
                    or InterimEndForm(initial={"ended_on": timezone.localdate()}, active=active),
                    reverse("incidents:interim_end", args=[concern.pk]),
                    "End a measure",
                    "End the measure",
                )
            )
        for key, form, url, label, submit in offered:
            failed = key in bound
            panel = Panel(
                key,
                label=label,
                form=form,
                url=url,
                title=label,
                submit=submit,
                style="outline-primary" if key == "interim" else "outline-secondary",
                open=failed,
                error=(error or "") if failed else "",
            )
            panel.page_url = reverse("incidents:panel", args=[concern.pk, panel.slug])
            panels[key] = panel
    return {
        "interim": {
            "measures": measures,
            "active": active,
            "can_record": can_record,
            "closed": not concern.is_open,
            "today": timezone.localdate(),
        },
        "interim_panels": panels,
    }
