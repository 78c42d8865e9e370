//! The analysis engine: oscilloscope, spectrum analyzer and meters.
//!
//! The editor drains stereo frames ([`Frame`] = `[left, right]`) from the audio → editor ring
//! and feeds every one of them to the parts it shows; once per display frame it asks each part
//! for a picture. Everything here runs on the editor thread, never on the audio thread.
//!
//! | part | feed | picture |
//! |---|---|---|
//! | [`Scope`] | [`Scope::feed`], [`Scope::feed_transport`] | [`Scope::view`] → [`ScopeView`], then [`Scope::render`] into `&mut [ColumnMinMax]` |
//! | [`Spectrum`] | [`Spectrum::feed`] | [`Spectrum::render`] into `&mut [f32]` (dBFS per column), [`Spectrum::peak`], [`Spectrum::level_at`] |
//! | [`Meters`] | [`Meters::feed`] | [`Meters::levels`], [`Meters::correlation`], [`Meters::loudness`] |
//!
//! Building blocks, public because they are useful (and tested) on their own:
//! [`TriggerFinder`] (edge detection with hysteresis and sub-sample positions),
//! [`decimate_min_max`] (pixel-column min/max and interpolation), [`WindowKind`] (windows and
//! their calibration constants), [`FrequencyAxis`] and [`map_power_to_columns`] (log/linear axes, bins onto columns), [`Note`] (note name
//! and cents), [`InputHealth`] (NaN/Inf/subnormal sanitising and counting).
//!
//! Every view shows one [`Channel`] (L, R, mid, side) per trace; a [`ChannelMode`] lists the
//! traces of a view (one channel, or L and R overlaid).
//!
//! # Real-time behaviour
//!
//! All memory is allocated by the constructors and by the calls that change a size (sample
//! rate, FFT size). Feeding frames and producing pictures allocate nothing and never block;
//! pictures go into buffers the caller owns. Any slice length is accepted, including 0.
//! NaN, ±Inf and subnormal samples are replaced by 0 where they enter and counted
//! ([`Scope::input_health`], [`Spectrum::input_health`], [`Meters::input_health`]), so they
//! cost only their own samples.
//!
//! # Calibration
//!
//! See [`spectrum`] (dBFS of sines and per-bin noise), [`window`] (coherent gain, ENBW,
//! scalloping loss per window) and [`meters`] (peak, RMS, correlation and loudness conventions).

mod axis;
mod channel;
mod decimate;
mod health;
pub mod meters;
mod note;
mod peak;
mod scope;
mod smoothing;
pub mod spectrum;
mod transport;
mod trigger;
pub mod window;

pub use axis::{FLOOR_DB, FrequencyAxis, FrequencyScale, map_power_to_columns};
pub use channel::{Channel, ChannelMode, Frame};
pub use decimate::{ColumnMinMax, decimate_min_max};
pub use health::InputHealth;
pub use meters::{ChannelLevels, Loudness, MeterSettings, Meters};
pub use note::Note;
pub use peak::SpectralPeak;
pub use scope::{
    MAX_WINDOW_SECONDS, MIN_WINDOW_SECONDS, Scope, ScopeSettings, ScopeStatus, ScopeView,
};
pub use smoothing::Smoothing;
pub use spectrum::{FftSize, Spectrum, SpectrumCurve, SpectrumSettings};
pub use transport::{BeatSyncLength, TransportInfo};
pub use trigger::{Edge, TriggerFinder, TriggerMode, TriggerSettings};
pub use window::WindowKind;
