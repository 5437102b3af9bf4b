"""The council's explanation of its result: stored as facts, put into sentences when it is read.

An officer computes the result once; many people read it, each in their own language. So what is stored on
the round dossier (`RoundDossier.explanation_facts`) is language-neutral: numbers, codes, the rubric's own
names, and `notes`, the sentences to say as codes with their parameters. `lines(facts)` says them with
gettext in the active language (numbers in the reader's decimal style), and `RoundDossier.explanation` is the
facts with those `lines`. A row stored before the notes were (its `lines` are sentences in the language of
the officer who computed it) is read as it was stored: it has no notes to say again.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ocop.evaluation import rules
from ocop.evaluation.models import SheetMode


def facts(
    version,
    council_score,
    recognition,
    evaluation_round,
    names: dict[str, str],
    *,
    paper: bool,
    not_counted: list,
) -> dict[str, Any]:
    """What the result rests on, and the notes that explain it, with no sentence in any language."""
    level_names = {lv.code: lv.name for lv in version.levels}
    duty = recognition.period.duty(evaluation_round.level)
    notes: list[dict[str, Any]] = [
        {
            "code": "mean",
            "count": len(council_score.member_totals),
            "total": rules.plain(council_score.total),
            "decimals": version.aggregation.decimals,
        }
    ]
    if not_counted:
        notes.append({"code": "not_counted", "names": [str(member.user) for member in not_counted]})
    notes.append({"code": "band", "stars": council_score.band.stars, "label": council_score.band.label})
    for gate, count in council_score.gates_fired:
        notes.append({"code": "gate", "text": gate.text, "count": count})
    for unmet in council_score.unmet:
        requirement = unmet.requirement
        notes.append(
            {
                "code": "unmet",
                "stars": requirement.stars,
                "what": requirement.text or requirement.criterion or requirement.part or "",
                "need": rules.plain(requirement.min_points),
                "got": rules.plain(unmet.actual),
            }
        )
    if recognition.recognised_stars:
        notes.append(
            {
                "code": "recognised",
                "level": level_names.get(evaluation_round.level, evaluation_round.level),
                "stars": recognition.recognised_stars,
                "decision": recognition.period.decision,
            }
        )
    else:
        notes.append({"code": "not_recognised"})
    if paper:
        notes.append({"code": "paper"})
    if recognition.forward_to:
        notes.append(
            {
                "code": "forward",
                "level": level_names.get(recognition.forward_to, recognition.forward_to),
                "stars": recognition.proposed_stars or council_score.eligible_stars or "",
            }
        )
    return {
        "total": rules.plain(council_score.total),
        "member_totals": [rules.plain(t) for t in council_score.member_totals],
        "parts": {code: rules.plain(points) for code, points in council_score.parts.items()},
        "band": {"stars": council_score.band.stars, "label": council_score.band.label},
        "eligible_stars": council_score.eligible_stars,
        "recognised_stars": recognition.recognised_stars,
        "forward_to": recognition.forward_to,
        "forward_to_name": level_names.get(recognition.forward_to or "", ""),
        "proposed_stars": recognition.proposed_stars,
        "gates": [{"code": g.code, "text": g.text, "members": n} for g, n in council_score.gates_fired],
        "unmet": [
            {
                "stars": u.requirement.stars,
                "criterion": u.requirement.criterion,
                "part": u.requirement.part,
                "min_points": rules.plain(u.requirement.min_points),
                "actual": rules.plain(u.actual),
                "text": u.requirement.text,
            }
            for u in council_score.unmet
        ],
        "next_star": (
            {
                "stars": council_score.next_star.stars,
                "points_needed": rules.plain(council_score.next_star.points_needed),
            }
            if council_score.next_star
            else None
        ),
        "duty": {
            "decision": recognition.period.decision,
            "level": evaluation_round.level,
            "tasks": duty.tasks if duty else "",
        },
        "on": evaluation_round.held_on.isoformat(),
        "notes": notes,
        "criteria": names,
        "mode": SheetMode.PAPER if paper else SheetMode.DIGITAL,
        "not_counted": [member.user.username for member in not_counted],
    }


def _say(note: Mapping[str, Any]) -> str | None:
    code = note.get("code")
    if code == "mean":
        return _(
            "Điểm trung bình của %(count)s phiếu: %(total)s điểm (làm tròn %(decimals)s chữ số thập phân)."
        ) % {
            "count": note["count"],
            "total": number_format(Decimal(note["total"]), decimal_pos=note["decimals"]),
            "decimals": note["decimals"],
        }
    if code == "not_counted":
        return _("Không tính phiếu của %(names)s vì có xung đột lợi ích với hồ sơ.") % {
            "names": ", ".join(note["names"])
        }
    if code == "band":
        return _("Mức điểm thuộc hạng %(stars)s sao: %(label)s.") % {
            "stars": note["stars"],
            "label": note["label"],
        }
    if code == "gate":
        return _(
            "Điều kiện «%(text)s» được %(count)s thành viên xác nhận: sản phẩm không được công nhận."
        ) % {
            "text": note["text"],
            "count": note["count"],
        }
    if code == "unmet":
        return _(
            "Chưa đạt tiêu chí bắt buộc cho hạng %(stars)s sao (%(what)s: cần %(need)s, đạt %(got)s)."
        ) % {
            "stars": note["stars"],
            "what": note["what"],
            "need": note["need"],
            "got": note["got"],
        }
    if code == "recognised":
        return _("%(level)s công nhận %(stars)s sao theo %(decision)s.") % {
            "level": note["level"],
            "stars": note["stars"],
            "decision": note["decision"],
        }
    if code == "not_recognised":
        return _("Sản phẩm không đủ điều kiện công nhận ở cấp này.")
    if code == "paper":
        return _(
            "Hội đồng chấm trên phiếu giấy (bộ sản phẩm chưa có phiếu điện tử): chỉ có tổng điểm từng phần, nên không thể tư vấn theo từng tiêu chí và không kiểm tra được các tiêu chí bắt buộc."
        )
    if code == "forward":
        return _("Đề xuất lên %(level)s xem xét %(stars)s sao.") % {
            "level": note["level"],
            "stars": note["stars"],
        }
    return None  # a note this version does not know says nothing rather than something wrong


def lines(stored: Mapping[str, Any] | None) -> list[str]:
    """The explanation's sentences in the active language; a row from before the notes keeps its own."""
    stored = stored or {}
    notes = stored.get("notes")
    if notes is None:
        return [str(line) for line in stored.get("lines", [])]
    return [sentence for sentence in map(_say, notes) if sentence is not None]


def read(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The stored facts with their `lines` said in the active language."""
    return {**(stored or {}), "lines": lines(stored)}
