//! `ringscope`: the standalone app. Runs the plugin on JACK, ALSA or no audio device at all
//! (`--backend dummy`; also the fallback when no backend can start). `--help` lists the options;
//! `--set ID=VALUE` (the app's own, repeatable) starts a parameter at a value.
//!
//! With no input connected (no `--input-device` / `--connect-jack-inputs`, or the dummy backend)
//! the test signal starts switched on, so the window shows a moving picture at once.

use nice_plug::prelude::*;
use ringscope_plugin::cli::{self, input_connected};
use ringscope_plugin::params::RingscopeParams;
use ringscope_plugin::{Ringscope, set_test_signal_on_by_default};

fn main() {
    let (args, settings) = match cli::take_param_settings(std::env::args().collect()) {
        Ok(split) => split,
        Err(e) => exit_with(&e),
    };
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!(
            "{} ID=VALUE: start parameter ID at VALUE (its text or, for a choice, its ID), \
             e.g. --set view=spectrum --set frame-rate=60; repeatable\n",
            cli::SET_OPTION
        );
    }
    set_test_signal_on_by_default(!input_connected(&args));
    // Checked here, on parameters of their own, so a mistake stops the app before it starts.
    if let Err(e) = cli::apply_param_settings(&RingscopeParams::default(), &settings) {
        exit_with(&e);
    }
    cli::set_startup_params(settings);
    if !nice_export_standalone_with_args::<Ringscope, _>(args) {
        std::process::exit(1);
    }
}

fn exit_with(error: &str) -> ! {
    eprintln!("error: {error}");
    std::process::exit(2);
}
