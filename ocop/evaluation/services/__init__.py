"""Every write of the evaluation, one module per lifecycle:

- `rounds`: a round created, advanced (preparing → scoring → closed), dossiers gathered into it;
- `council`: the council set up, its members, conflicts of interest and assignments;
- `sheets`: a member's digital score sheet, saved and submitted;
- `paper`: a paper score sheet (part totals and the scan), by the member or the secretary for them;
- `results`: the council's result computed, concluded, proposed upward and recognised;
- `self_assessment`: the producer's self-assessment on the sheet, and the help team's check of its claims.

Each function is one action in one transaction: it asks `ocop.evaluation.policies.refusal_for`, writes, and
records an audit event. Reads are in `ocop.evaluation.selectors`. Callers import from here
(`from ocop.evaluation import services`); the names below are the whole public surface.
"""

from ocop.evaluation.services.council import (
    assignment_create,
    assignments_create_all,
    conflict_declare,
    council_set_up,
    member_add,
)
from ocop.evaluation.services.paper import paper_parts, sheet_paper_save, sheet_paper_submit
from ocop.evaluation.services.results import (
    council_conclude,
    council_result_compute,
    round_dossier_mark_recognised,
    round_dossier_propose_upward,
)
from ocop.evaluation.services.rounds import round_advance, round_create, round_dossier_add
from ocop.evaluation.services.self_assessment import (
    precheck_record,
    self_assessment_save,
    self_assessment_submit,
)
from ocop.evaluation.services.sheets import sheet_save_draft, sheet_submit

__all__ = [
    "assignments_create_all",
    "assignment_create",
    "conflict_declare",
    "council_conclude",
    "council_result_compute",
    "council_set_up",
    "round_dossier_mark_recognised",
    "member_add",
    "paper_parts",
    "precheck_record",
    "round_dossier_propose_upward",
    "round_advance",
    "round_create",
    "round_dossier_add",
    "self_assessment_save",
    "self_assessment_submit",
    "sheet_paper_save",
    "sheet_paper_submit",
    "sheet_save_draft",
    "sheet_submit",
]
