//! The editor's display state: the analysis engine's scope, spectrum and meters, fed each GUI
//! frame with everything the [`TapReader`] delivered, plus what the status line reports about
//! the stream (sample rate, transport, lost frames, NaN/Inf, silence), and how often the window
//! should draw ([`Pace`]). The meters and the loudness history are not the window's: they are
//! the [`SharedLoudness`] monitor, which outlives the window (see
//! [`loudness_monitor`](crate::loudness_monitor)).
//!
//! GUI-free, so it is tested without a window. It runs on the GUI thread and may allocate (on
//! sample-rate or FFT-size changes), never the audio thread.

use std::time::{Duration, Instant};

use ringscope::analysis::{
    Frame, Scope, Spectrogram, SpectrogramSettings, Spectrum, TransportInfo, Vectorscope,
    frames_are_silent, valid_sample_rate,
};
use std::sync::MutexGuard;

use crate::loudness_monitor::{LoudnessMonitor, SharedLoudness};

use crate::params::Pane;
use crate::tap::{BlockInfo, Demand, TapReader};

mod settings;

pub use self::settings::AnalysisSettings;

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
    /// The spectrogram, fed the spectrum's frames while its pane shows.
    pub spectrogram: Spectrogram,
    /// The vectorscope, fed while its pane shows.
    pub vectorscope: Vectorscope,
    /// The meters and the loudness history, shared with the plugin's other windows.
    loudness: SharedLoudness,
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
    /// Empty state at `sample_rate` (one that is not real: 48 kHz) with `settings`, and a
    /// loudness monitor of its own.
    #[cfg(test)]
    pub fn new(sample_rate: f32, settings: AnalysisSettings) -> Self {
        let rate = valid_sample_rate(f64::from(sample_rate));
        Self::with_loudness(sample_rate, settings, SharedLoudness::new(rate))
    }

    /// Empty state at `sample_rate` with `settings`, feeding and showing `loudness` (which
    /// keeps its measurement: a window reopened carries on with it).
    pub fn with_loudness(
        sample_rate: f32,
        settings: AnalysisSettings,
        loudness: SharedLoudness,
    ) -> Self {
        let rate = valid_sample_rate(f64::from(sample_rate));
        let mut state = Self {
            scope: Scope::new(rate, settings.scope),
            spectrum: Spectrum::new(rate, settings.spectrum),
            spectrogram: Spectrogram::new(
                rate,
                SpectrogramSettings {
                    history_seconds: settings.spectrogram_history_seconds,
                    ..SpectrogramSettings::default()
                },
            ),
            vectorscope: Vectorscope::new(rate, settings.vectorscope),
            loudness,
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
        state.set_frozen(settings.frozen);
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
        if settings.spectrogram_history_seconds != self.settings.spectrogram_history_seconds {
            self.spectrogram.set_settings(SpectrogramSettings {
                history_seconds: settings.spectrogram_history_seconds,
                ..*self.spectrogram.settings()
            });
        }
        if settings.vectorscope != self.settings.vectorscope {
            self.vectorscope.set_settings(settings.vectorscope);
        }
        if settings.frozen != self.settings.frozen {
            self.set_frozen(settings.frozen);
        }
        self.settings = settings;
    }

    /// The meters and the loudness history, locked for this frame's reading.
    pub fn loudness(&self) -> MutexGuard<'_, LoudnessMonitor> {
        self.loudness.lock()
    }

    /// Another handle on the loudness monitor this display feeds.
    pub fn shared_loudness(&self) -> SharedLoudness {
        self.loudness.clone()
    }

    fn set_frozen(&mut self, frozen: bool) {
        self.scope.set_frozen(frozen);
        self.spectrum.set_frozen(frozen);
        self.spectrogram.set_frozen(frozen);
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
            // The silence the tap skipped while resting came before this block, at the rate
            // measured so far (a frozen picture measures nothing, as `feed` says).
            if info.rested_frames > 0 && !self.settings.frozen {
                self.loudness.lock().advance_silence(info.rested_frames);
            }
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

    /// Feeds `frames` to the parts the shown panes draw (and always to the scope, whose input
    /// health the status line reports, and the meters).
    fn feed(&mut self, frames: &[Frame]) {
        self.scope.feed(frames);
        if self.settings.shows(Pane::Spectrogram) {
            let spectrogram = &mut self.spectrogram;
            self.spectrum
                .feed_with(frames, |frame| spectrogram.push(frame));
        } else {
            self.spectrum.feed(frames);
        }
        if self.settings.frozen {
            return;
        }
        if self.settings.shows(Pane::Vectorscope) {
            self.vectorscope.feed(frames);
        }
        self.loudness.lock().feed(frames);
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
            // Only a rate the monitor does not measure at yet starts it over (a window opened
            // on a 44.1 kHz stream starts at 48 kHz but must keep the measurement).
            self.loudness.lock().set_sample_rate(rate);
            self.spectrogram.set_sample_rate(rate);
            self.vectorscope.set_sample_rate(rate);
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
    /// scope, the spectrum (on its level axis), the meters (on their scale) and the shown
    /// spectrogram (its history scrolling out) and vectorscope (its gain and levels), as each of
    /// them says, plus a margin.
    pub fn settle_time(&self) -> Duration {
        let settings = &self.settings;
        let spectrogram = if settings.shows(Pane::Spectrogram) {
            self.spectrogram.settle_seconds(&self.spectrum)
        } else {
            0.0
        };
        // The vectorscope's fading points (at most 2 s of persistence) are gone well before
        // the meters settle (8.3 s: their peak hold and fall through the scale; the editor
        // does not change the meters' settings).
        let vectorscope = if settings.shows(Pane::Vectorscope) {
            self.vectorscope
                .settle_seconds(f64::from(METER_TOP_DB - METER_BOTTOM_DB))
        } else {
            0.0
        };
        let analysis = self
            .scope
            .settle_seconds()
            .max(
                self.spectrum
                    .settle_seconds(self.settings.spectrum_range_db),
            )
            .max(
                self.loudness()
                    .meters
                    .settle_seconds(f64::from(METER_TOP_DB - METER_BOTTOM_DB)),
            )
            .max(spectrogram)
            .max(vectorscope);
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
mod tests;
