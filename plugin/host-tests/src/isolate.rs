//! Running each host test in its own child process.
//!
//! A plugin that misbehaves on the audio thread does not fail an assertion: it aborts the whole
//! process (nice-plug's `assert_process_allocs`), or crashes it, or hangs it. Run in-process, that
//! would take down every other test of the binary and leave `cargo test` with nothing but
//! "process didn't exit successfully: signal 6". So each test re-runs the test binary itself
//! filtered to that one test, with [`CHILD_ENV`] set; the child installs the crash reporter
//! ([`crate::crash`]), loads the plugin and runs the body; the parent enforces a timeout, reads the
//! child's output and turns a death into an ordinary test failure that says what happened.
//!
//! The parent also fails a test whose child passed but whose plugin logged a nice-plug debug
//! assertion failure (`Debug assertion failed: ...` on stderr): in a debug build those mark a
//! broken contract between host and plugin that a release build would silently live with.

use crate::crash::{self, Diagnosis};
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Set in the child to the name of the test it runs.
pub const CHILD_ENV: &str = "RINGSCOPE_HOST_TEST_CHILD";

/// nice-plug's marker for a failed `nice_debug_assert!` (logged, not panicking, in debug builds).
pub const DEBUG_ASSERTION_MARKER: &str = "Debug assertion failed";

/// baseview's warning when closing a window did not wait for its thread (the unpatched
/// `WindowThreadHandle::drop`, vendor/README.md): the window and Mesa were still running.
pub const UNJOINED_WINDOW_MARKER: &str = "Error while closing window";

/// Whether this process is the child running `name`.
pub fn is_child(name: &str) -> bool {
    std::env::var_os(CHILD_ENV).is_some_and(|v| v == name)
}

/// In a child started by [`run_child_as`] for test `name`, the role it was given.
pub fn child_role(name: &str) -> Option<String> {
    let value = std::env::var(CHILD_ENV).ok()?;
    value
        .strip_prefix(name)?
        .strip_prefix(':')
        .map(str::to_owned)
}

/// How a child test runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Kill the child (and fail) after this many seconds.
    pub timeout_s: u64,
    /// Extra environment for the child.
    pub child_env: &'static [(&'static str, &'static str)],
    /// Substrings of nice-plug debug assertion messages this test provokes on purpose (e.g. a
    /// corrupt state); any other debug assertion still fails the test.
    pub expected_debug_assertions: &'static [&'static str],
}

impl Default for Options {
    fn default() -> Self {
        Self {
            timeout_s: 120,
            child_env: &[],
            expected_debug_assertions: &[],
        }
    }
}

/// How a child test process ended.
#[derive(Debug)]
pub struct ChildOutcome {
    /// The test's name.
    pub name: String,
    /// Its exit status (after a kill on timeout, the kill's).
    pub status: std::process::ExitStatus,
    /// Whether it was killed for running past the timeout.
    pub timed_out: bool,
    /// Everything it wrote to stdout.
    pub stdout: String,
    /// Everything it wrote to stderr (the plugin's log, crash reports).
    pub stderr: String,
    /// How long it ran.
    pub elapsed: Duration,
}

impl ChildOutcome {
    /// The signal that killed the child, if one did.
    pub fn signal(&self) -> Option<i32> {
        self.status.signal()
    }

    /// What went wrong, one line each; empty when the child passed cleanly.
    pub fn problems(&self, options: &Options) -> Vec<String> {
        let mut problems = Vec::new();
        if self.timed_out {
            problems.push(format!(
                "the child did not finish within {}s and was killed (a hang: a deadlock between \
                 host and plugin threads, or an editor that never closes?)",
                options.timeout_s
            ));
        } else if let Some(signal) = self.signal() {
            problems.push(format!(
                "the child died with {}",
                crash::signal_name(signal)
            ));
        } else if !self.status.success() {
            problems.push(format!("the child failed ({})", self.status));
        }
        // Require the harness's own success line so a mistyped name (which runs zero tests and
        // "passes") cannot go unnoticed.
        if !self.timed_out && self.status.success() && !self.stdout.contains("1 passed") {
            problems.push(format!(
                "the child ran no test named `{}` (is the name passed to run_isolated right?)",
                self.name
            ));
        }
        let assertion_lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.contains(DEBUG_ASSERTION_MARKER))
            .filter(|l| {
                !options
                    .expected_debug_assertions
                    .iter()
                    .any(|e| l.contains(e))
            })
            .collect();
        let unjoined = self
            .stderr
            .lines()
            .filter(|l| l.contains(UNJOINED_WINDOW_MARKER))
            .count();
        if unjoined > 0 {
            problems.push(format!(
                "{unjoined} editor window(s) closed without waiting for their thread \
                 (\"{UNJOINED_WINDOW_MARKER}\")"
            ));
        }
        if !assertion_lines.is_empty() {
            problems.push(format!(
                "the plugin logged {} debug assertion failure(s):\n    {}",
                assertion_lines.len(),
                assertion_lines.join("\n    ")
            ));
        }
        problems
    }

    /// The failure message for `problems`: what happened, the crash diagnosis, the panics.
    pub fn failure_message(&self, problems: &[String]) -> String {
        let diagnosis = Diagnosis::from_output(&self.stderr);
        // Each panic: its "panicked at" line and the message lines after it.
        let mut panic_lines: Vec<&str> = Vec::new();
        let mut in_panic = false;
        for line in self.stderr.lines().chain(self.stdout.lines()) {
            if line.contains("panicked at") {
                in_panic = true;
            } else if line.is_empty()
                || line.starts_with("note:")
                || line.starts_with("stack backtrace:")
                || line.starts_with("----")
            {
                in_panic = false;
            }
            if in_panic {
                panic_lines.push(line);
            }
        }
        format!(
            "host test `{}` failed: {}\n{}{}(the child's full output is printed above)",
            self.name,
            problems.join("; "),
            diagnosis.summary(),
            if panic_lines.is_empty() {
                String::new()
            } else {
                format!("Panics:\n    {}\n", panic_lines.join("\n    "))
            },
        )
    }
}

/// Runs `body` in a child process (see the module docs) and fails if the child fails, crashes,
/// times out, or the plugin logs an unexpected debug assertion failure.
///
/// `name` must be the test function's path inside its test binary (`stringify!(fn_name)` for a
/// top-level test); the [`host_test!`](crate::host_test) macro passes it.
pub fn run_isolated(name: &str, options: Options, body: impl FnOnce()) {
    if is_child(name) {
        crash::install_fatal_signal_reporter();
        body();
        return;
    }
    let outcome = run_child(name, &options);
    let problems = outcome.problems(&options);
    if !problems.is_empty() {
        panic!("{}", outcome.failure_message(&problems));
    }
}

/// The parent's half of [`run_isolated`]: re-runs this test binary filtered to `name` with
/// [`CHILD_ENV`] set, under the timeout, and collects what happened. The output is printed, so
/// the test harness shows it when the test fails (or with `--nocapture`).
pub fn run_child(name: &str, options: &Options) -> ChildOutcome {
    run_child_as(name, None, options)
}

/// [`run_child`] for a test whose children play different parts: the child sees `role` through
/// [`child_role`].
pub fn run_child_as(name: &str, role: Option<&str>, options: &Options) -> ChildOutcome {
    let timeout = Duration::from_secs(options.timeout_s);
    let child_id = match role {
        Some(role) => format!("{name}:{role}"),
        None => name.to_owned(),
    };
    let exe = std::env::current_exe().expect("the test executable's path");
    let started = Instant::now();
    let mut child = Command::new(exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &child_id)
        // nice-plug's logger (nice-log) writes to the `NICE_LOG` target; force stderr so the
        // parent sees the plugin's warnings and debug assertion failures.
        .env("NICE_LOG", "stderr")
        // Not RUST_BACKTRACE: std's alloc error hook reads it (`env::var_os`, which allocates
        // when the variable is set), so a refused allocation inside the plugin would fail a
        // second time in the hook. The crash reporter prints the backtrace instead, and a
        // panicking test body names its file and line anyway.
        .env_remove("RUST_BACKTRACE")
        .envs(options.child_env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("re-running the test executable as a child process");

    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));

    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for the child") {
            break status;
        }
        if started.elapsed() > timeout {
            timed_out = true;
            // Our own child, by its id.
            let _ = child.kill();
            break child.wait().expect("reaping the killed child");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let outcome = ChildOutcome {
        name: child_id.clone(),
        status,
        timed_out,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        elapsed: started.elapsed(),
    };
    println!("---- child `{child_id}` stdout ----\n{}", outcome.stdout);
    println!("---- child `{child_id}` stderr ----\n{}", outcome.stderr);
    println!(
        "---- child `{child_id}` took {:.1?}, {} ----",
        outcome.elapsed, outcome.status
    );
    outcome
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Declares a `#[test]` whose body runs in its own child process (see [`run_isolated`]); the
/// leading `field = value` pairs (at least `timeout_s`, ended by `;`) set [`Options`].
///
/// ```ignore
/// host_test!(timeout_s = 120; fn passthrough_is_bit_exact() { /* loads the plugin */ });
/// ```
#[macro_export]
macro_rules! host_test {
    ($($option:ident = $value:expr),+; $(#[$meta:meta])* fn $name:ident() $body:block) => {
        $(#[$meta])*
        #[test]
        fn $name() {
            $crate::isolate::run_isolated(
                stringify!($name),
                $crate::isolate::Options {
                    $($option: $value,)*
                    ..::std::default::Default::default()
                },
                || $body,
            );
        }
    };
}
