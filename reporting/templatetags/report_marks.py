"""How the dashboard writes a published figure: a number, or the mark of a hidden one.

"<5" (fewer than 5) and "np" (not published, so that another hidden count cannot be
worked out) each carry their meaning as a tooltip and for screen readers; the legend on
the page says the same.
"""

from __future__ import annotations

from django import template
from django.conf import settings

from reporting.suppression import NOT_PUBLISHED

register = template.Library()


@register.inclusion_tag("reporting/partials/mark.html")
def report_mark(cell) -> dict:
    """A cell as the page shows it (autoescaped, in reporting/partials/mark.html)."""
    label = getattr(cell, "label", cell)
    label = "" if label is None else str(label)
    if label == NOT_PUBLISHED:
        return {"kind": "np", "threshold": settings.REPORT_SMALL_CELL_THRESHOLD}
    if label.startswith("<") and label[1:].isdigit():
        return {"kind": "small", "label": label, "threshold_shown": label[1:]}
    return {"kind": "", "label": label}
