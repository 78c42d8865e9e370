//! The editor's display state: the analysis engine's scope, spectrum and meters, fed each GUI
//! frame with everything the [`TapReader`] delivered, plus what the status line reports about
//! the stream (sample rate, transport, lost frames, NaN/Inf, silence).
//!
//! GUI-free, so it is tested without a window. It runs on the GUI thread and may allocate (on
//! sample-rate or FFT-size changes), never the audio thread.

use std::time::{Duration, Instant};

use ringscope::analysis::{
    self, BeatSyncLength as SyncLength, Channel, ChannelMode as Traces, Edge, FftSize as Fft,
    MeterSettings, Meters, Scope, ScopeSettings, Smoothing as OctaveSmoothing, Spectrum,
    SpectrumSettings, TriggerMode as Mode, TriggerSettings, WindowKind as Window,
};

use crate::params::{
    BeatSyncLength, ChannelMode, RingscopeParams, TriggerEdge, TriggerMode, WindowKind,
};
use crate::tap::{BlockInfo, Frame, TapReader, TransportInfo};
use nice_plug::prelude::Enum;

/// Samples whose magnitude stays below this count as silence (−150 dBFS).
const SILENCE_THRESHOLD: f32 = 3.2e-8;

/// How long a warning (dropped frames, NaN/Inf) stays on screen after the last occurrence.
pub const WARNING_HOLD: Duration = Duration::from_secs(3);

/// No block for this long means the host is not calling `process()`.
const NO_AUDIO_AFTER: Duration = Duration::from_millis(500);

/// The analysis settings the parameters ask for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalysisSettings {
    /// Scope settings.
    pub scope: ScopeSettings,
    /// Spectrum settings.
    pub spectrum: SpectrumSettings,
    /// Whether the picture is frozen.
    pub frozen: bool,
}

impl AnalysisSettings {
    /// Maps the plugin's parameters onto the analysis engine's settings.
    pub fn from_params(params: &RingscopeParams) -> Self {
        let traces = match params.channels.value() {
            ChannelMode::Left => Traces::Left,
            ChannelMode::Right => Traces::Right,
            ChannelMode::Mid => Traces::Mid,
            ChannelMode::Side => Traces::Side,
            ChannelMode::LeftRight => Traces::Overlay,
        };
        // With L and R overlaid the trigger watches the left channel, as channel 1 of a scope.
        let source = traces.channels()[0];
        let trigger = TriggerSettings {
            mode: match params.trigger_mode.value() {
                TriggerMode::Free => Mode::FreeRun,
                TriggerMode::Normal => Mode::Normal,
                TriggerMode::Auto => Mode::Auto,
                TriggerMode::Single => Mode::Single,
                TriggerMode::BeatSync => Mode::BeatSync,
            },
            source,
            edge: match params.trigger_edge.value() {
                TriggerEdge::Rising => Edge::Rising,
                TriggerEdge::Falling => Edge::Falling,
            },
            level: params.trigger_level.value(),
            hysteresis: params.trigger_hysteresis.value(),
            holdoff_seconds: f64::from(params.trigger_holdoff_ms.value()) / 1000.0,
            beat_sync: match params.beat_sync_length.value() {
                BeatSyncLength::OneBeat => SyncLength::Beats(1),
                BeatSyncLength::TwoBeats => SyncLength::Beats(2),
                BeatSyncLength::OneBar => SyncLength::Bars(1),
                BeatSyncLength::TwoBars => SyncLength::Bars(2),
                BeatSyncLength::FourBars => SyncLength::Bars(4),
                BeatSyncLength::EightBars => SyncLength::Bars(8),
            },
            ..TriggerSettings::default()
        };
        let scope = ScopeSettings {
            window_seconds: f64::from(params.scope_window_ms.value()) / 1000.0,
            trigger,
            ..ScopeSettings::default()
        };
        let spectrum = SpectrumSettings {
            fft_size: Fft::ALL[params.fft_size.value().to_index()],
            window: match params.fft_window.value() {
                WindowKind::Hann => Window::Hann,
                WindowKind::BlackmanHarris => Window::BlackmanHarris,
                WindowKind::FlatTop => Window::FlatTop,
                WindowKind::Rectangular => Window::Rectangular,
            },
            overlap: f64::from(params.fft_overlap.value()),
            channel_mode: traces,
            averaging_seconds: f64::from(params.averaging_ms.value().max(0.0)) / 1000.0,
            peak_hold_seconds: f64::from(params.peak_hold_s.value().max(0.0)),
            slope_db_per_octave: f64::from(params.slope_db_per_oct.value()),
            smoothing: match params.smoothing.value().bands_per_octave() {
                None => OctaveSmoothing::Off,
                Some(n) => OctaveSmoothing::OctaveFraction(n as u8),
            },
            ..SpectrumSettings::default()
        };
        Self {
            scope,
            spectrum,
            frozen: params.freeze.value(),
        }
    }

    /// The traces the views draw.
    pub fn channels(&self) -> &'static [Channel] {
        self.spectrum.channel_mode.channels()
    }
}

/// What the status line shows about the input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InputState {
    /// Nothing received since the editor opened.
    WaitingForAudio,
    /// Blocks stopped arriving: the host is not processing (stopped transport, no device).
    NoAudio,
    /// Blocks arrive but hold only silence.
    Silent,
    /// Signal present.
    Live,
}

/// Everything the views draw, plus health information about the stream.
pub struct DisplayState {
    /// The oscilloscope.
    pub scope: Scope,
    /// The spectrum analyzer.
    pub spectrum: Spectrum,
    /// The meters.
    pub meters: Meters,
    /// Settings currently applied to the analysis.
    pub settings: AnalysisSettings,
    /// Sample rate of the newest block.
    pub sample_rate: f32,
    /// Host transport at the newest block.
    pub transport: TransportInfo,
    /// Whether the newest block held the built-in test signal.
    pub test_signal: bool,
    /// Input channels of the newest block.
    pub input_channels: u8,
    /// Stream position just past the newest frame received.
    pub stream_end: Option<u64>,
    /// Frames received since the editor opened.
    pub frames_received: u64,
    /// Frames read in the latest [`DisplayState::drain`].
    pub frames_last_drain: usize,
    /// NaN, ±Inf or absurdly large samples seen since the editor opened.
    pub invalid_samples: u64,
    last_invalid: Option<Instant>,
    /// Frames the tap dropped since the editor opened.
    pub dropped_frames: u64,
    dropped_baseline: Option<u64>,
    last_drop: Option<Instant>,
    last_block: Option<Instant>,
    last_signal: Option<Instant>,
}

impl std::fmt::Debug for DisplayState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DisplayState")
            .field("sample_rate", &self.sample_rate)
            .field("frames_received", &self.frames_received)
            .field("dropped_frames", &self.dropped_frames)
            .field("invalid_samples", &self.invalid_samples)
            .finish_non_exhaustive()
    }
}

impl DisplayState {
    /// Empty state at `sample_rate` with `settings`.
    pub fn new(sample_rate: f32, settings: AnalysisSettings) -> Self {
        let rate = valid_rate(sample_rate);
        let mut state = Self {
            scope: Scope::new(f64::from(rate), settings.scope),
            spectrum: Spectrum::new(f64::from(rate), settings.spectrum),
            meters: Meters::new(f64::from(rate), MeterSettings::default()),
            settings,
            sample_rate: rate,
            transport: TransportInfo::default(),
            test_signal: false,
            input_channels: 0,
            stream_end: None,
            frames_received: 0,
            frames_last_drain: 0,
            invalid_samples: 0,
            last_invalid: None,
            dropped_frames: 0,
            dropped_baseline: None,
            last_drop: None,
            last_block: None,
            last_signal: None,
        };
        state.scope.set_frozen(settings.frozen);
        state.spectrum.set_frozen(settings.frozen);
        state
    }

    /// Applies new settings (only what changed; an FFT size change reallocates).
    pub fn configure(&mut self, settings: AnalysisSettings) {
        if settings.scope != self.settings.scope {
            self.scope.set_settings(settings.scope);
        }
        if settings.spectrum != self.settings.spectrum {
            self.spectrum.set_settings(settings.spectrum);
        }
        if settings.frozen != self.settings.frozen {
            self.scope.set_frozen(settings.frozen);
            self.spectrum.set_frozen(settings.frozen);
        }
        self.settings = settings;
    }

    /// Reads everything the reader holds into the analysis. `now` is the frame time.
    pub fn drain(&mut self, reader: &mut TapReader, now: Instant) {
        let dropped_total = reader.dropped_frames();
        let baseline = *self.dropped_baseline.get_or_insert(dropped_total);
        let dropped = dropped_total.saturating_sub(baseline);
        if dropped > self.dropped_frames {
            self.last_drop = Some(now);
        }
        self.dropped_frames = dropped;

        let invalid_before = self.invalid_count();
        let mut peak = 0.0f32;
        let read = reader.read_blocks(reader.capacity(), |info, first, second| {
            self.on_block_start(info);
            for part in [first, second] {
                peak = part.iter().fold(peak, |p, f| {
                    let m = f[0].abs().max(f[1].abs());
                    // NaN compares false: it never counts as signal (it is reported apart).
                    if m > p && m.is_finite() { m } else { p }
                });
                self.feed(part);
            }
        });
        self.frames_last_drain = read;
        self.frames_received += read as u64;
        let invalid_after = self.invalid_count();
        if invalid_after > invalid_before {
            self.invalid_samples += invalid_after - invalid_before;
            self.last_invalid = Some(now);
        }
        if read > 0 {
            self.last_block = Some(now);
            if peak > SILENCE_THRESHOLD {
                self.last_signal = Some(now);
            }
        }
    }

    fn feed(&mut self, frames: &[Frame]) {
        self.scope.feed(frames);
        self.spectrum.feed(frames);
        if !self.settings.frozen {
            self.meters.feed(frames);
        }
    }

    /// NaN/Inf/out-of-range samples counted by the scope (which sees every frame).
    fn invalid_count(&self) -> u64 {
        let health = self.scope.input_health();
        health.non_finite + health.out_of_range
    }

    fn on_block_start(&mut self, info: &BlockInfo) {
        let rate = valid_rate(info.sample_rate);
        if rate != self.sample_rate {
            self.sample_rate = rate;
            let rate = f64::from(rate);
            self.scope.set_sample_rate(rate);
            self.spectrum.set_sample_rate(rate);
            self.meters.set_sample_rate(rate);
        } else if self.stream_end.is_some_and(|end| end != info.stream_pos) {
            // Frames were lost before this block: never draw a waveform stitched across a gap.
            self.scope.reset();
        }
        // The scope's feed clock follows the tap's stream position, so transport positions and
        // frames agree even after losses.
        self.scope.set_clock(info.stream_pos);
        self.scope.feed_transport(analysis::TransportInfo {
            frame_position: info.stream_pos,
            tempo_bpm: info.transport.tempo(),
            beat_position: info.transport.pos_beats(),
            bar_start_beats: info.transport.bar_start_pos_beats(),
            time_signature: info.transport.time_signature(),
            playing: info.transport.playing(),
        });
        // A dropped tail means the next block starts after a gap.
        self.stream_end = Some(info.stream_pos + u64::from(info.written));
        self.transport = info.transport;
        self.test_signal = info.test_signal;
        self.input_channels = info.input_channels;
    }

    /// Discards the reader's backlog without showing it. Losses while not drawing are not the
    /// display's fault: the shown count stays.
    pub fn discard(&mut self, reader: &mut TapReader) {
        reader.discard_all();
        self.dropped_baseline = Some(reader.dropped_frames().saturating_sub(self.dropped_frames));
    }

    /// The input's state at `now`.
    pub fn input_state(&self, now: Instant) -> InputState {
        match self.last_block {
            None => InputState::WaitingForAudio,
            Some(t) if now.duration_since(t) > NO_AUDIO_AFTER => InputState::NoAudio,
            Some(_) => match self.last_signal {
                Some(t) if now.duration_since(t) <= NO_AUDIO_AFTER => InputState::Live,
                _ => InputState::Silent,
            },
        }
    }

    /// How long the input has been silent (or absent) at `now`; zero while live.
    pub fn quiet_for(&self, now: Instant) -> Duration {
        let since = self.last_signal.or(self.last_block);
        match (self.input_state(now), since) {
            (InputState::Live, _) => Duration::ZERO,
            (_, Some(t)) => now.duration_since(t),
            (_, None) => Duration::MAX,
        }
    }

    /// Whether frames were dropped within [`WARNING_HOLD`] of `now`.
    pub fn recently_dropped(&self, now: Instant) -> bool {
        self.last_drop
            .is_some_and(|t| now.duration_since(t) <= WARNING_HOLD)
    }

    /// Whether NaN/Inf samples arrived within [`WARNING_HOLD`] of `now`.
    pub fn recently_invalid(&self, now: Instant) -> bool {
        self.last_invalid
            .is_some_and(|t| now.duration_since(t) <= WARNING_HOLD)
    }
}

fn valid_rate(sample_rate: f32) -> f32 {
    if sample_rate.is_finite() && sample_rate >= 1000.0 {
        sample_rate.min(1_536_000.0)
    } else {
        48_000.0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use ringscope::analysis::{ColumnMinMax, SpectrumCurve};

    use super::*;
    use crate::tap::{TapSwitch, tap_channel};

    fn info(rate: f32) -> BlockInfo {
        BlockInfo {
            sample_rate: rate,
            ..Default::default()
        }
    }

    fn setup(capacity: usize) -> (crate::tap::AudioTap, TapReader, DisplayState) {
        let (tap, reader) = tap_channel(capacity, Arc::new(TapSwitch::default()));
        reader.set_on(true);
        let settings = AnalysisSettings::from_params(&RingscopeParams::default());
        (tap, reader, DisplayState::new(48_000.0, settings))
    }

    #[test]
    fn default_params_map_onto_the_analysis_engine() {
        let s = AnalysisSettings::from_params(&RingscopeParams::default());
        assert_eq!(s.scope.window_seconds, 0.02);
        assert_eq!(s.scope.trigger.mode, Mode::Auto);
        assert_eq!(s.scope.trigger.source, Channel::Left);
        assert_eq!(s.spectrum.fft_size, Fft::N8192);
        assert_eq!(s.spectrum.overlap, 0.75);
        assert_eq!(s.spectrum.averaging_seconds, 0.25);
        assert_eq!(s.channels(), &[Channel::Left, Channel::Right]);
        assert!(!s.frozen);
    }

    #[test]
    fn drain_feeds_every_part_and_tracks_input_state() {
        let (mut tap, mut reader, mut display) = setup(1 << 16);
        let t0 = Instant::now();
        assert_eq!(display.input_state(t0), InputState::WaitingForAudio);

        tap.write_block(&[[0.0f32; 64]], info(48_000.0));
        display.drain(&mut reader, t0);
        assert_eq!(display.input_state(t0), InputState::Silent);

        // Half a second of a full-scale 1 kHz sine in both channels.
        let sine: Vec<f32> = (0..24_000)
            .map(|n| (n as f32 * 1000.0 / 48_000.0 * std::f32::consts::TAU).sin())
            .collect();
        tap.write_block(&[&sine[..], &sine[..]], info(48_000.0));
        display.drain(&mut reader, t0);
        assert_eq!(display.input_state(t0), InputState::Live);
        assert_eq!(display.frames_received, 24_064);

        let peak = display
            .spectrum
            .peak(Channel::Left, 20.0, 20_000.0)
            .unwrap();
        assert!((peak.frequency_hz - 1000.0).abs() < 1.0, "{peak:?}");
        assert!(peak.level_db.abs() < 0.2, "{peak:?}");
        assert!(display.meters.levels(Channel::Left).peak_db > -0.1);
        assert!(display.meters.correlation() > 0.99);
        let view = display.scope.view();
        let mut columns = [ColumnMinMax::default(); 50];
        display.scope.render(&view, Channel::Left, &mut columns);
        assert!(columns.iter().any(|c| c.max > 0.9) && columns.iter().any(|c| c.min < -0.9));

        let later = t0 + Duration::from_secs(1);
        assert_eq!(display.input_state(later), InputState::NoAudio);
    }

    #[test]
    fn invalid_samples_are_counted_and_reported_for_a_while() {
        let (mut tap, mut reader, mut display) = setup(4096);
        let now = Instant::now();
        let block = [0.5f32, f32::NAN, f32::INFINITY, -0.25];
        tap.write_block(&[&block[..], &block[..]], info(48_000.0));
        display.drain(&mut reader, now);
        assert_eq!(display.invalid_samples, 4);
        assert!(display.recently_invalid(now));
        assert!(!display.recently_invalid(now + WARNING_HOLD + Duration::from_millis(1)));
        assert_eq!(display.input_state(now), InputState::Live, "0.5 is signal");
    }

    #[test]
    fn drops_are_reported() {
        let (mut tap, mut reader, mut display) = setup(100);
        let now = Instant::now();
        tap.write_block(&[[1.0f32; 80]], info(48_000.0));
        display.drain(&mut reader, now);
        tap.write_block(&[[2.0f32; 80]], info(48_000.0)); // fits
        tap.write_block(&[[3.0f32; 80]], info(48_000.0)); // 20 fit, 60 dropped
        display.drain(&mut reader, now);
        assert_eq!(display.dropped_frames, 60);
        assert!(display.recently_dropped(now));
        assert_eq!(display.stream_end, Some(180));
        tap.write_block(&[[4.0f32; 10]], info(48_000.0)); // after the gap
        display.drain(&mut reader, now);
        assert_eq!(display.stream_end, Some(250));
        assert_eq!(display.scope.clock(), 250, "feed clock follows the stream");
    }

    #[test]
    fn a_new_sample_rate_reaches_every_part() {
        let (mut tap, mut reader, mut display) = setup(4096);
        tap.write_block(&[[0.1f32; 32]], info(96_000.0));
        display.drain(&mut reader, Instant::now());
        assert_eq!(display.sample_rate, 96_000.0);
        assert_eq!(display.scope.sample_rate(), 96_000.0);
        assert_eq!(display.spectrum.sample_rate(), 96_000.0);
        assert_eq!(display.meters.sample_rate(), 96_000.0);
    }

    #[test]
    fn freezing_holds_the_spectrum() {
        let (mut tap, mut reader, mut display) = setup(1 << 16);
        let noise: Vec<f32> = (0..20_000u32)
            .map(|n| ((n.wrapping_mul(2_654_435_761) >> 8) as f32 / 8_388_608.0) - 1.0)
            .collect();
        tap.write_block(&[&noise[..]], info(48_000.0));
        display.drain(&mut reader, Instant::now());
        let before = display
            .spectrum
            .power(Channel::Left, SpectrumCurve::Average)
            .unwrap()
            .to_vec();
        let mut frozen = display.settings;
        frozen.frozen = true;
        display.configure(frozen);
        tap.write_block(&[[0.0f32; 20_000]], info(48_000.0));
        display.drain(&mut reader, Instant::now());
        let after = display
            .spectrum
            .power(Channel::Left, SpectrumCurve::Average)
            .unwrap();
        assert_eq!(before, after);
    }
}
