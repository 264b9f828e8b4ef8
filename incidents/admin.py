"""Admin for what an organisation sets about its concerns' handling."""

from django.contrib import admin

from accounts.admin_site import OrganisationScopedAdmin

from .models import DecisionDuties

# --- Issue 19: the Charter prompts and the review period, per organisation -----------------


@admin.register(DecisionDuties)
class DecisionDutiesAdmin(OrganisationScopedAdmin):
    list_display = ("organisation", "review_days")
    fields = (
        "organisation",
        "review_days",
        "prompt_expression",
        "prompt_privacy",
        "prompt_proportionality",
    )

    def get_form(self, request, obj=None, **kwargs):
        from incidents import charter

        form = super().get_form(request, obj, **kwargs)
        for field, column in (
            ("rights_expression", "prompt_expression"),
            ("rights_privacy", "prompt_privacy"),
            ("rights_proportionality", "prompt_proportionality"),
        ):
            if column in form.base_fields:
                form.base_fields[
                    column
                ].help_text = f"Blank uses the default: “{charter.DEFAULT_PROMPTS[field]}”"
        return form
