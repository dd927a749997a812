"""Builders and helpers of the test suite that only tests use (answer_builder,
session_factory, reliability). What scripts share with the tests lives in
``voicesim.testing``: speech rendering, signals, the PulseAudio rig, corpora, matchers."""
