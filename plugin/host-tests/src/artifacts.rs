//! Where the build puts the things under test: the `.clap` and `.vst3` bundles and the standalone
//! `ringscope` binary.
//!
//! The tests never build anything themselves (a nested `cargo` inside `cargo test` would fight
//! over the target directory's lock). When an artifact is missing they fail and print the command
//! that builds it; they never skip silently.

use std::path::{Path, PathBuf};

/// Overrides the directory holding `Ringscope.clap` and `Ringscope.vst3`.
pub const BUNDLE_DIR_ENV: &str = "RINGSCOPE_BUNDLE_DIR";
/// Overrides the path of the standalone `ringscope` binary.
pub const STANDALONE_BIN_ENV: &str = "RINGSCOPE_STANDALONE_BIN";

/// The display name `bundler.toml` gives the bundles.
pub const BUNDLE_NAME: &str = "Ringscope";

const BUNDLE_COMMAND: &str = "cargo xtask bundle ringscope-plugin";
const STANDALONE_COMMAND: &str =
    "cargo build -p ringscope-plugin --features standalone --bin ringscope";

/// The profile directory this test binary was built into (`<target>/debug` for `cargo test`):
/// test executables live in `<target>/<profile>/deps/`. Deriving it from the executable keeps
/// `CARGO_TARGET_DIR` and `--release` working without any configuration.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| panic!("unexpected test executable location {}", exe.display()))
}

/// `<target>` (the parent of the profile directory).
pub fn target_dir() -> PathBuf {
    profile_dir()
        .parent()
        .map(Path::to_path_buf)
        .expect("the profile directory has a parent")
}

/// The bundle directory: `$RINGSCOPE_BUNDLE_DIR`, or `<target>/bundled`.
pub fn bundle_dir() -> PathBuf {
    match std::env::var_os(BUNDLE_DIR_ENV) {
        Some(dir) => PathBuf::from(dir),
        None => target_dir().join("bundled"),
    }
}

fn require(path: PathBuf, what: &str, command: &str) -> PathBuf {
    if path.exists() {
        return path;
    }
    panic!(
        "{what} not found at {}.\n\
         Build it first with `{command}` (scripts/test.sh does); \
         {BUNDLE_DIR_ENV} and {STANDALONE_BIN_ENV} can point at existing builds.",
        path.display()
    );
}

/// The CLAP plugin file `Ringscope.clap` (on Linux a single shared object).
pub fn clap_bundle() -> PathBuf {
    require(
        bundle_dir().join(format!("{BUNDLE_NAME}.clap")),
        "The CLAP bundle",
        BUNDLE_COMMAND,
    )
}

/// The shared object inside `Ringscope.vst3`, at the path the VST3 SDK's module layout gives it.
pub fn vst3_module() -> PathBuf {
    require(
        bundle_dir()
            .join(format!("{BUNDLE_NAME}.vst3"))
            .join("Contents")
            .join(format!("{}-linux", std::env::consts::ARCH))
            .join(format!("{BUNDLE_NAME}.so")),
        "The VST3 bundle's module",
        BUNDLE_COMMAND,
    )
}

/// The standalone app: `$RINGSCOPE_STANDALONE_BIN`, or `<target>/<profile>/ringscope`.
pub fn standalone_binary() -> PathBuf {
    let path = match std::env::var_os(STANDALONE_BIN_ENV) {
        Some(path) => PathBuf::from(path),
        None => profile_dir().join("ringscope"),
    };
    require(path, "The standalone binary", STANDALONE_COMMAND)
}

/// The repository root (for `docs/screenshot.png`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("plugin/host-tests sits two levels below the repository root")
        .to_path_buf()
}

/// The deliberately allocating test plugin (`examples/alloc_fixture.rs`), which
/// `cargo test -p ringscope-host-tests` builds.
pub fn alloc_fixture() -> PathBuf {
    require(
        profile_dir().join("examples").join("liballoc_fixture.so"),
        "The allocating fixture plugin",
        "cargo build -p ringscope-host-tests --example alloc_fixture",
    )
}

/// The bare-editor test plugin (`examples/bare_editor_fixture.rs`), which
/// `cargo test -p ringscope-host-tests` builds.
pub fn bare_editor_fixture() -> PathBuf {
    require(
        profile_dir()
            .join("examples")
            .join("libbare_editor_fixture.so"),
        "The bare-editor fixture plugin",
        "cargo build -p ringscope-host-tests --example bare_editor_fixture",
    )
}
