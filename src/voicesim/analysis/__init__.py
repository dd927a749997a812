"""Stage 2: audio + words → delivery measures.

Acoustics, fillers, pace/pauses/pitch/level, and the analyze pipeline.
"""
