"""Rubric versions: load a version's data into tables, freeze it, import a sheet from a spreadsheet.

Every load is validated first and applied in one transaction: a file with any error loads nothing. Loading
the same content again changes nothing (the fingerprint matches). A frozen version (one that has been used
for a score) keeps what was used: it only receives sheets for product sets that have none and were never
scored under it (`freeze.py`); any other correction is a new version with a new code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, has_capability
from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Forbidden, Invalid

from .. import models as m
from .. import schema
from ..freeze import added_fields, added_sheets, frozen_changes
from ..issues import Issue, RubricFileInvalid, errors_only
from ..loader import parse_version, read_version_file
from ..sheet_import import SheetImport, merge_sheet, sheet_from_rows
from ..tables import read_rows

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class LoadResult:
    code: str
    outcome: str
    source: str


def json_document(data: Any) -> Any:
    """The document as JSON values (dates become ISO text), as stored and as hashed."""
    return json.loads(json.dumps(data, default=str, ensure_ascii=False))


def data_files(directory: Path = DATA_DIR) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def rubric_versions_load(*, actor, paths: Sequence[Path] | None = None) -> list[LoadResult]:
    """Load version files (all shipped ones by default), all or nothing: every file is checked first."""
    paths = list(paths) if paths is not None else data_files()
    parsed: list[tuple[schema.RubricVersion, dict, str]] = []
    issues: list[Issue] = []
    for path in paths:
        try:
            data = json_document(read_version_file(path))
            parsed.append((parse_version(data, source=path.name), data, path.name))
        except RubricFileInvalid as invalid:
            issues += invalid.issues
    if issues:
        raise RubricFileInvalid(issues)
    with transaction.atomic():
        return [_load(actor=actor, version=v, document=d, source=s) for v, d, s in parsed]


def rubric_version_load(*, actor, data: dict[str, Any], source: str = "") -> LoadResult:
    """Load one version document (from a file or built by the sheet import)."""
    document = json_document(data)
    version = parse_version(document, source=source)
    with transaction.atomic():
        return _load(actor=actor, version=version, document=document, source=source)


def _load(*, actor, version: schema.RubricVersion, document: dict, source: str) -> LoadResult:
    row = m.RubricVersion.objects.select_for_update().filter(code=version.code).first()
    content = m.RubricVersionContent.objects.filter(version=row).first() if row else None
    if content is not None and content.fingerprint == version.fingerprint:
        return LoadResult(version.code, UNCHANGED, source)
    if row is not None and row.frozen:
        return _load_into_frozen(actor=actor, row=row, version=version, document=document, source=source)
    outcome = CREATED if row is None else UPDATED
    if row is None:
        row = m.RubricVersion(code=version.code)
    row.title = version.title
    row.decision = version.decision.number
    row.effective_from = version.effective_from
    row.effective_until = version.effective_until
    row.save()
    m.RubricVersionContent.objects.update_or_create(
        version=row, defaults={"fingerprint": version.fingerprint, "document": document, "source": source}
    )
    _loaded_changed()
    _store_tables(row, version)
    record_event(
        actor=actor,
        action=f"rubric_version.{outcome}",
        target=row,
        data={"fingerprint": version.fingerprint, "source": source, "sheets": sorted(version.sheets)},
    )
    return LoadResult(version.code, outcome, source)


def _load_into_frozen(
    *, actor, row: m.RubricVersion, version: schema.RubricVersion, document: dict, source: str
) -> LoadResult:
    """A frozen version receives only sheets for sets that have none and were never scored (see `freeze`);
    any other change is refused with each change named, and nothing is written."""
    from ..selectors import scored_product_sets

    content = m.RubricVersionContent.objects.get(version=row)
    place = (("file", source),) if source else ()
    issues = frozen_changes(content.document, document, version=version.code, scored=scored_product_sets(row))
    if issues:
        raise RubricFileInvalid(
            [Issue("version_frozen", place, {"version": version.code})]
            + [Issue(i.code, place + i.place, i.params) for i in issues]
        )
    added = added_sheets(content.document, document)
    gained = added_fields(content.document, document)
    content.fingerprint, content.document, content.source = version.fingerprint, document, source
    content.save(update_fields=["fingerprint", "document", "source"])
    _loaded_changed()
    parts = {p.code: p for p in m.Part.objects.filter(version=row)}
    sets = {p.code: p for p in m.ProductSet.objects.filter(version=row)}
    for code in added:
        _store_sheet(row, sets[code], parts, version.sheets[code])
    record_event(
        actor=actor,
        action=f"rubric_version.{UPDATED}",
        target=row,
        data={
            "fingerprint": version.fingerprint,
            "source": source,
            "added_sheets": added,
            "added_fields": gained,
            "frozen": True,
        },
    )
    return LoadResult(version.code, UPDATED, source)


def _loaded_changed() -> None:
    """Readers follow the new content now (this transaction) and again once it is committed (every process)."""
    from ..selectors import loaded_changed

    loaded_changed()
    transaction.on_commit(loaded_changed)


def _store_tables(row: m.RubricVersion, version: schema.RubricVersion) -> None:
    """Rewrite the version's tables from the parsed version; product sets keep their ids (products use them)."""
    m.Sheet.objects.filter(version=row).delete()
    m.Part.objects.filter(version=row).delete()
    m.StarBand.objects.filter(version=row).delete()
    m.DutyPeriod.objects.filter(version=row).delete()

    nodes: dict[str, m.TaxonNode] = {}
    for position, node in enumerate(version.nodes):
        nodes[node.code], _created = m.TaxonNode.objects.update_or_create(
            version=row,
            code=node.code,
            defaults={
                "name": node.name,
                "level": m.TaxonLevel.GROUP if node.depth == 0 else m.TaxonLevel.SUBGROUP,
                "parent": nodes.get(node.parent) if node.parent else None,
                "position": position,
                "note": node.note,
            },
        )
    parent_of = {n.code: n.parent for n in version.nodes}
    sets: dict[str, m.ProductSet] = {}
    for position, product_set in enumerate(version.product_sets):
        taxon = nodes[product_set.node]
        top_code = product_set.node
        while parent_of.get(top_code):
            top_code = parent_of[top_code] or top_code
        top = nodes[top_code]
        sets[product_set.code], _created = m.ProductSet.objects.update_or_create(
            version=row,
            code=product_set.code,
            defaults={
                "name": product_set.name,
                "group": top,
                "subgroup": taxon if taxon is not top else None,
                "position": position,
                "ministry": product_set.ministry,
                "note": product_set.note,
            },
        )
    try:
        m.ProductSet.objects.filter(version=row).exclude(code__in=sets).delete()
        for unused in sorted(
            m.TaxonNode.objects.filter(version=row).exclude(code__in=nodes),
            key=lambda n: n.level,
            reverse=True,
        ):
            unused.delete()
    except ProtectedError as in_use:
        raise Conflict(
            _("Không thể bỏ bộ sản phẩm hoặc nhóm đang được sản phẩm sử dụng."), code="product_set_in_use"
        ) from in_use

    parts = {
        p.code: m.Part.objects.create(
            version=row, code=p.code, name=p.name, max_points=p.max_points, position=i
        )
        for i, p in enumerate(version.parts)
    }
    m.StarBand.objects.bulk_create(
        m.StarBand(
            version=row, stars=b.stars, lower=b.lower, upper=b.upper, recognised=b.recognised, label=b.label
        )
        for b in version.bands
    )
    for period in version.duties:
        period_row = m.DutyPeriod.objects.create(
            version=row, start=period.start, end=period.end, decision=period.decision, note=period.note
        )
        m.LevelDuty.objects.bulk_create(
            m.LevelDuty(
                period=period_row,
                level=d.level,
                tasks=d.tasks,
                scores=d.scores,
                recognises=list(d.recognises),
                caps_higher_stars=d.caps_higher_stars,
                forwards_to=d.forwards_to or "",
                forwards_min_total=d.forwards_min_total,
                assesses=list(d.assesses),
                position=i,
            )
            for i, d in enumerate(period.levels)
        )
    for sheet in version.sheets.values():
        _store_sheet(row, sets[sheet.product_set], parts, sheet)


def _store_sheet(
    row: m.RubricVersion, product_set: m.ProductSet, parts: dict[str, m.Part], sheet: schema.Sheet
) -> None:
    sheet_row = m.Sheet.objects.create(
        version=row, product_set=product_set, source=sheet.source, note=sheet.note
    )
    groups = {
        g.code: m.CriterionGroup.objects.create(
            sheet=sheet_row, part=parts[g.part], code=g.code, name=g.name, position=i
        )
        for i, g in enumerate(sheet.groups)
    }
    criteria: dict[str, m.Criterion] = {}
    for position, criterion in enumerate(sheet.criteria):
        condition = criterion.applies_when
        criteria[criterion.code] = criterion_row = m.Criterion.objects.create(
            sheet=sheet_row,
            group=groups[criterion.group],
            part=parts[criterion.part],
            code=criterion.code,
            name=criterion.name,
            max_points=criterion.max_points,
            note=criterion.note,
            bonus=criterion.bonus,
            applies_when=criteria[condition.criterion] if condition else None,
            applies_min_points=condition.min_points if condition else None,
            position=position,
        )
        option_position = 0
        for set_position, alternative in enumerate(criterion.alternatives):
            option_set = m.OptionSet.objects.create(
                criterion=criterion_row,
                code=alternative.code,
                label=alternative.label,
                applies_to=alternative.applies_to,
                legal_forms=list(alternative.legal_forms),
                position=set_position,
            )
            for option in alternative.options:
                m.Option.objects.create(
                    criterion=criterion_row,
                    option_set=option_set,
                    code=option.code,
                    text=option.text,
                    points=option.points,
                    position=option_position,
                )
                option_position += 1
        m.Gate.objects.bulk_create(
            m.Gate(criterion=criterion_row, code=g.code, kind=g.kind, text=g.text) for g in criterion.gates
        )
    m.MandatoryCriterion.objects.bulk_create(
        m.MandatoryCriterion(
            sheet=sheet_row,
            stars=r.stars,
            criterion=criteria[r.criterion] if r.criterion else None,
            part=parts[r.part] if r.part else None,
            min_points=r.min_points,
            text=r.text,
        )
        for r in sheet.requirements
    )


@transaction.atomic
def rubric_version_freeze(*, actor, version: m.RubricVersion, reason: str) -> m.RubricVersion:
    """Freeze a version once a score was given under it (the evaluation app calls this with the first score)."""
    row = m.RubricVersion.objects.select_for_update().get(pk=version.pk)
    if row.frozen:
        return row
    row.frozen = True
    row.save(update_fields=["frozen"])
    m.RubricVersionContent.objects.filter(version=row).update(
        frozen_at=timezone.now(), frozen_reason=reason[:300]
    )
    record_event(actor=actor, action="rubric_version.freeze", target=row, reason=reason)
    return row


def _require_rubric_manager(actor) -> None:
    if not has_capability(actor, Capability.MANAGE_RUBRICS):
        raise Forbidden(
            _("Chỉ cán bộ Trung ương quản lý bộ tiêu chí mới được nhập phiếu đánh giá."), code="forbidden"
        )


def rubric_sheet_import_preview(
    *, actor, version: m.RubricVersion, product_set: str, content: bytes, filename: str = ""
) -> SheetImport:
    """Read a sheet from XLSX/CSV and check it against the version, without writing anything."""
    _require_rubric_manager(actor)
    from ..selectors import engine_version

    engine = engine_version(version.code)
    try:
        rows = read_rows(content, filename)
    except RubricFileInvalid as unreadable:
        return SheetImport(product_set, None, None, unreadable.issues)
    result = sheet_from_rows(rows, version=engine, product_set=product_set, source=filename)
    existing = engine.sheet(product_set)
    if (
        existing is not None and not version.frozen
    ):  # e.g. the shipped 2023 fresh-produce sheet: say so before it is replaced
        result.issues.insert(
            0,
            Issue(
                "sheet_replaces",
                (("product_set", product_set),),
                {"source": existing.source or "—"},
                severity="warning",
            ),
        )
    if version.frozen:
        refusals = _frozen_refusals(version, product_set, result.data)
        if refusals:
            result.issues[:0] = refusals
            result.sheet = None
        elif (
            result.data is not None
        ):  # say what confirming does to a version in force, so the officer is not surprised either way
            result.issues.insert(
                0,
                Issue("frozen_sheet_added", (), {"version": version.code, "set": product_set}, "warning"),
            )
    return result


def _frozen_refusals(version: m.RubricVersion, product_set: str, sheet_data: dict | None) -> list[Issue]:
    """Why a sheet for `product_set` cannot go into the frozen version (empty: it can)."""
    from ..selectors import scored_product_sets

    document = m.RubricVersionContent.objects.get(version=version).document
    scored = scored_product_sets(version)
    if sheet_data is None:  # the file did not read as a sheet: still say whether the set could take one
        sheet_data = {"product_set": product_set}
    issues = frozen_changes(document, merge_sheet(document, sheet_data), version=version.code, scored=scored)
    return [Issue("version_frozen", (), {"version": version.code}), *issues] if issues else []


def rubric_sheet_import_apply(
    *, actor, version: m.RubricVersion, product_set: str, content: bytes, filename: str = ""
) -> LoadResult:
    """Import the sheet into the version: all or nothing, refused with every error listed."""
    result = rubric_sheet_import_preview(
        actor=actor, version=version, product_set=product_set, content=content, filename=filename
    )
    if not result.ok or result.data is None:
        raise RubricFileInvalid(errors_only(result.issues) or [Issue("empty_sheet_file")])
    with transaction.atomic():  # the import and its event, together or not at all
        document = m.RubricVersionContent.objects.get(version=version).document
        outcome = rubric_version_load(
            actor=actor, data=merge_sheet(document, result.data), source=filename or "import"
        )
        record_event(
            actor=actor,
            action="rubric_sheet.import",
            target=version,
            data={"product_set": product_set, "rows": result.rows_read, "file": filename},
        )
    return outcome


def invalid_from(error: RubricFileInvalid, lang: str) -> Invalid:
    """A domain error for pages and the API: the first problem as the message, all of them as details."""
    first = error.issues[0] if error.issues else Issue("invalid")
    return Invalid(first.describe(lang), code=first.code, details=[i.as_dict(lang) for i in error.issues])


def issues_text(issues: Iterable[Issue], lang: str = "vi") -> list[str]:
    return [issue.describe(lang) for issue in issues]
