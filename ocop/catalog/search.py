"""Searching the catalogue the way Vietnamese buyers type: without diacritics, đ as d, word prefixes, typos.

One entry point, `search_catalog`, for pages and the API. The query is folded in Python (`core.text.fold`)
exactly as the indexed columns were, split into words, and matched by the database's full-text index:
FTS5 on SQLite, a `simple`-configuration `tsvector` on PostgreSQL. Every word must match, each also as a
prefix (`gao st2 ruon` finds *Gạo ST25 ruộng tôm*). Only when that finds nothing is each unknown word
corrected to the nearest word of the index vocabulary (trigram candidates, then edit distance), and only
when the correction keeps most of the letters typed; the page then says "did you mean".

Results are ordered by relevance tier (the name starts with the query; the name holds every word; the words
stand together somewhere, as in a place name; the rest), then stars, then name. Stars and name are one
number, `CatalogEntry.display_order`, so each tier's matches are read in display order and the reading
stops after one page: the cost follows the page, not the number of matches. Counts stop at the count
limit ("more than 1,000"); facet counts of broad searches come from a cache per query shape.
"""

# SQL text here is built from constant table and column names only; what the user typed travels as a query
# parameter, and only after fold() and the word pattern left letters and digits of it.
# ruff: noqa: S608

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from ocop.catalog import facet_cache, index_sql, reference, version
from ocop.catalog.models import CatalogEntry, SearchWord
from ocop.core.text import fold
from ocop.rubrics.models import ProductSet

MAX_QUERY_CHARS = 200
MAX_WORDS = 8
MAX_WORD_CHARS = 40
COUNT_LIMIT = 1_000  # counts above this are shown as "more than 1,000" (setting OCOP_CATALOG_COUNT_LIMIT)
MAX_OFFSET = COUNT_LIMIT  # deep pages cost a longer walk; past this, narrow the search instead
CANDIDATES = 40  # vocabulary words fetched per unknown word before edit distance decides
KEPT_LETTERS = 0.8  # a correction must keep this share of the letters typed (`mat ong` ↛ `may dong`)
_WORD = re.compile(r"[^\W_]+")
_TABLE = index_sql.ENTRY_TABLE
_FTS = index_sql.SQLITE_ENTRY_FTS
_NAME_FTS = index_sql.SQLITE_NAME_FTS
_NAME_SOURCE = f"{_NAME_FTS} JOIN {_TABLE} e ON e.display_order = {_NAME_FTS}.rowid"
_NAME_POSITION = f"{_NAME_FTS}.rowid"


def count_limit() -> int:
    return getattr(settings, "OCOP_CATALOG_COUNT_LIMIT", None) or COUNT_LIMIT


def max_offset() -> int:
    return getattr(settings, "OCOP_CATALOG_COUNT_LIMIT", None) or MAX_OFFSET


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


# --- the two engines: the same tiers, in each database's own dialect --------------------------------


def _prefixable(word: str, words: int) -> bool:
    """Every word is matched as a prefix (the buyer types the beginnings of words), except a lone single
    letter, which would match nearly everything."""
    return len(word) >= 2 or words > 1


Terms = list[list[str]]  # one list per query word: the word itself, or the corrections tried for it


@dataclass(frozen=True)
class Tier:
    """One relevance tier: where its matches are read (`FROM`), their display position, and the condition."""

    source: str
    position: str
    match: str
    params: list[Any]


def _first_words(terms: Terms) -> list[str]:
    return [alternatives[0] for alternatives in terms]


@dataclass
class Filters:
    province: int | None = None  # a current province's id
    legacy_province: int | None = None  # a legacy province's id
    group: str = ""  # taxonomy group code, e.g. "I"
    product_set: str = ""  # product set code, e.g. "2.2"
    stars: int | None = None
    year: int | None = None  # year the certificate was issued

    _COLUMNS = (
        ("province", "province_id"),
        ("legacy_province", "legacy_province_id"),
        ("group", "group_code"),
        ("product_set", "product_set_code"),
        ("stars", "stars"),
        ("year", "certified_year"),
    )

    def chosen(self) -> list[tuple[str, Any]]:
        return [(column, getattr(self, name)) for name, column in self._COLUMNS if getattr(self, name)]

    def apply(self, entries: QuerySet[CatalogEntry]) -> QuerySet[CatalogEntry]:
        return entries.filter(**dict(self.chosen()))

    def where(self) -> tuple[str, list[Any]]:
        """SQL conditions on the entry (alias `e`): listed today, and the chosen filters."""
        today = connection.ops.adapt_datefield_value(timezone.localdate())
        clauses = ["e.listed", "e.certificate_valid_until >= %s"]
        params: list[Any] = [today]
        for column, value in self.chosen():
            clauses.append(f"e.{column} = %s")
            params.append(value)
        return " AND ".join(clauses), params

    def shape(self) -> str:
        return ";".join(f"{column}={value}" for column, value in self.chosen())


class _SqliteEngine:
    """FTS5 whose row ids are the entries' display order: `ORDER BY rowid LIMIT n` stops after n matches."""

    @staticmethod
    def _word(word: str, prefix: bool) -> str:
        return f'"{word}"*' if prefix else f'"{word}"'

    def _expression(self, terms: Terms, prefix: bool) -> str:
        # Each word is quoted: FTS5 operators (NEAR, AND, column filters, *) can never come from the user.
        parts = []
        for alternatives in terms:
            if len(alternatives) == 1:
                parts.append(self._word(alternatives[0], prefix and _prefixable(alternatives[0], len(terms))))
            else:
                parts.append(f"({' OR '.join(self._word(word, False) for word in alternatives)})")
        return " AND ".join(parts)

    def _phrase(self, words: list[str], prefix: bool) -> str:
        return " + ".join(self._word(word, prefix and _prefixable(word, len(words))) for word in words)

    def tiers(self, terms: Terms, prefix: bool) -> list[Tier]:
        """Each relevance tier's matches, best first, as a plain FTS expression: what an earlier tier already
        gave is dropped by `page_ids`, not by a NOT here. A NOT walks its right side until the next match, so
        `... NOT (name_text : words)` read every match's positions when the name held none of them (`hop tac
        xa`), where reading the names-only table costs their few matches. Every name that begins with the
        words holds them all, and a phrase holds every word: each tier's expression also matches all earlier
        tiers, so tier by tier they give exactly the matches."""
        every = self._expression(terms, prefix)
        phrase = self._phrase(_first_words(terms), prefix)
        in_names, in_all = f"{_NAME_FTS} MATCH %s", f"{_FTS} MATCH %s"
        tiers = [Tier(_NAME_SOURCE, _NAME_POSITION, in_names, [f"^{phrase}"])]
        tiers.append(Tier(_NAME_SOURCE, _NAME_POSITION, in_names, [every]))
        if len(terms) > 1:
            tiers.append(Tier(self.source(), self.position, in_all, [phrase]))
        tiers.append(Tier(self.source(), self.position, in_all, [every]))
        return tiers

    def matches(self, terms: Terms, prefix: bool) -> tuple[str, list[Any]]:
        return f"{_FTS} MATCH %s", [self._expression(terms, prefix)]

    @staticmethod
    def source() -> str:
        return f"{_FTS} JOIN {_TABLE} e ON e.display_order = {_FTS}.rowid"

    position = f"{_FTS}.rowid"
    # Each tier is already read in display order from its FTS table's row ids, stopping after the page; a tier
    # with no match costs a lookup in the FTS index, next to nothing.
    learns_tiers = False

    @staticmethod
    def star_band(position: str, stars: int) -> tuple[str, list[Any]] | None:
        """The row ids of one star band's listed entries: the display order begins with the stars, so a band is
        one range, its ends read from the browse index, and FTS5 reads only the matches inside it. A search
        narrowed to 5★ read every match of the country for the 1% it keeps (`mat ong`, 5★, one province at 1M:
        106 ms; 1 ms within its band)."""
        ends = [
            f"(SELECT display_order FROM {_TABLE} WHERE listed AND stars = %s ORDER BY {order} LIMIT 1)"
            for order in ("stars DESC, name_text, product_id", "stars, name_text DESC, product_id DESC")
        ]
        return f"{position} >= {ends[0]} AND {position} <= {ends[1]}", [stars, stars]

    def rank(self, terms: Terms, prefix: bool) -> tuple[str, list[Any]] | None:
        return None  # MATCH is only valid on the FTS table's own scan: the tiers are read one by one

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
    """A tsvector of all the text and a names-only one, each with its GIN index, and a btree on the
    display order: per tier the planner either walks the display order (broad) or sorts the few matches."""

    @staticmethod
    def _lexeme(word: str, prefix: bool) -> str:
        # Each lexeme is quoted; fold() has already removed quotes, backslashes and every operator.
        return f"'{word}':*" if prefix else f"'{word}'"

    def _tsquery(self, terms: Terms, prefix: bool) -> str:
        parts = []
        for alternatives in terms:
            if len(alternatives) == 1:
                parts.append(
                    self._lexeme(alternatives[0], prefix and _prefixable(alternatives[0], len(terms)))
                )
            else:
                parts.append(f"({' | '.join(self._lexeme(word, False) for word in alternatives)})")
        return " & ".join(parts)

    def tiers(self, terms: Terms, prefix: bool) -> list[Tier]:
        """Each relevance tier, best first, exactly its own matches (disjoint conditions)."""
        every = self._tsquery(terms, prefix)
        words = _first_words(terms)
        phrase = " <-> ".join(self._lexeme(w, prefix and _prefixable(w, len(words))) for w in words)
        # The name begins with the words, each (but the last, a plain string prefix) a word's beginning.
        starts = (
            "^"
            + " ".join(w + (r"\S*" if prefix else "") for w in words[:-1])
            + (" " if len(words) > 1 else "")
        )
        starts += words[-1]
        in_name = f"e.{index_sql.PG_NAME_VECTOR} @@ to_tsquery('simple', %s)"
        in_all = f"e.{index_sql.PG_VECTOR} @@ to_tsquery('simple', %s)"
        conditions = [
            (f"{in_name} AND e.name_text ~ %s", [every, starts]),
            (f"{in_name} AND e.name_text !~ %s", [every, starts]),
        ]
        if len(terms) > 1:
            conditions.append((f"{in_all} AND NOT {in_name}", [phrase, every]))
            conditions.append((f"{in_all} AND NOT {in_name} AND NOT {in_all}", [every, every, phrase]))
        else:
            conditions.append((f"{in_all} AND NOT {in_name}", [every, every]))
        return [Tier(self.source(), self.position, match, params) for match, params in conditions]

    def matches(self, terms: Terms, prefix: bool) -> tuple[str, list[Any]]:
        return f"e.{index_sql.PG_VECTOR} @@ to_tsquery('simple', %s)", [self._tsquery(terms, prefix)]

    def rank(self, terms: Terms, prefix: bool) -> tuple[str, list[Any]] | None:
        """Each match's tier as a number, computed on the matches already read: a search with few matches
        gets its page from the statement that counted them. Read tier by tier instead, each tier's index
        lookup unites again the posting lists of every word a prefix stands for (`che shan tu`: 22 ms each
        at 1M)."""
        tiers = self.tiers(terms, prefix)
        cases = " ".join(f"WHEN {tier.match} THEN {number}" for number, tier in enumerate(tiers))
        return f"CASE {cases} ELSE {len(tiers)} END", [param for tier in tiers for param in tier.params]

    @staticmethod
    def source() -> str:
        return f"{_TABLE} e"

    position = "e.display_order"
    # The planner cannot see that words go together (`mat` and `ong`): it expects a few thousand matches of
    # 50,000, takes them all from the index and sorts them. A tier remembered as filling its page is read
    # from the first entries in display order instead, and one remembered as empty in this version is not
    # read at all (`_Query.page_ids`): a GIN lookup of prefixes unites many posting lists even to find none.
    learns_tiers = True

    @staticmethod
    def star_band(position: str, stars: int) -> tuple[str, list[Any]] | None:
        return None  # a narrowed search's few matches come from the GIN index; a range would not shorten that

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
    for word in words:  # every word is typed as a prefix: the beginning of a known word is known
        if word not in known and len(word) >= 2 and SearchWord.objects.filter(word__startswith=word).exists():
            known.add(word)
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
    if all(alternatives == [word] for alternatives, word in zip(corrected, words, strict=True)):
        return None
    if kept_letters(words, [alternatives[0] for alternatives in corrected]) < KEPT_LETTERS:
        return None  # the correction would be another query (`mat ong` → `may dong`), not a typo fixed
    return corrected


def kept_letters(typed: list[str], corrected: list[str]) -> float:
    """The share of letters the typed and the corrected query have in common, word by word, over the
    longer of the two: `duong phem`/`duong phen` 0.89, `mat onh`/`mat ong` 0.83, `mat ong`/`may dong` 0.71."""
    shared = sum(sum((Counter(a) & Counter(b)).values()) for a, b in zip(typed, corrected, strict=True))
    longer = max(sum(map(len, typed)), sum(map(len, corrected)), 1)
    return shared / longer


# --- the search itself -----------------------------------------------------------------------------


@dataclass
class SearchResult:
    entries: list[CatalogEntry]
    count: int
    count_exact: bool
    page: int
    page_size: int
    words: list[str]
    corrected: str = ""  # the query actually searched, when a typo was corrected ("did you mean")
    facets: dict[str, list[dict[str, Any]]] | None = None
    page_clamped: bool = False
    facets_cached: bool = False  # facet counts of a broad search, from the cache (as of a few minutes ago)

    @property
    def count_capped(self) -> bool:
        return not self.count_exact

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.count, max_offset()) // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def listed_entries() -> QuerySet[CatalogEntry]:
    """Entries the catalogue lists today: an active certificate of 3–5 stars that has not run out."""
    return CatalogEntry.objects.filter(listed=True, certificate_valid_until__gte=timezone.localdate())


FACETS = {
    "province": "province_id",
    "legacy_province": "legacy_province_id",
    "group": "group_code",
    "product_set": "product_set_code",
    "stars": "stars",
    "year": "certified_year",
}
_FACT_COLUMNS = ", ".join(f"e.{column}" for column in FACETS.values())
# The display order spelled out, as the partial indexes in display order (browse, by province, by group) are.
_DISPLAY_ORDER = "e.stars DESC, e.name_text, e.product_id"
HEAD_ENTRIES = 10_000  # a tier remembered as dense is read from these first entries (PostgreSQL)
READ_HEAD, READ_INDEX = "head", "index"  # how each tier of a query shape is read (facet_cache.tier_plan)
_HEAD_COLUMNS = ", ".join(
    f"e.{column}"
    for column in ("product_id", "stars", "name_text", index_sql.PG_NAME_VECTOR, index_sql.PG_VECTOR)
)


@dataclass
class _Query:
    """What is searched: the words (or their corrections), whether each is a prefix, and the filters."""

    terms: Terms
    prefix: bool
    filters: Filters

    def _from_where(self, tier: Tier | None = None) -> tuple[str, list[Any]]:
        where, params = self.filters.where()
        if not self.terms:
            return f"FROM {_TABLE} e WHERE {where}", params
        current = engine()
        if tier is None:
            match, match_params = current.matches(self.terms, self.prefix)
            tier = Tier(current.source(), current.position, match, match_params)
        band = current.star_band(tier.position, self.filters.stars) if self.filters.stars else None
        if band is not None:
            where, params = f"{band[0]} AND {where}", [*band[1], *params]
        return f"FROM {tier.source} WHERE {tier.match} AND {where}", [*tier.params, *params]

    @cached_property
    def ranks(self) -> tuple[str, list[Any]] | None:
        """Each match's tier as SQL, where the engine can compute it on rows already read; then `facts` also
        gives each match's place in the page order (`page_of`)."""
        return engine().rank(self.terms, self.prefix) if self.terms else None

    def facts(self, limit: int) -> list[tuple]:
        """The facet columns of up to `limit` matches, in no particular order; with `ranks`, each row then
        ends with the match's tier, display order and id."""
        body, params = self._from_where()
        ranks = self.ranks
        extra, extra_params = (
            (f", {ranks[0]}, e.display_order, e.product_id", ranks[1]) if ranks else ("", [])
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {_FACT_COLUMNS}{extra} {body} LIMIT %s", [*extra_params, *params, limit])
            return cursor.fetchall()

    @staticmethod
    def page_of(facts: list[tuple], start: int, size: int) -> list[int]:
        """One page of ranked facts that hold every match: by tier, then display order."""
        ordered = sorted(row[-3:] for row in facts)
        return [row[-1] for row in ordered[start : start + size]]

    def grouped_facts(self) -> list[tuple]:
        """The facet columns of every match, grouped: each distinct combination once, its count last: some
        thousands of rows to Python instead of every match (PostgreSQL at 1M: 1.1 s for browse; on SQLite the
        grouping's sort costs about what it saves, docs/catalog.md)."""
        body, params = self._from_where()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {_FACT_COLUMNS}, count(*) {body} GROUP BY {_FACT_COLUMNS}", params)
            return cursor.fetchall()

    def count(self, limit: int) -> int:
        body, params = self._from_where()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM (SELECT 1 {body} LIMIT %s) AS found", [*params, limit])
            return cursor.fetchone()[0]

    def page_ids(self, start: int, size: int) -> list[int]:
        """One page in display order: the tiers one after the other, each read in display order and only
        as far as the page still needs (the database stops there); a tier is not read at all once the page
        is full. So a page costs one to four statements, whatever the number of matches: reading every
        tier at once would walk, for a tier with no match, the whole display order (PostgreSQL)."""
        wanted = start + size
        with connection.cursor() as cursor:
            if not self.terms:
                body, params = self._from_where()
                # The same order as display_order, spelled so that the partial indexes in display order
                # (browse, by province, by group) serve it.
                cursor.execute(
                    f"SELECT e.product_id {body} ORDER BY {_DISPLAY_ORDER} LIMIT %s OFFSET %s",
                    [*params, size, start],
                )
                return [row[0] for row in cursor.fetchall()]
            current = engine()
            plan, empty = facet_cache.tier_plan(self.shape()) if current.learns_tiers else ({}, frozenset())
            planned, known_empty = dict(plan), empty
            found: list[int] = []
            for number, tier in enumerate(current.tiers(self.terms, self.prefix)):
                if number in empty:
                    continue
                ids = self._head_ids(cursor, tier, wanted) if plan.get(number) == READ_HEAD else None
                if ids is not None and len(ids) < wanted:
                    # The first entries did not fill the page: this tier's matches lie further on.
                    plan[number], ids = READ_INDEX, None
                if ids is None:
                    body, params = self._from_where(tier)
                    cursor.execute(
                        f"SELECT e.product_id {body} ORDER BY {tier.position} LIMIT %s", [*params, wanted]
                    )
                    ids = [row[0] for row in cursor.fetchall()]
                    if current.learns_tiers and len(ids) == wanted and number not in plan:
                        plan[number] = READ_HEAD  # it filled the page: next time try the first entries
                    elif current.learns_tiers and not ids:
                        empty |= {number}
                # A tier may also match what earlier tiers gave (SQLite), at most `found` of them; a later
                # tier is reached only when every earlier one was read to its end, so `found` holds them all.
                seen = set(found)
                found += [pk for pk in ids if pk not in seen]
                if len(found) >= wanted:
                    break
            if plan != planned or empty != known_empty:
                facet_cache.put_tier_plan(
                    self.shape(), plan if plan != planned else None, empty if empty != known_empty else None
                )
            return found[start:wanted]

    def _head_ids(self, cursor, tier: Tier, wanted: int) -> list[int]:
        """The tier's first `wanted` matches among the first `HEAD_ENTRIES` entries in display order (spelled
        as the partial indexes are, so that a filter's own index serves it): a bounded walk, stopped early
        when the tier is dense. The tier's very first matches when it gives `wanted` of them, as the head is
        the start of the display order."""
        where, params = self.filters.where()
        cursor.execute(
            f"SELECT e.product_id FROM (SELECT {_HEAD_COLUMNS} FROM {_TABLE} e WHERE {where} "
            f"ORDER BY {_DISPLAY_ORDER} LIMIT %s) e WHERE {tier.match} ORDER BY {_DISPLAY_ORDER} LIMIT %s",
            [*params, HEAD_ENTRIES, *tier.params, wanted],
        )
        return [row[0] for row in cursor.fetchall()]

    def shape(self) -> str:
        return f"{self.terms}|{self.prefix}|{self.filters.shape()}"


def _group_names() -> dict[tuple[str, str], str]:
    """Group and product set names by code, the newest rubric version's name for a shared code."""
    names: dict[tuple[str, str], str] = {}
    sets = ProductSet.objects.order_by("version__effective_from")
    for code, name, group_code, group_name in sets.values_list("code", "name", "group__code", "group__name"):
        names["product_set", code] = name
        names["group", group_code] = group_name
    return names


def facet_counts(rows: list[tuple], *, grouped: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Counts per province (current and legacy), group, product set, stars and year of the matches, with
    the group and product set names (reference data, cached per process). `grouped`: each row ends with
    the number of matches it stands for (`_Query.grouped_facts`)."""
    result: dict[str, list[dict[str, Any]]] = {}
    weights = [row[-1] for row in rows] if grouped else [1] * len(rows)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in FACETS]
    for facet, column in zip(FACETS, columns, strict=False):
        counts: Counter = Counter()
        for value, weight in zip(column, weights, strict=True):
            counts[value] += weight
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
    if result["product_set"] or result["group"]:
        names = reference.cached("group_names", _group_names)
        for facet in ("group", "product_set"):
            for item in result[facet]:
                item["label"] = names.get((facet, item["value"]), "")
    return result


_FACET_COLUMN_POSITIONS = {column: position for position, column in enumerate(FACETS.values())}


def _broad_facets(query: _Query) -> dict[str, list[dict[str, Any]]]:
    """Facet counts of a search with more matches than the count limit: from the cache, else from the grouped
    facts of its words without filters, kept there too (a broad search's first visitor pays them, the next
    ones do not). Those rows are grouped by every facet column, so a filter on any of them is applied to the
    rows exactly: every narrowing of a broad search (a province, a star band) shares one read of its matches,
    where each new narrowing read the whole country's matches again (`hop tac xa`, 3★, one province at 1M:
    0.5–0.8 s)."""
    shape = query.shape()
    found = facet_cache.get(shape)
    if found is None:
        words = _Query(query.terms, query.prefix, Filters())
        rows = facet_cache.grouped(words.shape(), words.grouped_facts)
        chosen = [(_FACET_COLUMN_POSITIONS[column], value) for column, value in query.filters.chosen()]
        kept = [row for row in rows if all(row[position] == value for position, value in chosen)]
        found = facet_counts(kept, grouped=True)
        facet_cache.put(shape, found)
    return found


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

    Two to six queries whatever the number of matches: up to count limit + 1 matches' facet columns
    (their number is the count; when they are all, their facet counts and, on PostgreSQL, each one's tier
    and display order: the page), the page's ids in display order when still needed (one statement per
    relevance tier needed, each read in display order and stopped after the page), the page's rows. A broad
    search's facet counts come from the cache. The typo correction adds a few, only when the search found
    nothing.
    """
    with version.pinned_once():  # one read of the catalogue's version for the whole search
        return _search(q=q, filters=filters, page=page, page_size=page_size, facets=facets)


def _found(query: _Query, facets: bool, limit: int) -> tuple[int, list[tuple] | None]:
    """How many matches (up to `limit` + 1) and, when `facets`, their facts; nothing read for a shape whose
    count this version of the catalogue already told (`facet_cache.known_count`): on PostgreSQL a broad
    count is most of a broad search's time (the index's bitmap of every match), and a search that finds
    nothing (a typo, before its correction) still unites the posting lists of every word its prefixes begin."""
    shape = query.shape()
    known = facet_cache.known_count(shape)
    if known == facet_cache.BROAD:
        return limit + 1, None
    if known == facet_cache.NONE:
        return 0, []
    facts = query.facts(limit + 1) if facets else None
    found = len(facts) if facts is not None else query.count(limit + 1)
    if found > limit or not found:
        facet_cache.remember_count(shape, facet_cache.BROAD if found else facet_cache.NONE)
    return found, facts


def _search(*, q: str, filters: Filters | None, page: int, page_size: int, facets: bool) -> SearchResult:
    filters = filters or Filters()
    words = query_words(q)
    query = _Query([[word] for word in words], True, filters)
    limit = count_limit()
    found, facts = _found(query, facets, limit)
    if not found and words:
        better = correct_words(words)
        if better:
            retry = _Query(better, False, filters)
            retry_found, retry_facts = _found(retry, facets, limit)
            if retry_found:
                query, facts, found = retry, retry_facts, retry_found
    count, exact = min(found, limit), found <= limit
    pages = max(1, -(-min(count, max_offset()) // page_size))
    clamped = page > pages or page < 1
    page = min(max(page, 1), pages)
    start = (page - 1) * page_size
    if not count:
        ids = []
    elif exact and facts is not None and query.ranks is not None:
        ids = query.page_of(facts, start, page_size)  # every match is in hand, each with its place
    else:
        ids = query.page_ids(start, page_size)
    loaded = CatalogEntry.objects.select_related("province").in_bulk(ids) if ids else {}
    rows = [loaded[pk] for pk in ids if pk in loaded]
    corrected = _shown_correction(query.terms, rows[0]) if rows and not query.prefix else ""
    shown_facets: dict[str, list[dict[str, Any]]] | None = None
    if facets:
        if not count:
            shown_facets = {}
        elif exact:
            shown_facets = facet_counts(facts or [])
        else:
            shown_facets = _broad_facets(query)
    return SearchResult(
        entries=rows,
        count=count,
        count_exact=exact,
        page=page,
        page_size=page_size,
        words=words,
        corrected=corrected,
        facets=shown_facets,
        page_clamped=clamped,
        facets_cached=facets and count > 0 and not exact,
    )
