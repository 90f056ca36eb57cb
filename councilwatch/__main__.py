"""``python -m councilwatch`` runs the ``councilwatch`` command."""

from councilwatch.pipeline.cli import cli

cli(prog_name="councilwatch")
