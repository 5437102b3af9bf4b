"""Reads of ideas, plans, dossiers, documents and notifications for a user, already confined to what that
user may see: a record out of reach and a missing one both give NotFound."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, active_roles, scope_ids_q
from ocop.core import statements
from ocop.core.errors import NotFound
from ocop.core.listing import COUNT_CAP, CappedCount, Listed, capped_count  # noqa: F401  (the queue's names)
from ocop.cycle.models import BusinessPlan, Document, Dossier, Notification, ProductIdea
from ocop.cycle.readers import readable_q
from ocop.cycle.workflow import PRODUCER, routing, workflow
from ocop.geo import eras
from ocop.geo.models import AdminUnit
from ocop.producers.policies import member_producer_ids

_RELATED = (
    "producer",
    "product",
    "product__product_set",
    "product__product_set__group",
    "product__product_set__version",  # the API names the rubric version of each dossier
    "unit",
)


def _visible_q(user) -> Q:
    """The producer's own records, and the submitted records of the officer's units."""
    own = Q(producer_id__in=member_producer_ids(user))
    officer = scope_ids_q(user, Capability.VIEW_WORK, "unit") & Q(submitted_at__isnull=False)
    return own | officer


def _visible(user, model) -> QuerySet:
    return model.objects.filter(_visible_q(user)).select_related(*_RELATED)


@dataclass(frozen=True, slots=True)
class Waiting:
    """An idea or a plan as an officer's queue page lists it."""

    pk: int
    year: int
    status: str
    product_name: str
    producer_name: str


def waiting_for(user, model, limit: int = 50) -> list[Waiting]:
    """Up to `limit` ideas or plans (`model`) of the officer's units waiting on a level `user` acts for, newest
    first, with the names a queue page lists (year, product, producer): one query, plain values. Scoped as the
    dossiers' queue is: a record the officer may see as a producer's member waits on its own unit's officers."""
    where = (scope_ids_q(user, Capability.CHECK_DOSSIERS, "unit"), waiting_on_q(user, model))
    rows = statements.rows(  # compiled once per reach and levels: the filters are the key
        (waiting_for, model, *where, limit),
        lambda: (
            model.objects.filter(*where)
            .order_by("-year", "-created_at")
            .values_list("id", "year", "status", "product__name", "producer__name")[:limit]
        ),
    )
    return [Waiting(*row) for row in rows]


def ideas_visible_to(user) -> QuerySet[ProductIdea]:
    return _visible(user, ProductIdea).order_by("-year", "-created_at")


def plans_visible_to(user) -> QuerySet[BusinessPlan]:
    return _visible(user, BusinessPlan).select_related("idea").order_by("-year", "-created_at")


def _current_documents() -> Prefetch:
    return Prefetch(
        "documents", queryset=Document.objects.filter(is_current=True), to_attr="current_documents"
    )


def dossiers_visible_to(user, *, related: bool = True) -> QuerySet[Dossier]:
    """Newest change first; `related=False` reads the dossiers alone (a list's ids, `dossier_facts` after)."""
    if not related:
        return Dossier.objects.filter(_visible_q(user)).order_by("-updated_at", "-pk")
    return _visible(user, Dossier).prefetch_related(_current_documents()).order_by("-updated_at", "-pk")


def _get(queryset, pk, message: str, code: str):
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, TypeError, ValueError) as missing:
        raise NotFound(message, code=code) from missing


def idea_get(user, idea_id) -> ProductIdea:
    return _get(ideas_visible_to(user), idea_id, _("Không tìm thấy ý tưởng sản phẩm."), "idea_not_found")


def plan_get(user, plan_id) -> BusinessPlan:
    return _get(
        plans_visible_to(user).prefetch_related("attachments"),
        plan_id,
        _("Không tìm thấy phương án."),
        "plan_not_found",
    )


def dossier_get(user, dossier_id) -> Dossier:
    return _get(dossiers_visible_to(user), dossier_id, _("Không tìm thấy hồ sơ."), "dossier_not_found")


def document_get(user, dossier_id, document_id, *, readers: bool = False) -> Document:
    """A document (any revision) of a dossier the user may see. With `readers` (the download page), a
    registered read-only reader (a council member assigned the dossier, `readers.py`) gets its current
    documents too; the API keeps to the producer and the officers."""
    documents = Document.objects.select_related("dossier", "uploaded_by")
    try:
        dossier = dossier_get(user, dossier_id)
    except NotFound:
        if not readers:
            raise
        dossier = _get(
            Dossier.objects.filter(readable_q(user)),
            dossier_id,
            _("Không tìm thấy hồ sơ."),
            "dossier_not_found",
        )
        documents = documents.filter(is_current=True)
    return _get(
        documents.filter(dossier=dossier), document_id, _("Không tìm thấy tệp."), "document_not_found"
    )


def plan_attachment_get(user, plan_id, attachment_id):
    plan = plan_get(user, plan_id)
    return _get(plan.attachments.all(), attachment_id, _("Không tìm thấy tệp."), "document_not_found")


def current_documents(dossier: Dossier) -> list[Document]:
    prefetched = getattr(dossier, "current_documents", None)
    if prefetched is not None:
        return prefetched
    return list(dossier.documents.filter(is_current=True))


def checklist_status(dossier: Dossier) -> list[dict]:
    """The dossier's checklist with, for each item, whether a current document is there."""
    by_item = {doc.item: doc for doc in current_documents(dossier)}
    rows = []
    for entry in dossier.checklist:
        document = by_item.get(entry["item"])
        rows.append({**entry, "done": document is not None, "document": document})
    return rows


def missing_items(dossier: Dossier) -> list[dict]:
    return [row for row in checklist_status(dossier) if row["required"] and not row["done"]]


@dataclass(frozen=True)
class Deadline:
    due_on: date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def text(self) -> str:
        if self.days_left > 0:
            return _("còn %(days)s ngày") % {"days": self.days_left}
        if self.days_left == 0:
            return _("hết hạn hôm nay")
        return _("quá hạn %(days)s ngày") % {"days": -self.days_left}


def deadline_of(record, today: date | None = None) -> Deadline | None:
    if record.due_on is None:
        return None
    return Deadline(record.due_on, (record.due_on - (today or timezone.localdate())).days)


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    year: int | None = None
    group: str = ""
    overdue: bool = False
    waiting: bool = True  # only what waits on an officer (submitted, checked, forwarded...)
    unit: AdminUnit | None = None  # a unit of today or of its time (`ocop.geo.eras.unit_q`)


def acting_levels(user) -> frozenset[str]:
    """The levels `user` acts for (routing.yaml acting_roles), from their active officer roles."""
    kinds = {role.kind for role in active_roles(user)}
    return frozenset(level for level, acting in routing().acting_roles.items() if kinds & set(acting))


def waiting_on_q(user, model=Dossier) -> Q:
    """Records of `model` held by a level `user` acts for: by the route's receiver or evaluator when the user
    acts at that level, or by a level named in the state table (e.g. central for 5-star proposals).

    Read from the indexed `held_by` column (the holder's level, kept by every save): one index range per unit
    and level, whatever the number of states."""
    levels = sorted(acting_levels(user))
    if not levels:
        return Q(pk__in=[])
    return Q(held_by__in=levels)


def filtered(dossiers: QuerySet[Dossier], *, status: str = "", year: int | None = None, group: str = ""):
    """`dossiers` in a state, of a year, of a product group: each filter only when given."""
    if status:
        dossiers = dossiers.filter(status=status)
    if year:
        dossiers = dossiers.filter(year=year)
    if group:
        dossiers = dossiers.filter(product__product_set__group__code=group)
    return dossiers


def dossier_queue_for(user, filters: QueueFilters) -> QuerySet[Dossier]:
    """An officer's work queue: dossiers of their units, filtered. Scoped first, then filtered."""
    return dossier_queue_listed(user, filters).build()


def dossier_queue_listed(user, filters: QueueFilters) -> Listed:
    """The queue as the page, the API and the home page's count read it: count and page ids by statements kept
    per reach and filters (`listing.Listed`). Its key holds what the SQL follows from: the officer's units, the
    levels they act for, the unit filter as a condition, the filters, and the day when "overdue" reads it."""
    unit_q = eras.unit_q(filters.unit, "unit") if filters.unit is not None else None
    return Listed.of(
        _dossier_queue,
        scope_ids_q(user, Capability.CHECK_DOSSIERS, "unit"),
        waiting_on_q(user) if filters.waiting and not filters.status else None,
        unit_q,
        filters.status,
        filters.year,
        filters.group,
        timezone.localdate() if filters.overdue else None,
    )


def _dossier_queue(
    scope: Q,
    waiting: Q | None,
    unit_q: Q | None,
    status: str,
    year: int | None,
    group: str,
    late_on: date | None,
) -> QuerySet[Dossier]:
    dossiers = Dossier.objects.filter(scope)
    # A record an officer holds was submitted (only the producer holds a draft): the index says it all.
    dossiers = (
        dossiers.filter(waiting) if waiting is not None else dossiers.filter(submitted_at__isnull=False)
    )
    dossiers = filtered(dossiers, status=status, year=year, group=group)
    if unit_q is not None:
        dossiers = dossiers.filter(unit_q)
    if late_on is not None:  # late on the officers' side; a producer late in answering is not the queue's
        held_by_producer = workflow(Dossier.WORKFLOW).codes_held_by(PRODUCER)
        dossiers = dossiers.filter(due_on__lt=late_on).exclude(status__in=held_by_producer)
    # The queue itself reads dossiers only (an index range, the page's ids); the rows a page shows are read
    # by id afterwards (`queue_rows`): with six joins in the queue's query the planners started from the
    # producers or the units and read every dossier.
    return dossiers.order_by("due_on", "pk")


@dataclass(frozen=True, slots=True)
class UnitRef:
    """What who-may-act checks read of a record's unit (`accounts.policies.covers`)."""

    id: int
    era: str
    level: str
    current_province_id: int | None
    current_commune_id: int | None


# The unit's columns of a row read as plain values, in UnitRef's order.
_UNIT_VALUES = (
    "unit_id",
    "unit__era",
    "unit__level",
    "unit__current_province_id",
    "unit__current_commune_id",
)


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A dossier as a queue row shows it, read as plain values, not model objects (building 250 of those
    for a page of 50 cost more than all the page's SQL): the product, its set, the producer's name, the
    state and deadline, and what `policies.refusal_for` reads to say whether the reader may act on it.
    Places are named from `geo.places` by `unit_id`."""

    WORKFLOW: ClassVar[str] = Dossier.WORKFLOW

    pk: int
    status: str
    year: int
    due_on: date | None
    route: dict
    submitted_at: object
    producer_id: int
    producer_name: str
    product_id: int
    product_name: str
    set_code: str
    set_name: str
    unit: UnitRef

    @property
    def unit_id(self) -> int:
        return self.unit.id


_ROW_VALUES = (
    "id",
    "status",
    "year",
    "due_on",
    "route",
    "submitted_at",
    "producer_id",
    "producer__name",
    "product_id",
    "product__name",
    "product__product_set__code",
    "product__product_set__name",
    *_UNIT_VALUES,
)


def queue_rows(ids: list[int]) -> list[QueueRow]:
    """The dossiers `ids` (a page of a queue), in that order, as the rows a queue page shows: one query by
    primary key whatever the queue's length."""
    by_pk = {}
    read = statements.rows_of_ids(  # compiled once per process: the ids are the statement's parameter
        (queue_rows,), lambda where: Dossier.objects.filter(where).values_list(*_ROW_VALUES), "pk", ids
    )
    for values in read:
        (pk, status, year, due_on, route, submitted_at, producer_id, producer_name, product_id) = values[:9]
        product_name, set_code, set_name = values[9:12]
        by_pk[pk] = QueueRow(
            pk=pk,
            status=status,
            year=year,
            due_on=due_on,
            route=route or {},
            submitted_at=submitted_at,
            producer_id=producer_id,
            producer_name=producer_name,
            product_id=product_id,
            product_name=product_name,
            set_code=set_code or "",
            set_name=set_name or "",
            unit=UnitRef(*values[12:]),
        )
    return [by_pk[pk] for pk in ids if pk in by_pk]


@dataclass(frozen=True, slots=True)
class ProducerRef:
    """What the API's body and the guards (`guards.producer_confirmed`) read of a dossier's producer."""

    id: int
    name: str
    status: str


@dataclass(frozen=True, slots=True)
class DossierFacts:
    """A dossier as the API's body shows it (`api.dossier_body`), in plain values. The names are the model's
    wherever the rights and guards read them (`policies.flags`: status, route, producer, unit, submitted_at,
    checklist, current_documents), so they read either. A list builds these from one query by id, not six
    model objects per row (dossier, producer, product, set, version, unit: 4 of a 13 ms API page of 50)."""

    WORKFLOW: ClassVar[str] = Dossier.WORKFLOW

    pk: int
    status: str
    year: int
    application_type: str
    target_stars: int | None
    previous_certificate_id: int | None
    checklist_version: str
    checklist: list
    route: dict
    receiver_assessment: dict
    return_reason: str
    due_on: date | None
    submitted_at: object
    accepted_at: object
    updated_at: object
    version: int
    product_id: int
    product_name: str
    rubric_code: str | None  # the version of the product's set, which the API names
    producer: ProducerRef
    unit: UnitRef
    unit_code: str
    unit_name: str
    current_documents: tuple[Document, ...]

    @property
    def producer_id(self) -> int:
        return self.producer.id

    @property
    def unit_id(self) -> int:
        return self.unit.id

    @classmethod
    def of(cls, dossier: Dossier) -> DossierFacts:
        """The facts of a dossier read as a model (one dossier's page or answer)."""
        product_set = dossier.product.product_set if dossier.product.product_set_id else None
        unit, producer = dossier.unit, dossier.producer
        return cls(
            **{name: getattr(dossier, name) for name in _OWN_VALUES[1:]},
            pk=dossier.pk,
            product_id=dossier.product_id,
            product_name=dossier.product.name,
            rubric_code=product_set.version.code if product_set else None,
            producer=ProducerRef(producer.pk, producer.name, producer.status),
            unit=UnitRef(unit.pk, unit.era, unit.level, unit.current_province_id, unit.current_commune_id),
            unit_code=unit.code,
            unit_name=unit.name,
            current_documents=tuple(current_documents(dossier)),
        )


# DossierFacts' own fields, in its order, as columns; then the related ones.
_OWN_VALUES = (
    "id",
    "status",
    "year",
    "application_type",
    "target_stars",
    "previous_certificate_id",
    "checklist_version",
    "checklist",
    "route",
    "receiver_assessment",
    "return_reason",
    "due_on",
    "submitted_at",
    "accepted_at",
    "updated_at",
    "version",
)
_FACT_VALUES = (
    *_OWN_VALUES,
    "product_id",
    "product__name",
    "product__product_set__version__code",
    "producer_id",
    "producer__name",
    "producer__status",
    *_UNIT_VALUES,
    "unit__code",
    "unit__name",
)


def dossier_facts(ids: list[int]) -> list[DossierFacts]:
    """The dossiers `ids` (a page of a list), in that order, as the API's body reads them: two queries (the
    rows, their current documents) whatever the list's length."""
    documents: dict[int, list[Document]] = {}
    for document in statements.records_of_ids(
        (dossier_facts, Document),
        Document,
        lambda where: Document.objects.filter(where, is_current=True),
        "dossier",
        ids,
    ):
        documents.setdefault(document.dossier_id, []).append(document)
    # Where each part of a row of _FACT_VALUES starts: the producer's three, the unit's, the unit's names.
    related = len(_OWN_VALUES) + 3
    unit = related + 3
    names = unit + len(_UNIT_VALUES)
    by_pk = {}
    read = statements.rows_of_ids(  # compiled once per process: the ids are the statement's parameter
        (dossier_facts,), lambda where: Dossier.objects.filter(where).values_list(*_FACT_VALUES), "pk", ids
    )
    for values in read:
        pk = values[0]
        by_pk[pk] = DossierFacts(
            pk,
            *values[1:related],
            producer=ProducerRef(*values[related:unit]),
            unit=UnitRef(*values[unit:names]),
            unit_code=values[names],
            unit_name=values[names + 1],
            current_documents=tuple(documents.get(pk, ())),
        )
    return [by_pk[pk] for pk in ids if pk in by_pk]


def with_row_related(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """A queue read whole (its download): the related rows joined (places are named by unit id)."""
    return dossiers.select_related("producer", "product__product_set")


def dossiers_of_producer(user, producer_id: int) -> QuerySet[Dossier]:
    return dossiers_visible_to(user).filter(producer_id=producer_id)


def transitions_of(dossier: Dossier):
    return dossier.transitions.select_related("actor").all()


def messages_of(dossier: Dossier):
    return dossier.messages.select_related("author").all()


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def sheet_groups_of(dossier: Dossier) -> list[dict]:
    """The groups and criteria of the dossier's sheet (its rubric version, its product set), to choose the
    criteria a document is evidence for; empty when the version has no digital sheet for the set."""
    from ocop.rubrics import engine
    from ocop.rubrics.issues import ScoringError
    from ocop.rubrics.selectors import engine_version

    try:
        sheet = engine.sheet_for(
            engine_version(dossier.rubric_version.code), dossier.product.product_set.code
        )
    except ScoringError:
        return []
    return [
        {
            "code": group.code,
            "name": group.name,
            "criteria": [{"code": code, "name": sheet.criterion(code).name} for code in group.criteria],
        }
        for group in sheet.groups
    ]
