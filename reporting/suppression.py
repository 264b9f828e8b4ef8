"""Small-cell suppression for published counts (dashboards, charts, exports, summaries).

Pure Python, no Django: counts in, `Cell`s out. A hidden cell keeps its true value for
internal use only; `Cell.shown` is ``None`` and `Cell.label` (and ``str(cell)``) is
``f"<{threshold}"`` for a count under the threshold and ``"np"`` (not published) for a
count hidden only so that another cannot be worked out, so neither a chart, an export nor
a template can leak it, and no label says "<5" of a number that is not under 5.

The rules
---------
*Primary*: a count with ``0 < count < threshold`` is hidden (reason ``"small"``). A total
under the threshold is hidden the same way, and so then is every non-zero cell under it
(each is no bigger than the total). Zero is always shown as ``0`` and is never hidden or
chosen for secondary suppression.

*Secondary*: every published line is checked. A *line* is a set of cells with the total
they add up to: the series itself; in a table each row with its row total, each column
with its column total, the row totals with the grand total and the column totals with
the grand total. A line is *exposed* when an attacker could work out a hidden number from
that line alone, given what the marks say: a "<5" cell is at least 1 (zeros are shown)
and at most ``threshold - 1``; an "np" cell is at least ``threshold``:

* its total is published and exactly one of its cells is hidden (the brief's rule), or
* its total is published and a hidden cell is forced by those bounds: the attacker knows
  the hidden cells' sum (total minus the visible cells), and with the others at their
  extremes one has a single possible value (for ``k`` "<5" cells, a sum of ``k`` or
  ``k * (threshold - 1)``; for one "<5" and one "np" cell, a sum of ``threshold + 1``),
  or
* its total is hidden but none of its cells is, so the total is the sum of its cells.

An exposed line is repaired by hiding its smallest non-zero visible cell (ties go to the
earlier key); when it has none, its total is hidden instead. Repairs can expose other
lines (hiding a cell in a row leaves a lone hidden cell in its column, hiding a row total
to protect another row total exposes that row), so all lines are checked again and again
until none is exposed.

*Whole-table audit* (tables only): when no line is exposed, the table is checked as one
system of sums (see `_audit`). If some hidden entry still has only one possible value,
given every published number and that each hidden entry is at least 1 (at least the
threshold for "np"), one more entry
is hidden, preferring one that gives the pinned entry room to move, and everything is
checked again. This catches patterns the line rules miss, such as a hidden cell joining
two otherwise separate blocks of hidden cells, whose value is then the difference of
sums of whole rows and columns.

Hiding only ever grows, so the process always ends; if everything non-zero were hidden,
nothing could be pinned (scaling every hidden entry up keeps all sums consistent).

What this guarantees
--------------------
For a series and for every line of a table:

1. if its total is published, it has no hidden cell or at least two, so no hidden cell
   is "published total minus the published cells";
2. if its total is published, the line alone never pins a hidden cell, whether the
   attacker takes a hidden cell to be at least 1, or (when that fits the line) between
   1 and ``threshold - 1`` as its label says;
3. a hidden total always has at least one hidden cell in its line, so it is not simply
   the sum of that line's published cells.

For a table, also:

4. no hidden entry (cell or total) is pinned by all the table's published numbers taken
   together, for an attacker who knows each hidden entry is at least 1, or at least
   the threshold when it is marked "np". The sums form a
   totally unimodular system, so this holds for whole-number and real solutions alike.

What it does not guarantee
--------------------------
* Upper bounds from the ``<threshold`` labels are used per line (2), not across the
  whole table (4).
* Showing zeros tells an attacker that every hidden cell is at least 1. A total under
  the threshold with exactly ``threshold - 1`` non-zero cells therefore reveals that each
  is 1 (and with threshold 2 every primary cell is 1). Nothing left to hide fixes that.
* Several tables of the same people (other panels, other filters, earlier months) can
  be combined by an attacker; each call protects only its own table. A caller that
  publishes a table which adds up other published tables (several months, the whole
  sector) passes what those tables hide as `hide`, so that the sum cannot be compared
  with them (see `reporting.dashboard`).

*Hidden on request*: `hide` (and, for totals, `hide_total` and friends) names entries to
hide before the rules run, reason ``SECONDARY``; zeros are never hidden.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = [
    "DEFAULT_THRESHOLD",
    "NOT_PUBLISHED",
    "SECONDARY",
    "SMALL",
    "Cell",
    "Series",
    "Table",
    "suppress_series",
    "suppress_table",
]

DEFAULT_THRESHOLD = 5
SMALL = "small"
"""`Cell.reason` for primary suppression: the count itself is under the threshold."""
SECONDARY = "secondary"
"""`Cell.reason` for secondary suppression: hidden so another hidden count stays hidden."""
NOT_PUBLISHED = "np"
"""The label of a secondary cell: not published. Such a cell is at least the threshold
(anything smaller is a primary cell), and the rules use what the label tells."""

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


@dataclass(frozen=True, repr=False)
class Cell:
    """One published number.

    `value` is the true count and must never be rendered when `hidden` is true; render
    `label` (or ``str(cell)``) and feed charts and exports from `shown`.
    """

    value: int
    hidden: bool
    reason: str  # "" when shown, SMALL (primary) or SECONDARY
    label: str  # str(value), or f"<{threshold}" when hidden

    @property
    def shown(self) -> int | None:
        """The value for charts and exports: the count, or ``None`` when hidden."""
        return None if self.hidden else self.value

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:  # never put a hidden value in logs or tracebacks
        if self.hidden:
            return f"Cell(hidden, reason={self.reason!r}, label={self.label!r})"
        return f"Cell(value={self.value!r})"


@dataclass(frozen=True)
class Series(Generic[K]):
    """A suppressed 1-D table: keys in order, a cell for each key, and the total."""

    keys: tuple[K, ...]
    cells: dict[K, Cell]
    total: Cell

    def rows(self) -> list[tuple[K, Cell]]:
        """``(key, cell)`` pairs in key order."""
        return [(key, self.cells[key]) for key in self.keys]


@dataclass(frozen=True)
class Table(Generic[R, C]):
    """A suppressed 2-D table with row, column and grand totals."""

    row_keys: tuple[R, ...]
    col_keys: tuple[C, ...]
    cells: dict[tuple[R, C], Cell]
    row_totals: dict[R, Cell]
    col_totals: dict[C, Cell]
    total: Cell


# --- public API -------------------------------------------------------------------------


def suppress_series(
    counts: Mapping[K, int],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    keys: Sequence[K] | None = None,
    hide: Iterable[K] = (),
    hide_total: bool = False,
) -> Series[K]:
    """Suppress a 1-D table of counts whose total is published.

    `keys` fixes the order (and breaks ties when choosing secondary cells); a key missing
    from `counts` counts as 0. Without `keys`, the mapping's own order is used. `hide`
    and `hide_total` hide those entries first (unknown keys and zeros are ignored).

    Raises ValueError for a threshold under 1, a negative count, a repeated key or a
    count whose key is not in `keys`; TypeError for a count or threshold that is not an
    int.
    """
    _check_threshold(threshold)
    order = tuple(counts) if keys is None else tuple(keys)
    _check_unique(order, "keys")
    _check_known(counts, set(order), "keys")
    values = [_count(counts.get(key, 0), key) for key in order]
    values.append(sum(values))
    total = len(order)
    position = {key: index for index, key in enumerate(order)}
    forced = {position[key] for key in hide if key in position}
    if hide_total:
        forced.add(total)
    hidden = _suppress(values, [_Line(tuple(range(total)), total)], threshold, forced=forced)
    made = [
        _make_cell(value, hidden.get(index, ""), threshold) for index, value in enumerate(values)
    ]
    return Series(
        keys=order,
        cells={key: made[index] for index, key in enumerate(order)},
        total=made[total],
    )


def suppress_table(
    counts: Mapping[tuple[R, C], int],
    *,
    row_keys: Sequence[R],
    col_keys: Sequence[C],
    threshold: int = DEFAULT_THRESHOLD,
    hide: Iterable[tuple[R, C]] = (),
    hide_col_totals: Iterable[C] = (),
) -> Table[R, C]:
    """Suppress a 2-D table of counts with its row, column and grand totals.

    Cells missing from `counts` count as 0. The key orders break ties when choosing
    secondary cells. `hide` (cells) and `hide_col_totals` are hidden first (unknown keys
    and zeros are ignored). Raises ValueError for a threshold under 1, a negative count, a
    repeated row or column key, or a count outside ``row_keys x col_keys``; TypeError for
    a count or threshold that is not an int.
    """
    _check_threshold(threshold)
    rows, cols = tuple(row_keys), tuple(col_keys)
    _check_unique(rows, "row_keys")
    _check_unique(cols, "col_keys")
    _check_known(counts, {(row, col) for row in rows for col in cols}, "row_keys x col_keys")

    # The table with its margins as one (rows + 1) x (cols + 1) grid, stored row by row:
    # the last column holds the row totals, the last row the column totals and the
    # bottom-right entry the grand total.
    width = len(cols) + 1
    grid = [[_count(counts.get((row, col), 0), (row, col)) for col in cols] for row in rows]
    for line in grid:
        line.append(sum(line))
    grid.append([sum(line[j] for line in grid) for j in range(width)])
    values = [value for line in grid for value in line]

    def at(i: int, j: int) -> int:
        return i * width + j

    height = len(rows) + 1
    lines = [
        _Line(tuple(at(i, j) for j in range(len(cols))), at(i, len(cols))) for i in range(len(rows))
    ]
    lines += [
        _Line(tuple(at(i, j) for i in range(len(rows))), at(len(rows), j)) for j in range(len(cols))
    ]
    lines.append(_Line(tuple(at(i, len(cols)) for i in range(len(rows))), at(len(rows), len(cols))))
    lines.append(_Line(tuple(at(len(rows), j) for j in range(len(cols))), at(len(rows), len(cols))))
    row_at = {row: i for i, row in enumerate(rows)}
    col_at = {col: j for j, col in enumerate(cols)}
    forced = {at(row_at[row], col_at[col]) for row, col in hide if row in row_at and col in col_at}
    forced |= {at(len(rows), col_at[col]) for col in hide_col_totals if col in col_at}
    hidden = _suppress(values, lines, threshold, grid=(height, width), forced=forced)

    def cell(i: int, j: int) -> Cell:
        index = at(i, j)
        return _make_cell(values[index], hidden.get(index, ""), threshold)

    return Table(
        row_keys=rows,
        col_keys=cols,
        cells={(row, col): cell(i, j) for i, row in enumerate(rows) for j, col in enumerate(cols)},
        row_totals={row: cell(i, len(cols)) for i, row in enumerate(rows)},
        col_totals={col: cell(height - 1, j) for j, col in enumerate(cols)},
        total=cell(height - 1, len(cols)),
    )


# --- the engine -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """Entry indexes of some cells (in key order) and of the total they add up to."""

    cells: tuple[int, ...]
    total: int


def _suppress(
    values: Sequence[int],
    lines: Sequence[_Line],
    threshold: int,
    grid: tuple[int, int] | None = None,
    forced: Iterable[int] = (),
) -> dict[int, str]:
    """Return ``{entry index: reason}`` for every hidden entry.

    `grid` is ``(height, width)`` when `values` is a table with margins stored row by
    row; the table is then also audited against the whole system of its sums.
    """
    hidden = {index: SMALL for index, value in enumerate(values) if 0 < value < threshold}
    for index in forced:
        if values[index] > 0:
            hidden.setdefault(index, SECONDARY)
    while True:
        changed = True
        while changed:
            changed = False
            for line in lines:
                entry = _repair(line, values, hidden, threshold)
                if entry is not None:
                    hidden[entry] = SECONDARY
                    changed = True
        if grid is None:
            return hidden
        entry = _audit(values, hidden, *grid, threshold)
        if entry is None:
            return hidden
        hidden[entry] = SECONDARY


def _bounds(reason: str, threshold: int) -> tuple[float, float]:
    """What the marks tell a reader about a hidden count: a primary cell ("<5") is
    1 to ``threshold - 1``; a secondary one ("np") is at least ``threshold``."""
    if reason == SECONDARY:
        return float(threshold), math.inf
    return 1.0, float(threshold - 1)


def _exposed(line: _Line, values: Sequence[int], hidden: Mapping[int, str], threshold: int) -> bool:
    hidden_cells = [index for index in line.cells if index in hidden]
    if line.total in hidden:
        return not hidden_cells  # the total is the sum of its published cells
    count = len(hidden_cells)
    if count == 0:
        return False
    if count == 1:
        return True
    known_sum = sum(values[index] for index in hidden_cells)  # = total - visible cells
    bounds = [_bounds(hidden[index], threshold) for index in hidden_cells]
    for position, (low, high) in enumerate(bounds):
        if low >= high:
            continue  # the mark alone fixes it (threshold 2): nothing more to protect
        others = bounds[:position] + bounds[position + 1 :]
        # The range left for this cell once the others take their extremes.
        least = max(low, known_sum - sum(other for _, other in others))
        most = min(high, known_sum - sum(other for other, _ in others))
        if least >= most:
            return True
    return False


def _repair(
    line: _Line, values: Sequence[int], hidden: Mapping[int, str], threshold: int
) -> int | None:
    """The entry to hide next so `line` is no longer exposed, or None if it is safe."""
    if not _exposed(line, values, hidden, threshold):
        return None
    candidates = [
        (values[index], position, index)
        for position, index in enumerate(line.cells)
        if index not in hidden and values[index] > 0
    ]
    if candidates:
        return min(candidates)[2]
    if line.total not in hidden:
        return line.total
    # A hidden total with no hidden cell has a non-zero visible cell (the sum is > 0).
    raise AssertionError("unreachable: an exposed line with nothing left to hide")


def _audit(
    values: Sequence[int], hidden: Mapping[int, str], height: int, width: int, threshold: int
) -> int | None:
    """The entry to hide next so that no hidden entry is pinned by the whole table, or None.

    The attacker knows every published number, that every row and column of the grid
    (margins included) adds up, and that a hidden entry is at least 1 (zeros are shown).
    Flip the sign of the margin entries and of the equations of the last row and column:
    every entry then has coefficient +1 in exactly its two equations, so the equations are
    the incidence matrix of a bipartite graph (nodes: the grid's rows and columns; edges:
    the hidden entries) and the solutions differ by circulations round its cycles. A
    hidden entry can change, keeping every hidden entry >= 1, exactly when some cycle
    through it can carry flow without lowering an entry that is already 1. See `_arcs`
    for how that becomes a path search. The matrix is totally unimodular, so what holds
    for real solutions holds for whole-number ones.
    """
    arcs = {
        index: _arcs(index, values[index], height, width, _low(hidden[index], threshold))
        for index in sorted(hidden)
    }
    for index, allowed in arcs.items():
        rest = [arc for other, pair in arcs.items() if other != index for arc in pair]
        if any(_path(rest, head, tail) for tail, head in allowed):
            continue
        # `index` is pinned. Prefer one new hidden entry that opens a cycle through it.
        visible = [i for i in range(len(values)) if i not in hidden and values[i] > 0]
        if not visible:  # cannot happen: with every non-zero entry hidden, scaling them
            # all up together keeps every sum true, so nothing is pinned
            raise AssertionError("unreachable: pinned entry with nothing left to hide")
        opening = []
        for tail, head in allowed:
            forward = _reach(rest, head)
            backward = _reach([(b, a) for a, b in rest], tail)
            for other in visible:
                row, col = divmod(other, width)
                ends = (row, height + col)
                if (ends[0] in forward and ends[1] in backward) or (
                    ends[1] in forward and ends[0] in backward
                ):
                    opening.append(other)
        if not opening:
            row, col = divmod(index, width)
            opening = [i for i in visible if divmod(i, width)[0] == row]
            opening += [i for i in visible if divmod(i, width)[1] == col]
        return min(opening or visible, key=lambda i: _cost(i, values, height, width))
    return None


def _low(reason: str, threshold: int) -> int:
    """The least a hidden entry can be, as its mark tells: 1, or the threshold for "np"."""
    return threshold if reason == SECONDARY else 1


def _arcs(index: int, value: int, height: int, width: int, low: int = 1) -> list[tuple[int, int]]:
    """The directions in which a circulation may carry flow along a hidden entry.

    Nodes are rows ``0 .. height - 1`` and columns ``height .. height + width - 1``.
    Flow from row to column raises a body cell or the grand total and lowers a row or
    column total (whose sign was flipped); flow from column to row does the opposite.
    An entry at its least possible value (`low`: 1, or the threshold for a secondary
    entry, whose mark says it is at least that) must not go down, so it keeps only the
    raising direction.
    """
    row, col = divmod(index, width)
    forward = (row, height + col)
    backward = (height + col, row)
    if value > low:
        return [forward, backward]
    margin = (row == height - 1) != (col == width - 1)
    return [backward] if margin else [forward]


def _reach(arcs: Iterable[tuple[int, int]], start: int) -> set[int]:
    following: dict[int, list[int]] = {}
    for tail, head in arcs:
        following.setdefault(tail, []).append(head)
    seen = {start}
    todo = [start]
    while todo:
        for node in following.get(todo.pop(), ()):
            if node not in seen:
                seen.add(node)
                todo.append(node)
    return seen


def _path(arcs: Iterable[tuple[int, int]], start: int, goal: int) -> bool:
    return goal in _reach(arcs, start)


def _cost(index: int, values: Sequence[int], height: int, width: int) -> tuple[bool, int, int]:
    """Secondary choice order: body cells before totals, then smaller, then earlier."""
    row, col = divmod(index, width)
    return (row == height - 1 or col == width - 1, values[index], index)


# --- helpers ----------------------------------------------------------------------------


def _make_cell(value: int, reason: str, threshold: int) -> Cell:
    if reason:
        label = NOT_PUBLISHED if reason == SECONDARY else f"<{threshold}"
        return Cell(value=value, hidden=True, reason=reason, label=label)
    return Cell(value=value, hidden=False, reason="", label=str(value))


def _check_threshold(threshold: int) -> None:
    if not isinstance(threshold, int) or isinstance(threshold, bool):
        raise TypeError(f"threshold must be an int, not {type(threshold).__name__}")
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, not {threshold}")


def _count(value: int, key: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"count for {key!r} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"count for {key!r} is negative ({value})")
    return value


def _check_unique(keys: Sequence[Hashable], name: str) -> None:
    seen: set[Hashable] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"{name} repeats {key!r}")
        seen.add(key)


def _check_known(counts: Iterable[Hashable], known: set, name: str) -> None:
    for key in counts:
        if key not in known:
            raise ValueError(f"count for {key!r} is not in {name}")
