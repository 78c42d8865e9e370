//! The editor's tests without a window: frames drawn into a headless egui context.

use super::*;
use crate::params::RingscopeParams;
use crate::tap::{AudioTap, BlockInfo};

/// A host that is never asked anything: the editor only touches it to set parameters.
struct QuietHost;

impl GuiContextInner for QuietHost {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }
    unsafe fn raw_begin_set_parameter(&self, _param: ParamPtr) {}
    unsafe fn raw_set_parameter_normalized(&self, _param: ParamPtr, _normalized: f32) {}
    unsafe fn raw_end_set_parameter(&self, _param: ParamPtr) {}
    fn get_state(&self) -> PluginState {
        unreachable!("the editor never saves the state")
    }
    fn set_state(&self, _state: PluginState) {}
    fn request_restart(&self) {}
}

/// The state a window gets from `spawn`, without the window: the window's app as
/// `create_egui_editor` keeps it, the tap switched on and the guard that switches it off.
fn open_window(shared: &Arc<EditorShared>) -> (EditorApp, TapGuard) {
    let mut app = EditorApp::new(shared.clone());
    shared.window_opened();
    let guard = TapGuard(shared.clone());
    app.gui_context = Some(GuiContext::new(Arc::new(QuietHost)));
    (app, guard)
}

/// One frame of `app`, drawn at `now` into a 900 × 600 egui context with no window behind
/// it (every view lays out and paints; only the GPU is missing).
fn frame(ctx: &egui::Context, app: &mut EditorApp, now: Instant) -> egui::FullOutput {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(900.0, 600.0),
        )),
        ..Default::default()
    };
    let mut output = ctx.run_ui(input, |ui| app.draw(ui, now));
    // A renderer would upload the font atlas; there is none.
    output.textures_delta.clear();
    output
}

/// The tests' frames come at 60 Hz.
const STEP: Duration = Duration::from_micros(16_667);

/// When egui will draw again after `output`: `Duration::MAX` is never (until an event).
fn repaint_delay(output: &egui::FullOutput) -> Duration {
    output
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map_or(Duration::MAX, |v| v.repaint_delay)
}

fn info() -> BlockInfo {
    BlockInfo {
        sample_rate: 48_000.0,
        ..Default::default()
    }
}

fn plugin_side() -> (Arc<EditorShared>, AudioTap) {
    let shared = Arc::new(EditorShared::new(Arc::new(RingscopeParams::default())));
    let tap = shared.connect(48_000);
    (shared, tap)
}

#[test]
fn an_open_editor_on_silence_stops_drawing_and_draws_again_when_signal_returns() {
    let (shared, mut tap) = plugin_side();
    let ctx = egui::Context::default();
    let (mut app, guard) = open_window(&shared);
    let t0 = Instant::now();
    let mut now = t0;
    let mut output = frame(&ctx, &mut app, now);
    // Exact zeros at 60 frames per second, as long as egui asks for frames.
    while repaint_delay(&output) < Duration::MAX {
        assert!(
            now - t0 < Duration::from_secs(11),
            "still drawing after 11 s of zeros"
        );
        tap.write_block(&[[0.0f32; 800]], info());
        now += STEP;
        output = frame(&ctx, &mut app, now);
    }
    let settle = app.display.settle_time();
    assert!(now - t0 >= settle && settle <= Duration::from_secs(10));
    assert_eq!(shared.editor_demand(), Demand::Rest);
    let drawn = shared.frames_drawn();

    // A block with signal wakes the window at once (the audio side raises the repaint flag
    // the window polls, and streams again), and its frame asks for the display rate.
    tap.write_block(&[[0.25f32; 800]], info());
    assert_eq!(shared.editor_demand(), Demand::Stream);
    now += STEP;
    let output = frame(&ctx, &mut app, now);
    assert!(repaint_delay(&output) <= shared.params.frame_rate.value().period());
    assert_eq!(shared.frames_drawn(), drawn + 1);
    drop((app, guard));
    assert_eq!(shared.editor_demand(), Demand::Off);
}

/// Set in the child process that runs the thousand windows alone.
const CYCLES_CHILD: &str = "RINGSCOPE_EDITOR_CYCLES_CHILD";

/// Bytes the process's allocator has handed out and not had back (glibc).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn heap_in_use() -> usize {
    /// glibc's `struct mallinfo2`.
    #[repr(C)]
    struct MallInfo2 {
        arena: usize,
        ordblks: usize,
        smblks: usize,
        hblks: usize,
        hblkhd: usize,
        usmblks: usize,
        fsmblks: usize,
        uordblks: usize,
        fordblks: usize,
        keepcost: usize,
    }
    unsafe extern "C" {
        fn mallinfo2() -> MallInfo2;
    }
    // SAFETY: `mallinfo2` takes nothing, returns a plain struct by value and only reads
    // the allocator's statistics.
    let info = unsafe { mallinfo2() };
    info.uordblks + info.hblkhd
}

/// Threads of this process.
fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |tasks| tasks.count())
}

#[test]
fn a_thousand_editor_windows_leave_nothing_behind() {
    if std::env::var_os(CYCLES_CHILD).is_none() {
        // Alone in a process of its own, so that no other test's allocations or threads
        // are counted.
        let name = "editor::tests::a_thousand_editor_windows_leave_nothing_behind";
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", name, "--test-threads=1", "--nocapture"])
            .env(CYCLES_CHILD, "1")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{text}");
        assert!(text.contains("1 passed"), "the child ran nothing:\n{text}");
        return;
    }
    let (shared, mut tap) = plugin_side();
    let ctx = egui::Context::default();
    let now = Instant::now();
    let block: Vec<f32> = (0..64).map(|n| (n as f32 * 0.1).sin() * 0.5).collect();
    let mut cycle = |i: u32| {
        // Closed: the audio side writes nothing. On odd cycles, look (what the last window
        // left unread is all there is); on even ones, leave it for the window to discard.
        assert_eq!(shared.editor_demand(), Demand::Off, "{i}");
        tap.write_block(&[&block[..]], info());
        if i % 2 == 1 {
            let left = shared.with_reader(|r, _| r.discard_all());
            assert_eq!(left, Some(32), "{i}");
        }

        let (mut app, guard) = open_window(&shared);
        assert_eq!(shared.editor_demand(), Demand::Stream, "{i}");
        tap.write_block(&[&block[..]], info());
        let at = now + Duration::from_millis(u64::from(i));
        let output = frame(&ctx, &mut app, at);
        let period = shared.params.frame_rate.value().period();
        assert!(repaint_delay(&output) <= period, "{i}");
        assert_eq!(
            app.display.frames_received, 64,
            "{i}: only this window's frames, none left over from the last one"
        );
        // Leave something unread: the next window must not show it.
        tap.write_block(&[[-1.0f32; 32]], info());
        // The host closes the window: baseview drops the app, the host the handle.
        drop(app);
        drop(guard);
        assert_eq!(shared.editor_demand(), Demand::Off, "{i}");
    };
    // Warm up what egui and the allocator keep for good (fonts, glyph atlas, arenas).
    for i in 0..20 {
        cycle(i);
    }
    let (threads, generation) = (thread_count(), shared.with_reader(|_, g| g));
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    let heap = heap_in_use();
    for i in 20..1000 {
        cycle(i);
    }
    assert_eq!(
        Arc::strong_count(&shared),
        1,
        "a window kept the shared state"
    );
    assert_eq!(thread_count(), threads, "a window left a thread behind");
    assert_eq!(
        shared.with_reader(|_, g| g),
        generation,
        "the reader was replaced"
    );
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // 980 windows: a leak of even 40 bytes a window would exceed this.
        let grown = heap_in_use().saturating_sub(heap);
        assert!(
            grown < 40 * 980,
            "{grown} bytes more in use after 980 windows"
        );
    }
}

#[cfg(test)]
mod fill;
