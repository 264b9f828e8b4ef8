"""Time pages as signed-in users and print latency and query counts. A benchmark, not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/conduct_bench \\
        .venv/bin/python scripts/bench_dashboard.py [--url /reports/ --url /concerns/] \\
        [--user USERNAME ...] [--requests 50] [--warmup 5] [--seed-if-empty 100000]

Each page is requested in-process through `django.test.Client` (no web server, no
network), signed in with `force_login`. After `--warmup` untimed requests, `--requests`
requests per page and user are timed with `time.perf_counter` and their queries counted
with `CaptureQueriesContext`; the table shows status, p50, p95 and max in milliseconds
and the queries per request. A page that answers 404 or 500 is reported, not fatal.

Defaults: the executive and the HR manager of `bench-org-1` (made by
`manage.py seed_concerns`), settings `config.settings.local` with DEBUG off unless the
environment says otherwise, and DATABASE_URL as the settings read it. The figures to
compare with are the quality targets in the README (Measured figures).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_REQUESTS = 10_000


@dataclass(frozen=True)
class Result:
    url: str
    user: str
    statuses: tuple[int, ...]
    timings_ms: tuple[float, ...]
    queries: tuple[int, ...]


def percentile(values: list[float] | tuple[float, ...], pct: float) -> float:
    """Nearest-rank percentile of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceiling without floats drifting
    return ordered[int(rank) - 1]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url",
        action="append",
        dest="urls",
        help="Path to time; repeat for more (default /reports/ and /concerns/).",
    )
    parser.add_argument(
        "--user",
        action="append",
        dest="users",
        help="Username to sign in as; repeat for more (default the executive and HR manager "
        "of --org).",
    )
    parser.add_argument("--org", default="bench-org-1", help="Organisation short name.")
    parser.add_argument("--requests", type=int, default=50, help="Timed requests per page.")
    parser.add_argument("--warmup", type=int, default=5, help="Untimed requests first.")
    parser.add_argument(
        "--seed-if-empty",
        type=int,
        default=0,
        metavar="N",
        help="Run load_guidance and seed_concerns first if there are fewer than N concerns.",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= MAX_REQUESTS:
        parser.error(f"--requests must be between 1 and {MAX_REQUESTS}")
    if not 0 <= args.warmup <= MAX_REQUESTS:
        parser.error(f"--warmup must be between 0 and {MAX_REQUESTS}")
    if args.seed_if_empty < 0:
        parser.error("--seed-if-empty must not be negative")
    args.urls = args.urls or ["/reports/", "/concerns/"]
    return args


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DEBUG", "false")  # measure what production runs, not debug pages
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    # A 403 or 404 is a figure in the table; only server errors print their traceback.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    logging.getLogger("django.security").setLevel(logging.ERROR)


def seed_if_empty(minimum: int) -> None:
    from django.core.management import call_command

    from incidents.models import Concern

    existing = Concern.objects.count()
    if existing >= minimum:
        return
    print(f"{existing:,} concerns, fewer than {minimum:,}: seeding {minimum - existing:,}.")
    call_command("load_guidance")
    call_command("seed_concerns", count=minimum - existing)


def default_users(org: str) -> list[str]:
    from accounts.models import Role, User

    names = []
    for role in (Role.EXECUTIVE, Role.HR_MANAGER):
        user = (
            User.objects.filter(
                organisation__short_name=org, role_grants__role=role, is_active=True
            )
            .order_by("pk")
            .first()
        )
        if user is None:
            print(f"No active {role.label.lower()} in organisation {org!r}.", file=sys.stderr)
        else:
            names.append(user.username)
    return names


def measure(client, url: str, user: str, *, warmup: int, requests: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fetch():
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        else:
            response.content  # noqa: B018 - read the body, as a browser would
        return response

    for _ in range(warmup):
        fetch()
    statuses, timings, queries = [], [], []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = fetch()
            elapsed = time.perf_counter() - started
        statuses.append(response.status_code)
        timings.append(elapsed * 1000)
        queries.append(len(captured.captured_queries))
    return Result(url, user, tuple(statuses), tuple(timings), tuple(queries))


def print_table(results: list[Result]) -> None:
    header = ("url", "user", "status", "n", "p50 ms", "p95 ms", "max ms", "queries")
    rows = []
    for r in results:
        status = "/".join(str(s) for s in sorted(set(r.statuses)))
        low, high = min(r.queries), max(r.queries)
        rows.append(
            (
                r.url,
                r.user,
                status,
                str(len(r.timings_ms)),
                f"{percentile(r.timings_ms, 50):.1f}",
                f"{percentile(r.timings_ms, 95):.1f}",
                f"{max(r.timings_ms):.1f}",
                str(low) if low == high else f"{low}-{high}",
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    left = {0, 1}
    for row in [header, *rows]:
        cells = [
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from incidents.models import Concern

    if args.seed_if_empty:
        seed_if_empty(args.seed_if_empty)
    usernames = args.users or default_users(args.org)
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = [name for name in usernames if name not in users]
    if missing or not usernames:
        print(
            f"Unknown or missing users: {', '.join(missing) or '(none found)'}. Seed first: "
            "manage.py seed_concerns --count N (or --seed-if-empty N).",
            file=sys.stderr,
        )
        return 2

    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}, "
        f"settings {os.environ['DJANGO_SETTINGS_MODULE']}, DEBUG={settings.DEBUG}, "
        f"{Concern.objects.count():,} concerns; {args.warmup} warm-up and "
        f"{args.requests} timed requests per page and user."
    )
    results = []
    for username in usernames:
        client = Client(raise_request_exception=False)  # a 500 is a figure, not a crash
        client.force_login(users[username])
        for url in args.urls:
            results.append(
                measure(client, url, username, warmup=args.warmup, requests=args.requests)
            )
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
