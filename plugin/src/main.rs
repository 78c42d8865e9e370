//! `ringscope`: the standalone app. Runs the plugin on JACK, ALSA or no audio device at all
//! (`--backend dummy`; also the fallback when no backend can start). `--help` lists the options.
//!
//! With no input connected (no `--input-device` / `--connect-jack-inputs`, or the dummy backend)
//! the test signal starts switched on, so the window shows a moving picture at once.

use nice_plug::prelude::*;
use ringscope_plugin::cli::input_connected;
use ringscope_plugin::{Ringscope, set_test_signal_on_by_default};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    set_test_signal_on_by_default(!input_connected(&args));
    if !nice_export_standalone_with_args::<Ringscope, _>(args) {
        std::process::exit(1);
    }
}
