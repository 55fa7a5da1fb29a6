"""CITATION.cff: valid Citation File Format 1.2.0, and in step with the package."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

import kzgame

ROOT = Path(__file__).resolve().parents[1]

# CFF 1.2.0 (https://citation-file-format.github.io/1.2.0/schema): the keys allowed at the
# root (additionalProperties: false), the required ones, and the rules checked below.
ROOT_KEYS = {
    "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi",
    "identifiers", "keywords", "license", "license-url", "message", "preferred-citation",
    "references", "repository", "repository-artifact", "repository-code", "title", "type",
    "url", "version",
}  # fmt: skip
REQUIRED = {"authors", "cff-version", "message", "title"}
PERSON_KEYS = {
    "address", "affiliation", "alias", "city", "country", "email", "family-names", "fax",
    "given-names", "name-particle", "name-suffix", "orcid", "post-code", "region", "tel",
    "website",
}  # fmt: skip
ENTITY_KEYS = {
    "address", "alias", "city", "country", "date-end", "date-start", "email", "fax",
    "location", "name", "orcid", "post-code", "region", "tel", "website",
}  # fmt: skip
DOI = re.compile(r"^10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-\.\(\)\[\]\\]+$")


def _check_authors(authors, where):
    assert isinstance(authors, list) and authors, f"{where}: authors must be a non-empty list"
    for a in authors:
        assert isinstance(a, dict)
        if "name" in a:  # an entity
            assert set(a) <= ENTITY_KEYS, f"{where}: unknown entity keys {set(a) - ENTITY_KEYS}"
            assert isinstance(a["name"], str) and a["name"]
        else:  # a person
            assert set(a) <= PERSON_KEYS, f"{where}: unknown person keys {set(a) - PERSON_KEYS}"
            assert a.get("family-names") or a.get("given-names"), f"{where}: a nameless person"


def test_citation_cff_is_valid_1_2_0():
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert set(data) <= ROOT_KEYS, f"keys outside CFF 1.2.0: {set(data) - ROOT_KEYS}"
    assert REQUIRED <= set(data)
    assert data["cff-version"] == "1.2.0"
    assert data["type"] in ("software", "dataset")
    for k in ("message", "title", "abstract"):
        assert isinstance(data[k], str) and data[k].strip()
    _check_authors(data["authors"], "root")
    assert isinstance(data["keywords"], list) and all(isinstance(k, str) for k in data["keywords"])
    for ref in data.get("references", []):
        assert {"type", "title", "authors"} <= set(ref)
        _check_authors(ref["authors"], ref["title"])
        assert isinstance(ref["year"], int)
        if "doi" in ref:
            assert DOI.match(ref["doi"]), ref["doi"]


def test_citation_matches_the_package():
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(data["version"]) == kzgame.__version__
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'license = "{data["license"]}"' in pyproject
