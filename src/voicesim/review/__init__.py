"""Looking back at saved answers.

Subtitles and exports, the timeline, terminal replay, the HTML report.
"""
