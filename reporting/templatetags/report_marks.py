"""How the dashboard writes a published figure: a number, or the mark of a hidden one.

"<5" (fewer than 5) and "np" (not published, so that another hidden count cannot be
worked out) each carry their meaning as a tooltip and for screen readers; the legend on
the page says the same.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.html import format_html

from reporting.suppression import NOT_PUBLISHED

register = template.Library()


@register.filter
def report_mark(cell) -> str:
    label = getattr(cell, "label", cell)
    label = "" if label is None else str(label)
    if label == NOT_PUBLISHED:
        return format_html(
            '<abbr class="mark-np" title="{}">np</abbr>',
            f"Not published: {settings.REPORT_SMALL_CELL_THRESHOLD} or more, hidden so that "
            "a smaller count cannot be worked out",
        )
    if label.startswith("<") and label[1:].isdigit():
        return format_html(
            '<abbr class="mark-small" title="Fewer than {}">{}</abbr>', label[1:], label
        )
    return label
