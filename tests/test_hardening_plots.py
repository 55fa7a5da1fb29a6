"""Issue 15, figures: text from model files is drawn literally (a ``$...$`` in a case name
or label is not math text and cannot crash the drawing); numeric options are validated."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kzgame.errors import KzgameError, ParameterError
from kzgame.io.cases import load_case
from kzgame.io.plots import (
    phase_diagram,
    plain_text,
    robustness_chart,
    save_figure,
    sensitivity_chart,
)

TOY = Path(__file__).resolve().parent / "data" / "toy_case.toml"
HOSTILE = {
    "name": r"Toy $\frac{$ Dyad",
    "rising": "$R$",
    "established": r"E $\undefinedcommand$",
    "early": "$x^$",
    "late": "costs $5 and $6",
}


def toml_literal(text: str) -> str:
    return "'" + text + "'"  # a TOML literal string: no escapes


@pytest.fixture(scope="module")
def hostile_case(tmp_path_factory):
    text = TOY.read_text(encoding="utf-8")
    for key in ("name", "rising", "established"):
        line = f"{key} = {toml_literal(HOSTILE[key])}"
        text = re.sub(rf'^{key} = ".*"$', lambda m, line=line: line, text, count=1, flags=re.M)
    for label in ("early", "late"):
        text = text.replace(f'label = "{label}"', f"label = {toml_literal(HOSTILE[label])}")
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    for seed in TOY.parent.glob("toy_*.txt"):
        (folder / seed.name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    case = load_case(path, seeds=False)
    assert case.name == HOSTILE["name"] and case.labels == (HOSTILE["early"], HOSTILE["late"])
    return case


def drawn_texts(fig) -> list[str]:
    """Every text of the figure as matplotlib will render it (after its math handling)."""
    out = []
    for t in fig.findobj(match=lambda a: hasattr(a, "_preprocess_math")):
        s, ismath = t._preprocess_math(t.get_text())
        out.append(s if not ismath else s.replace(r"\$", "$"))
    return out


def test_unescaped_math_text_would_crash():
    # Why the escaping matters: matplotlib parses "$x^$" as math text and fails to draw.
    fig = Figure()
    FigureCanvasAgg(fig)
    fig.suptitle(HOSTILE["early"])
    with pytest.raises(ValueError):
        fig.canvas.draw()


@pytest.mark.parametrize("chart", [phase_diagram, robustness_chart, sensitivity_chart])
def test_model_file_text_is_drawn_literally(hostile_case, chart, tmp_path):
    kwargs = {"n": 400, "resolution": (20, 10)} if chart is phase_diagram else {"n": 400}
    fig = chart(hostile_case, **kwargs)
    path = save_figure(fig, tmp_path / "fig.png", dpi=30)  # draws every text
    assert path.stat().st_size > 0
    texts = "\n".join(drawn_texts(fig))
    assert HOSTILE["name"] in texts
    for label in ("early", "late"):
        assert HOSTILE[label] in texts
    if chart is phase_diagram:
        assert HOSTILE["rising"] in texts and HOSTILE["established"] in texts


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet="$\\^_{}ab x", max_size=12))
def test_plain_text_is_never_math(text):
    fig = Figure(figsize=(2, 1))
    FigureCanvasAgg(fig)
    t = fig.text(0.1, 0.5, plain_text(text))
    s, ismath = t._preprocess_math(t.get_text())
    assert not ismath and s == text
    fig.canvas.draw()


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"resolution": (0, 10)}, r"resolution\[0\] = 0: give an integer from 2 to 4000"),
    ({"resolution": (10, 10**6)}, r"resolution\[1\] = 1000000"),
    ({"resolution": (10.5, 10)}, r"resolution\[0\] = 10.5"),
    ({"resolution": 10}, r"resolution = 10: give two integers"),
    ({"cloud": -1}, r"cloud = -1: give an integer from 0 to"),
    ({"cloud": True}, r"cloud = True"),
    ({"n": 0}, r"n = 0"),
    ({"n": 10**13}, r"n = 10000000000000"),
    ({"seed": -1}, r"seed = -1: give a non-negative integer"),
    ({"distribution": "normal"}, r"unknown distribution 'normal'"),
    ({"xaxis": ["ratio"]}, r"unknown x axis"),
])
def test_phase_diagram_options_are_validated(kwargs, match):
    case = load_case(TOY, seeds=False)
    with pytest.raises(KzgameError, match=match):
        phase_diagram(case, **kwargs)


@pytest.mark.parametrize("chart", [robustness_chart, sensitivity_chart])
@pytest.mark.parametrize(("kwargs", "match"), [
    ({"n": 2.5}, r"n = 2.5"), ({"seed": "0"}, r"seed = '0'"),
    ({"distribution": 1}, "unknown distribution"),
])
def test_chart_options_are_validated(chart, kwargs, match):
    with pytest.raises(KzgameError, match=match):
        chart(load_case(TOY, seeds=False), **kwargs)


@pytest.mark.parametrize("dpi", [0, 5, 10**6, 72.5, True, "150"])
def test_save_figure_dpi_is_validated(dpi, tmp_path):
    fig = Figure()
    with pytest.raises(ParameterError, match=r"^dpi = .*: give an integer from 10 to 1200"):
        save_figure(fig, tmp_path / "f.png", dpi=dpi)
    assert list(tmp_path.iterdir()) == []


def test_legal_options_still_draw(tmp_path):
    case = load_case(TOY, seeds=False)
    fig = phase_diagram(case, n=300, resolution=(2, 2), cloud=0, seed=np.int64(3))
    assert save_figure(fig, tmp_path / "f.png", dpi=10).exists()
