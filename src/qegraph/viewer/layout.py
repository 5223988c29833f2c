"""The contrast layout: fixed positions that make the two paradigms' opposition the picture.

The quality-education side sits on the left, the exam-oriented side on the right. In the middle
band each ``qe:opposes`` pair faces its partner across the centre, one row per pair, the rows
grouped under a heading per contrast axis. The other concepts of each side fill labelled columns
outward (paradigms, dimensions, characteristics, practices first), and the concepts of neither side
(competencies, roles, outcomes...) fill labelled columns below, across the whole width.

Every position is computed from sorted data and estimated label sizes, so the same graph gives the
same positions (and the page the same bytes), and no two label boxes overlap: each node owns a
slot as tall as its wrapped label.

>>> layout = contrast_layout(
...     nodes={"q": ("quality", "qe:Dimension", "Whole person", "全人"),
...            "e": ("exam", "qe:Characteristic", "Drilling", "题海")},
...     pairs=[("q", "e", ("goal contrast", "目标对比"))],
... )
>>> layout.positions["q"][0] < 0 < layout.positions["e"][0]
True
>>> layout.positions["q"][1] == layout.positions["e"][1]
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "FONT",
    "LABEL_WIDTH",
    "NARROW_LABEL_WIDTH",
    "ContrastLayout",
    "contrast_layout",
    "label_height",
]

#: Font size (canvas units) of the node labels in the contrast layout.
FONT = 15
#: Widest a node's label box may be before it wraps (canvas units); the page sets the same limit.
LABEL_WIDTH = 250
#: Narrower label boxes for phones: the band then fits a 390 px screen at a readable zoom.
NARROW_LABEL_WIDTH = 150
_GAP = 12
#: Height of a group heading row.
_HEADING = 34

#: Order of the labelled groups on each side; other types follow alphabetically.
_TYPE_ORDER = (
    "qe:Paradigm",
    "qe:Dimension",
    "qe:Characteristic",
    "qe:Practice",
    "qe:Goal",
    "qe:TeachingMethod",
    "qe:EducationalConcept",
    "qe:QualityEducationElement",
    "qe:ExamOrientedTrait",
    "qe:Competency",
    "qe:Outcome",
    "qe:LearnerCharacteristic",
    "qe:LearningSupport",
    "qe:EducationalSetting",
    "qe:Role",
)
_SIDE_NAMES = {
    "quality": ("Quality education", "素质教育"),
    "exam": ("Exam-oriented education", "应试教育"),
}
#: Order of the contrast axes in the band (by English label); others follow alphabetically.
_AXIS_ORDER = ("goal", "scope", "method", "focus", "outcome", "concept")


@dataclass
class ContrastLayout:
    """Positions per node key, and the group headings to draw (``en``, ``zh``, ``x``, ``y``,
    ``kind``); ``band`` is the box ``[x0, y0, x1, y1]`` of the contrast band."""

    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    headings: list[dict[str, object]] = field(default_factory=list)
    band: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0, 0.0])


def _text_width(text: str, font: float = FONT) -> float:
    """A generous estimate of the width of ``text`` at ``font``: wide for CJK, less for Latin."""
    width = 0.0
    for ch in text:
        if ord(ch) >= 0x2E80:
            width += font * 1.02
        elif ch in "mwMW@":
            width += font * 0.85
        elif ch.isupper():
            width += font * 0.68
        else:
            width += font * 0.56
    return width


def label_height(*labels: str, width: float = LABEL_WIDTH) -> float:
    """Height of the tallest of ``labels`` once wrapped at :data:`LABEL_WIDTH` (box margins
    included).

    >>> label_height("Short") < label_height("A much longer label that has to wrap onto more lines")
    True
    """
    lines = 1
    for text in labels:
        # Words wrap whole, so a line holds a little less than its full width on average.
        lines = max(lines, math.ceil(_text_width(text) / (width - 24 - FONT)))
    return lines * FONT * 1.3 + 14


@dataclass
class _Column:
    x: float
    y: float
    items: list[tuple[str, float]] = field(default_factory=list)


def _axis_rank(label: str) -> tuple[int, str]:
    word = label.split()[0].lower() if label else ""
    return (_AXIS_ORDER.index(word) if word in _AXIS_ORDER else len(_AXIS_ORDER), label)


def _type_rank(kind: str) -> tuple[int, str]:
    return (_TYPE_ORDER.index(kind) if kind in _TYPE_ORDER else len(_TYPE_ORDER), kind)


def contrast_layout(
    nodes: Mapping[str, tuple[str, str, str, str]],
    pairs: Iterable[tuple[str, str, tuple[str, str] | None]],
    type_names: Mapping[str, tuple[str, str]] | None = None,
    side_names: Mapping[str, tuple[str, str]] | None = None,
    label_width: float = LABEL_WIDTH,
) -> ContrastLayout:
    """Lay out ``nodes`` (key -> (side, type, English label, Chinese label)) around the
    ``qe:opposes`` ``pairs`` (subject key, object key, (axis en, axis zh) or None).

    ``type_names`` and ``side_names`` give the bilingual group headings (default: the keys);
    ``label_width`` is the widest a label box may be (the page wraps labels at the same width).
    """
    column_step = label_width + 50
    # The two members of a pair sit this far from the centre, room left for the dashed line.
    half_band = label_width / 2 + (90 if label_width >= LABEL_WIDTH else 30)
    type_names = type_names or {}
    side_names = side_names or {}
    out = ContrastLayout()
    height = {k: label_height(v[2], v[3], width=label_width) for k, v in nodes.items()}

    # --- the band: one row per opposes pair, grouped by axis --------------------------------
    by_axis: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for a, b, axis in sorted(pairs, key=lambda p: (p[0], p[1])):
        if a not in nodes or b not in nodes or a == b:
            continue
        # The quality member goes left; when neither or both are, the subject does.
        left, right = (b, a) if nodes[b][0] == "quality" and nodes[a][0] != "quality" else (a, b)
        key = axis or ("other contrast", "其他对比")
        by_axis.setdefault(key, []).append((left, right))
    placed: dict[str, tuple[float, float]] = {}
    y = 0.0
    band_rows = 0
    for axis in sorted(by_axis, key=lambda a: _axis_rank(a[0])):
        rows: list[list[str | None]] = []
        row_of: dict[str, int] = {}
        for left, right in sorted(by_axis[axis]):
            left_done = left in placed or left in row_of
            right_done = right in placed or right in row_of
            if left_done and right_done:
                continue  # both already drawn: the edge joins them where they are
            if left_done or right_done:
                # One member is drawn: the other takes the free slot of its row, or a new row.
                known, new, slot = (left, right, 1) if left_done else (right, left, 0)
                r = row_of.get(known)
                if r is None or rows[r][slot] is not None:
                    rows.append([None, None])
                    r = len(rows) - 1
                rows[r][slot] = new
                row_of[new] = r
            else:
                rows.append([left, right])
                row_of[left] = row_of[right] = len(rows) - 1
        if not rows:
            continue
        out.headings.append(
            {"en": axis[0], "zh": axis[1], "x": 0.0, "y": y, "kind": "axis", "axis": axis[0]}
        )
        y += _HEADING
        for row in rows:
            h = max(height[k] for k in row if k is not None)
            for k, x in zip(row, (-half_band, half_band), strict=True):
                if k is not None:
                    placed[k] = (x, y + h / 2)
            y += h + _GAP
            band_rows += 1
        y += _GAP
    band_bottom = y
    out.band = [-half_band - label_width / 2, -_HEADING, half_band + label_width / 2, y]

    # --- each side's other concepts: labelled columns outward --------------------------------
    rest: dict[str, dict[str, list[str]]] = {"quality": {}, "exam": {}, "neutral": {}}
    for key in sorted(nodes, key=lambda k: (nodes[k][2].lower(), k)):
        if key not in placed:
            side, kind = nodes[key][0], nodes[key][1]
            rest.setdefault(side if side in rest else "neutral", {}).setdefault(kind, []).append(
                key
            )
    # Columns at least as tall as the band; on a big map, tall enough that each side is about
    # as tall as it is wide instead of a strip thousands of columns long.
    side_area = max(
        (
            sum(height[k] + _GAP for g in rest[side].values() for k in g)
            for side in ("quality", "exam")
        ),
        default=0.0,
    )
    column_height = max(band_bottom, 520.0, math.sqrt(side_area * column_step))
    edges_x = [-half_band, half_band]
    top = -_HEADING
    for side, direction in (("quality", -1), ("exam", 1)):
        groups = rest[side]
        if not groups:
            continue
        start = (half_band + column_step) if placed else column_step / 2
        columns = _fill_columns(groups, height, column_height, top)
        xs = [direction * (start + i * column_step) for i in range(len(columns))]
        _place(columns, xs, side, type_names, out, placed)
        edges_x.extend(xs)
    # Side headings over each side, above everything.
    for side, sign in (("quality", -1), ("exam", 1)):
        xs = [p[0] for k, p in placed.items() if nodes[k][0] == side]
        if xs:
            en, zh = side_names.get(side, _SIDE_NAMES[side])
            x = sign * max(abs(v) for v in xs) if len(set(xs)) > 2 else sum(xs) / len(xs)
            x = (x + sign * half_band) / 2 if label_width >= LABEL_WIDTH else sign * half_band
            out.headings.append(
                {"en": en, "zh": zh, "x": x, "y": top - 2 * _HEADING, "kind": "side"}
            )

    # --- neither side: labelled columns below, across the width -----------------------------
    groups = rest["neutral"]
    if groups:
        left_x, right_x = min(edges_x), max(edges_x)
        width_columns = max(1, round((right_x - left_x) / column_step) + 1)
        total = sum(height[k] + _GAP for members in groups.values() for k in members)
        total += _HEADING * len(groups)
        col_h = max(total / width_columns * 1.15, 260.0)
        below = max([column_height + top] + [p[1] for p in placed.values()]) + 3 * _HEADING
        columns = _fill_columns(groups, height, col_h, below)
        span = (len(columns) - 1) * column_step
        xs = [-span / 2 + i * column_step for i in range(len(columns))]
        _place(columns, xs, "neutral", type_names, out, placed)
    out.positions = {k: (round(x, 1), round(y, 1)) for k, (x, y) in placed.items()}
    for h in out.headings:
        h["x"], h["y"] = round(float(h["x"]), 1), round(float(h["y"]), 1)  # type: ignore[arg-type]
    return out


def _place(
    columns: Sequence[_Column],
    xs: Sequence[float],
    side: str,
    type_names: Mapping[str, tuple[str, str]],
    out: ContrastLayout,
    placed: dict[str, tuple[float, float]],
) -> None:
    """Give each column its x: members get positions, group markers become type headings
    (which the page draws only while a concept of that side and type is shown)."""
    for x, column in zip(xs, columns, strict=True):
        for key, cy in column.items:
            if key.startswith("\0"):
                kind = key[1:]
                en, zh = type_names.get(kind, (kind, kind))
                out.headings.append(
                    {
                        "en": en,
                        "zh": zh,
                        "x": x,
                        "y": cy,
                        "kind": "type",
                        "type": kind,
                        "side": side,
                    }
                )
            else:
                placed[key] = (x, cy)


def _fill_columns(
    groups: Mapping[str, Sequence[str]],
    height: Mapping[str, float],
    column_height: float,
    top: float,
) -> list[_Column]:
    """Stack each group (a heading, then its members) into columns no taller than
    ``column_height``; a group that does not fit starts a new column with its heading again."""
    columns = [_Column(0.0, top)]
    for kind in sorted(groups, key=_type_rank):
        members = list(groups[kind])
        column = columns[-1]
        # A heading never ends a column alone.
        if column.items and column.y + _HEADING + height[members[0]] > top + column_height:
            column = _Column(0.0, top)
            columns.append(column)
        column.items.append(("\0" + kind, column.y + _HEADING / 2))
        column.y += _HEADING
        for key in members:
            h = height[key]
            if (
                column.items
                and column.y + h > top + column_height
                and column.items[-1][0][0] != "\0"
            ):
                column = _Column(0.0, top)
                columns.append(column)
                column.items.append(("\0" + kind, column.y + _HEADING / 2))
                column.y += _HEADING
            column.items.append((key, column.y + h / 2))
            column.y += h + _GAP
    return columns
