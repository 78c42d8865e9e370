//! The comparing settings saved with the session: the instance's name and the instances its
//! spectrum overlays (by name, re-matched as instances appear; see
//! [`compare`](crate::compare)).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use nice_plug::prelude::*;

use crate::compare::MAX_OVERLAYS;
use crate::compare::registry::MAX_NAME_CHARS;

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
    /// This instance's registry id (0 until the plugin registered): what the editor leaves out
    /// of its own list. Not saved.
    own_id: AtomicU64,
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

    /// The name as saved (empty before the plugin registered).
    pub fn name(&self) -> String {
        self.instance_name
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}
