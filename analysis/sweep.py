r"""Sweeps: verdicts over parameter grids and Monte Carlo draws, in bounded memory.

A sweep evaluates every reading of some treaties in one scenario
(:func:`analysis.batch_verdicts.plan_readings`) at N parameter points:

* a **grid** — the product of ``name=start:stop:count`` grids (inclusive, like
  ``numpy.linspace``), point *i* being the *i*-th in C order (the last grid
  varies fastest); grid points that break :math:`p_I \le p_L \le p_S` are left
  out and counted;
* or **Monte Carlo draws** — from the distributions of
  :mod:`analysis.sampling`, in blocks of 2¹⁶ points, block *b* from
  ``SeedSequence(seed).spawn`` index *b*, invalid draws rejected and redrawn.

Parameters that are neither swept nor drawn take the scenario's value,
``--param`` overrides, or the default (:func:`analysis.parameters.resolve`).

The points are processed in chunks; a chunk's results go to a sink (a file
writer) and into running totals, so memory stays bounded whatever N.  The
results do not depend on the chunk size or on where chunks run (locally or
as Dask tasks): every point's parameters depend only on the seed and its index.
"""

from __future__ import annotations

import math
import socket
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from analysis.batch_verdicts import GameCache, ReadingPlan, VerdictArrays, evaluate, plan_readings
from analysis.parameters import PARAMETERS, ParameterValues, resolve
from analysis.rules import Rulebook
from analysis.sampling import BLOCK_SIZE, Distribution, Grid, draws_for_points
from analysis.verdicts import VERDICTS
from games.errors import InputError
from treaties.scenario import Scenario
from treaties.schema import Treaty

FloatArray = npt.NDArray[np.float64]
DEFAULT_CHUNK = 4 * BLOCK_SIZE
"""Points per chunk by default (2¹⁸: a few tens of MB per chunk)."""

MAX_DRAWS = 10**10
"""Most points in one sweep (Monte Carlo draws, or the product of the grid counts)."""

PLOT_LIMIT = 10**7
"""Most grid points kept in memory for a plot."""


class Points(Protocol):
    """Where a sweep's points come from: N points, any range of them on demand."""

    @property
    def size(self) -> int:
        """The number of points."""

    @property
    def varying(self) -> tuple[str, ...]:
        """The parameters that vary from point to point (registry order)."""

    def chunk(self, start: int, stop: int) -> PointChunk:
        """The points ``[start, stop)``."""


@dataclass(frozen=True)
class PointChunk:
    """Parameter arrays of some points: ``index`` holds the kept points' global indices.

    ``blocks`` maps each Monte Carlo block drawn to (points drawn, points rejected).
    """

    index: npt.NDArray[np.int64]
    values: Mapping[str, FloatArray]
    left_out: int = 0
    blocks: Mapping[int, tuple[int, int]] = field(default_factory=dict)


def _full(fixed: Mapping[str, Fraction], varying: Mapping[str, FloatArray],
          n: int) -> dict[str, FloatArray]:
    """Every parameter as an array of length ``n``."""
    return {p.name: (np.asarray(varying[p.name], dtype=np.float64) if p.name in varying
                     else np.full(n, float(fixed[p.name]))) for p in PARAMETERS}


ORDER_TOLERANCE = 1e-12
"""Grid points out of order by at most this (relative) are kept: ``numpy.linspace`` rounds,
so ``p_I=0:1:11`` gives 0.30000000000000004 where the user means 3/10."""


def _ordered(values: Mapping[str, FloatArray]) -> npt.NDArray[np.bool_]:
    p_I, p_L, p_S = values["p_I"], values["p_L"], values["p_S"]
    return np.asarray((p_I <= p_L + ORDER_TOLERANCE * np.maximum(np.abs(p_L), 1.0))
                      & (p_L <= p_S + ORDER_TOLERANCE * np.maximum(np.abs(p_S), 1.0)))


def _grid_values(grid: Grid, steps: npt.NDArray[np.intp]) -> FloatArray:
    """``numpy.linspace(start, stop, count)[steps]`` without building the whole grid."""
    if grid.count == 1:
        return np.full(len(steps), grid.start)
    step = (grid.stop - grid.start) / (grid.count - 1)
    values: FloatArray = np.asarray(steps * step + grid.start, dtype=np.float64)
    values[steps == grid.count - 1] = grid.stop
    return values


@dataclass(frozen=True)
class GridPoints:
    """The product of grids; the other parameters fixed."""

    grids: tuple[Grid, ...]
    fixed: Mapping[str, Fraction]

    def __post_init__(self) -> None:
        names = [g.name for g in self.grids]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise InputError(f"{', '.join(repeated)} is swept twice", field="--param",
                             expected="one grid per parameter")
        if self.size > MAX_DRAWS:
            raise InputError(f"the grids have {self.size:,} points in all", field="--param",
                             expected=f"at most {MAX_DRAWS:,} points (the product of the counts)")

    @property
    def shape(self) -> tuple[int, ...]:
        """The grid's shape (one axis per swept parameter, in the order given)."""
        return tuple(g.count for g in self.grids)

    @property
    def size(self) -> int:
        """The number of grid points."""
        return math.prod(self.shape)

    @property
    def varying(self) -> tuple[str, ...]:
        """The swept parameters, in the order given."""
        return tuple(g.name for g in self.grids)

    def chunk(self, start: int, stop: int) -> PointChunk:
        """Grid points ``[start, stop)``, less those with probabilities out of order."""
        index = np.arange(start, stop, dtype=np.int64)
        coordinates = np.unravel_index(index, self.shape) if self.grids else ()
        varying = {g.name: _grid_values(g, c) for g, c in zip(self.grids, coordinates, strict=True)}
        values = _full(self.fixed, varying, len(index))
        keep = _ordered(values)
        if keep.all():
            return PointChunk(index, values)
        return PointChunk(index[keep], {k: v[keep] for k, v in values.items()},
                          int(np.count_nonzero(~keep)))


@dataclass(frozen=True)
class DrawPoints:
    """N Monte Carlo draws; the parameters without a distribution fixed."""

    distributions: Mapping[str, Distribution]
    fixed: Mapping[str, Fraction]
    seed: int
    count: int

    @property
    def size(self) -> int:
        """The number of draws."""
        return self.count

    @property
    def varying(self) -> tuple[str, ...]:
        """The drawn parameters, in registry order."""
        return tuple(p.name for p in PARAMETERS if p.name in self.distributions)

    def chunk(self, start: int, stop: int) -> PointChunk:
        """Draws ``[start, stop)``: the blocks covering them, drawn whole and sliced."""
        draws = draws_for_points(self.distributions, self.fixed, self.seed, start, stop)
        return PointChunk(np.arange(start, stop, dtype=np.int64),
                          _full(self.fixed, draws.values, stop - start), 0, draws.blocks)


@dataclass(frozen=True)
class ChunkResult:
    """One chunk's points and the verdict arrays of every plan there."""

    points: PointChunk
    verdicts: tuple[VerdictArrays, ...]


def solve_chunk(plans: Sequence[ReadingPlan], points: Points, start: int, stop: int,
                cache: GameCache | None = None) -> ChunkResult:
    """Every plan at the points ``[start, stop)`` (a Dask task when run remotely).

    Plans that pose the same game (same short responses, δ and fixed verdict —
    e.g. every treaty that does not apply) are solved once.
    """
    games = cache or GameCache()
    chunk = points.chunk(start, stop)
    solved: dict[tuple[object, ...], VerdictArrays] = {}
    for plan in plans:
        key = (plan.short, plan.delta, plan.fixed)
        if key not in solved:
            solved[key] = evaluate(plan, chunk.values, games)
    return ChunkResult(chunk, tuple(solved[(p.short, p.delta, p.fixed)] for p in plans))


@dataclass
class Totals:
    """Running totals of a sweep, per plan (a mutable accumulator, local to one run)."""

    plans: tuple[ReadingPlan, ...]
    verdicts: npt.NDArray[np.int64] = field(init=False)
    deters: npt.NDArray[np.int64] = field(init=False)
    challenged: npt.NDArray[np.int64] = field(init=False)
    ties: npt.NDArray[np.int64] = field(init=False)
    threshold_low: FloatArray = field(init=False)
    threshold_high: FloatArray = field(init=False)
    points: int = 0
    left_out: int = 0
    blocks: dict[int, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.plans)
        self.verdicts = np.zeros((n, len(VERDICTS)), dtype=np.int64)
        self.deters = np.zeros(n, dtype=np.int64)
        self.challenged = np.zeros(n, dtype=np.int64)
        self.ties = np.zeros(n, dtype=np.int64)
        self.threshold_low = np.full(n, np.inf)
        self.threshold_high = np.full(n, -np.inf)

    def add(self, result: ChunkResult) -> None:
        """Add one chunk."""
        self.points += len(result.points.index)
        self.left_out += result.points.left_out
        self.blocks.update(result.points.blocks)
        for k, arrays in enumerate(result.verdicts):
            self.verdicts[k] += np.bincount(arrays.verdict, minlength=len(VERDICTS))
            self.deters[k] += int(np.count_nonzero(arrays.deters))
            self.challenged[k] += int(np.count_nonzero(arrays.with_cost.challenge))
            self.ties[k] += int(np.count_nonzero(arrays.ties))
            finite = arrays.threshold[np.isfinite(arrays.threshold)]
            if finite.size:
                self.threshold_low[k] = min(self.threshold_low[k], float(finite.min()))
                self.threshold_high[k] = max(self.threshold_high[k], float(finite.max()))

    @property
    def attempted(self) -> int:
        """Monte Carlo points drawn in all (whole blocks)."""
        return sum(a for a, _ in self.blocks.values())

    @property
    def rejected(self) -> int:
        """Monte Carlo points rejected for breaking the ordering or a domain."""
        return sum(r for _, r in self.blocks.values())


@dataclass(frozen=True)
class GridPicture:
    """What a grid plot needs: for the readings drawn, the verdict code and a* at every point.

    ``rows[k]`` is the index (among the sweep's readings) of row *k*; left-out
    points hold -1 and NaN.
    """

    grids: tuple[Grid, ...]
    rows: tuple[int, ...]
    verdict: npt.NDArray[np.int8]
    threshold: FloatArray

    @classmethod
    def empty(cls, grids: tuple[Grid, ...], rows: Sequence[int]) -> GridPicture:
        """A picture to fill for readings ``rows``, refusing grids too large to keep in memory."""
        size = math.prod(g.count for g in grids)
        if size * len(rows) > PLOT_LIMIT:
            raise InputError(f"{size:,} grid points × {len(rows)} readings are too many to plot",
                             field="--plot", expected=f"at most {PLOT_LIMIT:,} in all")
        return cls(grids, tuple(rows), np.full((len(rows), size), -1, dtype=np.int8),
                   np.full((len(rows), size), np.nan))

    def add(self, result: ChunkResult) -> None:
        """Copy one chunk's verdicts in."""
        for k, row in enumerate(self.rows):
            arrays = result.verdicts[row]
            self.verdict[k, result.points.index] = arrays.verdict
            self.threshold[k, result.points.index] = arrays.threshold


def first_valid_point(points: Points, probe: int = 4096) -> dict[str, Fraction]:
    """The parameters of the first point kept (exact), for planning the readings.

    Which readings depend on the parameters does not depend on the point.

    Raises
    ------
    InputError
        When every point is left out (grid probabilities out of order).
    """
    for start, stop in chunks(points.size, probe):
        chunk = points.chunk(start, stop)
        if len(chunk.index):
            return {name: Fraction(float(values[0])) for name, values in chunk.values.items()}
    raise InputError("every grid point breaks p_I ≤ p_L ≤ p_S", field="--param",
                     expected="grids and fixed values with p_I ≤ p_L ≤ p_S somewhere")


@dataclass(frozen=True)
class SweepSetup:
    """A sweep ready to run: the readings, the points, the fixed values and a description."""

    plans: tuple[ReadingPlan, ...]
    points: GridPoints | DrawPoints
    params: ParameterValues
    description: tuple[str, ...]


def setup_sweep(treaties: Sequence[Treaty], scenario: Scenario, *,
                grids: Sequence[Grid] = (),
                distributions: Mapping[str, Distribution] | None = None,
                draws: int | None = None, seed: int = 0, fixed: Sequence[str] = (),
                ally: int | None = None, rulebook: Rulebook | None = None) -> SweepSetup:
    """Plan a sweep of ``treaties`` in ``scenario``: over ``grids``, or ``draws`` Monte Carlo
    draws of ``distributions`` (``fixed``: ``name=value`` texts for other parameters).

    The parameters swept or drawn are named as such in the sources; only the fixed
    probabilities are checked for order here (the others point by point).

    Raises
    ------
    InputError
        For bad values, fixed probabilities out of order, or no valid point.
    """
    drawn = dict(distributions or {})
    varying = ({g.name: f"swept: {g}" for g in grids} if draws is None
               else {name: f"drawn from {d}" for name, d in drawn.items()})
    base = resolve(scenario, fixed, varying)
    points: GridPoints | DrawPoints
    if draws is None:
        points = GridPoints(tuple(grids), base.values)
        lines = [f"scenario: {scenario.id}", "grid: " + " × ".join(str(g) for g in grids)]
    else:
        check_draws(draws)
        points = DrawPoints(drawn, base.values, seed, draws)
        lines = [f"scenario: {scenario.id}", f"Monte Carlo: {draws:,} draws, seed {seed}, "
                 + ", ".join(f"{name} ~ {d}" for name, d in drawn.items())]
    if fixed:
        lines.append("fixed: " + ", ".join(fixed))
    plans = plan_readings(treaties, scenario, ally, rulebook=rulebook,
                          base=first_valid_point(points))
    return SweepSetup(tuple(plans), points, base, tuple(lines))


def check_draws(draws: int) -> None:
    """Refuse a number of Monte Carlo draws outside 1..10¹⁰."""
    if not 1 <= draws <= MAX_DRAWS:
        raise InputError(f"--draws {draws}", field="--draws",
                         expected=f"between 1 and {MAX_DRAWS:,}")


def chunks(size: int, chunk_size: int) -> Iterator[tuple[int, int]]:
    """``[start, stop)`` ranges of at most ``chunk_size`` covering ``[0, size)``."""
    if chunk_size < 1:
        raise InputError(f"chunk size {chunk_size}", field="--chunk-size",
                         expected="a positive number of points")
    for start in range(0, size, chunk_size):
        yield start, min(start + chunk_size, size)


def run_sweep(plans: Sequence[ReadingPlan], points: Points, *,
              chunk_size: int = DEFAULT_CHUNK,
              sinks: Sequence[Callable[[ChunkResult], None]] = (),
              progress: Callable[[int], None] | None = None,
              scheduler: str | None = None) -> Totals:
    """Evaluate every plan at every point, chunk by chunk, in order.

    Parameters
    ----------
    plans
        The readings (:func:`analysis.batch_verdicts.plan_readings`).
    points
        :class:`GridPoints` or :class:`DrawPoints`.
    chunk_size
        Points per chunk (and per Dask task); results do not depend on it.
    sinks
        Called with each chunk's result, in point order (writers, plots).
    progress
        Called with the number of points done after each chunk.
    scheduler
        The address of a Dask scheduler: chunks then run as Dask tasks there
        (the ``dask`` extra); results are identical to a local run.
    """
    totals = Totals(tuple(plans))
    ranges = chunks(points.size, chunk_size)
    results = (_local(plans, points, ranges) if scheduler is None
               else _dask(plans, points, ranges, scheduler))
    for result in results:
        totals.add(result)
        for sink in sinks:
            sink(result)
        if progress is not None:
            progress(len(result.points.index) + result.points.left_out)
    return totals


def _local(plans: Sequence[ReadingPlan], points: Points,
           ranges: Iterable[tuple[int, int]]) -> Iterator[ChunkResult]:
    cache = GameCache()
    for start, stop in ranges:
        yield solve_chunk(plans, points, start, stop, cache)


def _dask(plans: Sequence[ReadingPlan], points: Points, ranges: Iterable[tuple[int, int]],
          address: str) -> Iterator[ChunkResult]:
    """Chunks as Dask tasks, at most a few in flight, collected in order."""
    client = _client(address)
    try:
        window = 2 * max(1, sum(client.nthreads().values()))
        pending: list[Any] = []
        for start, stop in ranges:
            pending.append(client.submit(solve_chunk, plans, points, start, stop, pure=False))
            if len(pending) >= window:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()
    finally:
        client.close()


def _client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise InputError("Dask is not installed", field="--scheduler",
                         expected="the dask extra: pip install 'tiedhands[dask]'") from None
    _probe(address)
    try:
        return Client(address, timeout=10, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as error:
        raise InputError(f"cannot reach the Dask scheduler at {address!r}: {error}",
                         field="--scheduler",
                         expected="the address of a running scheduler, e.g. "
                                  "tcp://127.0.0.1:8786") from None


def _probe(address: str) -> None:
    """Refuse a malformed address, and fail at once when nothing listens there.

    Accepted: ``tcp://host:port``, ``tls://host:port`` or ``host:port`` (TCP).  The
    Dask client would instead retry a refused connection until its timeout.
    """
    scheme, separator, rest = address.partition("://")
    if not separator:
        scheme, rest = "tcp", address
    host, _, port = rest.rpartition(":")
    if scheme not in ("tcp", "tls") or not host or not port.isdigit():
        raise InputError(f"{address!r} is not a scheduler address", field="--scheduler",
                         expected="tcp://HOST:PORT (or HOST:PORT), e.g. tcp://127.0.0.1:8786")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=5):
            pass
    except (OSError, OverflowError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise InputError(f"cannot reach the Dask scheduler at {address!r}: {reason}",
                         field="--scheduler",
                         expected="the address of a running scheduler, e.g. "
                                  "tcp://127.0.0.1:8786") from None
