//! The scale from the X server: desktops put `Xft.dpi` in the X resources (192 for 2×), and the
//! standalone app, and the editor in a host that sends no scale of its own, follow it: windows
//! twice the size, text and all. Each test starts an X server of its own (Xvfb, 2560 × 1600,
//! so that the standalone's default 900 × 600 at 2× fits) with the resources it needs, so that
//! no other test sees them.

use clack_extensions::gui::Window as ClapWindow;
use ringscope_host_tests::artifacts;
use ringscope_host_tests::clap::{load_entry, new_ringscope};
use ringscope_host_tests::editor::{X11_EMBEDDED, close_editor, pump_until};
use ringscope_host_tests::host_test;
use ringscope_host_tests::screenshot::{Image, MAX_GREY_DIFFERENCE_AT_2X};
use ringscope_host_tests::x11::{Display, PrivateServer, WindowInfo};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The standalone app on the dummy backend on `display`, killed (by its own pid) when dropped.
struct App(Child);

impl App {
    fn start(display: &str) -> Self {
        let child = Command::new(artifacts::standalone_binary())
            .args(["--backend", "dummy"])
            .env("DISPLAY", display)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting the standalone binary");
        Self(child)
    }

    /// The app's window once it is mapped.
    fn window(&mut self, display: &Display) -> WindowInfo {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.0.try_wait().expect("polling the app") {
                panic!("the standalone app exited ({status}) before showing a window");
            }
            let window = display
                .top_level_windows()
                .into_iter()
                .find(|w| w.viewable && w.width >= 200 && w.height >= 150);
            if let Some(window) = window {
                return window;
            }
            assert!(Instant::now() < deadline, "no window appeared within 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The top 30 logical rows of the standalone's window (its control bar: text and buttons, no
/// moving trace) at `scale`, once drawn and settled.
fn control_bar(display: &Display, window: &WindowInfo, scale: usize) -> Image {
    let (width, height) = (usize::from(window.width), 30 * scale);
    let crop = |picture: &Image| {
        let rgb = (0..height)
            .flat_map(|y| (0..width).flat_map(move |x| picture.pixel(x, y)))
            .collect();
        Image::new(width, height, rgb)
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last = crop(&display.capture(window.id));
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = crop(&display.capture(window.id));
        let drawn = now.distinct_colours(now.bounds()) > 16;
        if drawn && now.mean_grey_difference(&last) < 0.05 || Instant::now() > deadline {
            return now;
        }
        last = now;
    }
}

host_test!(
    timeout_s = 120;
    /// The standalone app takes its scale from the X server (`Xft.dpi`, as desktops set it):
    /// started on a server whose resources say `Xft.dpi: 192`, its window is twice the size it
    /// has without (900 × 600 → 1800 × 1200), and its picture, shrunk by 2, is the 1× picture.
    fn standalone_follows_xft_dpi() {
        let server = PrivateServer::start(2560, 1600);
        let display = Display::connect_to(server.name());
        let (at_1, bar_1) = {
            let mut app = App::start(server.name());
            let window = app.window(&display);
            ((window.width, window.height), control_bar(&display, &window, 1))
        };
        while !display.top_level_windows().iter().all(|w| !w.viewable) {
            std::thread::sleep(Duration::from_millis(50));
        }
        display.set_resources("Xft.dpi:\t192\n");
        let mut app = App::start(server.name());
        let window = app.window(&display);
        println!("standalone: {at_1:?} without Xft.dpi, {window:?} with Xft.dpi 192");
        assert_eq!(
            (window.width, window.height),
            (2 * at_1.0, 2 * at_1.1),
            "the standalone's window with Xft.dpi 192 (without: {at_1:?})"
        );
        let bar_2 = control_bar(&display, &window, 2);
        let dir = artifacts::target_dir().join("host-tests");
        bar_1.save_png(&dir.join("hidpi-standalone-1x-bar.png"));
        bar_2.save_png(&dir.join("hidpi-standalone-2x-bar.png"));
        let difference = bar_2.downscaled(2).mean_grey_difference(&bar_1);
        println!("standalone: control bar at 2× shrunk by 2 vs 1×: {difference:.2}");
        assert!(
            difference <= MAX_GREY_DIFFERENCE_AT_2X,
            "the standalone's control bar with Xft.dpi 192, shrunk by 2, differs from the bar at \
             1× by {difference:.1} grey levels on average (at most {MAX_GREY_DIFFERENCE_AT_2X}): its \
             text is not twice the size"
        );
    }
);

host_test!(
    timeout_s = 120;
    /// A CLAP host that sends no scale (`gui.set_scale` is optional), on a display with
    /// `Xft.dpi: 192`: the editor reports (`get_size`) the size its window gets, 1800 × 1200,
    /// twice the 900 × 600 it reports on a display without.
    fn clap_editor_follows_xft_dpi_when_the_host_sends_no_scale() {
        let server = PrivateServer::start(2560, 1600);
        let display = Display::connect_to(server.name());
        display.set_resources("Xft.dpi:\t192\n");
        // SAFETY: nothing else in this child process reads or writes the environment now.
        unsafe { std::env::set_var("DISPLAY", server.name()) };
        let entry = load_entry();
        let mut plugin = new_ringscope(&entry);
        let gui = plugin.extensions().gui.expect("clap.gui");
        let handle = plugin.instance.plugin_handle();
        let window = display.create_window(0, 0, 320, 240);
        gui.create(&handle, X11_EMBEDDED).expect("gui.create");
        let size = gui.get_size(&handle).expect("gui.get_size");
        assert_eq!(
            (size.width, size.height),
            (1800, 1200),
            "get_size with Xft.dpi 192 (900 x 600 at 1×)"
        );
        display.resize_window(window, size.width, size.height);
        // SAFETY: the host window lives until after `destroy`.
        unsafe { gui.set_parent(&handle, ClapWindow::from_x11_handle(window.into())) }
            .expect("gui.set_parent");
        gui.show(&handle).expect("gui.show");
        let shown = pump_until(&mut plugin, Duration::from_secs(10), || {
            !display.children(window).is_empty()
        });
        assert!(shown, "the editor's window did not appear in the host window");
        let child = display.children(window)[0];
        let info = display.window_info(child).expect("the editor's window");
        assert_eq!((info.width, info.height), (1800, 1200), "the editor's window");
        close_editor(&mut plugin, &display, window);
        display.destroy_window(window);
    }
);
