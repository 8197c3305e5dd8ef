"""Lists cut into batches that keep ``IN (...)`` lists within every database's parameter limit."""

from collections.abc import Iterator


def chunks(items: list, size: int = 900) -> Iterator[list]:
    """Yield ``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
