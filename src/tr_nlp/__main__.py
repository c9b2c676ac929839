"""``python -m tr_nlp`` runs the CLI."""

from tr_nlp.cli import main

main()
