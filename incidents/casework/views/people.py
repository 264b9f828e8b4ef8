"""Access requests: everything held about one employee, for the HR manager who answers one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ... import permissions
from .. import person_export as person_exports


@login_required
@require_GET
def person_export(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Everything held about one employee, for an access request (HR managers)."""
    person = permissions.get_person_for_export(request.user, person_pk)
    content = person_exports.person_export(user=request.user, person=person)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="access-request-{person.pk}-{stamp}.json"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
