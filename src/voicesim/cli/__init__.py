"""The command-line layer: parses, prints and exits. The work is done in plain functions elsewhere."""
