"""Tests of the sample_site room."""
