"""BSNs and onderwijsnummers that pass their check, drawn in per-chunk blocks.

Both numbers are nine digits checked with the weights 9..2, -1: a BSN gives a sum divisible by
11, an onderwijsnummer starts with `10` and gives remainder 5. The generator hands every chunk
of families its own block of numbers, increasing with the chunk index, so that a file sorted by
person number can be written chunk after chunk without a global sort.
"""

from __future__ import annotations

import random

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)

# BSNs are drawn from 9-digit numbers whose first eight digits lie in [BSN_FIRST, BSN_LAST):
# above every onderwijsnummer (10xxxxxxx) so the two kinds never look alike.
BSN_FIRST = 20_000_000
BSN_LAST = 100_000_000
ONDERWIJSNUMMER_FIRST = 10_000_000
ONDERWIJSNUMMER_LAST = 11_000_000


def _weighted_sum(prefix: int) -> int:
    """Sum of the first eight digits times 9..2."""
    total = 0
    for weight in (2, 3, 4, 5, 6, 7, 8, 9):
        total += weight * (prefix % 10)
        prefix //= 10
    return total


def bsn_from_prefix(prefix: int) -> str | None:
    """The BSN with these first eight digits, or None when no ninth digit passes the elfproef."""
    check = _weighted_sum(prefix) % 11
    if check == 10:
        return None
    return f"{prefix:08d}{check}"


def onderwijsnummer_from_prefix(prefix: int) -> str | None:
    """The onderwijsnummer with these first eight digits (sum - last digit = 5 mod 11), or None."""
    check = (_weighted_sum(prefix) - 5) % 11
    if check == 10:
        return None
    return f"{prefix:08d}{check}"


def _checksum(number: str) -> int | None:
    if len(number) != 9 or not number.isdigit():
        return None
    total = sum(w * int(d) for w, d in zip(WEIGHTS, number[:8], strict=True)) - int(number[8])
    return total % 11


def is_bsn(number: str) -> bool:
    """True for a nine-digit number passing the elfproef (not all zeros)."""
    return _checksum(number) == 0 and number != "000000000"


def is_onderwijsnummer(number: str) -> bool:
    """True for a nine-digit number starting with 10 whose weighted sum leaves 5 modulo 11."""
    return number.startswith("10") and _checksum(number) == 5


def draw_block(rng: random.Random, first: int, size: int, count: int, kind: str) -> list[str]:
    """`count` distinct valid numbers from prefixes [first, first + size), in increasing order.

    Drawn with the chunk's own random source so that numbers look scattered, not sequential.
    """
    make = bsn_from_prefix if kind == "bsn" else onderwijsnummer_from_prefix
    picked: list[str] = []
    wanted = count
    seen: set[int] = set()
    while len(picked) < count:
        candidates = rng.sample(range(first, first + size), min(size, wanted + wanted // 8 + 4))
        for prefix in candidates:
            if prefix in seen:
                continue
            seen.add(prefix)
            number = make(prefix)
            if number is not None:
                picked.append(number)
                if len(picked) == count:
                    break
        wanted = count - len(picked)
        if len(seen) >= size and len(picked) < count:
            raise ValueError(f"block of {size} prefixes cannot hold {count} {kind} numbers")
    picked.sort()
    return picked


def anummer_for(bsn: str) -> str:
    """A ten-digit A-nummer, unique per BSN (a bijection; not the LO3 A-nummer check)."""
    return str(int(bsn) * 7919 % 9_000_000_000 + 1_000_000_000)
