//! The X11 side of GUI tests: a host window for an embedded plugin editor, the top-level windows
//! on the display, and pictures of them.
//!
//! GUI tests need an X server. Under CI that is Xvfb with Mesa's software OpenGL:
//! `xvfb-run -a -s "-screen 0 1280x1024x24 -noreset" cargo test ...` (scripts/test.sh does this). Without
//! `DISPLAY` the tests fail and say so; they do not skip.

use crate::screenshot::Image;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConfigureWindowAux, ConnectionExt as _, CreateWindowAux,
    EventMask, ImageFormat, MapState, Window, WindowClass,
};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

/// How to get a display when there is none.
pub const NEEDS_DISPLAY: &str = "this GUI test needs an X display with 24-bit colour and OpenGL \
     (Mesa): run it under `xvfb-run -a -s \"-screen 0 1280x1024x24 -noreset\" cargo test ...` \
     (scripts/test.sh does)";

/// A connection to the X server in `DISPLAY`.
pub struct Display {
    conn: RustConnection,
    screen: usize,
}

/// A top-level window on the display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowInfo {
    /// The X window ID.
    pub id: Window,
    /// Its title (`_NET_WM_NAME` or `WM_NAME`), empty if none.
    pub title: String,
    /// Width in pixels.
    pub width: u16,
    /// Height in pixels.
    pub height: u16,
    /// Whether it is mapped and viewable.
    pub viewable: bool,
}

impl Display {
    /// Connects to `DISPLAY`, failing with instructions when there is no display.
    pub fn connect() -> Self {
        let name = std::env::var("DISPLAY").unwrap_or_default();
        assert!(!name.is_empty(), "DISPLAY is not set: {NEEDS_DISPLAY}");
        Self::connect_to(&name)
    }

    /// Connects to the display `name` (e.g. `:5`), failing with instructions when it cannot.
    pub fn connect_to(name: &str) -> Self {
        // An X server started without `-noreset` resets when its last client leaves (the app
        // that just quit, the previous test's process), and closes a connection made during the
        // reset ("failed to read whole buffer", seen between two signals of the standalone
        // test): try again for a moment before calling the display missing.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
        let (conn, screen) = loop {
            match RustConnection::connect(Some(name)) {
                Ok(connected) => break connected,
                Err(_) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(e) => panic!("cannot connect to DISPLAY={name}: {e}. {NEEDS_DISPLAY}"),
            }
        };
        let display = Self { conn, screen };
        let depth = display.conn.setup().roots[screen].root_depth;
        assert!(
            depth >= 24,
            "the display has depth {depth}: {NEEDS_DISPLAY}"
        );
        display
    }

    fn root(&self) -> Window {
        self.conn.setup().roots[self.screen].root
    }

    /// Creates and maps a plain window at (`x`, `y`), the host side of an embedded editor.
    pub fn create_window(&self, x: i16, y: i16, width: u16, height: u16) -> Window {
        let screen = &self.conn.setup().roots[self.screen];
        let window = self.conn.generate_id().expect("an X window ID");
        self.conn
            .create_window(
                x11rb::COPY_DEPTH_FROM_PARENT,
                window,
                screen.root,
                x,
                y,
                width,
                height,
                0,
                WindowClass::INPUT_OUTPUT,
                x11rb::COPY_FROM_PARENT,
                &CreateWindowAux::new()
                    .background_pixel(screen.black_pixel)
                    .event_mask(EventMask::STRUCTURE_NOTIFY),
            )
            .and_then(|_| self.conn.map_window(window))
            .expect("creating the host window");
        self.sync();
        window
    }

    /// Resizes a window.
    pub fn resize_window(&self, window: Window, width: u32, height: u32) {
        self.conn
            .configure_window(
                window,
                &ConfigureWindowAux::new().width(width).height(height),
            )
            .expect("resizing the host window");
        self.sync();
    }

    /// Moves the pointer to (`x`, `y`) inside `window` (`XWarpPointer`), as if the user moved
    /// the mouse there: the window under it gets the motion event.
    pub fn warp_pointer(&self, window: Window, x: i16, y: i16) {
        self.conn
            .warp_pointer(x11rb::NONE, window, 0, 0, 0, 0, x, y)
            .expect("warping the pointer");
        self.sync();
    }

    /// Replaces the X resources of the display (the root window's `RESOURCE_MANAGER`, what
    /// `xrdb -load` sets), e.g. `"Xft.dpi:\t192\n"`: programs that connect afterwards read them.
    pub fn set_resources(&self, resources: &str) {
        self.conn
            .change_property8(
                x11rb::protocol::xproto::PropMode::REPLACE,
                self.root(),
                AtomEnum::RESOURCE_MANAGER,
                AtomEnum::STRING,
                resources.as_bytes(),
            )
            .expect("setting RESOURCE_MANAGER");
        self.sync();
    }

    /// Destroys a window.
    pub fn destroy_window(&self, window: Window) {
        self.conn
            .destroy_window(window)
            .expect("destroying the host window");
        self.sync();
    }

    /// Asks a top-level window to close, as a window manager's close button does
    /// (`WM_DELETE_WINDOW`).
    pub fn request_close(&self, window: Window) {
        let atom = |name: &[u8]| {
            self.conn
                .intern_atom(false, name)
                .map_err(x11rb::errors::ReplyError::from)
                .and_then(|c| c.reply())
                .expect("interning an atom")
                .atom
        };
        let protocols = atom(b"WM_PROTOCOLS");
        let delete = atom(b"WM_DELETE_WINDOW");
        let event = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
        self.conn
            .send_event(false, window, EventMask::NO_EVENT, event)
            .expect("sending WM_DELETE_WINDOW");
        self.sync();
    }

    /// Waits until the server has processed every request sent so far.
    pub fn sync(&self) {
        self.conn.sync().expect("X server round trip");
    }

    /// The direct children of `window`.
    pub fn children(&self, window: Window) -> Vec<Window> {
        self.conn
            .query_tree(window)
            .map_err(x11rb::errors::ReplyError::from)
            .and_then(|c| c.reply())
            .map(|reply| reply.children)
            .unwrap_or_default()
    }

    /// Every top-level window (the root's children).
    pub fn top_level_windows(&self) -> Vec<WindowInfo> {
        self.children(self.root())
            .into_iter()
            .filter_map(|id| self.window_info(id))
            .collect()
    }

    /// Title, size and visibility of a window (`None` if it vanished).
    pub fn window_info(&self, id: Window) -> Option<WindowInfo> {
        let attributes = self.conn.get_window_attributes(id).ok()?.reply().ok()?;
        let geometry = self.conn.get_geometry(id).ok()?.reply().ok()?;
        Some(WindowInfo {
            id,
            title: self.title(id),
            width: geometry.width,
            height: geometry.height,
            viewable: attributes.map_state == MapState::VIEWABLE,
        })
    }

    fn title(&self, window: Window) -> String {
        let utf8 = self
            .conn
            .intern_atom(false, b"UTF8_STRING")
            .ok()
            .and_then(|c| c.reply().ok())
            .map(|r| r.atom);
        let net_wm_name = self
            .conn
            .intern_atom(false, b"_NET_WM_NAME")
            .ok()
            .and_then(|c| c.reply().ok())
            .map(|r| r.atom);
        let property = |property: u32, kind: u32| {
            self.conn
                .get_property(false, window, property, kind, 0, 1024)
                .ok()
                .and_then(|c| c.reply().ok())
                .filter(|r| !r.value.is_empty())
                .map(|r| String::from_utf8_lossy(&r.value).into_owned())
        };
        net_wm_name
            .zip(utf8)
            .and_then(|(name, utf8)| property(name, utf8))
            .or_else(|| property(AtomEnum::WM_NAME.into(), AtomEnum::STRING.into()))
            .unwrap_or_default()
    }

    /// A picture of a window's contents (including its child windows, e.g. an embedded
    /// editor). The window must be viewable and unobscured.
    pub fn capture(&self, window: Window) -> Image {
        let geometry = self
            .conn
            .get_geometry(window)
            .map_err(x11rb::errors::ReplyError::from)
            .and_then(|c| c.reply())
            .expect("the window's geometry");
        let reply = self
            .conn
            .get_image(
                ImageFormat::Z_PIXMAP,
                window,
                0,
                0,
                geometry.width,
                geometry.height,
                !0,
            )
            .map_err(x11rb::errors::ReplyError::from)
            .and_then(|c| c.reply())
            .expect("GetImage of the window");
        let setup = self.conn.setup();
        let format = setup
            .pixmap_formats
            .iter()
            .find(|f| f.depth == reply.depth)
            .expect("a pixmap format for the window's depth");
        assert_eq!(
            format.bits_per_pixel, 32,
            "expected 32 bits per pixel at depth {} (24-bit TrueColor)",
            reply.depth
        );
        let visual = setup.roots[self.screen]
            .allowed_depths
            .iter()
            .flat_map(|d| d.visuals.iter())
            .find(|v| v.visual_id == reply.visual)
            .expect("the window's visual");
        let (width, height) = (usize::from(geometry.width), usize::from(geometry.height));
        let scanline_pad = usize::from(format.scanline_pad);
        let stride = (width * 32).div_ceil(scanline_pad) * scanline_pad / 8;
        let shift = |mask: u32| mask.trailing_zeros();
        let (red, green, blue) = (
            (visual.red_mask, shift(visual.red_mask)),
            (visual.green_mask, shift(visual.green_mask)),
            (visual.blue_mask, shift(visual.blue_mask)),
        );
        let little_endian =
            setup.image_byte_order == x11rb::protocol::xproto::ImageOrder::LSB_FIRST;
        let mut rgb = Vec::with_capacity(width * height * 3);
        for y in 0..height {
            for x in 0..width {
                let at = y * stride + x * 4;
                let bytes = [
                    reply.data[at],
                    reply.data[at + 1],
                    reply.data[at + 2],
                    reply.data[at + 3],
                ];
                let pixel = if little_endian {
                    u32::from_le_bytes(bytes)
                } else {
                    u32::from_be_bytes(bytes)
                };
                for (mask, shift) in [red, green, blue] {
                    rgb.push(((pixel & mask) >> shift) as u8);
                }
            }
        }
        Image::new(width, height, rgb)
    }
}

/// A virtual X server of a test's own (`Xvfb -displayfd`, 24-bit), for what the shared one cannot
/// do: a bigger screen, X resources (`Display::set_resources`) no other test sees. Killed (by its
/// own pid) when dropped.
pub struct PrivateServer {
    server: std::process::Child,
    name: String,
}

impl PrivateServer {
    /// Starts Xvfb with one `width` × `height` screen on a free display number.
    pub fn start(width: u32, height: u32) -> Self {
        use std::io::BufRead;
        use std::os::unix::process::CommandExt;
        let mut command = std::process::Command::new("Xvfb");
        command
            .args([
                "-displayfd",
                "1",
                "-nolisten",
                "tcp",
                "-noreset",
                "-screen",
                "0",
            ])
            .arg(format!("{width}x{height}x24"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        // A failing test's child process may exit without dropping this: the server then goes
        // with it instead of outliving the test.
        // SAFETY: runs in the forked child before exec; prctl is async-signal-safe and only sets
        // that process's parent-death signal.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut server = command
            .spawn()
            .expect("starting Xvfb (the GUI tests' X server, which xvfb-run starts too)");
        let mut number = String::new();
        std::io::BufReader::new(server.stdout.take().expect("Xvfb's stdout"))
            .read_line(&mut number)
            .expect("reading the display number Xvfb chose");
        let number = number.trim().to_owned();
        assert!(!number.is_empty(), "Xvfb did not report a display number");
        Self {
            server,
            name: format!(":{number}"),
        }
    }

    /// The server's display name, for `DISPLAY` and [`Display::connect_to`].
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}
