"""Signing in through an organisation's identity provider: who the person becomes.

The protocol itself (PKCE, state, nonce, signature, audience, expiry) is exercised against a
real provider in tests/e2e/test_sign_in_sso.py; these tests cover what happens here once a
verified set of claims arrives, without a provider.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import IdentityProvider, Role, RoleMapping, User
from accounts.oidc import SESSION_PROVIDER, SignInRefused, read_claims
from accounts.services import person_sign_in_through_provider
from devtools.demo_people import administrators_group
from tests.factories import BusinessUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _provider(organisation, **fields) -> IdentityProvider:
    provider = IdentityProvider.objects.create(
        organisation=organisation,
        issuer=f"https://login.example.org/{organisation.short_name}/v2.0",
        client_id=f"client-{organisation.short_name}",
        **fields,
    )
    RoleMapping.objects.create(provider=provider, group="hr", role=Role.HR_MANAGER)
    RoleMapping.objects.create(provider=provider, group="staff", role=Role.REPORTER)
    return provider


@pytest.fixture
def provider(org):
    return _provider(org)


def _claims(provider, **claims):
    return read_claims(
        provider,
        {
            "sub": "abc-123",
            "email": "sam@examples.vic.gov.au",
            "given_name": "Sam",
            "family_name": "Lee",
            "job_title": "Senior Adviser",
            "department": "Community Programs",
            "groups": ["staff", "unrelated"],
            **claims,
        },
    )


def _sign_in(provider, **claims) -> User:
    return person_sign_in_through_provider(provider=provider, claims=_claims(provider, **claims))


def test_the_first_sign_in_creates_the_person_in_the_providers_organisation(provider, org, unit):
    person = _sign_in(provider)
    assert person.organisation == org and person.sso_subject == "abc-123"
    assert (person.first_name, person.last_name, person.position) == (
        "Sam",
        "Lee",
        "Senior Adviser",
    )
    assert person.business_unit == unit
    assert User.objects.get(pk=person.pk).roles == {Role.REPORTER}
    assert not person.has_usable_password()


def test_a_later_sign_in_updates_the_same_person_and_their_roles(provider):
    first = _sign_in(provider)
    again = _sign_in(provider, groups=["hr"], job_title="Manager, Employee Relations")
    assert again.pk == first.pk
    again = User.objects.get(pk=again.pk)
    assert again.roles == {Role.HR_MANAGER}
    assert again.position == "Manager, Employee Relations"


def test_the_same_subject_at_another_organisations_provider_is_another_person(provider, other_org):
    ours = _sign_in(provider)
    theirs = _sign_in(_provider(other_org))
    assert ours.pk != theirs.pk
    assert User.objects.get(pk=ours.pk).organisation_id == provider.organisation_id
    assert theirs.organisation == other_org


def test_a_switched_off_person_is_refused(provider):
    person = _sign_in(provider)
    User.objects.filter(pk=person.pk).update(is_active=False)
    with pytest.raises(SignInRefused, match="switched off"):
        _sign_in(provider)


def test_an_account_of_the_same_name_is_never_taken_over(provider, org):
    UserFactory(username=f"{org.short_name}.abc-123", organisation=org, roles=[Role.REPORTER])
    with pytest.raises(SignInRefused, match="already exists"):
        _sign_in(provider)


def test_sector_and_installation_roles_stay_as_an_installation_administrator_set_them(
    provider,
):
    from accounts.models import RoleGrant

    person = _sign_in(provider)
    RoleGrant.objects.create(user=person, role=Role.SECTOR_ANALYST)
    _sign_in(provider, groups=[])
    assert User.objects.get(pk=person.pk).roles == {Role.SECTOR_ANALYST}


def test_claims_without_a_subject_are_refused(provider):
    with pytest.raises(SignInRefused, match="did not say who you are"):
        _claims(provider, sub="")


def test_a_single_group_given_as_text_counts(provider):
    assert _claims(provider, groups="hr").groups == {"hr"}


def test_the_clock_skew_is_bounded(org):
    provider = IdentityProvider(
        organisation=org, issuer="https://login.example.org/", client_id="x", clock_skew_seconds=301
    )
    with pytest.raises(ValidationError, match="clock_skew_seconds"):
        provider.full_clean()


# --- Sessions -------------------------------------------------------------------------------


def test_an_organisation_without_local_passwords_refuses_the_password(org, reporter, rf):
    assert authenticate(rf.post("/"), username="reporter", password="pass") == reporter
    org.local_passwords_allowed = False
    org.save()
    assert authenticate(rf.post("/"), username="reporter", password="pass") is None


def _sso_session(person, provider) -> Client:
    client = Client()
    client.force_login(person, backend="accounts.backends.IdentityProviderBackend")
    session = client.session
    session[SESSION_PROVIDER] = provider.pk
    session.save()
    return client


def test_a_provider_session_ends_when_the_provider_is_switched_off(provider):
    client = _sso_session(_sign_in(provider), provider)
    assert client.get(reverse("incidents:mine")).status_code == 200
    IdentityProvider.objects.filter(pk=provider.pk).update(is_active=False)
    assert client.get(reverse("incidents:mine")).status_code == 302


@pytest.mark.parametrize(("checks", "status"), [(True, 200), (False, 302)])
def test_the_providers_second_factor_counts_only_where_it_asks_for_one(
    settings, provider, checks, status
):
    settings.MFA_REQUIRED = True
    IdentityProvider.objects.filter(pk=provider.pk).update(checks_second_factor=checks)
    client = _sso_session(_sign_in(provider), provider)
    assert client.get(reverse("incidents:mine")).status_code == status


# --- Administration ---------------------------------------------------------------------------


def test_identity_providers_are_installation_wide_and_mappings_stay_in_the_organisation(
    client, org, other_org, administrator, provider
):
    other = _provider(other_org)
    administrator.groups.add(administrators_group())
    client.force_login(administrator)
    assert client.get(reverse("admin:accounts_identityprovider_changelist")).status_code == 403
    page = client.get(reverse("admin:accounts_rolemapping_changelist"))
    assert {m.provider_id for m in page.context["cl"].result_list} == {provider.pk}
    add = client.get(reverse("admin:accounts_rolemapping_add"))
    assert list(add.context["adminform"].form.fields["provider"].queryset) == [provider]
    response = client.post(
        reverse("admin:accounts_rolemapping_add"),
        {"provider": other.pk, "group": "everyone", "role": Role.HR_MANAGER},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert not RoleMapping.objects.filter(group="everyone").exists()


def test_the_mapping_never_offers_sector_or_installation_roles():
    choices = {value for value, _ in RoleMapping._meta.get_field("role").choices}
    assert Role.SECTOR_ANALYST not in choices
    assert Role.INSTALLATION_ADMINISTRATOR not in choices


def test_a_business_unit_of_another_organisation_is_never_matched(provider, other_org):
    BusinessUnitFactory(organisation=other_org, name="Community Programs")
    person = _sign_in(provider)
    assert person.business_unit is None


def test_hr_staff_signed_in_through_the_provider_still_need_a_passkey_where_asked(
    settings, provider, org
):
    settings.MFA_REQUIRED = True
    org.hr_require_phishing_resistant = True
    org.save()
    client = _sso_session(_sign_in(provider, groups=["hr"]), provider)
    response = client.get(reverse("incidents:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_setup"))
