"""Stage 0: sound in and out.

Decode/probe/resample files, devices, microphone capture, speech output.
"""
