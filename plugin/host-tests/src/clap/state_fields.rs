//! Reading and editing the persisted fields of a saved CLAP state, as a hand-edited or an older
//! session would hold them. A CLAP state is nice-plug's JSON behind its length (8 bytes, little
//! endian); a persisted field's value is its own JSON, stored as a string.

use super::Plugin;

/// Where the stored string of `field` lies in `json` (between its quotes, still escaped).
fn field_span(json: &str, field: &str) -> Option<(usize, usize)> {
    let key = format!("\"{field}\":\"");
    let start = json.find(&key)? + key.len();
    // The stored string ends at the first quote not escaped.
    let bytes = json.as_bytes();
    let mut end = start;
    while *bytes.get(end)? != b'"' {
        end += if bytes[end] == b'\\' { 2 } else { 1 };
    }
    Some((start, end))
}

/// The JSON of a saved state (after its length).
fn state_json(saved: &[u8]) -> String {
    String::from_utf8(saved.get(8..).unwrap_or_default().to_vec()).expect("a JSON state")
}

/// The saved state `saved` with its persisted field `field` set to `value` (a JSON value).
pub fn with_field(saved: &[u8], field: &str, value: &str) -> Vec<u8> {
    let json = state_json(saved);
    let (start, end) =
        field_span(&json, field).unwrap_or_else(|| panic!("no field {field} in the state: {json}"));
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    let edited = format!("{}{escaped}{}", &json[..start], &json[end..]);
    (edited.len() as u64)
        .to_le_bytes()
        .into_iter()
        .chain(edited.into_bytes())
        .collect()
}

impl Plugin {
    /// The plugin's state with its persisted field `field` set to `value` (a JSON value).
    pub fn state_with_field(&mut self, field: &str, value: &str) -> Vec<u8> {
        with_field(&self.save_state(), field, value)
    }

    /// The value (JSON) of the persisted field `field` in the state the plugin saves now.
    pub fn saved_field(&mut self, field: &str) -> String {
        let json = state_json(&self.save_state());
        let (start, end) = field_span(&json, field)
            .unwrap_or_else(|| panic!("no field {field} in the state: {json}"));
        json[start..end].replace("\\\"", "\"").replace("\\\\", "\\")
    }
}
