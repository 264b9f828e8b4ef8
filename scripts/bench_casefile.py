"""Print how long a case file takes to build for a concern with 20 evidence files (real
PNG screenshots and PDFs) and 200 events, and how many pages it has.

Usage (from the repository root)::

    .venv/bin/python scripts/bench_casefile.py [--runs 3] [--keep DIR]

Works on a throwaway SQLite database and media folder of its own (DATABASE_URL, if set,
is used instead: give it an empty database). The concern is made through the real
services: 10 screenshots (1280 x 900 PNG with text and noise, so they do not compress to
nothing), 10 PDFs of 3 pages, notes, questions and answers until the timeline has 200
events. Each run builds a new case file with `case_file_build` (what the worker runs):
the first run also renders each PDF's first page (the previews are then kept, as on the
concern page); the median is of all runs. CPU time (this process and the renderer's) is
printed too, as a busy shared machine stretches the wall clock. A figure, not a test:
the issue's target is under 10 seconds on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

EVIDENCE_IMAGES = 10
EVIDENCE_PDFS = 10
EVENTS = 200


def _setup(workdir: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("EMBEDDED_BEAT", "off")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_guidance", verbosity=0)


def _screenshot(index: int):
    import random

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    rng = random.Random(index)
    image = Image.new("RGB", (1280, 900), (245, 246, 248))
    draw = ImageDraw.Draw(image)
    for line in range(40):
        y = 20 + line * 21
        draw.rectangle((20, y, 20 + rng.randint(300, 1200), y + 12), fill=(60, 60, 90))
    for _ in range(4000):
        x, y = rng.randrange(1280), rng.randrange(900)
        draw.point((x, y), fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(f"screenshot-{index}.png", buffer.getvalue(), "image/png")


def _pdf(index: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.incidents.files import pdf_bytes

    content = pdf_bytes(pages=3, width=595, height=842, text=f"Thread capture {index}, page")
    return SimpleUploadedFile(f"thread-{index}.pdf", content, "application/pdf")


def _concern():
    from accounts.models import Role
    from audit.models import Event
    from incidents.casework import services as casework
    from incidents.intake import services as intake
    from incidents.reporter import services as reporter_services
    from tests.factories import OrganisationFactory, UserFactory, make_concern

    org = OrganisationFactory(name="Bench Department", short_name="bench")
    reporter = UserFactory(username="bench-reporter", organisation=org, roles=[Role.REPORTER])
    manager = UserFactory(username="bench-manager", organisation=org, roles=[Role.HR_MANAGER])
    concern = make_concern(reporter)
    for index in range(EVIDENCE_IMAGES):
        intake.evidence_add(concern=concern, actor=reporter, upload=_screenshot(index))
    for index in range(EVIDENCE_PDFS):
        intake.evidence_add(concern=concern, actor=reporter, upload=_pdf(index))
    concern = casework.concern_assign(
        concern=concern, actor=manager, assignee=manager, expected_version=None
    )
    count = 0
    while Event.objects.filter(concern=concern).count() < EVENTS:
        count += 1
        if count % 5 == 0:
            question = reporter_services.question_ask(
                concern=concern, actor=manager, text=f"Question {count}: which account was it?"
            )
            reporter_services.question_answer(
                question=question, actor=reporter, answer=f"Answer {count}: the second one."
            )
        else:
            casework.note_add(
                concern=concern,
                actor=manager,
                text=f"Note {count}: spoke to the team leader about the post. " * 3,
            )
    return concern, manager


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the PDF renderer)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="write the last PDF here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-casefile-") as workdir:
        _setup(Path(workdir))
        from audit.models import Event
        from incidents.casefile.options import CaseFileOptions
        from incidents.casefile.services import case_file_build
        from incidents.models import CaseFileJob

        concern, manager = _concern()
        events = Event.objects.filter(concern=concern).count()
        options = CaseFileOptions(purpose="integrity_referral", leave_out=frozenset())
        seconds, cpu, job = [], [], None
        for _ in range(args.runs):
            job = CaseFileJob.objects.create(
                concern=concern, requested_by=manager, options=options.to_json()
            )
            started, started_cpu = time.perf_counter(), _cpu()
            case_file_build(job.pk)
            seconds.append(time.perf_counter() - started)
            cpu.append(_cpu() - started_cpu)
            job.refresh_from_db()
            assert job.state == CaseFileJob.State.DONE, job.error
        print(f"evidence files: {concern.evidence.count()}, events: {events}")
        print("runs (s): " + ", ".join(f"{value:.2f}" for value in seconds))
        print("CPU (s, with the PDF renderer's processes): " + ", ".join(f"{v:.2f}" for v in cpu))
        print(
            f"median: {statistics.median(seconds):.2f} s; pages: {job.pages}; "
            f"size: {job.size / 1024:.0f} KiB"
        )
        if args.keep:
            with job.file.open("rb") as handle:
                Path(args.keep).write_bytes(handle.read())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
