"""Stage 1 (live): one spoken turn.

Voice activity, the end-of-turn decision, live transcription, voice commands.
"""
