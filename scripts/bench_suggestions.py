"""Print how long the section suggestions take for a 2,000-word description.

Usage (from the repository root)::

    .venv/bin/python scripts/bench_suggestions.py [--runs 50]

The description is made of the labelled examples, repeated until it has 2,000 words.
Prints the median and the slowest of ``--runs`` timed calls (after one warm-up call), and
the median CPU time (which a busy machine disturbs less), for the rules alone, for the
rules blended with the shipped base model (what a new installation does), and for both
blended with a learned model (trained here on the tuning set, standing in for an
organisation's own model). A figure, not a test: the
target is under 50 ms on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from incidents.intake.learned_model import Example, train  # noqa: E402
from incidents.intake.suggestions import SECTION_CODES, suggest_sections  # noqa: E402
from scripts.eval_suggestions import SETS, load_examples  # noqa: E402

WORDS = 2_000


def description(words: int = WORDS) -> str:
    texts = [example.text for example in load_examples(SETS["main"])]
    out: list[str] = []
    while len(out) < words:
        for text in texts:
            out.extend(text.split())
    return " ".join(out[:words])


def timed(call, runs: int) -> tuple[float, float, float]:
    """Median and slowest wall-clock time, and median CPU time, in milliseconds."""
    call()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), max(wall), statistics.median(cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    text = description()
    model = train(
        [Example(e.text, e.expected) for e in load_examples(SETS["main"])], codes=SECTION_CODES
    )
    print(f"description: {len(text.split())} words, {len(text)} characters")
    cases = (
        ("rules alone", {"base_model": None}),
        ("rules + base model", {}),
        ("+ learned model", {"model": model}),
    )
    for label, kwargs in cases:
        median, slowest, cpu = timed(lambda kw=kwargs: suggest_sections(text, **kw), args.runs)
        print(
            f"{label:<22} median {median:6.1f} ms   slowest {slowest:6.1f} ms   "
            f"median CPU {cpu:6.1f} ms   ({args.runs} runs)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
