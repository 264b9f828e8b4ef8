"""The collection notice: what a person giving personal information is told about it.

Each organisation may write its own (`Organisation.collection_notice`, in the admin);
without one, these default words are used. Shown on the form for logging a concern and
in the access-request export. The Information Privacy Principles (Privacy and Data
Protection Act 2014, IPP 1.3) ask an organisation to say, when it collects personal
information, who it is, why it collects it, who it usually gives it to, and that the
person can ask to see it.
"""

from __future__ import annotations

DEFAULT_COLLECTION_NOTICE = (
    "Why we collect this: HR uses what you give here, including anything about the "
    "employee concerned, only to look into this concern under the Code of Conduct for "
    "Victorian Public Sector Employees. Only the HR staff handling it can see it. The "
    "employee may be told what is alleged so they can respond. Some matters may be "
    "passed to a body such as IBAC or Victoria Police where the law requires. Give only "
    "what is needed, and please do not search through anyone's private accounts to find "
    "more. The record is kept for the organisation's retention period and then destroyed. "
    "You, and the employee concerned, can ask HR to see the information held about you."
)


def collection_notice_for(organisation) -> str:
    """The organisation's own notice, or the default when it has none."""
    text = (getattr(organisation, "collection_notice", "") or "").strip()
    return text or DEFAULT_COLLECTION_NOTICE
