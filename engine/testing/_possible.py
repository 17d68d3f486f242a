"""Drawn values of a generated case made possible: nothing that breaks a case constraint."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta, timezone, tzinfo
from typing import Any

from engine.cases.constraints import ordered
from engine.cases.timeval import Interval, TimeRange, parse_time_text, parse_zone, to_interval

#: Zones a generated case's local times are checked in (the rules' default among them): its
#: times must keep the order of :mod:`engine.cases.constraints` whichever zone reads them.
_CHECK_ZONES = tuple(timezone(timedelta(hours=h)) for h in (-12, 0, 4, 14))


def _interval(value: Any, zone: tzinfo) -> Interval | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return to_interval(TimeRange(parse_time_text(str(value["from"])),
                                     parse_time_text(str(value["to"]))), zone)
    return to_interval(parse_time_text(str(value)), zone)


def _in_order(times: Sequence[Any], own_zone: str | None) -> bool:
    zones = (parse_zone(own_zone),) if own_zone else _CHECK_ZONES
    return all(ordered(_interval(t, z) for t in times) for z in zones)


def possible_values(v: Mapping[str, Any]) -> dict[str, Any]:
    """The drawn values with what would break a case constraint left out (a sentence or a
    sentence served without conviction; an entry after the capture, a release before it), so
    that no impossible case is generated; by construction, not by filtering."""
    out = dict(v)
    stage = (v["proceedings"] or {}).get("stage", "none")
    if stage != "convicted":
        if v["proceedings"] is not None:
            out["proceedings"] = {k: x for k, x in v["proceedings"].items()
                                  if k != "sentence_years"}
        if v["release"] is not None and v["release"].get("mechanism") == "sentence_served":
            out["release"] = {k: x for k, x in v["release"].items() if k != "mechanism"}
    if not _in_order([v["entry"], v["capture_time"]], v["timezone"]):
        out["entry"] = None
    released = (out["release"] or {}).get("time")
    if not _in_order([out["entry"], v["capture_time"], released], v["timezone"]):
        out["release"] = {k: x for k, x in out["release"].items() if k != "time"}
    return out


_TIME_ORDER = ("entry.time", "capture.time", "release.time")


def _get(data: Mapping[str, Any], path: str) -> Any:
    block, name = path.split(".")
    inner = data.get(block)
    return inner.get(name) if isinstance(inner, Mapping) else None


def claim_check(data: Mapping[str, Any], path: str) -> Callable[[Any], bool] | None:
    """Which values a claim on ``path`` of the case ``data`` may state instead of its value
    (None: none), so that every account of the case is possible; of its times only one, the
    capture time if it has one, is claimed otherwise."""
    stage = (data.get("proceedings") or {}).get("stage", "none")
    if path == "release.mechanism" and stage != "convicted":
        return lambda m: bool(m != "sentence_served")
    if path not in _TIME_ORDER:
        return lambda _: True
    # Two times claimed otherwise could break the order together: one time varies.
    timed = [p for p in _TIME_ORDER if _get(data, p) is not None]
    if path != ("capture.time" if "capture.time" in timed else timed[0]):
        return None
    zone = (data.get("capture") or {}).get("timezone")
    return lambda value: _in_order([value if p == path else _get(data, p)
                                    for p in _TIME_ORDER], zone)
