"""Small-count suppression for what is published: a count below the threshold could point at
a person, so it shows as "fewer than N"; and every figure from which it could be worked out is
withheld too (see docs/reports-privacy.md).

Every published table (each section of the Mayor's report, each public export) describes its
cells as a :class:`Publication`: its counts, which of them it shows (directly or through a
percentage), the sums that hold between them (a column adds up to a total shown elsewhere;
compliant = completed + exempt) and its percentages. :func:`suppress` then decides, in one
place, what is withheld:

1. **primary**: every count below the threshold;
2. **percentages** of a withheld count, or of fewer people than the threshold;
3. **complementary**: wherever a sum has exactly one unknown cell left, and that cell is a small
   count (or has to stay unknown), the smallest cell still shown in that sum is withheld too,
   so that "total minus the visible cells" recovers nothing; repeated until stable, so no chain
   of subtractions and percentages leads to a small count.

A complementary cell is at least the threshold: it shows as "withheld", not "fewer than N".
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

#: A percentage that is not shown.
NOT_SHOWN = "—"


def shown_count(count: int, threshold: int = 0):
    """``count``, or "fewer than N" when a threshold applies and the count is below it."""
    if threshold and count < threshold:
        return _("fewer than %(threshold)d") % {"threshold": threshold}
    return count


def shown_percent(percent: int | None, *, out_of: int, threshold: int = 0):
    """A percentage, unless it is a share of fewer people than the threshold (then "—")."""
    if percent is None or (threshold and out_of < threshold):
        return NOT_SHOWN
    return percent


def withheld_label() -> str:
    """What a count withheld so that a smaller one cannot be worked out shows instead."""
    return _("withheld")


@dataclass
class Publication:
    """The cells of one published table, and how an analyst could combine them.

    Keys are any hashable (tuples such as ``("department", 3, "assigned")``). A count can be
    ``shown`` (printed, or readable through a percentage) or only known to the analyst's
    arithmetic (a department's exempt people = its compliant minus its completed).
    """

    counts: dict[Hashable, int] = field(default_factory=dict)
    shown: set[Hashable] = field(default_factory=set)
    #: (total, parts): total = sum(parts).
    sums: list[tuple[Hashable, tuple[Hashable, ...]]] = field(default_factory=list)
    #: percentage key -> (numerator key, denominator key).
    ratios: dict[Hashable, tuple[Hashable, Hashable]] = field(default_factory=dict)

    def count(self, key: Hashable, value: int, *, shown: bool = True) -> Hashable:
        self.counts[key] = value
        if shown:
            self.shown.add(key)
        return key

    def percent(self, key: Hashable, numerator: Hashable, denominator: Hashable) -> Hashable:
        self.ratios[key] = (numerator, denominator)
        return key

    def add_sum(self, total: Hashable, parts: Iterable[Hashable]) -> None:
        self.sums.append((total, tuple(parts)))

    def column_total(self, name: Hashable, parts: Iterable[Hashable]) -> Hashable:
        """``parts`` add up to a total published elsewhere (the citywide figures, or the
        filtered department's row): counted as shown unless the same rule withholds it, as it
        does where it is published."""
        parts = tuple(parts)
        key = ("total", name)
        self.count(key, sum(self.counts[part] for part in parts))
        self.add_sum(key, parts)
        return key


@dataclass
class Suppression:
    """What :func:`suppress` decided: which counts and percentages are withheld."""

    threshold: int
    counts: dict[Hashable, int]
    hidden: set[Hashable]
    hidden_percents: set[Hashable]

    def count(self, key: Hashable):
        """The count to print: its value, "fewer than N" or "withheld"."""
        value = self.counts[key]
        if key not in self.hidden:
            return value
        if value < self.threshold:
            return shown_count(value, self.threshold)
        return withheld_label()

    def is_hidden(self, key: Hashable) -> bool:
        return key in self.hidden or key in self.hidden_percents

    def percent(self, key: Hashable, value: int | None):
        """The percentage to print, or "—"."""
        if value is None or key in self.hidden_percents:
            return NOT_SHOWN
        return value


def suppress(publication: Publication, threshold: int) -> Suppression:
    """Primary and complementary suppression of ``publication`` (see the module's docstring).
    ``threshold`` 0: nothing is withheld."""
    counts = publication.counts
    if not threshold:
        return Suppression(threshold, counts, set(), set())
    sensitive = {key for key, value in counts.items() if value < threshold}
    hidden = {key for key in publication.shown if key in sensitive}
    order = {key: index for index, key in enumerate(counts)}
    member_of: dict[Hashable, list[int]] = defaultdict(list)
    for index, (total, parts) in enumerate(publication.sums):
        for member in (total, *parts):
            member_of[member].append(index)
    ratio_of: dict[Hashable, list[Hashable]] = defaultdict(list)
    for key, pair in publication.ratios.items():
        for member in pair:
            ratio_of[member].append(key)

    while True:
        withheld = hidden | sensitive
        hidden_percents = {
            key
            for key, (numerator, denominator) in publication.ratios.items()
            if numerator in withheld or denominator in withheld
        }
        leak = _first_leak(publication, hidden, hidden_percents, sensitive, member_of, ratio_of)
        if leak is None:
            return Suppression(threshold, counts, hidden, hidden_percents)
        kind, where, leaked = leak
        if kind == "ratio":
            # A shown percentage and one of its counts gave the other: that one stays unknown.
            numerator, denominator = publication.ratios[where]
            sensitive.update(m for m in (numerator, denominator) if m != leaked)
            continue
        total, parts = publication.sums[where]
        others = [member for member in (total, *parts) if member != leaked]
        # A member already withheld but worked out from another sum must stay unknown too;
        # otherwise the smallest member still shown is withheld.
        derived = [m for m in others if m not in sensitive and m not in publication.shown]
        derived += [m for m in others if m not in sensitive and m in hidden]
        shown = [m for m in others if m in publication.shown and m not in hidden]
        if derived:
            sensitive.add(min(derived, key=lambda m: (counts[m], order[m])))
        elif shown:
            hidden.add(min(shown, key=lambda m: (counts[m], order[m])))
        else:  # pragma: no cover - the first small count reached comes from shown counts
            raise AssertionError(f"Nothing left to withhold for {leaked!r}")


def _first_leak(publication, hidden, hidden_percents, sensitive, member_of, ratio_of):
    """Work out every count the analyst can from the shown cells (a sum with one unknown cell
    gives it; a shown percentage and one of its two counts give the other); the first small
    count reached, as (how: "sum" | "ratio", which sum index or percentage, the count)."""
    known = {key for key in publication.shown if key not in hidden}
    how: dict[Hashable, tuple[str, Hashable]] = {}
    pending = list(known)
    sums = publication.sums

    def learn(key, reason):
        known.add(key)
        how[key] = reason
        pending.append(key)

    # Sums and percentages that could give something from the start.
    for index, (total, parts) in enumerate(sums):
        unknown = [m for m in (total, *parts) if m not in known]
        if len(unknown) == 1:
            learn(unknown[0], ("sum", index))
    for key, (numerator, denominator) in publication.ratios.items():
        if key in hidden_percents:
            continue
        if numerator in known and denominator not in known:
            learn(denominator, ("ratio", key))
        elif denominator in known and numerator not in known:
            learn(numerator, ("ratio", key))
    while pending:
        key = pending.pop()
        for index in member_of.get(key, ()):
            total, parts = sums[index]
            unknown = [m for m in (total, *parts) if m not in known]
            if len(unknown) == 1:
                learn(unknown[0], ("sum", index))
        for percent_key in ratio_of.get(key, ()):
            if percent_key in hidden_percents:
                continue
            numerator, denominator = publication.ratios[percent_key]
            for member in (numerator, denominator):
                if member not in known:
                    learn(member, ("ratio", percent_key))
    # The first small count reached was worked out from counts that are not small: withholding
    # one of those breaks the chain at its root.
    leaked = next((key for key in how if key in sensitive), None)
    if leaked is None:
        return None
    kind, where = how[leaked]
    return kind, where, leaked
