from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import CodeSection, Definition, PlatformCategory


def current_sections() -> QuerySet[CodeSection]:
    return CodeSection.objects.current().select_related("edition")


def active_platform_categories() -> QuerySet[PlatformCategory]:
    return PlatformCategory.objects.filter(is_active=True)


def definitions() -> QuerySet[Definition]:
    return Definition.objects.all()


def get_section(*, edition: str, code: str) -> CodeSection:
    return get_object_or_404(
        CodeSection.objects.active().select_related("edition"), edition__code=edition, code=code
    )
