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
        // Then several pictures, 300 ms apart: every frame a user sees must hold the plots (an
        // intermittent glitch, e.g. a scope that sometimes draws a sliver, fails every time
        // rather than now and then), and consecutive frames must differ (a hung GUI would keep
        // showing its last frame).
        const PICTURES: usize = 5;
        let mut pictures = Vec::with_capacity(PICTURES);
        for i in 0..PICTURES {
            if i > 0 {
                std::thread::sleep(Duration::from_millis(300));
            }
            app.assert_running("while running with the dummy backend");
            pictures.push(display.capture(window.id));
        }
        app.assert_running("while running with the dummy backend");

        let mut problems = Vec::new();
        for (i, picture) in pictures.iter().enumerate() {
            let path = artifacts::target_dir().join(format!("host-tests/standalone-{i}.png"));
            picture.save_png(&path);
            let seen = format!("(picture {i}, saved at {})", path.display());
            // Not blank, not black, not a one-colour error box: many colours, none dominating.
            let (colour, share) = picture.dominant_colour(picture.bounds());
            let colours = picture.distinct_colours(picture.bounds());
            if !(share < 0.85 && colours > 64) {
                problems.push(format!(
                    "the window looks blank: {colours} colours, {colour:?} covers {:.0} % {seen}",
                    share * 100.0
                ));
            }
            // A trace in the scope and a curve in the spectrum: coloured ink across most of
            // each plot's width that is not a flat line (a silent input draws one): either its
            // height varies from column to column (a wave, a spectrum), or it is a band many
            // pixels thick (the min/max envelope of a tone too fast for the time window, which
            // the sweep becomes in its top octaves).
            let (scope_area, spectrum_area) = plot_areas(picture);
            for (name, area) in [("scope", scope_area), ("spectrum", spectrum_area)] {
                let curve = CurveStats::measure(picture, area, is_chromatic);
                println!("picture {i}, {name} {area:?}: {curve:?}");
                let shaped = curve.row_spread > 4.0 || curve.thickness > 12.0;
                if !(curve.column_coverage > 0.5 && shaped) {
                    problems.push(format!(
                        "no {name} curve across the plot: coloured pixels cover {:.0} % of its \
                         columns, their height varies by {:.1} px, {:.1} px thick {seen}",
                        curve.column_coverage * 100.0,
                        curve.row_spread,
                        curve.thickness
                    ));
                }
            }
        }
        for (i, pair) in pictures.windows(2).enumerate() {
            let (a, b) = (&pair[0], &pair[1]);
            let changed = (0..a.height())
                .flat_map(|y| (0..a.width()).map(move |x| (x, y)))
                .filter(|&(x, y)| a.pixel(x, y) != b.pixel(x, y))
                .count();
            let share = changed as f64 / (a.width() * a.height()) as f64;
            if share <= 0.002 {
                problems.push(format!(
                    "pictures {i} and {} are the same ({:.2} % of pixels changed in 300 ms): the \
                     display does not move",
                    i + 1,
                    share * 100.0
                ));
            }
        }
        assert!(
            problems.is_empty(),
            "the standalone window does not show the test signal as it should:\n  {}",
            problems.join("\n  ")
        );
        // Only a good picture becomes the README's screenshot.
        pictures[PICTURES - 1].save_png(&artifacts::repo_root().join("docs/screenshot.png"));

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
