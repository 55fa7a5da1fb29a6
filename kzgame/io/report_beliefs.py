"""The report's section on E's uncertainty about R, and its figure.

For each period whose model file gives ``[periods.beliefs]``
(:mod:`kzgame.io.beliefs_spec`): the selected perfect Bayesian equilibrium of
the signalling game under the calibrated uncertainty, the probabilities of a
hold-up, a concession, a crisis and a bluff, how far E's prior must move to
change it, the screening game's verdict, and a figure with E's prior on one
axis and Delta_R / Delta_E on the other, regions by equilibrium class
(``beliefs-<n>.png`` in the report's folder).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure

__all__ = ["beliefs_figure", "beliefs_section", "continuum_line", "period_beliefs"]

_WEIGHTED = ("nash", "rubinstein", "ultimatum")


def period_beliefs(p: Any, protocol: str = "nash") -> dict[str, Any]:
    """The equilibrium analysis of one case period with a ``beliefs`` spec (numbers).

    Returns the game's parameter values, the selected classes (signalling and
    screening), the observables and the prior margin.
    """
    from ..analysis.beliefs import classify_beliefs, observables, prior_margin

    spec = p.beliefs
    proto = protocol if protocol in _WEIGHTED else "nash"
    values = {k: v for k, v in p.values.items() if k != spec.parameter}
    values.update(spec.values())
    if proto == "rubinstein":
        proto = "nash"  # the claims' terms with the Rubinstein share as beta
        dr, de = values.get("discount_r", 0.9), values.get("discount_e", 0.9)
        values["power"] = (1 - de) / (1 - dr * de)
    values.pop("discount_r", None)
    values.pop("discount_e", None)
    sig = classify_beliefs("signalling", spec.parameter, protocol=proto, **values)
    obs = observables("signalling", spec.parameter, protocol=proto, **values)
    scr = classify_beliefs("screening", spec.parameter, **values)
    scr_obs = observables("screening", spec.parameter, **values)
    margin = prior_margin("signalling", spec.parameter, protocol=proto, **values)
    return {"values": values, "protocol": proto,
            "signalling": sig.labels[int(sig.codes)] if int(sig.codes) >= 0 else "none",
            "screening": scr.labels[int(scr.codes)] if int(scr.codes) >= 0 else "none",
            "observables": {k: float(v) for k, v in obs.items()},
            "screening_observables": {k: float(v) for k, v in scr_obs.items()},
            "margin": margin}


def beliefs_figure(p: Any, protocol: str = "nash", *, nx: int = 121, ny: int = 81) -> Figure:
    """E's prior against Delta_R / Delta_E (Delta_R if Delta_E <= 0), regions by class."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from ..analysis.beliefs import classify_beliefs

    info = period_beliefs(p, protocol)
    v = dict(info["values"])
    sV = v["share"] * v.get("surplus", 1.0)
    dE = (1 - v["share"]) * v.get("surplus", 1.0) - v["outside_e"]
    spec = p.beliefs
    ratio = dE > 0
    if spec.parameter == "outside_r":
        y0 = (sV - 0.5 * (v["outside_r_low"] + v["outside_r_high"])) / (dE if ratio else 1)
    else:
        y0 = (sV - v["outside_r"]) / (dE if ratio else 1)
    ys = np.linspace(min(-0.5, y0 - 0.5), max(1.5, y0 + 0.5), ny)
    xs = np.linspace(0, 1, nx)
    X, Y = np.meshgrid(xs, ys)
    grid = {k: val for k, val in v.items() if k != "prior"}
    if spec.parameter == "outside_r":
        mid = 0.5 * (v["outside_r_low"] + v["outside_r_high"])
        half = 0.5 * (v["outside_r_high"] - v["outside_r_low"])
        center = sV - Y * (dE if ratio else 1)
        grid["outside_r_low"], grid["outside_r_high"] = center - half, center + half
        del mid
    else:
        grid["outside_r"] = sV - Y * (dE if ratio else 1)
    cls = classify_beliefs("signalling", spec.parameter, protocol=info["protocol"], prior=X,
                           **grid)
    labels = list(cls.labels)
    fig, ax = plt.subplots(figsize=(7.5, 5))
    # get_cmap is typed as returning a Colormap; tab10 is a ListedColormap of 10 RGB tuples
    tab10 = cast(ListedColormap, plt.get_cmap("tab10"))
    colors = cast("tuple[tuple[float, float, float], ...]", tab10.colors)
    cmap = ListedColormap([(0.85, 0.85, 0.85)] + [colors[k % 10] for k in range(len(labels))])
    ax.pcolormesh(X, Y, cls.codes + 1, cmap=cmap, vmin=0, vmax=len(labels), shading="auto")
    ax.plot([v["prior"]], [y0], marker="*", color="black", markersize=14, linestyle="none")
    ax.set_xlabel("E's prior on the high type, $p$")
    ax.set_ylabel(r"$\Delta_R / \Delta_E$" if ratio else r"$\Delta_R$")
    title = f"{p.label}: E uncertain about {spec.parameter} (signalling, {info['protocol']})"
    ax.set_title(title)
    handles: list[Artist] = [Patch(color=colors[k % 10], label=lab)
                             for k, lab in enumerate(labels)]
    if (cls.codes < 0).any():
        handles.append(Patch(color=(0.85, 0.85, 0.85), label="no PBE found"))
    handles.append(plt.Line2D([], [], marker="*", color="black", linestyle="none",
                              label="calibrated period"))
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    return fig


def continuum_line(p: Any, info: dict[str, Any]) -> str:
    """One line on the continuum of types the spec's ``distribution`` gives."""
    from ..analysis.beliefs import TypeDistribution, screening_continuum, signalling_continuum

    spec = p.beliefs
    dist = TypeDistribution(spec.parameter, spec.low, spec.high, spec.distribution,
                            spec.beta_a, spec.beta_b)
    v = {k: x for k, x in info["values"].items()
         if k not in ("prior", f"{spec.parameter}_low", f"{spec.parameter}_high")}
    if spec.parameter == "indispensability":
        r = signalling_continuum(dist, protocol=info["protocol"], **v)
        return (f"- A continuum ({spec.distribution} on [{spec.low:g}, {spec.high:g}]): every "
                f"type claims the terms of indispensability {float(r['claim']):.3g} "
                f"(x = {float(r['terms']):.3g}); "
                + ("R holds up." if float(r["holdup"]) else "R does not hold up."))
    r = screening_continuum(dist, **{k: x for k, x in v.items()
                                     if k in ("survival", "share", "surplus", "outside_e",
                                              "indispensability")})
    return (f"- A continuum ({spec.distribution} on [{spec.low:g}, {spec.high:g}]), screening: "
            f"E offers {float(r['offer']):.3g}; types with o_R above "
            f"{float(r['cutoff']):.3g} leave (P(crisis) = {float(r['exit']):.3g}).")


def beliefs_section(case: Any, out: str | Path, protocol: str = "nash") -> list[str]:
    """The report's Markdown section (and its figures, written into ``out``)."""
    from ..analysis.beliefs import thresholds_latex
    from .plots import save_figure

    md = ["## When is a hold-up threat believed? E's uncertainty about R", ""]
    periods = [p for p in case.periods if getattr(p, "beliefs", None) is not None]
    if not periods:
        return md + ["No period of the model file gives E's uncertainty about R "
                     "(`[periods.beliefs]`); see docs/howto/beliefs.md.", ""]
    md += ["The signalling game (R knows its type and claims terms; E updates its prior and "
           "concedes or refuses) and the screening game (after a hold-up E offers terms "
           "knowing only its prior), solved for every perfect Bayesian equilibrium; the "
           "selected one survives the intuitive criterion and is R's best "
           "(docs/theory/beliefs.md).", ""]
    for n, p in enumerate(periods, 1):
        spec = p.beliefs
        info = period_beliefs(p, protocol)
        o, m = info["observables"], info["margin"]
        tag = " (an **assumption**, not a calibration)" if spec.assumption else ""
        md += [f"### {p.label}", "",
               f"E is uncertain about `{spec.parameter}`: {spec.low:g} or {spec.high:g}, "
               f"prior {spec.prior:g} on {spec.high:g}{tag}. Sources: "
               + ", ".join(c.text for c in spec.source) + f". {spec.reasoning}", "",
               f"- Under complete information: **{p.solve(protocol).strategy.value}**.",
               f"- Signalling game: **{info['signalling']}**; P(hold-up) = {o['holdup']:.3g}, "
               f"P(concession) = {o['concession']:.3g}, P(crisis) = {o['crisis']:.3g}, "
               f"P(bluff) = {o['bluff']:.3g}, P(successful bluff) = "
               f"{o['successful_bluff']:.3g}.",
               "- How far E's prior must move to change it: "
               + (f"down to {m['down']:.4f} ({m['to_down']})" if m["down"] is not None
                  else "no lower prior changes it")
               + "; " + (f"up to {m['up']:.4f} ({m['to_up']})" if m["up"] is not None
                         else "no higher prior changes it") + ".",
               f"- Screening game (after a hold-up): **{info['screening']}**; P(crisis) = "
               f"{info['screening_observables']['crisis']:.3g}.", ""]
        if spec.distribution is not None:
            md += [continuum_line(p, info), ""]
        for k, tex in thresholds_latex("signalling", spec.parameter).items():
            md += [f"Threshold for a pooled `{k}`:", "", "$$", tex, "$$", ""]
        path = save_figure(beliefs_figure(p, protocol), Path(out) / f"beliefs-{n}.png")
        md += [f"![E's prior and the stakes, {p.label}]({path.name})", ""]
    return md
