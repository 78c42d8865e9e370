//! Parameter controls: the top bar (view, channels, freeze, test signal) and the settings panel
//! with every other parameter, grouped by view. All changes go through the host's
//! [`ParamSetter`] so they are automatable and undoable.

use egui::{self, Ui};
use nice_plug::prelude::*;
use nice_plug_egui::widgets::ParamSlider;

#[path = "compare_panel.rs"]
mod compare_panel;

use crate::params::{Layout, LoudnessTarget, RingscopeParams, TestSignalKind, TriggerMode};

/// A combo box for an enum parameter.
fn enum_combo<T: Enum + PartialEq + Copy + 'static>(
    ui: &mut Ui,
    label: &str,
    param: &EnumParam<T>,
    setter: &ParamSetter,
) {
    let current = param.value();
    let names = T::variants();
    ui.label(label);
    egui::ComboBox::from_id_salt(label)
        .selected_text(names[current.to_index()])
        .show_ui(ui, |ui| {
            for (index, name) in names.iter().enumerate() {
                let variant = T::from_index(index);
                if ui.selectable_label(variant == current, *name).clicked() && variant != current {
                    setter.begin_set_parameter(param);
                    setter.set_parameter(param, variant);
                    setter.end_set_parameter(param);
                }
            }
        });
}

/// The one view menu: the View parameter's three pictures and the later layouts, each entry
/// setting both the View and the Layout parameter (one gesture for the host's undo).
fn view_menu(ui: &mut Ui, params: &RingscopeParams, setter: &ParamSetter) {
    let current = (params.view.value(), params.layout.value());
    let is_current = |view, layout| match current.1 {
        Layout::Classic => (view, layout) == current,
        _ => layout == current.1,
    };
    let selected = Layout::menu()
        .find(|&(_, view, layout)| is_current(view, layout))
        .map_or("", |(name, _, _)| name);
    ui.label("View");
    egui::ComboBox::from_id_salt("View")
        .selected_text(selected)
        .show_ui(ui, |ui| {
            for (name, view, layout) in Layout::menu() {
                let chosen = is_current(view, layout);
                if ui.selectable_label(chosen, name).clicked() && !chosen {
                    setter.begin_set_parameter(&params.layout);
                    setter.set_parameter(&params.layout, layout);
                    setter.end_set_parameter(&params.layout);
                    if layout == Layout::Classic {
                        setter.begin_set_parameter(&params.view);
                        setter.set_parameter(&params.view, view);
                        setter.end_set_parameter(&params.view);
                    }
                }
            }
        });
}

/// A toggle button for a bool parameter.
fn toggle(ui: &mut Ui, label: &str, param: &BoolParam, setter: &ParamSetter) {
    let on = param.value();
    if ui.selectable_label(on, label).clicked() {
        setter.begin_set_parameter(param);
        setter.set_parameter(param, !on);
        setter.end_set_parameter(param);
    }
}

/// A labelled slider row.
fn slider<P: Param>(ui: &mut Ui, label: &str, param: &P, setter: &ParamSetter) {
    ui.horizontal(|ui| {
        ui.label(label);
        ui.add(ParamSlider::for_param(param, setter).with_width(120.0));
    });
}

/// The always-visible bar above the plots. Returns whether the user asked to re-arm the
/// single-shot trigger.
pub fn top_bar(
    ui: &mut Ui,
    params: &RingscopeParams,
    setter: &ParamSetter,
    show_settings: &mut bool,
) -> bool {
    let mut rearm = false;
    ui.horizontal_wrapped(|ui| {
        ui.toggle_value(show_settings, "Settings");
        ui.separator();
        view_menu(ui, params, setter);
        toggle(ui, "Meters", &params.meters_strip, setter);
        enum_combo(ui, "Channels", &params.channels, setter);
        enum_combo(ui, "Trigger", &params.trigger_mode, setter);
        if params.trigger_mode.value() == TriggerMode::Single {
            rearm = ui.button("Re-arm").clicked();
        }
        toggle(ui, "Freeze", &params.freeze, setter);
        ui.separator();
        enum_combo(ui, "Test signal", &params.test_signal, setter);
    });
    rearm
}

/// Every other parameter, grouped.
pub fn settings_panel(ui: &mut Ui, params: &RingscopeParams, setter: &ParamSetter) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading("Scope");
        slider(ui, "Time", &params.scope_window_ms, setter);
        if params.trigger_mode.value() == TriggerMode::BeatSync {
            ui.horizontal(|ui| enum_combo(ui, "Length", &params.beat_sync_length, setter));
        }
        ui.horizontal(|ui| enum_combo(ui, "Edge", &params.trigger_edge, setter));
        slider(ui, "Level", &params.trigger_level, setter);
        slider(ui, "Hysteresis", &params.trigger_hysteresis, setter);
        slider(ui, "Holdoff", &params.trigger_holdoff_ms, setter);

        ui.separator();
        ui.heading("Spectrum");
        ui.horizontal(|ui| enum_combo(ui, "FFT size", &params.fft_size, setter));
        ui.horizontal(|ui| enum_combo(ui, "Window", &params.fft_window, setter));
        slider(ui, "Overlap", &params.fft_overlap, setter);
        slider(ui, "Averaging", &params.averaging_ms, setter);
        slider(ui, "Peak hold", &params.peak_hold_s, setter);
        slider(ui, "Slope", &params.slope_db_per_oct, setter);
        ui.horizontal(|ui| enum_combo(ui, "Smoothing", &params.smoothing, setter));
        ui.horizontal(|ui| enum_combo(ui, "Scale", &params.freq_scale, setter));
        slider(ui, "Min freq", &params.freq_min_hz, setter);
        slider(ui, "Max freq", &params.freq_max_hz, setter);
        slider(ui, "Min dB", &params.db_min, setter);
        slider(ui, "Max dB", &params.db_max, setter);

        ui.separator();
        ui.heading("Spectrogram");
        let spectrogram = &params.spectrogram;
        slider(ui, "History", &spectrogram.history_s, setter);
        slider(ui, "Floor", &spectrogram.floor_db, setter);
        slider(ui, "Ceiling", &spectrogram.ceiling_db, setter);
        ui.horizontal(|ui| enum_combo(ui, "Colours", &spectrogram.palette, setter));
        ui.horizontal(|ui| enum_combo(ui, "Direction", &spectrogram.direction, setter));

        ui.separator();
        ui.heading("Vectorscope");
        let vectorscope = &params.vectorscope;
        ui.horizontal(|ui| enum_combo(ui, "Mode", &vectorscope.mode, setter));
        ui.horizontal(|ui| toggle(ui, "Auto gain", &vectorscope.auto_gain, setter));
        if !vectorscope.auto_gain.value() {
            slider(ui, "Gain", &vectorscope.gain_db, setter);
        }
        slider(ui, "Persistence", &vectorscope.persistence_ms, setter);

        ui.separator();
        ui.heading("Loudness");
        let loudness = &params.loudness;
        slider(ui, "History", &loudness.span_min, setter);
        ui.horizontal(|ui| enum_combo(ui, "Target", &loudness.target, setter));
        if loudness.target.value() == LoudnessTarget::Custom {
            slider(ui, "Custom", &loudness.custom_lufs, setter);
        }

        ui.separator();
        ui.heading("Test signal");
        ui.label("Replaces the input on screen only; the output is always the input.");
        ui.horizontal(|ui| enum_combo(ui, "Signal", &params.test_signal, setter));
        let kind = params.test_signal.value();
        if matches!(kind, TestSignalKind::Sine | TestSignalKind::TwoTone) {
            slider(ui, "Frequency", &params.test_freq_hz, setter);
        }
        if kind == TestSignalKind::TwoTone {
            slider(ui, "Frequency 2", &params.test_freq2_hz, setter);
        }
        if kind == TestSignalKind::LogSweep {
            slider(ui, "Sweep time", &params.test_sweep_s, setter);
        }
        slider(ui, "Level", &params.test_level_db, setter);

        ui.separator();
        compare_panel::show(ui, params);

        ui.separator();
        ui.heading("Display");
        // Saved with the session, not automatable; the repaint poll follows it from the next
        // opening of the window.
        ui.horizontal(|ui| enum_combo(ui, "Frame rate", &params.frame_rate, setter));
    });
}
