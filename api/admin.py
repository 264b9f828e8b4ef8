"""Administrators see which tokens exist and can revoke them; nobody edits one here."""

from django.contrib import admin

from accounts.admin_site import OrganisationScopedAdmin

from . import tokens
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(OrganisationScopedAdmin):
    organisation_lookup = "user__organisation_id"
    list_display = [
        "name",
        "display_prefix",
        "user",
        "created_by",
        "scope",
        "expires_at",
        "last_used_at",
        "state",
    ]
    list_filter = ["scope", "user__organisation", "user__is_service_identity"]
    list_select_related = ["user", "created_by"]
    search_fields = ["name", "prefix", "user__username"]
    fields = [
        "name",
        "display_prefix",
        "user",
        "scope",
        "created_by",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        # Tokens are made on the API tokens page: personal ones by their holders, a
        # service identity's by an HR manager holding its roles. Administrators never
        # make them (they set up service identities, so they must not also hold their keys).
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked tokens stay listed, with who revoked them

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset.select_related("user"):
            tokens.token_revoke(token=token, actor=request.user)
        self.message_user(request, f"Revoked {queryset.count()} token(s).")
