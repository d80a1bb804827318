"""`dataaudit clean`: named, fitted cleaning steps that fix what the audit finds.

Modules by step family (`missing`, `text`, `labels`, `columns`, `numeric`, `encode`, `rows`),
the fitted state (`fitted`), the two streaming passes (`pipeline`), writers, manifest and the
report tables. Importing this package is cheap; scikit-learn loads with the steps.
"""
