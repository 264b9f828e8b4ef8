from django.contrib import admin

from accounts.admin_site import OrganisationScopedAdmin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(OrganisationScopedAdmin):
    """A read-only view of the outbox, to see what waits and why."""

    organisation_lookup = "recipient__organisation_id"

    list_display = [
        "created_at",
        "kind",
        "recipient",
        "concern",
        "sent_at",
        "withheld_at",
        "attempts",
    ]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["recipient", "concern"]
    readonly_fields = [field.name for field in Notification._meta.fields]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        # A row about a possible public interest disclosure names who was emailed about it,
        # which could identify its discloser (s 53): it is left out of the outbox view.
        return super().get_queryset(request).exclude(concern__restricted=True)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
