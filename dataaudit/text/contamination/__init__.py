"""Evaluation data in the training texts: the evaluation sets read and indexed, and each chunk
of training examples matched against them in the text pass."""
