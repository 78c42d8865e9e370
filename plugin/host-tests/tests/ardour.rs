//! Ringscope in a real DAW: Debian's Ardour 7, headless. Ardour's own `ardour-vst3-scanner`
//! scans the built `Ringscope.vst3` (headless Ardour only reads the scan cache), then
//! `ardour7-lua` runs `ardour/session.lua` twice, each time in a fresh process on Ardour's dummy
//! backend: first it makes a session with Ringscope on a stereo track that plays a known signal,
//! changes two parameters, rolls, checks the track's audio through the plugin bit for bit and
//! saves; then it reopens the session and checks that Ringscope is there, active, with the same
//! values, and still passes the audio bit for bit.
//!
//! Ardour gets a home of its own under `target/host-tests/ardour/` (its configuration, its scan
//! cache, the session), so the user's Ardour is never touched. Skipped, saying so, only where
//! Ardour is not installed (`scripts/install-deps.sh --ardour` installs it).

use ringscope_host_tests::artifacts;
use ringscope_host_tests::host_test;
use ringscope_host_tests::isolate::DEBUG_ASSERTION_MARKER;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's `ardour` package: the Lua session tool and the VST3 scanner next to Ardour's
/// libraries.
const LUA_SESSION: &str = "/usr/bin/ardour7-lua";
const ARDOUR_LIBRARIES: &str = "/usr/lib/ardour7";
const VST3_SCANNER: &str = "/usr/lib/ardour7/ardour-vst3-scanner";

/// The session's length of signal (session.lua's SECONDS at 48 kHz), in samples per channel.
const SIGNAL_SAMPLES: usize = 4 * 48_000;

/// Ardour's sandbox: the environment every Ardour process of this test runs with.
struct Sandbox {
    root: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let root = artifacts::target_dir().join("host-tests/ardour");
        if root.exists() {
            std::fs::remove_dir_all(&root).expect("clearing the previous run's Ardour sandbox");
        }
        std::fs::create_dir_all(root.join("home")).expect("creating the Ardour sandbox");
        Self { root }
    }

    /// Runs `program` with Ardour's environment, killing it (by its pid) after `limit`.
    /// Returns whether it succeeded and everything it printed.
    fn run(&self, program: &str, args: &[&str], limit: Duration) -> (bool, String) {
        let home = self.root.join("home");
        let mut child = Command::new(program)
            .args(args)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            // Ardour's first start takes its VST3 search path from here.
            .env("VST3_PATH", artifacts::bundle_dir())
            .env("LD_LIBRARY_PATH", ARDOUR_LIBRARIES)
            .env("NICE_LOG", "stderr")
            .current_dir(&self.root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {program}: {e}"));
        let mut stdout = child.stdout.take().expect("piped stdout");
        let mut stderr = child.stderr.take().expect("piped stderr");
        let out = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text);
            text
        });
        let err = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("polling Ardour") {
                break Some(status);
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let output = format!(
            "{}{}",
            out.join().unwrap_or_default(),
            err.join().unwrap_or_default()
        );
        println!(
            "---- {program} {args:?} ({status:?}, {:.1?}) ----\n{}",
            started.elapsed(),
            output
                .lines()
                // Ardour's headless event loop narrates every call slot: not worth reading.
                .filter(|l| !l.contains("call-slot") && !l.contains("direct dispatch"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        assert!(
            !output.contains(DEBUG_ASSERTION_MARKER),
            "Ringscope logged a nice-plug debug assertion failure inside Ardour (above)"
        );
        (status.is_some_and(|s| s.success()), output)
    }

    /// Runs `session.lua <mode>` on the session `ringscope` in the sandbox.
    fn lua_session(&self, mode: &str) -> Report {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("ardour/session.lua");
        let session = self.root.join("session");
        let (_, output) = self.run(
            LUA_SESSION,
            &[
                &script.to_string_lossy(),
                mode,
                &session.to_string_lossy(),
                "ringscope",
            ],
            Duration::from_secs(120),
        );
        // ardour7-lua exits 0 even when the script fails: its report says what happened.
        let report = Report::parse(&output);
        assert!(
            report.errors.is_empty() && !output.lines().any(|l| l.starts_with("Error:")),
            "session.lua {mode} failed: {:?} (its output is above)",
            report.errors
        );
        report
    }
}

/// What session.lua printed: its `RINGSCOPE <key> <value>` lines.
#[derive(Debug, Default)]
struct Report {
    values: BTreeMap<String, Vec<String>>,
    errors: Vec<String>,
}

impl Report {
    fn parse(output: &str) -> Self {
        let mut report = Self::default();
        for line in output.lines() {
            if let Some(error) = line.strip_prefix("RINGSCOPE-ERROR ") {
                report.errors.push(error.to_owned());
            } else if let Some(rest) = line.strip_prefix("RINGSCOPE ") {
                let (key, value) = rest.split_once(' ').unwrap_or((rest, ""));
                report
                    .values
                    .entry(key.to_owned())
                    .or_default()
                    .push(value.to_owned());
            }
        }
        report
    }

    /// The one value of `key`.
    fn one(&self, key: &str) -> &str {
        match self.values.get(key).map(Vec::as_slice) {
            Some([value]) => value,
            other => panic!("session.lua reported {key:?} as {other:?}, expected one value"),
        }
    }

    fn number(&self, key: &str) -> f64 {
        self.one(key)
            .parse()
            .unwrap_or_else(|e| panic!("{key} = {:?}: {e}", self.one(key)))
    }

    /// `param` lines: control index -> (label, value).
    fn params(&self) -> BTreeMap<u32, (String, f64)> {
        self.values
            .get("param")
            .into_iter()
            .flatten()
            .map(|line| {
                let (index, rest) = line.split_once(' ').expect("param <n> <label> <value>");
                let (label, value) = rest.rsplit_once(' ').expect("<label> <value>");
                let value = value.parse().expect("a parameter value");
                (
                    index.parse().expect("a control index"),
                    (label.to_owned(), value),
                )
            })
            .collect()
    }

    /// Checks what both runs must show: Ringscope's VST3 found, active, rolled, and the
    /// track's whole signal bit-exact through it (and not silence).
    fn check_plugin_ran(&self, run: &str) {
        assert_eq!(self.one("plugin"), "Ringscope", "{run}: the track's plugin");
        assert_eq!(
            self.one("plugin-type"),
            "VST3",
            "{run}: the plugin's format"
        );
        assert_eq!(self.one("active"), "true", "{run}: Ringscope is not active");
        let rolled = self.number("rolled-samples");
        assert!(
            rolled >= 48_000.0,
            "{run}: the transport rolled only {rolled} samples (over a second expected)"
        );
        assert_eq!(
            self.number("bit-exact-samples") as usize,
            2 * SIGNAL_SAMPLES,
            "{run}: not every sample of the track compared bit-exact"
        );
        let audible = self.number("nonzero-samples") as usize;
        assert!(
            audible * 10 > 9 * 2 * SIGNAL_SAMPLES,
            "{run}: the known signal is mostly silence ({audible} non-zero samples)"
        );
    }
}

host_test!(
    timeout_s = 420;
    fn ardour_scans_plays_saves_and_reopens_ringscope_bit_exact() {
        if !Path::new(LUA_SESSION).exists() || !Path::new(VST3_SCANNER).exists() {
            println!(
                "SKIPPED: Ardour is not installed ({LUA_SESSION} or {VST3_SCANNER} is missing): \
                 `scripts/install-deps.sh --ardour` installs Debian's ardour"
            );
            return;
        }
        let bundle = artifacts::bundle_dir().join(format!("{}.vst3", artifacts::BUNDLE_NAME));
        let sandbox = Sandbox::new();

        // Ardour's scanner writes the cache that headless Ardour reads. Ardour takes that cache
        // as up to date only if it is newer than the plugin in whole seconds (`st_mtime`), so a
        // bundle built a moment ago must be a second old before it is scanned.
        let module = artifacts::vst3_module();
        let built = std::fs::metadata(&module)
            .and_then(|m| m.modified())
            .expect("the VST3 module's modification time");
        while std::time::SystemTime::now() < built + Duration::from_millis(1_100) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let (scanned, output) = sandbox.run(
            VST3_SCANNER,
            &["-v", "-f", &bundle.to_string_lossy()],
            Duration::from_secs(60),
        );
        assert!(scanned, "ardour-vst3-scanner failed on {}", bundle.display());
        assert!(
            output.contains("Found Plugin: Ringscope"),
            "ardour-vst3-scanner did not find Ringscope in {}",
            bundle.display()
        );

        let created = sandbox.lua_session("create");
        created.check_plugin_ran("the new session");
        assert_eq!(created.one("saved"), "ringscope", "the session was not saved");
        // The two changed parameters, as set: "<n> <label> <old> -> <new>".
        let changes: Vec<(u32, String, f64)> = created.values["change"]
            .iter()
            .map(|line| {
                let (index, rest) = line.split_once(' ').expect("change <n> ...");
                let (before, after) = rest.rsplit_once(" -> ").expect("... -> <new>");
                let (label, _old) = before.rsplit_once(' ').expect("<label> <old>");
                let after = after.parse().expect("the new value");
                (index.parse().expect("an index"), label.to_owned(), after)
            })
            .collect();
        assert_eq!(changes.len(), 2, "two parameters changed: {changes:?}");
        // Equal up to the float32 a plugin parameter holds.
        let same = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(1.0);
        let created_params = created.params();
        for (index, label, wanted) in &changes {
            let value = created_params.get(index).map(|p| p.1);
            assert!(
                value.is_some_and(|v| same(v, *wanted)),
                "the new session: {label} is {value:?}, set to {wanted}"
            );
        }

        let reopened = sandbox.lua_session("reopen");
        reopened.check_plugin_ran("the reopened session");
        let reopened_params = reopened.params();
        for (index, label, wanted) in &changes {
            let value = reopened_params.get(index).map(|p| p.1);
            assert!(
                value.is_some_and(|v| same(v, *wanted)),
                "the reopened session: {label} is {value:?}, saved as {wanted}"
            );
        }
        println!(
            "Ardour: Ringscope scanned, {} parameters, {:?} kept across save and reopen, \
             {} samples bit-exact in each session",
            reopened_params.len(),
            changes.iter().map(|c| &c.1).collect::<Vec<_>>(),
            2 * SIGNAL_SAMPLES
        );
    }
);
