"""Training, evaluation and corpus tools for the speech-act classifier.

``training`` imports ``inference`` (labels, sentence splitting, normalization, model
folder format), never the reverse.
"""
