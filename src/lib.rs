//! Ringscope's core: a wait-free single-producer single-consumer ring buffer for real-time
//! audio, and the analysis engine (oscilloscope, spectrum analyzer, meters) behind the
//! Ringscope plugin's display.
#![deny(missing_docs)]

pub mod analysis;
