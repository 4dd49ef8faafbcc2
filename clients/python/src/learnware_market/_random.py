"""java.util.SplittableRandom, bit for bit: the Java library seeds k-means, herding and the image feature
map with it, so the same seed gives the same choices here."""

from __future__ import annotations

_MASK = (1 << 64) - 1
_GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def _mix64(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _mix32(z: int) -> int:
    z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & _MASK
    return (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & _MASK) >> 32


def _int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


class SplittableRandom:
    """The JDK's SplittableRandom(seed) with its default gamma (what ``new SplittableRandom(seed)`` makes)."""

    def __init__(self, seed: int) -> None:
        self._seed = seed & _MASK

    def _next_seed(self) -> int:
        self._seed = (self._seed + _GOLDEN_GAMMA) & _MASK
        return self._seed

    def next_long_unsigned(self) -> int:
        """``nextLong()`` as an unsigned 64-bit value (its bits are what the feature map reads)."""
        return _mix64(self._next_seed())

    def next_long(self) -> int:
        value = self.next_long_unsigned()
        return value - (1 << 64) if value >= 1 << 63 else value

    def next_int(self, bound: int | None = None) -> int:
        """``nextInt()`` or ``nextInt(bound)`` (the JDK's rejection loop for bounds that are not powers of 2)."""
        r = _int32(_mix32(self._next_seed()))
        if bound is None:
            return r
        if bound <= 0:
            raise ValueError("bound must be positive")
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = (r & 0xFFFFFFFF) >> 1
        while True:
            r = u % bound
            if _int32(u + m - r) >= 0:
                return r
            u = (_mix32(self._next_seed()) & 0xFFFFFFFF) >> 1

    def next_double(self) -> float:
        return (self.next_long_unsigned() >> 11) * (1.0 / (1 << 53))

    def next_gaussian_strict(self) -> float:
        """io.learnware.spec.rkme.StrictGaussian.next: Box–Muller over two doubles."""
        import math

        u = 1 - self.next_double()
        v = self.next_double()
        return math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * v)
