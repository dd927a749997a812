"""Saved sessions on disk: the store, its records and index, atomic files, history, rescoring."""
