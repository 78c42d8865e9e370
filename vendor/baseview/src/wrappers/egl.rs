use crate::platform::gl::GlCreationFailedError;
use libloading::Library;
use std::ffi::{c_void, CStr};
use std::rc::Rc;
use std::sync::OnceLock;

mod bound_api;
mod config;
mod context;
mod display;
mod error;
mod extensions;
mod surface;
mod sys;

use sys::Functions;

use crate::wrappers::egl::extensions::Extensions;
pub use bound_api::BoundApi;
pub use config::EglConfig;
pub use context::EglContext;
pub use display::{EglDisplay, EglVersion};
pub use error::EglError;
pub use surface::EglSurface;
pub use sys::MissingSymbolError;

struct EglInner {
    functions: Functions,
}

/// libEGL, loaded once and never unloaded: libglvnd and the Mesa driver behind it keep one-time
/// allocations (dispatch stubs, executable memory, strings) that leak each time they are unloaded
/// and loaded again, as they were for every window (measured: ~11 KiB of heap and a 30 MiB
/// executable mapping every few editor openings).
static LIBRARY: OnceLock<Library> = OnceLock::new();

#[derive(Clone)]
pub struct Egl {
    inner: Rc<EglInner>,
}

impl Egl {
    pub fn open() -> Result<Self, GlCreationFailedError> {
        let library = match LIBRARY.get() {
            Some(library) => library,
            None => {
                let library = unsafe {
                    Library::new("libEGL.so.1").or_else(|_| Library::new("libEGL.so"))
                }?;
                LIBRARY.get_or_init(|| library)
            }
        };

        let functions = unsafe { Functions::load_from(library)? };

        Ok(Self { inner: Rc::new(EglInner { functions }) })
    }

    pub fn with_opengl<T>(&self, handler: impl FnOnce(&BoundApi) -> T) -> Result<T, EglError> {
        let api = BoundApi::new(self)?;
        Ok(handler(&api))
    }

    pub fn query_client_extensions(&self) -> Extensions {
        Extensions::new(self)
    }

    pub fn get_proc_address(&self, proc_name: &CStr) -> *const c_void {
        unsafe { (self.inner.functions.eglGetProcAddress)(proc_name.as_ptr()) }
    }
}
