"""Concerns per 100 staff, with an exact 95% Poisson interval.

A count of concerns is treated as a Poisson count: its exact (Garwood) interval runs from
the mean under which a count this high or higher has a 2.5% chance, to the mean under
which a count this low or lower has a 2.5% chance. Divided by the staff and multiplied by
100, it gives the interval of the rate. Two rates whose intervals overlap are "within
normal variation" of each other. Pure Python: the incomplete gamma function by its series
and continued fraction (as in Numerical Recipes), and bisection for the two means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

ALPHA = 0.05


def _lower_gamma_regularised(a: float, x: float) -> float:
    """P(a, x), the regularised lower incomplete gamma function."""
    if x <= 0:
        return 0.0
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        for _ in range(100_000):
            n += 1
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return min(1.0, total * math.exp(log_front))
    # Continued fraction for Q(a, x) (modified Lentz).
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 100_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return max(0.0, 1.0 - math.exp(log_front) * h)


def _solve(target: float, shape: float) -> float:
    """The mean m with P(shape, m) = target, by bisection (P rises with m)."""
    low, high = 0.0, max(10.0, shape * 2 + 50 * math.sqrt(shape) + 10)
    for _ in range(200):
        middle = (low + high) / 2
        if _lower_gamma_regularised(shape, middle) < target:
            low = middle
        else:
            high = middle
        if high - low < 1e-10 * max(1.0, middle):
            break
    return (low + high) / 2


def poisson_interval(count: int) -> tuple[float, float]:
    """The exact 95% interval of a Poisson mean, given one observed count."""
    if count < 0:
        raise ValueError("a count is never negative")
    lower = 0.0 if count == 0 else _solve(ALPHA / 2, count)
    upper = _solve(1 - ALPHA / 2, count + 1)
    return lower, upper


@dataclass(frozen=True)
class Rate:
    concerns: int
    staff: int
    per_100: float
    low: float
    high: float

    def overlaps(self, other: Rate) -> bool:
        return self.low <= other.high and other.low <= self.high


def rate(concerns: int, staff: int) -> Rate:
    lower, upper = poisson_interval(concerns)
    scale = 100 / staff
    return Rate(concerns, staff, concerns * scale, lower * scale, upper * scale)


def fmt(value: float) -> str:
    return f"{value:.1f}"


def compare(this: Rate, other: Rate, *, higher: str, lower: str, rests: bool = True) -> str:
    """'within normal variation' when the intervals overlap, else which way it differs;
    and, when the difference in concerns is one or two, that it rests on them."""
    if this.overlaps(other):
        reading = "within normal variation"
    else:
        reading = higher if this.per_100 > other.per_100 else lower
    difference = abs(this.concerns - other.concerns)
    if rests and difference in (1, 2):
        word = "concern" if difference == 1 else "concerns"
        reading += f"; the difference rests on {difference} {word}"
    return reading
