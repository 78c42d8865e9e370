//! The harness behind Ringscope's host-level tests.
//!
//! The tests in `tests/` load the *built* plugin bundles and the standalone binary from disk, the
//! way a DAW or a user does, so they see what users get: the exported entry points, the bundle
//! layout, the real-time behaviour of a debug build with nice-plug's `assert_process_allocs`.
//! This library holds what they share:
//!
//! - [`artifacts`]: where the bundles and the standalone binary are, with a clear error when
//!   they were not built;
//! - [`isolate`] and [`crash`]: each test runs in a child process, and a plugin that aborts or
//!   crashes (an allocation on the audio thread, a segfault) turns into a test failure that names
//!   the call responsible;
//! - [`clap`] and [`vst3`]: minimal hosts for the two plugin formats (VST3 with a host
//!   `IPlugFrame`/`IRunLoop`), [`editor`]: driving either format's editor in an X11 window,
//!   and the baselines of threads, file descriptors and memory it must return to, and
//!   [`audio_thread`]: the audio thread that processes meanwhile;
//! - [`param_text`]: a parameter's text read as a number at its precision;
//! - [`signals`]: deterministic test signals and bit-exact comparison;
//! - [`x11`], [`screenshot`] and [`memory`]: a virtual display's windows, pictures of them, and the
//!   process's resident memory.

pub mod artifacts;
pub mod audio_thread;
pub mod clap;
pub mod crash;
pub mod editor;
pub mod isolate;
pub mod memory;
pub mod param_text;
pub mod passthrough;
pub mod screenshot;
pub mod signals;
pub mod vst3;
pub mod x11;
