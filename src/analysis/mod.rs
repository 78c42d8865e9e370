//! The analysis engine: oscilloscope, spectrum analyzer and meters.
//!
//! The editor drains stereo frames ([`Frame`] = `[left, right]`) from the audio → editor ring
//! and feeds every one of them to the parts it shows; once per display frame it asks each part
//! for a picture. Everything here runs on the editor thread, never on the audio thread.
//!
//! ```
//! use ringscope::analysis::*;
//! let rate = 48_000.0;
//! let mut scope = Scope::new(rate, ScopeSettings::default());
//! let mut spectrum = Spectrum::new(rate, SpectrumSettings::default());
//! let mut meters = Meters::new(rate, MeterSettings::default());
//! let (mut trace, mut curve) = (vec![ColumnMinMax::default(); 800], vec![0.0f32; 800]);
//!
//! // Each display frame: feed what the ring held, then draw.
//! let drained = vec![[0.1f32, -0.1]; 800];
//! scope.feed(&drained);
//! spectrum.feed(&drained);
//! meters.feed(&drained);
//! let view = scope.view();
//! for &channel in ChannelMode::Overlay.channels() {
//!     scope.render(&view, channel, &mut trace);
//! }
//! spectrum.render(Channel::Mid, SpectrumCurve::Average, &FrequencyAxis::default(), &mut curve);
//! let _ = (meters.levels(Channel::Left), meters.correlation(), meters.loudness());
//! ```
//!
//! | part | feed | picture |
//! |---|---|---|
//! | [`Scope`] | [`Scope::feed`], [`Scope::feed_transport`] | [`Scope::view`] → [`ScopeView`], then [`Scope::render`] into `&mut [ColumnMinMax]` |
//! | [`Spectrum`] | [`Spectrum::feed`] | [`Spectrum::render`] into `&mut [f32]` (dBFS per column); [`Spectrum::peak`], [`Spectrum::level_at`], [`Spectrum::power`] |
//! | [`Meters`] | [`Meters::feed`], or [`Meters::feed_with`] to hand each 100 ms block to a [`LoudnessHistory`] | [`Meters::levels`], [`Meters::correlation`], [`Meters::balance`], [`Meters::loudness`] (integrated, LRA, maxima, PLR) |
//! | [`Spectrogram`] | [`Spectrogram::push`], from [`Spectrum::feed_with`]'s frames | [`Spectrogram::new_columns`], then [`Spectrogram::paint`] into `&mut [[u8; 4]]`; [`Spectrogram::cell`] |
//! | [`Vectorscope`] | [`Vectorscope::feed`] | [`Vectorscope::take_points`] and [`Vectorscope::gain`], or [`Vectorscope::polar_levels_db`] |
//! | [`LoudnessHistory`] | [`LoudnessHistory::push`], from [`Meters::feed_with`]'s blocks | [`LoudnessHistory::render`] into `&mut [ColumnMinMax]`; [`LoudnessHistory::value_at`] |
//!
//! Settings are plain `Copy` structs ([`ScopeSettings`] with [`TriggerSettings`],
//! [`SpectrumSettings`], [`MeterSettings`]) applied with `set_settings`; out-of-range values are
//! clamped, never rejected. Each part also has `set_sample_rate`, `reset`, `set_frozen` (scope and
//! spectrum), `input_health` and `settle_seconds` (how long its picture keeps changing once the
//! input turns silent).
//!
//! Two rules are defined here once, for the analysis and for whoever feeds it: which sample rates
//! are real ([`valid_sample_rate`]; anything else becomes 48 kHz) and what silence is
//! ([`is_silent`]: every sample finite and at most −150 dBFS; NaN and ±Inf never are).
//!
//! Building blocks, public because they are useful (and tested) on their own:
//! [`TriggerFinder`] (edge detection with hysteresis and sub-sample positions),
//! [`decimate_min_max`] (pixel-column min/max and interpolation), [`WindowKind`] (windows and
//! their calibration constants), [`FrequencyAxis`] and [`map_power_to_columns`] (log/linear
//! axes, bins onto columns), [`Note`] (note name and cents), [`InputHealth`] (NaN/Inf/subnormal
//! sanitising and counting).
//!
//! Every view shows one [`Channel`] (L, R, mid, side) per trace; a [`ChannelMode`] lists the
//! traces of a view (one channel, or L and R overlaid).
//!
//! # Real-time behaviour
//!
//! All memory is allocated by the constructors and by the calls that change a size (sample
//! rate, FFT size). Feeding frames and producing pictures allocate nothing and never block;
//! pictures go into buffers the caller owns. Any slice length is accepted, including 0.
//! NaN, ±Inf, out-of-range (beyond ±1000) and subnormal samples are replaced by 0 where they
//! enter and counted ([`Scope::input_health`], [`Spectrum::input_health`],
//! [`Meters::input_health`]), so they cost only their own samples.
//!
//! # Calibration
//!
//! See [`spectrum`] (dBFS of sines and per-bin noise), [`window`] (coherent gain, ENBW,
//! scalloping loss per window), [`meters`] (peak, RMS, correlation and loudness conventions),
//! [`loudness`] (which loudness figure comes from `ebur128` and which is ours), [`decimate`]
//! (what a pixel column holds), [`spectrogram`] (how FFT frames become pixel columns and rows),
//! [`vectorscope`] (the goniometer's axes and its decimation) and [`trigger`] (sub-sample
//! trigger positions). `docs/views.md` gathers the rules of the three newer views.

pub mod axis;
pub mod channel;
pub mod decimate;
pub mod health;
mod history;
pub mod loudness;
pub mod meters;
pub mod note;
pub mod peak;
pub mod sample_rate;
pub mod scope;
pub mod silence;
pub mod smoothing;
pub mod spectrogram;
pub mod spectrum;
pub mod transport;
pub mod trigger;
pub mod vectorscope;
pub mod window;

pub use axis::{FLOOR_DB, FrequencyAxis, FrequencyScale, map_power_to_columns};
pub use channel::{Channel, ChannelMode, Frame};
pub use decimate::{ColumnMinMax, decimate_min_max};
pub use health::InputHealth;
pub use loudness::{
    Loudness, LoudnessBlock, LoudnessCurve, LoudnessHistory, MAX_LOUDNESS_HISTORY_SECONDS,
    MIN_LOUDNESS_SPAN_SECONDS,
};
pub use meters::{ChannelLevels, MeterSettings, Meters};
pub use note::Note;
pub use peak::SpectralPeak;
pub use sample_rate::{FALLBACK_SAMPLE_RATE, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, valid_sample_rate};
pub use scope::{
    MAX_WINDOW_SECONDS, MIN_WINDOW_SECONDS, Scope, ScopeSettings, ScopeStatus, ScopeView,
};
pub use silence::{SILENCE_DBFS, SILENCE_THRESHOLD, frames_are_silent, is_silent};
pub use smoothing::Smoothing;
pub use spectrogram::{
    Orientation, Palette, Spectrogram, SpectrogramCell, SpectrogramColours, SpectrogramSettings,
};
pub use spectrum::{FftSize, Spectrum, SpectrumCurve, SpectrumFrame, SpectrumSettings};
pub use transport::{BeatSyncLength, TransportInfo};
pub use trigger::{Edge, TriggerFinder, TriggerMode, TriggerSettings};
pub use vectorscope::{
    MAX_AUTO_GAIN_DB, MIN_AUTO_GAIN_DB, POLAR_SECTORS, Vectorscope, VectorscopeMode,
    VectorscopePoint, VectorscopeSettings,
};
pub use window::WindowKind;
