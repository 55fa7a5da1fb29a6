"""The report as one self-contained, interactive HTML page (``kzgame report --html``).

:func:`write_html_report` writes ``report.html`` next to the Markdown report:
one file, with no server and no network (the chart library, the model and
the data are inlined), holding

* the phase diagram as an interactive chart: R's strategy over the
  (o_R, iota) plane, one slider per parameter of the period game (moving
  the o_R or iota slider moves the period's point, any other slider
  redraws the regions), a selector of the period (the sliders jump to its
  calibrated values) and of the bargaining protocol; hovering shows G_I,
  G_H, G_X (R's gains from invest, a conceded hold-up and exit relative to
  accept), E's reply to a hold-up and the strategy;
* below it, the Markdown report (tables, figures inlined as ``data:`` URIs,
  the reproducibility block), rendered with raw HTML disabled, so that text
  from a model file is shown as text, never interpreted as markup.

The page computes the classification itself, with JavaScript printed from
the engine's symbolic gains (:mod:`kzgame.io.jsmodel`): the regions drawn
are those of :func:`kzgame.classify`, point for point.

Why Plotly (plotly.js, inlined from the ``plotly`` Python package): the
regions are recomputed in the browser by the generated function at every
slider move, and Plotly draws arrays a script computes (``Plotly.react``)
with hover labels per cell; Vega-Lite (Altair) computes with its own
expression language over a data table fixed when the page is written, which
cannot call the generated model.  plotly.js is MIT licensed, actively
released, and ships with the Python package for offline pages.  The cost is
size: the page carries plotly.min.js (about 4.7 MB).
"""

from __future__ import annotations

import base64
import json
import math
import os
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import KzgameError
from ..game.registry import REGISTRY
from ..games.period_game import PROTOCOLS, period
from ..strategy import Strategy
from .cases import Case
from .jsmodel import classifier_js

__all__ = ["EXTRA", "X_AXIS", "Y_AXIS", "page_data", "render_markdown", "write_html_report"]

#: The optional extra that installs plotly and markdown-it-py.
EXTRA = "html"
#: The chart's axes: x the parameter o_R, y the parameter iota.
X_AXIS, Y_AXIS = "outside_r", "indispensability"
#: Grid cells of the drawn regions (x by y).
GRID = (121, 101)
#: Steps of a slider across its range (the slider itself takes any value).
SLIDER_STEPS = 400
_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".svg": "image/svg+xml"}


def _require(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as e:
        from ..analysis.frames import MissingExtraError

        raise MissingExtraError(
            f"{module} is needed for the HTML report but it is not installed; install the "
            f"{EXTRA!r} extra: pip install 'kzgame[{EXTRA}]'"
        ) from e


def _slider_range(case: Case, name: str) -> tuple[float, float]:
    """A slider's range: every period's value and range, widened, inside the domain."""
    values = []
    for p in case.periods:
        values.append(getattr(p.period, name))
        if name in p.specs:
            values += [p.specs[name].low, p.specs[name].high]
    lo, hi = min(values), max(values)
    pad = max(0.5 * (hi - lo), 0.1 * max(abs(lo), abs(hi)), 0.05)
    lo, hi = lo - pad, hi + pad
    dom = REGISTRY[name].domain
    eps = 1e-3
    if math.isfinite(dom.low):
        lo = max(lo, dom.low + (eps if dom.low_open else 0.0))
    if math.isfinite(dom.high):
        hi = min(hi, dom.high - (eps if dom.high_open else 0.0))
    if name == Y_AXIS:  # the chart's y axis shows the whole domain
        lo, hi = dom.low, dom.high
    return float(lo), float(hi)


def page_data(case: Case, protocol: str = "nash") -> dict[str, Any]:
    """Everything the page's script reads: protocols, parameters, periods, strategies.

    Examples
    --------
    >>> from kzgame.io.cases import load_case
    >>> case = load_case("models/kazakhstan_russia.toml", seeds=False)
    >>> d = page_data(case)
    >>> d["axes"], d["protocol"], len(d["periods"]) == len(case.periods)
    (['outside_r', 'indispensability'], 'nash', True)
    """
    from .plots import STRATEGY_COLORS

    if protocol not in PROTOCOLS:
        raise KzgameError(f"unknown protocol {protocol!r}; protocols: {', '.join(PROTOCOLS)}")
    names = [k for k in REGISTRY if any(k in proto.parameters for proto in PROTOCOLS.values())]
    params = {}
    for k in names:
        lo, hi = _slider_range(case, k)
        params[k] = {"min": lo, "max": hi, "step": (hi - lo) / SLIDER_STEPS,
                     "meaning": REGISTRY[k].meaning}
    return {
        "case": case.name,
        "protocol": protocol,
        "protocols": {k: {"summary": v.summary, "parameters": list(v.parameters)}
                      for k, v in PROTOCOLS.items()},
        "parameters": params,
        "periods": [{"label": p.label, "values": p.period.as_dict(),
                     "calibrated": sorted(p.specs)} for p in case.periods],
        "strategies": [{"code": s.code, "name": s.value, "color": STRATEGY_COLORS[s]}
                       for s in Strategy],
        "axes": [X_AXIS, Y_AXIS],
        "grid": list(GRID),
        "version": __version__,
    }


def _script_json(obj: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``<``, ``>`` or ``&`` characters)."""
    text = json.dumps(obj, ensure_ascii=True, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_markdown(text: str, folder: Path | None = None) -> str:
    """Markdown to HTML with raw HTML disabled; local images inlined as ``data:`` URIs.

    Text that looks like markup (``<script>``) is escaped, links with
    unsafe schemes (``javascript:``) are not made links (markdown-it's
    link validation), and an image the folder does not hold is dropped to
    its alt text.

    Examples
    --------
    >>> print(render_markdown("| a |\\n|---|\\n| <b>x</b> |"), end="")
    <table>
    <thead>
    <tr>
    <th>a</th>
    </tr>
    </thead>
    <tbody>
    <tr>
    <td>&lt;b&gt;x&lt;/b&gt;</td>
    </tr>
    </tbody>
    </table>
    """
    markdown_it = _require("markdown_it")
    md = markdown_it.MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    for tok in tokens:
        for child in tok.children or ():
            if child.type != "image":
                continue
            src = str(child.attrGet("src") or "")
            data = _inline_image(src, folder)
            if data is None:
                child.type, child.tag = "text", ""
                child.content = child.content or "(image)"
                child.children = None
            else:
                child.attrSet("src", data)
    return md.renderer.render(tokens, md.options, {})


def _inline_image(src: str, folder: Path | None) -> str | None:
    if folder is None or "/" in src or "\\" in src or src.startswith("."):
        return None
    path = folder / src
    kind = _IMAGE_TYPES.get(path.suffix.lower())
    if kind is None or not path.is_file():
        return None
    return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def write_html_report(
    case: Case,
    out: str | os.PathLike[str],
    *,
    protocol: str = "nash",
    markdown: str | os.PathLike[str] | None = None,
) -> Path:
    """Write ``report.html`` (see the module docstring) into the folder ``out``.

    Parameters
    ----------
    case : Case
    out : path-like
        The folder (as :func:`kzgame.io.report.write_report`'s ``out``).
    protocol : str, default "nash"
        The protocol the page opens with.
    markdown : path-like, optional
        The Markdown report shown below the chart (default ``out/report.md``,
        written by :func:`kzgame.io.report.write_report`); its images are
        read from its folder and inlined.

    Returns
    -------
    pathlib.Path
        The page.

    Raises
    ------
    MissingExtraError
        Without plotly or markdown-it-py (the ``html`` extra).
    """
    from .plots import check_out_dir

    plotly_offline = _require("plotly.offline")
    folder = check_out_dir(out)
    md_path = Path(markdown) if markdown is not None else folder / "report.md"
    body = render_markdown(md_path.read_text(encoding="utf-8"), md_path.parent)
    data = page_data(case, protocol)
    models = ",\n".join(f"{json.dumps(k)}: {classifier_js(period(k))}" for k in PROTOCOLS)
    plotly_js = plotly_offline.get_plotlyjs()
    if "</script" in plotly_js.lower():  # pragma: no cover - plotly.js never holds it
        raise KzgameError("the plotly.js bundle holds '</script' and cannot be inlined")
    page = _TEMPLATE.format(
        title=_html_escape(f"{case.name}: invest, hold up or accept?"),
        plotly=plotly_js,
        data=_script_json(data),
        models=models,
        app=_APP,
        report=body,
        version=_html_escape(__version__),
    )
    path = folder / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def _html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; \
font-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 72em;
       padding: 0 1em; color: #222; }}
#kz-controls {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(20em, 1fr));
               gap: 0.3em 1.5em; margin: 0.5em 0; }}
#kz-controls label {{ display: flex; gap: 0.5em; align-items: center; font-size: 0.9em; }}
#kz-controls label span.name {{ width: 9em; font-family: monospace; }}
#kz-controls input[type=range] {{ flex: 1; }}
#kz-controls output {{ width: 5em; text-align: right; font-family: monospace; }}
#kz-controls label.unused {{ opacity: 0.4; }}
#kz-point {{ font-size: 1.05em; margin: 0.5em 0; }}
#kz-chart {{ width: 100%; height: 560px; }}
table {{ border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 0.2em 0.5em; }}
img {{ max-width: 100%; }}
pre {{ background: #f5f5f5; padding: 0.5em; overflow-x: auto; }}
</style>
<script>{plotly}</script>
</head>
<body>
<h1>{title}</h1>
<p>Interactive phase diagram (kzgame {version}): R's subgame-perfect strategy over
R's outside option o_R (x) and E's perceived indispensability of R, iota (y), the other
parameters at the sliders' values. The star is the period's point. Hover over the chart for
R's gains G_I, G_H, G_X relative to accept and the strategy. The page computes the model
itself (JavaScript printed from kzgame's symbolic gains); it needs no network.</p>
<div>
<label>Period <select id="kz-period"></select></label>
<label>Protocol <select id="kz-protocol"></select></label>
<button id="kz-reset" type="button">Reset to the period's values</button>
</div>
<p id="kz-protocol-summary"></p>
<div id="kz-controls"></div>
<div id="kz-point"></div>
<div id="kz-chart"></div>
<script id="kz-data" type="application/json">{data}</script>
<script>
"use strict";
const KZ_MODELS = {{
{models}
}};
{app}
</script>
<hr>
<main id="kz-report">
{report}
</main>
</body>
</html>
"""

# The page's script: builds the controls from the data, classifies the grid with the
# generated model functions, draws with Plotly.  Text from the model file (labels) is
# set with textContent, never innerHTML.
_APP = r"""
const KZ = JSON.parse(document.getElementById("kz-data").textContent);
const state = {period: 0, protocol: KZ.protocol, values: {}};
const [XN, YN] = KZ.axes;
const NAMES = KZ.strategies.map(s => s.name);

function fmt(x) { return Number.isFinite(x) ? x.toPrecision(4) : String(x); }

function classifyPoint(values) {
  const r = KZ_MODELS[state.protocol](values, 0.0);
  return {code: r.code, strategy: NAMES[r.code], G_I: r.gains["invest"],
          G_H: r.gains["hold-up/concede"], G_X: r.gains["exit"],
          concede: r.moves["hold-up"] === 0};
}

function hoverText(values, r) {
  return XN + " = " + fmt(values[XN]) + "<br>" + YN + " = " + fmt(values[YN]) +
    "<br>G_I = " + fmt(r.G_I) + "<br>G_H = " + fmt(r.G_H) + "<br>G_X = " + fmt(r.G_X) +
    "<br>E " + (r.concede ? "concedes to" : "refuses") + " a hold-up" +
    "<br>strategy: <b>" + r.strategy + "</b>";
}

function axisValues(name, n) {
  const p = KZ.parameters[name];
  const out = [];
  for (let i = 0; i < n; i++) out.push(p.min + (p.max - p.min) * i / (n - 1));
  return out;
}

function grid() {
  const xs = axisValues(XN, KZ.grid[0]), ys = axisValues(YN, KZ.grid[1]);
  const z = [], text = [];
  const v = Object.assign({}, state.values);
  for (const y of ys) {
    const zr = [], tr = [];
    v[YN] = y;
    for (const x of xs) {
      v[XN] = x;
      const r = classifyPoint(v);
      zr.push(r.code);
      tr.push(hoverText(v, r));
    }
    z.push(zr);
    text.push(tr);
  }
  return {xs, ys, z, text};
}

function colorscale() {
  const n = KZ.strategies.length, cs = [];
  KZ.strategies.forEach((s, i) => { cs.push([i / n, s.color]); cs.push([(i + 1) / n, s.color]); });
  return cs;
}

function draw() {
  const g = grid();
  const point = classifyPoint(state.values);
  const label = KZ.periods[state.period].label;
  const traces = [{
    type: "heatmap", x: g.xs, y: g.ys, z: g.z, text: g.text, zmin: -0.5,
    zmax: KZ.strategies.length - 0.5, colorscale: colorscale(), showscale: false,
    hovertemplate: "%{text}<extra></extra>", name: "regions", opacity: 0.75,
  }];
  KZ.strategies.forEach(s => traces.push({type: "scatter", x: [null], y: [null],
    mode: "markers", marker: {color: s.color, size: 12, symbol: "square"}, name: s.name,
    showlegend: true, hoverinfo: "skip"}));
  traces.push({type: "scatter", x: [state.values[XN]], y: [state.values[YN]],
    mode: "markers", name: "the period", marker: {symbol: "star", size: 18, color: "black",
    line: {color: "white", width: 1.5}}, text: [hoverText(state.values, point)],
    hovertemplate: "%{text}<extra></extra>"});
  const layout = {
    title: {text: "R's strategy (" + state.protocol + " protocol)"},
    xaxis: {title: {text: XN + " (o_R)"}, range: [KZ.parameters[XN].min,
            KZ.parameters[XN].max]},
    yaxis: {title: {text: YN + " (iota)"}, range: [KZ.parameters[YN].min,
            KZ.parameters[YN].max]},
    margin: {t: 50, r: 20}, legend: {orientation: "h", y: -0.15},
  };
  Plotly.react("kz-chart", traces, layout, {displaylogo: false, responsive: true});
  const el = document.getElementById("kz-point");
  el.dataset.strategy = point.strategy;
  el.dataset.code = String(point.code);
  el.textContent = label + ": " + point.strategy + " (G_I = " + fmt(point.G_I) + ", G_H = " +
    fmt(point.G_H) + ", G_X = " + fmt(point.G_X) + "; E " +
    (point.concede ? "concedes to" : "refuses") + " a hold-up)";
  window.kzState = {values: Object.assign({}, state.values), protocol: state.protocol,
                    point: point, grid: {x: g.xs, y: g.ys, z: g.z}};
}

function setValues(values) {
  for (const name of Object.keys(KZ.parameters)) {
    const v = values[name];
    state.values[name] = v;
    const input = document.getElementById("kz-slider-" + name);
    input.value = String(v);
    document.getElementById("kz-out-" + name).textContent = fmt(v);
  }
}

function markUsed() {
  const used = KZ.protocols[state.protocol].parameters;
  const calibrated = KZ.periods[state.period].calibrated;
  for (const name of Object.keys(KZ.parameters)) {
    const label = document.getElementById("kz-label-" + name);
    label.classList.toggle("unused", !used.includes(name));
    label.title = KZ.parameters[name].meaning +
      (calibrated.includes(name) ? "" : " (not calibrated in this period: the default)");
  }
  document.getElementById("kz-protocol-summary").textContent =
    state.protocol + ": " + KZ.protocols[state.protocol].summary;
}

function build() {
  const periodSel = document.getElementById("kz-period");
  KZ.periods.forEach((p, i) => {
    const o = document.createElement("option"); o.value = String(i); o.textContent = p.label;
    periodSel.appendChild(o);
  });
  const protoSel = document.getElementById("kz-protocol");
  for (const k of Object.keys(KZ.protocols)) {
    const o = document.createElement("option"); o.value = k; o.textContent = k;
    protoSel.appendChild(o);
  }
  protoSel.value = state.protocol;
  const box = document.getElementById("kz-controls");
  for (const [name, p] of Object.entries(KZ.parameters)) {
    const label = document.createElement("label");
    label.id = "kz-label-" + name;
    const span = document.createElement("span"); span.className = "name"; span.textContent = name;
    const input = document.createElement("input");
    input.type = "range"; input.id = "kz-slider-" + name; input.min = String(p.min);
    input.max = String(p.max); input.step = "any";
    const out = document.createElement("output"); out.id = "kz-out-" + name;
    input.addEventListener("input", () => {
      state.values[name] = Number(input.value);
      out.textContent = fmt(state.values[name]);
      draw();
    });
    label.append(span, input, out);
    box.appendChild(label);
  }
  periodSel.addEventListener("change", () => {
    state.period = Number(periodSel.value);
    setValues(KZ.periods[state.period].values); markUsed(); draw();
  });
  protoSel.addEventListener("change", () => {
    state.protocol = protoSel.value; markUsed(); draw();
  });
  document.getElementById("kz-reset").addEventListener("click", () => {
    setValues(KZ.periods[state.period].values); draw();
  });
  setValues(KZ.periods[0].values);
  markUsed();
  draw();
}

build();
"""
