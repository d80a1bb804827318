"""Comparing the splits of one dataset (train, validation, test): leakage, label shift, feature
drift, schema and sizes, all from the per-split profiles of one streaming pass each."""
