//! The parameters of the views added after the first release (spectrogram, vectorscope,
//! loudness history), each view's set a nested group: hosts list them after every older
//! parameter, under the view's name, and their IDs are as stable as the others'.

use nice_plug::prelude::*;
use ringscope::analysis::{
    MAX_AUTO_GAIN_DB, MAX_LOUDNESS_HISTORY_SECONDS, MIN_AUTO_GAIN_DB, MIN_LOUDNESS_SPAN_SECONDS,
    spectrogram::{MAX_HISTORY_SECONDS, MIN_HISTORY_SECONDS},
};

use super::format::{stepped_number, with_switch_text, with_time_text};
use super::{LoudnessTarget, SKEW_1, SpectrogramDirection, SpectrogramPalette, VectorscopeMode};
use crate::format::TimeUnit;

/// The ranges of the views' parameters, defined once (the widgets reuse them).
pub mod range {
    use nice_plug::prelude::FloatRange;

    use super::*;

    /// Time the spectrogram spans, s: the analysis' limits.
    pub const SPECTROGRAM_HISTORY_S: FloatRange = FloatRange::Skewed {
        min: MIN_HISTORY_SECONDS as f32,
        max: MAX_HISTORY_SECONDS as f32,
        factor: SKEW_1,
    };
    /// Level shown as the colour map's darkest colour, dBFS.
    pub const SPECTROGRAM_FLOOR_DB: FloatRange = FloatRange::Linear {
        min: -200.0,
        max: -20.0,
    };
    /// Level shown as the colour map's brightest colour, dBFS.
    pub const SPECTROGRAM_CEILING_DB: FloatRange = FloatRange::Linear {
        min: -100.0,
        max: 24.0,
    };
    /// The vectorscope's gain without auto-gain, dB: the analysis' limits.
    pub const VECTORSCOPE_GAIN_DB: FloatRange = FloatRange::Linear {
        min: MIN_AUTO_GAIN_DB,
        max: MAX_AUTO_GAIN_DB,
    };
    /// How long a vectorscope point stays visible while it fades, ms (0: one frame).
    pub const VECTORSCOPE_PERSISTENCE_MS: FloatRange = FloatRange::Skewed {
        min: 0.0,
        max: 2000.0,
        factor: SKEW_1,
    };
    /// Time the loudness graph spans, minutes: the history's limits.
    pub const LOUDNESS_SPAN_MIN: FloatRange = FloatRange::Linear {
        min: (MIN_LOUDNESS_SPAN_SECONDS / 60.0) as f32,
        max: (MAX_LOUDNESS_HISTORY_SECONDS / 60.0) as f32,
    };
    /// The custom loudness target, LUFS.
    pub const LOUDNESS_CUSTOM_LUFS: FloatRange = FloatRange::Linear {
        min: -40.0,
        max: 0.0,
    };
}

/// The spectrogram's parameters. Its FFT, window, overlap, channels and frequency axis are the
/// spectrum's.
#[derive(Params)]
pub struct SpectrogramParams {
    /// Time the image spans, s.
    #[id = "sgram-history"]
    pub history_s: FloatParam,
    /// Level shown as the darkest colour, dBFS.
    #[id = "sgram-floor"]
    pub floor_db: FloatParam,
    /// Level shown as the brightest colour, dBFS.
    #[id = "sgram-ceiling"]
    pub ceiling_db: FloatParam,
    /// The colour map.
    #[id = "sgram-palette"]
    pub palette: EnumParam<SpectrogramPalette>,
    /// Which way the image scrolls.
    #[id = "sgram-direction"]
    pub direction: EnumParam<SpectrogramDirection>,
}

impl SpectrogramParams {
    /// The colour map's level span, dBFS (floor, ceiling): the ceiling raised to at least 6 dB
    /// above the floor (the two ranges overlap).
    pub fn levels(&self) -> (f32, f32) {
        let floor = self.floor_db.value();
        (floor, self.ceiling_db.value().max(floor + 6.0))
    }
}

impl Default for SpectrogramParams {
    fn default() -> Self {
        Self {
            history_s: with_time_text(
                FloatParam::new("Spectrogram history", 10.0, range::SPECTROGRAM_HISTORY_S)
                    .with_step_size(0.1),
                TimeUnit::Seconds,
                false,
            ),
            floor_db: stepped_number(
                "Spectrogram floor",
                -120.0,
                range::SPECTROGRAM_FLOOR_DB,
                1.0,
                " dB",
            ),
            ceiling_db: stepped_number(
                "Spectrogram ceiling",
                0.0,
                range::SPECTROGRAM_CEILING_DB,
                1.0,
                " dB",
            ),
            palette: EnumParam::new("Spectrogram colours", SpectrogramPalette::Magma),
            direction: EnumParam::new("Spectrogram direction", SpectrogramDirection::Horizontal),
        }
    }
}

/// The vectorscope's parameters.
#[derive(Params)]
pub struct VectorscopeParams {
    /// Lissajous, polar sample or polar level.
    #[id = "vscope-mode"]
    pub mode: EnumParam<VectorscopeMode>,
    /// Whether the gain follows the signal's recent peak.
    #[id = "vscope-auto-gain"]
    pub auto_gain: BoolParam,
    /// The gain without auto-gain, dB.
    #[id = "vscope-gain"]
    pub gain_db: FloatParam,
    /// How long a point stays visible while it fades, ms.
    #[id = "vscope-persistence"]
    pub persistence_ms: FloatParam,
}

impl Default for VectorscopeParams {
    fn default() -> Self {
        Self {
            mode: EnumParam::new("Vectorscope mode", VectorscopeMode::Lissajous),
            auto_gain: with_switch_text(BoolParam::new("Vectorscope auto gain", true)),
            gain_db: stepped_number(
                "Vectorscope gain",
                0.0,
                range::VECTORSCOPE_GAIN_DB,
                0.5,
                " dB",
            ),
            persistence_ms: stepped_number(
                "Vectorscope persistence",
                250.0,
                range::VECTORSCOPE_PERSISTENCE_MS,
                1.0,
                " ms",
            ),
        }
    }
}

/// The loudness history's parameters.
#[derive(Params)]
pub struct LoudnessParams {
    /// Time the graph spans, minutes.
    #[id = "loudness-span"]
    pub span_min: FloatParam,
    /// The target line.
    #[id = "loudness-target"]
    pub target: EnumParam<LoudnessTarget>,
    /// The target when [`LoudnessTarget::Custom`], LUFS.
    #[id = "loudness-custom"]
    pub custom_lufs: FloatParam,
}

impl LoudnessParams {
    /// The target line, LUFS.
    pub fn target_lufs(&self) -> f32 {
        self.target.value().lufs(self.custom_lufs.value())
    }
}

impl Default for LoudnessParams {
    fn default() -> Self {
        Self {
            span_min: stepped_number(
                "Loudness history",
                5.0,
                range::LOUDNESS_SPAN_MIN,
                0.5,
                " min",
            ),
            target: EnumParam::new("Loudness target", LoudnessTarget::Streaming),
            custom_lufs: stepped_number(
                "Custom target",
                -18.0,
                range::LOUDNESS_CUSTOM_LUFS,
                0.5,
                " LUFS",
            ),
        }
    }
}
