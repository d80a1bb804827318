"""The label model's result types, kept where they were first published; they live in
`dataaudit.profile.label_quality` since the profile carries them."""

from dataaudit.profile.label_quality import ClassNoise, LabelQuality, Scores, SuspectedRow

__all__ = ["ClassNoise", "LabelQuality", "Scores", "SuspectedRow"]
