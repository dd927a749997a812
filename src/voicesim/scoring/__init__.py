"""Stage 3: transcript + delivery (+ question) → rubric score.

The rubric, answer tokens, and the clarity, conciseness and content criteria.
"""
