"""The per-node kernels of :mod:`games.batch`: tolerances, scratch arrays, exact selection.

Everything here works on one chunk of N points held as numpy arrays, and costs
a few passes over them per node (see :class:`Workspace`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from games.solvers.spe import TIE_RELATIVE_TOLERANCE

FloatArray = npt.NDArray[np.float64]


def slack(payoffs: FloatArray, magnitudes: FloatArray | None = None) -> FloatArray:
    """The tie tolerance at each point: ``1e-12 · max(1, max |payoff|, max magnitude)``.

    ``magnitudes`` (rows of shape ``(M, N)``) are the sums of the absolute values of
    the terms of payoffs that are sums, e.g. ``|p·v_C| + |c_C|`` for ``p·v_C − c_C``:
    the scale of the rounding error of a payoff whose terms cancel.
    """
    flat = payoffs.reshape(-1, payoffs.shape[-1])
    scale: FloatArray = flat.max(axis=0)
    low = flat.min(axis=0)
    np.negative(low, out=low)
    np.maximum(scale, low, out=scale)
    if magnitudes is not None and len(magnitudes):
        np.maximum(scale, magnitudes.max(axis=0), out=scale)
    np.maximum(scale, 1.0, out=scale)
    scale *= TIE_RELATIVE_TOLERANCE
    return scale


def slack_bound(payoffs: FloatArray, magnitudes: FloatArray | None = None) -> float:
    r"""One tolerance for all points, above :func:`slack` at every point (inf on overflow).

    :math:`\sqrt{\sum x^2} \ge \max |x|`, from one pass over the payoffs and magnitudes
    (``einsum``, not BLAS, which would start threads), with a 1 % margin that also covers
    rounding in :meth:`Workspace.optimal_flags`.
    """
    total = 0.0
    for array in (payoffs, magnitudes):
        if array is not None:
            flat = array.reshape(-1)
            total += float(np.einsum("i,i->", flat, flat))
    return TIE_RELATIVE_TOLERANCE * max(1.0, math.sqrt(total)) * 1.01


SCRATCH_BYTES = 64 * 2**20
"""Scratch arrays kept between solves (per tree and thread) when they take at most this."""

BoolArray = npt.NDArray[np.bool_]
WordArray = npt.NDArray[np.int64]


class Pool:
    """Free lists of length-``n`` scratch arrays by dtype, reused across nodes and solves.

    A fresh array of 2¹⁶ floats costs ~128 page faults each time it is written
    (a few ns per point); a reused one costs none.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.free: dict[np.dtype[Any], list[npt.NDArray[Any]]] = {}
        self.owned: dict[int, npt.NDArray[Any]] = {}

    def take(self, dtype: type[np.generic]) -> npt.NDArray[Any]:
        """An uninitialised array of length ``n``."""
        stack = self.free.get(np.dtype(dtype))
        if stack:
            return stack.pop()
        array = np.empty(self.n, dtype=dtype)
        self.owned[id(array)] = array
        return array

    def give(self, *arrays: npt.NDArray[Any]) -> None:
        """Return arrays from :meth:`take` (anything else is ignored)."""
        for array in arrays:
            if id(array) in self.owned:
                self.free.setdefault(array.dtype, []).append(array)

    def nbytes(self) -> int:
        """Bytes held in the free lists."""
        return sum(a.nbytes for stack in self.free.values() for a in stack)


class Workspace:
    r"""The per-node steps of :meth:`BatchTree.solve_payoffs`, on pooled scratch arrays.

    Tolerance.  Action *j* is optimal when :math:`v_j \ge \max_l v_l - s` (in floats,
    as in the scalar solver) with the per-point slack *s* of :func:`slack`.  The test
    is first run with one number :math:`\bar s \ge s` for all points
    (:func:`slack_bound`; for two actions as :math:`-\bar s \le v_0 - v_1 \le \bar s`),
    which can only add optimal actions and always keeps the best one.  Where it
    leaves one action, that is the answer; the points where it leaves several and
    some of them fall short of the best are tested again with their own *s* (all
    points, once more than a quarter of them need it).

    Values are selected by masks on the float64 words, ``v ^ ((r ^ v) & m)`` with
    ``m`` all ones or all zeros: the chosen row is copied exactly and, unlike
    :func:`numpy.where`, the cost does not depend on the pattern of the choices.
    """

    def __init__(self, payoffs: FloatArray, pool: Pool,
                 magnitudes: FloatArray | None = None) -> None:
        self.payoffs = payoffs
        self.magnitudes = magnitudes
        self.pool = pool
        bound = slack_bound(payoffs, magnitudes)
        self.bound = bound if math.isfinite(bound) else 0.0
        self.exact: FloatArray | None = (None if math.isfinite(bound)
                                         else slack(payoffs, magnitudes))
        self.gap: FloatArray = pool.take(np.float64)
        self.word: WordArray = pool.take(np.int64)
        self.byte: npt.NDArray[np.int8] = pool.take(np.int8)

    def close(self) -> None:
        """Return the scratch arrays to the pool."""
        self.pool.give(self.gap, self.word, self.byte)

    # ----------------------------------------------------------------- optimal sets
    def optimal_flags(self, own: Sequence[FloatArray],
                      optimal: npt.NDArray[Any]) -> list[BoolArray]:
        """Which actions are optimal (pooled boolean arrays); their bits go into ``optimal``."""
        flags: list[BoolArray] = [self.pool.take(np.bool_) for _ in own]
        several = self.byte.view(np.bool_)
        if len(own) == 1:
            flags[0].fill(True)
            optimal.fill(1)
            return flags
        if self.exact is not None:
            self._exact_flags(own, flags)
        elif len(own) == 2:
            gap = np.subtract(own[0], own[1], out=self.gap)
            np.greater_equal(gap, -self.bound, out=flags[0])
            np.less_equal(gap, self.bound, out=flags[1])
            np.logical_and(flags[0], flags[1], out=several)
            if several.any():
                self._recheck(own, flags, np.flatnonzero(several))
        else:
            threshold = self.gap
            np.maximum(own[0], own[1], out=threshold)
            for v in own[2:]:
                np.maximum(threshold, v, out=threshold)
            threshold -= self.bound
            count = self.byte.view(np.uint8)
            for j, (v, flag) in enumerate(zip(own, flags, strict=True)):
                np.greater_equal(v, threshold, out=flag)
                if j == 0:
                    np.copyto(count, flag)
                else:
                    count += flag.view(np.uint8)
            points = np.flatnonzero(count > 1)
            if points.size:
                self._recheck(own, flags, points)
        self._write_mask(flags, optimal)
        return flags

    def _exact_flags(self, own: Sequence[FloatArray], flags: Sequence[BoolArray]) -> None:
        assert self.exact is not None
        threshold = self.gap
        np.maximum(own[0], own[1], out=threshold)
        for v in own[2:]:
            np.maximum(threshold, v, out=threshold)
        threshold -= self.exact
        for v, flag in zip(own, flags, strict=True):
            np.greater_equal(v, threshold, out=flag)

    def _recheck(self, own: Sequence[FloatArray], flags: Sequence[BoolArray],
                 points: npt.NDArray[np.intp]) -> None:
        """Test ``points`` again with their own slack (only where it can matter)."""
        values = [v[points] for v in own]
        best = values[0].copy()
        for v in values[1:]:
            np.maximum(best, v, out=best)
        loose = np.zeros(points.size, dtype=bool)
        for v, flag in zip(values, flags, strict=True):
            loose |= flag[points] & (v != best)
        if not loose.any():
            return  # every action kept attains the best exactly: optimal for any slack
        if loose.sum() > self.pool.n // 4:
            self.exact = slack(self.payoffs, self.magnitudes)
            self._exact_flags(own, flags)
            return
        points, best = points[loose], best[loose]
        threshold = best - slack(self.payoffs[..., points], None if self.magnitudes is None
                                 else self.magnitudes[..., points])
        for v, flag in zip(values, flags, strict=True):
            flag[points] = v[loose] >= threshold

    def _write_mask(self, flags: Sequence[BoolArray], optimal: npt.NDArray[Any]) -> None:
        if optimal.dtype != np.uint8:
            optimal[...] = flags[0]
            for j, flag in enumerate(flags[1:], start=1):
                optimal |= flag.astype(optimal.dtype) << optimal.dtype.type(j)
            return
        np.copyto(optimal, flags[0].view(np.uint8))
        shifted = self.byte.view(np.uint8)
        for j, flag in enumerate(flags[1:], start=1):
            np.left_shift(flag.view(np.uint8), np.uint8(j), out=shifted)
            optimal |= shifted

    # ----------------------------------------------------------------- selection
    def first_in_order(self, flags: Sequence[BoolArray], order: Sequence[int],
                       selected: npt.NDArray[np.int8]) -> None:
        """Write into ``selected`` the first optimal action in ``order``."""
        if len(order) == 1:
            return  # already 0
        if tuple(order) == (0, 1):
            np.logical_not(flags[0], out=selected.view(np.bool_))
            return
        if tuple(order) == (1, 0):
            np.copyto(selected, flags[1])
            return
        # Walk the order backwards: s <- j where action j is optimal.
        selected.fill(order[-1])
        mask, step = self.byte, self.pool.take(np.int8)
        for j in reversed(order[:-1]):
            np.negative(flags[j].view(np.int8), out=mask)
            np.bitwise_xor(selected, np.int8(j), out=step)
            step &= mask
            selected ^= step
        self.pool.give(step)

    def select_masks(self, flags: Sequence[BoolArray],
                     order: Sequence[int]) -> list[npt.NDArray[np.int8]]:
        """Masks (-1 where action *j* is optimal, else 0) for all but the last in order."""
        masks: list[npt.NDArray[np.int8]] = []
        for j in order[:-1]:
            mask: npt.NDArray[np.int8] = self.pool.take(np.int8)
            np.negative(flags[j].view(np.int8), out=mask)
            masks.append(mask)
        return masks

    def select(self, masks: Sequence[npt.NDArray[np.int8]], order: Sequence[int],
               rows: Sequence[FloatArray]) -> FloatArray:
        """The row of the first optimal action in ``order``, copied bit for bit (pooled)."""
        result: FloatArray = self.pool.take(np.float64)
        out = result.view(np.int64)
        source = rows[order[-1]].view(np.int64)
        if not masks:
            np.copyto(out, source)
            return result
        step = self.word
        for j, mask in zip(reversed(order[:-1]), reversed(masks), strict=True):
            np.bitwise_xor(rows[j].view(np.int64), source, out=step)
            np.bitwise_and(step, mask, out=step)  # the int8 mask widens to 0 or all ones
            np.bitwise_xor(source, step, out=out)
            source = out
        return result

    def expectation(self, weights: FloatArray, rows: Sequence[FloatArray]) -> FloatArray:
        r"""A chance node's value :math:`\sum_k \pi_k r_k`, summed in action order (pooled)."""
        total: FloatArray = self.pool.take(np.float64)
        np.multiply(weights[0], rows[0], out=total)
        for w, r in zip(weights[1:], rows[1:], strict=True):
            np.multiply(w, r, out=self.gap)
            total += self.gap
        return total
