"""Known-truth inputs for voicesim's tests and measuring scripts (after numpy.testing).

Nothing in voicesim imports this package; the test suite and ``scripts/`` do. Its modules:

- ``signals``: silence, a tone, white/brown/pink noise, keyboard clicks (float32 at ``SR``).
- ``speech``: answers rendered by espeak-ng from pieces (words, fillers, gaps) with the
  truth of where each word, filler and pause is.
- ``truth``: the one builder of a Delivery from words, fillers and pauses placed by hand.
- ``rig``: a private PulseAudio server with a virtual speaker and microphone.
- ``corpora``: the rendered answer sets (``analyze``, ``scoring``) and jfk.flac's reference.
- ``matching``: scoring an analysis against a rendered answer's truth (fillers, pauses, WER).

It needs espeak-ng, PulseAudio and the ``test`` extras (jiwer) where those modules are used;
importing the package itself imports nothing.
"""
