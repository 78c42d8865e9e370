//! The analysis engine: oscilloscope, spectrum analyzer and meters.
