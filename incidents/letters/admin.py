"""Letter templates in the organisation-scoped admin: an organisation's administrators edit
their own organisation's wording (never another's), each save a new version."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.template.loader import render_to_string

from accounts.admin_site import OrganisationScopedAdmin
from incidents.models import LetterKind, LetterTemplate

from .defaults import default_wording
from .placeholders import LETTERHEAD_ALLOWED, allowed_for


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = [
            "organisation",
            "kind",
            "letterhead",
            "subject",
            "body",
            "signatory_name",
            "signatory_title",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 30, "cols": 100})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # A new template may start from the default wording: leave the texts empty.
            for name in ("letterhead", "subject", "body"):
                self.fields[name].required = False
                self.fields[name].help_text += " Leave it empty to start from the default wording."

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if self.instance.pk is None and kind in LetterKind.values:
            defaults = default_wording(kind)
            for name in ("letterhead", "subject", "body"):
                if not (cleaned.get(name) or "").strip():
                    cleaned[name] = defaults[name]
        return cleaned


@admin.register(LetterTemplate)
class LetterTemplateAdmin(OrganisationScopedAdmin):
    form = LetterTemplateForm
    list_display = ["kind", "organisation", "version", "updated_at"]
    list_filter = ["kind"]
    list_select_related = ["organisation"]
    readonly_fields = ["version", "placeholders", "earlier_versions"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:  # a template's organisation and kind stay what they were
            fields = ["organisation", "kind", *fields]
        return fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # issued letters point at its versions

    @admin.display(description="Placeholders you can use")
    def placeholders(self, obj):
        if obj is None or not obj.kind:
            return "Choose the kind of letter and save to see its placeholders."
        return render_to_string(
            "admin/incidents/letter_placeholders.html",
            {
                "placeholders": allowed_for(obj.kind),
                "letterhead": ["{{ " + name + " }}" for name in sorted(LETTERHEAD_ALLOWED)],
            },
        )

    @admin.display(description="Versions")
    def earlier_versions(self, obj):
        if obj is None or obj.pk is None:
            return "None yet: saving makes version 1."
        return render_to_string(
            "admin/incidents/letter_versions.html",
            {"versions": obj.versions.select_related("created_by")},
        )

    def save_model(self, request, obj, form, change):
        from .services import letter_template_save

        letter_template_save(template=obj, actor=request.user)
