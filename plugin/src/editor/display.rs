//! The editor's display state: the analysis engine's scope, spectrum and meters, fed each GUI
//! frame with everything the [`TapReader`] delivered, plus what the status line reports about
//! the stream (sample rate, transport, lost frames, NaN/Inf, silence), and how often the window
//! should draw ([`Pace`]).
//!
//! GUI-free, so it is tested without a window. It runs on the GUI thread and may allocate (on
//! sample-rate or FFT-size changes), never the audio thread.

use std::time::{Duration, Instant};

use ringscope::analysis::{
    Channel, ChannelMode, Frame, MeterSettings, Meters, Scope, ScopeSettings, Spectrum,
    SpectrumSettings, TransportInfo, TriggerSettings, frames_are_silent, valid_sample_rate,
};

use crate::params::RingscopeParams;
use crate::tap::{BlockInfo, Demand, TapReader};

/// How long a warning (dropped frames, NaN/Inf) stays on screen after the last occurrence.
pub const WARNING_HOLD: Duration = Duration::from_secs(3);

/// No block for this long means the host is not calling `process()`.
const NO_AUDIO_AFTER: Duration = Duration::from_millis(500);

/// Repaint interval while no block arrives (host not processing), before the window rests.
pub const IDLE_INTERVAL: Duration = Duration::from_millis(250);

/// Bottom of the meters strip's scale, dBFS.
pub const METER_BOTTOM_DB: f32 = -60.0;
/// Top of the meters strip's scale, dBFS (room to show overs).
pub const METER_TOP_DB: f32 = 6.0;

/// Added to the analysis' settle time: the input's last signal reaches the display up to a few
/// frames after it was played, and a curve that has just settled should be drawn once more.
const SETTLE_MARGIN: Duration = Duration::from_secs(1);

/// The analysis settings the parameters ask for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalysisSettings {
    /// Scope settings.
    pub scope: ScopeSettings,
    /// Spectrum settings.
    pub spectrum: SpectrumSettings,
    /// Depth of the spectrum's level axis, dB ([`RingscopeParams::spectrum_levels`]).
    pub spectrum_range_db: f64,
    /// Whether the picture is frozen.
    pub frozen: bool,
    /// Time between frames while blocks arrive (the Frame rate parameter).
    pub frame_period: Duration,
}

impl AnalysisSettings {
    /// Maps the plugin's parameters onto the analysis engine's settings.
    pub fn from_params(params: &RingscopeParams) -> Self {
        let traces = ChannelMode::from(params.channels.value());
        // With L and R overlaid the trigger watches the left channel, as channel 1 of a scope.
        let source = traces.channels()[0];
        let trigger = TriggerSettings {
            mode: params.trigger_mode.value().into(),
            source,
            edge: params.trigger_edge.value().into(),
            level: params.trigger_level.value(),
            hysteresis: params.trigger_hysteresis.value(),
            holdoff_seconds: f64::from(params.trigger_holdoff_ms.value()) / 1000.0,
            beat_sync: params.beat_sync_length.value().into(),
            ..TriggerSettings::default()
        };
        let scope = ScopeSettings {
            window_seconds: f64::from(params.scope_window_ms.value()) / 1000.0,
            trigger,
            ..ScopeSettings::default()
        };
        let spectrum = SpectrumSettings {
            fft_size: params.fft_size.value().into(),
            window: params.fft_window.value().into(),
            overlap: f64::from(params.fft_overlap.value()),
            channel_mode: traces,
            averaging_seconds: f64::from(params.averaging_ms.value().max(0.0)) / 1000.0,
            peak_hold_seconds: f64::from(params.peak_hold_s.value().max(0.0)),
            slope_db_per_octave: f64::from(params.slope_db_per_oct.value()),
            smoothing: params.smoothing.value().into(),
            ..SpectrumSettings::default()
        };
        let (bottom_db, top_db) = params.spectrum_levels();
        Self {
            scope,
            spectrum,
            spectrum_range_db: f64::from(top_db - bottom_db),
            frozen: params.freeze.value(),
            frame_period: params.frame_rate.value().period(),
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

/// How often an open window draws, decided after each frame by [`DisplayState::pace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// The picture is frozen: nothing is read from the audio side and nothing repaints on its
    /// own (input events and parameter changes still do).
    Frozen,
    /// The input has been silent long enough for every curve to settle: the audio side rests,
    /// and wakes the window when signal returns; nothing repaints meanwhile.
    Rest,
    /// Draw again after this long, the audio side streaming.
    Repaint(Duration),
}

impl Pace {
    /// What the window wants from the audio side at this pace.
    pub fn demand(self) -> Demand {
        match self {
            Pace::Frozen => Demand::Off,
            Pace::Rest => Demand::Rest,
            Pace::Repaint(_) => Demand::Stream,
        }
    }
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
    /// The first drain: the display has shown the input since then.
    first_drain: Option<Instant>,
    last_block: Option<Instant>,
    /// The newest drain that held anything but silence (NaN and ±Inf included).
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
    /// Empty state at `sample_rate` (one that is not real: 48 kHz) with `settings`.
    pub fn new(sample_rate: f32, settings: AnalysisSettings) -> Self {
        let rate = valid_sample_rate(f64::from(sample_rate));
        let mut state = Self {
            scope: Scope::new(rate, settings.scope),
            spectrum: Spectrum::new(rate, settings.spectrum),
            meters: Meters::new(rate, MeterSettings::default()),
            settings,
            sample_rate: rate as f32,
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
            first_drain: None,
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
        self.first_drain.get_or_insert(now);
        let dropped_total = reader.dropped_frames();
        let baseline = *self.dropped_baseline.get_or_insert(dropped_total);
        let dropped = dropped_total.saturating_sub(baseline);
        if dropped > self.dropped_frames {
            self.last_drop = Some(now);
        }
        self.dropped_frames = dropped;

        let invalid_before = self.invalid_count();
        let mut heard = false;
        let read = reader.read_blocks(reader.capacity(), |info, first, second| {
            self.on_block_start(info);
            for part in [first, second] {
                // The one silence rule, as the audio side applies it: NaN and ±Inf are heard.
                heard |= !frames_are_silent(part);
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
            if heard {
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
        let rate = valid_sample_rate(f64::from(info.sample_rate));
        if rate as f32 != self.sample_rate {
            self.sample_rate = rate as f32;
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
        self.transport = TransportInfo::from(info);
        self.scope.feed_transport(self.transport);
        // A dropped tail means the next block starts after a gap.
        self.stream_end = Some(info.stream_pos + u64::from(info.written));
        self.test_signal = info.test_signal;
        self.input_channels = info.input_channels;
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

    /// How long the input has been silent (or absent) at `now`: since the last signal, or,
    /// if none came since the display started, since then; zero while live.
    pub fn quiet_for(&self, now: Instant) -> Duration {
        if self.input_state(now) == InputState::Live {
            return Duration::ZERO;
        }
        self.last_signal
            .or(self.first_drain)
            .map_or(Duration::ZERO, |t| now.saturating_duration_since(t))
    }

    /// How long after the input turns silent the picture still changes: the slowest of the
    /// scope, the spectrum (on its level axis) and the meters (on their scale), as each of them
    /// says, plus a margin.
    pub fn settle_time(&self) -> Duration {
        let analysis = self
            .scope
            .settle_seconds()
            .max(
                self.spectrum
                    .settle_seconds(self.settings.spectrum_range_db),
            )
            .max(
                self.meters
                    .settle_seconds(f64::from(METER_TOP_DB - METER_BOTTOM_DB)),
            );
        SETTLE_MARGIN + Duration::try_from_secs_f64(analysis).unwrap_or(Duration::MAX)
    }

    /// How often to draw after the frame drawn at `now`: not at all while frozen, or once the
    /// input has been quiet for the [`settle_time`](Self::settle_time) with no warning on
    /// screen; at the frame rate while blocks arrive (never faster than they do); slowly while
    /// none do.
    pub fn pace(&self, now: Instant) -> Pace {
        if self.settings.frozen {
            return Pace::Frozen;
        }
        let warning_showing = self.recently_dropped(now) || self.recently_invalid(now);
        if !warning_showing && self.quiet_for(now) >= self.settle_time() {
            return Pace::Rest;
        }
        Pace::Repaint(if self.frames_last_drain > 0 {
            self.settings.frame_period
        } else {
            IDLE_INTERVAL
        })
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::Ordering;

    use nice_plug::params::InternalParamMut;
    use ringscope::analysis::{ColumnMinMax, FftSize, SpectrumCurve, TriggerMode};

    use super::*;
    use crate::tap::{AudioTap, Listener, TapSwitch, counting_switch, open_channel, tap_channel};

    /// The tests' window draws at 60 Hz.
    const FRAME_INTERVAL: Duration = Duration::from_micros(16_667);

    fn info(rate: f32) -> BlockInfo {
        BlockInfo {
            sample_rate: rate,
            ..Default::default()
        }
    }

    fn setup(capacity: usize) -> (AudioTap, TapReader, DisplayState) {
        let (tap, reader) = open_channel(capacity);
        let settings = AnalysisSettings::from_params(&RingscopeParams::default());
        (tap, reader, DisplayState::new(48_000.0, settings))
    }

    #[test]
    fn default_params_map_onto_the_analysis_engine() {
        let s = AnalysisSettings::from_params(&RingscopeParams::default());
        assert_eq!(s.scope.window_seconds, 0.02);
        assert_eq!(s.scope.trigger.mode, TriggerMode::Auto);
        assert_eq!(s.scope.trigger.source, Channel::Left);
        assert_eq!(s.spectrum.fft_size, FftSize::N8192);
        assert_eq!(s.spectrum.overlap, 0.75);
        assert_eq!(s.spectrum.averaging_seconds, 0.25);
        assert_eq!(s.spectrum_range_db, 102.0);
        assert_eq!(s.channels(), &[Channel::Left, Channel::Right]);
        assert!(!s.frozen);
        assert_eq!(s.frame_period, Duration::from_secs(1) / 30);
        // The level span the view draws, never the parameters' difference.
        let params = RingscopeParams::default();
        // SAFETY: no other thread sees these parameters.
        unsafe {
            params.db_min._internal_set_plain_value(-12.0);
            params.db_max._internal_set_plain_value(-60.0);
        }
        assert_eq!(
            AnalysisSettings::from_params(&params).spectrum_range_db,
            6.0
        );
    }

    /// One window's frames at 60 Hz from `start` for `seconds`, each after the audio side
    /// offered a block made by `block(frame)`; the window sets the switch as the editor does.
    /// Returns the time of the first frame that decided to rest, if one did.
    fn run_window(
        tap: &mut AudioTap,
        reader: &mut TapReader,
        display: &mut DisplayState,
        switch: &TapSwitch,
        start: Instant,
        seconds: f64,
        mut block: impl FnMut(usize) -> Vec<f32>,
    ) -> Option<Instant> {
        let frames = (seconds * 60.0) as usize;
        for k in 0..frames {
            let now = start + FRAME_INTERVAL * k as u32;
            let samples = block(k);
            tap.write_block(&[&samples[..], &samples[..]], info(48_000.0));
            display.drain(reader, now);
            let pace = display.pace(now);
            switch.set(Listener::Editor, pace.demand());
            if pace == Pace::Rest {
                return Some(now);
            }
        }
        None
    }

    #[test]
    fn a_window_opened_on_exact_zeros_rests_within_the_settle_time_and_wakes_at_once() {
        let (switch, wakes) = counting_switch();
        switch.set(Listener::Editor, Demand::Stream);
        let (mut tap, mut reader) = tap_channel(1 << 16, switch.clone());
        let settings = AnalysisSettings::from_params(&RingscopeParams::default());
        let mut display = DisplayState::new(48_000.0, settings);
        let settle = display.settle_time();
        assert!(
            settle <= Duration::from_secs(10),
            "{settle:?} with defaults"
        );

        // JACK's dummy capture ports: exact zeros from the first block on. (The quiet time
        // used to be counted from the newest block when no signal had ever come, so it never
        // grew and the window drew at full rate for ever.)
        let t0 = Instant::now();
        let rested = run_window(
            &mut tap,
            &mut reader,
            &mut display,
            &switch,
            t0,
            15.0,
            |_| vec![0.0; 800],
        )
        .expect("never rested on silence");
        assert!(rested >= t0 + settle, "rested before the picture settled");
        assert!(
            rested <= t0 + settle + 2 * FRAME_INTERVAL,
            "{:?}",
            rested - t0
        );
        assert_eq!(switch.demand(Listener::Editor), Demand::Rest);

        // Resting: silent blocks are not even written, nothing repaints.
        tap.write_block(&[[0.0f32; 800]], info(48_000.0));
        assert_eq!(reader.discard_all(), 0);
        let later = rested + Duration::from_secs(5);
        display.drain(&mut reader, later);
        assert_eq!(display.pace(later), Pace::Rest);
        assert_eq!(wakes.load(Ordering::Relaxed), 0);

        // Signal returns: the audio side wakes the window, whose next frame shows it.
        let mut block = [0.0f32; 800];
        block[400] = 0.01;
        tap.write_block(&[block], info(48_000.0));
        assert_eq!(wakes.load(Ordering::Relaxed), 1);
        assert_eq!(switch.demand(Listener::Editor), Demand::Stream);
        let woken = later + FRAME_INTERVAL;
        display.drain(&mut reader, woken);
        assert_eq!(display.input_state(woken), InputState::Live);
        assert_eq!(
            display.pace(woken),
            Pace::Repaint(display.settings.frame_period)
        );
    }

    #[test]
    fn a_window_rests_a_settle_time_after_the_signal_stops() {
        let switch = Arc::new(TapSwitch::default());
        switch.set(Listener::Editor, Demand::Stream);
        let (mut tap, mut reader) = tap_channel(1 << 16, switch.clone());
        let settings = AnalysisSettings::from_params(&RingscopeParams::default());
        let mut display = DisplayState::new(48_000.0, settings);
        let settle = display.settle_time();
        let t0 = Instant::now();
        let tone = |k: usize| -> Vec<f32> {
            (0..800)
                .map(|n| (((k * 800 + n) as f32) * 0.05).sin() * 0.5)
                .collect()
        };
        let rested = run_window(&mut tap, &mut reader, &mut display, &switch, t0, 3.0, tone);
        assert_eq!(rested, None, "rested while the signal played");
        let silence_from = t0 + FRAME_INTERVAL * 180;
        let rested = run_window(
            &mut tap,
            &mut reader,
            &mut display,
            &switch,
            silence_from,
            15.0,
            |_| vec![0.0; 800],
        )
        .expect("never rested");
        // Quiet since the last frame that heard the tone, one frame before `silence_from`.
        let quiet = rested - silence_from + FRAME_INTERVAL;
        assert!(
            quiet >= settle && quiet <= settle + 2 * FRAME_INTERVAL,
            "{quiet:?}"
        );
    }

    #[test]
    fn nan_and_inf_are_never_silence() {
        // The display used to skip NaN and ±Inf when it looked for signal while the audio side
        // counted them: a resting tap woke for them and the status line then said "silence".
        let (mut tap, mut reader, mut display) = setup(4096);
        let now = Instant::now();
        for (n, invalid) in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY]
            .into_iter()
            .enumerate()
        {
            let at = now + Duration::from_secs(10 * n as u64);
            tap.write_block(&[[invalid; 64]], info(48_000.0));
            display.drain(&mut reader, at);
            assert_eq!(display.input_state(at), InputState::Live, "{invalid}");
            assert_eq!(display.quiet_for(at), Duration::ZERO, "{invalid}");
        }
    }

    #[test]
    fn the_display_hears_exactly_the_blocks_that_wake_a_resting_tap() {
        let threshold = ringscope::analysis::SILENCE_THRESHOLD;
        let blocks: [&[f32]; 8] = [
            &[0.0; 16],
            &[-0.0, 1e-39, 1e-12],
            &[threshold, -threshold],
            &[0.0, f32::from_bits(threshold.to_bits() + 1)],
            &[0.0, 0.5],
            &[0.0, f32::NAN],
            &[f32::INFINITY],
            &[f32::NEG_INFINITY, 0.0],
        ];
        for block in blocks {
            let switch = Arc::new(TapSwitch::default());
            switch.set(Listener::Editor, Demand::Rest);
            let (mut tap, mut reader) = tap_channel(64, switch.clone());
            tap.write_block(&[block], info(48_000.0));
            let woke = switch.demand(Listener::Editor) == Demand::Stream;
            // The display, fed the same block while streaming, hears it or not alike.
            let (mut tap, mut reader2, mut display) = setup(64);
            tap.write_block(&[block], info(48_000.0));
            let now = Instant::now();
            display.drain(&mut reader2, now);
            let heard = display.input_state(now) == InputState::Live;
            assert_eq!(woke, heard, "{block:?}");
            assert_eq!(reader.discard_all(), if woke { block.len() } else { 0 });
        }
    }

    #[test]
    fn sample_rates_follow_the_analysis_rule() {
        // The display used to clamp 2 MHz to 1.536 MHz while the test signal kept 2 MHz, and
        // to replace 500 Hz by 48 kHz while the test signal kept 500 Hz: the one rule makes
        // every rate that is not real 48 kHz everywhere.
        for (rate, shown) in [
            (2_000_000.0, 48_000.0),
            (500.0, 48_000.0),
            (192_000.0, 192_000.0),
        ] {
            let (mut tap, mut reader, mut display) = setup(4096);
            tap.write_block(&[[0.1f32; 32]], info(rate));
            display.drain(&mut reader, Instant::now());
            assert_eq!(display.sample_rate, shown, "{rate}");
            assert_eq!(display.scope.sample_rate(), f64::from(shown), "{rate}");
        }
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
