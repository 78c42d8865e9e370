//! The editor on a HiDPI screen: a host that works at 2× tells the plugin so (CLAP's
//! `gui.set_scale`, VST3's `IPlugViewContentScaleSupport`), and the editor must then report and
//! create a window twice the size in each dimension, draw its text and widgets twice as big (the
//! same picture at four times the pixels) and read the pointer at the same logical place. The
//! standalone app takes its scale from the X server's `Xft.dpi` instead (`tests/xft_dpi.rs`).
//!
//! Each format's test opens the editor at 1× and at 2× (a fresh instance each, at 600 × 400
//! logical so that 2× fits the 1280 × 1024 screen), with no audio running so that both pictures
//! are still, and compares: the sizes, the 2× picture shrunk by 2 against the 1× one, and where
//! the hover crosshair lands with the pointer at the same logical point.

use clack_extensions::gui::GuiSize;
use clack_extensions::gui::Window as ClapWindow;
use clack_host::prelude::PluginEntry;
use ringscope_host_tests::clap::{Plugin, load_entry, new_ringscope};
use ringscope_host_tests::editor::{
    EditorHost, X11_EMBEDDED, close_editor, pump_until, settled_picture, wait_for_drawing,
    wait_until_embedded, wait_until_removed,
};
use ringscope_host_tests::host_test;
use ringscope_host_tests::screenshot::{Image, MAX_GREY_DIFFERENCE_AT_2X};
use ringscope_host_tests::vst3::{Frame, Instance, Module};
use ringscope_host_tests::x11::Display;
use std::ffi::c_void;
use std::time::{Duration, Instant};
use vst3::Steinberg::{
    IPlugFrame, IPlugView, IPlugViewContentScaleSupport, IPlugViewContentScaleSupportTrait,
    IPlugViewTrait, ViewRect, kPlatformTypeX11EmbedWindowID, kResultOk,
};
use vst3::{ComPtr, ComWrapper};

/// The editor's logical size in these tests: above its [`MINIMUM`], and small enough that twice
/// it fits the test screen.
const LOGICAL: (u32, u32) = (600, 400);

/// The editor's smallest logical size (`EditorGeometry::MIN_WIDTH`/`MIN_HEIGHT`).
const MINIMUM: (u32, u32) = (480, 320);

/// Where the pointer goes, in logical pixels of the editor: inside the scope's plot (the upper
/// half of the default split view, right of its level axis).
const POINTER: (u32, u32) = (220, 120);

/// What one opening of the editor at a scale showed.
struct Opening {
    scale: u32,
    /// The size the editor reported before the host sized it (`get_size`/`getSize`), in
    /// physical pixels.
    default_size: (u32, u32),
    /// The editor's X window, as created and sized, in physical pixels.
    window_size: (u32, u32),
    /// The size the editor asked the host for after a scale came to the open editor (VST3).
    requested_size: Option<(i32, i32)>,
    /// The editor with the pointer outside.
    still: Image,
    /// The editor with the pointer at [`POINTER`] (× scale).
    hovered: Image,
}

/// With the editor open in `window` at `scale`: waits for its drawing, takes a still picture,
/// moves the pointer to [`POINTER`] × `scale` and takes a hovered one; the pictures are saved
/// as `target/host-tests/<name>-{still,hovered}.png`.
fn look_at(
    host: &mut impl EditorHost,
    display: &Display,
    window: u32,
    scale: u32,
    name: &str,
) -> (Image, Image) {
    let (width, height) = (LOGICAL.0 * scale, LOGICAL.1 * scale);
    // Park the pointer outside the host window (at the screen's origin it would hover the
    // editor).
    display.warp_pointer(window, (width + 40) as i16, (height + 40) as i16);
    wait_for_drawing(host, display, window, false, &format!("{name}-first"));
    let still = settled_picture(host, display, window);
    let (x, y) = (POINTER.0 * scale, POINTER.1 * scale);
    display.warp_pointer(window, x as i16, y as i16);
    let deadline = Instant::now() + Duration::from_secs(10);
    let hovered = loop {
        let picture = settled_picture(host, display, window);
        if picture.mean_grey_difference(&still) > 0.05 || Instant::now() > deadline {
            break picture;
        }
    };
    let dir = ringscope_host_tests::artifacts::target_dir().join("host-tests");
    still.save_png(&dir.join(format!("{name}-still.png")));
    hovered.save_png(&dir.join(format!("{name}-hovered.png")));
    (still, hovered)
}

/// The size of the editor's window inside the host's `window`.
fn editor_window_size(display: &Display, window: u32) -> (u32, u32) {
    let child = *display
        .children(window)
        .first()
        .expect("the editor's window inside the host window");
    let info = display.window_info(child).expect("the editor's window");
    (u32::from(info.width), u32::from(info.height))
}

/// Where the hover crosshair is in `hovered`: the column and the row with the most pixels
/// changed from `still` (the crosshair's lines span the plot; the readout box beside them is
/// shorter and narrower).
fn crosshair(still: &Image, hovered: &Image) -> (usize, usize) {
    let changed = |x, y| (still.grey(x, y) - hovered.grey(x, y)).abs() > 24.0;
    let (width, height) = (still.width(), still.height());
    let column = (0..width)
        .max_by_key(|&x| (0..height).filter(|&y| changed(x, y)).count())
        .expect("a picture");
    let row = (0..height)
        .max_by_key(|&y| (0..width).filter(|&x| changed(x, y)).count())
        .expect("a picture");
    (column, row)
}

/// The checks shared by both formats: `at_1` and `at_2` are openings at 1× and 2×.
fn assert_twice_the_size_and_the_same_picture(format: &str, at_1: &Opening, at_2: &Opening) {
    assert_eq!((at_1.scale, at_2.scale), (1, 2));
    let twice = |(w, h): (u32, u32)| (2 * w, 2 * h);
    assert_eq!(
        at_2.default_size,
        twice(at_1.default_size),
        "{format}: the editor's size before the host sized it, at 2× (at 1×: {:?})",
        at_1.default_size
    );
    assert_eq!(
        at_1.window_size, LOGICAL,
        "{format}: the editor's window at 1×"
    );
    assert_eq!(
        at_2.window_size,
        twice(LOGICAL),
        "{format}: the editor's window at 2×"
    );
    let shrunk = at_2.still.downscaled(2);
    let difference = shrunk.mean_grey_difference(&at_1.still);
    println!("{format}: 2× shrunk by 2 vs 1×: mean grey difference {difference:.2}");
    assert!(
        difference <= MAX_GREY_DIFFERENCE_AT_2X,
        "{format}: the editor at 2×, shrunk by 2, differs from the editor at 1× by {difference:.1} \
         grey levels on average (at most {MAX_GREY_DIFFERENCE_AT_2X}): text and widgets are not twice \
         the size (pictures in target/host-tests/hidpi-{}-*.png)",
        format.to_lowercase()
    );
    let (x1, y1) = crosshair(&at_1.still, &at_1.hovered);
    let (x2, y2) = crosshair(&at_2.still, &at_2.hovered);
    println!("{format}: crosshair at ({x1}, {y1}) at 1×, ({x2}, {y2}) at 2×");
    let near = |found: usize, wanted: u32, scale: u32| {
        (found as f64 - f64::from(wanted * scale)).abs() <= f64::from(scale + 1)
    };
    assert!(
        near(x1, POINTER.0, 1) && near(y1, POINTER.1, 1),
        "{format}: at 1× the pointer at {POINTER:?} puts the crosshair at ({x1}, {y1})"
    );
    assert!(
        near(x2, POINTER.0, 2) && near(y2, POINTER.1, 2),
        "{format}: at 2× the pointer at {:?} (logical {POINTER:?}) puts the crosshair at \
         ({x2}, {y2})",
        (POINTER.0 * 2, POINTER.1 * 2)
    );
}

/// Opens a fresh instance's CLAP editor at `scale` as the CLAP spec orders it (`create`,
/// `set_scale`, `get_size`, then the host's size through `adjust_size`/`set_size`, `set_parent`,
/// `show`), looks at it and closes it.
fn clap_opening(display: &Display, entry: &PluginEntry, scale: u32) -> Opening {
    let mut plugin: Plugin = new_ringscope(entry);
    let gui = plugin.extensions().gui.expect("clap.gui");
    let handle = plugin.instance.plugin_handle();
    let window = display.create_window(0, 0, 320, 240);
    gui.create(&handle, X11_EMBEDDED).expect("gui.create");
    gui.set_scale(&handle, f64::from(scale))
        .unwrap_or_else(|e| panic!("gui.set_scale({scale}) failed: {e:?}"));
    let default = gui.get_size(&handle).expect("gui.get_size");
    let wanted = GuiSize {
        width: LOGICAL.0 * scale,
        height: LOGICAL.1 * scale,
    };
    assert_eq!(
        gui.adjust_size(&handle, wanted),
        Some(wanted),
        "gui.adjust_size at {scale}×"
    );
    let tiny = GuiSize {
        width: 10,
        height: 10,
    };
    let minimum = GuiSize {
        width: MINIMUM.0 * scale,
        height: MINIMUM.1 * scale,
    };
    assert_eq!(
        gui.adjust_size(&handle, tiny),
        Some(minimum),
        "gui.adjust_size(10x10) at {scale}× gives the minimum ({MINIMUM:?} logical)"
    );
    gui.set_size(&handle, wanted).expect("gui.set_size");
    assert_eq!(
        gui.get_size(&handle),
        Some(wanted),
        "get_size after set_size"
    );
    display.resize_window(window, wanted.width, wanted.height);
    // SAFETY: the host window lives until after `destroy`.
    unsafe { gui.set_parent(&handle, ClapWindow::from_x11_handle(window.into())) }
        .expect("gui.set_parent");
    gui.show(&handle).expect("gui.show");
    let (still, hovered) = look_at(
        &mut plugin,
        display,
        window,
        scale,
        &format!("hidpi-clap-{scale}x"),
    );
    let window_size = editor_window_size(display, window);
    close_editor(&mut plugin, display, window);
    display.destroy_window(window);
    Opening {
        scale,
        default_size: (default.width, default.height),
        window_size,
        requested_size: None,
        still,
        hovered,
    }
}

host_test!(
    timeout_s = 120;
    /// CLAP at 2×: `gui.set_scale(2)` doubles the reported and the created size, the picture is
    /// the 1× picture at twice the size, and the hover crosshair follows the pointer.
    fn clap_editor_follows_the_hosts_scale() {
        let display = Display::connect();
        let entry = load_entry();
        let at_1 = clap_opening(&display, &entry, 1);
        let at_2 = clap_opening(&display, &entry, 2);
        assert_twice_the_size_and_the_same_picture("CLAP", &at_1, &at_2);
    }
);

/// A VST3 host at a scale: [`EditorHost::open`] creates the view, gives it the host's frame,
/// calls `setContentScaleFactor` before `attached` (`before_attached`) or right after it,
/// `getSize`, `attached`, and sizes the editor to [`LOGICAL`] × scale through `onSize`.
struct ScaledVst3Host<'i, 'm> {
    instance: &'i Instance<'m>,
    frame: ComWrapper<Frame>,
    view: Option<ComPtr<IPlugView>>,
    scale: u32,
    before_attached: bool,
    /// What `getSize` reported before the host sized the editor.
    default_size: (u32, u32),
    /// The editor's window right after `attached`, before `onSize`.
    attached_size: (u32, u32),
    /// The size the editor asked for (`IPlugFrame::resizeView`) when the scale came after
    /// `attached`.
    requested_size: Option<(i32, i32)>,
}

impl ScaledVst3Host<'_, '_> {
    fn set_content_scale(&self, view: &ComPtr<IPlugView>) {
        let support = view
            .cast::<IPlugViewContentScaleSupport>()
            .expect("the view implements IPlugViewContentScaleSupport");
        for nonsense in [0.0, -2.0, f32::NAN, f32::INFINITY] {
            // SAFETY: a plain COM call on a live view.
            let result = unsafe { support.setContentScaleFactor(nonsense) };
            assert_ne!(
                result, kResultOk,
                "setContentScaleFactor({nonsense}) accepted"
            );
        }
        let scale = self.scale as f32;
        // SAFETY: a plain COM call on a live view.
        let result = unsafe { support.setContentScaleFactor(scale) };
        assert_eq!(result, kResultOk, "setContentScaleFactor({scale})");
    }
}

impl EditorHost for ScaledVst3Host<'_, '_> {
    fn pump(&mut self) {
        self.frame.pump();
    }

    fn open(&mut self, display: &Display, window: u32) -> (u32, u32) {
        let view = self.instance.create_view().expect("createView(\"editor\")");
        let frame = self
            .frame
            .to_com_ptr::<IPlugFrame>()
            .expect("the frame is an IPlugFrame");
        let mut rect = ViewRect {
            left: 0,
            top: 0,
            right: 0,
            bottom: 0,
        };
        // SAFETY: COM calls with valid arguments; the frame and the host window outlive the
        // view's attachment (removed in `close`).
        unsafe { assert_eq!(view.setFrame(frame.as_ptr()), kResultOk, "setFrame") };
        if self.before_attached {
            self.set_content_scale(&view);
        }
        // SAFETY: as above.
        unsafe { assert_eq!(view.getSize(&mut rect), kResultOk, "getSize") };
        let size = (
            (rect.right - rect.left) as u32,
            (rect.bottom - rect.top) as u32,
        );
        self.default_size = size;
        display.resize_window(window, size.0, size.1);
        // SAFETY: as above; VST3 passes an X11 window ID as the parent pointer.
        unsafe {
            assert_eq!(
                view.attached(
                    window as usize as *mut c_void,
                    kPlatformTypeX11EmbedWindowID
                ),
                kResultOk,
                "attached"
            );
        }
        wait_until_embedded(self, display, window);
        self.attached_size = editor_window_size(display, window);
        if !self.before_attached {
            self.set_content_scale(&view);
            let frame = self.frame.clone();
            let asked = pump_until(self, Duration::from_secs(10), || {
                frame.last_resize_request().is_some()
            });
            assert!(
                asked,
                "no IPlugFrame::resizeView after setContentScaleFactor on the open view"
            );
            self.requested_size = self.frame.last_resize_request();
        }
        let mut tiny = ViewRect {
            left: 0,
            top: 0,
            right: 10,
            bottom: 10,
        };
        // SAFETY: as above.
        unsafe {
            assert_eq!(
                view.checkSizeConstraint(&mut tiny),
                kResultOk,
                "checkSizeConstraint"
            )
        };
        assert_eq!(
            (tiny.right, tiny.bottom),
            (
                (MINIMUM.0 * self.scale) as i32,
                (MINIMUM.1 * self.scale) as i32
            ),
            "checkSizeConstraint(10x10) at {}× gives the minimum ({MINIMUM:?} logical)",
            self.scale
        );
        let (width, height) = (LOGICAL.0 * self.scale, LOGICAL.1 * self.scale);
        display.resize_window(window, width, height);
        let mut wanted = ViewRect {
            left: 0,
            top: 0,
            right: width as i32,
            bottom: height as i32,
        };
        // SAFETY: as above.
        unsafe {
            assert_eq!(
                view.onSize(&mut wanted),
                kResultOk,
                "onSize({width}x{height})"
            )
        };
        self.view = Some(view);
        (width, height)
    }

    fn close(&mut self, display: &Display, window: u32) {
        let view = self.view.take().expect("the editor is open");
        // SAFETY: plain COM calls on the attached view.
        unsafe {
            assert_eq!(view.removed(), kResultOk, "removed");
            assert_eq!(
                view.setFrame(std::ptr::null_mut()),
                kResultOk,
                "setFrame(null)"
            );
        }
        drop(view);
        wait_until_removed(self, display, window);
    }
}

/// Opens a fresh instance's VST3 editor at `scale` ([`ScaledVst3Host`]), looks at it and closes
/// it.
fn vst3_opening(display: &Display, module: &Module, scale: u32, before_attached: bool) -> Opening {
    let instance = module.create(&module.audio_class().cid);
    let mut host = ScaledVst3Host {
        instance: &instance,
        frame: Frame::new(),
        view: None,
        scale,
        before_attached,
        default_size: (0, 0),
        attached_size: (0, 0),
        requested_size: None,
    };
    let window = display.create_window(0, 0, 320, 240);
    host.open(display, window);
    if before_attached {
        assert_eq!(
            host.attached_size, host.default_size,
            "VST3 at {scale}×: the editor's window as attached, against the size getSize reported"
        );
    }
    let name = format!(
        "hidpi-vst3-{scale}x{}",
        if before_attached { "" } else { "-late" }
    );
    let (still, hovered) = look_at(&mut host, display, window, scale, &name);
    let window_size = editor_window_size(display, window);
    host.close(display, window);
    display.destroy_window(window);
    Opening {
        scale,
        default_size: host.default_size,
        window_size,
        requested_size: host.requested_size,
        still,
        hovered,
    }
}

host_test!(
    timeout_s = 120;
    /// VST3 at 2×: `setContentScaleFactor(2)` before `attached` doubles the reported and the
    /// created size, the picture is the 1× picture at twice the size and the hover crosshair
    /// follows the pointer; set right after `attached` instead, the open editor doubles too.
    fn vst3_editor_follows_the_hosts_scale() {
        let display = Display::connect();
        let module = Module::load();
        let at_1 = vst3_opening(&display, &module, 1, true);
        let at_2 = vst3_opening(&display, &module, 2, true);
        assert_twice_the_size_and_the_same_picture("VST3", &at_1, &at_2);
        let late = vst3_opening(&display, &module, 2, false);
        assert_eq!(
            late.requested_size,
            Some((2 * at_1.default_size.0 as i32, 2 * at_1.default_size.1 as i32)),
            "VST3: the size the editor asked for (resizeView) when the scale came after attached"
        );
        assert_eq!(
            late.window_size,
            (2 * LOGICAL.0, 2 * LOGICAL.1),
            "VST3: the editor's window with the scale set after attached"
        );
        let difference = late.still.downscaled(2).mean_grey_difference(&at_1.still);
        assert!(
            difference <= MAX_GREY_DIFFERENCE_AT_2X,
            "VST3: with the scale set after attached the editor at 2× differs from 1× by \
             {difference:.1} grey levels"
        );
    }
);
