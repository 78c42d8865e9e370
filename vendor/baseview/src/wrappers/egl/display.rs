use super::*;
use crate::platform::prelude::*;
use crate::wrappers::xlib::XlibConnection;
use std::ffi::c_void;
use std::ptr::NonNull;
use std::rc::Rc;
use x11rb::protocol::xproto::Window;

struct EglDisplayInner {
    egl: Egl,
    raw: NonNull<c_void>,
    // Kept to ensure the connection isn't dropped as long as the EGL display is alive
    _connection: Rc<X11Connection>,
}

#[derive(Clone)]
pub struct EglDisplay {
    inner: Rc<EglDisplayInner>,
}

impl EglDisplay {
    pub fn choose_config(&self, config: &GlConfig) -> Result<Option<EglConfig>, EglError> {
        EglConfig::choose_config(config, self)
    }

    pub fn egl(&self) -> &Egl {
        &self.inner.egl
    }

    pub fn as_raw(&self) -> sys::EGLDisplay {
        self.inner.raw.as_ptr()
    }

    pub fn create_surface(
        &self, config: EglConfig, window: Window, gl_config: &GlConfig,
    ) -> Result<EglSurface, EglError> {
        EglSurface::create(self, config, window, gl_config)
    }

    pub fn create_context(
        &self, config: EglConfig, _bound: &BoundApi, gl_config: &GlConfig,
    ) -> Result<EglContext, EglError> {
        EglContext::create(self, config, gl_config)
    }
}

impl Drop for EglDisplayInner {
    fn drop(&mut self) {
        if let Err(e) = unsafe { self.egl.terminate_display(self.raw) } {
            crate::warn!("Failed to terminate EGL display connection: {}", e)
        }
    }
}

#[derive(Debug, Copy, Clone)]
pub struct EglVersion {
    pub major: sys::Int,
    pub minor: sys::Int,
}

impl Egl {
    pub fn create_display(
        &self, connection: &Rc<X11Connection>,
    ) -> Result<EglDisplay, GlCreationFailedError> {
        let display = self
            .create_display_basic(connection.conn.xlib_connection())
            .ok_or(GlCreationFailedError::EglNoDisplay)?;

        let egl = self.clone();

        let version = unsafe { egl.initialize_display(display)? };

        // Initialize DisplayInner here so its drop impl will run if code below fails
        let inner = EglDisplayInner { egl, raw: display, _connection: Rc::clone(connection) };

        if version.major != 1 || version.minor < 5 {
            return Err(GlCreationFailedError::EglUnsupportedVersion(version));
        }

        Ok(EglDisplay { inner: Rc::new(inner) })
    }

    fn create_display_basic(&self, connection: &XlibConnection) -> Option<NonNull<c_void>> {
        let result = unsafe { (self.inner.functions.eglGetDisplay)(connection.as_raw().cast()) };
        NonNull::new(result)
    }

    unsafe fn initialize_display(&self, raw: NonNull<c_void>) -> Result<EglVersion, EglError> {
        let mut version = EglVersion { major: 0, minor: 0 };

        let result = unsafe {
            (self.inner.functions.eglInitialize)(
                raw.as_ptr(),
                &mut version.major,
                &mut version.minor,
            )
        };

        if result == sys::FALSE {
            return Err(EglError::from_last_error(self));
        }

        pin_dri_drivers();

        Ok(version)
    }

    unsafe fn terminate_display(&self, raw: NonNull<c_void>) -> Result<(), EglError> {
        let result = unsafe { (self.inner.functions.eglTerminate)(raw.as_ptr()) };

        if result == sys::FALSE {
            return Err(EglError::from_last_error(self));
        }

        Ok(())
    }
}

/// Keeps every Mesa DRI driver loaded in this process (`*_dri.so`) loaded for good
/// (`RTLD_NODELETE`). Mesa's EGL loads the driver for each display and unloads it in
/// `eglTerminate`, and the driver is not unload-safe: each reload keeps heap memory and a 30 MiB
/// executable mapping (measured with llvmpipe: ~12 KiB of resident memory per window).
fn pin_dri_drivers() {
    // glibc's and musl's values; libloading does not export them.
    const RTLD_NOLOAD: std::ffi::c_int = 0x4;
    const RTLD_NODELETE: std::ffi::c_int = 0x1000;

    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else { return };
    let mut drivers: Vec<&str> = maps
        .lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .filter(|path| path.ends_with("_dri.so"))
        .collect();
    drivers.dedup();
    for driver in drivers {
        let flags = libloading::os::unix::RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE;
        // Only an already loaded library is opened (RTLD_NOLOAD): no initialiser runs. Closing
        // this handle again leaves the library loaded (RTLD_NODELETE).
        drop(unsafe { libloading::os::unix::Library::open(Some(driver), flags) });
    }
}
