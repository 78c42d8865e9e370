//! The status line under the plots: what the input is doing and anything the user must know
//! (bypassed, frames lost, NaN/Inf in the input, no input at all).

use std::fmt::Write;
use std::time::Instant;

use egui::{RichText, Ui};
use nice_plug::prelude::Enum;

use super::display::{DisplayState, InputState};
use super::format;
use super::theme;
use crate::params::{RingscopeParams, TestSignalKind};

/// One message for the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The text.
    pub text: String,
    /// Warnings are drawn in the warning colour.
    pub warning: bool,
    /// More about it, shown when the pointer rests on the message (empty: nothing more).
    pub detail: &'static str,
}

/// What the status line needs to know besides the display state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Context {
    /// The host's bypass: the audio side sends nothing, the analysis pauses.
    pub bypassed: bool,
    /// The freeze parameter.
    pub frozen: bool,
    /// The audio side idles until signal returns (it sends no silent blocks meanwhile).
    pub tap_idle: bool,
    /// The test-signal parameter.
    pub test_signal: TestSignalKind,
}

impl Context {
    /// The context of `params`, with the tap idling or not.
    pub fn new(params: &RingscopeParams, tap_idle: bool) -> Self {
        Self {
            bypassed: params.bypass.value(),
            frozen: params.freeze.value(),
            tap_idle,
            test_signal: params.test_signal.value(),
        }
    }
}

/// The messages to show at `now`, most important first.
pub fn messages(display: &DisplayState, context: Context, now: Instant) -> Vec<Message> {
    let Context {
        bypassed,
        frozen,
        tap_idle,
        test_signal,
    } = context;
    let mut out = Vec::new();
    if bypassed {
        out.push(Message {
            text: "Bypassed: the analysis is paused".to_owned(),
            warning: false,
            detail: "The host bypasses Ringscope: the output is the input, bit for bit, as \
                     always, and nothing is analysed until the bypass is switched off.",
        });
    }
    if display.recently_dropped(now) {
        out.push(Message {
            text: format!(
                "⚠ {} frames lost: the display fell behind (the audio is unaffected)",
                display.dropped_frames
            ),
            warning: true,
            detail: "",
        });
    }
    if display.recently_invalid(now) {
        out.push(Message {
            text: format!(
                "⚠ Input holds NaN/Inf ({} samples so far), drawn as 0",
                display.invalid_samples
            ),
            warning: true,
            detail: "",
        });
    }
    if frozen {
        out.push(Message {
            text: "Frozen: point at the plots to read values".to_owned(),
            warning: false,
            detail: "",
        });
    }
    // While frozen or bypassed nothing comes from the audio side, so the input's state is
    // unknown.
    let input_state = if frozen || bypassed {
        InputState::Live
    } else {
        display.input_state(now)
    };
    match input_state {
        // The idle tap sends nothing until signal returns: no blocks is no news, not no audio.
        InputState::NoAudio | InputState::Silent
            if tap_idle && test_signal == TestSignalKind::Off =>
        {
            out.push(Message {
                text: "No input signal (silence). Choose a test signal to see a picture."
                    .to_owned(),
                warning: false,
                detail: "While the input is silent Ringscope rests (no analysis, no redrawing); \
                         it wakes as soon as signal arrives. A host that stopped processing \
                         looks the same.",
            })
        }
        InputState::WaitingForAudio => out.push(Message {
            text: "Waiting for audio…".to_owned(),
            warning: false,
            detail: "",
        }),
        InputState::NoAudio => out.push(Message {
            text: "No audio: the host is not processing (stopped, or no audio device)".to_owned(),
            warning: false,
            detail: "",
        }),
        InputState::Silent if test_signal == TestSignalKind::Off => out.push(Message {
            text: "No input signal (silence). Choose a test signal to see a picture.".to_owned(),
            warning: false,
            detail: "",
        }),
        _ => {}
    }
    if display.test_signal && test_signal != TestSignalKind::Off {
        out.push(Message {
            text: format!(
                "Test signal: {} (display only)",
                TestSignalKind::variants()[test_signal.to_index()]
            ),
            warning: false,
            detail: "The test signal replaces the input on screen only: the plugin's output is \
                     always its input, bit for bit.",
        });
    }
    out
}

/// Draws the status line.
pub fn show(ui: &mut Ui, display: &DisplayState, context: Context, now: Instant) {
    ui.horizontal_wrapped(|ui| {
        let mut stream = String::new();
        format::write_sample_rate(display.sample_rate, &mut stream);
        let _ = write!(stream, " · {} ch", display.input_channels);
        ui.label(RichText::new(stream).color(theme::LABEL));
        for message in messages(display, context, now) {
            ui.separator();
            let colour = if message.warning {
                theme::WARNING
            } else {
                theme::INFO
            };
            let label = ui.label(RichText::new(message.text).color(colour));
            if !message.detail.is_empty() {
                label.on_hover_text(message.detail);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::editor::display::{AnalysisSettings, WARNING_HOLD};
    use crate::tap::{BlockInfo, open_channel};

    fn texts(messages: &[Message]) -> Vec<(&str, bool)> {
        messages
            .iter()
            .map(|m| (m.text.as_str(), m.warning))
            .collect()
    }

    fn context(frozen: bool, tap_idle: bool) -> Context {
        Context {
            bypassed: false,
            frozen,
            tap_idle,
            test_signal: TestSignalKind::Off,
        }
    }

    fn display() -> DisplayState {
        let settings = AnalysisSettings::from_params(&RingscopeParams::default());
        DisplayState::new(48_000.0, settings)
    }

    #[test]
    fn no_audio_and_silence_are_reported() {
        let mut display = display();
        let now = Instant::now();
        let shown = messages(&display, context(false, false), now);
        assert_eq!(texts(&shown), [("Waiting for audio…", false)]);

        let (mut tap, mut reader) = open_channel(4096);
        let info = BlockInfo {
            sample_rate: 48_000.0,
            ..Default::default()
        };
        tap.write_block(&[[0.0f32; 256]], info);
        display.drain(&mut reader, now);
        let shown = messages(&display, context(false, false), now);
        assert!(shown[0].text.starts_with("No input signal"), "{shown:?}");
        let later = now + Duration::from_secs(2);
        let shown = messages(&display, context(false, false), later);
        assert!(shown[0].text.starts_with("No audio"), "{shown:?}");
        // An idle tap sends nothing while the input is silent: that is silence, not no audio.
        let shown = messages(&display, context(false, true), later);
        assert!(shown[0].text.starts_with("No input signal"), "{shown:?}");
        assert!(!shown[0].detail.is_empty());
    }

    #[test]
    fn frozen_says_so_instead_of_no_audio() {
        // While frozen the tap is off, so no blocks arrive: that is not "no audio".
        let display = display();
        let later = Instant::now() + Duration::from_secs(10);
        let shown = messages(&display, context(true, false), later);
        assert_eq!(
            texts(&shown),
            [("Frozen: point at the plots to read values", false)]
        );
    }

    #[test]
    fn bypassed_says_so_first_instead_of_no_audio() {
        // While bypassed the audio side sends nothing: that is not "no audio".
        let display = display();
        let later = Instant::now() + Duration::from_secs(10);
        let bypassed = Context {
            bypassed: true,
            ..context(false, false)
        };
        assert_eq!(
            texts(&messages(&display, bypassed, later)),
            [("Bypassed: the analysis is paused", false)]
        );
        let params = RingscopeParams::default();
        assert!(!Context::new(&params, false).bypassed);
    }

    #[test]
    fn lost_frames_and_invalid_samples_are_warnings_that_stay_visible() {
        let mut display = display();
        let (mut tap, mut reader) = open_channel(64);
        let info = BlockInfo {
            sample_rate: 48_000.0,
            ..Default::default()
        };
        let now = Instant::now();
        display.drain(&mut reader, now); // the editor opens
        tap.write_block(&[[f32::NAN; 200]], info); // 64 fit, 136 dropped
        display.drain(&mut reader, now);
        for frozen in [false, true] {
            let shown = messages(&display, context(frozen, false), now);
            assert!(shown[0].warning && shown[0].text.contains("136 frames lost"));
            assert!(shown[1].warning && shown[1].text.contains("NaN/Inf"));
        }
        let gone = now + WARNING_HOLD + Duration::from_millis(10);
        let shown = messages(&display, context(false, false), gone);
        assert!(shown.iter().all(|m| !m.warning), "{shown:?}");
    }
}
