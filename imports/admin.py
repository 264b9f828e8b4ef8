from django.contrib import admin

from accounts.admin_site import OrganisationScopedAdmin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(OrganisationScopedAdmin):
    """Read-only: what ran and how it ended. No file and no row content (no case content)."""

    list_display = ("pk", "organisation", "state", "total_rows", "created_rows", "created_at")
    list_filter = ("state", "organisation")
    fields = (
        "organisation",
        "state",
        "progress",
        "total_rows",
        "valid_rows",
        "problem_rows",
        "duplicate_rows",
        "created_rows",
        "created_at",
        "confirmed_at",
        "finished_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
