//! The status line under the plots: what the input is doing and anything the user must know
//! (frames lost, NaN/Inf in the input, no input at all).

use std::time::Instant;

use egui::{RichText, Ui};
use nice_plug::prelude::Enum;

use super::display::{DisplayState, InputState};
use super::theme;
use crate::params::{RingscopeParams, TestSignalKind};

/// One message for the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The text.
    pub text: String,
    /// Warnings are drawn in the warning colour.
    pub warning: bool,
}

/// The messages to show at `now`, most important first.
pub fn messages(display: &DisplayState, params: &RingscopeParams, now: Instant) -> Vec<Message> {
    let mut out = Vec::new();
    if display.recently_dropped(now) {
        out.push(Message {
            text: format!(
                "⚠ {} frames lost: the display fell behind (the audio is unaffected)",
                display.dropped_frames
            ),
            warning: true,
        });
    }
    if display.recently_invalid(now) {
        out.push(Message {
            text: format!(
                "⚠ Input holds NaN/Inf ({} samples so far), drawn as 0",
                display.invalid_samples
            ),
            warning: true,
        });
    }
    let test_signal = params.test_signal.value();
    match display.input_state(now) {
        InputState::WaitingForAudio => out.push(Message {
            text: "Waiting for audio…".to_owned(),
            warning: false,
        }),
        InputState::NoAudio => out.push(Message {
            text: "No audio: the host is not processing (transport stopped, or no audio device)"
                .to_owned(),
            warning: false,
        }),
        InputState::Silent if test_signal == TestSignalKind::Off => out.push(Message {
            text: "No input signal (silence). Choose a test signal to see a picture.".to_owned(),
            warning: false,
        }),
        _ => {}
    }
    if display.test_signal && test_signal != TestSignalKind::Off {
        out.push(Message {
            text: format!(
                "Test signal: {} (display only; the output is the input)",
                TestSignalKind::variants()[test_signal.to_index()]
            ),
            warning: false,
        });
    }
    out
}

/// Draws the status line.
pub fn show(ui: &mut Ui, display: &DisplayState, params: &RingscopeParams, now: Instant) {
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!(
                "{:.1} kHz · {} ch",
                display.sample_rate / 1000.0,
                display.input_channels
            ))
            .color(theme::LABEL),
        );
        for message in messages(display, params, now) {
            ui.separator();
            let colour = if message.warning {
                theme::WARNING
            } else {
                theme::INFO
            };
            ui.label(RichText::new(message.text).color(colour));
        }
    });
}
