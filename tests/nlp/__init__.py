"""Tests of the nlp room."""
