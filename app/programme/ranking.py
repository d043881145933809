"""Ranks: standard competition ranking ("1224"). Outlets with the same composite (as shown,
after rounding) share a rank and the next rank is skipped: 95, 90, 90, 80 rank 1, 2, 2, 4.
The bottom rank counts the same way from the other end (1 = the lowest): an outlet is "in
the bottom N" when fewer than N outlets scored lower, so tied outlets at the edge are all in.

Who is ranked is the month's business (`month.py`): only active, non-competitor outlets with
a composite, self-run halls and agent outlets apart.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def competition_ranks(scores: Mapping[K, Decimal]) -> dict[K, int]:
    """Rank 1 = the highest score; ties share the rank, the next rank is skipped."""
    ordered = sorted(scores.values(), reverse=True)
    first: dict[Decimal, int] = {}
    for i, s in enumerate(ordered, 1):
        first.setdefault(s, i)
    return {k: first[s] for k, s in scores.items()}


def bottom_ranks(scores: Mapping[K, Decimal]) -> dict[K, int]:
    """Rank 1 = the lowest score: 1 + the number of outlets that scored lower."""
    ordered = sorted(scores.values())
    first: dict[Decimal, int] = {}
    for i, s in enumerate(ordered, 1):
        first.setdefault(s, i)
    return {k: first[s] for k, s in scores.items()}


def ranks_by_group(scores: Mapping[K, Decimal], group: Mapping[K, Hashable]
                   ) -> tuple[dict[K, int], dict[K, int], dict[K, int]]:
    """Competition ranks, bottom ranks and group sizes, each outlet within its group."""
    groups: dict[Hashable, dict[K, Decimal]] = {}
    for k, s in scores.items():
        groups.setdefault(group[k], {})[k] = s
    top: dict[K, int] = {}
    bottom: dict[K, int] = {}
    size: dict[K, int] = {}
    for members in groups.values():
        top.update(competition_ranks(members))
        bottom.update(bottom_ranks(members))
        size.update(dict.fromkeys(members, len(members)))
    return top, bottom, size
