//! Driving a plugin's editor from the CLAP host: embedding it in an X11 window, waiting for it
//! to draw, closing it, and an audio thread that keeps processing meanwhile.

use crate::clap::{Plugin, Processor, TestHost, playing_transport};
use crate::passthrough::{Block, Run};
use crate::screenshot::{CurveStats, Image, is_chromatic};
use crate::signals::TestSignal;
use crate::x11::Display;
use clack_extensions::gui::{GuiApiType, GuiConfiguration, GuiSize, Window as ClapWindow};
use clack_host::prelude::StoppedPluginAudioProcessor;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Pumps main-thread callbacks until `done` or the deadline.
pub fn pump_until(plugin: &mut Plugin, timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        plugin.pump_main_thread();
        if done() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The audio thread of the editor tests: processes a sine in real time (one 512-frame block per
/// ~5 ms, about twice real time at 48 kHz) and checks every block.
pub struct AudioThread {
    stop: Arc<AtomicBool>,
    blocks: Arc<AtomicU64>,
    failure: Arc<Mutex<Option<String>>>,
    handle: std::thread::JoinHandle<StoppedPluginAudioProcessor<TestHost>>,
}

impl AudioThread {
    /// Starts processing `stopped` on a new thread named "audio".
    pub fn spawn(stopped: StoppedPluginAudioProcessor<TestHost>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let blocks = Arc::new(AtomicU64::new(0));
        let failure = Arc::new(Mutex::new(None));
        let handle = {
            let (stop, blocks, failure) = (stop.clone(), blocks.clone(), failure.clone());
            std::thread::Builder::new()
                .name("audio".into())
                .spawn(move || {
                    let mut processor = Processor::start(stopped, 2);
                    let mut round = 0;
                    while !stop.load(Ordering::SeqCst) {
                        let run = Run {
                            signal: TestSignal::ALL[round % 4],
                            sample_rate: 48_000.0,
                            channels: 2,
                            max_block: 512,
                            total_frames: 512 * 8,
                            in_place: round % 2 == 1,
                        };
                        let result = run.check(|block, frames, position| {
                            let transport = playing_transport(position, 48_000.0, 120.0);
                            match block {
                                Block::Separate { input, output } => {
                                    processor.process(input, output, frames, &[], Some(&transport));
                                }
                                Block::InPlace(buffers) => {
                                    processor.process_in_place(
                                        buffers,
                                        frames,
                                        &[],
                                        Some(&transport),
                                    );
                                }
                            }
                            blocks.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(5));
                        });
                        if let Err(e) = result {
                            failure.lock().unwrap().get_or_insert(e);
                        }
                        round += 1;
                    }
                    processor.stop()
                })
                .expect("spawning the audio thread")
        };
        Self {
            stop,
            blocks,
            failure,
            handle,
        }
    }

    /// Blocks processed so far.
    pub fn blocks(&self) -> u64 {
        self.blocks.load(Ordering::SeqCst)
    }

    /// Stops the thread and returns the processor; fails if any block was not passed through.
    pub fn finish(self) -> StoppedPluginAudioProcessor<TestHost> {
        self.stop.store(true, Ordering::SeqCst);
        let stopped = self.handle.join().expect("the audio thread panicked");
        if let Some(failure) = self.failure.lock().unwrap().take() {
            panic!("audio thread: {failure}");
        }
        stopped
    }
}

/// An X11 window embedded in the host's (nice-plug offers no floating windows).
pub const X11_EMBEDDED: GuiConfiguration<'static> = GuiConfiguration {
    api_type: GuiApiType::X11,
    is_floating: false,
};

/// Opens the editor embedded in `window` and waits until its window is mapped inside it.
pub fn open_editor(plugin: &mut Plugin, display: &Display, window: u32) -> GuiSize {
    let gui = plugin.extensions().gui.expect("clap.gui");
    gui.create(&plugin.instance.plugin_handle(), X11_EMBEDDED)
        .expect("gui.create(x11, embedded)");
    let _ = gui.set_scale(&plugin.instance.plugin_handle(), 1.0);
    let size = gui
        .get_size(&plugin.instance.plugin_handle())
        .expect("gui.get_size");
    assert!(
        size.width >= 200 && size.height >= 150,
        "an editor of {size:?} is too small to read"
    );
    display.resize_window(window, size.width, size.height);
    // SAFETY: the host window lives until after `destroy`.
    unsafe {
        gui.set_parent(
            &plugin.instance.plugin_handle(),
            ClapWindow::from_x11_handle(window.into()),
        )
    }
    .expect("gui.set_parent");
    gui.show(&plugin.instance.plugin_handle())
        .expect("gui.show");
    let embedded = pump_until(plugin, Duration::from_secs(10), || {
        display
            .children(window)
            .iter()
            .any(|&child| display.window_info(child).is_some_and(|w| w.viewable))
    });
    assert!(
        embedded,
        "the editor's window did not appear inside the host window"
    );
    size
}

/// Whether a picture of the editor shows a drawing: many colours, none covering the window, and
/// (with `traces`) coloured ink such as the signal's traces.
pub fn shows_drawing(picture: &Image, traces: bool) -> bool {
    let (_, dominant) = picture.dominant_colour(picture.bounds());
    let colours = picture.distinct_colours(picture.bounds());
    let ink = CurveStats::measure(picture, picture.bounds(), is_chromatic);
    dominant < 0.95 && colours > 32 && (!traces || ink.pixels > 200)
}

/// Pumps callbacks and takes pictures of `window` until one [`shows_drawing`], or fails after
/// `timeout` (generous: under load a debug build on software OpenGL draws its first frames
/// slowly). The last picture is saved as `target/host-tests/<name>.png` either way.
pub fn wait_for_drawing(
    plugin: &mut Plugin,
    display: &Display,
    window: u32,
    traces: bool,
    name: &str,
) {
    let shot = crate::artifacts::target_dir().join(format!("host-tests/{name}.png"));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        pump_until(plugin, Duration::from_millis(250), || false);
        let picture = display.capture(window);
        let drawn = shows_drawing(&picture, traces);
        if drawn || Instant::now() > deadline {
            picture.save_png(&shot);
            let (colour, dominant) = picture.dominant_colour(picture.bounds());
            assert!(
                drawn,
                "the editor shows no drawing{} after 30 s: {} colours, {colour:?} covers {:.0} %, \
                 coloured ink {:?} (saved {})",
                if traces { " of the signal" } else { "" },
                picture.distinct_colours(picture.bounds()),
                dominant * 100.0,
                CurveStats::measure(&picture, picture.bounds(), is_chromatic),
                shot.display()
            );
            return;
        }
    }
}

/// Hides and destroys the editor and waits until its window is gone from the host window.
pub fn close_editor(plugin: &mut Plugin, display: &Display, window: u32) {
    let gui = plugin.extensions().gui.expect("clap.gui");
    gui.hide(&plugin.instance.plugin_handle())
        .expect("gui.hide");
    gui.destroy(&plugin.instance.plugin_handle());
    let gone = pump_until(plugin, Duration::from_secs(10), || {
        display.children(window).is_empty()
    });
    assert!(gone, "the editor's window outlived gui.destroy");
}

/// Waits (pumping the main thread) until this process is back to at most `threads_before`
/// threads, and fails if it is not within 10 s: a closed editor's threads finish tearing down
/// asynchronously after `destroy`, and the plugin's code must not be unloaded while one of them
/// still runs in it.
pub fn assert_editor_threads_gone(plugin: &mut Plugin, threads_before: usize) {
    let settled = pump_until(plugin, Duration::from_secs(10), || {
        thread_count() <= threads_before
    });
    assert!(
        settled,
        "the closed editor left threads behind: {} (before: {threads_before})",
        thread_count()
    );
}

/// Threads of this process (`/proc/self/task`).
pub fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("listing /proc/self/task")
        .count()
}
