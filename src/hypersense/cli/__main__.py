"""``python -m hypersense.cli`` runs the ``hypersense`` command."""

from hypersense.cli.app import main

main()
