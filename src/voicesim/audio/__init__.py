"""Stage 0: sound in and out.

Decode/probe/resample files, devices, microphone capture, speech output.
"""

SAMPLE_RATE = 16000
"""Every stage works on mono float32 audio at this rate (Hz): Whisper's and Silero's rate."""

SPEECH_RATE_WPM = (60, 450)
"""The interviewer's speaking rates the speech engine accepts, words per minute (espeak-ng)."""
