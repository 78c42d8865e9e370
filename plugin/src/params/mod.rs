//! Ringscope's parameters: everything the host automates, saves with the session and restores.
//!
//! Every parameter and every enum variant has a stable string ID (`#[id = "..."]`): those IDs are
//! what saved sessions and automation lanes refer to, so they are written once and never derived
//! from a display name. Display names may change; IDs may not.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_utils::atomic::AtomicCell;
use nice_plug::prelude::*;
use serde::{Deserialize, Serialize};

/// Which picture the editor shows.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The oscilloscope only.
    #[id = "scope"]
    Scope,
    /// The spectrum analyzer only.
    #[id = "spectrum"]
    Spectrum,
    /// Scope on top, spectrum below.
    #[id = "split"]
    #[name = "Scope + spectrum"]
    Split,
}

/// Which signal(s) the views show.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelMode {
    /// The left channel.
    #[id = "left"]
    #[name = "Left"]
    Left,
    /// The right channel.
    #[id = "right"]
    #[name = "Right"]
    Right,
    /// (L + R) / 2.
    #[id = "mid"]
    #[name = "Mid"]
    Mid,
    /// (L − R) / 2.
    #[id = "side"]
    #[name = "Side"]
    Side,
    /// Left and right drawn over each other in two colours.
    #[id = "left-right"]
    #[name = "L + R overlay"]
    LeftRight,
}

/// How the scope decides where a sweep starts.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerMode {
    /// No trigger: the newest samples, scrolling.
    #[id = "free"]
    #[name = "Free run"]
    Free,
    /// Sweep only on an edge; the picture holds when there is none.
    #[id = "normal"]
    #[name = "Normal (edge)"]
    Normal,
    /// Sweep on an edge, free-run when none arrives in time.
    #[id = "auto"]
    #[name = "Auto"]
    Auto,
    /// Capture one triggered sweep, then hold it until re-armed.
    #[id = "single"]
    #[name = "Single"]
    Single,
    /// Sweep locked to the host's transport (see [`BeatSyncLength`]).
    #[id = "beat-sync"]
    #[name = "Beat sync"]
    BeatSync,
}

/// Which edge fires the trigger.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerEdge {
    /// Upward through the level.
    #[id = "rising"]
    #[name = "Rising"]
    Rising,
    /// Downward through the level.
    #[id = "falling"]
    #[name = "Falling"]
    Falling,
}

/// Sweep length in beat-sync mode.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum BeatSyncLength {
    /// One beat of the time signature.
    #[id = "1-beat"]
    #[name = "1 beat"]
    OneBeat,
    /// Two beats.
    #[id = "2-beats"]
    #[name = "2 beats"]
    TwoBeats,
    /// One bar.
    #[id = "1-bar"]
    #[name = "1 bar"]
    OneBar,
    /// Two bars.
    #[id = "2-bars"]
    #[name = "2 bars"]
    TwoBars,
    /// Four bars.
    #[id = "4-bars"]
    #[name = "4 bars"]
    FourBars,
    /// Eight bars.
    #[id = "8-bars"]
    #[name = "8 bars"]
    EightBars,
}

impl BeatSyncLength {
    /// The sweep length as a number of beats (`beats_per_bar` from the host's time signature,
    /// 4 when it sends none) or bars.
    pub fn beats(self, beats_per_bar: f64) -> f64 {
        match self {
            Self::OneBeat => 1.0,
            Self::TwoBeats => 2.0,
            Self::OneBar => beats_per_bar,
            Self::TwoBars => 2.0 * beats_per_bar,
            Self::FourBars => 4.0 * beats_per_bar,
            Self::EightBars => 8.0 * beats_per_bar,
        }
    }
}

/// Spectrum FFT length.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FftSize {
    /// 512 points.
    #[id = "512"]
    #[name = "512"]
    S512,
    /// 1024 points.
    #[id = "1024"]
    #[name = "1024"]
    S1024,
    /// 2048 points.
    #[id = "2048"]
    #[name = "2048"]
    S2048,
    /// 4096 points.
    #[id = "4096"]
    #[name = "4096"]
    S4096,
    /// 8192 points.
    #[id = "8192"]
    #[name = "8192"]
    S8192,
    /// 16384 points.
    #[id = "16384"]
    #[name = "16384"]
    S16384,
    /// 32768 points.
    #[id = "32768"]
    #[name = "32768"]
    S32768,
}

/// Spectrum analysis window.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowKind {
    /// Hann: the all-round choice.
    #[id = "hann"]
    #[name = "Hann"]
    Hann,
    /// 4-term Blackman-Harris: ≥ 90 dB sidelobe rejection.
    #[id = "blackman-harris"]
    #[name = "Blackman-Harris"]
    BlackmanHarris,
    /// Flat-top: exact levels of tones between bins.
    #[id = "flat-top"]
    #[name = "Flat-top"]
    FlatTop,
    /// Rectangular: best frequency resolution, most leakage.
    #[id = "rectangular"]
    #[name = "Rectangular"]
    Rectangular,
}

/// Fractional-octave smoothing of the spectrum.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Smoothing {
    /// Every bin as measured.
    #[id = "off"]
    #[name = "Off"]
    Off,
    /// Octave bands.
    #[id = "1/1"]
    #[name = "1/1 oct"]
    Octave1,
    /// 1/2-octave bands.
    #[id = "1/2"]
    #[name = "1/2 oct"]
    Octave2,
    /// 1/3-octave bands.
    #[id = "1/3"]
    #[name = "1/3 oct"]
    Octave3,
    /// 1/6-octave bands.
    #[id = "1/6"]
    #[name = "1/6 oct"]
    Octave6,
    /// 1/12-octave bands.
    #[id = "1/12"]
    #[name = "1/12 oct"]
    Octave12,
    /// 1/24-octave bands.
    #[id = "1/24"]
    #[name = "1/24 oct"]
    Octave24,
}

impl Smoothing {
    /// Bands per octave, `None` when off.
    pub fn bands_per_octave(self) -> Option<u32> {
        match self {
            Self::Off => None,
            Self::Octave1 => Some(1),
            Self::Octave2 => Some(2),
            Self::Octave3 => Some(3),
            Self::Octave6 => Some(6),
            Self::Octave12 => Some(12),
            Self::Octave24 => Some(24),
        }
    }
}

/// How the spectrum's frequency axis is spaced.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrequencyScale {
    /// Equal width per octave (the usual analyzer view).
    #[id = "log"]
    #[name = "Logarithmic"]
    Logarithmic,
    /// Equal width per hertz (harmonic series are evenly spaced).
    #[id = "linear"]
    #[name = "Linear"]
    Linear,
}

/// The built-in test signal that replaces the input for display only.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestSignalKind {
    /// The input is shown.
    #[id = "off"]
    #[name = "Off"]
    Off,
    /// A sine at the test frequency.
    #[id = "sine"]
    #[name = "Sine"]
    Sine,
    /// A logarithmic sweep from 20 Hz to 20 kHz.
    #[id = "log-sweep"]
    #[name = "Log sweep"]
    LogSweep,
    /// White noise (independent per channel).
    #[id = "white-noise"]
    #[name = "White noise"]
    WhiteNoise,
    /// Pink noise, −3 dB per octave (independent per channel).
    #[id = "pink-noise"]
    #[name = "Pink noise"]
    PinkNoise,
    /// Two equal sines at the two test frequencies.
    #[id = "two-tone"]
    #[name = "Two-tone"]
    TwoTone,
}

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
}

fn hz_param(name: &str, default: f32, min: f32, max: f32) -> FloatParam {
    FloatParam::new(
        name,
        default,
        FloatRange::Skewed {
            min,
            max,
            factor: FloatRange::skew_factor(-2.0),
        },
    )
    .with_value_to_string(formatters::v2s_f32_hz_then_khz(1))
    .with_string_to_value(formatters::s2v_f32_hz_then_khz())
}

fn db_param(name: &str, default: f32, min: f32, max: f32) -> FloatParam {
    FloatParam::new(name, default, FloatRange::Linear { min, max })
        .with_step_size(1.0)
        .with_unit(" dB")
}

/// A parameter's value formatter and parser, as nice-plug takes them.
type ValueToString = Arc<dyn Fn(f32) -> String + Send + Sync>;
type StringToValue = Arc<dyn Fn(&str) -> Option<f32> + Send + Sync>;

/// Formats a millisecond value as "850 ms" or "2.50 s".
fn v2s_ms() -> ValueToString {
    Arc::new(|ms| {
        if ms >= 1000.0 {
            format!("{:.2} s", ms / 1000.0)
        } else if ms >= 10.0 {
            format!("{ms:.0} ms")
        } else {
            format!("{ms:.2} ms")
        }
    })
}

/// Parses "850", "850 ms", "2.5 s" into milliseconds.
fn s2v_ms() -> StringToValue {
    Arc::new(|s| {
        let s = s.trim().to_ascii_lowercase();
        if let Some(v) = s.strip_suffix("ms") {
            v.trim().parse().ok()
        } else if let Some(v) = s.strip_suffix('s') {
            v.trim().parse::<f32>().ok().map(|v| v * 1000.0)
        } else {
            s.parse().ok()
        }
    })
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
            freeze: BoolParam::new("Freeze", false),

            // 1 ms … 10 s spans four decades: the skew puts 10 ms near 30 %, 100 ms near 45 %
            // and 1 s near 67 % of the control's travel.
            scope_window_ms: FloatParam::new(
                "Scope time",
                20.0,
                FloatRange::Skewed {
                    min: 1.0,
                    max: 10_000.0,
                    factor: FloatRange::skew_factor(-2.5),
                },
            )
            .with_value_to_string(v2s_ms())
            .with_string_to_value(s2v_ms()),
            trigger_mode: EnumParam::new("Trigger", TriggerMode::Auto),
            trigger_level: FloatParam::new(
                "Trigger level",
                0.0,
                FloatRange::Linear {
                    min: -1.0,
                    max: 1.0,
                },
            )
            .with_step_size(0.001),
            trigger_edge: EnumParam::new("Trigger edge", TriggerEdge::Rising),
            trigger_hysteresis: FloatParam::new(
                "Trigger hysteresis",
                0.01,
                FloatRange::Skewed {
                    min: 0.0,
                    max: 0.5,
                    factor: FloatRange::skew_factor(-2.0),
                },
            )
            .with_step_size(0.0001),
            trigger_holdoff_ms: FloatParam::new(
                "Trigger holdoff",
                0.0,
                FloatRange::Skewed {
                    min: 0.0,
                    max: 1000.0,
                    factor: FloatRange::skew_factor(-2.0),
                },
            )
            .with_value_to_string(v2s_ms())
            .with_string_to_value(s2v_ms()),
            beat_sync_length: EnumParam::new("Beat sync length", BeatSyncLength::OneBar),

            fft_size: EnumParam::new("FFT size", FftSize::S8192),
            fft_window: EnumParam::new("Window", WindowKind::Hann),
            fft_overlap: FloatParam::new(
                "Overlap",
                0.75,
                FloatRange::Linear {
                    min: 0.0,
                    max: 0.875,
                },
            )
            .with_step_size(0.125)
            .with_value_to_string(formatters::v2s_f32_percentage(1))
            .with_string_to_value(formatters::s2v_f32_percentage())
            .with_unit("%"),
            averaging_ms: FloatParam::new(
                "Averaging",
                250.0,
                FloatRange::Skewed {
                    min: 0.0,
                    max: 10_000.0,
                    factor: FloatRange::skew_factor(-2.0),
                },
            )
            // Whole milliseconds (an FFT hop is longer than that anyway): without a step, a
            // value like 0.0001 ms shows as "0.00 ms", which reads back as Off.
            .with_step_size(1.0)
            .with_value_to_string(Arc::new(|ms| {
                if ms <= 0.0 {
                    "Off".to_owned()
                } else {
                    v2s_ms()(ms)
                }
            }))
            .with_string_to_value(Arc::new(|s| {
                if s.trim().eq_ignore_ascii_case("off") {
                    Some(0.0)
                } else {
                    s2v_ms()(s)
                }
            })),
            peak_hold_s: FloatParam::new(
                "Peak hold",
                2.0,
                FloatRange::Skewed {
                    min: 0.0,
                    max: 30.0,
                    factor: FloatRange::skew_factor(-1.0),
                },
            )
            .with_step_size(0.1)
            .with_value_to_string(Arc::new(|s| {
                if s <= 0.0 {
                    "Off".to_owned()
                } else {
                    format!("{s:.1} s")
                }
            }))
            .with_string_to_value(Arc::new(|s| {
                let s = s.trim();
                if s.eq_ignore_ascii_case("off") {
                    Some(0.0)
                } else {
                    s.trim_end_matches('s').trim().parse().ok()
                }
            })),
            slope_db_per_oct: FloatParam::new(
                "Slope",
                0.0,
                FloatRange::Linear {
                    min: -12.0,
                    max: 12.0,
                },
            )
            .with_step_size(0.5)
            .with_unit(" dB/oct"),
            smoothing: EnumParam::new("Smoothing", Smoothing::Off),
            freq_min_hz: hz_param("Min frequency", 20.0, 10.0, 1000.0),
            freq_max_hz: hz_param("Max frequency", 20_000.0, 1000.0, 96_000.0),
            db_min: db_param("Min level", -96.0, -200.0, -12.0),
            db_max: db_param("Max level", 6.0, -60.0, 24.0),

            test_signal: EnumParam::new("Test signal", test_signal_default),
            test_freq_hz: hz_param("Test frequency", 440.0, 10.0, 24_000.0),
            test_freq2_hz: hz_param("Test frequency 2", 1000.0, 10.0, 24_000.0),
            test_level_db: FloatParam::new(
                "Test level",
                -6.0,
                FloatRange::Linear {
                    min: -96.0,
                    max: 0.0,
                },
            )
            .with_step_size(0.1)
            .with_unit(" dBFS"),
            test_sweep_s: FloatParam::new(
                "Sweep time",
                5.0,
                FloatRange::Skewed {
                    min: 0.5,
                    max: 60.0,
                    factor: FloatRange::skew_factor(-1.0),
                },
            )
            .with_step_size(0.1)
            .with_unit(" s"),

            freq_scale: EnumParam::new("Frequency scale", FrequencyScale::Logarithmic),
        }
    }
}
