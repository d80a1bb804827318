"""Personal data and secrets in training text: detectors (`detect`), the accumulator the text
pass carries (`partial`), masking for reports (`mask`) and redaction for `clean` (`redact`)."""
