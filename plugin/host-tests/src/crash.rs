//! Making a plugin crash say where it happened.
//!
//! The plugin under test is a debug build with nice-plug's `assert_process_allocs`: its global
//! allocator (`nice_assert_no_alloc::AllocDisabler`, living inside the plugin's shared object)
//! checks a thread-local "allocation forbidden" counter that nice-plug raises around `process()`.
//! On a violation it calls `log::error!("Memory allocation of N bytes failed from: <backtrace>")`
//! and then `std::alloc::handle_alloc_error`, whose default hook prints
//! `memory allocation of N bytes failed` and calls `abort()`.
//!
//! The `log::error!` goes nowhere: the `log` facade inside the plugin's `.so` is its own copy with
//! no logger installed (nice-plug installs a `tracing` subscriber, which does not bridge `log`
//! records), and a host cannot reach another shared object's `log` statics. So all a host sees is
//! one line and SIGABRT, with no hint of which call allocated.
//!
//! `abort()` raises SIGABRT on the thread that called it, which is the audio thread still inside
//! the plugin's `process()`. [`install_fatal_signal_reporter`] installs a handler for SIGABRT (and
//! the other crash signals) that captures a backtrace of that thread, symbolized with the debug
//! info of the test binary *and* of the plugin's `.so`, and writes it to stderr between
//! [`REPORT_BEGIN`] and [`REPORT_END`]. [`Diagnosis::from_output`] reads that back in the parent
//! test process (see [`crate::isolate`]) and names the first frame of the plugin's own code below
//! the allocator: the call that allocated.
//!
//! Capturing a backtrace allocates and takes locks, which is not async-signal-safe. That is
//! acceptable here: the process is about to die anyway, the allocator that refused is the
//! plugin's (the handler runs in the test binary, which uses the system allocator and holds none
//! of its locks at that point), and the handler restores the default action first, so a second
//! fault inside it still terminates the process.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Once;

/// First line of a fatal signal report on stderr.
pub const REPORT_BEGIN: &str = "==== ringscope-host-tests: fatal signal";
/// Last line of a fatal signal report on stderr.
pub const REPORT_END: &str = "==== end of fatal signal report ====";

const SIGNALS: [(libc::c_int, &str); 5] = [
    (libc::SIGABRT, "SIGABRT"),
    (libc::SIGSEGV, "SIGSEGV"),
    (libc::SIGBUS, "SIGBUS"),
    (libc::SIGILL, "SIGILL"),
    (libc::SIGFPE, "SIGFPE"),
];

/// The name of a signal number, for messages.
pub fn signal_name(signal: i32) -> String {
    SIGNALS
        .iter()
        .find(|(number, _)| *number == signal)
        .map(|(_, name)| (*name).to_owned())
        .or_else(|| (signal == libc::SIGKILL).then(|| "SIGKILL".to_owned()))
        .unwrap_or_else(|| format!("signal {signal}"))
}

/// Installs the crash reporter for this process (idempotent). Call it in the child process that
/// loads the plugin, before loading it.
///
/// Note that this replaces the Rust runtime's SIGSEGV handler, so a stack overflow shows as a
/// plain SIGSEGV instead of "thread ... has overflowed its stack".
pub fn install_fatal_signal_reporter() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        for (signal, _) in SIGNALS {
            // SAFETY: a zeroed `sigaction` is a valid value to fill in; the handler is an
            // `extern "C" fn(c_int)`, matching `sa_handler` since SA_SIGINFO is not set.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_fatal_signal as extern "C" fn(libc::c_int) as usize;
                // SA_RESETHAND: the default action is back in place while the handler runs, so
                // the re-raise below (or any fault inside the handler) ends the process.
                action.sa_flags = libc::SA_RESETHAND;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(signal, &action, std::ptr::null_mut());
            }
        }
    });
}

extern "C" fn on_fatal_signal(signal: libc::c_int) {
    let backtrace = std::backtrace::Backtrace::force_capture();
    let thread = std::thread::current();
    let report = format!(
        "\n{REPORT_BEGIN} {} on thread '{}' ====\n{backtrace}\n{REPORT_END}\n",
        signal_name(signal),
        thread.name().unwrap_or("<unnamed>"),
    );
    // Straight to the stderr handle, not `eprintln!`: the test harness may be capturing the
    // macros' output into a buffer that dies with the process.
    let _ = std::io::stderr().write_all(report.as_bytes());
    // SAFETY: re-raising a signal whose disposition SA_RESETHAND has reset to the default.
    unsafe {
        libc::raise(signal);
    }
}

/// One frame of a captured backtrace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The demangled symbol, e.g. `ringscope_plugin::Ringscope::process`.
    pub symbol: String,
    /// `file:line:column` when debug info was found.
    pub location: Option<String>,
}

impl std::fmt::Display for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{}\n        at {location}", self.symbol),
            None => write!(f, "{}", self.symbol),
        }
    }
}

/// What a dead child process's stderr says about its death.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// Size from `memory allocation of N bytes failed`: the plugin (de)allocated inside
    /// `process()` (or the process ran out of memory).
    pub refused_allocation: Option<usize>,
    /// The signal named in the crash report, e.g. `SIGABRT`.
    pub signal: Option<String>,
    /// The thread that received the signal.
    pub thread: Option<String>,
    /// The frames of the crash report, innermost first.
    pub frames: Vec<Frame>,
}

/// Symbols of the allocator machinery between the allocating call and the abort. (Not
/// `nice_assert_no_alloc::assert_no_alloc`: that is the guard *around* `process()`, further out.)
const ALLOCATOR_FRAMES: &[&str] = &[
    "AllocDisabler",
    "__rust_alloc",
    "__rust_dealloc",
    "__rust_realloc",
    "__rust_alloc_zeroed",
    "__rust_alloc_error_handler",
    "__rdl_",
    "__rg_",
    "handle_alloc_error",
    "rust_oom",
];

/// Prefixes of library frames that are never "the culprit" (they run on behalf of a caller).
const LIBRARY_PREFIXES: &[&str] = &[
    "alloc::",
    "<alloc::",
    "core::",
    "<core::",
    "std::",
    "<std::",
    "hashbrown::",
    "<hashbrown::",
];

/// Frames of the reporter itself and of libc's signal/abort path, skipped in reports.
const REPORTER_FRAMES: &[&str] = &[
    "ringscope_host_tests::crash",
    "std::backtrace",
    "<unknown>",
    "__pthread_kill",
    "pthread_kill",
    "raise",
    "abort",
    "gsignal",
    "__restore_rt",
    "std::sys::pal",
    "std::process::abort",
    "std::sys::abort",
];

impl Diagnosis {
    /// Reads the output of a child process that ran with [`install_fatal_signal_reporter`].
    pub fn from_output(stderr: &str) -> Self {
        let mut diagnosis = Diagnosis {
            refused_allocation: stderr.lines().find_map(parse_refused_allocation),
            ..Diagnosis::default()
        };
        let Some(start) = stderr.find(REPORT_BEGIN) else {
            return diagnosis;
        };
        let report = &stderr[start..];
        let report = report.find(REPORT_END).map_or(report, |end| &report[..end]);
        let mut lines = report.lines();
        if let Some(header) = lines.next() {
            // "==== ringscope-host-tests: fatal signal SIGABRT on thread 'audio' ===="
            let rest = header.trim_start_matches(REPORT_BEGIN).trim();
            diagnosis.signal = rest.split_whitespace().next().map(str::to_owned);
            diagnosis.thread = rest
                .split_once("on thread '")
                .and_then(|(_, t)| t.rsplit_once('\''))
                .map(|(t, _)| t.to_owned());
        }
        for line in lines {
            let trimmed = line.trim_start();
            if let Some(location) = trimmed.strip_prefix("at ") {
                if let Some(frame) = diagnosis.frames.last_mut() {
                    frame.location.get_or_insert_with(|| location.to_owned());
                }
            } else if let Some((index, symbol)) = trimmed.split_once(": ")
                && !index.is_empty()
                && index.bytes().all(|b| b.is_ascii_digit())
            {
                diagnosis.frames.push(Frame {
                    symbol: symbol.trim().to_owned(),
                    location: None,
                });
            }
        }
        diagnosis
    }

    /// The frames below the allocator machinery when this was a refused allocation: the call
    /// chain that allocated, innermost first.
    pub fn allocation_path(&self) -> Option<&[Frame]> {
        self.refused_allocation?;
        let last_allocator_frame = self
            .frames
            .iter()
            .rposition(|f| ALLOCATOR_FRAMES.iter().any(|m| f.symbol.contains(m)))?;
        Some(&self.frames[last_allocator_frame + 1..])
    }

    /// The innermost frame of non-library code on the allocation path: the call that allocated.
    pub fn allocating_call(&self) -> Option<&Frame> {
        self.allocation_path()?
            .iter()
            .find(|f| !LIBRARY_PREFIXES.iter().any(|p| f.symbol.starts_with(p)))
    }

    /// The crash frames without the reporter's and libc's own.
    pub fn crash_frames(&self) -> impl Iterator<Item = &Frame> {
        self.frames
            .iter()
            .skip_while(|f| REPORTER_FRAMES.iter().any(|m| f.symbol.contains(m)))
    }

    /// A human summary for a test failure message (empty when there is nothing to say).
    pub fn summary(&self) -> String {
        let mut out = String::new();
        if let Some(bytes) = self.refused_allocation {
            let _ = writeln!(
                out,
                "The plugin (de)allocated {bytes} bytes on the audio thread inside process(): \
                 nice-plug's assert_process_allocs aborted the process."
            );
            match (self.allocating_call(), self.allocation_path()) {
                (Some(call), Some(path)) => {
                    let _ = writeln!(out, "Allocating call:\n    {call}");
                    let callers = path.iter().skip_while(|f| *f != call).skip(1).take(8);
                    let _ = writeln!(out, "Called from (innermost first):");
                    for frame in callers {
                        let _ = writeln!(out, "    {frame}");
                    }
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "No backtrace was captured (did the child install the crash reporter?)."
                    );
                }
            }
        } else if let Some(signal) = &self.signal {
            let _ = writeln!(
                out,
                "The process died with {signal} on thread '{}'. Innermost frames:",
                self.thread.as_deref().unwrap_or("?")
            );
            for frame in self.crash_frames().take(16) {
                let _ = writeln!(out, "    {frame}");
            }
        }
        out
    }
}

fn parse_refused_allocation(line: &str) -> Option<usize> {
    // std's default alloc error hook: "memory allocation of 24 bytes failed"
    let rest = line.split("memory allocation of ").nth(1)?;
    let (bytes, tail) = rest.split_once(' ')?;
    tail.starts_with("bytes failed")
        .then(|| bytes.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of a real report (from `tests/diagnostics.rs`, trimmed): the reporter, libc's
    /// abort, then a *nested* refused allocation (std's alloc error hook reads `RUST_BACKTRACE`
    /// when it is set, which allocates), then the real one below `remember_block`, then the
    /// `assert_no_alloc` guard around `process()`.
    const REPORT: &str = "\
some output before
memory allocation of 2048 bytes failed
memory allocation of 1 bytes failed

==== ringscope-host-tests: fatal signal SIGABRT on thread 'audio' ====
   0: ringscope_host_tests::crash::on_fatal_signal
             at ./src/crash.rs:80:21
   1: <unknown>
   2: __pthread_kill_implementation
             at ./nptl/pthread_kill.c:44:76
   3: __GI_abort
             at ./stdlib/abort.c:79:7
   4: std::sys::pal::unix::abort_internal
   5: std::alloc::rust_oom
   6: __rustc::__rust_alloc_error_handler
   7: alloc::alloc::handle_alloc_error
   8: nice_assert_no_alloc::AllocDisabler::check
             at /cargo/nice-assert-no-alloc-1.0.0/src/lib.rs:196:17
   9: __rustc::__rust_alloc
  10: <[u8]>::to_vec
  11: std::env::var_os::<&str>
  12: std::alloc::default_alloc_error_hook
  13: __rustc::__rust_alloc_error_handler
  14: alloc::alloc::handle_alloc_error
  15: nice_assert_no_alloc::AllocDisabler::check
             at /cargo/nice-assert-no-alloc-1.0.0/src/lib.rs:196:17
  16: __rustc::__rust_alloc
  17: <alloc::raw_vec::RawVecInner>::finish_grow
  18: alloc::vec::Vec<T,A>::extend_from_slice
             at /rustc/library/alloc/src/vec/mod.rs:3000:9
  19: ringscope_plugin::tap::Tap::write
             at /repo/plugin/src/tap.rs:42:9
  20: <ringscope_plugin::Ringscope as nice_plug_core::plugin::Plugin>::process
             at /repo/plugin/src/lib.rs:210:13
  21: nice_assert_no_alloc::assert_no_alloc
  22: nice_plug::wrapper::util::process_wrapper
==== end of fatal signal report ====
";

    #[test]
    fn names_the_allocating_call_below_the_allocator() {
        let d = Diagnosis::from_output(REPORT);
        assert_eq!(d.refused_allocation, Some(2048));
        assert_eq!(d.signal.as_deref(), Some("SIGABRT"));
        assert_eq!(d.thread.as_deref(), Some("audio"));
        assert_eq!(d.frames.len(), 23);
        let call = d.allocating_call().expect("a culprit");
        assert_eq!(call.symbol, "ringscope_plugin::tap::Tap::write");
        assert_eq!(
            call.location.as_deref(),
            Some("/repo/plugin/src/tap.rs:42:9")
        );
        assert_eq!(
            d.allocation_path().unwrap()[0].symbol,
            "<alloc::raw_vec::RawVecInner>::finish_grow"
        );
        let summary = d.summary();
        assert!(summary.contains("2048 bytes"), "{summary}");
        assert!(summary.contains("plugin/src/tap.rs:42:9"), "{summary}");
    }

    #[test]
    fn a_crash_without_allocation_lists_the_crash_frames() {
        let report = REPORT.replace("memory allocation of ", "");
        let d = Diagnosis::from_output(&report);
        assert_eq!(d.refused_allocation, None);
        assert_eq!(d.allocating_call(), None);
        let first = d.crash_frames().next().unwrap();
        assert_eq!(first.symbol, "std::alloc::rust_oom");
        assert!(d.summary().contains("SIGABRT on thread 'audio'"));
    }

    #[test]
    fn output_without_a_report_diagnoses_nothing() {
        let d = Diagnosis::from_output("test foo ... ok\n");
        assert_eq!(d, Diagnosis::default());
        assert!(d.summary().is_empty());
    }
}
