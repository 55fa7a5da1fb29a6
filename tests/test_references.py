"""Citations for any source: a references table, KEY:PAGE, DOI and URL forms; seed lines
keep their FILE:LINE form and check; an unknown key is an error naming it."""

from __future__ import annotations

import pytest
from test_codebook import CODEBOOK, DEFAULTS, HEAD, PERIODS

from kzgame.io.cases import Citation, ModelFileError, load_case, loads_case

REFERENCES = """
[references.kastner2016]
author = "Kastner, Scott L.; Pearson, Margaret M.; Rector, Chad"
year = 2016
title = "Invest, Hold Up, or Accept? China in Multilateral Governance"
kind = "article"
journal = "Security Studies 25(1)"
doi = "10.1080/09636412.2016.1134192"
[references.shanghai_book]
author = "Doe, Jane"
year = 2019
title = "A Book on the Region"
kind = "book"
publisher = "A Press"
"""


def case_text(source: str) -> str:
    text = HEAD + REFERENCES + DEFAULTS + CODEBOOK + PERIODS
    return text.replace('evidence = "a fifth of R\'s trade"',
                        'evidence = "a fifth of R\'s trade"\nsource = ' + source, 1).replace(
        'value = 0.2\nrange = [0.15, 0.25]\nsource = ["assumption"]\n',
        'value = 0.2\nrange = [0.15, 0.25]\n', 1)


def test_book_page_doi_and_url_load():
    case = loads_case(case_text(
        '["shanghai_book:p. 143", "kastner2016:143-145", "doi:10.1080/09636412.2016.1134192",'
        ' "https://example.org/report.pdf"]'))
    src = case.period("late").indicators[0].source
    assert [c.kind for c in src] == ["reference", "reference", "doi", "url"]
    assert (src[0].key, src[0].locator) == ("shanghai_book", "p. 143")
    assert src[1].locator == "143-145"
    assert case.references["kastner2016"].fields["doi"] == "10.1080/09636412.2016.1134192"
    assert "Security Studies" in case.references["kastner2016"].format()


def test_unknown_key_fails_with_its_name():
    with pytest.raises(ModelFileError) as e:
        loads_case(case_text('["kastner2017:143"]'), name="toy.toml")
    assert e.value.file == "toy.toml"
    assert e.value.period == "late"
    assert e.value.key == "indicators.trade_share.source"
    assert "unknown reference key 'kastner2017'" in str(e.value)


@pytest.mark.parametrize("bad", ["doi:11.1/x", "doi:10.1080", "https://a b.org/x", "kastner2016:"])
def test_malformed_citations_fail(bad):
    with pytest.raises(ModelFileError) as e:
        loads_case(case_text(f'["{bad}"]'))
    assert e.value.key == "indicators.trade_share.source"


def test_seed_form_is_unchanged():
    c = Citation.parse("000_a.txt:98-100", references={"kastner2016"})
    assert (c.kind, c.file, c.first, c.last) == ("seed", "000_a.txt", 98, 100)


def test_reference_with_a_bad_doi_is_an_error():
    text = case_text('["kastner2016"]').replace('doi = "10.1080/', 'doi = "11.1080/')
    with pytest.raises(ModelFileError) as e:
        loads_case(text)
    assert e.value.key == "references.kastner2016.doi"


def test_reference_naming_an_unlisted_seed_file_is_an_error():
    text = case_text('["kastner2016"]').replace('kind = "book"', 'kind = "book"\nfile = "x.txt"')
    with pytest.raises(ModelFileError) as e:
        loads_case(text)
    assert e.value.key == "references.shanghai_book.file"


BIB = """
@comment{ references for the toy case }
@book{doe2019,
  author = {Doe, Jane},
  title = {A Book on the {Region}},
  publisher = "A Press",
  year = 2019,
}
@article{roe2020,
  author = {Roe, Richard and Poe, Edgar},
  title = {An Article},
  journal = {Journal of Things},
  year = {2020},
  doi = {10.1000/xyz123},
}
"""


def test_bibtex_file_gives_the_references(tmp_path):
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    text = case_text('["doe2019:p. 12", "roe2020:3-4"]').replace(
        'sources = []', 'sources = []\nbibtex = "refs.bib"')
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    case = load_case(path, seeds=False)
    assert case.references["doe2019"].fields["kind"] == "book"
    assert case.references["doe2019"].title == "A Book on the Region"
    assert case.references["roe2020"].fields["doi"] == "10.1000/xyz123"
    assert case.references["kastner2016"].year == 2016  # the table's entries stay
    src = case.period("late").indicators[0].source
    assert [(c.key, c.locator) for c in src] == [("doe2019", "p. 12"), ("roe2020", "3-4")]
    path.write_text(text.replace("roe2020:3-4", "roe2021:3-4"), encoding="utf-8")
    with pytest.raises(ModelFileError, match="unknown reference key 'roe2021'"):
        load_case(path, seeds=False)


def test_bad_bibtex_is_an_error_naming_the_entry(tmp_path):
    (tmp_path / "refs.bib").write_text(BIB.replace("year = 2019", "year = {n.d.}"),
                                       encoding="utf-8")
    path = tmp_path / "case.toml"
    path.write_text(case_text('["doe2019"]').replace('sources = []',
                                                     'sources = []\nbibtex = "refs.bib"'),
                    encoding="utf-8")
    with pytest.raises(ModelFileError) as e:
        load_case(path, seeds=False)
    assert e.value.key == "case.bibtex" and "'doe2019'" in str(e.value)
    (tmp_path / "refs.bib").write_text(BIB + "@book{doe2019, author={X}, title={Y}, year=1}",
                                       encoding="utf-8")
    with pytest.raises(ModelFileError, match="duplicate key 'doe2019'"):
        load_case(path, seeds=False)
