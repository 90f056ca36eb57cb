"""Tests of the extraction room."""
