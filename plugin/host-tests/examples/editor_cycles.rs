//! A profiling harness, not a test: opens and closes an editor N times as the host tests do
//! (embedded in an X11 window, audio running) and prints threads, file descriptors and resident
//! memory after each closing, so a heap profiler can run the same cycles:
//!
//! ```text
//! xvfb-run -a -s "-screen 0 1280x1024x24 -noreset" \
//!     heaptrack target/debug/examples/editor_cycles clap 60
//! ```
//!
//! Formats: `clap` (Ringscope.clap), `vst3` (Ringscope.vst3), `bare` (the bare nice-plug-egui
//! fixture, CLAP). The bundles must have been built (`cargo xtask bundle ringscope-plugin`).

use clack_host::prelude::PluginEntry;
use ringscope_host_tests::clap::{Plugin, load_entry, new_ringscope};
use ringscope_host_tests::editor::{AudioThread, EditorHost, Vst3Editor, pump_until, thread_count};
use ringscope_host_tests::memory::{open_file_descriptors, trimmed_resident_bytes};
use ringscope_host_tests::vst3::{Module, SPEAKER_STEREO};
use ringscope_host_tests::x11::Display;
use std::time::Duration;

/// With `LEAKPROBE_DUMPS=10,30` and tools/leakprobe.c preloaded: dumps its table of live
/// allocations after those closings (with `LEAKPROBE_WHEN=open`: while those openings are open,
/// so that libraries loaded only meanwhile are still mapped), to `/tmp/leakprobe-<cycle>.txt`.
fn leakprobe_dump(cycle: usize, open: bool) {
    let wanted = std::env::var("LEAKPROBE_DUMPS").unwrap_or_default();
    let when_open = std::env::var("LEAKPROBE_WHEN").is_ok_and(|w| w == "open");
    if open != when_open || !wanted.split(',').any(|c| c.trim() == cycle.to_string()) {
        return;
    }
    // SAFETY: looks the symbol up in the preloaded probe; its type is leakprobe.c's.
    unsafe {
        let symbol = libc::dlsym(libc::RTLD_DEFAULT, c"leakprobe_dump".as_ptr());
        assert!(
            !symbol.is_null(),
            "LEAKPROBE_DUMPS needs LD_PRELOAD=leakprobe.so"
        );
        let dump: unsafe extern "C" fn(*const std::ffi::c_char) -> i32 =
            std::mem::transmute(symbol);
        let path = std::ffi::CString::new(format!("/tmp/leakprobe-{cycle}.txt")).unwrap();
        assert_eq!(dump(path.as_ptr()), 0, "leakprobe_dump");
    }
}

fn cycles(host: &mut impl EditorHost, display: &Display, window: u32, count: usize) {
    for cycle in 1..=count {
        host.open(display, window);
        pump_until(host, Duration::from_millis(60), || false);
        leakprobe_dump(cycle, true);
        host.close(display, window);
        // SAFETY: mallinfo2 only reads the allocator's statistics.
        let heap = unsafe { libc::mallinfo2() };
        println!(
            "cycle {cycle}: threads {} fds {} resident {} KiB malloc in use {} KiB (mmapped {} KiB) \
             mappings {}",
            thread_count(),
            open_file_descriptors(),
            trimmed_resident_bytes() >> 10,
            (heap.uordblks + heap.hblkhd) >> 10,
            heap.hblkhd >> 10,
            std::fs::read_to_string("/proc/self/maps").map_or(0, |m| m.lines().count()),
        );
        leakprobe_dump(cycle, false);
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let format = args.next().unwrap_or_else(|| "clap".into());
    let count: usize = args
        .next()
        .map_or(100, |n| n.parse().expect("a cycle count"));
    let display = Display::connect();
    let window = display.create_window(0, 0, 640, 480);
    match format.as_str() {
        "clap" | "bare" => {
            let entry = if format == "clap" {
                load_entry()
            } else {
                let path = ringscope_host_tests::artifacts::bare_editor_fixture();
                // SAFETY: loading the fixture plugin this package builds.
                unsafe { PluginEntry::load(&path) }.expect("loading the bare editor")
            };
            let mut plugin = if format == "clap" {
                new_ringscope(&entry)
            } else {
                Plugin::new(&entry, c"org.ringscope.test-fixture.bare-editor")
            };
            let audio = AudioThread::clap(plugin.activate(48_000.0, 1, 512));
            cycles(&mut plugin, &display, window, count);
            plugin.deactivate(audio.finish());
        }
        "vst3" => {
            let module = Module::load();
            let instance = module.create(&module.audio_class().cid);
            assert_eq!(
                instance.set_arrangement(SPEAKER_STEREO),
                vst3::Steinberg::kResultOk
            );
            instance.setup_processing(48_000.0, 512);
            instance.start();
            let audio = AudioThread::vst3(instance.audio_processor());
            let mut editor = Vst3Editor::new(&instance);
            cycles(&mut editor, &display, window, count);
            drop(editor);
            audio.finish();
            instance.stop();
        }
        other => panic!("unknown format {other:?}: clap, vst3 or bare"),
    }
    display.destroy_window(window);
}
