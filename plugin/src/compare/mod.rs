//! Comparing instances: any Ringscope instance overlays the live spectrum of others in the same
//! process.
//!
//! - [`registry`]: the process-wide list of live instances (name, rate, subscriber count, ring).
//! - [`publisher`]: the plugin's side, writing its frames into its ring on the audio thread
//!   only while an editor subscribes (one relaxed load per block otherwise).
//! - [`overlay`]: the subscriber's side: an editor reads each overlaid instance's new frames on
//!   its GUI thread and analyses them with its own spectrum settings.
//! - [`reference`](mod@reference): reference traces, spectra captured by name and saved with the session.
//!
//! # Threads
//!
//! The registry's mutex is taken by plugin creation and destruction (main thread), activation
//! (main thread) and editors (GUI thread); never by the audio thread, which sees only its own
//! entry's subscriber count (an atomic) and the writing end of its own ring
//! ([`ringscope::snapshot`]: wait-free, never waits for a reader). A slow or stalled editor
//! therefore never stalls an audio thread: the ring overwrites, and the editor picks up from the
//! newest data next time.
//!
//! # CLAP and VST3 instances do not see each other
//!
//! The `.clap` and `.vst3` bundles are two copies of one `cdylib`: a host loading both has two
//! libraries, each with its own statics, so each format's instances form their own registry. A
//! cross-library rendezvous (an exported symbol one library looks up in the other, or a named
//! shared-memory segment) was not built, because it would make one library's memory reachable
//! from the other's code: the host may unload either library at any time after its last
//! instance, and an entry (with its name, its ring and the `Drop` code that frees them) owned by
//! the unloaded one would then be read or freed through code that no longer exists. Doing it
//! safely needs a layout that owns no code (plain `#[repr(C)]` data, freed by whoever drops the
//! last reference through a function of the *surviving* library) and a versioned handshake;
//! that is left for later. The entries already carry [`registry::REGISTRY_VERSION`] first, so
//! such a rendezvous (or two builds of Ringscope sharing one) ignores entries of another layout
//! instead of misreading them. Within one library all entries are of one layout, and two
//! different builds loaded in one process are two libraries: they never see each other today.
//!
//! # The sidechain
//!
//! An instance's sidechain (auxiliary) input is published the same way, by a second
//! [`Publisher`] whose entry is never listed ([`Registration::unlisted`]): only the instance's
//! own editor overlays it (the Compare group's "Sidechain" toggle), so the other instances'
//! lists stay one row per instance.
//!
//! Hosts that run each plugin in a process of its own (plugin bridging or sandboxing) show only
//! the instances of the same process: the editor's list says so when it is empty.

pub mod overlay;
pub mod publisher;
pub mod reference;
pub mod registry;

pub use self::overlay::{MAX_OVERLAYS, Overlay, Overlays, overlay_settings};
pub use self::publisher::{Publisher, ring_capacity};
pub use self::reference::{MAX_REFERENCES, Reference, References};
pub use self::registry::{Entry, Input, REGISTRY_VERSION, Registration, Subscription, instances};
