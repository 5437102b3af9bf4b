"""Searching the catalogue the way Vietnamese buyers type: without diacritics, đ as d, word prefixes, typos.

One entry point, `search_catalog`, for pages and the API. The query is folded in Python (`core.text.fold`)
exactly as the indexed columns were, split into words, and matched by the database's full-text index:
FTS5 on SQLite, a `simple`-configuration `tsvector` on PostgreSQL. Every word must match; the last one also
as a prefix (search as you type). Only when that finds nothing is each unknown word corrected to the
nearest word of the index vocabulary (trigram candidates, then edit distance), and the search run again.
Results are ordered by relevance (the name starts with the query; the name holds every word; the words
stand together somewhere, as in a place name; the rest), then stars, then name. Counts stop at `COUNT_LIMIT`: no exact count(*) over a broad search, and no facet counts either.
"""

# SQL text here is built from constant table and column names only; what the user typed travels as a query
# parameter, and only after fold() and the word pattern left letters and digits of it.
# ruff: noqa: S608, S611

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Case, F, IntegerField, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.utils import timezone

from ocop.catalog import index_sql
from ocop.catalog.models import CatalogEntry, SearchWord
from ocop.core.text import fold
from ocop.rubrics.models import ProductSet

MAX_QUERY_CHARS = 200
MAX_WORDS = 8
MAX_WORD_CHARS = 40
COUNT_LIMIT = 10_000  # counts above this are shown as "more than 10,000"
MAX_OFFSET = COUNT_LIMIT  # deep pages cost a scan; past this, narrow the search instead
CANDIDATES = 40  # vocabulary words fetched per unknown word before edit distance decides
_WORD = re.compile(r"[^\W_]+")
_ENTRY = f'"{index_sql.ENTRY_TABLE}"."product_id"'


def query_words(text: str) -> list[str]:
    """The folded words of a query: no diacritics, đ→d, no punctuation or FTS/SQL syntax survives."""
    words = _WORD.findall(fold(text[:MAX_QUERY_CHARS]))
    return [word[:MAX_WORD_CHARS] for word in words[:MAX_WORDS]]


def vocabulary_words(text: str) -> set[str]:
    """Words worth correcting towards: two letters or more, not bare numbers (producer numbers, years)."""
    return {w[:64] for w in _WORD.findall(text) if len(w) >= 2 and not w.isdigit()}


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, giving up (returning `limit`) once it cannot be below it."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) >= limit:
            return limit
        previous = current
    return min(previous[-1], limit)


def allowed_typos(word: str) -> int:
    return 1 if len(word) <= 5 else 2


# --- the two engines: the same three questions, answered in each database's own dialect -------------


def _prefixable(word: str, words: int) -> bool:
    """The last word is matched as a prefix (the buyer is still typing it), except a lone single letter,
    which would match nearly everything."""
    return len(word) >= 2 or words > 1


Terms = list[list[str]]  # one list per query word: the word itself, or the corrections tried for it


class _SqliteEngine:
    """FTS5 over the folded columns; the vocabulary's trigrams in an FTS5 `trigram` table."""

    @staticmethod
    def _expression(terms: Terms, prefix_last: bool) -> str:
        # Each word is quoted: FTS5 operators (NEAR, AND, column filters, *) can never come from the user.
        parts = []
        for position, alternatives in enumerate(terms):
            quoted = [f'"{word}"' for word in alternatives]
            last = position == len(terms) - 1
            if last and prefix_last and len(alternatives) == 1 and _prefixable(alternatives[0], len(terms)):
                quoted[0] += "*"
            parts.append(quoted[0] if len(quoted) == 1 else f"({' OR '.join(quoted)})")
        return " AND ".join(parts)

    def _in_index(self, expression: str) -> RawSQL:
        return RawSQL(
            f"{_ENTRY} IN (SELECT rowid FROM {index_sql.SQLITE_ENTRY_FTS} "
            f"WHERE {index_sql.SQLITE_ENTRY_FTS} MATCH %s)",
            [expression],
            output_field=BooleanField(),
        )

    def match(self, terms: Terms, prefix_last: bool) -> RawSQL:
        return self._in_index(self._expression(terms, prefix_last))

    def name_match(self, terms: Terms, prefix_last: bool) -> RawSQL:
        return self._in_index(f"name_text : ({self._expression(terms, prefix_last)})")

    def phrase_match(self, words: list[str], prefix_last: bool) -> RawSQL:
        star = "*" if prefix_last and _prefixable(words[-1], len(words)) else ""
        return self._in_index(f'"{" ".join(words)}"{star}')

    def candidates(self, word: str) -> list[str]:
        padded = f"|{word}|"
        trigrams = sorted({padded[i : i + 3] for i in range(len(padded) - 2)})
        expression = " OR ".join(f'"{trigram}"' for trigram in trigrams)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT w.word FROM {index_sql.SQLITE_WORD_FTS} t "
                f"JOIN {index_sql.WORD_TABLE} w ON w.id = t.rowid "
                f"WHERE {index_sql.SQLITE_WORD_FTS} MATCH %s ORDER BY t.rank LIMIT %s",
                [expression, CANDIDATES],
            )
            return [row[0] for row in cursor.fetchall()]


class _PostgresEngine:
    """A weighted tsvector (name A, producer B, places C) with GIN; pg_trgm KNN over the vocabulary."""

    @staticmethod
    def _tsquery(terms: Terms, prefix_last: bool, weight: str = "") -> str:
        # Each lexeme is quoted; fold() has already removed quotes, backslashes and every operator.
        parts = []
        for position, alternatives in enumerate(terms):
            suffix = f":{weight}" if weight else ""
            last = position == len(terms) - 1
            if last and prefix_last and len(alternatives) == 1 and _prefixable(alternatives[0], len(terms)):
                suffix = f":*{weight}"
            quoted = [f"'{word}'{suffix}" for word in alternatives]
            parts.append(quoted[0] if len(quoted) == 1 else f"({' | '.join(quoted)})")
        return " & ".join(parts)

    @staticmethod
    def _in_index(tsquery: str) -> RawSQL:
        return RawSQL(
            f'"{index_sql.ENTRY_TABLE}"."{index_sql.PG_VECTOR}" @@ to_tsquery(\'simple\', %s)',
            [tsquery],
            output_field=BooleanField(),
        )

    def match(self, terms: Terms, prefix_last: bool) -> RawSQL:
        return self._in_index(self._tsquery(terms, prefix_last))

    def name_match(self, terms: Terms, prefix_last: bool) -> RawSQL:
        return self._in_index(self._tsquery(terms, prefix_last, weight="A"))

    def phrase_match(self, words: list[str], prefix_last: bool) -> RawSQL:
        lexemes = [f"'{word}'" for word in words]
        if prefix_last and _prefixable(words[-1], len(words)):
            lexemes[-1] += ":*"
        return self._in_index(" <-> ".join(lexemes))

    def candidates(self, word: str) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT word FROM {index_sql.WORD_TABLE} ORDER BY word <-> %s LIMIT %s", [word, CANDIDATES]
            )
            return [row[0] for row in cursor.fetchall()]


def engine() -> _SqliteEngine | _PostgresEngine:
    if connection.vendor == "postgresql":
        return _PostgresEngine()
    if connection.vendor == "sqlite":
        return _SqliteEngine()
    raise NotImplementedError(f"Catalogue search supports SQLite and PostgreSQL, not {connection.vendor}.")


def _common_prefix(a: str, b: str) -> int:
    size = 0
    for ca, cb in zip(a, b, strict=False):
        if ca != cb:
            break
        size += 1
    return size


def _candidates(current, word: str) -> list[str]:
    """Vocabulary words that may be `word` mistyped. Trigrams miss short words (a two-letter word shares no
    trigram with itself mistyped), so words of three letters or fewer also look at same-initial short words."""
    found = current.candidates(word)
    if len(word) <= 3:
        short = (
            SearchWord.objects.annotate(size=Length("word"))
            .filter(word__startswith=word[0], size__lte=len(word) + 1, size__gte=max(2, len(word) - 1))
            .order_by("word")
            .values_list("word", flat=True)[:200]
        )
        found += [candidate for candidate in short if candidate not in found]
    return found


def correct_words(words: list[str]) -> list[list[str]] | None:
    """Each word the index does not know, replaced by its nearest known words; None if nothing changes.

    Nearest: fewest edits (at most one for short words, two for longer), then longest shared beginning,
    then closest length.
    Words that tie are all kept and searched as alternatives.
    """
    if not words:
        return None
    known = set(SearchWord.objects.filter(word__in=words).values_list("word", flat=True))
    last = words[-1]
    if last not in known and len(last) >= 2 and SearchWord.objects.filter(word__startswith=last).exists():
        known.add(last)
    corrected: list[list[str]] = []
    current = engine()
    for word in words:
        if word in known or word.isdigit() or len(word) < 2:
            corrected.append([word])
            continue
        limit = allowed_typos(word) + 1
        scored = []
        for candidate in _candidates(current, word):
            distance = edit_distance(word, candidate, limit)
            if distance < limit:
                key = (distance, -_common_prefix(word, candidate), abs(len(candidate) - len(word)))
                scored.append((*key, candidate))
        if not scored:
            return None  # a word with nothing near it: a correction would only invent results
        best = min(scored)[:3]
        corrected.append([candidate for *key, candidate in sorted(scored) if tuple(key) == best][:3])
    return (
        corrected
        if any(alternatives != [word] for alternatives, word in zip(corrected, words, strict=True))
        else None
    )


# --- the search itself -----------------------------------------------------------------------------


@dataclass
class Filters:
    province: int | None = None  # a current province's id
    legacy_province: int | None = None  # a legacy province's id
    group: str = ""  # taxonomy group code, e.g. "I"
    product_set: str = ""  # product set code, e.g. "2.2"
    stars: int | None = None
    year: int | None = None  # year the certificate was issued

    def apply(self, entries: QuerySet[CatalogEntry]) -> QuerySet[CatalogEntry]:
        if self.province is not None:
            entries = entries.filter(province_id=self.province)
        if self.legacy_province is not None:
            entries = entries.filter(legacy_province_id=self.legacy_province)
        if self.group:
            entries = entries.filter(group_code=self.group)
        if self.product_set:
            entries = entries.filter(product_set_code=self.product_set)
        if self.stars is not None:
            entries = entries.filter(stars=self.stars)
        if self.year is not None:
            entries = entries.filter(certified_year=self.year)
        return entries


@dataclass
class SearchResult:
    entries: list[CatalogEntry]
    count: int
    count_exact: bool
    page: int
    page_size: int
    words: list[str]
    corrected: str = ""  # the query actually searched, when a typo was corrected
    facets: dict[str, list[dict[str, Any]]] | None = None
    page_clamped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.count, MAX_OFFSET) // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def listed_entries() -> QuerySet[CatalogEntry]:
    """Entries the catalogue lists today: an active certificate of 3–5 stars that has not run out."""
    return CatalogEntry.objects.filter(listed=True, certificate_valid_until__gte=timezone.localdate())


def matching(terms: Terms, filters: Filters, *, prefix_last: bool = True) -> QuerySet[CatalogEntry]:
    entries = filters.apply(listed_entries())
    return entries.filter(engine().match(terms, prefix_last)) if terms else entries


def relevance(terms: Terms, *, prefix_last: bool = True) -> Case:
    """3: the name starts with the query; 2: the name holds every word; 1: the words stand together
    somewhere (a place name); 0: the rest."""
    current = engine()
    words = [alternatives[0] for alternatives in terms]
    tiers = [
        When(name_text__startswith=" ".join(words), then=Value(3)),
        When(current.name_match(terms, prefix_last), then=Value(2)),
    ]
    if len(words) > 1:
        tiers.append(When(current.phrase_match(words, prefix_last), then=Value(1)))
    return Case(*tiers, default=Value(0), output_field=IntegerField())


def ordered(
    entries: QuerySet[CatalogEntry], terms: Terms, *, prefix_last: bool = True
) -> QuerySet[CatalogEntry]:
    # Folded names sort as a Vietnamese reader expects (Đ with D, not after Z).
    if not terms:
        return entries.order_by("-stars", "name_text", "product_id")
    return entries.alias(relevance=relevance(terms, prefix_last=prefix_last)).order_by(
        "-relevance", "-stars", "name_text", "product_id"
    )


FACETS = {
    "province": "province_id",
    "legacy_province": "legacy_province_id",
    "group": "group_code",
    "product_set": "product_set_code",
    "stars": "stars",
    "year": "certified_year",
}


def capped_count(entries: QuerySet[CatalogEntry]) -> int:
    """How many matches, counting no further than COUNT_LIMIT + 1 (the database stops reading there)."""
    return entries.order_by()[: COUNT_LIMIT + 1].count()


_KEYS = 4  # a fact row: -relevance, -stars, folded name, product id, then the FACETS columns


def matched_facts(entries: QuerySet[CatalogEntry], terms: Terms, *, prefix_last: bool = True) -> list[tuple]:
    """Up to COUNT_LIMIT + 1 matches as (-relevance, -stars, folded name, id, *facet columns), read from
    the narrow `catalog_entry_lookup` index in one query: their number is the count, their first four
    columns sort them into display order as plain tuples, the rest are the facets. The rows are fetched
    with a bare cursor: this is the hot path, and Django's per-row conversion would double its cost."""
    score = relevance(terms, prefix_last=prefix_last) if terms else Value(0, output_field=IntegerField())
    facts = entries.order_by().annotate(rank=score * -1, star_rank=F("stars") * -1)
    columns = ("rank", "star_rank", "name_text", "product_id", *FACETS.values())
    sql, params = facts.values_list(*columns)[: COUNT_LIMIT + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def facet_counts(rows: list[tuple]) -> dict[str, list[dict[str, Any]]]:
    """Counts per province (current and legacy), group, product set, stars and year of the matches, with
    the group and product set names of the newest rubric version that uses each code (one small query)."""
    result: dict[str, list[dict[str, Any]]] = {}
    columns = list(zip(*rows, strict=True))[_KEYS:] if rows else [() for _ in FACETS]
    for facet, column in zip(FACETS, columns, strict=True):
        counts = Counter(column)
        items = [
            {"value": str(value), "label": "", "count": count}
            for value, count in counts.items()
            if value is not None and value != ""
        ]
        if facet in ("stars", "year"):
            items.sort(key=lambda item: -int(item["value"]))
        else:
            items.sort(key=lambda item: (-item["count"], item["value"]))
        result[facet] = items
    codes = {item["value"] for item in result["product_set"]}
    if codes:
        names: dict[tuple[str, str], str] = {}
        sets = ProductSet.objects.filter(code__in=codes).order_by("version__effective_from")
        for code, name, group_code, group_name in sets.values_list(
            "code", "name", "group__code", "group__name"
        ):
            names["product_set", code] = name
            names["group", group_code] = group_name
        for facet in ("group", "product_set"):
            for item in result[facet]:
                item["label"] = names.get((facet, item["value"]), "")
    return result


def _shown_correction(terms: Terms, top: CatalogEntry) -> str:
    """The corrected query to show: of tied corrections, the one the first result holds (its name first)."""
    fields = [set(text.split()) for text in (top.name_text, top.producer_text, top.place_text)]

    def shown(alternatives: list[str]) -> str:
        for words in fields:
            for word in alternatives:
                if word in words:
                    return word
        return alternatives[0]

    return " ".join(shown(alternatives) for alternatives in terms)


def search_catalog(
    *, q: str = "", filters: Filters | None = None, page: int = 1, page_size: int = 20, facets: bool = True
) -> SearchResult:
    """One page of listed products for a query and filters, with a capped count and (optionally) facets.

    With words, one query reads the matches' facts (count, order keys, facets); with none, a capped count
    comes first (browsing everything must not read 10,000 rows). Up to COUNT_LIMIT matches the page is cut
    from the facts in Python; beyond, the database orders them. Then the page's rows, and the facet labels.
    At most five queries whatever the number of results; the typo correction adds a few, only when the
    search found nothing.
    """
    filters = filters or Filters()
    words = query_words(q)
    terms: Terms = [[word] for word in words]
    prefix_last = True
    entries = matching(terms, filters)
    facts: list[tuple] | None = None
    if words:
        facts = matched_facts(entries, terms)
        if not facts:
            better = correct_words(words)
            if better:
                retry = matching(better, filters, prefix_last=False)
                retry_facts = matched_facts(retry, better, prefix_last=False)
                if retry_facts:
                    terms, entries, facts, prefix_last = better, retry, retry_facts, False
        found = len(facts)
    else:
        found = capped_count(entries)
        if facets and 0 < found <= COUNT_LIMIT:
            facts = matched_facts(entries, terms)
    count, exact = min(found, COUNT_LIMIT), found <= COUNT_LIMIT
    pages = max(1, -(-min(count, MAX_OFFSET) // page_size))
    clamped = page > pages or page < 1
    page = min(max(page, 1), pages)
    start = (page - 1) * page_size
    if not count:
        ids = []
    elif exact and facts is not None:
        facts.sort()  # (-relevance, -stars, name, id): display order, compared in C
        ids = [fact[3] for fact in facts[start : start + page_size]]
    else:
        ordering = ordered(entries, terms, prefix_last=prefix_last)
        ids = list(ordering.values_list("product_id", flat=True)[start : start + page_size])
    loaded = CatalogEntry.objects.select_related("province").in_bulk(ids) if ids else {}
    rows = [loaded[pk] for pk in ids if pk in loaded]
    corrected = _shown_correction(terms, rows[0]) if rows and not prefix_last else ""
    return SearchResult(
        entries=rows,
        count=count,
        count_exact=exact,
        page=page,
        page_size=page_size,
        words=words,
        corrected=corrected,
        facets=(facet_counts(facts) if count and exact and facts else {}) if facets else None,
        page_clamped=clamped,
    )
