//! `cargo xtask …`: the project's own tasks (bundling lands with the plugin).
fn main() {
    eprintln!("xtask: no tasks yet");
    std::process::exit(2);
}
