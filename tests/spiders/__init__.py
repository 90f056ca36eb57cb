"""Tests of the spiders room."""
