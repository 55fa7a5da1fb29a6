"""The report's commitment section: which verdicts survive each commitment assumption.

:func:`commitment_section` writes, per period, the verdict under full
commitment (the period game), without commitment and under brinkmanship
(:mod:`kzgame.analysis.commitment`), whether R's threat to leave is
credible, and, from the Monte Carlo draws, the share of the hold-ups that
survive without commitment.  pi and xi_R come from the model file's
``[periods.commitment]`` where it gives them; otherwise the section says
what it assumes (xi_R = 0) and gives the brinkmanship verdict as a function
of pi.

Examples
--------
>>> import kzgame
>>> case = kzgame.load_case("models/kazakhstan_russia.toml")
>>> text = "\\n".join(commitment_section(case))
>>> print(text.splitlines()[0])
## Does the verdict survive without commitment?
>>> "| 2014–2019 | **hold-up** |" in text
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..analysis.commitment import commitment_verdicts, compare_commitments
from ..analysis.uncertainty import MonteCarloResult
from ._format import md_inline
from ._format import number as _num
from ._format import share as _pct
from .cases import Case, CasePeriod, ModelFileError

__all__ = ["commitment_section"]


def _row_values(p: CasePeriod) -> dict[str, float]:
    values = dict(p.values)
    if "exit_premium" in p.commitment:
        values["exit_premium"] = p.commitment["exit_premium"].value
    return values


def _mc_survival(p: CasePeriod, m: MonteCarloResult | None, protocol: str) -> str:
    """Of the draws that are hold-up under full commitment, the share kept without it."""
    if m is None or m.samples is None:
        return "—"
    draws: dict[str, Any] = {k: np.asarray(v) for k, v in m.samples.items()}
    if "exit_premium" in p.commitment and "exit_premium" not in draws:
        draws["exit_premium"] = np.asarray(p.commitment["exit_premium"].value)
    share = compare_commitments(protocol=protocol, **draws).survives("none")
    return "no hold-up draws" if np.isnan(share) else _pct(share)


def commitment_section(
    case: Case,
    protocol: str = "nash",
    mc: Mapping[str, MonteCarloResult] | None = None,
) -> list[str]:
    """The Markdown lines of the report's commitment section.

    Parameters
    ----------
    case : Case
        A loaded model file.
    protocol : str, default "nash"
        The bargaining protocol.
    mc : mapping, optional
        Monte Carlo results per period label, with their draws (``keep=True``):
        adds the share of hold-up draws that survive without commitment.

    Returns
    -------
    list of str
        Lines of Markdown, starting with the section's heading.
    """
    rows = []
    given_pi = False
    for p in case.periods:
        try:
            p.check_protocol(protocol)
        except ModelFileError:
            rows.append([md_inline(p.label)] + ["— (discount factors not calibrated)"] * 6)
            continue
        pi = p.commitment.get("breakdown_risk")
        given_pi |= pi is not None
        v = commitment_verdicts(_row_values(p), protocol=protocol,
                                breakdown_risk=None if pi is None else pi.value)
        brink = v.describe_brinkmanship()
        if pi is not None and not pi.is_point:
            low, high = v.brinkmanship(pi.low), v.brinkmanship(pi.high)
            brink += f"; over [{pi.low:g}, {pi.high:g}]: {low} to {high}"
        m = None if mc is None else mc.get(p.label)
        rows.append([
            md_inline(p.label), f"**{v.verdicts['full']}**", _num(v.stay_margin),
            "yes" if v.credible else "no", v.verdicts["none"], brink,
            _mc_survival(p, m, protocol),
        ])
    header = ["Period", "Full commitment", r"Stay margin $q\Delta_R - \xi_R$",
              "Threat credible", "No commitment", r"Brinkmanship (risk $\pi$)",
              "Hold-up draws kept without commitment"]
    lines = [
        "## Does the verdict survive without commitment?",
        "",
        "The model's verdicts assume that R carries out its threat: a hold-up E refuses "
        "ends in R leaving. Where R's stay margin is positive it would rather stay after a "
        "refusal, so without commitment the threat is empty (docs/theory/commitment.md). "
        "*No commitment*: R chooses again after a refusal. *Brinkmanship*: a refusal ends "
        r"in breakdown with probability $\pi$, else in the status quo; a hold-up then pays "
        r"only above a risk $\pi^*$.",
        "",
        "| " + " | ".join(header) + " |",
        "| " + " | ".join([":---"] + [":---"] * 2 + [":---:"] + [":---"] * 3) + " |",
    ]
    lines += ["| " + " | ".join(" ".join(str(c).split()).replace("|", "\\|") for c in row)
              + " |" for row in rows]
    assumed = ("" if given_pi else
               r"The model file gives no $\pi$ for any period: the brinkmanship column "
               r"gives the verdict as a function of $\pi \in [0, 1]$. ")
    if not any("exit_premium" in p.commitment for p in case.periods):
        assumed += (r"It gives no $\xi_R$: R is assumed to get $o_R$ outside the regime "
                    r"whether the regime collapses or goes on without it ($\xi_R = 0$). ")
    lines += [
        "",
        assumed + "Hold-up draws kept: of the Monte Carlo draws that are hold-up under full "
        "commitment, the share that stay hold-up without it.",
        "",
    ]
    return lines
