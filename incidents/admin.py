"""Admin for what an organisation sets about its concerns' handling."""

from django.contrib import admin

from accounts.admin_site import OrganisationScopedAdmin

from .models import DecisionDuties, DisclosurePolicy


@admin.register(DisclosurePolicy)
class DisclosurePolicyAdmin(OrganisationScopedAdmin):
    """Each organisation's periods and wording for possible public interest disclosures.
    Without a row, the Act's periods (28 days) and the standard wording apply."""

    list_display = ["organisation", "notify_days", "advice_days", "opt_out_days", "reminder_days"]
    list_select_related = ["organisation"]


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


# Letter templates have their admin with their room.
from incidents.letters import admin as letters_admin  # noqa: E402, F401  (registers LetterTemplate)
