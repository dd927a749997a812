"""The sections of ``scripts/bench``, one module each.

Every section module has a ``run(...)`` that measures and returns a dataclass of figures;
``scripts/bench.py`` runs the sections asked for, merges their figures into one JSON object
and prints the table (:mod:`benchmarks.report`). What each figure means is in bench.py's
docstring and in the README's Performance section.
"""
