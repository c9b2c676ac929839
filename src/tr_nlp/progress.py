"""How long work has left, as progress lines say it (kept light: no model libraries)."""

from __future__ import annotations


def about(seconds: float) -> str:
    """A time left, roughly, as a progress line says it.

    >>> about(0.2), about(42.4), about(150)
    ('about 1 s', 'about 42 s', 'about 3 min')
    """
    return f"about {max(1, int(seconds + 0.5))} s" if seconds < 90 else f"about {int(seconds / 60 + 0.5)} min"
