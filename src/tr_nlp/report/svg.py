"""Small inline SVG charts: no plotting library, no external files, readable without colour.

Every chart carries a ``<title>`` and ``<desc>`` for screen readers; series differ by
dash pattern and marker as well as colour, and the legend names them in text.
"""

from __future__ import annotations

from collections.abc import Sequence
import math
from dataclasses import dataclass, field
from html import escape

DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 4", "10 4")


@dataclass
class Series:
    """One line of a chart."""

    name: str
    x: Sequence[float]
    y: Sequence[float]
    color: str
    markers: bool = True
    notes: Sequence[str] = field(default_factory=list)  # hover text per point
    low: Sequence[float] = field(default_factory=list)  # an interval per point, drawn as a whisker
    high: Sequence[float] = field(default_factory=list)
    #: which of :data:`DASHES` draws it (taken modulo their number), as a legend names it for
    #: its code; None: its place among the chart's series
    style: int | None = None


@dataclass
class Point:
    """One bubble of a scatter chart."""

    label: str
    x: float
    y: float
    size: float
    color: str
    square: bool = False
    note: str = ""
    hollow: bool = False  # drawn as an outline (a square: a code placed by its codebook entry)


class _Frame:
    """Maps data to pixels inside a plot area with margins."""

    def __init__(self, width: int, height: int, x_range: tuple[float, float], y_range: tuple[float, float]):
        self.width, self.height = width, height
        self.left, self.right, self.top, self.bottom = 52, 12, 12, 40
        self.x0, self.x1 = x_range if x_range[1] > x_range[0] else (x_range[0] - 1, x_range[0] + 1)
        self.y0, self.y1 = y_range if y_range[1] > y_range[0] else (y_range[0] - 1, y_range[0] + 1)

    def px(self, x: float) -> float:
        return self.left + (x - self.x0) / (self.x1 - self.x0) * (self.width - self.left - self.right)

    def py(self, y: float) -> float:
        return self.height - self.bottom - (y - self.y0) / (self.y1 - self.y0) * (self.height - self.top - self.bottom)

    def area(self) -> str:
        """The plot area's background rectangle (inside the margins)."""
        return (f'<rect x="{self.left}" y="{self.top}" width="{self.width - self.left - self.right}" '
                f'height="{self.height - self.top - self.bottom}" class="plot-area"/>')


def _ticks(low: float, high: float, n: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 times a power of ten) inside [low, high]."""
    if high <= low:
        return [low]
    raw = (high - low) / (n - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.3g}"


def _axes(f: _Frame, x_label: str, y_label: str) -> list[str]:
    parts = [f.area()]
    for x in _ticks(f.x0, f.x1):
        parts.append(f'<line x1="{f.px(x):.1f}" y1="{f.py(f.y0):.1f}" x2="{f.px(x):.1f}" y2="{f.top}" class="grid"/>'
                     f'<text x="{f.px(x):.1f}" y="{f.height - f.bottom + 14}" class="tick" text-anchor="middle">{_fmt(x)}</text>')
    for y in _ticks(f.y0, f.y1):
        parts.append(f'<line x1="{f.left}" y1="{f.py(y):.1f}" x2="{f.width - f.right}" y2="{f.py(y):.1f}" class="grid"/>'
                     f'<text x="{f.left - 6}" y="{f.py(y) + 4:.1f}" class="tick" text-anchor="end">{_fmt(y)}</text>')
    parts.append(f'<text x="{(f.left + f.width - f.right) / 2:.0f}" y="{f.height - 6}" class="axis-label" '
                 f'text-anchor="middle">{escape(x_label)}</text>')
    parts.append(f'<text x="14" y="{(f.top + f.height - f.bottom) / 2:.0f}" class="axis-label" text-anchor="middle" '
                 f'transform="rotate(-90 14 {(f.top + f.height - f.bottom) / 2:.0f})">{escape(y_label)}</text>')
    return parts


def _svg(width: int, height: int, title: str, description: str, parts: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>'
            f'<desc>{escape(description)}</desc>{"".join(parts)}</svg>')


def line_chart(series: Sequence[Series], title: str, x_label: str, y_label: str,
               x_range: tuple[float, float] | None = None, y_range: tuple[float, float] = (0.0, 1.0),
               diagonal: bool = False, width: int = 460, height: int = 300, description: str = "") -> str:
    """A line chart as an SVG string (``diagonal`` draws y = x, e.g. perfect calibration)."""
    xs = [x for s in series for x in s.x]
    if x_range is None:
        x_range = (min(xs, default=0.0), max(xs, default=1.0))
    f = _Frame(width, height, x_range, y_range)
    parts = _axes(f, x_label, y_label)
    if diagonal:
        parts.append(f'<line x1="{f.px(f.x0):.1f}" y1="{f.py(f.y0):.1f}" x2="{f.px(f.x1):.1f}" y2="{f.py(f.y1):.1f}" '
                     'class="diagonal"><title>perfect calibration</title></line>')
    for i, s in enumerate(series):
        dash = DASHES[(i if s.style is None else s.style) % len(DASHES)]
        points = " ".join(f"{f.px(x):.1f},{f.py(y):.1f}" for x, y in zip(s.x, s.y))
        parts.append(f'<g class="series" data-name="{escape(s.name)}"><polyline points="{points}" fill="none" '
                     f'stroke="{s.color}" stroke-width="2" stroke-dasharray="{dash}"/>')
        nudge = (i - (len(series) - 1) / 2) * 3  # whiskers of the series side by side, not on top of each other
        for x, lo, hi in zip(s.x, s.low, s.high):
            if math.isfinite(lo) and math.isfinite(hi):
                parts.append(f'<line x1="{f.px(x) + nudge:.1f}" y1="{f.py(lo):.1f}" x2="{f.px(x) + nudge:.1f}" '
                             f'y2="{f.py(hi):.1f}" stroke="{s.color}" stroke-width="1" class="whisker"/>')
        if s.markers:
            for j, (x, y) in enumerate(zip(s.x, s.y)):
                note = s.notes[j] if j < len(s.notes) else f"{s.name}: ({_fmt(x)}, {y:.2f})"
                parts.append(f'<circle cx="{f.px(x):.1f}" cy="{f.py(y):.1f}" r="3.5" fill="{s.color}">'
                             f'<title>{escape(note)}</title></circle>')
        parts.append("</g>")
    return _svg(width, height, title, description or title, parts)


def scatter_chart(points: Sequence[Point], title: str, width: int = 640, height: int = 420, description: str = "") -> str:
    """Labelled bubbles (area ~ size) on unlabelled axes, as for a topic map; each label
    goes above its bubble, else below, beside it or at a corner, wherever it covers the least
    of the other bubbles and labels (:func:`place_labels`)."""
    if not points:
        return ""
    pad = 0.15
    xs, ys = [p.x for p in points], [p.y for p in points]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    f = _Frame(width, height, (min(xs) - pad * span_x, max(xs) + pad * span_x),
               (min(ys) - pad * span_y, max(ys) + pad * span_y))
    f.left, f.bottom = 12, 12
    parts = [f.area()]
    biggest = max(p.size for p in points) or 1.0
    ordered = sorted(points, key=lambda q: -q.size)
    marks = [(f.px(p.x), f.py(p.y), 7.0 if p.square else 6 + 24 * (p.size / biggest) ** 0.5) for p in ordered]
    spots = place_labels(marks, [p.label for p in ordered], width, height)
    for p, (x, y, r), (tx, ty, anchor) in zip(ordered, marks, spots):
        note = escape(p.note or p.label)
        if p.square:
            fill = f'fill="#fff" stroke="{p.color}" stroke-width="2"' if p.hollow else f'fill="{p.color}"'
            shape = f'<rect x="{x - 7:.1f}" y="{y - 7:.1f}" width="14" height="14" {fill} class="code-point">'
            parts.append(f'<g class="map-point">{shape}<title>{note}</title></rect>')
        else:
            parts.append(f'<g class="map-point"><circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{p.color}" '
                         f'fill-opacity="0.55" stroke="{p.color}"><title>{note}</title></circle>')
        parts.append(f'<text x="{tx:.1f}" y="{ty:.1f}" class="map-label" '
                     f'text-anchor="{anchor}">{escape(p.label)}</text></g>')
    return _svg(width, height, title, description or title, parts)


#: an 11px label (report.css's ``.map-label``): about this wide per character, this far
#: above and below its baseline
_CHAR_WIDTH, _ASCENT, _DESCENT = 6.2, 9.0, 3.0


def label_box(x: float, y: float, anchor: str, text: str) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom) a label at baseline ``(x, y)`` about covers."""
    w = _CHAR_WIDTH * len(text)
    left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
    return left, y - _ASCENT, left + w, y + _DESCENT


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def place_labels(marks: Sequence[tuple[float, float, float]], labels: Sequence[str], width: float,
                 height: float) -> list[tuple[float, float, str]]:
    """Where to write each label of markers ``(x, y, half size)``, in their order: above
    the marker, else below, right, left or at a corner, whichever covers the least of every
    marker (a marker covers about the square of its area, as a circle does), of the labels
    placed before it and of the space outside the chart (ties: in that order).

    Returns ``(x, y, text-anchor)`` of each label's baseline.

    >>> place_labels([(100, 100, 7), (100, 84, 7)], ["first", "second"], 300, 200)  # above: on the second
    [(100, 119.0, 'middle'), (100, 74, 'middle')]
    """
    cover = math.sqrt(math.pi) / 2
    boxes = [(x - cover * r, y - cover * r, x + cover * r, y + cover * r) for x, y, r in marks]
    outside = [(-1e4, -1e4, 0, 1e4 + height), (width, -1e4, 1e4 + width, 1e4 + height),
               (-1e4, -1e4, 1e4 + width, 0), (-1e4, height, 1e4 + width, 1e4 + height)]
    taken = boxes + outside  # and each label once placed
    placed: list[tuple[float, float, str]] = []
    for (x, y, r), text in zip(marks, labels):
        above, below = y - r - 3, y + r + 3 + _ASCENT
        spots = [(x, above, "middle"), (x, below, "middle"), (x + r + 3, y + 4, "start"), (x - r - 3, y + 4, "end"),
                 (x + r, above, "start"), (x - r, above, "end"), (x + r, below, "start"), (x - r, below, "end")]
        placed.append(min(spots, key=lambda spot: sum(_overlap(label_box(*spot, text), b) for b in taken)))
        taken.append(label_box(*placed[-1], text))
    return placed
