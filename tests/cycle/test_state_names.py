"""States the code names are checked against the data file at start-up (issue 14, item 3).

A renamed state in routing.yaml used to leave every bare "accepted" in the code matching nothing, silently. Now
the code names states through `ocop.cycle.states`, and a name the data lacks stops the start with a message
that says which state of which table is missing.
"""

from __future__ import annotations

import pytest
import yaml
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from ocop.cycle import states, workflow
from ocop.cycle.workflow import ROUTING_FILE, parse_routing


def _data() -> dict:
    return yaml.safe_load(ROUTING_FILE.read_text(encoding="utf-8"))


def _renamed(data: dict, flow: str, old: str, new: str) -> dict:
    """The data with state `old` of `flow` renamed `new` everywhere (a consistent edit of the file)."""
    table = data["workflows"][flow]
    for state in table["states"]:
        if state["code"] == old:
            state["code"] = new
    for move in table["transitions"]:
        move["from"] = [new if code == old else code for code in move["from"]]
        if move["to"] == old:
            move["to"] = new
    return data


@pytest.fixture
def routing_file(tmp_path, monkeypatch):
    """Point the loader at a file of the test's own, and forget the loaded table before and after."""
    path = tmp_path / "routing.yaml"
    monkeypatch.setattr(workflow, "ROUTING_FILE", path)
    workflow.routing.cache_clear()
    yield path
    workflow.routing.cache_clear()


def test_the_names_the_code_uses_are_states_of_the_data():
    states.verify()  # the shipped file
    assert states.DOSSIER.accepted in {s.code for s in workflow.workflow("dossier").states}
    assert states.IDEA.withdrawn in {s.code for s in workflow.workflow("idea").states}


def test_a_table_lacking_a_state_the_code_uses_is_refused_with_the_names():
    # The file itself is consistent (parse_routing accepts it): only the code's names are missing.
    table = parse_routing(
        _renamed(_renamed(_data(), "dossier", "accepted", "admitted"), "idea", "withdrawn", "gone")
    )
    assert "admitted" in {s.code for s in table.workflow("dossier").states}

    with pytest.raises(ImproperlyConfigured) as refused:
        states.verify(table)

    text = str(refused.value)
    assert "dossier: the code uses the state «accepted»" in text
    assert "idea: the code uses the state «withdrawn»" in text
    assert "«returned»" not in text  # only what is missing is listed


def test_the_start_stops_when_the_data_file_renames_a_state_the_code_uses(routing_file):
    routing_file.write_text(
        yaml.safe_dump(_renamed(_data(), "plan", "submitted", "sent"), allow_unicode=True), encoding="utf-8"
    )

    with pytest.raises(ImproperlyConfigured, match="plan: the code uses the state «submitted»"):
        apps.get_app_config("cycle").ready()


def test_the_start_goes_on_with_the_shipped_data_file(routing_file):
    routing_file.write_text(ROUTING_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    states.verify()
