//! The settings panel's "Compare" group: this instance's name, and the other instances of this
//! process to overlay in the spectrum view (up to four), listed as they appear and leave, this
//! instance's own sidechain input, the collision display, the pink-noise line and the reference traces
//! ([`reference_panel`]).

use std::sync::atomic::Ordering;

use egui::{RichText, Ui};

use crate::compare::registry::MAX_NAME_CHARS;
use crate::compare::{Input, MAX_OVERLAYS, instances};
use crate::editor::spectrum_view::overlays::{SIDECHAIN_COLOUR, collision_help, overlay_colour};
use crate::editor::theme;
use crate::params::RingscopeParams;

#[path = "reference_panel.rs"]
mod reference_panel;

/// Why the list can be empty: shown instead of an empty list.
pub const EMPTY_LIST: &str = "No other Ringscope in this process. Hosts that run each plugin \
     in a process of its own (bridging, sandboxing) show only instances of the same process, \
     and CLAP and VST3 instances do not see each other.";

/// The group, in the settings panel.
pub fn show(ui: &mut Ui, params: &RingscopeParams) {
    let compare = &params.compare;
    ui.heading("Compare");
    ui.horizontal(|ui| {
        ui.label("Name");
        let mut name = compare.name();
        if ui.text_edit_singleline(&mut name).changed() {
            // The registry shares this field: every other instance's list shows it next frame.
            let name: String = name.chars().take(MAX_NAME_CHARS).collect();
            *compare
                .instance_name
                .write()
                .unwrap_or_else(|e| e.into_inner()) = name;
        }
    });
    let own = compare.own_id();
    let others: Vec<String> = instances()
        .iter()
        .filter(|e| e.id() != own)
        .map(|e| e.name())
        .collect();
    let mut chosen = compare.chosen();
    let before = chosen.clone();
    if others.is_empty() {
        ui.label(RichText::new(EMPTY_LIST).color(theme::LABEL_DIM));
    } else {
        ui.label(format!("Overlay in the spectrum (up to {MAX_OVERLAYS}):"));
    }
    // Every live instance, then the chosen ones not in this process now (kept for their
    // return, and removable here).
    let missing: Vec<String> = chosen
        .iter()
        .filter(|name| !others.contains(name))
        .cloned()
        .collect();
    for (name, live) in others
        .iter()
        .map(|n| (n, true))
        .chain(missing.iter().map(|n| (n, false)))
    {
        let slot = chosen.iter().position(|c| c == name);
        let mut on = slot.is_some();
        let colour = slot.map_or(theme::LABEL, overlay_colour);
        let label = if live {
            RichText::new(name).color(colour)
        } else {
            RichText::new(format!("{name} (not loaded)")).color(theme::LABEL_DIM)
        };
        let full = chosen.len() >= MAX_OVERLAYS && !on;
        let response = ui.add_enabled(!full, egui::Checkbox::new(&mut on, label));
        if response.changed() {
            if on {
                chosen.push(name.clone());
            } else {
                chosen.retain(|c| c != name);
            }
        }
    }
    if chosen != before {
        compare.set_chosen(chosen);
    }
    sidechain(ui, params);
    let mut collisions = compare.collision_display.load(Ordering::Relaxed);
    if ui
        .checkbox(&mut collisions, "Collisions")
        .on_hover_text(collision_help())
        .changed()
    {
        compare
            .collision_display
            .store(collisions, Ordering::Relaxed);
    }
    let mut pink = compare.pink_reference.load(Ordering::Relaxed);
    if ui
        .checkbox(&mut pink, "Pink noise reference (−3 dB/oct)")
        .on_hover_text("A line falling 3 dB per octave, fitted through the first trace")
        .changed()
    {
        compare.pink_reference.store(pink, Ordering::Relaxed);
    }
    reference_panel::show(ui, params);
}

/// The sidechain toggle, saying whether the input carries anything (known only while it is
/// shown: the audio thread looks at it only then).
fn sidechain(ui: &mut Ui, params: &RingscopeParams) {
    let compare = &params.compare;
    let mut on = compare.sidechain_overlay.load(Ordering::Relaxed);
    let state = compare
        .sidechain()
        .map_or(Input::NotConnected, |e| e.input());
    let label = match (on, state) {
        (false, _) => RichText::new("Sidechain input"),
        (true, Input::Live) => RichText::new("Sidechain input").color(SIDECHAIN_COLOUR),
        (true, Input::Silent) => RichText::new("Sidechain input (silent)").color(theme::LABEL_DIM),
        (true, Input::NotConnected) => {
            RichText::new("Sidechain input (not connected)").color(theme::LABEL_DIM)
        }
    };
    if ui
        .checkbox(&mut on, label)
        .on_hover_text(SIDECHAIN_HELP)
        .changed()
    {
        compare.sidechain_overlay.store(on, Ordering::Relaxed);
    }
}

/// Where the sidechain comes from.
pub const SIDECHAIN_HELP: &str = "Overlay what the host routes into this plugin's \"Sidechain\" \
     input (a second stereo input bus), e.g. a reference track; it is only shown, never mixed \
     into the output. Silent: the bus is there but nothing is routed to it.";
