"""The log-likelihood of observed plays under the agent QRE, and its analytic gradient.

Each row of the data is one observed play with an observed **outcome**: a
set of leaves (a leaf when play is seen to the end; several when it is only
partly seen, e.g. a hold-up without E's answer).  Its likelihood is the QRE
probability of that set, the sum over its leaves of the product of the
choice (and chance) probabilities along each leaf's path.

The gradient is exact, derived through the recursion (forward mode): sympy
differentiates every leaf payoff and chance probability in every free
parameter once (``sympy.diff`` + ``lambdify`` with common subexpressions),
and the backward recursion of :mod:`kzgame.estimation.qre` carries, next to
each node's values, their derivatives.  At a decision node of player i with
actions a, ``u_a = lambda V_i(a)``:

* ``log P(a) = u_a - logsumexp(u)``, ``d log P(a) = du_a - sum_b P(b) du_b``;
* ``V_j = sum_a P(a) V_j(a)``, ``dV_j = sum_a P(a) (d log P(a) V_j(a) + dV_j(a))``;

at a chance node the same with the branch probabilities.  A leaf's log
probability and its derivative are sums along its path; a row's, the
log-sum-exp over its leaves.  The chain rule through the links gives the
gradient in the coefficients: ``d theta / d eta`` times the covariates.  All
rows go through in one vectorized pass (in chunks of :data:`CHUNK` rows).

The logit model runs, by default, in a kernel compiled for the specification
(:mod:`~kzgame.estimation.kernel`); the probit model (``model="probit"``,
:func:`probit_logs`) runs in the NumPy recursion.

The **vocabulary** of observed outcomes: every leaf's path name
(``'hold-up/concede'``), every inner node's path followed by ``/*`` (every
leaf below it: ``'hold-up/*'``, a hold-up whose answer is not seen), and
names the caller defines as lists of those (:data:`PERIOD_OUTCOMES` for the
period game).

Examples
--------
>>> from kzgame.games import deterrence
>>> g = deterrence(False)
>>> data = {"outcome": ["status quo", "challenge/concede", "challenge/fight", "challenge/*"]}
>>> lik = Likelihood(g, {"v": 1.0, "p": 0.3, "k_C": "free", "k_D": "free"}, data)
>>> ll, grad = lik.value_and_gradient([0.4, 0.8])
>>> round(ll, 6), grad.round(6).tolist()
(-3.79683, [-0.252422, 0.09581])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np

from ..errors import GameError, KzgameError, ParameterError
from ..game.induction import require_perfect_information
from ..game.tree import Game
from .spec import LAMBDA, Spec, link_inverse

__all__ = [
    "CHUNK",
    "EstimationError",
    "Likelihood",
    "PERIOD_OUTCOMES",
    "probit_logs",
    "vocabulary",
]

#: Rows per vectorized pass (bounds the memory: about 8 * nodes * parameters * CHUNK bytes).
CHUNK: int = 1 << 14
#: Most rows a data set may have.
MAX_ROWS: int = 50_000_000

#: The period game's observed outcomes (MODEL.md), as sets of leaves.
PERIOD_OUTCOMES: dict[str, tuple[str, ...]] = {
    "accept": ("accept",),
    "invest": ("invest",),
    "hold-up conceded": ("hold-up/concede",),
    "hold-up refused": ("hold-up/refuse",),
    "exit": ("exit",),
    "hold-up": ("hold-up/concede", "hold-up/refuse"),
}


def probit_logs(u: list[np.ndarray], du: list[np.ndarray] | None
                ) -> tuple[list[np.ndarray], list[np.ndarray] | None]:
    """Log-probabilities of the probit choice among values ``u`` (already times lambda), and
    their derivatives given the values' derivatives ``du`` (arrays K x rows).

    Two actions: ``log Phi((u_a - u_b) / sqrt 2)`` in closed form (``log_ndtr``, exact in the
    tails).  More: ``P(a) = E_z prod_{b != a} Phi(z + u_a - u_b)`` by Gauss-Hermite
    quadrature (:data:`~kzgame.estimation.qre.PROBIT_NODES` nodes), normalized to sum to one
    as :func:`~kzgame.estimation.qre.qre` does; the derivative is that of the normalized
    quadrature, exactly.
    """
    from scipy.special import log_ndtr, ndtr

    from .qre import PROBIT_NODES

    k = len(u)
    if k == 1:
        return [np.zeros_like(u[0])], ([np.zeros_like(du[0])] if du is not None else None)
    if k == 2:
        d = (u[0] - u[1]) / np.sqrt(2.0)
        logs = [log_ndtr(d), log_ndtr(-d)]
        if du is None:
            return logs, None
        mills = [np.exp(-0.5 * d * d - 0.5 * np.log(2 * np.pi) - logs[0]),
                 np.exp(-0.5 * d * d - 0.5 * np.log(2 * np.pi) - logs[1])]
        dd = (du[0] - du[1]) / np.sqrt(2.0)
        return logs, [mills[0] * dd, -mills[1] * dd]
    z, w = np.polynomial.hermite_e.hermegauss(PROBIT_NODES)
    w = w / w.sum()
    raw, draw = [], []
    for a in range(k):
        x = {b: (u[a] - u[b])[..., None] + z for b in range(k) if b != a}
        cdf = {b: ndtr(v) for b, v in x.items()}
        prod = np.prod(np.stack(list(cdf.values())), axis=0)
        raw.append(np.sum(w * prod, axis=-1))
        if du is not None:
            dp = 0.0
            for b in x:
                others = [cdf[c] for c in x if c != b]
                rest = np.prod(np.stack(others), axis=0) if others else 1.0
                pdf = np.exp(-0.5 * x[b] * x[b]) / np.sqrt(2 * np.pi)
                s_ab = np.sum(w * pdf * rest, axis=-1)
                dp = dp + s_ab * (du[a] - du[b])
            draw.append(dp)
    total = sum(raw)
    with np.errstate(divide="ignore"):
        logs = [np.log(p) - np.log(total) for p in raw]
    if du is None:
        return logs, None
    dtotal = sum(draw)
    with np.errstate(divide="ignore", invalid="ignore"):
        dlogs = [np.where(p > 0, dp / p, 0.0) - dtotal / total for p, dp in zip(raw, draw,
                                                                               strict=True)]
    return logs, dlogs


class EstimationError(KzgameError):
    """Estimation cannot proceed (bad data, nothing to identify, no convergence)."""


def vocabulary(game: Game, outcomes: Mapping[str, Sequence[str]] | None = None
               ) -> dict[str, tuple[int, ...]]:
    """Observed-outcome name -> the leaves (node indices) it covers.

    Examples
    --------
    >>> from kzgame.games import period
    >>> v = vocabulary(period("nash"), PERIOD_OUTCOMES)
    >>> v["hold-up"], v["hold-up/*"], v["exit"]
    ((4, 5), (4, 5), (6,))
    """
    vocab: dict[str, tuple[int, ...]] = {}
    for n in game.nodes:
        if n.kind == "outcome":
            vocab[n.name] = (n.index,)
    for n in game.nodes:
        if n.kind != "outcome":
            leaves = tuple(i for i in game.subtree(n.index) if game.nodes[i].kind == "outcome")
            vocab[f"{n.name}/*"] = leaves
    base = dict(vocab)
    for name, parts in (outcomes or {}).items():
        if isinstance(parts, str):
            parts = (parts,)
        covered: list[int] = []
        for p in parts:
            if p not in base:
                raise ParameterError(
                    f"outcome {name!r} is defined by {p!r}, which is not a leaf or 'node/*' of "
                    f"the game; known: {', '.join(base)}"
                )
            covered += [i for i in base[p] if i not in covered]
        if name in base and tuple(sorted(covered)) != tuple(sorted(base[name])):
            raise ParameterError(
                f"outcome {name!r} is a leaf or node of the game covering other leaves; "
                "choose another name"
            )
        vocab[name] = tuple(sorted(covered))
    return vocab


def _column(data: Any, name: str, what: str) -> np.ndarray:
    try:
        col = data[name]
    except (KeyError, IndexError, TypeError):
        cols = list(data.keys()) if hasattr(data, "keys") else []
        raise EstimationError(
            f"the data have no column {name!r} ({what}); columns: {', '.join(map(str, cols))}"
        ) from None
    return np.asarray(col)


_COMPILED: WeakKeyDictionary[Game, dict] = WeakKeyDictionary()


def _compile(
    game: Game, spec: Spec
) -> tuple[Callable[..., Any], int, tuple[str, ...], tuple[str, ...]]:
    """Payoffs, chance probabilities and their derivatives in the free parameters, lambdified."""
    import sympy as sp

    free = tuple(k for k in spec.free if k != LAMBDA)
    varying = tuple(k for k in spec.varying if k != LAMBDA)
    fixed = {game.symbols[k]: sp.Float(t.value) for k, t in spec.terms.items()
             if k != LAMBDA and t.value is not None}
    key = (free, varying, tuple(sorted((str(s), float(v)) for s, v in fixed.items())))
    cache = _COMPILED.setdefault(game, {})
    if key in cache:
        return cache[key]
    exprs = [e.subs(fixed) for i in game.leaves for e in game.nodes[i].payoffs]
    exprs += [p.subs(fixed) for n in game.nodes if n.kind == "chance" for p in n.probabilities]
    derivs = [sp.diff(e, game.symbols[k]) for e in exprs for k in free]
    args = [game.symbols[k] for k in varying]
    fn = sp.lambdify(args, exprs + derivs, modules="numpy", cse=True)
    cache[key] = (fn, len(exprs), free, varying)
    return cache[key]


class Likelihood:
    """The log-likelihood of a data set under a game, a specification and the agent QRE.

    Parameters
    ----------
    game : Game
        A game of perfect information (chance nodes allowed).
    spec : Spec or mapping
        How each parameter is set (:class:`~kzgame.estimation.spec.Spec`).
    data : mapping of str to array or pandas.DataFrame
        One row per observed play: the outcome column and the covariates.
    outcome : str, default "outcome"
        The outcome column.
    outcomes : mapping, optional
        Extra outcome names (:func:`vocabulary`).
    backend : {"auto", "numba", "numpy"}, default "auto"
        The compiled kernel (logit; ``auto`` uses it when numba is installed)
        or the NumPy recursion.
    model : {"logit", "probit"}, default "logit"
        The agents' error distribution.

    Raises
    ------
    EstimationError
        On a missing column, an outcome name the game does not have, a
        covariate that is not a finite number, or no rows.
    ParameterError
        On a bad specification or a data column outside its parameter's domain.
    """

    def __init__(
        self,
        game: Game,
        spec: Spec | Mapping[str, Any],
        data: Any,
        *,
        outcome: str = "outcome",
        outcomes: Mapping[str, Sequence[str]] | None = None,
        backend: str = "auto",
        model: str = "logit",
    ) -> None:
        if backend not in ("auto", "numba", "numpy"):
            raise ParameterError(f"backend = {backend!r}; allowed: auto, numba, numpy")
        if model not in ("logit", "probit"):
            raise ParameterError(f"model = {model!r}; allowed: logit, probit")
        if model == "probit" and backend == "numba":
            raise ParameterError("the compiled kernel is for the logit model; estimate the "
                                 "probit model with backend='numpy' (or 'auto')")
        self.model = model
        if not isinstance(game, Game):
            raise GameError(f"expected a kzgame.game.Game, got {type(game).__name__}")
        require_perfect_information(game, "estimation under the agent QRE")
        self.game = game
        self._options: dict[str, Any] = {"outcome": outcome, "outcomes": outcomes,
                                         "backend": backend, "model": model}
        self.spec = spec if isinstance(spec, Spec) else Spec(game, spec)
        if self.spec.game is not game:
            raise ParameterError("the specification was built for another game")
        self.vocabulary = vocabulary(game, outcomes)
        self.outcome_definitions = dict(outcomes or {})
        observed = _column(data, outcome, "the observed outcomes")
        if observed.ndim != 1:
            raise EstimationError(f"the outcome column {outcome!r} must be one-dimensional")
        n = observed.shape[0]
        if n == 0:
            raise EstimationError("the data have no rows")
        if n > MAX_ROWS:
            raise EstimationError(f"the data have {n} rows; at most {MAX_ROWS} are supported")
        labels = [str(x) for x in observed]
        unknown = sorted(set(labels) - set(self.vocabulary))
        if unknown:
            raise EstimationError(
                f"outcome label(s) {', '.join(map(repr, unknown))} are not outcomes of this "
                f"game; known: {', '.join(map(repr, self.vocabulary))} (define others with "
                "outcomes={name: [leaves]})"
            )
        self.n = n
        self.observed = np.array(labels, dtype=object)
        leaf_pos = {i: k for k, i in enumerate(game.leaves)}
        mask = np.zeros((len(game.leaves), n), dtype=bool)
        for name, leaves in self.vocabulary.items():
            rows = self.observed == name
            if rows.any():
                for i in leaves:
                    mask[leaf_pos[i], rows] = True
        self.mask = mask
        uniq, inverse = np.unique(self.observed.astype(str), return_inverse=True)
        groups = [str(x) for x in uniq]
        self.codes = inverse.astype(np.int64).reshape(n)
        self.group_mask = np.zeros((len(groups), len(game.leaves)), dtype=np.bool_)
        for gi, name in enumerate(groups):
            for i in self.vocabulary[name]:
                self.group_mask[gi, leaf_pos[i]] = True
        self.columns: dict[str, np.ndarray] = {}
        for c in self.spec.covariates:
            raw = _column(data, c, "a covariate of the specification")
            try:
                col = np.asarray(raw, dtype=float)
            except (TypeError, ValueError):
                raise EstimationError(f"covariate {c!r} is not numeric") from None
            if col.shape != (n,):
                raise EstimationError(f"covariate {c!r} has shape {col.shape}, expected ({n},)")
            bad = np.flatnonzero(~np.isfinite(col))
            if bad.size:
                raise EstimationError(
                    f"covariate {c!r} is missing or not finite in {bad.size} row(s) (first: row "
                    f"{int(bad[0])}); drop those rows or impute them before estimating"
                )
            self.columns[c] = col
        self.designs: dict[str, np.ndarray] = {}
        for k, t in self.spec.terms.items():
            if t.free:
                self.designs[k] = np.column_stack(
                    [np.ones(n) if c == "1" else self.columns[c] for c in t.covariates])
            elif t.column is not None:
                if k == LAMBDA:
                    if (self.columns[t.column] < 0).any():
                        raise ParameterError(f"lambda from column {t.column!r} must be >= 0")
                else:
                    self.game.parameters[k].check(self.columns[t.column])
        self.coefficients = self.spec.coefficients
        self.slices = self.spec.slices()
        self._fn, self._nexpr, self._free_game, self._varying_game = _compile(game, self.spec)
        self._free = self.spec.free  # game params then lambda, the gradient's rows
        from ..numeric.kernels import NUMBA_AVAILABLE

        if model == "logit" and (backend == "numba" or (backend == "auto" and NUMBA_AVAILABLE)):
            from .kernel import likelihood_kernel

            cols = ["1", *self.columns]
            self._X = np.column_stack([np.ones(n), *self.columns.values()])
            plan: list[tuple[str, str, float | int | tuple[tuple[int, int], ...]]] = []
            for k, t in self.spec.terms.items():
                if t.value is not None:
                    plan.append((k, "fixed", float(t.value)))
                elif t.column is not None:
                    plan.append((k, "data", cols.index(t.column)))
                elif t.link is not None:
                    start = self.slices[k].start
                    plan.append((k, t.link, tuple((start + j, cols.index(c))
                                                  for j, c in enumerate(t.covariates))))
                else:  # a Term is fixed, from data or free (Spec checks it)
                    raise KzgameError(f"parameter {k!r} is neither fixed, data nor free: a "
                                      "bug; please report the specification")
            self._kernel: Callable[..., Any] | None = likelihood_kernel(game, tuple(plan))
        else:
            self._kernel = None
        self.backend = "numba" if self._kernel is not None else "numpy"

    # -- parameters by row ---------------------------------------------------

    def with_outcomes(self, observed: Sequence[str] | np.ndarray) -> Likelihood:
        """The same game, specification and covariates with other observed outcomes."""
        data = {**self.columns, self._options["outcome"]: np.asarray(observed, dtype=object)}
        return Likelihood(self.game, self.spec, data, **self._options)

    def with_data(self, data: Any) -> Likelihood:
        """The same game and specification on other rows (outcomes not needed)."""
        cols = {c: _column(data, c, "a covariate of the specification")
                for c in self.spec.covariates}
        n = len(next(iter(cols.values()))) if cols else 1
        first = self.game.nodes[self.game.leaves[0]].name
        out = self._options["outcome"]
        try:
            observed = _column(data, out, "")
        except EstimationError:
            observed = np.array([first] * n, dtype=object)
        return Likelihood(self.game, self.spec, {**cols, out: observed}, **self._options)

    def _beta(self, beta: Any) -> np.ndarray:
        b = np.asarray(beta, dtype=float)
        if b.shape != (len(self.coefficients),):
            raise ParameterError(
                f"expected {len(self.coefficients)} coefficients "
                f"({', '.join(self.coefficients)}), got shape {b.shape}"
            )
        if not np.isfinite(b).all():
            raise ParameterError(f"the coefficients must be finite, got {b.tolist()}")
        return b

    def parameters(self, beta: Any, rows: slice | np.ndarray = slice(None)
                   ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Each varying parameter's value by row, and d value / d index for the free ones."""
        b = self._beta(beta)
        theta: dict[str, np.ndarray] = {}
        deriv: dict[str, np.ndarray] = {}
        for k, t in self.spec.terms.items():
            if t.link is not None:  # t.free
                eta = self.designs[k][rows] @ b[self.slices[k]]
                theta[k], deriv[k] = link_inverse(t.link, eta)
            elif t.column is not None:
                theta[k] = self.columns[t.column][rows]
        return theta, deriv

    # -- the recursion --------------------------------------------------------

    def _leaf_logs(self, theta: Mapping[str, np.ndarray], m: int, grad: bool
                   ) -> tuple[np.ndarray, np.ndarray | None]:
        """Leaf log-probabilities (L, m) and their derivatives (L, K, m) in the free params."""
        game = self.game
        lam_t = self.spec.terms[LAMBDA]
        if LAMBDA in theta:
            lam_value: np.ndarray | float = theta[LAMBDA]
        elif lam_t.value is not None:
            lam_value = lam_t.value
        else:  # lambda is free or from data, hence in theta, or fixed
            raise KzgameError("lambda is neither in the parameters nor fixed: a bug; "
                              "please report the specification")
        lam = np.broadcast_to(lam_value, (m,))
        K = len(self._free)
        kl = self._free.index(LAMBDA) if LAMBDA in self._free else None
        out = self._fn(*[theta[k] for k in self._varying_game])
        vals = [np.broadcast_to(np.asarray(x, float), (m,)) for x in out[: self._nexpr]]
        nf = len(self._free_game)
        ders = out[self._nexpr:]
        P = len(game.players)

        def derivatives(start: int, count: int) -> list[np.ndarray]:
            """The (K, m) derivative arrays of expressions start .. start + count - 1."""
            arrays = []
            for j in range(count):
                d = np.zeros((K, m))
                for f in range(nf):
                    d[f] = ders[(start + j) * nf + f]
                arrays.append(d)
            return arrays

        value: dict[int, list[np.ndarray]] = {}
        dvalue: dict[int, list[np.ndarray]] = {}
        pos = 0
        for i in game.leaves:
            value[i] = vals[pos: pos + P]
            if grad:
                dvalue[i] = derivatives(pos, P)
            pos += P
        chance: dict[int, list[np.ndarray]] = {}
        dchance: dict[int, list[np.ndarray]] = {}
        for n in game.nodes:
            if n.kind == "chance":
                k = len(n.children)
                chance[n.index] = vals[pos: pos + k]
                if grad:
                    dchance[n.index] = derivatives(pos, k)
                pos += k
        logp: dict[int, np.ndarray] = {}
        dlogp: dict[int, np.ndarray] = {}
        for n in reversed(game.nodes):
            if n.kind == "decision":
                i = game.players.index(n.player)
                u = [lam * value[c][i] for c in n.children]
                du = []
                if grad:
                    for c in n.children:
                        d = lam * dvalue[c][i]
                        if kl is not None:
                            d = d.copy()
                            d[kl] += value[c][i]
                        du.append(d)
                if self.model == "probit":
                    logs, dlogs = probit_logs(u, du if grad else None)
                    if grad and dlogs is None:
                        raise KzgameError("probit_logs returned no derivatives: a bug; "
                                          "please report")
                    probs = [np.exp(x) for x in logs]
                    for j, c in enumerate(n.children):
                        logp[c] = logs[j]
                        if dlogs is not None:  # grad
                            dlogp[c] = dlogs[j]
                else:
                    top = np.maximum.reduce(u) if len(u) > 1 else u[0]
                    lse = top + np.log(sum(np.exp(x - top) for x in u))
                    probs = []
                    for c, x in zip(n.children, u, strict=True):
                        logp[c] = x - lse
                        probs.append(np.exp(logp[c]))
                    if grad:
                        mean = sum(p * d for p, d in zip(probs, du, strict=True))
                        for c, d in zip(n.children, du, strict=True):
                            dlogp[c] = d - mean
            elif n.kind == "chance":
                probs = chance[n.index]
                if (np.any([(p < 0).any() or (p > 1).any() for p in probs])):
                    raise ParameterError(
                        f"chance node {n.name!r}: a probability leaves [0, 1] at these "
                        "parameter values")
                with np.errstate(divide="ignore", invalid="ignore"):
                    for b, (c, p) in enumerate(zip(n.children, probs, strict=True)):
                        logp[c] = np.log(p)
                        if grad:
                            dlogp[c] = np.where(p > 0, dchance[n.index][b] / p, 0.0)
            else:
                continue
            value[n.index] = [sum(p * value[c][j] for p, c in zip(probs, n.children, strict=True))
                              for j in range(P)]
            if grad:
                dvalue[n.index] = [
                    sum(p * (dlogp[c] * value[c][j] + dvalue[c][j])
                        for p, c in zip(probs, n.children, strict=True))
                    for j in range(P)
                ]
        # forward: sums along each leaf's path
        acc: dict[int, np.ndarray] = {0: np.zeros(m)}
        dacc: dict[int, np.ndarray] = {0: np.zeros((K, m))}
        for n in game.nodes:
            for c in n.children:
                acc[c] = acc[n.index] + logp[c]
                if grad:
                    dacc[c] = dacc[n.index] + dlogp[c]
        L = np.stack([acc[i] for i in game.leaves])
        dL = np.stack([dacc[i] for i in game.leaves]) if grad else None
        return L, dL

    def _chunk(self, b: np.ndarray, rows: slice, grad: bool
               ) -> tuple[np.ndarray, np.ndarray | None]:
        theta, dtheta = self.parameters(b, rows)
        m = rows.stop - rows.start
        L, dL = self._leaf_logs(theta, m, grad)
        mask = self.mask[:, rows]
        masked = np.where(mask, L, -np.inf)
        top = masked.max(axis=0)
        safe = np.where(np.isfinite(top), top, 0.0)
        with np.errstate(divide="ignore"):
            ll = safe + np.log(np.exp(masked - safe).sum(axis=0))
        if not grad:
            return ll, None
        if dL is None:  # _leaf_logs returns the derivatives when grad
            raise KzgameError("_leaf_logs returned no derivatives: a bug; please report")
        w = np.exp(masked - np.where(np.isfinite(ll), ll, 0.0))
        dll = np.einsum("ln,lkn->kn", w, dL)
        g = np.empty(len(self.coefficients))
        for f, k in enumerate(self._free):
            g[self.slices[k]] = self.designs[k][rows].T @ (dll[f] * dtheta[k])
        return ll, g

    def rows(self, beta: Any) -> np.ndarray:
        """Each row's log-likelihood at coefficients ``beta``."""
        b = self._beta(beta)
        if self._kernel is not None:
            return self._compiled(b)[0]
        return np.concatenate([self._chunk(b, s, False)[0] for s in self._chunks()])

    def _chunks(self):
        for start in range(0, self.n, CHUNK):
            yield slice(start, min(start + CHUNK, self.n))

    def __call__(self, beta: Any) -> float:
        """The log-likelihood at coefficients ``beta``."""
        return float(self.rows(beta).sum())

    def _compiled(self, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ll = np.empty(self.n)
        g = np.zeros(len(self.coefficients))
        if self._kernel is None:  # called only with the compiled kernel
            raise KzgameError("no compiled likelihood kernel: a bug; please report")
        self._kernel(b, self._X, self.codes, self.group_mask, ll, g)
        return ll, g

    def value_and_gradient(self, beta: Any) -> tuple[float, np.ndarray]:
        """The log-likelihood and its gradient in the coefficients, in one pass."""
        b = self._beta(beta)
        if self._kernel is not None:
            ll, g = self._compiled(b)
            return float(ll.sum()), g
        total = 0.0
        grad = np.zeros(len(self.coefficients))
        for s in self._chunks():
            ll, g_chunk = self._chunk(b, s, True)
            if g_chunk is None:  # _chunk returns the gradient when grad
                raise KzgameError("_chunk returned no gradient: a bug; please report")
            total += float(ll.sum())
            grad += g_chunk
        return total, grad

    def leaf_probabilities(self, beta: Any) -> np.ndarray:
        """The QRE probability of every leaf (rows of the result, in leaf order) by row."""
        b = self._beta(beta)
        parts = []
        for s in self._chunks():
            theta, _ = self.parameters(b, s)
            L, _ = self._leaf_logs(theta, s.stop - s.start, False)
            parts.append(np.exp(L))
        return np.concatenate(parts, axis=1)

    def outcome_probabilities(self, beta: Any, names: Sequence[str] | None = None
                              ) -> dict[str, np.ndarray]:
        """The probability of each observed-outcome name (default: those in the data) by row."""
        P = self.leaf_probabilities(beta)
        pos = {i: k for k, i in enumerate(self.game.leaves)}
        names = list(dict.fromkeys(self.observed)) if names is None else list(names)
        out = {}
        for name in names:
            if name not in self.vocabulary:
                raise EstimationError(f"unknown outcome {name!r}")
            out[name] = sum(P[pos[i]] for i in self.vocabulary[name])
        return out
