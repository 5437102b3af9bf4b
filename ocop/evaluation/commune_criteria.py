"""Which criterion of a sheet each content the commune assesses is (Decision 1489/QĐ-TTg: local origin, local
labour, origin of the idea, local identity), as data: `data/commune_criteria.yaml`.

The commune's words are kept by the cycle on the dossier (`Dossier.receiver_assessment`, keyed by the content
as the rubric version's duty table words it); this module only says where on the sheet to show them.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured

DATA_FILE = Path(__file__).resolve().parent / "data" / "commune_criteria.yaml"


def parse(data) -> dict[str, dict[str, dict[str, str]]]:
    """version code → product set → content → criterion code; ImproperlyConfigured on a malformed file."""
    if not isinstance(data, dict) or data.get("format") != 1 or not isinstance(data.get("versions"), dict):
        raise ImproperlyConfigured("commune_criteria.yaml: a mapping with format 1 and versions is expected")
    result: dict[str, dict[str, dict[str, str]]] = {}
    for version, sets in data["versions"].items():
        if not isinstance(sets, dict):
            raise ImproperlyConfigured(f"commune_criteria.yaml › {version}: product sets expected")
        result[str(version)] = {}
        for product_set, contents in sets.items():
            if not isinstance(contents, dict) or not all(isinstance(v, str) for v in contents.values()):
                raise ImproperlyConfigured(
                    f"commune_criteria.yaml › {version} › {product_set}: content → criterion code expected"
                )
            result[str(version)][str(product_set)] = {str(k): str(v) for k, v in contents.items()}
    return result


@functools.cache
def mapping() -> dict[str, dict[str, dict[str, str]]]:
    with DATA_FILE.open(encoding="utf-8") as stream:
        return parse(yaml.safe_load(stream))


def commune_words_by_criterion(dossier) -> dict[str, list[tuple[str, str]]]:
    """criterion code → [(content, the receiving level's words)] of what it assessed on the dossier."""
    contents = mapping().get(dossier.rubric_version.code, {}).get(dossier.product.product_set.code, {})
    found: dict[str, list[tuple[str, str]]] = {}
    for content, words in (dossier.receiver_assessment or {}).items():
        code = contents.get(content)
        if code and str(words).strip():
            found.setdefault(code, []).append((content, str(words)))
    return found
