//! Reading a parameter's text as a number at a precision: the check, shared by the plugin's own
//! text sweep (`plugin/tests/param_text.rs` includes this file) and the host-level one
//! (`tests/param_text.rs`), that a text shows its value at the precision it is written with and
//! reads back as the value it shows. Plain `std` only, so the plugin's tests can include it.

/// The scale of a text's unit relative to the base unit of its quantity (s, Hz, a fraction);
/// any other unit (dB, dBFS, dB/oct, none) is the parameter's plain unit itself.
pub fn unit_scale(unit: &str) -> f64 {
    match unit {
        "ms" => 1e-3,
        "kHz" => 1e3,
        "%" => 1e-2,
        _ => 1.0,
    }
}

/// The scale of a parameter's plain value relative to the base unit of its quantity, by the
/// parameter's name: the times kept in milliseconds. A parameter whose text is in another unit
/// than its plain value and is not listed here fails the precision check, loudly.
pub fn plain_scale(name: &str) -> f64 {
    match name {
        "Scope time" | "Trigger holdoff" | "Averaging" | "Vectorscope persistence" => 1e-3,
        _ => 1.0,
    }
}

/// A text's number, its decimals (`None`: exact) and its unit: "850 ms" is (850, 0, "ms"),
/// "75.0%" (75, 1, "%"), "Off" (0, exact, ""); `None` for a text that is not a number.
pub fn read_text(text: &str) -> Option<(f64, Option<i32>, &str)> {
    let text = text.trim();
    if text == "Off" {
        return Some((0.0, None, ""));
    }
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(end);
    let value = number.parse().ok()?;
    let decimals = number.split_once('.').map_or(0, |(_, d)| d.len() as i32);
    Some((value, Some(decimals), unit.trim()))
}

/// Whether a text's number is a zero with a minus sign ("-0.0 dB/oct").
pub fn is_negative_zero(text: &str) -> bool {
    text.starts_with('-') && read_text(text).is_some_and(|(value, _, _)| value == 0.0)
}

/// The problems of a parameter `name` whose value `plain` is written `text` (with its unit),
/// which reads back as `plain_read` (both plain values in the parameter's own unit): `text`
/// must show `plain` to within half a unit of its last digit, and `plain_read` must be the
/// number `text` shows (to 1 % of that digit: parsing, normalizing and skewing in `f32`).
pub fn precision_problems(name: &str, text: &str, plain: f64, plain_read: f64) -> Vec<String> {
    let Some((shown, decimals, unit)) = read_text(text) else {
        return vec![format!("{name}: {text:?} is not a number")];
    };
    let scale = unit_scale(unit);
    let shown = shown * scale;
    let (value, value_read) = (plain * plain_scale(name), plain_read * plain_scale(name));
    let half_digit = decimals.map_or(0.0, |d| 0.5 * 10f64.powi(-d) * scale);
    // f32 arithmetic (normalizing, skewing, unit scaling) is good to a few parts in 10^7.
    let noise = 1e-6 * shown.abs() + 1e-12;
    let mut problems = Vec::new();
    if (value - shown).abs() > half_digit + noise {
        problems.push(format!(
            "{name}: {text:?} does not show the value {plain} at its precision"
        ));
    }
    if (value_read - shown).abs() > 0.01 * half_digit + noise {
        problems.push(format!(
            "{name}: {text:?} reads as {plain_read}, not the value it shows"
        ));
    }
    problems
}
