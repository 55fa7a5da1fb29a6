"""The interactive HTML report: self-contained, the model's own codes, in a real browser.

The browser tests run a headless Chromium from the system's packages
(Debian/Ubuntu: ``apt-get install -y chromium``; ``.ci/run`` installs it) through
Playwright.  They never download a browser, and they fail (not skip) when it is
missing.  A screenshot of the page is kept under the test's temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import kzgame
from kzgame.games.period_game import PROTOCOLS
from kzgame.io.cases import load_case
from kzgame.io.cli import main
from kzgame.io.html_report import page_data, render_markdown
from kzgame.strategy import Strategy

ROOT = Path(__file__).resolve().parents[1]
KZ = ROOT / "models" / "kazakhstan_russia.toml"
TOY = ROOT / "tests" / "data" / "toy_case.toml"
CHROMIUM = os.environ.get("KZGAME_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _browser(pw):
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not path:
        pytest.fail(
            f"no Chromium at {CHROMIUM}: the HTML report's browser test needs the system's "
            "Chromium (Debian/Ubuntu: sudo apt-get install -y chromium; or set KZGAME_CHROMIUM "
            "to its path). CI installs it in .ci/run.", pytrace=False)
    return pw.chromium.launch(executable_path=path, args=ARGS)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The Kazakhstan report with --html, written through the CLI, and a toy case with
    markup in its model file."""
    out = tmp_path_factory.mktemp("html")
    assert main(["report", str(KZ), "--out", str(out / "kz"), "--draws", "300",
                 "--html"]) == 0
    evil = out / "evil.toml"
    text = TOY.read_text(encoding="utf-8")
    text = text.replace('name = "Toy–Dyad"', 'name = "<img src=x onerror=alert(1)>"')
    text = text.replace('label = "early"', 'label = "<script>alert(2)</script>"')
    evil.write_text(text, encoding="utf-8")
    (out / "seeds").symlink_to(TOY.parent / "seeds")
    assert main(["report", str(evil), "--out", str(out / "evil"), "--draws", "200",
                 "--html"]) == 0
    return out


def _sync_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        pytest.fail("playwright is not installed: pip install -e '.[test]'", pytrace=False)
    return sync_playwright()


def _open(pw, page_path: Path):
    browser = _browser(pw)
    page = browser.new_page(viewport={"width": 1200, "height": 1100})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_path.as_uri())
    page.wait_for_function("window.kzState !== undefined")
    return browser, page, problems, requests


def _state(page):
    return page.evaluate("window.kzState")


def _classify_grid(state, protocol):
    values = dict(state["values"])
    xs, ys = np.array(state["grid"]["x"]), np.array(state["grid"]["y"])
    values["outside_r"] = xs
    values["indispensability"] = ys[:, None]
    used = PROTOCOLS[protocol].parameters
    return kzgame.classify(protocol=protocol, **{k: v for k, v in values.items() if k in used})


def _set_slider(page, name, value):
    page.eval_on_selector(f"#kz-slider-{name}", """(el, v) => {
        el.value = String(v); el.dispatchEvent(new Event("input", {bubbles: true})); }""",
        value)


def test_page_in_a_browser(site, tmp_path):
    case = load_case(KZ, seeds=False)
    html = site / "kz" / "report.html"
    with _sync_playwright() as pw:
        browser, page, problems, requests = _open(pw, html)
        try:
            # the drawn point and regions are the package's, at the first period's values
            first = case.periods[0]
            state = _state(page)
            assert state["point"]["strategy"] == first.solve("nash").strategy.value
            assert page.get_attribute("#kz-point", "data-strategy") == state["point"]["strategy"]
            r = first.solve("nash")
            assert state["point"]["G_I"] == r.gain_invest
            assert state["point"]["G_H"] == r.gain_holdup
            assert state["point"]["G_X"] == r.gain_exit
            np.testing.assert_array_equal(np.array(state["grid"]["z"]),
                                          _classify_grid(state, "nash"))
            # move the iota slider to where the model says the strategy changes
            ranges = page_data(case)["parameters"]
            candidates = np.linspace(0.0, 1.0, 201)
            o_r_grid = np.linspace(ranges["outside_r"]["min"], ranges["outside_r"]["max"], 41)
            target = None
            for i, per in enumerate(case.periods):  # a point whose strategy depends on iota
                x0 = per.period.indispensability
                for o_r in o_r_grid:
                    vals = {**per.period.as_dict(), "outside_r": float(o_r)}
                    codes = kzgame.classify(**{**vals, "indispensability": candidates})
                    here = int(kzgame.classify(**{**vals, "indispensability": x0}))
                    if (codes != here).any():
                        target = (i, float(o_r), float(candidates[np.argmax(codes != here)]),
                                  here)
                        break
                if target:
                    break
            assert target is not None, "no o_R where iota changes the strategy"
            i, o_r, iota, before = target
            chosen = case.periods[i]
            page.select_option("#kz-period", str(i))
            _set_slider(page, "outside_r", o_r)
            assert _state(page)["point"]["code"] == before
            _set_slider(page, "indispensability", iota)
            state = _state(page)
            expected = kzgame.solve(kzgame.Period(**{**chosen.period.as_dict(),
                                                     "outside_r": o_r,
                                                     "indispensability": iota}))
            assert state["point"]["strategy"] == expected.strategy.value != \
                Strategy.from_code(before).value
            assert page.get_attribute("#kz-point", "data-strategy") == expected.strategy.value
            # another slider redraws the regions, as classify draws them
            _set_slider(page, "survival", 0.3)
            state = _state(page)
            np.testing.assert_array_equal(np.array(state["grid"]["z"]),
                                          _classify_grid(state, "nash"))
            # the protocol selector: the ultimatum protocol's regions
            page.select_option("#kz-protocol", "ultimatum")
            state = _state(page)
            assert state["protocol"] == "ultimatum"
            np.testing.assert_array_equal(np.array(state["grid"]["z"]),
                                          _classify_grid(state, "ultimatum"))
            # the period selector resets the sliders to that period's values
            last = case.periods[-1]
            page.select_option("#kz-period", str(len(case.periods) - 1))
            state = _state(page)
            assert state["values"] == last.period.as_dict()
            assert state["point"]["strategy"] == last.solve("ultimatum").strategy.value
            # hovering shows the gains and the strategy
            box = page.locator("#kz-chart .nsewdrag").first.bounding_box()
            page.mouse.move(box["x"] + 0.3 * box["width"], box["y"] + 0.6 * box["height"])
            page.wait_for_function(
                "document.querySelector('.hoverlayer') && "
                "document.querySelector('.hoverlayer').textContent.includes('G_X')")
            hover = page.evaluate("document.querySelector('.hoverlayer').textContent")
            for key in ("G_I = ", "G_H = ", "G_X = ", "strategy: "):
                assert key in hover
            assert re.search(r"strategy: (accept|invest|hold-up|exit)", hover)
            # the generated model gives classify's codes on random points, every protocol
            rng = np.random.default_rng(17)
            n = 3000
            pts = {
                "surplus": rng.uniform(0.2, 2.0, n), "share": rng.uniform(0, 1, n),
                "outside_r": rng.uniform(-1, 1.5, n), "outside_e": rng.uniform(-1, 1.5, n),
                "indispensability": rng.uniform(0, 1, n), "survival": rng.uniform(0, 1, n),
                "invest_cost": rng.uniform(0, 0.5, n), "power": rng.uniform(0.01, 0.99, n),
                "holdup_cost": rng.uniform(0, 0.3, n), "discount_r": rng.uniform(0, 0.99, n),
                "discount_e": rng.uniform(0, 0.99, n),
            }
            pts["indispensability"][:300] = 1.0  # edges of the domains
            pts["survival"][300:600] = 0.0
            rows = [{k: float(v[i]) for k, v in pts.items()} for i in range(n)]
            for proto in PROTOCOLS:
                got = page.evaluate(
                    "([rows, proto]) => rows.map(p => KZ_MODELS[proto](p, 0.0).code)",
                    [rows, proto])
                used = PROTOCOLS[proto].parameters
                want = kzgame.classify(protocol=proto,
                                       **{k: v for k, v in pts.items() if k in used})
                np.testing.assert_array_equal(np.array(got), want, err_msg=proto)
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000
            assert problems == []
            assert requests == [html.as_uri()], "the page fetched something: not self-contained"
        finally:
            browser.close()


def test_markup_from_a_model_file_stays_text(site):
    page = (site / "evil" / "report.html").read_text(encoding="utf-8")
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown, as text
    with _sync_playwright() as pw:
        browser, tab, problems, _ = _open(pw, site / "evil" / "report.html")
        try:
            assert problems == []  # no alert() dialog, no error
            assert tab.evaluate("document.querySelectorAll('#kz-report img[src=x]').length") == 0
            options = tab.evaluate(
                "[...document.querySelectorAll('#kz-period option')].map(o => o.textContent)")
            assert options[0] == "<script>alert(2)</script>"
        finally:
            browser.close()


def test_page_is_self_contained_and_carries_the_report(site):
    page = (site / "kz" / "report.html").read_text(encoding="utf-8")
    # plotly.js is inlined whole (its strings name map tiles it never loads here: the
    # browser test logs every request); the page's own markup loads nothing
    head, rest = page.split("<script>", 1)
    plotly, own = rest.split("</script>", 1)
    assert len(plotly) > 1_000_000 and "Plotly" in plotly
    assert "default-src 'none'" in head  # the page may not fetch anything
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", head + own)
    assert "## Reproducibility" not in page and "<h2>Reproducibility</h2>" in page
    assert "data:image/png;base64," in page  # the figures, inlined
    md = (site / "kz" / "report.md").read_text(encoding="utf-8")
    sha = re.search(r"SHA-256 of the model file \| `([0-9a-f]{64})`", md).group(1)
    assert sha in page


def test_render_markdown_drops_unsafe_links_and_missing_images(tmp_path):
    out = render_markdown("[x](javascript:alert(1)) ![fig](nope.png) ![up](../a.png)", tmp_path)
    assert "javascript:" not in out.replace("[x](javascript:alert(1))", "")
    assert "<img" not in out


def test_missing_plotly_names_the_extra(monkeypatch, tmp_path):
    import sys

    from kzgame.analysis.frames import MissingExtraError
    from kzgame.io.html_report import write_html_report

    monkeypatch.setitem(sys.modules, "plotly.offline", None)
    monkeypatch.setitem(sys.modules, "plotly", None)
    with pytest.raises(MissingExtraError, match=r"kzgame\[html\]"):
        write_html_report(load_case(TOY, seeds=False), tmp_path)
