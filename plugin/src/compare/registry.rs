//! The process-wide list of live Ringscope instances that others can overlay.
//!
//! One `static` per loaded library (see the [module docs](super) for why CLAP and VST3 copies
//! do not see each other). Instances register when they are created and leave when they are
//! dropped, on whatever thread the host uses, in any order; the list's mutex is only taken on
//! those (main or GUI) threads. The audio thread never sees the list: it holds its own
//! [`Entry`] through its [`Registration`] and reads one atomic of it, the subscriber count.
//!
//! # Unload safety
//!
//! Nothing here outlives the last instance: no thread, no thread-local, no destructor
//! registered anywhere. When the last entry leaves, the list's storage is freed too
//! (`Vec::new()` holds no allocation), so a library unloaded after its last instance leaves no
//! memory behind and nothing pointing into its code. A subscriber that still holds an entry
//! after its instance dropped holds only memory (the entry and its ring), never code.

use std::sync::atomic::{AtomicU8, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use ringscope::snapshot::SnapshotReader;

/// The layout of [`Entry`] this build reads and writes. Entries of another layout are never
/// listed: a registry reached by more than one build (a future cross-library rendezvous, see
/// the [module docs](super)) then ignores what it cannot read instead of misreading it. Bump it
/// with every change to [`Entry`]'s fields or their meaning.
pub const REGISTRY_VERSION: u32 = 2;

/// The longest instance name kept (in characters); longer names are cut.
pub const MAX_NAME_CHARS: usize = 40;

/// The stereo frames an instance publishes for its subscribers.
pub type Frames = SnapshotReader<[f32; 2]>;

/// What an entry's audio carried in the last block published (see [`Entry::input`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// No channel at all: a sidechain bus the host did not connect (or a layout without one),
    /// or nothing published yet.
    NotConnected,
    /// Channels of exact zeros: a bus connected (or zero-filled by the wrapper, which is what
    /// nice-plug does for a port the host leaves unconnected) with nothing routed to it.
    Silent,
    /// A signal.
    Live,
}

/// One live instance (or an instance's sidechain, see [`Registration::unlisted`]), as others
/// see it.
///
/// `#[repr(C)]` with the version first: a reader of another build finds the version at the
/// same place whatever else changed.
#[repr(C)]
pub struct Entry {
    version: u32,
    id: u64,
    /// The N of the default name "Ringscope N": the lowest free among live entries.
    number: u32,
    /// The instance's name: the very field the session saves (shared with the parameters), so
    /// a rename or a loaded session is what every list shows next.
    name: Arc<RwLock<String>>,
    /// `f32` bits; 0 until the instance is activated.
    sample_rate: AtomicU32,
    /// Editors currently overlaying this instance: the audio thread publishes while > 0.
    subscribers: AtomicUsize,
    /// Bumped with every new ring (activation), so a subscriber knows to start afresh.
    generation: AtomicU64,
    /// The ring the audio thread writes into (GUI and main threads only).
    frames: Mutex<Option<Frames>>,
    /// The last published block's [`Input`] (its `u8`), written only while publishing.
    input: AtomicU8,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("id", &self.id)
            .field("name", &self.name())
            .field("subscribers", &self.subscribers())
            .finish_non_exhaustive()
    }
}

/// Locks `mutex`; what these mutexes guard is only ever replaced whole, so a poisoned lock
/// (a panic elsewhere while holding it) is still consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Entry {
    fn new(version: u32, id: u64, number: u32, name: Arc<RwLock<String>>) -> Self {
        Self {
            version,
            id,
            number,
            name,
            sample_rate: AtomicU32::new(0),
            subscribers: AtomicUsize::new(0),
            generation: AtomicU64::new(0),
            frames: Mutex::new(None),
            input: AtomicU8::new(0),
        }
    }

    /// The entry's id: unique among all entries ever registered in this library.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The instance's name now (its default name if the saved one is empty).
    pub fn name(&self) -> String {
        let name = self.name.read().unwrap_or_else(|e| e.into_inner());
        if name.trim().is_empty() {
            default_name(self.number)
        } else {
            name.clone()
        }
    }

    /// Renames the instance (cut to [`MAX_NAME_CHARS`]); every list shows it at its next look.
    pub fn rename(&self, name: &str) {
        let mut saved = self.name.write().unwrap_or_else(|e| e.into_inner());
        *saved = name.chars().take(MAX_NAME_CHARS).collect();
    }

    /// The instance's sample rate, Hz, once it has been activated.
    pub fn sample_rate(&self) -> Option<f32> {
        let rate = f32::from_bits(self.sample_rate.load(Ordering::Relaxed));
        (rate > 0.0).then_some(rate)
    }

    /// How many editors overlay this instance now.
    ///
    /// Relaxed is enough: the count only says *whether* to publish. The frames themselves reach
    /// readers through the ring's own release/acquire pairs, so a publisher that sees a new
    /// subscriber a block late (or an old one a block too long) only writes one block more or
    /// less, never hands over data unsynchronised.
    #[inline]
    pub fn subscribers(&self) -> usize {
        self.subscribers.load(Ordering::Relaxed)
    }

    /// Starts overlaying this instance: it publishes until the returned guard drops.
    pub fn subscribe(self: &Arc<Self>) -> Subscription {
        // Relaxed: see `subscribers`.
        self.subscribers.fetch_add(1, Ordering::Relaxed);
        Subscription {
            entry: self.clone(),
        }
    }

    /// What the last block published carried (only blocks published while someone subscribed
    /// count: before the first, [`Input::NotConnected`]).
    pub fn input(&self) -> Input {
        match self.input.load(Ordering::Relaxed) {
            2 => Input::Live,
            1 => Input::Silent,
            _ => Input::NotConnected,
        }
    }

    /// Records what the block being published carries (audio thread: one relaxed store).
    #[inline]
    pub(crate) fn set_input(&self, input: Input) {
        let value = match input {
            Input::NotConnected => 0,
            Input::Silent => 1,
            Input::Live => 2,
        };
        self.input.store(value, Ordering::Relaxed);
    }

    /// The ring with the instance's frames and its generation, once it has been activated.
    pub fn frames(&self) -> Option<(Frames, u64)> {
        let frames = lock(&self.frames).clone()?;
        Some((frames, self.generation.load(Ordering::Relaxed)))
    }
}

/// A subscriber's hold on an [`Entry`]: the instance publishes while any exists.
#[derive(Debug)]
pub struct Subscription {
    entry: Arc<Entry>,
}

impl Subscription {
    /// The entry subscribed to.
    pub fn entry(&self) -> &Arc<Entry> {
        &self.entry
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.entry.subscribers.fetch_sub(1, Ordering::Relaxed);
    }
}

/// "Ringscope N".
pub fn default_name(number: u32) -> String {
    format!("Ringscope {number}")
}

struct Registry {
    next_id: u64,
    entries: Vec<Arc<Entry>>,
}

/// The list. A `const` initialiser: no lazy initialisation, nothing run at load or unload.
static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    next_id: 1,
    entries: Vec::new(),
});

fn registry() -> MutexGuard<'static, Registry> {
    lock(&REGISTRY)
}

/// An instance's place in the list: it leaves the list when this drops.
#[derive(Debug)]
pub struct Registration {
    entry: Arc<Entry>,
}

impl Registration {
    /// Lists a new instance named by `name` (the persisted field): an empty name becomes
    /// "Ringscope N" with the lowest N no live instance has. Main thread (plugin creation).
    pub fn new(name: Arc<RwLock<String>>) -> Self {
        Self::with_version(name, REGISTRY_VERSION)
    }

    /// An entry that is never listed (so no other instance sees it): an instance's sidechain
    /// input, overlaid only by the instance's own editor, which reaches it through the
    /// parameters ([`crate::params::CompareParams::sidechain`]). Its id is unique among all
    /// entries like a listed one's. Main thread (plugin creation).
    pub fn unlisted(name: Arc<RwLock<String>>) -> Self {
        let mut registry = registry();
        let entry = Arc::new(Entry::new(REGISTRY_VERSION, registry.next_id, 0, name));
        registry.next_id += 1;
        Self { entry }
    }

    fn with_version(name: Arc<RwLock<String>>, version: u32) -> Self {
        let mut registry = registry();
        let number = (1..)
            .find(|n| registry.entries.iter().all(|e| e.number != *n))
            .expect("fewer than u32::MAX instances");
        {
            let mut saved = name.write().unwrap_or_else(|e| e.into_inner());
            if saved.trim().is_empty() {
                *saved = default_name(number);
            }
        }
        let entry = Arc::new(Entry::new(version, registry.next_id, number, name));
        registry.next_id += 1;
        registry.entries.push(entry.clone());
        Self { entry }
    }

    /// This instance's entry.
    pub fn entry(&self) -> &Arc<Entry> {
        &self.entry
    }

    /// Hands subscribers a new ring at `sample_rate` (main thread, at activation).
    pub fn set_frames(&self, frames: Frames, sample_rate: f32) {
        let mut slot = lock(&self.entry.frames);
        *slot = Some(frames);
        self.entry
            .sample_rate
            .store(sample_rate.to_bits(), Ordering::Relaxed);
        self.entry.generation.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut registry = registry();
        registry.entries.retain(|e| !Arc::ptr_eq(e, &self.entry));
        if registry.entries.is_empty() {
            // Free the storage: nothing of this library stays allocated after its last
            // instance.
            registry.entries = Vec::new();
        }
    }
}

/// Every live instance of this registry's layout, oldest first. GUI or main thread.
pub fn instances() -> Vec<Arc<Entry>> {
    registry()
        .entries
        .iter()
        .filter(|e| e.version == REGISTRY_VERSION)
        .cloned()
        .collect()
}

/// Whether the list holds no storage at all (after the last instance left).
pub fn is_released() -> bool {
    registry().entries.capacity() == 0
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The registry is process-wide: tests that count entries take turns.
    pub(crate) static SERIAL: Mutex<()> = Mutex::new(());

    fn name(s: &str) -> Arc<RwLock<String>> {
        Arc::new(RwLock::new(s.to_owned()))
    }

    #[test]
    fn names_default_to_the_lowest_free_number_and_entries_leave_when_dropped() {
        let _turn = lock(&SERIAL);
        let a = Registration::new(name(""));
        let b = Registration::new(name(""));
        assert_eq!(a.entry().name(), "Ringscope 1");
        assert_eq!(b.entry().name(), "Ringscope 2");
        drop(a);
        let c = Registration::new(name("Kick"));
        let d = Registration::new(name(""));
        assert_eq!(c.entry().name(), "Kick");
        assert_eq!(d.entry().name(), "Ringscope 3");
        let e = Registration::new(name(""));
        assert_eq!(e.entry().name(), "Ringscope 4");
        let ids: Vec<u64> = instances().iter().map(|e| e.id()).collect();
        assert_eq!(
            ids,
            [
                b.entry().id(),
                c.entry().id(),
                d.entry().id(),
                e.entry().id()
            ]
        );
        drop((b, c, d, e));
        assert!(instances().is_empty());
        assert!(is_released());
    }

    #[test]
    fn an_entry_of_another_layout_is_never_listed() {
        let _turn = lock(&SERIAL);
        let other = Registration::with_version(name("Old build"), REGISTRY_VERSION + 1);
        let ours = Registration::new(name("New build"));
        let listed: Vec<String> = instances().iter().map(|e| e.name()).collect();
        assert_eq!(listed, ["New build"]);
        drop((other, ours));
        assert!(is_released());
    }

    #[test]
    fn subscriptions_count_and_renames_show() {
        let _turn = lock(&SERIAL);
        let a = Registration::new(name(""));
        let entry = instances()[0].clone();
        let (s1, s2) = (entry.subscribe(), entry.subscribe());
        assert_eq!(a.entry().subscribers(), 2);
        drop(s1);
        assert_eq!(a.entry().subscribers(), 1);
        a.entry().rename(&"x".repeat(100));
        assert_eq!(entry.name().chars().count(), MAX_NAME_CHARS);
        a.entry().rename("  ");
        assert_eq!(
            entry.name(),
            "Ringscope 1",
            "a blank name reads as the default"
        );
        drop(a);
        assert!(instances().is_empty());
        // The subscriber still holds the entry's memory, never a dangling pointer.
        assert_eq!(s2.entry().subscribers(), 1);
        drop(s2);
        assert_eq!(Arc::strong_count(&entry), 1);
    }
}
