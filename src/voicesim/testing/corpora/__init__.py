"""Rendered answer sets with known truth, and the reference of the real fixture jfk.flac."""
