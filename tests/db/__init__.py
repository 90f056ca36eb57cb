"""Tests of the db room."""
