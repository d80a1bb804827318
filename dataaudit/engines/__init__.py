"""Engines run the one pass: they feed a source's chunks to partial profiles and merge them."""
