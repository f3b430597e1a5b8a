"""Group decomposition of a define-by-run (conditional) search space.

In a conditional space, which parameters a trial draws depends on earlier
values: ``kind == "linear"`` draws ``c``, ``kind == "tree"`` draws ``depth``
and ``frac``. Modelling all parameters jointly is impossible (no trial has all
of them) and modelling only the intersection loses the branches. The groups
here are the finest partition on which both work: two parameters share a group
exactly when they appear in exactly the same trials. Every trial's parameter
set is then a union of whole groups, so each group can be modelled jointly on
the trials that drew it: ``{kind}``, ``{c}`` and ``{depth, frac}`` above.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["decompose_into_groups"]


def decompose_into_groups(param_sets: Sequence[Iterable[str]]) -> list[tuple[str, ...]]:
    """Partition the parameter names of ``param_sets`` into co-occurrence groups.

    Two names are in the same group iff every set holds both or neither.

    Args:
        param_sets: The parameter names of each trial, in trial order.

    Returns:
        The groups, each a tuple of names in order of first appearance; groups
        are ordered by their first name's first appearance (deterministic).
    """
    # A name's signature is the set of trials holding it, as a bit mask.
    signature: dict[str, int] = {}
    for i, names in enumerate(param_sets):
        bit = 1 << i
        for name in names:
            signature[name] = signature.get(name, 0) | bit
    groups: dict[int, list[str]] = {}
    for name, mask in signature.items():  # dicts keep first-appearance order
        groups.setdefault(mask, []).append(name)
    return [tuple(names) for names in groups.values()]
