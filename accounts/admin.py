from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import mfa
from .models import BusinessUnit, Organisation, RoleGrant, User


class BusinessUnitInline(admin.TabularInline):
    model = BusinessUnit
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name", "short_name"]
    inlines = [BusinessUnitInline]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "organisation", "is_active"]
    list_filter = ["organisation", "is_active", "role_grants__role"]
    list_select_related = ["organisation"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Organisation", {"fields": ("organisation", "business_unit", "position")}),
    )
    inlines = [RoleGrantInline]
    actions = ["reset_two_step"]

    @admin.action(description="Reset two-step sign-in (they set up their app again)")
    def reset_two_step(self, request, queryset):
        count = mfa.reset_devices(users=queryset, by=request.user)
        self.message_user(request, f"Two-step sign-in reset for {count} account(s).")
