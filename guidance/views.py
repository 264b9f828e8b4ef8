from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def index(request: HttpRequest) -> HttpResponse:
    sections = list(selectors.current_sections())
    return render(
        request,
        "guidance/index.html",
        {
            "named_sections": [s for s in sections if s.named_in_guidance],
            "other_sections": [s for s in sections if not s.named_in_guidance],
            "edition": sections[0].edition if sections else None,
            "platform_categories": selectors.active_platform_categories(),
            "definitions": selectors.definitions(),
        },
    )


@login_required
def section(request: HttpRequest, edition: str, code: str) -> HttpResponse:
    return render(
        request,
        "guidance/section.html",
        {"section": selectors.get_section(edition=edition, code=code)},
    )
