"""Who gets what from every URL: the access matrix, over two organisations.

Each row is one URL (with the object it is asked about, where it needs one); each column
is one persona. Every role exists in both organisations (`tests/access_personas.py`):

* organisation A: reporter, second_reporter (another reporter), investigator, hr_manager,
  executive, administrator, sector_analyst;
* organisation B: the same roles as `other_*`, and the outsider, who holds every role.

Objects asked about (concerns, evidence files, people, export jobs) all belong to
organisation A. `SAME_ORG` gives the answers for anonymous visitors and A's people,
`OTHER_ORG` for B's people, on the same rows in the same order. The rules behind them:

* anonymous visitors are sent to sign in (302) wherever a page needs an account;
* an object the user may not see answers 404, never 403, so its existence is not
  revealed: everyone in organisation B, and A's executive, administrator and sector
  analyst, get 404 on every concern, evidence, person and export-job URL of A;
* reporters see only their own concerns, and only the status once submitted; they
  keep editing, reviewing, submitting and attaching to their own drafts;
* HR (investigator, HR manager) of the organisation see a submitted concern's full
  record and may download its evidence, but never a draft (404);
* evidence previews are for HR only: the reporter gets 404 even for their own draft's
  file, which they may download, as they may download the files they attached once it
  is submitted (never a case document or another concern's file); case documents
  (download, preview, attaching) are for the concern's assignee and HR managers: an
  investigator who may look at an unassigned concern is refused attaching (403) and the
  reporter never learns of them (404);
* list and intake pages a role may not use answer 403 (PermissionDenied), in either
  organisation: those pages are about the role, not about A's data;
* dashboards and exports (aggregates only) are for HR managers, executives and sector
  analysts; everyone else gets 403; a background export is visible only to the person
  who asked for it (404 for everyone else);
* password reset pages answer everyone (an invalid link says so);
* the two-step sign-in pages are for anyone signed in (the code page sends someone
  without an authenticator app to the set-up page);
* the admin site lets administrators in (200) and sends everyone else to its sign-in
  (302). An organisation's administrator lists only its own people and organisation; a
  person or organisation of the other organisation is "not found" (the admin's redirect,
  302); identity providers are installation-wide (403 for both organisations'
  administrators), the group-to-role mapping is each organisation's own;
* the passkey endpoints (django-otp-webauthn, JSON) are for anyone signed in, about
  their own passkeys only (403 anonymous; completing a ceremony never begun is 400;
  tests/e2e/test_sign_in_passkey.py goes through them with a virtual authenticator);
* single sign-on answers 404 for an organisation without an identity provider (both
  organisations here): tests/e2e/test_sign_in_sso.py signs in through a real one;
* HR actions on a concern answer 403 to HR who may see it but not do that (an
  investigator assigning, or stepping aside from a concern not theirs), and a
  successful action redirects (302). B's HR manager's (and the outsider's) bulk
  assignment of A's concern is refused by the form (nothing of another organisation
  can be chosen) and redirects back; the redirect alone proves nothing, which is why
  every request also checks that organisation A's data is unchanged (below);
* the records pages (disposal list, approval, register) are for HR managers; legal
  holds are HR actions on a concern like the others. The approval asked here names a
  concern that is not due, so a permitted HR manager's form is refused (400), and the
  release asked here finds no hold to release (409): tests/records covers success.
* the spreadsheet import pages (past imports, upload, template) are for HR managers
  (403 for every other role, in either organisation); an import batch answers 404 to
  anyone but its own organisation's HR managers. The batch asked here is the template
  file, whose example row has problems, so confirming it redirects back with the
  reason and creates nothing: tests/imports covers a successful import.

Beyond the status code, every request checks that data does not cross organisations:

* a page served to someone of one organisation never shows the other organisation's
  case data: its references, the employee's name, its staff's names
  (`World.markers`), nor, except to sector analysts, its name and business units;
* nothing anyone of B (or an anonymous visitor) asks leaves A's case data changed: no
  concern moves, no event, note, access record, conflict or evidence is added;
* the tests after the matrix check lists and dashboards positively: each organisation's
  HR and reporters see their own references on their lists, a search or filter naming
  the other organisation finds nothing, each HR manager's and executive's figures
  (dashboard and export) count their own organisation only, a sector analyst's the
  whole sector.

Adding a URL
------------
A URL added to the project without a row here fails
`test_the_matrix_has_a_row_for_every_named_url`. To add one:

1. Add a row to `SAME_ORG` and the same key, at the same place, to `OTHER_ORG`. The key
   is the URL name, then (after a space) the object it is asked about, if any:
   `draft`, `submitted`, `assigned`, `investigating` (A's concerns at those stages), or
   a new name you add to `build_world()` in `tests/access_personas.py`. A URL about an
   object gets 404 in every `OTHER_ORG` column.
2. A plain GET (of the URL with the concern's pk, when the row names one) needs nothing
   more. Anything else (a POST, other arguments, form data) gets a builder registered
   with `@asks("app:name")` below; it returns `Ask(method, url, data)` (and, for JSON,
   `content_type="application/json"`). Every persona is signed in with a session.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import NamedTuple

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.access_personas import (
    PERSONAS_A,
    PERSONAS_B,
    SECTOR_PERSONAS,
    World,
    build_world,
    snapshot,
)
from tests.factories import png_upload
from tests.incidents.files import pdf_upload

pytestmark = pytest.mark.django_db

SAME_ORG_COLUMNS = ("anonymous", *PERSONAS_A)
OTHER_ORG_COLUMNS = tuple(PERSONAS_B)

# fmt: off
#                                             --------------- organisation A ---------------
#                                             anon  rep  rep2  inv  hrm  exec adm  ana
SAME_ORG: dict[str, tuple[int, ...]] = {
    "home":                                   (302, 200, 200, 200, 200, 200, 200, 200),
    "accounts:login":                         (200, 302, 302, 302, 302, 302, 302, 302),
    "accounts:logout":                        (302, 302, 302, 302, 302, 302, 302, 302),
    "accounts:mfa_setup":                     (302, 200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset":                (200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset_done":           (200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset_confirm":        (200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset_complete":       (200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:mfa_verify":                    (302, 302, 302, 302, 302, 302, 302, 302),
    "guidance:index":                         (302, 200, 200, 200, 200, 200, 200, 200),
    "guidance:section":                       (302, 200, 200, 200, 200, 200, 200, 200),
    "admin:index":                            (302, 302, 302, 302, 302, 302, 200, 302),
    "admin:accounts_user_changelist":         (302, 302, 302, 302, 302, 302, 200, 302),
    "admin:accounts_user_change reporter":    (302, 302, 302, 302, 302, 302, 200, 302),
    "admin:accounts_organisation_changelist": (302, 302, 302, 302, 302, 302, 200, 302),
    "admin:accounts_organisation_change A":   (302, 302, 302, 302, 302, 302, 200, 302),
    "admin:accounts_rolemapping_changelist":  (302, 302, 302, 302, 302, 302, 200, 302),
    "admin:accounts_identityprovider_changelist": (302, 302, 302, 302, 302, 302, 403, 302),
    "accounts:access_changes":                (302, 403, 403, 403, 200, 403, 403, 403),
    "accounts:sso_start":                     (404, 404, 404, 404, 404, 404, 404, 404),
    "accounts:sso_callback":                  (404, 404, 404, 404, 404, 404, 404, 404),
    "otp_webauthn:credential-registration-begin": (403, 200, 200, 200, 200, 200, 200, 200),
    "otp_webauthn:credential-registration-complete": (403, 400, 400, 400, 400, 400, 400, 400),
    "otp_webauthn:credential-authentication-begin": (403, 200, 200, 200, 200, 200, 200, 200),
    "otp_webauthn:credential-authentication-complete": (403, 400, 400, 400, 400, 400, 400, 400),
    "otp_webauthn:js-i18n-catalog":           (200, 200, 200, 200, 200, 200, 200, 200),
    "health":                                 (200, 200, 200, 200, 200, 200, 200, 200),
    "health_status":                          (200, 200, 200, 200, 200, 200, 200, 200),
    "incidents:list":                         (302, 403, 403, 200, 200, 403, 403, 403),
    "incidents:mine":                         (302, 200, 200, 403, 403, 403, 403, 403),
    "incidents:create":                       (302, 200, 200, 403, 403, 403, 403, 403),
    "incidents:suggest_sections":             (302, 200, 200, 403, 403, 403, 403, 403),
    "incidents:use_context":                  (302, 200, 200, 403, 403, 403, 403, 403),
    "incidents:detail submitted":             (302, 200, 404, 200, 200, 404, 404, 404),
    "incidents:detail draft":                 (302, 200, 404, 404, 404, 404, 404, 404),
    "incidents:edit draft":                   (302, 200, 404, 404, 404, 404, 404, 404),
    "incidents:review draft":                 (302, 200, 404, 404, 404, 404, 404, 404),
    "incidents:submit draft":                 (302, 302, 404, 404, 404, 404, 404, 404),
    "incidents:evidence_upload draft":        (302, 302, 404, 404, 404, 404, 404, 404),
    "incidents:evidence_download draft":      (302, 200, 404, 404, 404, 404, 404, 404),
    # The reporter's read-only copy: their own files, as submitted and added later (issue 17)
    "incidents:evidence_download submitted":  (302, 200, 404, 200, 200, 404, 404, 404),
    "incidents:evidence_download addition":   (302, 200, 404, 200, 200, 404, 404, 404),
    "incidents:evidence_preview submitted":   (302, 404, 404, 200, 200, 404, 404, 404),
    "incidents:evidence_preview draft":       (302, 404, 404, 404, 404, 404, 404, 404),
    "incidents:evidence_preview_image submitted": (302, 404, 404, 200, 200, 404, 404, 404),
    "incidents:evidence_preview_image draft": (302, 404, 404, 404, 404, 404, 404, 404),
    "incidents:document_add assigned":        (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:document_add submitted":       (302, 404, 404, 403, 302, 404, 404, 404),
    "incidents:document_download assigned":   (302, 404, 404, 200, 200, 404, 404, 404),
    "incidents:document_preview assigned":    (302, 404, 404, 200, 200, 404, 404, 404),
    "incidents:document_preview_image assigned": (302, 404, 404, 200, 200, 404, 404, 404),
    "incidents:bulk_assign":                  (302, 403, 403, 403, 302, 403, 403, 403),
    "incidents:act submitted":                (302, 403, 404, 302, 302, 404, 404, 404),
    "incidents:triage submitted":             (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:assign submitted":             (302, 404, 404, 403, 302, 404, 404, 404),
    "incidents:step_aside assigned":          (302, 404, 404, 302, 403, 404, 404, 404),
    "incidents:reporting_line submitted":     (302, 404, 404, 403, 302, 404, 404, 404),
    "incidents:fairness investigating":       (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:findings investigating":       (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:add_note submitted":           (302, 404, 404, 403, 302, 404, 404, 404),
    "incidents:add_note investigating":       (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:restrict submitted":           (302, 404, 404, 403, 302, 404, 404, 404),
    "incidents:access_log submitted":         (302, 404, 404, 403, 200, 404, 404, 404),
    "incidents:timeline submitted":           (302, 404, 404, 200, 200, 404, 404, 404),
    "incidents:panel submitted":              (302, 404, 404, 200, 200, 404, 404, 404),
    "incidents:person_export submitted":      (302, 404, 404, 403, 200, 404, 404, 404),
    "incidents:link_matter assigned":         (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:unlink_matter assigned":       (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:add_information submitted":    (302, 302, 404, 403, 403, 404, 404, 404),
    "incidents:answer_question assigned":     (302, 302, 404, 403, 403, 404, 404, 404),
    "incidents:discard_draft draft":          (302, 302, 404, 404, 404, 404, 404, 404),
    "incidents:ask_reporter assigned":        (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:ask_reporter submitted":       (302, 404, 404, 403, 302, 404, 404, 404),
    # Issue 19, review of an outcome: only a closed concern's case manager records a request,
    # only its reviewer the result (tests/incidents/test_outcome_review.py covers success).
    "incidents:review_request investigating": (302, 404, 404, 403, 403, 404, 404, 404),
    "incidents:review_decide investigating":  (302, 404, 404, 403, 403, 404, 404, 404),
    "reports:dashboard":                      (302, 403, 403, 403, 200, 200, 403, 200),
    "reports:export":                         (302, 403, 403, 403, 200, 200, 403, 200),
    "reports:export_job_create":              (302, 403, 403, 403, 302, 302, 403, 302),
    "reports:export_job executive":           (302, 404, 404, 404, 404, 200, 404, 404),
    "reports:export_job_download executive":  (302, 404, 404, 404, 404, 200, 404, 404),
    "records:disposal":                       (302, 403, 403, 403, 200, 403, 403, 403),
    "records:register":                       (302, 403, 403, 403, 200, 403, 403, 403),
    "records:approve":                        (302, 403, 403, 403, 400, 403, 403, 403),
    "records:hold_place submitted":           (302, 404, 404, 403, 302, 404, 404, 404),
    "records:hold_release submitted":         (302, 404, 404, 403, 409, 404, 404, 404),
    "api:docs":                               (200, 200, 200, 200, 200, 200, 200, 200),
    "api:schema":                             (200, 200, 200, 200, 200, 200, 200, 200),
    "api:reference":                          (200, 200, 200, 200, 200, 200, 200, 200),
    "api:tokens":                             (302, 200, 200, 200, 200, 200, 200, 200),
    "api:token_revoke reporter":              (302, 302, 404, 404, 302, 404, 404, 404),
    "api:sections":                           (401, 200, 200, 200, 200, 200, 200, 200),
    "api:platforms":                          (401, 200, 200, 200, 200, 200, 200, 200),
    "api:concerns":                           (401, 403, 403, 200, 200, 403, 403, 403),
    "api:concerns create":                    (401, 201, 201, 403, 403, 403, 403, 403),
    "api:concerns_mine":                      (401, 200, 200, 403, 403, 403, 403, 403),
    "api:concern submitted":                  (401, 200, 404, 200, 200, 404, 404, 404),
    "api:concern draft":                      (401, 200, 404, 404, 404, 404, 404, 404),
    "api:concern_actions submitted":          (401, 200, 404, 200, 200, 404, 404, 404),
    "api:concern_act submitted":              (401, 403, 404, 200, 200, 404, 404, 404),
    "api:concern_act draft":                  (401, 200, 404, 404, 404, 404, 404, 404),
    "api:concern_triage submitted":           (401, 404, 404, 200, 200, 404, 404, 404),
    "api:concern_assign submitted":           (401, 404, 404, 403, 200, 404, 404, 404),
    "api:concern_fairness investigating":     (401, 404, 404, 200, 200, 404, 404, 404),
    "api:concern_findings investigating":     (401, 404, 404, 200, 200, 404, 404, 404),
    "api:concern_notes investigating":        (401, 404, 404, 200, 200, 404, 404, 404),
    "api:concern_notes submitted post":       (401, 404, 404, 403, 201, 404, 404, 404),
    "api:concern_notes investigating post":   (401, 404, 404, 201, 201, 404, 404, 404),
    "api:concern_evidence draft":             (401, 200, 404, 404, 404, 404, 404, 404),
    "api:concern_evidence submitted":         (401, 404, 404, 200, 200, 404, 404, 404),
    "api:concern_evidence draft post":        (401, 201, 404, 404, 404, 404, 404, 404),
    # The reporter's own file, as on the site (issue 17)
    "api:evidence_download submitted":        (401, 200, 404, 200, 200, 404, 404, 404),
    "api:evidence_download draft":            (401, 200, 404, 404, 404, 404, 404, 404),
    "api:reports":                            (401, 403, 403, 403, 200, 200, 403, 200),
    "api:report_panel":                       (401, 403, 403, 403, 200, 200, 403, 200),
    "api:api_tokens":                         (401, 200, 200, 200, 200, 200, 200, 200),
    "api:api_tokens create":                  (401, 201, 201, 201, 201, 201, 201, 201),
    "api:api_token reporter":                 (401, 200, 404, 404, 200, 404, 404, 404),
    "api:api_token reporter delete":          (401, 200, 404, 404, 200, 404, 404, 404),
    "imports:list":                           (302, 403, 403, 403, 200, 403, 403, 403),
    "imports:upload":                         (302, 403, 403, 403, 200, 403, 403, 403),
    "imports:template":                       (302, 403, 403, 403, 200, 403, 403, 403),
    "imports:batch checked":                  (302, 404, 404, 404, 200, 404, 404, 404),
    "imports:confirm checked":                (302, 404, 404, 404, 302, 404, 404, 404),
    # The case file (incidents/casefile): HR who see the case documents; a job is its requester's.
    "incidents:case_file_new assigned":       (302, 404, 404, 200, 200, 404, 404, 404),
    "incidents:case_file_new submitted":      (302, 404, 404, 403, 200, 404, 404, 404),
    "incidents:case_file_new assigned post":  (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:case_file_job hr_manager":     (302, 404, 404, 404, 200, 404, 404, 404),
    "incidents:case_file_download hr_manager": (302, 404, 404, 404, 200, 404, 404, 404),
    # Public interest disclosures (issue 19, branch pid): the coordinator's steps and
    # clocks on a restricted concern (A names no coordinator, so its HR manager has it).
    "incidents:disclosure restricted":        (302, 404, 404, 404, 200, 404, 404, 404),
    "incidents:disclosure_step restricted":   (302, 404, 404, 404, 302, 404, 404, 404),
    "incidents:welfare_contact_add restricted": (302, 404, 404, 404, 302, 404, 404, 404),
    # Interim measures during an investigation (issue 19)
    "incidents:interim_record investigating": (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:interim_end investigating":    (302, 404, 404, 302, 302, 404, 404, 404),
    # Letters from templates (incidents/letters): for the concern's assignee and HR managers
    # (an investigator who may only look at an unassigned concern is refused, 403); drafted,
    # saved and issued during the investigation. Templates are kept in the admin.
    "incidents:letters investigating":        (302, 404, 404, 200, 200, 404, 404, 404),
    "incidents:letters submitted":            (302, 404, 404, 403, 200, 404, 404, 404),
    "incidents:letter_draft investigating":   (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:letter investigating":         (302, 404, 404, 200, 200, 404, 404, 404),
    "incidents:letter_save investigating":    (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:letter_issue investigating":   (302, 404, 404, 302, 302, 404, 404, 404),
    "admin:incidents_lettertemplate_changelist": (302, 302, 302, 302, 302, 302, 200, 302),
}

#                                             ----------- organisation B -----------
#                                             rep  inv  hrm  exec adm  ana  out
OTHER_ORG: dict[str, tuple[int, ...]] = {
    "home":                                   (200, 200, 200, 200, 200, 200, 200),
    "accounts:login":                         (302, 302, 302, 302, 302, 302, 302),
    "accounts:logout":                        (302, 302, 302, 302, 302, 302, 302),
    "accounts:mfa_setup":                     (200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset":                (200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset_done":           (200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset_confirm":        (200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset_complete":       (200, 200, 200, 200, 200, 200, 200),
    "accounts:mfa_verify":                    (302, 302, 302, 302, 302, 302, 302),
    "guidance:index":                         (200, 200, 200, 200, 200, 200, 200),
    "guidance:section":                       (200, 200, 200, 200, 200, 200, 200),
    "admin:index":                            (302, 302, 302, 302, 200, 302, 302),
    "admin:accounts_user_changelist":         (302, 302, 302, 302, 200, 302, 302),
    "admin:accounts_user_change reporter":    (302, 302, 302, 302, 302, 302, 302),
    "admin:accounts_organisation_changelist": (302, 302, 302, 302, 200, 302, 302),
    "admin:accounts_organisation_change A":   (302, 302, 302, 302, 302, 302, 302),
    "admin:accounts_rolemapping_changelist":  (302, 302, 302, 302, 200, 302, 302),
    "admin:accounts_identityprovider_changelist": (302, 302, 302, 302, 403, 302, 302),
    "accounts:access_changes":                (403, 403, 200, 403, 403, 403, 200),
    "accounts:sso_start":                     (404, 404, 404, 404, 404, 404, 404),
    "accounts:sso_callback":                  (404, 404, 404, 404, 404, 404, 404),
    "otp_webauthn:credential-registration-begin": (200, 200, 200, 200, 200, 200, 200),
    "otp_webauthn:credential-registration-complete": (400, 400, 400, 400, 400, 400, 400),
    "otp_webauthn:credential-authentication-begin": (200, 200, 200, 200, 200, 200, 200),
    "otp_webauthn:credential-authentication-complete": (400, 400, 400, 400, 400, 400, 400),
    "otp_webauthn:js-i18n-catalog":           (200, 200, 200, 200, 200, 200, 200),
    "health":                                 (200, 200, 200, 200, 200, 200, 200),
    "health_status":                          (200, 200, 200, 200, 200, 200, 200),
    "incidents:list":                         (403, 200, 200, 403, 403, 403, 200),
    "incidents:mine":                         (200, 403, 403, 403, 403, 403, 200),
    "incidents:create":                       (200, 403, 403, 403, 403, 403, 200),
    "incidents:suggest_sections":             (200, 403, 403, 403, 403, 403, 200),
    "incidents:use_context":                  (200, 403, 403, 403, 403, 403, 200),
    "incidents:detail submitted":             (404, 404, 404, 404, 404, 404, 404),
    "incidents:detail draft":                 (404, 404, 404, 404, 404, 404, 404),
    "incidents:edit draft":                   (404, 404, 404, 404, 404, 404, 404),
    "incidents:review draft":                 (404, 404, 404, 404, 404, 404, 404),
    "incidents:submit draft":                 (404, 404, 404, 404, 404, 404, 404),
    "incidents:evidence_upload draft":        (404, 404, 404, 404, 404, 404, 404),
    "incidents:evidence_download draft":      (404, 404, 404, 404, 404, 404, 404),
    # The reporter's read-only copy: their own files (issue 17)
    "incidents:evidence_download submitted":  (404, 404, 404, 404, 404, 404, 404),
    "incidents:evidence_download addition":   (404, 404, 404, 404, 404, 404, 404),
    "incidents:evidence_preview submitted":   (404, 404, 404, 404, 404, 404, 404),
    "incidents:evidence_preview draft":       (404, 404, 404, 404, 404, 404, 404),
    "incidents:evidence_preview_image submitted": (404, 404, 404, 404, 404, 404, 404),
    "incidents:evidence_preview_image draft": (404, 404, 404, 404, 404, 404, 404),
    "incidents:document_add assigned":        (404, 404, 404, 404, 404, 404, 404),
    "incidents:document_add submitted":       (404, 404, 404, 404, 404, 404, 404),
    "incidents:document_download assigned":   (404, 404, 404, 404, 404, 404, 404),
    "incidents:document_preview assigned":    (404, 404, 404, 404, 404, 404, 404),
    "incidents:document_preview_image assigned": (404, 404, 404, 404, 404, 404, 404),
    "incidents:bulk_assign":                  (403, 403, 302, 403, 403, 403, 302),
    "incidents:act submitted":                (404, 404, 404, 404, 404, 404, 404),
    "incidents:triage submitted":             (404, 404, 404, 404, 404, 404, 404),
    "incidents:assign submitted":             (404, 404, 404, 404, 404, 404, 404),
    "incidents:step_aside assigned":          (404, 404, 404, 404, 404, 404, 404),
    "incidents:reporting_line submitted":     (404, 404, 404, 404, 404, 404, 404),
    "incidents:fairness investigating":       (404, 404, 404, 404, 404, 404, 404),
    "incidents:findings investigating":       (404, 404, 404, 404, 404, 404, 404),
    "incidents:add_note submitted":           (404, 404, 404, 404, 404, 404, 404),
    "incidents:add_note investigating":       (404, 404, 404, 404, 404, 404, 404),
    "incidents:restrict submitted":           (404, 404, 404, 404, 404, 404, 404),
    "incidents:access_log submitted":         (404, 404, 404, 404, 404, 404, 404),
    "incidents:timeline submitted":           (404, 404, 404, 404, 404, 404, 404),
    "incidents:panel submitted":              (404, 404, 404, 404, 404, 404, 404),
    "incidents:person_export submitted":      (404, 404, 404, 404, 404, 404, 404),
    "incidents:link_matter assigned":         (404, 404, 404, 404, 404, 404, 404),
    "incidents:unlink_matter assigned":       (404, 404, 404, 404, 404, 404, 404),
    "incidents:add_information submitted":    (404, 404, 404, 404, 404, 404, 404),
    "incidents:answer_question assigned":     (404, 404, 404, 404, 404, 404, 404),
    "incidents:discard_draft draft":          (404, 404, 404, 404, 404, 404, 404),
    "incidents:ask_reporter assigned":        (404, 404, 404, 404, 404, 404, 404),
    "incidents:ask_reporter submitted":       (404, 404, 404, 404, 404, 404, 404),
    # Issue 19, review of an outcome
    "incidents:review_request investigating": (404, 404, 404, 404, 404, 404, 404),
    "incidents:review_decide investigating":  (404, 404, 404, 404, 404, 404, 404),
    "reports:dashboard":                      (403, 403, 200, 200, 403, 200, 200),
    "reports:export":                         (403, 403, 200, 200, 403, 200, 200),
    "reports:export_job_create":              (403, 403, 302, 302, 403, 302, 302),
    "reports:export_job executive":           (404, 404, 404, 404, 404, 404, 404),
    "reports:export_job_download executive":  (404, 404, 404, 404, 404, 404, 404),
    "records:disposal":                       (403, 403, 200, 403, 403, 403, 200),
    "records:register":                       (403, 403, 200, 403, 403, 403, 200),
    "records:approve":                        (403, 403, 400, 403, 403, 403, 400),
    "records:hold_place submitted":           (404, 404, 404, 404, 404, 404, 404),
    "records:hold_release submitted":         (404, 404, 404, 404, 404, 404, 404),
    "api:docs":                               (200, 200, 200, 200, 200, 200, 200),
    "api:schema":                             (200, 200, 200, 200, 200, 200, 200),
    "api:reference":                          (200, 200, 200, 200, 200, 200, 200),
    "api:tokens":                             (200, 200, 200, 200, 200, 200, 200),
    "api:token_revoke reporter":              (404, 404, 404, 404, 404, 404, 404),
    "api:sections":                           (200, 200, 200, 200, 200, 200, 200),
    "api:platforms":                          (200, 200, 200, 200, 200, 200, 200),
    "api:concerns":                           (403, 200, 200, 403, 403, 403, 200),
    "api:concerns create":                    (201, 403, 403, 403, 403, 403, 201),
    "api:concerns_mine":                      (200, 403, 403, 403, 403, 403, 200),
    "api:concern submitted":                  (404, 404, 404, 404, 404, 404, 404),
    "api:concern draft":                      (404, 404, 404, 404, 404, 404, 404),
    "api:concern_actions submitted":          (404, 404, 404, 404, 404, 404, 404),
    "api:concern_act submitted":              (404, 404, 404, 404, 404, 404, 404),
    "api:concern_act draft":                  (404, 404, 404, 404, 404, 404, 404),
    "api:concern_triage submitted":           (404, 404, 404, 404, 404, 404, 404),
    "api:concern_assign submitted":           (404, 404, 404, 404, 404, 404, 404),
    "api:concern_fairness investigating":     (404, 404, 404, 404, 404, 404, 404),
    "api:concern_findings investigating":     (404, 404, 404, 404, 404, 404, 404),
    "api:concern_notes investigating":        (404, 404, 404, 404, 404, 404, 404),
    "api:concern_notes submitted post":       (404, 404, 404, 404, 404, 404, 404),
    "api:concern_notes investigating post":   (404, 404, 404, 404, 404, 404, 404),
    "api:concern_evidence draft":             (404, 404, 404, 404, 404, 404, 404),
    "api:concern_evidence submitted":         (404, 404, 404, 404, 404, 404, 404),
    "api:concern_evidence draft post":        (404, 404, 404, 404, 404, 404, 404),
    "api:evidence_download submitted":        (404, 404, 404, 404, 404, 404, 404),
    "api:evidence_download draft":            (404, 404, 404, 404, 404, 404, 404),
    "api:reports":                            (403, 403, 200, 200, 403, 200, 200),
    "api:report_panel":                       (403, 403, 200, 200, 403, 200, 200),
    "api:api_tokens":                         (200, 200, 200, 200, 200, 200, 200),
    "api:api_tokens create":                  (201, 201, 201, 201, 201, 201, 201),
    "api:api_token reporter":                 (404, 404, 404, 404, 404, 404, 404),
    "api:api_token reporter delete":          (404, 404, 404, 404, 404, 404, 404),
    "imports:list":                           (403, 403, 200, 403, 403, 403, 200),
    "imports:upload":                         (403, 403, 200, 403, 403, 403, 200),
    "imports:template":                       (403, 403, 200, 403, 403, 403, 200),
    "imports:batch checked":                  (404, 404, 404, 404, 404, 404, 404),
    "imports:confirm checked":                (404, 404, 404, 404, 404, 404, 404),
    # The case file (incidents/casefile)
    "incidents:case_file_new assigned":       (404, 404, 404, 404, 404, 404, 404),
    "incidents:case_file_new submitted":      (404, 404, 404, 404, 404, 404, 404),
    "incidents:case_file_new assigned post":  (404, 404, 404, 404, 404, 404, 404),
    "incidents:case_file_job hr_manager":     (404, 404, 404, 404, 404, 404, 404),
    "incidents:case_file_download hr_manager": (404, 404, 404, 404, 404, 404, 404),
    # Public interest disclosures (issue 19, branch pid)
    "incidents:disclosure restricted":        (404, 404, 404, 404, 404, 404, 404),
    "incidents:disclosure_step restricted":   (404, 404, 404, 404, 404, 404, 404),
    "incidents:welfare_contact_add restricted": (404, 404, 404, 404, 404, 404, 404),
    # Interim measures during an investigation (issue 19)
    "incidents:interim_record investigating": (404, 404, 404, 404, 404, 404, 404),
    "incidents:interim_end investigating":    (404, 404, 404, 404, 404, 404, 404),
    # Letters from templates (incidents/letters)
    "incidents:letters investigating":        (404, 404, 404, 404, 404, 404, 404),
    "incidents:letters submitted":            (404, 404, 404, 404, 404, 404, 404),
    "incidents:letter_draft investigating":   (404, 404, 404, 404, 404, 404, 404),
    "incidents:letter investigating":         (404, 404, 404, 404, 404, 404, 404),
    "incidents:letter_save investigating":    (404, 404, 404, 404, 404, 404, 404),
    "incidents:letter_issue investigating":   (404, 404, 404, 404, 404, 404, 404),
    "admin:incidents_lettertemplate_changelist": (302, 302, 302, 302, 200, 302, 302),
}
# fmt: on

EXPECTED: dict[str, dict[str, int]] = {
    case: {
        **dict(zip(SAME_ORG_COLUMNS, SAME_ORG[case], strict=True)),
        **(dict(zip(OTHER_ORG_COLUMNS, OTHER_ORG[case], strict=True)) if case in OTHER_ORG else {}),
    }
    for case in SAME_ORG
}
CASES = [
    pytest.param(case, persona, id=f"{case}-{persona}")
    for case in SAME_ORG
    for persona in (*SAME_ORG_COLUMNS, *OTHER_ORG_COLUMNS)
]

# Admin pages other than the index belong to Django's admin and are not ours to list.
_ADMIN_NAMESPACE = "admin:"
_ADMIN_KEPT = {
    "admin:index",
    "admin:accounts_user_changelist",
    "admin:accounts_user_change",
    "admin:accounts_organisation_changelist",
    "admin:accounts_organisation_change",
    "admin:accounts_rolemapping_changelist",
    "admin:accounts_identityprovider_changelist",
    "admin:incidents_lettertemplate_changelist",  # letters from templates
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both organisations, built once and rolled back after this module.

    Each test runs in a savepoint inside this transaction (as `TestCase.setUpTestData`
    does), so whatever a request changes is undone before the next test.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        atomic._from_testcase = True  # durable blocks in tests nest as under TestCase
        try:
            with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("access-media"))):
                yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- How to ask each URL ---------------------------------------------------------------


class Ask(NamedTuple):
    """One request. JSON bodies: content_type="application/json"; headers as for the client."""

    method: str
    url: str
    data: dict | None = None
    content_type: str | None = None
    headers: dict | None = None


Builder = Callable[[World, str, str], Ask]
_BUILDERS: dict[str, Builder] = {}


def asks(*names: str) -> Callable[[Builder], Builder]:
    """Register how to ask the named URLs: builder(world, name, target) -> Ask."""

    def register(builder: Builder) -> Builder:
        for name in names:
            _BUILDERS[name] = builder
        return builder

    return register


def _ask_plain_get(world: World, name: str, target: str) -> Ask:
    args = [world.concerns[target].pk] if target else []
    return Ask("get", reverse(name, args=args))


def _version(concern) -> int:
    return type(concern).objects.values_list("version", flat=True).get(pk=concern.pk)


@asks("accounts:logout", "reports:export_job_create")
def _ask_empty_post(world, name, target):
    return Ask("post", reverse(name))


@asks("admin:accounts_user_change")
def _ask_admin_person(world, name, target):
    return Ask("get", reverse(name, args=[world.people[target].pk]))


@asks("admin:accounts_organisation_change")
def _ask_admin_organisation(world, name, target):
    return Ask("get", reverse(name, args=[world.org.pk]))


@asks(
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
)
def _ask_passkey_ceremony(world, name, target):
    return _json("post", reverse(name), {})


@asks("accounts:sso_start", "accounts:sso_callback")
def _ask_sso(world, name, target):
    return Ask("get", reverse(name, args=[world.org.short_name]))


@asks("accounts:password_reset_confirm")
def _ask_invalid_reset_link(world, name, target):
    return Ask("get", reverse(name, args=["MQ", "not-a-valid-token"]))


@asks("guidance:section")
def _ask_section(world, name, target):
    return Ask("get", reverse(name, args=["vps-code-2007", "3.5"]))


@asks("incidents:panel")
def _ask_triage_form(world, name, target):
    return Ask("get", reverse(name, args=[world.concerns[target].pk, "triage"]))


@asks("incidents:suggest_sections")
def _ask_suggestions(world, name, target):
    return Ask("post", reverse(name), {"description": "Handed out how-to-vote cards."})


@asks("incidents:use_context")
def _ask_use_context(world, name, target):
    return Ask("post", reverse(name), {"q_official_account": "no"})


@asks("incidents:submit")
def _ask_submit(world, name, target):
    concern = world.concerns[target]
    return Ask("post", reverse(name, args=[concern.pk]), {"version": _version(concern)})


@asks("incidents:evidence_upload")
def _ask_upload(world, name, target):
    data = {"file": png_upload(), "relevance": "It names the agency.", "post_deleted": "unsure"}
    return Ask("post", reverse(name, args=[world.concerns[target].pk]), data)


@asks(
    "incidents:evidence_download", "incidents:evidence_preview", "incidents:evidence_preview_image"
)
def _ask_download(world, name, target):
    evidence = world.evidence[target]
    return Ask("get", reverse(name, args=[evidence.concern_id, evidence.pk]))


@asks("incidents:document_add")
def _ask_document_add(world, name, target):
    data = {"file": pdf_upload(), "kind": "interview_record", "title": "Interview, 3 March"}
    return Ask("post", reverse(name, args=[world.concerns[target].pk]), data)


@asks(
    "incidents:document_download", "incidents:document_preview", "incidents:document_preview_image"
)
def _ask_document(world, name, target):
    document = world.documents[target]
    return Ask("get", reverse(name, args=[document.concern_id, document.pk]))


@asks("incidents:person_export")
def _ask_person_export(world, name, target):
    return Ask("get", reverse(name, args=[world.concerns[target].subject_id]))


@asks("incidents:bulk_assign")
def _ask_bulk_assign(world, name, target):
    data = {
        "concerns": [world.concerns["submitted"].pk],
        "assignee": world.people["investigator"].pk,
    }
    return Ask("post", reverse(name), data)


@asks(
    "incidents:act",
    "incidents:triage",
    "incidents:assign",
    "incidents:step_aside",
    "incidents:reporting_line",
    "incidents:fairness",
    "incidents:findings",
    "incidents:add_note",
    "incidents:restrict",
)
def _ask_hr_action(world, name, target):
    """Valid data for each HR action, so a permitted user gets the success redirect."""
    from guidance.models import CodeSection

    concern = world.concerns[target]
    version = {"version": _version(concern)}
    data = {
        "incidents:act": version,
        "incidents:triage": {
            **version,
            "graduated_response": "informal",
            "risk_rating": "low",
            "sections": [CodeSection.objects.get(code="6.2").pk],
        },
        "incidents:assign": {**version, "assignee": world.people["investigator"].pk},
        "incidents:step_aside": {"reason": "I know the employee.", "confirm": "on"},
        "incidents:reporting_line": {"add": ""},
        "incidents:fairness": {**version, "allegation_notified_on": "2026-01-05"},
        "incidents:findings": {**version, "action_taken": "", "outcome_summary": "In progress."},
        "incidents:add_note": {"text": "Spoke to the reporter."},
        "incidents:restrict": {"reason": "Alleges corrupt conduct.", "confirm": "on"},
    }[name]
    args = [concern.pk, "start_triage"] if name == "incidents:act" else [concern.pk]
    return Ask("post", reverse(name, args=args), data)


@asks("incidents:review_request", "incidents:review_decide")
def _ask_review(world, name, target):
    """Issue 19: a well-formed request and result, refused on a concern not under review."""
    concern = world.concerns[target]
    data = {
        "version": _version(concern),
        "requested_on": "2026-01-05",
        "reviewer": world.people["hr_manager"].pk,
        "result": "confirm_on_review",
        "reason": "The outcome was open to the decision-maker.",
    }
    return Ask("post", reverse(name, args=[concern.pk]), data)


# Interim measures during an investigation (issue 19)
@asks("incidents:interim_record", "incidents:interim_end")
def _ask_interim(world, name, target):
    import datetime as dt

    from django.utils import timezone

    from incidents.models import InterimMeasure

    concern = world.concerns[target]
    today = timezone.localdate()
    if name == "incidents:interim_record":
        data = {
            "kind": "take_down",
            "reason": "The post names a client.",
            "starts_on": today.isoformat(),
            "review_on": (today + dt.timedelta(days=7)).isoformat(),
        }
    else:
        measure = InterimMeasure.objects.create(
            concern=concern,
            kind="other_duties",
            reason="Works with the client named.",
            starts_on=today,
            review_on=today + dt.timedelta(days=7),
            recorded_by=world.people["hr_manager"],
        )
        data = {"measure": measure.pk, "ended_on": today.isoformat(), "end_reason": "Done."}
    return Ask("post", reverse(name, args=[concern.pk]), data)


@asks("incidents:add_information")
def _ask_add_information(world, name, target):
    data = {"note": "I found the archived post.", "post_deleted": "yes"}
    return Ask("post", reverse(name, args=[world.concerns[target].pk]), data)


@asks("incidents:answer_question")
def _ask_answer_question(world, name, target):
    from incidents.models import ReporterQuestion

    concern = world.concerns[target]
    question, _ = ReporterQuestion.objects.get_or_create(
        concern=concern, asked_by=world.people["investigator"], text="Which account was it?"
    )
    data = {f"q{question.pk}-answer": "The second one."}
    return Ask("post", reverse(name, args=[concern.pk, question.pk]), data)


@asks("incidents:discard_draft")
def _ask_discard_draft(world, name, target):
    concern = world.concerns[target]
    data = {"version": _version(concern), "confirm": "on"}
    return Ask("post", reverse(name, args=[concern.pk]), data)


@asks("incidents:ask_reporter")
def _ask_ask_reporter(world, name, target):
    data = {"text": "Do you have the link?"}
    return Ask("post", reverse(name, args=[world.concerns[target].pk]), data)


@asks("incidents:link_matter", "incidents:unlink_matter")
def _ask_matter(world, name, target):
    """Link A's assigned concern with its unassigned one (the investigator is the assigned
    one's investigator); for unlinking, they are linked first by the HR manager."""
    from incidents.casework import matters

    concern, other = world.concerns[target], world.concerns["submitted"]
    reason = {"reason": "The same post, logged twice."}
    if name == "incidents:unlink_matter":
        matters.matter_link(
            concern=concern,
            other=other,
            actor=world.people["hr_manager"],
            expected_version=_version(concern),
            **reason,
        )
        return Ask(
            "post", reverse(name, args=[concern.pk]), {"version": _version(concern), **reason}
        )
    data = {"version": _version(concern), "other_reference": other.reference, **reason}
    return Ask("post", reverse(name, args=[concern.pk]), data)


@asks("reports:export")
def _ask_export(world, name, target):
    return Ask("get", reverse(name, args=["platforms", "csv"]))


@asks("reports:export_job", "reports:export_job_download")
def _ask_export_job(world, name, target):
    return Ask("get", reverse(name, args=[world.export_jobs[target].pk]))


@asks("records:approve")
def _ask_disposal_approval(world, name, target):
    """A's submitted concern is not due: a permitted HR manager's form is refused (400)."""
    return Ask("post", reverse(name), {"concerns": [world.concerns["submitted"].pk], "note": "x"})


@asks("records:hold_place", "records:hold_release")
def _ask_legal_hold(world, name, target):
    """With no hold to release, a permitted HR manager is told so (409)."""
    data = {"reason": "Inquiry.", "confirm": "on"}
    return Ask("post", reverse(name, args=[world.concerns[target].pk]), data)


# --- The case file (incidents/casefile) ---------------------------------------------------


@asks("incidents:case_file_new")
def _ask_case_file_new(world, name, target):
    """The form (GET), or a valid request for one (POST: queued after commit, which the
    matrix's transaction never reaches, so nothing is built here)."""
    concern_name, _, method = target.partition(" ")
    url = reverse(name, args=[world.concerns[concern_name].pk])
    if method == "post":
        return Ask("post", url, {"purpose": "foi", "leave_out": ["reporter_identity"]})
    return Ask("get", url)


@asks("incidents:case_file_job", "incidents:case_file_download")
def _ask_case_file_job(world, name, target):
    """A finished case file of A's assigned concern, asked for by `target`."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from incidents.models import CaseFileJob

    concern = world.concerns["assigned"]
    job = CaseFileJob(
        concern=concern,
        requested_by=world.people[target],
        options={"purpose": "foi", "leave_out": []},
        state=CaseFileJob.State.DONE,
        progress=100,
        pages=1,
        finished_at=timezone.now(),
    )
    job.file.save("casefile", ContentFile(b"%PDF-1.4 stand-in"), save=False)
    job.save()
    return Ask("get", reverse(name, args=[concern.pk, job.pk]))


# --- Letters from templates (incidents/letters) ----------------------------------------------
# "investigating" names A's concern under investigation; the letter asked about is a draft of
# its allegation notice, made by its investigator before the request.


def _letter_draft_of(world, target):
    import datetime as dt

    from django.utils import timezone

    from incidents.letters import services as letters
    from incidents.models import Letter

    concern = world.concerns[target]
    existing = Letter.objects.filter(concern=concern, issued_at__isnull=True).first()
    return existing or letters.letter_draft(
        concern=concern,
        actor=world.people["investigator"],
        kind="allegation_notice",
        facts="Posted a client's file on a public page.",
        response_due_on=timezone.localdate() + dt.timedelta(days=10),
    )


@asks("incidents:letter_draft")
def _ask_letter_draft(world, name, target):
    import datetime as dt

    from django.utils import timezone

    data = {
        "facts": "Posted a client's file on a public page.",
        "response_due_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
    }
    return Ask("post", reverse(name, args=[world.concerns[target].pk, "allegation_notice"]), data)


@asks("incidents:letter", "incidents:letter_save", "incidents:letter_issue")
def _ask_letter(world, name, target):
    letter = _letter_draft_of(world, target)
    url = reverse(name, args=[letter.concern_id, letter.pk])
    if name == "incidents:letter":
        return Ask("get", url)
    data = {"version": letter.version, "subject": letter.subject, "text": letter.text + " Edited."}
    if name == "incidents:letter_issue":
        data["confirm"] = "on"
    return Ask("post", url, data)


# --- The REST API (api/) ------------------------------------------------------------------
# Signed in with a session, as everywhere here (tests/api covers tokens). Anonymous callers
# get 401, never a redirect. A row whose target ends in " post" or " delete" asks with that
# method; "create" asks the list to make something; "reporter" names a token of A's reporter.


def _api_token_of_reporter(world):
    import datetime as dt

    from django.utils import timezone

    from api import tokens

    token, _ = tokens.token_create(
        actor=world.people["reporter"],
        user=world.people["reporter"],
        name="BI",
        scope="read",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    return token


def _json(method, url, data=None):
    return Ask(method, url, data, content_type="application/json")


@asks("api:token_revoke")
def _ask_api_token_revoke(world, name, target):
    return Ask("post", reverse(name, args=[_api_token_of_reporter(world).pk]))


@asks("api:api_token")
def _ask_api_token(world, name, target):
    _, _, method = target.partition(" ")
    return _json(method or "get", reverse(name, args=[_api_token_of_reporter(world).pk]))


@asks("api:api_tokens")
def _ask_api_tokens(world, name, target):
    if target != "create":
        return Ask("get", reverse(name))
    import datetime as dt

    from django.utils import timezone

    expires = (timezone.now() + dt.timedelta(days=7)).isoformat()
    return _json("post", reverse(name), {"name": "BI", "scope": "read", "expires_at": expires})


@asks("api:concerns")
def _ask_api_concerns(world, name, target):
    if target != "create":
        return Ask("get", reverse(name))
    return _json("post", reverse(name), {"description": "A post about a client."})


@asks("api:concern_act")
def _ask_api_act(world, name, target):
    concern = world.concerns[target]
    action = "submit" if target == "draft" else "start_triage"
    return _json("post", reverse(name, args=[concern.pk, action]), {"version": _version(concern)})


@asks("api:concern_triage", "api:concern_assign", "api:concern_fairness", "api:concern_findings")
def _ask_api_hr_action(world, name, target):
    from guidance.models import CodeSection

    concern = world.concerns[target]
    version = {"version": _version(concern)}
    data = {
        "api:concern_triage": {
            **version,
            "graduated_response": "informal",
            "risk_rating": "low",
            "sections": [CodeSection.objects.get(code="6.2").pk],
        },
        "api:concern_assign": {**version, "assignee": world.people["investigator"].pk},
        "api:concern_fairness": {**version, "allegation_notified_on": "2026-01-05"},
        "api:concern_findings": {**version, "action_taken": "", "outcome_summary": "Ongoing."},
    }[name]
    return _json("post", reverse(name, args=[concern.pk]), data)


@asks("api:concern_notes")
def _ask_api_notes(world, name, target):
    target, _, method = target.partition(" ")
    url = reverse(name, args=[world.concerns[target].pk])
    if method == "post":
        return _json("post", url, {"text": "Spoke to the reporter."})
    return Ask("get", url)


@asks("api:concern_evidence")
def _ask_api_evidence(world, name, target):
    target, _, method = target.partition(" ")
    url = reverse(name, args=[world.concerns[target].pk])
    if method == "post":
        # The world's draft is about private use: the file needs its relevance (issue 19).
        data = {"file": png_upload(), "post_deleted": "unsure", "relevance": "It names the agency."}
        return Ask("post", url, data)
    return Ask("get", url)


@asks("api:evidence_download")
def _ask_api_download(world, name, target):
    evidence = world.evidence[target]
    return Ask("get", reverse(name, args=[evidence.concern_id, evidence.pk]))


@asks("api:report_panel")
def _ask_api_report_panel(world, name, target):
    return Ask("get", reverse(name, args=["months"]))


# --- Spreadsheet imports (imports/) ---------------------------------------------------------
# "checked" names a batch A's HR manager uploaded (the template file) and has not confirmed.


def _checked_import_batch(world):
    from imports import services
    from imports.template_files import template_csv

    batch, _ = services.batch_check(
        user=world.people["hr_manager"], content=template_csv(), name="past-concerns.csv"
    )
    return batch


@asks("imports:template")
def _ask_import_template(world, name, target):
    return Ask("get", reverse(name, args=["csv"]))


@asks("imports:batch")
def _ask_import_batch(world, name, target):
    return Ask("get", reverse(name, args=[_checked_import_batch(world).pk]))


@asks("imports:confirm")
def _ask_import_confirm(world, name, target):
    return Ask("post", reverse(name, args=[_checked_import_batch(world).pk]))


# --- Public interest disclosures (issue 19, branch pid) ------------------------------


@asks("incidents:disclosure")
def _ask_disclosure(world, name, target):
    return Ask("get", reverse(name, args=[world.restricted.pk]))


@asks("incidents:disclosure_step")
def _ask_disclosure_step(world, name, target):
    today = timezone.localdate().isoformat()
    data = {"received_on": today, "assessment": "may_be", "assessed_on": today}
    return Ask("post", reverse(name, args=[world.restricted.pk, "assessment"]), data)


@asks("incidents:welfare_contact_add")
def _ask_welfare_contact(world, name, target):
    data = {"for_whom": "employee", "contact": world.people["second_reporter"].pk}
    return Ask("post", reverse(name, args=[world.restricted.pk]), data)


def _ask(world: World, case: str) -> Ask:
    name, _, target = case.partition(" ")
    return _BUILDERS.get(name, _ask_plain_get)(world, name, target)


def _sign_in_url(case: str) -> str:
    return (
        reverse("admin:login") if case.startswith(_ADMIN_NAMESPACE) else reverse("accounts:login")
    )


def _body(response) -> str:
    if response.streaming:  # file downloads: the bytes are checked by their own tests
        return ""
    return response.content.decode(errors="replace")


def _foreign_markers(world: World, persona: str) -> tuple[str, ...]:
    """What a page served to this persona must not contain: the other organisation's."""
    own = world.org_of(persona)
    if own is None:
        return (*world.markers["A"], *world.markers["B"])
    other = "B" if own == "A" else "A"
    if persona in SECTOR_PERSONAS:
        return world.markers[other]
    return (*world.markers[other], *world.markers_org[other])


# --- The matrix ------------------------------------------------------------------------


@pytest.mark.parametrize(("case", "persona"), CASES)
def test_each_persona_gets_the_expected_status_from_every_url(client, world, case, persona):
    cache.clear()  # nothing a cached figure or throttle carried over decides an answer
    if persona != "anonymous":
        client.force_login(world.people[persona])
    ask = _ask(world, case)
    outside_a = world.org_of(persona) != "A"
    before = snapshot(world.org) if outside_a else None

    extra = {"content_type": ask.content_type} if ask.content_type else {}
    response = getattr(client, ask.method)(ask.url, ask.data or {}, headers=ask.headers, **extra)

    where = f"{persona} {ask.method.upper()} {ask.url} ({case})"
    expected = EXPECTED[case].get(persona)
    assert expected is not None, f"{case}: no answer for {persona}; add the row to OTHER_ORG"
    assert response.status_code == expected, where
    if persona == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith(_sign_in_url(case)), where
    body = _body(response)
    leaked = [marker for marker in _foreign_markers(world, persona) if marker in body]
    assert not leaked, f"{where} shows the other organisation's {leaked}"
    if outside_a:
        assert snapshot(world.org) == before, f"{where} changed organisation A's case data"


# --- Lists and dashboards, positively ----------------------------------------------------

# (URL name, persona) -> which organisation's references the page must list.
LISTS = {
    ("incidents:list", "investigator"): "A",
    ("incidents:list", "hr_manager"): "A",
    ("incidents:mine", "reporter"): "A",
    ("incidents:list", "other_investigator"): "B",
    ("incidents:list", "other_hr_manager"): "B",
    ("incidents:list", "outsider"): "B",
    ("incidents:mine", "other_reporter"): "B",
}

# Persona -> the concerns the dashboard counts: A has 3 submitted (and a draft), B 2.
DASHBOARD_TOTALS = {
    "hr_manager": 3,
    "executive": 3,
    "sector_analyst": 5,
    "other_hr_manager": 2,
    "other_executive": 2,
    "other_sector_analyst": 5,
    "outsider": 5,
}


def _references(world: World, org: str) -> list[str]:
    if org == "A":
        return [c.reference for c in world.concerns.values() if c.reference]
    return [c.reference for c in world.other_concerns]


@pytest.mark.parametrize(("name", "persona"), list(LISTS))
def test_each_organisation_sees_its_own_concerns_on_lists(client, world, name, persona):
    client.force_login(world.people[persona])
    response = client.get(reverse(name))

    assert response.status_code == 200
    own = LISTS[name, persona]
    body = response.content.decode()
    visible = [ref for ref in _references(world, own) if ref in body]
    # The investigator sees A's unassigned concern and those assigned to them: all three.
    assert visible == _references(world, own), f"{persona} on {name}"
    other = "B" if own == "A" else "A"
    assert not [ref for ref in _references(world, other) if ref in body]


def test_searching_for_another_organisations_reference_finds_nothing(client, world):
    client.force_login(world.people["other_hr_manager"])
    reference = world.concerns["submitted"].reference

    response = client.get(reverse("incidents:list"), {"q": reference})

    assert response.status_code == 200
    assert list(response.context["page"]) == []  # the search box repeats what was asked


def test_filtering_by_another_organisations_unit_is_refused(client, world):
    client.force_login(world.people["other_hr_manager"])
    unit = world.concerns["submitted"].business_unit

    response = client.get(reverse("incidents:list"), {"unit": unit.pk})

    assert response.status_code == 400  # not a unit of theirs; the filter is not applied
    assert {c.organisation_id for c in response.context["page"]} == {world.other_org.pk}


def _months_total(response) -> int:
    panel = next(panel for panel in response.context["panels"] if panel.key == "months")
    return panel.total[0].value


@pytest.mark.parametrize("persona", list(DASHBOARD_TOTALS))
def test_each_dashboard_counts_its_own_organisation_or_the_sector(client, world, persona):
    client.force_login(world.people[persona])

    response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 200
    assert _months_total(response) == DASHBOARD_TOTALS[persona]


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(lambda world: {"organisation": world.org.pk}, id="organisation"),
        pytest.param(
            lambda world: {"unit": world.concerns["submitted"].business_unit_id}, id="unit"
        ),
    ],
)
def test_an_executive_cannot_ask_for_another_organisations_figures(client, world, query):
    client.force_login(world.people["other_executive"])

    response = client.get(reverse("reports:dashboard"), query(world))

    assert response.status_code in (200, 400)
    assert _months_total(response) == DASHBOARD_TOTALS["other_executive"]


@pytest.mark.parametrize("persona", ["other_executive", "other_hr_manager"])
def test_an_export_counts_its_own_organisation_only(client, settings, world, persona):
    settings.REPORT_SMALL_CELL_THRESHOLD = 1  # show every count, however small
    client.force_login(world.people[persona])

    response = client.get(reverse("reports:export", args=["platforms", "csv"]))

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["Total", str(DASHBOARD_TOTALS[persona])] in rows


# --- Every URL has a row ------------------------------------------------------------------


def _named_urls(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _named_urls(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}"


def _rows_missing_and_stale(patterns) -> tuple[set[str], set[str]]:
    in_project = {
        name
        for name in _named_urls(patterns)
        if not name.startswith(_ADMIN_NAMESPACE) or name in _ADMIN_KEPT
    }
    in_matrix = {case.partition(" ")[0] for case in SAME_ORG}
    return in_project - in_matrix, in_matrix - in_project


def test_the_matrix_has_a_row_for_every_named_url():
    missing, stale = _rows_missing_and_stale(get_resolver().url_patterns)

    assert not missing, f"URLs without a row in the access matrix: {sorted(missing)}"
    assert not stale, f"rows for URLs that no longer exist: {sorted(stale)}"


def test_both_organisations_have_the_same_rows_in_the_same_order():
    assert list(OTHER_ORG) == list(SAME_ORG)


def test_a_new_url_without_a_row_is_caught():
    from django.urls import include, path

    def view(request):  # pragma: no cover - never called
        raise AssertionError

    new = [path("records/new/", include(([path("x/", view, name="new")], "records")))]

    missing, _ = _rows_missing_and_stale([*get_resolver().url_patterns, *new])

    assert "records:new" in missing
