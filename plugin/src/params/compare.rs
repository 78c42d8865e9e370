//! The comparing settings saved with the session: the instance's name and the instances its
//! spectrum overlays (by name, re-matched as instances appear; see
//! [`compare`](crate::compare)), the sidechain and collision toggles, the pink-noise line, and
//! the reference traces ([`reference`](crate::compare::reference)).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use nice_plug::prelude::*;

use ringscope::analysis::SpectrumCurve;

use crate::compare::registry::MAX_NAME_CHARS;
use crate::compare::{Entry, MAX_OVERLAYS, References};

/// The comparing fields (persisted, not automatable: they are not parameters).
#[derive(Params, Default)]
pub struct CompareParams {
    /// This instance's name as others list it; empty means "Ringscope N" (set at creation).
    #[persist = "instance-name"]
    pub instance_name: Arc<RwLock<String>>,
    /// The names of the instances the spectrum overlays, at most [`MAX_OVERLAYS`].
    #[persist = "compare-overlays"]
    pub overlays: Arc<RwLock<Vec<String>>>,
    /// Whether the spectrum shows the built-in pink-noise reference line (−3 dB/oct).
    #[persist = "pink-reference"]
    pub pink_reference: Arc<AtomicBool>,
    /// The reference traces (at most [`MAX_REFERENCES`](crate::compare::MAX_REFERENCES)), and
    /// how many the last loaded state held that could not be read.
    #[persist = "compare-references"]
    pub references: Arc<RwLock<References>>,
    /// A capture the Compare group asked for, done by the spectrum view on its next frame
    /// (it holds the analysis). Not saved.
    capture: Mutex<Option<SpectrumCurve>>,
    /// Whether the spectrum overlays this instance's sidechain input.
    #[persist = "sidechain-overlay"]
    pub sidechain_overlay: Arc<AtomicBool>,
    /// Whether the spectrum marks the collisions: the columns where this instance's curve and
    /// an overlaid one are both loud and within a few dB of each other (the rule: the spectrum
    /// view's `overlays::collisions`). Off by default.
    #[persist = "collision-display"]
    pub collision_display: Arc<AtomicBool>,
    /// This instance's sidechain publisher's entry (set at creation; never listed). Not saved.
    sidechain: OnceLock<Arc<Entry>>,
    /// This instance's registry id (0 until the plugin registered): what the editor leaves out
    /// of its own list. Not saved.
    own_id: AtomicU64,
    /// The host's track name last adopted as the name (see [`Self::adopt_track_name`]).
    adopted: Mutex<String>,
}

impl CompareParams {
    /// This instance's registry id (0 before registration).
    pub fn own_id(&self) -> u64 {
        self.own_id.load(Ordering::Relaxed)
    }

    /// Records this instance's registry id (the plugin, at creation).
    pub fn set_own_id(&self, id: u64) {
        self.own_id.store(id, Ordering::Relaxed);
    }

    /// This instance's sidechain entry, once the plugin made it.
    pub fn sidechain(&self) -> Option<&Arc<Entry>> {
        self.sidechain.get()
    }

    /// Records this instance's sidechain entry (the plugin, at creation; later calls are
    /// ignored).
    pub fn set_sidechain(&self, entry: Arc<Entry>) {
        let _ = self.sidechain.set(entry);
    }

    /// The chosen overlays as saved, made valid: at most [`MAX_OVERLAYS`], no blank or repeated
    /// name, each cut to the longest name kept (a hand-edited session loads what makes sense).
    pub fn chosen(&self) -> Vec<String> {
        let saved = self.overlays.read().unwrap_or_else(|e| e.into_inner());
        let mut chosen: Vec<String> = Vec::with_capacity(MAX_OVERLAYS);
        for name in saved.iter() {
            let name: String = name.chars().take(MAX_NAME_CHARS).collect();
            if !name.trim().is_empty() && !chosen.contains(&name) && chosen.len() < MAX_OVERLAYS {
                chosen.push(name);
            }
        }
        chosen
    }

    /// Saves `chosen` as the overlays (GUI thread).
    pub fn set_chosen(&self, chosen: Vec<String>) {
        *self.overlays.write().unwrap_or_else(|e| e.into_inner()) = chosen;
    }

    /// Names the instance after the host's track (nice-plug's `Editor::track_info_updated`,
    /// which carries CLAP's track-info and VST3's channel context) unless the user named it:
    /// only a blank name, a default "Ringscope N" or the track name adopted before is replaced.
    /// Returns whether the name changed. Main or GUI thread.
    pub fn adopt_track_name(&self, track: &str) -> bool {
        let track: String = track.trim().chars().take(MAX_NAME_CHARS).collect();
        if track.is_empty() {
            return false;
        }
        let mut adopted = self.adopted.lock().unwrap_or_else(|e| e.into_inner());
        let mut name = self
            .instance_name
            .write()
            .unwrap_or_else(|e| e.into_inner());
        let is_default = name
            .strip_prefix("Ringscope ")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        let ours = name.trim().is_empty() || is_default || *name == *adopted;
        if !ours || *name == track {
            return false;
        }
        name.clone_from(&track);
        *adopted = track;
        true
    }

    /// Asks the spectrum view to capture the first trace's `curve` as a reference (GUI thread).
    pub fn request_capture(&self, curve: SpectrumCurve) {
        *self.capture.lock().unwrap_or_else(|e| e.into_inner()) = Some(curve);
    }

    /// The capture asked for, if any, now taken (the spectrum view).
    pub fn take_capture(&self) -> Option<SpectrumCurve> {
        self.capture
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// The references, to read or change (GUI thread; a poisoned lock is still usable).
    pub fn references(&self) -> std::sync::RwLockWriteGuard<'_, References> {
        self.references.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The name as saved (empty before the plugin registered).
    pub fn name(&self) -> String {
        self.instance_name
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hosts_track_name_replaces_only_a_name_the_user_did_not_give() {
        let compare = CompareParams::default();
        *compare.instance_name.write().unwrap() = "Ringscope 3".to_owned();
        assert!(compare.adopt_track_name("Bass DI"));
        assert_eq!(compare.name(), "Bass DI");
        // The track renamed in the host: followed.
        assert!(compare.adopt_track_name("Bass"));
        assert_eq!(compare.name(), "Bass");
        assert!(
            !compare.adopt_track_name("  "),
            "a blank track name is no name"
        );
        // Renamed by the user: kept whatever the host says.
        *compare.instance_name.write().unwrap() = "Ringscope sub".to_owned();
        assert!(!compare.adopt_track_name("Bass 2"));
        assert_eq!(compare.name(), "Ringscope sub");
    }
}
