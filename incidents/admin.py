from django.contrib import admin

from accounts.admin_site import OrganisationScopedAdmin

from .models import DisclosurePolicy


@admin.register(DisclosurePolicy)
class DisclosurePolicyAdmin(OrganisationScopedAdmin):
    """Each organisation's periods and wording for possible public interest disclosures.
    Without a row, the Act's periods (28 days) and the standard wording apply."""

    list_display = ["organisation", "notify_days", "advice_days", "opt_out_days", "reminder_days"]
    list_select_related = ["organisation"]
