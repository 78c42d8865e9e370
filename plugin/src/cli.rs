//! Command-line helpers of the standalone app (kept in the library so they are unit-tested
//! without the `standalone` feature).

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
    use super::input_connected;

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
}
