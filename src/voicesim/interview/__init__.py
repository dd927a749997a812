"""The practice session: asks questions, listens, analyses, gives feedback and logs the answers."""
