//! The parameters' choices: every enum a parameter picks from, with its stable IDs, and its
//! `From` conversion into the analysis engine's own type (a `match` per variant, so two enums
//! can never be joined by listing their variants in the same order). The Layout parameter's
//! enum lives with the rule of what each layout shows, in [`super::layout`].

use nice_plug::prelude::*;
use ringscope::analysis;

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

/// How often the editor draws at most while the picture moves (it never draws faster than new
/// audio arrives, and not at all once the input has been silent long enough).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameRate {
    /// 15 frames per second: the lightest, for weak or software-rendered graphics.
    #[id = "15"]
    #[name = "15 fps"]
    Fps15,
    /// 30 frames per second.
    #[id = "30"]
    #[name = "30 fps"]
    Fps30,
    /// 60 frames per second: the smoothest.
    #[id = "60"]
    #[name = "60 fps"]
    Fps60,
}

impl FrameRate {
    /// Frames per second.
    pub fn per_second(self) -> u32 {
        match self {
            FrameRate::Fps15 => 15,
            FrameRate::Fps30 => 30,
            FrameRate::Fps60 => 60,
        }
    }

    /// The time between two frames.
    pub fn period(self) -> std::time::Duration {
        std::time::Duration::from_secs(1) / self.per_second()
    }
}

/// The spectrogram's colour map.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpectrogramPalette {
    /// Matplotlib's magma.
    #[id = "magma"]
    Magma,
    /// Matplotlib's inferno.
    #[id = "inferno"]
    Inferno,
    /// Black to white.
    #[id = "grey"]
    #[name = "Greyscale"]
    Greyscale,
}

/// Which way the spectrogram scrolls.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpectrogramDirection {
    /// Time runs right to left (the newest column at the right), frequency upwards.
    #[id = "horizontal"]
    #[name = "Scroll left"]
    Horizontal,
    /// Time runs downwards (the newest row at the top), frequency to the right: a waterfall.
    #[id = "waterfall"]
    #[name = "Waterfall"]
    Waterfall,
}

/// What the vectorscope shows.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum VectorscopeMode {
    /// Points in the L/R plane rotated 45° (mono is vertical).
    #[id = "lissajous"]
    Lissajous,
    /// The same points folded into the upper half-plane.
    #[id = "polar-sample"]
    #[name = "Polar sample"]
    PolarSample,
    /// Level per direction.
    #[id = "polar-level"]
    #[name = "Polar level"]
    PolarLevel,
}

/// The loudness history's target line.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoudnessTarget {
    /// −14 LUFS, what the big streaming services normalise to.
    #[id = "streaming-14"]
    #[name = "-14 LUFS (streaming)"]
    Streaming,
    /// −16 LUFS (Apple Music, podcasts).
    #[id = "minus-16"]
    #[name = "-16 LUFS"]
    Minus16,
    /// −23 LUFS, EBU R128 broadcast.
    #[id = "ebu-r128"]
    #[name = "-23 LUFS (EBU R128)"]
    EbuR128,
    /// −24 LKFS, ATSC A/85 broadcast.
    #[id = "atsc-a85"]
    #[name = "-24 LUFS (ATSC A/85)"]
    AtscA85,
    /// The Custom target parameter.
    #[id = "custom"]
    Custom,
}

impl LoudnessTarget {
    /// The target in LUFS, `custom` for [`LoudnessTarget::Custom`].
    pub fn lufs(self, custom: f32) -> f32 {
        match self {
            LoudnessTarget::Streaming => -14.0,
            LoudnessTarget::Minus16 => -16.0,
            LoudnessTarget::EbuR128 => -23.0,
            LoudnessTarget::AtscA85 => -24.0,
            LoudnessTarget::Custom => custom,
        }
    }
}

impl From<SpectrogramPalette> for analysis::Palette {
    fn from(palette: SpectrogramPalette) -> Self {
        match palette {
            SpectrogramPalette::Magma => Self::Magma,
            SpectrogramPalette::Inferno => Self::Inferno,
            SpectrogramPalette::Greyscale => Self::Greyscale,
        }
    }
}

impl From<SpectrogramDirection> for analysis::Orientation {
    fn from(direction: SpectrogramDirection) -> Self {
        match direction {
            SpectrogramDirection::Horizontal => Self::TimeAlongX,
            SpectrogramDirection::Waterfall => Self::TimeAlongY,
        }
    }
}

impl From<VectorscopeMode> for analysis::VectorscopeMode {
    fn from(mode: VectorscopeMode) -> Self {
        match mode {
            VectorscopeMode::Lissajous => Self::Lissajous,
            VectorscopeMode::PolarSample => Self::PolarSample,
            VectorscopeMode::PolarLevel => Self::PolarLevel,
        }
    }
}

impl From<ChannelMode> for analysis::ChannelMode {
    fn from(mode: ChannelMode) -> Self {
        match mode {
            ChannelMode::Left => Self::Left,
            ChannelMode::Right => Self::Right,
            ChannelMode::Mid => Self::Mid,
            ChannelMode::Side => Self::Side,
            ChannelMode::LeftRight => Self::Overlay,
        }
    }
}

impl From<TriggerMode> for analysis::TriggerMode {
    fn from(mode: TriggerMode) -> Self {
        match mode {
            TriggerMode::Free => Self::FreeRun,
            TriggerMode::Normal => Self::Normal,
            TriggerMode::Auto => Self::Auto,
            TriggerMode::Single => Self::Single,
            TriggerMode::BeatSync => Self::BeatSync,
        }
    }
}

impl From<TriggerEdge> for analysis::Edge {
    fn from(edge: TriggerEdge) -> Self {
        match edge {
            TriggerEdge::Rising => Self::Rising,
            TriggerEdge::Falling => Self::Falling,
        }
    }
}

impl From<BeatSyncLength> for analysis::BeatSyncLength {
    fn from(length: BeatSyncLength) -> Self {
        match length {
            BeatSyncLength::OneBeat => Self::Beats(1),
            BeatSyncLength::TwoBeats => Self::Beats(2),
            BeatSyncLength::OneBar => Self::Bars(1),
            BeatSyncLength::TwoBars => Self::Bars(2),
            BeatSyncLength::FourBars => Self::Bars(4),
            BeatSyncLength::EightBars => Self::Bars(8),
        }
    }
}

impl From<FftSize> for analysis::FftSize {
    fn from(size: FftSize) -> Self {
        match size {
            FftSize::S512 => Self::N512,
            FftSize::S1024 => Self::N1024,
            FftSize::S2048 => Self::N2048,
            FftSize::S4096 => Self::N4096,
            FftSize::S8192 => Self::N8192,
            FftSize::S16384 => Self::N16384,
            FftSize::S32768 => Self::N32768,
        }
    }
}

impl From<WindowKind> for analysis::WindowKind {
    fn from(window: WindowKind) -> Self {
        match window {
            WindowKind::Hann => Self::Hann,
            WindowKind::BlackmanHarris => Self::BlackmanHarris,
            WindowKind::FlatTop => Self::FlatTop,
            WindowKind::Rectangular => Self::Rectangular,
        }
    }
}

impl From<Smoothing> for analysis::Smoothing {
    fn from(smoothing: Smoothing) -> Self {
        let bands = match smoothing {
            Smoothing::Off => return Self::Off,
            Smoothing::Octave1 => 1,
            Smoothing::Octave2 => 2,
            Smoothing::Octave3 => 3,
            Smoothing::Octave6 => 6,
            Smoothing::Octave12 => 12,
            Smoothing::Octave24 => 24,
        };
        Self::OctaveFraction(bands)
    }
}

impl From<FrequencyScale> for analysis::FrequencyScale {
    fn from(scale: FrequencyScale) -> Self {
        match scale {
            FrequencyScale::Logarithmic => Self::Logarithmic,
            FrequencyScale::Linear => Self::Linear,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant of `E`, in order.
    fn all<E: Enum>() -> Vec<E> {
        (0..E::variants().len()).map(E::from_index).collect()
    }

    #[test]
    fn every_choice_maps_onto_the_analysis_value_its_id_names() {
        let ids = |ids: Option<&'static [&'static str]>| ids.unwrap().to_vec();
        let sizes: Vec<String> = all::<FftSize>()
            .into_iter()
            .map(|s| analysis::FftSize::from(s).len().to_string())
            .collect();
        assert_eq!(sizes, ids(FftSize::ids()));
        let fractions: Vec<String> = all::<Smoothing>()
            .into_iter()
            .map(|s| match analysis::Smoothing::from(s) {
                analysis::Smoothing::Off => "off".to_owned(),
                analysis::Smoothing::OctaveFraction(n) => format!("1/{n}"),
            })
            .collect();
        assert_eq!(fractions, ids(Smoothing::ids()));
        let four_four = analysis::TransportInfo {
            time_signature: Some((4, 4)),
            ..Default::default()
        };
        let quarters: Vec<f64> = all::<BeatSyncLength>()
            .into_iter()
            .map(|l| analysis::BeatSyncLength::from(l).length_quarters(&four_four))
            .collect();
        assert_eq!(quarters, [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]);
        let channels: Vec<&[analysis::Channel]> = all::<ChannelMode>()
            .into_iter()
            .map(|m| analysis::ChannelMode::from(m).channels())
            .collect();
        use analysis::Channel::{Left, Mid, Right, Side};
        assert_eq!(
            channels,
            [&[Left][..], &[Right], &[Mid], &[Side], &[Left, Right]]
        );
    }

    #[test]
    fn the_named_variants_match_one_to_one() {
        use analysis::TriggerMode as Analysis;
        let modes: Vec<Analysis> = all::<TriggerMode>().into_iter().map(Into::into).collect();
        assert_eq!(
            modes,
            [
                Analysis::FreeRun,
                Analysis::Normal,
                Analysis::Auto,
                Analysis::Single,
                Analysis::BeatSync
            ]
        );
        let edges: Vec<analysis::Edge> = all::<TriggerEdge>().into_iter().map(Into::into).collect();
        assert_eq!(edges, [analysis::Edge::Rising, analysis::Edge::Falling]);
        let windows: Vec<analysis::WindowKind> =
            all::<WindowKind>().into_iter().map(Into::into).collect();
        use analysis::WindowKind as W;
        assert_eq!(
            windows,
            [W::Hann, W::BlackmanHarris, W::FlatTop, W::Rectangular]
        );
        let palettes: Vec<analysis::Palette> = all::<SpectrogramPalette>()
            .into_iter()
            .map(Into::into)
            .collect();
        assert_eq!(palettes, analysis::Palette::ALL);
        let orientations: Vec<analysis::Orientation> = all::<SpectrogramDirection>()
            .into_iter()
            .map(Into::into)
            .collect();
        use analysis::Orientation as O;
        assert_eq!(orientations, [O::TimeAlongX, O::TimeAlongY]);
        let modes: Vec<analysis::VectorscopeMode> = all::<VectorscopeMode>()
            .into_iter()
            .map(Into::into)
            .collect();
        use analysis::VectorscopeMode as V;
        assert_eq!(modes, [V::Lissajous, V::PolarSample, V::PolarLevel]);
        let scales: Vec<analysis::FrequencyScale> = all::<FrequencyScale>()
            .into_iter()
            .map(Into::into)
            .collect();
        assert_eq!(
            scales,
            [
                analysis::FrequencyScale::Logarithmic,
                analysis::FrequencyScale::Linear
            ]
        );
    }
}
