//! Command-line helpers of the standalone app (kept in the library so they are unit-tested
//! without the `standalone` feature).
//!
//! Besides nice-plug's options the app takes `--set ID=VALUE` (repeatable): a parameter's
//! starting value, by its stable ID (as sessions store it) and its value as the parameter
//! writes it or, for a choice, its ID: `--set view=spectrum --set frame-rate=60
//! --set freeze=On`. A wrong ID or value is an error before anything starts.

use std::sync::Mutex;

use nice_plug::prelude::*;

use crate::params::RingscopeParams;

/// The app's own option: a parameter's starting value.
pub const SET_OPTION: &str = "--set";

/// One `--set ID=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamSetting {
    /// The parameter's stable ID.
    pub id: String,
    /// Its value as text.
    pub value: String,
}

/// Splits the app's own `--set ID=VALUE` (or `--set=ID=VALUE`) options off `args`: returns the
/// rest, for nice-plug's parser, and the settings in order.
pub fn take_param_settings(args: Vec<String>) -> Result<(Vec<String>, Vec<ParamSetting>), String> {
    let mut rest = Vec::with_capacity(args.len());
    let mut settings = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let setting = if arg == SET_OPTION {
            args.next()
                .ok_or_else(|| format!("{SET_OPTION} needs ID=VALUE"))?
        } else if let Some(setting) = arg
            .strip_prefix(SET_OPTION)
            .and_then(|s| s.strip_prefix('='))
        {
            setting.to_owned()
        } else {
            rest.push(arg);
            continue;
        };
        let (id, value) = setting
            .split_once('=')
            .ok_or_else(|| format!("{SET_OPTION} {setting:?}: expected ID=VALUE"))?;
        settings.push(ParamSetting {
            id: id.trim().to_owned(),
            value: value.to_owned(),
        });
    }
    Ok((rest, settings))
}

/// Sets each of `settings` on `params`; stops at the first unknown ID or value it cannot read.
pub fn apply_param_settings(
    params: &RingscopeParams,
    settings: &[ParamSetting],
) -> Result<(), String> {
    let map = params.param_map();
    for setting in settings {
        let Some((_, ptr, _)) = map.iter().find(|(id, _, _)| *id == setting.id) else {
            let ids: Vec<&str> = map.iter().map(|(id, _, _)| id.as_str()).collect();
            return Err(format!(
                "{SET_OPTION}: no parameter {:?}; the IDs are: {}",
                setting.id,
                ids.join(", ")
            ));
        };
        // SAFETY: `ptr` comes from `params.param_map()`: it points into `params`, borrowed for
        // the whole call. Only the app's start-up sets these, before any other thread runs.
        let set = unsafe {
            let by_id = match ptr {
                ParamPtr::EnumParam(p) => (**p).set_from_id(setting.value.trim()),
                _ => false,
            };
            by_id
                || ptr
                    .string_to_normalized_value(&setting.value)
                    .map(|normalized| ptr._internal_set_normalized_value(normalized))
                    .is_some()
        };
        if !set {
            return Err(format!(
                "{SET_OPTION} {}={}: not a value of this parameter",
                setting.id, setting.value
            ));
        }
    }
    Ok(())
}

/// The settings [`set_startup_params`] stored for the plugin object the app creates.
static STARTUP_PARAMS: Mutex<Vec<ParamSetting>> = Mutex::new(Vec::new());

/// Stores `settings` for [`apply_startup_params`] (the standalone app, before it starts the
/// plugin; check them first with [`apply_param_settings`]).
pub fn set_startup_params(settings: Vec<ParamSetting>) {
    *STARTUP_PARAMS.lock().unwrap_or_else(|e| e.into_inner()) = settings;
}

/// Applies the stored start-up settings to `params` (none in a DAW: nothing happens).
pub fn apply_startup_params(params: &RingscopeParams) {
    let settings = STARTUP_PARAMS.lock().unwrap_or_else(|e| e.into_inner());
    if !settings.is_empty() {
        // Checked by the app before it stored them; a failure here cannot happen.
        if let Err(e) = apply_param_settings(params, &settings) {
            nice_log!("{e}");
        }
    }
}

/// Whether the command line connects an input (an option given with a value, as
/// `--opt value` or `--opt=value`), and does not pick the dummy backend.
pub fn input_connected(args: &[String]) -> bool {
    let has_value = |name: &str| {
        args.iter().enumerate().any(|(i, a)| {
            a.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('='))
                .is_some_and(|v| !v.is_empty())
                || (a == name && args.get(i + 1).is_some_and(|v| !v.is_empty()))
        })
    };
    let dummy = args.iter().enumerate().any(|(i, a)| {
        a == "--backend=dummy"
            || a == "-b=dummy"
            || ((a == "--backend" || a == "-b") && args.get(i + 1).is_some_and(|v| v == "dummy"))
    });
    !dummy && (has_value("--input-device") || has_value("--connect-jack-inputs"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{FrameRate, View};

    fn args(s: &str) -> Vec<String> {
        std::iter::once("ringscope")
            .chain(s.split_whitespace())
            .map(String::from)
            .collect()
    }

    #[test]
    fn only_a_named_input_counts_as_connected() {
        assert!(!input_connected(&args("")));
        assert!(!input_connected(&args("--backend dummy")));
        assert!(!input_connected(&args("--backend alsa")));
        assert!(input_connected(&args("--backend alsa --input-device hw:0")));
        assert!(input_connected(&args("--input-device=hw:0")));
        assert!(input_connected(&args(
            "--connect-jack-inputs system:capture_1"
        )));
        assert!(!input_connected(&args("-b dummy --input-device hw:0")));
        assert!(!input_connected(&args("--input-device")));
    }

    #[test]
    fn set_options_are_taken_off_the_command_line_and_applied() {
        let (rest, settings) = take_param_settings(args(
            "--backend dummy --set view=spectrum --set=frame-rate=60 --set freeze=On",
        ))
        .unwrap();
        assert_eq!(rest, args("--backend dummy"));
        assert_eq!(settings.len(), 3);
        let params = RingscopeParams::default();
        apply_param_settings(&params, &settings).unwrap();
        assert_eq!(params.view.value(), View::Spectrum);
        assert_eq!(params.frame_rate.value(), FrameRate::Fps60);
        assert!(params.freeze.value());
        // A parameter's own text works too.
        let (_, by_text) =
            take_param_settings(args("--set view=Scope --set test-level=-12")).unwrap();
        apply_param_settings(&params, &by_text).unwrap();
        assert_eq!(params.view.value(), View::Scope);
        assert_eq!(params.test_level_db.value(), -12.0);
    }

    #[test]
    fn a_wrong_set_option_is_an_error() {
        let params = RingscopeParams::default();
        assert!(take_param_settings(args("--set")).is_err());
        assert!(take_param_settings(args("--set view")).is_err());
        for bad in [
            "--set no-such=1",
            "--set view=sideways",
            "--set frame-rate=45",
        ] {
            let (_, settings) = take_param_settings(args(bad)).unwrap();
            let error = apply_param_settings(&params, &settings).unwrap_err();
            assert!(error.contains("--set"), "{bad}: {error}");
        }
        assert_eq!(params.view.value(), View::Split, "left alone");
    }
}
