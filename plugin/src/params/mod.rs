//! Ringscope's parameters: everything the host automates, saves with the session and restores.
//!
//! Every parameter and every enum variant has a stable string ID (`#[id = "..."]`): those IDs are
//! what saved sessions and automation lanes refer to, so they are written once and never derived
//! from a display name. Display names may change; IDs may not.
//!
//! Files: this one (the parameter set, its ranges and the persisted editor geometry),
//! [`choices`] (the enums and their conversions into the analysis' types), [`format`] (every
//! value ↔ text conversion).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_utils::atomic::AtomicCell;
use nice_plug::prelude::*;
use serde::{Deserialize, Serialize};

use self::format::{
    stepped_number, with_frequency_text, with_percent_text, with_switch_text, with_time_text,
};
use crate::format::TimeUnit;

pub mod choices;
pub mod compare;
mod format;
pub mod layout;
pub mod views;

pub use self::choices::{
    BeatSyncLength, ChannelMode, FftSize, FrameRate, FrequencyScale, LoudnessTarget, Smoothing,
    SpectrogramDirection, SpectrogramPalette, TestSignalKind, TriggerEdge, TriggerMode,
    VectorscopeMode, View, WindowKind,
};
pub use self::compare::CompareParams;
pub use self::layout::{Layout, Pane};
pub use self::views::{LoudnessParams, SpectrogramParams, VectorscopeParams};

/// The editor window's size (in egui points, before zoom) and zoom factor, saved with the session.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EditorGeometry {
    /// Width in logical points at zoom 1.
    pub width: f32,
    /// Height in logical points at zoom 1.
    pub height: f32,
    /// egui zoom factor (Ctrl +/−).
    pub zoom: f32,
}

impl EditorGeometry {
    /// Size of a freshly inserted plugin.
    pub const DEFAULT: Self = Self {
        width: 900.0,
        height: 600.0,
        zoom: 1.0,
    };
    /// Smallest window that still shows the controls and a usable plot.
    pub const MIN_WIDTH: f32 = 480.0;
    /// See [`Self::MIN_WIDTH`].
    pub const MIN_HEIGHT: f32 = 320.0;
    const MAX_SIDE: f32 = 16384.0;

    /// The same geometry with every field forced into its valid range, so a corrupt or hand-edited
    /// session can never open a 0×0, NaN or gigantic window.
    pub fn sanitized(self) -> Self {
        let clamp = |v: f32, lo: f32, hi: f32, fallback: f32| {
            if v.is_finite() {
                v.clamp(lo, hi)
            } else {
                fallback
            }
        };
        Self {
            width: clamp(
                self.width,
                Self::MIN_WIDTH,
                Self::MAX_SIDE,
                Self::DEFAULT.width,
            ),
            height: clamp(
                self.height,
                Self::MIN_HEIGHT,
                Self::MAX_SIDE,
                Self::DEFAULT.height,
            ),
            zoom: clamp(self.zoom, 0.25, 4.0, 1.0),
        }
    }
}

impl Default for EditorGeometry {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// When set before the plugin object is created, the test signal parameter defaults to a log
/// sweep (it moves in every view) instead of off. Only the standalone app sets it, and only when
/// no input is connected.
static TEST_SIGNAL_ON_BY_DEFAULT: AtomicBool = AtomicBool::new(false);

/// Makes the test signal default to on for plugin objects created after this call (standalone app
/// with no input connected). Plugins loaded by a DAW never call this, so there it defaults to off.
pub fn set_test_signal_on_by_default(on: bool) {
    TEST_SIGNAL_ON_BY_DEFAULT.store(on, Ordering::Relaxed);
}

/// All of Ringscope's parameters, plus the persisted editor geometry.
#[derive(Params)]
pub struct RingscopeParams {
    /// Editor size and zoom, restored with the session.
    #[persist = "editor-geometry"]
    pub editor_geometry: Arc<AtomicCell<EditorGeometry>>,

    /// Which picture the editor shows.
    #[id = "view"]
    pub view: EnumParam<View>,
    /// Which signal(s) the views show.
    #[id = "channels"]
    pub channels: EnumParam<ChannelMode>,
    /// Holds the picture (it can still be inspected).
    #[id = "freeze"]
    pub freeze: BoolParam,

    // Oscilloscope
    /// Visible time span in milliseconds.
    #[id = "scope-window"]
    pub scope_window_ms: FloatParam,
    /// How the scope's sweep starts.
    #[id = "trigger-mode"]
    pub trigger_mode: EnumParam<TriggerMode>,
    /// Trigger level, linear full scale (−1 … 1).
    #[id = "trigger-level"]
    pub trigger_level: FloatParam,
    /// Which edge fires the trigger.
    #[id = "trigger-edge"]
    pub trigger_edge: EnumParam<TriggerEdge>,
    /// Hysteresis band below (rising) / above (falling) the level, linear full scale.
    #[id = "trigger-hysteresis"]
    pub trigger_hysteresis: FloatParam,
    /// Minimum time between triggers in milliseconds.
    #[id = "trigger-holdoff"]
    pub trigger_holdoff_ms: FloatParam,
    /// Sweep length in beat-sync mode.
    #[id = "beat-sync-length"]
    pub beat_sync_length: EnumParam<BeatSyncLength>,

    // Spectrum
    /// Spectrum FFT length.
    #[id = "fft-size"]
    pub fft_size: EnumParam<FftSize>,
    /// Spectrum analysis window.
    #[id = "fft-window"]
    pub fft_window: EnumParam<WindowKind>,
    /// Overlap between successive FFT frames, 0 … 0.875.
    #[id = "fft-overlap"]
    pub fft_overlap: FloatParam,
    /// Averaging time constant in milliseconds, 0 = off.
    #[id = "averaging"]
    pub averaging_ms: FloatParam,
    /// Peak-hold time in seconds, 0 = off.
    #[id = "peak-hold"]
    pub peak_hold_s: FloatParam,
    /// Display tilt in dB per octave, pivoting at 1 kHz.
    #[id = "slope"]
    pub slope_db_per_oct: FloatParam,
    /// Fractional-octave smoothing of the spectrum.
    #[id = "smoothing"]
    pub smoothing: EnumParam<Smoothing>,
    /// Left edge of the spectrum's frequency axis, Hz.
    #[id = "freq-min"]
    pub freq_min_hz: FloatParam,
    /// Right edge of the spectrum's frequency axis, Hz (limited to Nyquist).
    #[id = "freq-max"]
    pub freq_max_hz: FloatParam,
    /// Bottom of the spectrum's level axis, dBFS.
    #[id = "db-min"]
    pub db_min: FloatParam,
    /// Top of the spectrum's level axis, dBFS.
    #[id = "db-max"]
    pub db_max: FloatParam,

    // Test signal (display only: the output always stays the input)
    /// The display-only test signal.
    #[id = "test-signal"]
    pub test_signal: EnumParam<TestSignalKind>,
    /// Sine and first two-tone frequency, Hz.
    #[id = "test-freq"]
    pub test_freq_hz: FloatParam,
    /// Second tone of the two-tone signal.
    #[id = "test-freq-2"]
    pub test_freq2_hz: FloatParam,
    /// Level in dBFS: tones peak at it, noise has the RMS of a sine at it.
    #[id = "test-level"]
    pub test_level_db: FloatParam,
    /// Duration of one 20 Hz → 20 kHz log sweep, in seconds.
    #[id = "test-sweep-time"]
    pub test_sweep_s: FloatParam,

    // Appended after the first release's parameters: hosts list parameters in this order.
    /// Logarithmic or linear frequency axis of the spectrum.
    #[id = "freq-scale"]
    pub freq_scale: EnumParam<FrequencyScale>,
    /// The host's bypass (hosts bind their bypass button to it): the output stays the input, as
    /// always, and the analysis pauses. ID [`BYPASS_ID`].
    #[id = "bypass"]
    pub bypass: BoolParam,

    // The editor's frame rate: a display preference saved with the session, never automated.
    /// Most frames per second the editor draws.
    #[id = "frame-rate"]
    pub frame_rate: EnumParam<FrameRate>,

    // The views added after the first release.
    /// The layout of the central area (beside `view`, whose values keep their meaning).
    #[id = "layout"]
    pub layout: EnumParam<Layout>,
    /// Whether the meters strip shows beside the layout.
    #[id = "meters-strip"]
    pub meters_strip: BoolParam,
    /// The spectrogram's settings.
    #[nested(group = "Spectrogram")]
    pub spectrogram: SpectrogramParams,
    /// The vectorscope's settings.
    #[nested(group = "Vectorscope")]
    pub vectorscope: VectorscopeParams,
    /// The loudness history's settings.
    #[nested(group = "Loudness")]
    pub loudness: LoudnessParams,
    /// The instance's name and overlays (persisted fields only, no parameters).
    #[nested]
    pub compare: CompareParams,
}

/// The bypass parameter's ID (the `#[id]` above, which must be a literal): a session saved
/// before the parameter existed has no value under it, and loads un-bypassed
/// (`Ringscope::filter_state`).
pub const BYPASS_ID: &str = "bypass";

impl RingscopeParams {
    /// The spectrum's level axis, dBFS (bottom, top): Min level, and Max level raised to at
    /// least 6 dB above it (the two parameters' ranges overlap). The view draws this span, and
    /// the display waits for the spectrum to fall through it before it rests.
    pub fn spectrum_levels(&self) -> (f32, f32) {
        let bottom = self.db_min.value();
        (bottom, self.db_max.value().max(bottom + 6.0))
    }

    /// The panes the editor's central area shows, first (top or left) to last.
    pub fn panes(&self) -> &'static [Pane] {
        self.layout.value().panes(self.view.value())
    }
}

/// Skew factors of the skewed ranges: `FloatRange::skew_factor(-2.5)`, `(-2.0)` and `(-1.0)`
/// (2 to those powers), written out so that the ranges can be constants.
const SKEW_2_5: f32 = 0.176_776_69;
const SKEW_2: f32 = 0.25;
const SKEW_1: f32 = 0.5;

/// The parameters' ranges, defined once: the parameters are built from them, and a widget that
/// shows or clamps the same quantity uses them too.
pub mod range {
    use nice_plug::prelude::FloatRange;
    use ringscope::analysis::{MAX_WINDOW_SECONDS, MIN_WINDOW_SECONDS};

    use super::{SKEW_1, SKEW_2, SKEW_2_5};

    /// The scope's time span, ms: the analysis' window limits (1 ms … 10 s, four decades; the
    /// skew puts 10 ms near 30 %, 100 ms near 45 % and 1 s near 67 % of the travel).
    pub const SCOPE_WINDOW_MS: FloatRange = FloatRange::Skewed {
        min: (MIN_WINDOW_SECONDS * 1000.0) as f32,
        max: (MAX_WINDOW_SECONDS * 1000.0) as f32,
        factor: SKEW_2_5,
    };
    /// Trigger level, linear full scale.
    pub const TRIGGER_LEVEL: FloatRange = FloatRange::Linear {
        min: -1.0,
        max: 1.0,
    };
    /// Trigger hysteresis, linear full scale.
    pub const TRIGGER_HYSTERESIS: FloatRange = FloatRange::Skewed {
        min: 0.0,
        max: 0.5,
        factor: SKEW_2,
    };
    /// Trigger holdoff, ms.
    pub const TRIGGER_HOLDOFF_MS: FloatRange = FloatRange::Skewed {
        min: 0.0,
        max: 1000.0,
        factor: SKEW_2,
    };
    /// FFT overlap, a fraction.
    pub const FFT_OVERLAP: FloatRange = FloatRange::Linear {
        min: 0.0,
        max: 0.875,
    };
    /// Spectrum averaging time constant, ms (0 = off).
    pub const AVERAGING_MS: FloatRange = FloatRange::Skewed {
        min: 0.0,
        max: 10_000.0,
        factor: SKEW_2,
    };
    /// Spectrum peak-hold time, s (0 = off).
    pub const PEAK_HOLD_S: FloatRange = FloatRange::Skewed {
        min: 0.0,
        max: 30.0,
        factor: SKEW_1,
    };
    /// Spectrum display tilt, dB per octave.
    pub const SLOPE_DB_PER_OCT: FloatRange = FloatRange::Linear {
        min: -12.0,
        max: 12.0,
    };
    /// Left edge of the spectrum's frequency axis, Hz.
    pub const FREQ_MIN_HZ: FloatRange = FloatRange::Skewed {
        min: 10.0,
        max: 1000.0,
        factor: SKEW_2,
    };
    /// Right edge of the spectrum's frequency axis, Hz.
    pub const FREQ_MAX_HZ: FloatRange = FloatRange::Skewed {
        min: 1000.0,
        max: 96_000.0,
        factor: SKEW_2,
    };
    /// Bottom of the spectrum's level axis, dBFS.
    pub const DB_MIN: FloatRange = FloatRange::Linear {
        min: -200.0,
        max: -12.0,
    };
    /// Top of the spectrum's level axis, dBFS.
    pub const DB_MAX: FloatRange = FloatRange::Linear {
        min: -60.0,
        max: 24.0,
    };
    /// Test-signal frequencies, Hz.
    pub const TEST_FREQ_HZ: FloatRange = FloatRange::Skewed {
        min: 10.0,
        max: 24_000.0,
        factor: SKEW_2,
    };
    /// Test-signal level, dBFS.
    pub const TEST_LEVEL_DB: FloatRange = FloatRange::Linear {
        min: -96.0,
        max: 0.0,
    };
    /// Log-sweep duration, s.
    pub const TEST_SWEEP_S: FloatRange = FloatRange::Skewed {
        min: 0.5,
        max: 60.0,
        factor: SKEW_1,
    };
}

fn hz_param(name: &str, default: f32, range: FloatRange) -> FloatParam {
    with_frequency_text(FloatParam::new(name, default, range))
}

fn db_param(name: &str, default: f32, range: FloatRange) -> FloatParam {
    stepped_number(name, default, range, 1.0, " dB")
}

impl Default for RingscopeParams {
    fn default() -> Self {
        let test_signal_default = if TEST_SIGNAL_ON_BY_DEFAULT.load(Ordering::Relaxed) {
            TestSignalKind::LogSweep
        } else {
            TestSignalKind::Off
        };

        Self {
            editor_geometry: Arc::new(AtomicCell::new(EditorGeometry::DEFAULT)),

            view: EnumParam::new("View", View::Split),
            channels: EnumParam::new("Channels", ChannelMode::LeftRight),
            freeze: with_switch_text(BoolParam::new("Freeze", false)),

            scope_window_ms: with_time_text(
                FloatParam::new("Scope time", 20.0, range::SCOPE_WINDOW_MS),
                TimeUnit::Milliseconds,
                false,
            ),
            trigger_mode: EnumParam::new("Trigger", TriggerMode::Auto),
            trigger_level: stepped_number("Trigger level", 0.0, range::TRIGGER_LEVEL, 0.001, ""),
            trigger_edge: EnumParam::new("Trigger edge", TriggerEdge::Rising),
            trigger_hysteresis: stepped_number(
                "Trigger hysteresis",
                0.01,
                range::TRIGGER_HYSTERESIS,
                0.0001,
                "",
            ),
            trigger_holdoff_ms: with_time_text(
                FloatParam::new("Trigger holdoff", 0.0, range::TRIGGER_HOLDOFF_MS),
                TimeUnit::Milliseconds,
                false,
            ),
            beat_sync_length: EnumParam::new("Beat sync length", BeatSyncLength::OneBar),

            fft_size: EnumParam::new("FFT size", FftSize::S8192),
            fft_window: EnumParam::new("Window", WindowKind::Hann),
            fft_overlap: with_percent_text(
                FloatParam::new("Overlap", 0.75, range::FFT_OVERLAP).with_step_size(0.125),
            )
            .with_unit("%"),
            // Whole milliseconds (an FFT hop is longer than that anyway): without a step, a
            // value like 0.0001 ms shows as "0.00 ms", which reads back as Off.
            averaging_ms: with_time_text(
                FloatParam::new("Averaging", 250.0, range::AVERAGING_MS).with_step_size(1.0),
                TimeUnit::Milliseconds,
                true,
            ),
            peak_hold_s: with_time_text(
                FloatParam::new("Peak hold", 2.0, range::PEAK_HOLD_S).with_step_size(0.1),
                TimeUnit::Seconds,
                true,
            ),
            slope_db_per_oct: stepped_number("Slope", 0.0, range::SLOPE_DB_PER_OCT, 0.5, " dB/oct"),
            smoothing: EnumParam::new("Smoothing", Smoothing::Off),
            freq_min_hz: hz_param("Min frequency", 20.0, range::FREQ_MIN_HZ),
            freq_max_hz: hz_param("Max frequency", 20_000.0, range::FREQ_MAX_HZ),
            db_min: db_param("Min level", -96.0, range::DB_MIN),
            db_max: db_param("Max level", 6.0, range::DB_MAX),

            test_signal: EnumParam::new("Test signal", test_signal_default),
            test_freq_hz: hz_param("Test frequency", 440.0, range::TEST_FREQ_HZ),
            test_freq2_hz: hz_param("Test frequency 2", 1000.0, range::TEST_FREQ_HZ),
            test_level_db: stepped_number("Test level", -6.0, range::TEST_LEVEL_DB, 0.1, " dBFS"),
            test_sweep_s: stepped_number("Sweep time", 5.0, range::TEST_SWEEP_S, 0.1, " s"),

            freq_scale: EnumParam::new("Frequency scale", FrequencyScale::Logarithmic),
            bypass: with_switch_text(BoolParam::new("Bypass", false).make_bypass()),

            // 30 fps by default: what analyzers commonly draw (a moving spectrum or meter
            // reads as smooth at 25-30 fps; the meters' 1.5 dB/s-and-up ballistics move less
            // than a pixel between frames), at half the drawing cost of 60. Not automatable: it
            // is how the window draws, not part of the sound or of the analysis.
            frame_rate: EnumParam::new("Frame rate", FrameRate::Fps30).non_automatable(),

            layout: EnumParam::new("Layout", Layout::Classic),
            meters_strip: with_switch_text(BoolParam::new("Meters strip", true)),
            spectrogram: SpectrogramParams::default(),
            vectorscope: VectorscopeParams::default(),
            loudness: LoudnessParams::default(),
            compare: CompareParams::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use nice_plug::params::InternalParamMut;

    use super::*;

    #[test]
    fn the_spectrums_level_axis_spans_at_least_6_db() {
        let params = RingscopeParams::default();
        assert_eq!(params.spectrum_levels(), (-96.0, 6.0));
        // SAFETY: no other thread sees these parameters.
        unsafe {
            params.db_min._internal_set_plain_value(-12.0);
            params.db_max._internal_set_plain_value(-60.0);
        }
        assert_eq!(params.spectrum_levels(), (-12.0, -6.0));
    }

    #[test]
    fn the_one_bypass_parameter_has_its_stable_id() {
        let params = RingscopeParams::default();
        let bypasses: Vec<String> = params
            .param_map()
            .into_iter()
            // SAFETY: the pointers come from `params`, alive for the whole test.
            .filter(|(_, ptr, _)| unsafe { ptr.flags() }.contains(ParamFlags::BYPASS))
            .map(|(id, _, _)| id)
            .collect();
        assert_eq!(bypasses, [BYPASS_ID]);
        assert!(!params.bypass.value());
    }

    #[test]
    fn the_written_out_skew_factors_are_nice_plugs() {
        for (written, exponent) in [(SKEW_2_5, -2.5), (SKEW_2, -2.0), (SKEW_1, -1.0)] {
            assert_eq!(written, FloatRange::skew_factor(exponent), "{exponent}");
        }
    }
}
