"""Build data/episodes.csv: the coded episodes of the seeds and the periods of the model files.

Run from the repository root (it reads ``models/*.toml`` and writes
``data/episodes.csv``; the codebook is ``data/episodes.md``)::

    PYTHONPATH=. python scripts/build_episodes.py

Periods come from the model files (verdicts, coded values and the citations
the files give); episodes are coded here by hand from the seed lines cited
in each row.  An episode's indicators are those of the model-file period that
contains it (same dyad), cited as that period's codings.
"""

from __future__ import annotations

import csv
from pathlib import Path

from kzgame.io.cases import load_case

ROOT = Path(__file__).resolve().parents[1]
MODELS = {"kazakhstan_russia": "KAZ-RUS", "kazakhstan_eu": "KAZ-EU",
          "uzbekistan_eaeu": "UZB-RUS"}
LEVELS = {"poor": 0, "moderate": 1, "good": 2}
VALUES = ("surplus", "share", "outside_r", "outside_e", "indispensability", "survival",
          "invest_cost", "power", "holdup_cost")
VERDICT = {"invest": "invest", "accept": "accept", "hold-up": "hold-up", "exit": "exit"}

# (id, label, start, end, date source, outcome, outcome source, description)
EPISODES = [
    ("E01", "Customs Union tariff concessions", 2010, 2010, "000:69",
     "invest", "000:69",
     "Kazakhstan raised its average tariff from 6.2 % to 10.6 % for the Unified Customs "
     "Tariff, partly offset by transit terms: a costly step into the regime."),
    ("E02", "Political provisions removed from the EAEU treaty", 2014, 2014, "000:73",
     "hold-up conceded", "000:73-80",
     "Citizenship, compatriots, export control, an assembly, military cooperation and the "
     "currency union were dropped at Kazakhstan's (and Belarus's) insistence; the treaty was "
     "signed without them."),
    ("E03", "Warning to quit the EAEU if sovereignty is at risk", 2014, 2014, "000:84",
     "hold-up", "000:84",
     "Official discourse turned to warnings that Kazakhstan would quit; the source does not "
     "describe a Russian answer to the warning itself (E's move unobserved)."),
    ("E04", "Trade war: bans on Russian food and oil products", 2015, 2015, "000:88",
     "hold-up", "000:88-90",
     "Import bans and no participation in Russia's food counter-sanctions (also 001:479); "
     "Russia's answer is not described (E's move unobserved)."),
    ("E05", "Conditions on Armenia's and Kyrgyzstan's accession", 2014, 2015, "000:92",
     "hold-up conceded", "000:92",
     "Kazakhstan opposed the accessions and threatened its membership; 'Armenia and "
     "Kyrgyzstan were admitted to the EAEU on Kazakhstan's conditions'."),
    ("E06", "Exemptions from transport-services liberalization", 2014, 2016, "000:94",
     "hold-up conceded", "000:94",
     "Kazakhstan secured exemptions and, with Minsk, blocked a single market of transport "
     "services (Roberts 2016)."),
    ("E07", "Supranational EAEU parliament shelved", 2014, 2016, "000:94",
     "hold-up conceded", "000:94",
     "Nazarbayev warned Kazakhstan might leave the organization, 'so the idea had to be "
     "shelved'."),
    ("E08", "Investment bank and customs-union push", 2005, 2005, "001:403",
     "invest", "001:401-403",
     "Kazakhstan an 'enthusiastic promoter of the emerging regime'; agreed to set up an "
     "investment bank with $1.5 billion."),
    ("E09", "Contribution to the EurAsEC anti-crisis fund", 2009, 2009, "001:437",
     "invest", "001:437",
     "Kazakhstan was the second biggest contributor to the $8.5 billion fund, 'never used to "
     "back up Kazakh economy'."),
    ("E10", "Joint air defence: S-300 systems free of charge", 2007, 2011, "001:361",
     "hold-up conceded", "001:361-371",
     "Bargaining over the joint air-defence system in which 'Kazakhstan have extracted "
     "additional benefits': Moscow delivered S-300 systems free of charge; Kazakhstan kept "
     "control over its airspace."),
    ("E11", "Consent rule for CSTO intervention", 2010, 2010, "001:359",
     "hold-up conceded", "001:349-359",
     "Nazarbayev rejected any CSTO intervention without the host's consent; the rule was "
     "restated by the Secretary General and Lavrov."),
    ("E12", "Refusal to sign the EurAsEC-to-EEU agreement", 2012, 2012, "001:441",
     "hold-up", "001:441",
     "Kazakhstan 'refused to sign the agreement, transforming EurAsEc into EEU in 2012'; the "
     "immediate Russian answer is not described (E's move unobserved)."),
    ("E13", "Minsk speech: demands on the Customs Union, deadline May 2014", 2013, 2014,
     "001:453", "hold-up conceded", "001:453-467",
     "Nazarbayev criticized the common market and demanded joint investment; 'He was heard': "
     "'the hegemon has agreed on the conditions' (001:467)."),
]


def _period_rows() -> list[dict[str, str]]:
    rows = []
    for stem, dyad in MODELS.items():
        case = load_case(ROOT / "models" / f"{stem}.toml")
        for p in case.periods:
            codings = {c.coding: c for c in p.codings}
            row = {
                "id": f"{dyad}:{p.start}",
                "dyad": dyad,
                "unit": "period",
                "label": f"{case.rising}-{case.established} {p.label}",
                "start": str(p.start),
                "end": str(p.end),
                "date_source": f"models/{stem}.toml [{p.label}]",
                "outcome": VERDICT[p.verdict],
                "outcome_source": "; ".join(c.text for c in p.verdict_source),
                "period": f"{dyad}:{p.start}",
            }
            oo = codings.get("outside_options")
            row["outside_options"] = oo.level if oo else ""
            row["outside_options_code"] = str(LEVELS[oo.level]) if oo else ""
            row["outside_options_source"] = "; ".join(c.text for c in oo.source) if oo else ""
            for k in VALUES:
                row[k] = repr(float(p.values[k]))
            row["values_source"] = (
                f"models/{stem}.toml [{p.label}]"
                + ("; codings: " + "; ".join(
                    f"{c.coding}={c.level} ({', '.join(s.text for s in c.source)})"
                    for c in p.codings) if p.codings else "; typed values (no codings)")
            )
            row["description"] = p.notes.split(". ")[0][:300]
            rows.append(row)
    return rows


def main() -> None:
    periods = _period_rows()
    by_id = {r["id"]: r for r in periods}
    rows = list(periods)
    kz = [r for r in periods if r["dyad"] == "KAZ-RUS"]
    for eid, label, start, end, dsrc, out, osrc, desc in EPISODES:
        home = next(r for r in kz if int(r["start"]) <= start <= int(r["end"]))
        row = {k: home[k] for k in ("dyad", "outside_options", "outside_options_code",
                                    "outside_options_source", *VALUES)}
        row.update({
            "id": eid, "unit": "episode", "label": label, "start": str(start),
            "end": str(end), "date_source": dsrc, "outcome": out, "outcome_source": osrc,
            "period": home["id"],
            "values_source": f"the containing period {home['id']}: {home['values_source']}",
            "description": desc,
        })
        rows.append(row)
    assert all(r["period"] in by_id for r in rows)
    fields = ["id", "dyad", "unit", "label", "start", "end", "date_source", "outcome",
              "outcome_source", "period", "outside_options", "outside_options_code",
              "outside_options_source", *VALUES, "values_source", "description"]
    out = ROOT / "data" / "episodes.csv"
    out.parent.mkdir(exist_ok=True)
    with out.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main()
