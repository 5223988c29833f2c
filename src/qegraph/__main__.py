"""``python -m qegraph`` runs the command line."""

from .cli import main

main()
