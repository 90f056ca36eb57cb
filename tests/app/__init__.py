"""Tests of the application: the CLI and the orchestration of runs."""
