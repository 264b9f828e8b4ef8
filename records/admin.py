from django.contrib import admin

from accounts.admin_site import OrganisationScopedAdmin

from .models import RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(OrganisationScopedAdmin):
    """Administrators set each organisation's retention periods (reference data).

    Schedules, holds and the disposal register are case records: they are handled by
    HR managers in the application, never here.
    """

    list_display = ["organisation", "outcome", "retention_class", "authority", "years"]
    list_filter = ["organisation", "outcome"]
    list_select_related = ["organisation"]
