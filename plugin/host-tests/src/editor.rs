//! Driving a plugin's editor as a host does, in either format: embedding it in an X11 window,
//! waiting for it to draw, closing it, an audio thread that keeps processing meanwhile, and the
//! open/close cycles that must leave no thread, file descriptor or memory behind.

pub use crate::audio_thread::AudioThread;
use crate::clap::Plugin;
use crate::memory::{heap_in_use_bytes, trimmed_resident_bytes};
use crate::screenshot::{CurveStats, Image, is_chromatic};
use crate::vst3::{Frame, Instance};
use crate::x11::Display;
use clack_extensions::gui::{GuiApiType, GuiConfiguration, GuiSize, Window as ClapWindow};
use std::ffi::c_void;
use std::time::{Duration, Instant};
use vst3::Steinberg::{
    IPlugView, IPlugViewTrait, ViewRect, kPlatformTypeX11EmbedWindowID, kResultOk,
};
use vst3::{ComPtr, ComWrapper};

/// A host that embeds a plugin's editor in an X11 window it owns: CLAP's `clap.gui`
/// ([`Plugin`]) or VST3's `IPlugView` ([`Vst3Editor`]), so the editor tests run alike for both.
pub trait EditorHost {
    /// One turn of the host's UI thread: CLAP's main-thread callbacks, VST3's run loop.
    fn pump(&mut self);

    /// Opens the editor embedded in `window`, sized to the editor, and waits until its window is
    /// mapped inside. Returns the editor's size.
    fn open(&mut self, display: &Display, window: u32) -> (u32, u32);

    /// Closes the editor as a host does when the user closes its window, and waits until the
    /// editor's window is gone from `window`.
    fn close(&mut self, display: &Display, window: u32);

    /// File descriptors and timers the plugin registered with the host and did not unregister.
    fn registrations(&self) -> usize {
        0
    }
}

/// Pumps the host's UI thread until `done` or the deadline. Returns whether `done` came true.
pub fn pump_until(
    host: &mut impl EditorHost,
    timeout: Duration,
    mut done: impl FnMut() -> bool,
) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        host.pump();
        if done() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Waits (pumping) until the editor's window is mapped inside `window`; fails after 10 s.
pub fn wait_until_embedded(host: &mut impl EditorHost, display: &Display, window: u32) {
    let embedded = pump_until(host, Duration::from_secs(10), || {
        display
            .children(window)
            .iter()
            .any(|&child| display.window_info(child).is_some_and(|w| w.viewable))
    });
    assert!(
        embedded,
        "the editor's window did not appear inside the host window"
    );
}

/// Waits (pumping) until `window` has no child window left; fails after 10 s.
pub fn wait_until_removed(host: &mut impl EditorHost, display: &Display, window: u32) {
    let gone = pump_until(host, Duration::from_secs(10), || {
        display.children(window).is_empty()
    });
    assert!(gone, "the editor's window outlived its closing");
}

/// An X11 window embedded in the host's (nice-plug offers no floating windows).
pub const X11_EMBEDDED: GuiConfiguration<'static> = GuiConfiguration {
    api_type: GuiApiType::X11,
    is_floating: false,
};

impl EditorHost for Plugin {
    fn pump(&mut self) {
        self.pump_main_thread();
    }

    fn open(&mut self, display: &Display, window: u32) -> (u32, u32) {
        let size = open_editor(self, display, window);
        (size.width, size.height)
    }

    fn close(&mut self, display: &Display, window: u32) {
        close_editor(self, display, window);
    }
}

/// Opens the CLAP editor embedded in `window` and waits until its window is mapped inside it.
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
    wait_until_embedded(plugin, display, window);
    size
}

/// Hides and destroys the CLAP editor and waits until its window is gone from the host window.
pub fn close_editor(plugin: &mut Plugin, display: &Display, window: u32) {
    let gui = plugin.extensions().gui.expect("clap.gui");
    gui.hide(&plugin.instance.plugin_handle())
        .expect("gui.hide");
    gui.destroy(&plugin.instance.plugin_handle());
    wait_until_removed(plugin, display, window);
}

/// A VST3 instance's editor as a DAW shows it: each opening creates the view
/// (`IEditController::createView`), gives it the host's [`Frame`] (`setFrame`), sizes the host
/// window to `getSize` and attaches the view to it (`attached` with an X11 window ID); closing
/// calls `removed`, `setFrame(null)` and releases the view.
pub struct Vst3Editor<'i, 'm> {
    instance: &'i Instance<'m>,
    frame: ComWrapper<Frame>,
    view: Option<ComPtr<IPlugView>>,
}

impl<'i, 'm> Vst3Editor<'i, 'm> {
    /// The editor of `instance`, closed, with a frame of its own.
    pub fn new(instance: &'i Instance<'m>) -> Self {
        Self {
            instance,
            frame: Frame::new(),
            view: None,
        }
    }

    /// The host's frame (its run loop's registrations).
    pub fn frame(&self) -> &Frame {
        &self.frame
    }
}

impl EditorHost for Vst3Editor<'_, '_> {
    fn pump(&mut self) {
        self.frame.pump();
    }

    fn registrations(&self) -> usize {
        self.frame.registrations()
    }

    fn open(&mut self, display: &Display, window: u32) -> (u32, u32) {
        assert!(self.view.is_none(), "the editor is already open");
        let view = self
            .instance
            .create_view()
            .expect("IEditController::createView(\"editor\") returned a view");
        let frame = self
            .frame
            .to_com_ptr::<vst3::Steinberg::IPlugFrame>()
            .expect("the frame is an IPlugFrame");
        let mut rect = ViewRect {
            left: 0,
            top: 0,
            right: 0,
            bottom: 0,
        };
        // SAFETY: COM calls with valid arguments; the frame and the host window outlive the view's
        // attachment (the view is removed and its frame cleared in `close`).
        unsafe {
            assert_eq!(
                view.isPlatformTypeSupported(kPlatformTypeX11EmbedWindowID),
                kResultOk,
                "IPlugView::isPlatformTypeSupported(X11EmbedWindowID)"
            );
            assert_eq!(
                view.setFrame(frame.as_ptr()),
                kResultOk,
                "IPlugView::setFrame"
            );
            assert_eq!(view.getSize(&mut rect), kResultOk, "IPlugView::getSize");
        }
        let (width, height) = (rect.right - rect.left, rect.bottom - rect.top);
        assert!(
            width >= 200 && height >= 150,
            "an editor of {width}x{height} is too small to read"
        );
        let (width, height) = (width as u32, height as u32);
        display.resize_window(window, width, height);
        // SAFETY: as above; VST3 passes an X11 window ID as the parent pointer.
        unsafe {
            assert_eq!(
                view.attached(
                    window as usize as *mut c_void,
                    kPlatformTypeX11EmbedWindowID
                ),
                kResultOk,
                "IPlugView::attached"
            );
        }
        self.view = Some(view);
        wait_until_embedded(self, display, window);
        (width, height)
    }

    fn close(&mut self, display: &Display, window: u32) {
        let view = self.view.take().expect("the editor is open");
        // SAFETY: plain COM calls on the attached view.
        unsafe {
            assert_eq!(view.removed(), kResultOk, "IPlugView::removed");
            assert_eq!(
                view.setFrame(std::ptr::null_mut()),
                kResultOk,
                "IPlugView::setFrame(null)"
            );
        }
        drop(view);
        wait_until_removed(self, display, window);
    }
}

/// Whether a picture of the editor shows a drawing: many colours, none covering the window, and
/// (with `traces`) coloured ink such as the signal's traces.
pub fn shows_drawing(picture: &Image, traces: bool) -> bool {
    let (_, dominant) = picture.dominant_colour(picture.bounds());
    let colours = picture.distinct_colours(picture.bounds());
    let ink = CurveStats::measure(picture, picture.bounds(), is_chromatic);
    dominant < 0.95 && colours > 32 && (!traces || ink.pixels > 200)
}

/// Pumps the host and takes pictures of `window` until one [`shows_drawing`], or fails after
/// 30 s (generous: under load a debug build on software OpenGL draws its first frames slowly).
/// The last picture is saved as `target/host-tests/<name>.png` either way.
pub fn wait_for_drawing(
    host: &mut impl EditorHost,
    display: &Display,
    window: u32,
    traces: bool,
    name: &str,
) {
    let shot = crate::artifacts::target_dir().join(format!("host-tests/{name}.png"));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        pump_until(host, Duration::from_millis(250), || false);
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

/// Pumps the host and captures `window` until two pictures 150 ms apart are alike (the editor
/// has settled), at most 10 s; the last picture.
pub fn settled_picture(host: &mut impl EditorHost, display: &Display, window: u32) -> Image {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = display.capture(window);
    loop {
        pump_until(host, Duration::from_millis(150), || false);
        let now = display.capture(window);
        if now.mean_grey_difference(&last) < 0.05 || Instant::now() > deadline {
            return now;
        }
        last = now;
    }
}

/// This process's threads and open file descriptors, by name, at one moment: what it must have
/// again after an editor closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    /// Names of the live threads (`/proc/self/task/*/stat`), sorted.
    pub threads: Vec<String>,
    /// What each descriptor points at (`/proc/self/fd/*`), sorted.
    pub descriptors: Vec<String>,
}

impl Baseline {
    /// The threads and descriptors now.
    pub fn now() -> Self {
        let mut threads: Vec<String> = std::fs::read_dir("/proc/self/task")
            .expect("listing /proc/self/task")
            .flatten()
            .filter_map(|task| {
                // `pid (comm) state ...`: a thread that has been joined can still be listed for a
                // moment while the kernel finishes its exit (state Z or X); it runs no code.
                let stat = std::fs::read_to_string(task.path().join("stat")).ok()?;
                let (name, rest) = stat.split_once(" (")?.1.rsplit_once(") ")?;
                let state = rest.chars().next()?;
                // Earlier in its exit, still state R, the kernel has marked it PF_EXITING (the
                // `flags` field, the 7th after the name): the mark comes before the kernel
                // wakes `pthread_join`, so a joined thread may still be listed with it for a
                // moment, and a thread with it runs no more of the plugin's code.
                const PF_EXITING: u64 = 0x4;
                let flags: u64 = rest.split_whitespace().nth(6)?.parse().ok()?;
                let exiting = flags & PF_EXITING != 0;
                (state != 'Z' && state != 'X' && !exiting).then(|| name.to_owned())
            })
            .collect();
        threads.sort();
        let mut descriptors: Vec<String> = std::fs::read_dir("/proc/self/fd")
            .expect("listing /proc/self/fd")
            .flatten()
            .map(|fd| {
                std::fs::read_link(fd.path())
                    .map(|target| target.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            // The directory listing itself.
            .filter(|target| !target.starts_with("/proc/"))
            .collect();
        descriptors.sort();
        Self {
            threads,
            descriptors,
        }
    }

    /// Fails unless the process has exactly as many threads and the same file descriptors (of the
    /// same kinds) again. Called right after a close returns, with no waiting: a host
    /// may unload the plugin at that moment, so nothing of the editor may still run.
    pub fn assert_unchanged(&self, moment: &str) {
        let now = Self::now();
        // Pipes and sockets are new objects with new inode numbers each time: compare kinds.
        let kinds = |descriptors: &[String]| -> Vec<String> {
            descriptors
                .iter()
                .map(|d| d.split(":[").next().unwrap_or_default().to_owned())
                .collect()
        };
        // Threads by number: a thread spawned a moment ago may not bear its own name yet.
        assert!(
            now.threads.len() == self.threads.len()
                && kinds(&now.descriptors) == kinds(&self.descriptors),
            "{moment}: {} threads {:?} and {} file descriptors {:?}; before: {} threads {:?} and \
             {} file descriptors {:?}; threads in detail:\n{}",
            now.threads.len(),
            now.threads,
            now.descriptors.len(),
            now.descriptors,
            self.threads.len(),
            self.threads,
            self.descriptors.len(),
            self.descriptors,
            describe_threads()
        );
    }
}

/// Each thread's id, `stat` and where it waits (`wchan`, `syscall`, kernel `stack`): enough to
/// tell a leftover thread's origin.
fn describe_threads() -> String {
    let mut lines = Vec::new();
    for task in std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
    {
        let read = |file: &str| {
            std::fs::read_to_string(task.path().join(file))
                .unwrap_or_default()
                .trim()
                .replace('\n', " | ")
        };
        lines.push(format!(
            "  {} wchan={} syscall={} stack={}",
            read("stat")
                .split(' ')
                .take(3)
                .collect::<Vec<_>>()
                .join(" "),
            read("wchan"),
            read("syscall"),
            read("stack")
        ));
    }
    lines.join("\n")
}

/// The environment the memory-measuring editor tests run their child processes in, so that resident
/// memory after `malloc_trim` follows the memory in use instead of glibc's bookkeeping:
/// - `MALLOC_ARENA_MAX=2`: every opening starts new threads (baseview's window thread, Mesa's),
///   and glibc would give them up to 8 arenas per core, each keeping freed memory of its own
///   (without the cap resident memory climbs ~100 MiB over the first 40 openings, then stays);
/// - `MALLOC_MMAP_THRESHOLD_=65536`: blocks of 64 KiB and more (Mesa's and egui's buffers) are
///   mapped and unmapped on their own instead of moving the heap's top (without it resident
///   memory after a closing jumps between two levels 14 MiB apart for dozens of openings).
pub const STEADY_MALLOC: &[(&str, &str)] = &[
    ("MALLOC_ARENA_MAX", "2"),
    ("MALLOC_MMAP_THRESHOLD_", "65536"),
];

/// What [`open_and_close_repeatedly`] measured.
#[derive(Debug, Clone, PartialEq)]
pub struct CycleFigures {
    /// Openings.
    pub cycles: usize,
    /// Threads and file descriptors before the first opening (and after every closing).
    pub baseline: Baseline,
    /// Resident memory (after `malloc_trim`) after each closing, in bytes.
    pub resident: Vec<u64>,
    /// Heap memory in use (`mallinfo2`) after each closing, in bytes.
    pub heap: Vec<u64>,
    /// Audio blocks processed meanwhile.
    pub audio_blocks: u64,
}

impl CycleFigures {
    /// The most resident memory an opening may keep, averaged over cycles 10 to 100 (issue 12).
    pub const MAX_GROWTH_PER_CYCLE: f64 = 8_000.0;

    /// The first cycle counted in [`Self::growth_per_cycle`]: the ones before warm caches up
    /// (glibc's arenas, Mesa's and egui's one-time allocations).
    pub const WARM_UP: usize = 10;

    /// Resident memory growth per opening over cycles 10 to 100: the least-squares slope of the
    /// samples, in bytes.
    pub fn growth_per_cycle(&self) -> f64 {
        Self::slope(&self.resident)
    }

    /// Heap growth per opening over cycles 10 to 100, as [`Self::growth_per_cycle`].
    pub fn heap_growth_per_cycle(&self) -> f64 {
        Self::slope(&self.heap)
    }

    fn slope(samples: &[u64]) -> f64 {
        let end = samples.len().min(100);
        let points: Vec<(f64, f64)> = (Self::WARM_UP..end)
            .map(|i| (i as f64, samples[i] as f64))
            .collect();
        let n = points.len() as f64;
        let (mean_x, mean_y) = (
            points.iter().map(|p| p.0).sum::<f64>() / n,
            points.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let covariance: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
        let variance: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
        covariance / variance
    }

    /// Fails unless audio ran throughout and memory grew by at most
    /// [`Self::MAX_GROWTH_PER_CYCLE`] per opening.
    pub fn check(&self) {
        assert!(
            self.audio_blocks > 200,
            "the audio thread ran only {} blocks while the editor opened and closed",
            self.audio_blocks
        );
        let kib = |samples: &[u64]| samples.iter().map(|&b| b >> 10).collect::<Vec<_>>();
        assert!(
            self.growth_per_cycle() <= Self::MAX_GROWTH_PER_CYCLE,
            "every editor opening keeps {:.0} bytes of resident memory (at most {} allowed); \
             resident KiB after each closing: {:?}",
            self.growth_per_cycle(),
            Self::MAX_GROWTH_PER_CYCLE,
            kib(&self.resident)
        );
        assert!(
            self.heap_growth_per_cycle() <= Self::MAX_GROWTH_PER_CYCLE,
            "every editor opening keeps {:.0} bytes of heap (at most {} allowed); heap KiB in use \
             after each closing: {:?}",
            self.heap_growth_per_cycle(),
            Self::MAX_GROWTH_PER_CYCLE,
            kib(&self.heap)
        );
    }

    /// One line for the log and the README: fds/threads/RSS over the run.
    pub fn summary(&self, format: &str) -> String {
        let mib = |b: u64| b as f64 / f64::from(1 << 20);
        format!(
            "{format}: {} openings while {} audio blocks ran: threads {} and file descriptors {} \
             after every closing (as before the first); resident {:.1} MiB after closing 10, \
             {:.1} MiB after closing {}, {:+.0} bytes per opening over cycles 10-100 (heap in use \
             {:+.0} bytes per opening)",
            self.cycles,
            self.audio_blocks,
            self.baseline.threads.len(),
            self.baseline.descriptors.len(),
            mib(self.resident[Self::WARM_UP]),
            mib(*self.resident.last().expect("samples")),
            self.resident.len(),
            self.growth_per_cycle(),
            self.heap_growth_per_cycle()
        )
    }
}

/// Opens and closes the editor `cycles` times in `window` (each kept open for a few frames of
/// drawing) while `audio` runs, and fails at the first closing after which the process's threads
/// or file descriptors differ from before the first opening. Samples resident memory after each
/// closing (after `malloc_trim`, so freed memory does not hide growth).
pub fn open_and_close_repeatedly<R: Send + 'static>(
    host: &mut impl EditorHost,
    display: &Display,
    window: u32,
    audio: &AudioThread<R>,
    cycles: usize,
) -> CycleFigures {
    let baseline = Baseline::now();
    let blocks_before = audio.blocks();
    let mut resident = Vec::with_capacity(cycles);
    let mut heap = Vec::with_capacity(cycles);
    for cycle in 1..=cycles {
        host.open(display, window);
        pump_until(host, Duration::from_millis(60), || false);
        host.close(display, window);
        baseline.assert_unchanged(&format!("after closing {cycle}"));
        assert_eq!(
            host.registrations(),
            0,
            "after closing {cycle}: the plugin left handlers registered with the host's run loop"
        );
        resident.push(trimmed_resident_bytes());
        heap.push(heap_in_use_bytes());
    }
    CycleFigures {
        cycles,
        baseline,
        resident,
        heap,
        audio_blocks: audio.blocks() - blocks_before,
    }
}

/// Threads of this process (`/proc/self/task`).
pub fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("listing /proc/self/task")
        .count()
}
