"""How numbers and shares are written in tables, reports and figures (one place for all)."""

from __future__ import annotations

import math
from typing import Any


def number(x: float | None, digits: int = 3) -> str:
    """``x`` with ``digits`` decimals; ``'0'`` for a value that rounds to zero (no ``-0.000``),
    ``'—'`` for ``None``, NaN or an infinity.

    >>> number(0.12345), number(-0.0001), number(float("nan"))
    ('0.123', '0', '—')
    """
    if x is None or not math.isfinite(x):
        return "—"
    out = f"{x:.{digits}f}"
    return "0" if out.strip("-0.") == "" else out


def share(x: float) -> str:
    """A share in [0, 1] as a percentage with one decimal, never rounding to a false 0 or 100.

    >>> share(0.0), share(0.0001), share(0.4567), share(0.99996), share(1.0)
    ('0 %', '<0.1 %', '45.7 %', '>99.9 %', '100 %')
    """
    if x == 0:
        return "0 %"
    if x == 1:
        return "100 %"
    if x < 0.0005:
        return "<0.1 %"
    if x >= 0.9995:
        return ">99.9 %"
    return f"{100 * x:.1f} %"


# ---------------------------------------------------------------------------
# Escaping text from model files, one function per place it lands (issue 15).
# CSV cells: kzgame.analysis.sweep.inert (one definition, used by sweeps and reports).
# Matplotlib labels: kzgame.io.plots.plain_text.
# ---------------------------------------------------------------------------

#: Characters with a meaning in inline Markdown (CommonMark, GFM tables, $ math).
_MD_SPECIAL = set("\\`*_[]!#~$|")
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;"}
#: Characters that start a block (heading, list, quote, setext underline) at a line's start.
_MD_LINE_START = set("#+-=>:")


def md_inline(text: object) -> str:
    """Model-file text as literal inline Markdown: one line, no HTML, no markup.

    Whitespace runs (newlines included) become one space, so the text cannot
    end a table row or start a block; other control characters are shown as
    :func:`terminal` shows them; ``& < >`` become entities, so no raw
    HTML passes; ``|`` becomes ``&#124;``, so it never splits a table cell;
    emphasis, code, link, image, math and heading characters are backslash-escaped.

    >>> md_inline("<script>x</script> | *a*\\n# h [l](u) _e_ a_b")
    '&lt;script&gt;x&lt;/script&gt; &#124; \\\\*a\\\\* \\\\# h \\\\[l\\\\](u) \\\\_e\\\\_ a_b'
    """
    flat = terminal(" ".join(str(text).split()))  # control characters shown, not kept
    out = []
    for i, ch in enumerate(flat):
        if ch in _MD_ENTITIES:
            out.append(_MD_ENTITIES[ch])
        elif ch == "_" and flat[i - 1:i].isalnum() and flat[i + 1:i + 2].isalnum():
            out.append(ch)  # intraword: never emphasis (CommonMark), keeps file names readable
        elif ch in _MD_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    s = "".join(out)
    if s[:1] in _MD_LINE_START:
        s = "\\" + s
    else:  # an ordered-list marker: digits then . or )
        digits = len(s) - len(s.lstrip("0123456789"))
        if digits and s[digits:digits + 1] in (".", ")"):
            s = s[:digits] + "\\" + s[digits:]
    return s


def md_block(text: object) -> str:
    """Model-file text as literal Markdown paragraphs: blank-line breaks kept, each
    paragraph escaped by :func:`md_inline`.

    >>> md_block("one\\n\\n## two")
    'one\\n\\n\\\\#\\\\# two'
    """
    paras = [p for p in str(text).replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "\n\n".join(md_inline(p) for p in paras)


def md_code(text: object) -> str:
    """Model-file text as one inline code span, whatever backticks it holds.

    >>> md_code("a`b"), md_code("plain")
    ('`` a`b ``', '`plain`')
    """
    flat = terminal(" ".join(str(text).split()))
    run = longest = 0
    for ch in flat:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    if not longest:
        return f"`{flat}`"
    fence = "`" * (longest + 1)
    return f"{fence} {flat} {fence}"


def md_fence(text: str, info: str = "") -> list[str]:
    """Lines of a fenced code block holding ``text``, with a fence longer than any
    backtick run in it (the text cannot close the block early)."""
    longest = max((len(r) for r in "".join(c if c == "`" else " " for c in text).split()),
                  default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, *(terminal(line) for line in text.splitlines()), fence]


#: Unicode format characters that reorder or hide text on a terminal (bidi controls).
_TERM_INVISIBLE = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def terminal(text: object) -> str:
    """Model-file text safe to print: control characters shown, not obeyed.

    C0 and C1 control characters (ANSI escapes, ``\\r``, ``\\b``, newlines,
    tabs), line and paragraph separators and bidirectional controls are
    replaced by their visible escape (``\\x1b``, ``\\u202e``).

    >>> terminal("red\\x1b[31m\\rX\\u202e")
    'red\\\\x1b[31m\\\\rX\\\\u202e'
    """
    out = []
    for ch in str(text):
        o = ord(ch)
        if o < 0x20 or 0x7F <= o < 0xA0 or ch in "\u2028\u2029" or ch in _TERM_INVISIBLE:
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or
                       (f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"))
        else:
            out.append(ch)
    return "".join(out)


_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
          "#": r"\#", "^": r"\textasciicircum{}", "_": r"\_", "~": r"\textasciitilde{}",
          "%": r"\%", "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}


def latex(text: object) -> str:
    """Model-file text as literal LaTeX (text mode): every special character escaped,
    whitespace (newlines included: no paragraph breaks) made single spaces.

    >>> print(latex("50% of $x_1 & {y}^2 # ~"))
    50\\% of \\$x\\_1 \\& \\{y\\}\\textasciicircum{}2 \\# \\textasciitilde{}
    """
    return "".join(_LATEX.get(ch, ch) for ch in " ".join(terminal(text).split()))


def table_lines(rows: list[list[str]]) -> list[str]:
    """``rows`` (the first is the header) as aligned text lines, a rule under the header.

    Every cell goes through :func:`terminal` (cells may hold model-file text).

    >>> table_lines([["a", "bb"], ["1", "2"]])
    ['a  bb', '-  --', '1  2']
    """
    cells = [[terminal(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    lines = []
    for j, r in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def print_table(rows: list[list[str]], out: Any) -> None:
    """Print :func:`table_lines` of ``rows`` to ``out``.

    >>> import sys
    >>> print_table([["a", "bb"], ["1", "2"]], sys.stdout)
    a  bb
    -  --
    1  2
    """
    for line in table_lines(rows):
        print(line, file=out)
