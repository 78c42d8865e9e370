//! The analysis settings the parameters ask for: one mapping from the plugin's parameters onto
//! the analysis engine's settings.

use std::time::Duration;

use ringscope::analysis::{
    Channel, ChannelMode, ScopeSettings, SpectrumSettings, TriggerSettings, VectorscopeSettings,
};

use crate::params::{Pane, RingscopeParams};

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
    /// The panes shown: only their analysis is fed (the meters' always is).
    pub panes: &'static [Pane],
    /// Time the spectrogram spans, s (its image size follows its pane).
    pub spectrogram_history_seconds: f64,
    /// Vectorscope settings.
    pub vectorscope: VectorscopeSettings,
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
            panes: params.panes(),
            spectrogram_history_seconds: f64::from(params.spectrogram.history_s.value()),
            vectorscope: VectorscopeSettings {
                mode: params.vectorscope.mode.value().into(),
                auto_gain: params.vectorscope.auto_gain.value(),
                manual_gain_db: params.vectorscope.gain_db.value(),
                ..VectorscopeSettings::default()
            },
        }
    }

    /// Whether `pane` is shown.
    pub fn shows(&self, pane: Pane) -> bool {
        self.panes.contains(&pane)
    }

    /// The traces the views draw.
    pub fn channels(&self) -> &'static [Channel] {
        self.spectrum.channel_mode.channels()
    }
}
