"""The wording an organisation starts with for each kind of letter, written for this project.

An administrator changes it in the admin (Letter templates); what is here is used the first
time an organisation drafts a letter of a kind it has not set up yet.
"""

from __future__ import annotations

from incidents.models import LetterKind

LETTERHEAD = "{{ organisation_name }}\nHuman Resources"

DEFAULTS: dict[str, dict[str, str]] = {
    LetterKind.ALLEGATION_NOTICE: {
        "subject": "Allegations about your use of social media ({{ reference }})",
        "body": """Dear {{ employee_name }},

{{ organisation_name }} has received a concern about your use of social media. This letter sets out what is alleged and gives you the chance to respond before anything is decided.

What is alleged

It is alleged that what you did on {{ platform }} on or about {{ conduct_date }} may not have met these parts of the Code of Conduct for Victorian Public Sector Employees:

{{ sections }}

The facts alleged are:

{{ facts }}

These are allegations only. No finding has been made, and your response will be weighed before any finding is.

Your response

Please respond in writing by {{ response_date }}. You may also ask to meet us and respond in person. If you need more time, tell us before that date and say why.

A support person

You may bring a support person of your choice to any meeting about this matter, such as a colleague, a friend or a union representative. They are there to support you; they do not answer for you.

Help while this is under way

Being told of allegations can be stressful. The Employee Assistance Program offers free and confidential counselling to you and your immediate family; Human Resources can give you its contact details. You may also talk to your union or a legal adviser.

Please keep this matter confidential, apart from talking to your support person, your union, a legal adviser or the Employee Assistance Program.""",
    },
    LetterKind.OUTCOME: {
        "subject": "The outcome of the allegations about your use of social media ({{ reference }})",
        "body": """Dear {{ employee_name }},

We wrote to you earlier about allegations concerning your use of social media (reference {{ reference }}). We have now decided the matter, having considered the information gathered and any response you gave.

Findings on each part of the Code of Conduct

{{ findings }}

Action

The action taken is: {{ action_taken }}.

Your right to a review

If you think the process was unfair or the decision was wrong, you may ask for it to be reviewed. Write to Human Resources within 28 days of receiving this letter, saying which part of the decision you want reviewed and why. If you are not satisfied after that, you may be able to ask the Victorian Public Sector Commission to review the action.

The Employee Assistance Program remains available to you and your immediate family, free and in confidence.""",
    },
    LetterKind.REPORTER_CLOSURE: {
        "subject": "Your concern {{ reference }} is finished",
        "body": """Dear {{ reporter_name }},

Thank you for raising your concern with us (reference {{ reference }}). We have finished dealing with it.

{{ message }}

To protect the privacy of everyone involved, we cannot tell you what was found or what action, if any, was taken. If you have something new to tell us, contact Human Resources or log a new concern.""",
    },
}


def default_wording(kind: str) -> dict[str, str]:
    return {"letterhead": LETTERHEAD, "signatory_title": "Human Resources", **DEFAULTS[kind]}
