"""Shortcuts: columns, ids and text tokens that alone predict the label.

A model learns the easiest rule that fits; when one column (a copy of the label, a source code,
a running number of a file sorted by class, a link host only one source posts) already predicts
the label, that is what it learns, and it fails on data without it. Measured on the sample the
audit pass draws (`dataaudit.profile.sample`), never on a second pass over the data; numpy and
pandas counting, with scikit-learn's token counter imported only for text columns.
"""
