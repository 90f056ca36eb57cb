"""``python -m councilwatch`` runs the ``councilwatch`` command."""

from councilwatch.cli import cli

cli(prog_name="councilwatch")
