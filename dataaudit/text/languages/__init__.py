"""Language per example with lingua: the detector (built once per process), the accumulator
the text pass feeds, and the settings read from the rule pack's `languages` section."""
