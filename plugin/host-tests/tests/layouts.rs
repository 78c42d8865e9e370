//! The editor's layouts for the views added after the first release (spectrogram, vectorscope,
//! loudness history), as a CLAP host shows them: each is selected through the host's parameter
//! API, draws the plugin's test signal, is photographed for the README (`docs/views/*.png`), and
//! opens and closes 100 times while audio runs with nothing left behind (threads, descriptors,
//! memory: the same bounds as `clap_editor.rs`). A layout's panes must hold coloured ink of their
//! own (the meters strip beside them is not counted).

use ringscope_host_tests::artifacts;
use ringscope_host_tests::clap::{load_entry, new_ringscope, param_named};
use ringscope_host_tests::editor::{
    AudioThread, EditorHost, STEADY_MALLOC, open_and_close_repeatedly, pump_until, wait_for_drawing,
};
use ringscope_host_tests::host_test;
use ringscope_host_tests::screenshot::{CurveStats, Image, Rect, is_chromatic};
use ringscope_host_tests::x11::Display;
use std::time::Duration;

/// The layouts added (the Layout parameter's variants after "As View", by CLAP value = index),
/// with the file name of their picture and the test signal they are photographed with (the
/// plugin's own, by index: 2 log sweep, 4 pink noise).
const LAYOUTS: [(f64, &str, f64); 6] = [
    (1.0, "spectrogram", 2.0),
    (2.0, "vectorscope", 4.0),
    (3.0, "loudness", 4.0),
    (4.0, "spectrum-spectrogram", 2.0),
    (5.0, "scope-vectorscope", 4.0),
    (6.0, "loudness-meters", 4.0),
];

/// The panes' area of a picture of the 900 × 600 editor: below the top bar, above the status
/// line, left of the meters strip (whose coloured bars would pass any ink check on their own).
fn panes_area(picture: &Image) -> Rect {
    let (top, bottom, strip) = (40, 30, 120);
    Rect {
        x: 0,
        y: top,
        width: picture.width() - strip,
        height: picture.height() - top - bottom,
    }
}

/// Coloured pixels a pane must hold: a curve across the plot, a figure, an image. The
/// placeholder pane (grey text) has none.
const MIN_PANE_INK: usize = 2000;

host_test!(
    timeout_s = 1200,
    child_env = STEADY_MALLOC;
    /// Every added layout draws the signal, and its editor opens and closes 100 times while
    /// audio runs with the process's threads and descriptors unchanged after each closing and
    /// memory growth within the editor test's bound.
    fn every_added_layout_draws_and_opens_and_closes_100_times() {
        let display = Display::connect();
        let entry = load_entry();
        let mut plugin = new_ringscope(&entry);
        let params = plugin.params();
        let layout = param_named(&params, "Layout");
        assert_eq!(layout.max, LAYOUTS.len() as f64, "a layout without a test here");
        let (test_signal, history) = (
            param_named(&params, "Test signal").id,
            param_named(&params, "Spectrogram history").id,
        );
        let pictures = artifacts::repo_root().join("docs/views");
        std::fs::create_dir_all(&pictures).expect("creating docs/views");
        // A short history fills the spectrogram within the seconds the test waits (CLAP
        // carries a continuous parameter's value normalized: the plugin's own text says which).
        let four_seconds = plugin
            .text_to_value(history, "4 s")
            .expect("the history reads \"4 s\"");
        for (value, name, signal) in LAYOUTS {
            plugin.set_params_inactive(&[
                (layout.id, value),
                (test_signal, signal),
                (history, four_seconds),
            ]);
            let window = display.create_window(0, 0, 900, 600);
            let audio = AudioThread::clap(plugin.activate(48_000.0, 1, 512));

            plugin.open(&display, window);
            wait_for_drawing(&mut plugin, &display, window, true, &format!("layout-{name}"));
            // Seconds of signal: the spectrogram scrolls in, the loudness history grows.
            pump_until(&mut plugin, Duration::from_secs(4), || false);
            let picture = display.capture(window);
            let shot = pictures.join(format!("{name}.png"));
            picture.save_png(&shot);
            let ink = CurveStats::measure(&picture, panes_area(&picture), is_chromatic);
            assert!(
                ink.pixels >= MIN_PANE_INK,
                "layout {name}: the panes hold {} coloured pixels ({ink:?}; saved {})",
                ink.pixels,
                shot.display()
            );
            plugin.close(&display, window);

            let figures = open_and_close_repeatedly(&mut plugin, &display, window, &audio, 100);
            plugin.deactivate(audio.finish());
            display.destroy_window(window);
            println!("{}", figures.summary(&format!("CLAP, layout {name}")));
            figures.check();
        }
    }
);
