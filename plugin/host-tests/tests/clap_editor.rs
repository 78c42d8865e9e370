//! Ringscope's editor as a CLAP host shows it: embedded in an X11 window on a virtual display
//! (Xvfb, Mesa), opened and closed again and again while audio runs, resized, kept open through
//! hostile blocks, and the plugin unloaded straight after its editor closed.
//!
//! These tests have their own test binary so that cargo runs them after (not alongside) the
//! CPU-heavy tests of `tests/clap.rs`: the memory measurement is steadier on an idle machine.
//! Like all host tests, each runs in its own child process (`ringscope_host_tests::isolate`).

use clack_extensions::gui::GuiSize;
use ringscope_host_tests::clap::{Processor, load_entry, new_ringscope, playing_transport};
use ringscope_host_tests::editor::{
    AudioThread, Baseline, EditorHost, STEADY_MALLOC, X11_EMBEDDED, close_editor,
    open_and_close_repeatedly, open_editor, pump_until, wait_for_drawing,
};
use ringscope_host_tests::host_test;
use ringscope_host_tests::passthrough::{Block, Run};
use ringscope_host_tests::signals::TestSignal;
use ringscope_host_tests::x11::Display;
use std::time::Duration;

host_test!(
    timeout_s = 600,
    child_env = STEADY_MALLOC;
    /// Opens and closes Ringscope's editor 100 times while an audio thread processes (and checks)
    /// blocks: after every closing the process has exactly the threads and file descriptors it had
    /// before the first opening, and resident memory grows by at most 8 kB per opening over
    /// cycles 10 to 100.
    fn clap_editor_opens_and_closes_100_times_while_audio_runs() {
        let display = Display::connect();
        let entry = load_entry();
        let mut plugin = new_ringscope(&entry);
        let gui = plugin.extensions().gui.expect("clap.gui");
        assert!(
            gui.is_api_supported(&plugin.instance.plugin_handle(), X11_EMBEDDED),
            "X11 embedding supported"
        );
        let window = display.create_window(0, 0, 640, 480);
        let audio = AudioThread::clap(plugin.activate(48_000.0, 1, 512));
        let baseline = Baseline::now();

        // The editor draws the running signal.
        plugin.open(&display, window);
        wait_for_drawing(&mut plugin, &display, window, true, "clap-editor");
        plugin.close(&display, window);
        baseline.assert_unchanged("after the first closing");

        let figures = open_and_close_repeatedly(&mut plugin, &display, window, &audio, 100);
        let stopped = audio.finish();
        plugin.deactivate(stopped);
        display.destroy_window(window);
        println!("{}", figures.summary("CLAP"));
        figures.check();
    }
);

host_test!(
    timeout_s = 300;
    /// A host may destroy its window and unload a plugin as soon as the plugin's editor has
    /// closed: nothing of the editor (its window thread, Mesa's threads) may still run then.
    /// Twenty times: load the bundle, activate, open the editor in a new host window while audio
    /// runs, let it draw for 200 ms, close it, and at once destroy the host window, deactivate,
    /// and unload (`clap_entry.deinit`, `dlclose`): the process is back to the threads and file
    /// descriptors it had before loading, and does not crash.
    fn clap_plugin_unloads_straight_after_its_editor_closes() {
        let display = Display::connect();
        for round in 1..=20 {
            let baseline = Baseline::now();
            let window = display.create_window(0, 0, 640, 480);
            let entry = load_entry();
            let mut plugin = new_ringscope(&entry);
            let audio = AudioThread::clap(plugin.activate(48_000.0, 1, 512));
            plugin.open(&display, window);
            pump_until(&mut plugin, Duration::from_millis(200), || false);
            plugin.close(&display, window);
            display.destroy_window(window);
            plugin.deactivate(audio.finish());
            drop(plugin);
            drop(entry);
            baseline.assert_unchanged(&format!("after unloading {round}"));
        }
    }
);

host_test!(
    timeout_s = 180;
    fn clap_editor_open_while_blocks_are_oversized_or_non_finite() {
        // With the editor open the audio thread writes every block into the ring: blocks far
        // larger than announced (up to twice the ring's one second) and NaN/Inf/denormal input
        // must still pass through untouched, without allocating, and the editor keeps drawing.
        let display = Display::connect();
        let entry = load_entry();
        let mut plugin = new_ringscope(&entry);
        let window = display.create_window(0, 0, 640, 480);
        let baseline = Baseline::now();
        let stopped = plugin.activate(48_000.0, 1, 256);
        open_editor(&mut plugin, &display, window);
        let audio = std::thread::Builder::new()
            .name("audio".into())
            .spawn(move || {
                let mut processor = Processor::start(stopped, 2);
                for (signal, max_block, in_place) in [
                    (TestSignal::NonFinite, 256, false),
                    (TestSignal::Sine, 4096, true),
                    (TestSignal::NonFinite, 100_000, false),
                    (TestSignal::Noise, 100_000, true),
                    (TestSignal::Sine, 256, false),
                ] {
                    let run = Run {
                        signal,
                        sample_rate: 48_000.0,
                        channels: 2,
                        max_block,
                        total_frames: max_block * 2,
                        in_place,
                    };
                    let result = run.check(|block, frames, position| {
                        let transport = playing_transport(position, 48_000.0, 120.0);
                        match block {
                            Block::Separate { input, output } => {
                                processor.process(input, output, frames, &[], Some(&transport));
                            }
                            Block::InPlace(buffers) => {
                                processor.process_in_place(buffers, frames, &[], Some(&transport));
                            }
                        }
                        std::thread::sleep(Duration::from_millis(2));
                    });
                    if let Err(e) = result {
                        panic!("{e}");
                    }
                }
                processor.stop()
            })
            .expect("spawning the audio thread");
        while !audio.is_finished() {
            pump_until(&mut plugin, Duration::from_millis(50), || false);
        }
        let stopped = audio.join().expect("the audio thread");
        wait_for_drawing(
            &mut plugin,
            &display,
            window,
            false,
            "clap-editor-after-oversized-blocks",
        );
        close_editor(&mut plugin, &display, window);
        plugin.deactivate(stopped);
        baseline.assert_unchanged("after closing");
        display.destroy_window(window);
    }
);

host_test!(
    timeout_s = 120;
    fn clap_editor_resizes_when_the_host_asks() {
        let display = Display::connect();
        let entry = load_entry();
        let mut plugin = new_ringscope(&entry);
        let gui = plugin.extensions().gui.expect("clap.gui");
        let window = display.create_window(0, 0, 640, 480);
        let baseline = Baseline::now();
        let size = open_editor(&mut plugin, &display, window);
        let handle = plugin.instance.plugin_handle();
        assert!(gui.can_resize(&handle), "the editor is resizable (issue 4)");
        let wanted = GuiSize {
            width: size.width + 120,
            height: size.height + 80,
        };
        let adjusted = gui.adjust_size(&handle, wanted).unwrap_or(wanted);
        display.resize_window(window, adjusted.width, adjusted.height);
        gui.set_size(&handle, adjusted).expect("gui.set_size");
        let reported = gui.get_size(&handle).expect("gui.get_size");
        assert_eq!(reported, adjusted, "get_size after set_size");
        // A size below any sensible minimum is adjusted up, not accepted.
        let tiny = gui.adjust_size(
            &handle,
            GuiSize {
                width: 10,
                height: 10,
            },
        );
        assert!(
            tiny.is_none_or(|t| t.width > 10 && t.height > 10),
            "adjust_size accepts a 10x10 editor: {tiny:?}"
        );
        close_editor(&mut plugin, &display, window);
        baseline.assert_unchanged("after closing");
        display.destroy_window(window);
    }
);
