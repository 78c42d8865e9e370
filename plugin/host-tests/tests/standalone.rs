//! The standalone app as a newcomer meets it: `ringscope --backend dummy` on a machine with no
//! audio device, under a virtual X server. It must open a window that shows the test signal's
//! trace and spectrum, keep running, and quit when the window is closed.
//!
//! The newest capture is kept as the README's screenshot, `docs/screenshot.png`.

use ringscope_host_tests::artifacts;
use ringscope_host_tests::host_test;
use ringscope_host_tests::screenshot::{CurveStats, Image, Rect, is_chromatic};
use ringscope_host_tests::x11::{Display, WindowInfo};
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The standalone process, killed (by its own pid) if the test ends early.
struct App {
    child: Child,
}

impl App {
    fn start() -> Self {
        let child = Command::new(artifacts::standalone_binary())
            .args(["--backend", "dummy"])
            .env("NICE_LOG", "stderr")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting the standalone binary");
        Self { child }
    }

    /// Fails with the app's output if it has exited.
    fn assert_running(&mut self, moment: &str) {
        if let Some(status) = self.child.try_wait().expect("polling the app") {
            panic!(
                "the standalone app exited {moment} ({status}):\n{}",
                self.output()
            );
        }
    }

    fn output(&mut self) -> String {
        let mut text = String::new();
        if let Some(out) = self.child.stdout.as_mut() {
            let _ = out.read_to_string(&mut text);
        }
        if let Some(err) = self.child.stderr.as_mut() {
            let _ = err.read_to_string(&mut text);
        }
        text
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Waits for a new top-level window of a sensible size to be mapped.
fn wait_for_window(display: &Display, app: &mut App, before: &[WindowInfo]) -> WindowInfo {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        app.assert_running("before showing a window");
        let new = display.top_level_windows().into_iter().find(|w| {
            w.viewable && w.width >= 200 && w.height >= 150 && !before.iter().any(|b| b.id == w.id)
        });
        if let Some(window) = new {
            return window;
        }
        assert!(
            Instant::now() < deadline,
            "no window appeared within 60 s; app output:\n{}",
            app.output()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The plot areas of the default "scope + spectrum" view: the window minus the control bar
/// (top), the status bar (bottom) and the meters strip (right), split into an upper half (the
/// scope) and a lower half (the spectrum), each trimmed by a small margin so neither holds the
/// other's frame or axis labels.
fn plot_areas(image: &Image) -> (Rect, Rect) {
    let (w, h) = (image.width(), image.height());
    let top = h * 6 / 100;
    let bottom = h - h * 6 / 100;
    let right = w - w * 16 / 100;
    let middle = (top + bottom) / 2;
    let margin = h / 40;
    let scope = Rect {
        x: w / 50,
        y: top + margin,
        width: right - w / 50,
        height: middle - top - 2 * margin,
    };
    let spectrum = Rect {
        x: w / 50,
        y: middle + margin,
        width: right - w / 50,
        height: bottom - middle - 2 * margin,
    };
    (scope, spectrum)
}

host_test!(
    timeout_s = 180;
    fn standalone_shows_the_test_signal_trace_and_spectrum_and_quits_on_close() {
        let display = Display::connect();
        let before = display.top_level_windows();
        let mut app = App::start();
        let window = wait_for_window(&display, &mut app, &before);
        // Let it run: the test signal fills the ring, the analysis settles, egui repaints.
        std::thread::sleep(Duration::from_secs(4));
        app.assert_running("while running with the dummy backend");
        let picture = display.capture(window.id);
        app.assert_running("while running with the dummy backend");

        // A second picture a second later: a running app keeps drawing the moving test signal;
        // a hung GUI would still show its last frame.
        std::thread::sleep(Duration::from_secs(1));
        let later = display.capture(window.id);
        app.assert_running("while running with the dummy backend");

        let capture = artifacts::target_dir().join("host-tests/standalone.png");
        picture.save_png(&capture);
        let seen = format!("(picture saved at {})", capture.display());

        // Not blank, not black, not a one-colour error box: many colours, none dominating.
        let (colour, share) = picture.dominant_colour(picture.bounds());
        let colours = picture.distinct_colours(picture.bounds());
        assert!(
            share < 0.85 && colours > 64,
            "the window looks blank: {colours} colours, {colour:?} covers {:.0} % {seen}",
            share * 100.0
        );
        // A trace in the scope and a curve in the spectrum: coloured ink across most of each
        // plot's width that is not a flat line (a silent input draws one) nor a solid block (an
        // error banner): its height varies from column to column.
        let (scope_area, spectrum_area) = plot_areas(&picture);
        for (name, area) in [("scope", scope_area), ("spectrum", spectrum_area)] {
            let curve = CurveStats::measure(&picture, area, is_chromatic);
            println!("{name} {area:?}: {curve:?}");
            assert!(
                curve.column_coverage > 0.5 && curve.row_spread > 4.0,
                "no {name} curve drawn: coloured pixels cover {:.0} % of the plot's columns, \
                 their height varies by {:.1} px {seen}",
                curve.column_coverage * 100.0,
                curve.row_spread
            );
        }
        let changed = (0..picture.height())
            .flat_map(|y| (0..picture.width()).map(move |x| (x, y)))
            .filter(|&(x, y)| picture.pixel(x, y) != later.pixel(x, y))
            .count();
        let changed_share = changed as f64 / (picture.width() * picture.height()) as f64;
        assert!(
            changed_share > 0.005,
            "the picture did not move in a second ({:.2} % of pixels changed) {seen}",
            changed_share * 100.0
        );
        // Only a good picture becomes the README's screenshot.
        picture.save_png(&artifacts::repo_root().join("docs/screenshot.png"));

        // Closing the window quits the app.
        display.request_close(window.id);
        let deadline = Instant::now() + Duration::from_secs(15);
        let status = loop {
            if let Some(status) = app.child.try_wait().expect("polling the app") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the app still runs 15 s after its window was closed"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let output = app.output();
        assert!(status.success(), "the app exited with {status} after closing:\n{output}");
    }
);
