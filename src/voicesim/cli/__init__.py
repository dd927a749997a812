"""The command-line layer: parses, prints and exits; plain functions elsewhere do the work."""
