"""The page's routes over HTTP (FastAPI's test client): forms in, HTML out, errors located."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from engine.base.frozen import FrozenDict
from engine.interfaces import _web as web
from engine.interfaces._web import MAX_BODY, case_from_form
from engine.present.html import FormValues
from tests.pageserver import get, post, serve_page


@pytest.fixture(scope="module")
def client() -> Iterator[str]:
    with serve_page() as url:
        yield url


def _form(**values: Any) -> FormValues:
    return FormValues(FrozenDict({k.replace("__", "."): v if isinstance(v, tuple) else (v,)
                                  for k, v in values.items()}))


def test_the_form_becomes_a_case_file() -> None:
    data, problems = case_from_form(_form(
        id="x", detaining_party="AZ", detainee__affiliation="armed_forces",
        detainee__side="AM", capture__time="2020-11-21", **{"capture.time.to": "2020-11-30"},
        proceedings__stage="convicted", proceedings__charges=("terrorism", "murder"),
        proceedings__sentence_years="6", **{"claim.0.fact": "entry.time",
                                            "claim.0.value": "2020-11-01 to 2020-11-05",
                                            "claim.0.asserted_by": "AZ",
                                            "claim.0.source": "a statement"}))
    assert problems == []
    assert data == {
        "id": "x", "detaining_party": "AZ",
        "detainee": {"affiliation": "armed_forces", "side": "AM"},
        "capture": {"time": {"from": "2020-11-21", "to": "2020-11-30"}},
        "proceedings": {"stage": "convicted", "charges": ["terrorism", "murder"],
                        "sentence_years": 6},
        "entry": {"time": [{"value": {"from": "2020-11-01", "to": "2020-11-05"},
                            "asserted_by": "AZ", "source": "a statement"}]}}


@pytest.mark.parametrize(("values", "message"), [
    ({"capture__time": "2020-12-13", "claim.0.fact": "capture.time", "claim.0.value": "2020",
      "claim.0.asserted_by": "AM", "claim.0.source": "s"},
     "capture.time: give either a value or claims, not both"),
    ({"claim.1.value": "AM"}, "claim 2: choose the fact it is about"),
    ({"proceedings__charges": ("murder",)},
     "proceedings: choose a stage for the charges or sentence given"),
])
def test_what_no_case_file_can_say_is_refused(values: dict[str, Any], message: str) -> None:
    _, problems = case_from_form(_form(id="x", **values))
    assert problems == [message]


def test_get_shows_both_forms(client: str) -> None:
    status, page = get(client + "/")
    assert status == 200
    assert 'action="/case"' in page and 'action="/file"' in page
    for value in ("foreign_fighter", "observation_post", "sentence_served", "war_crime"):
        assert f'value="{value}"' in page


def test_a_form_error_is_located_in_the_case_file_it_made(client: str) -> None:
    status, text = post(client + "/case", {"id": "x", "detaining_party": "ARM",
                                           "detainee.affiliation": "armed_forces",
                                           "detainee.side": "AM"}, urlencoded=True)
    assert status == 422
    assert 'data-line="2"' in text and "form:2:" in text
    assert "&#39;AM&#39;" in text  # the suggestion


def test_an_uploaded_file_is_named_in_its_errors(client: str) -> None:
    status, text = post(client + "/file", {"text": ""},
                        files={"file": ("mine.yaml", b"id: [unclosed\n")})
    assert status == 422
    assert "mine.yaml:" in text


def test_nothing_given_and_too_much_given(client: str) -> None:
    status, text = post(client + "/file", {"text": "  "})
    assert status == 422
    assert "paste a case file or choose one to upload" in text
    status, text = post(client + "/file", {"text": "#" * (MAX_BODY + 1)})
    assert status == 413
    assert "KiB" in text


def test_too_many_cases_are_refused_past_the_cap(client: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # The server runs in this process: a lower cap keeps the test fast (each case shown is
    # evaluated, compared and drawn).
    monkeypatch.setattr(web, "MAX_CASES", 2)
    case = ("- {{id: c{i}, detaining_party: AZ, detainee: {{affiliation: civilian, side: AM}}, "
            "capture: {{}}}}\n")
    status, text = post(client + "/file",
                        {"text": "".join(case.format(i=i) for i in range(3))})
    assert status == 200
    assert "the page shows at most 2 cases" in text
    assert text.count('<table class="matrix"') == 2
