"""The package's version, in a leaf module: every report, manifest and fitted file names it, and
reading it from the package root would tie those low layers to the public API the root exposes."""

__version__ = "0.1.0"
