"""The timeline of one case as an inline SVG, drawn on the server with no external assets.

The axis is cut at the instants the readings' rules compare times with (the ceasefire first):
each stretch between two such instants gets the same width and is linear within, so a capture
a day after the ceasefire and a release three years later both stay readable. The drawing says
so in its caption. Every text is escaped here (:func:`html.escape`): case text is untrusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from engine.analysis.timeline import Region, Timeline
from engine.base.vocabulary import QUESTIONS
from engine.cases.timeval import iso_utc

_W, _LEFT, _RIGHT = 980, 150, 970
_ROW, _ANSWER_ROW, _TOP = 24, 46, 58
_PAD = 10 * 86_400


def _cuts(timeline: Timeline) -> list[int]:
    marks = [m.epoch for m in timeline.markers]
    points = [p for s in timeline.spans for p in (s.lo, s.hi)] + marks
    lo, hi = min(points) - _PAD, max(points) + _PAD
    return [lo, *marks, hi] if marks else [lo, hi]


def _x(t: int, cuts: Sequence[int]) -> float:
    segments = len(cuts) - 1
    width = (_RIGHT - _LEFT) / segments
    for i in range(segments):
        a, b = cuts[i], cuts[i + 1]
        if t <= b or i == segments - 1:
            share = 0.0 if b == a else min(max((t - a) / (b - a), 0.0), 1.0)
            return _LEFT + width * (i + share)
    return _RIGHT  # pragma: no cover - the loop always returns


def _text(x: float, y: float, text: str, *, size: int = 11, anchor: str = "start",
          cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{klass}>'
            f"{escape(text)}</text>")


def _region_bounds(region: Region, cuts: Sequence[int]) -> tuple[float, float]:
    lo = _x(region.lo if region.lo is not None else cuts[0], cuts)
    hi = _x(region.hi if region.hi is not None else cuts[-1], cuts)
    return lo, hi


def _words(answer: str) -> str:
    return answer.replace("_", " ")


def _answer_rows(timeline: Timeline, cuts: Sequence[int], y0: float,
                 readings: Sequence[str]) -> list[str]:
    out: list[str] = []
    for i, rid in enumerate(readings):
        y = y0 + i * _ANSWER_ROW
        out.append(_text(_LEFT - 6, y + 16, rid, anchor="end"))
        out.append(_text(_LEFT - 6, y + 30, "if captured here", size=9, anchor="end",
                         cls="muted"))
        for region in timeline.regions:
            lo, hi = _region_bounds(region, cuts)
            given = region.answers.get(rid)
            others = list(region.answers.values())
            agree = all(a == others[0] for a in others)
            fill = "#ececec" if agree else "#fff3e0"
            stroke = "#bbb" if agree else "#b35c00"
            out.append(f'<rect x="{lo + 1:.1f}" y="{y + 2:.1f}" width="{max(hi - lo - 2, 1):.1f}" '
                       f'height="{_ANSWER_ROW - 4}" fill="{fill}" stroke="{stroke}" '
                       f'data-reading="{escape(rid)}"/>')
            if given is None:
                out.append(_text((lo + hi) / 2, y + 25, "not possible", size=9, anchor="middle",
                                 cls="muted"))
                continue
            for k, q in enumerate(QUESTIONS):
                out.append(_text((lo + hi) / 2, y + 14 + 12 * k, _words(getattr(given, q)),
                                 size=9, anchor="middle"))
    return out


def timeline_svg(timeline: Timeline, readings: Sequence[str]) -> str:
    """The timeline of one case as a ``<figure>`` holding an inline SVG and its caption, or ""
    when the case gives no time and no rule compares one."""
    if not timeline.spans and not timeline.markers:
        return ""
    cuts = _cuts(timeline)
    spans_y = _TOP + 8
    answers_y = spans_y + max(len(timeline.spans), 1) * _ROW + 18
    height = answers_y + len(readings) * _ANSWER_ROW + 10
    body: list[str] = []
    for region in timeline.regions:
        if region.holds_capture:
            lo, hi = _region_bounds(region, cuts)
            body.append(f'<rect class="holds-capture" x="{lo:.1f}" y="{_TOP - 4}" '
                        f'width="{hi - lo:.1f}" height="{height - _TOP}" fill="#f4f4f4" '
                        f'stroke="#555" stroke-dasharray="2 3"/>')
    for i, m in enumerate(timeline.markers):
        x = _x(m.epoch, cuts)
        label = m.label[:10] if m.label[:4].isdigit() else m.label
        body.append(f'<g class="marker"><title>{escape(m.label)}: {escape(m.iso)}; compared '
                    f"with {escape(', '.join(m.facts))} by {escape(', '.join(m.readings))}"
                    f'</title><line x1="{x:.1f}" x2="{x:.1f}" y1="{14 + 14 * (i % 2)}" '
                    f'y2="{height - 6}" stroke="#1b1b1b" stroke-dasharray="4 3"/>'
                    + _text(x + 3, 12 + 14 * (i % 2) + 10, label, size=10) + "</g>")
    for i, span in enumerate(timeline.spans):
        y = spans_y + i * _ROW
        who = f" ({', '.join(span.claimed_by)})" if span.claimed_by else ""
        body.append(_text(_LEFT - 6, y + 14, span.label + who, anchor="end"))
        lo, hi = _x(span.lo, cuts), _x(span.hi, cuts)
        if hi - lo < 4:
            mid = (lo + hi) / 2
            body.append(f'<path class="span" d="M{mid:.1f} {y + 4} l6 6 l-6 6 l-6 -6 z" '
                        f'fill="#1b1b1b"/>')
        else:
            body.append(f'<rect class="span" x="{lo:.1f}" y="{y + 5}" width="{hi - lo:.1f}" '
                        f'height="12" fill="#1b1b1b" rx="2"/>')
        body.append(_text(hi + 8, y + 14, span.written, size=10))
    body += _answer_rows(timeline, cuts, answers_y, readings)
    desc = (f"Times of case {timeline.case_id}: "
            + "; ".join(f"{s.label} {s.written}" for s in timeline.spans)
            + ". Instants the rules compare with: "
            + "; ".join(f"{m.label} ({m.iso})" for m in timeline.markers) + ".")
    if timeline.proceedings:
        desc += f" Proceedings (no date in the case file): {timeline.proceedings}."
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{_W}" height="{height}" '
           f'viewBox="0 0 {_W} {height}" aria-labelledby="tl-{escape(timeline.case_id)}-t '
           f'tl-{escape(timeline.case_id)}-d" font-family="system-ui, sans-serif">'
           f'<title id="tl-{escape(timeline.case_id)}-t">Timeline</title>'
           f'<desc id="tl-{escape(timeline.case_id)}-d">{escape(desc)}</desc>'
           + "".join(body) + "</svg>")
    first, last = iso_utc(cuts[0])[:10], iso_utc(cuts[-1])[:10]
    caption = (f"The case's times (black; a diamond is a point or a short time) against the "
               f"instants the readings' rules compare times with (dashed lines), {first} to "
               f"{last}. Each stretch between two instants has the same width, whatever its "
               f"length. Below, what each reading would answer (status, point 8, release) were "
               f"the capture in that stretch; the dotted box holds the case's capture time. A "
               f"shaded outline marks a stretch where the readings differ."
               + (f" Proceedings (the case file gives them no date): {timeline.proceedings}."
                  if timeline.proceedings else ""))
    return (f'<figure class="timeline" data-case="{escape(timeline.case_id)}">{svg}'
            f"<figcaption class=\"note\">{escape(caption)}</figcaption></figure>")
