"""Command-line interface. ``main`` is the ``tr-nlp`` console script."""

from tr_nlp.cli.app import app


def main() -> None:
    """Run the ``tr-nlp`` command."""
    app()


__all__ = ["app", "main"]
