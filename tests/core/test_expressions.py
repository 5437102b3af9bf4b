"""Query expressions of `ocop.core.expressions` select what their names say, on both engines."""

from __future__ import annotations

from ocop.core.expressions import IdIn, LeadingWordsIn
from ocop.producers.models import LegalForm, Producer, ProducerStatus


def _producers(cast, *texts: str) -> dict[str, int]:
    made = Producer.objects.bulk_create(
        Producer(
            name=text,
            legal_form=LegalForm.COOPERATIVE,
            unit=cast.commune,
            status=ProducerStatus.CONFIRMED,
            search_text=text,
        )
        for text in texts
    )
    return {p.search_text: p.pk for p in made}


def _found(condition) -> set[str]:
    return set(Producer.objects.filter(condition).values_list("search_text", flat=True))


def test_leading_words_find_a_phrase_alone_or_followed_by_more_words(cast):
    _producers(
        cast,
        "htx van_ha",
        "htx van_ha 2400123456 nguyen van an",
        "htx vanxha 2400123456",  # `_` is a letter here, not LIKE's "any character"
        "htx van_hai",  # another word that begins the same way
        "htx van",
        "hop tac xa 100 che",
        "hop tac xa 100",
    )
    assert _found(LeadingWordsIn("search_text", ["htx van_ha"])) == {
        "htx van_ha",
        "htx van_ha 2400123456 nguyen van an",
    }
    assert _found(LeadingWordsIn("search_text", ["hop tac xa 100", "htx van"])) == {
        "hop tac xa 100 che",
        "hop tac xa 100",
        "htx van",
    }
    assert _found(LeadingWordsIn("search_text", [])) == set()


def test_id_in_selects_the_ids_given(cast):
    ids = _producers(cast, "mot", "hai", "ba")
    assert _found(IdIn("id", [ids["mot"], ids["ba"]])) == {"mot", "ba"}
    assert _found(IdIn("id", [])) == set()
