//! `cargo xtask …`: the project's own tasks.
//!
//! `cargo xtask bundle ringscope-plugin [--release]` builds the plugin and writes
//! `target/bundled/Ringscope.clap` and `target/bundled/Ringscope.vst3` (names from
//! `bundler.toml`). Everything else nice-plug-xtask offers works too; `cargo xtask` with no
//! arguments prints the usage.

fn main() -> nice_plug_xtask::Result<()> {
    nice_plug_xtask::main()
}
