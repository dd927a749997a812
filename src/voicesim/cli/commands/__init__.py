"""The code each ``voicesim`` command runs; :mod:`voicesim.cli.main` imports one on demand."""
