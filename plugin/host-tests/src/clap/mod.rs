//! A minimal but honest CLAP host on `clack-host`: it loads `Ringscope.clap`, answers the
//! callbacks a plugin may make (main-thread callback requests, params, state, GUI, log), and
//! drives instances the way a DAW does.

use clack_extensions::audio_ports::{AudioPortFlags, AudioPortInfoBuffer, PluginAudioPorts};
use clack_extensions::audio_ports_config::{AudioPortsConfigBuffer, PluginAudioPortsConfig};
use clack_extensions::gui::{GuiSize, HostGui, HostGuiImpl, PluginGui};
use clack_extensions::log::{HostLog, HostLogImpl, LogSeverity};
use clack_extensions::params::{
    HostParams, HostParamsImplMainThread, HostParamsImplShared, ParamClearFlags, ParamInfoBuffer,
    ParamInfoFlags, ParamRescanFlags, PluginParams,
};
use clack_extensions::state::{HostState, HostStateImpl, PluginState, StateError};
use clack_extensions::track_info::{
    HostTrackInfo, HostTrackInfoImpl, PluginTrackInfo, TrackInfo, TrackInfoWriter,
};
use clack_host::events::event_types::ParamValueEvent;
use clack_host::prelude::*;
use std::cell::{Cell, RefCell};
use std::ffi::{CStr, CString};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

mod processor;
mod state_fields;

pub use self::processor::{Processor, playing_transport};
pub use self::state_fields::with_field;

/// The host's handler types.
pub struct TestHost;

impl HostHandlers for TestHost {
    type Shared<'a> = SharedState;
    type MainThread<'a> = MainThreadState<'a>;
    type AudioProcessor<'a> = ();

    fn declare_extensions(builder: &mut HostExtensions<Self>, _shared: &Self::Shared<'_>) {
        builder
            .register::<HostLog>()
            .register::<HostGui>()
            .register::<HostParams>()
            .register::<HostState>()
            .register::<HostTrackInfo>();
    }
}

/// Host state shared between threads: what the plugin asked for, and its extensions.
#[derive(Default)]
pub struct SharedState {
    /// The plugin called `request_callback`: call `on_main_thread` soon.
    pub callback_requested: AtomicBool,
    /// The plugin called `request_restart`.
    pub restart_requested: AtomicBool,
    /// The plugin called `request_process`.
    pub process_requested: AtomicBool,
    /// `clap_host_gui.closed()` calls.
    pub gui_closed: AtomicU32,
    /// `clap_host_gui.request_resize()` calls.
    pub gui_resize_requests: AtomicU32,
    /// The plugin's extensions, queried while it initializes.
    pub extensions: OnceLock<PluginExtensions>,
}

/// The plugin-side extensions the tests use.
#[derive(Clone, Copy)]
pub struct PluginExtensions {
    /// `clap.params`
    pub params: Option<PluginParams>,
    /// `clap.state`
    pub state: Option<PluginState>,
    /// `clap.gui`
    pub gui: Option<PluginGui>,
    /// `clap.audio-ports`
    pub audio_ports: Option<PluginAudioPorts>,
    /// `clap.audio-ports-config`
    pub audio_ports_config: Option<PluginAudioPortsConfig>,
    /// `clap.track-info`
    pub track_info: Option<PluginTrackInfo>,
}

impl<'a> SharedHandler<'a> for SharedState {
    fn initializing(&self, instance: InitializingPluginHandle<'a>) {
        let _ = self.extensions.set(PluginExtensions {
            params: instance.get_extension(),
            state: instance.get_extension(),
            gui: instance.get_extension(),
            audio_ports: instance.get_extension(),
            audio_ports_config: instance.get_extension(),
            track_info: instance.get_extension(),
        });
    }

    fn request_restart(&self) {
        self.restart_requested.store(true, Ordering::SeqCst);
    }

    fn request_process(&self) {
        self.process_requested.store(true, Ordering::SeqCst);
    }

    fn request_callback(&self) {
        self.callback_requested.store(true, Ordering::SeqCst);
    }
}

impl HostLogImpl for SharedState {
    fn log(&self, severity: LogSeverity, message: &str) {
        // Only reached off the audio thread by a well-behaved plugin (nice-plug logs through its
        // own logger); the child-process harness shows stderr on failure.
        eprintln!("[plugin log {severity}] {message}");
    }
}

impl HostGuiImpl for SharedState {
    fn resize_hints_changed(&self) {}

    fn request_resize(&self, _new_size: GuiSize) -> Result<(), HostError> {
        self.gui_resize_requests.fetch_add(1, Ordering::SeqCst);
        // The test window does not follow the plugin's size: refuse, as a fixed-size host would.
        Err(HostError::Message(
            "the test host does not resize its window",
        ))
    }

    fn request_show(&self) -> Result<(), HostError> {
        Ok(())
    }

    fn request_hide(&self) -> Result<(), HostError> {
        Ok(())
    }

    fn closed(&self, _was_destroyed: bool) {
        self.gui_closed.fetch_add(1, Ordering::SeqCst);
    }
}

impl HostParamsImplShared for SharedState {
    fn request_flush(&self) {}
}

/// Main-thread host state.
pub struct MainThreadState<'a> {
    _shared: &'a SharedState,
    /// `clap_host_state.mark_dirty()` was called.
    pub state_dirty: Cell<bool>,
    /// `clap_host_params.rescan()` calls.
    pub param_rescans: Cell<u32>,
    /// The name of the track the instance sits on (`clap.track-info`); `None`: the host tells
    /// no track (`get` fails), as before any [`Plugin::name_track`].
    pub track_name: RefCell<Option<String>>,
}

impl<'a> MainThreadHandler<'a> for MainThreadState<'a> {}

impl HostParamsImplMainThread for MainThreadState<'_> {
    fn rescan(&self, _flags: ParamRescanFlags) {
        self.param_rescans.set(self.param_rescans.get() + 1);
    }

    fn clear(&self, _param_id: ClapId, _flags: ParamClearFlags) {}
}

impl HostTrackInfoImpl for MainThreadState<'_> {
    fn get<'a>(&'a self, writer: &mut TrackInfoWriter<'_, 'a>) {
        // SAFETY: the name is only replaced by `Plugin::name_track`, on this (the main) thread
        // and outside any plugin call, so no mutable borrow exists while the plugin asks; the
        // writer copies the bytes before `get` returns. (clack ties the name's lifetime to
        // `self`, which a `RefCell` guard cannot give.)
        let name = unsafe { self.track_name.try_borrow_unguarded() }
            .expect("the track name is not being replaced");
        if let Some(name) = name.as_deref() {
            writer.set(&TrackInfo::new().with_name(Some(name.as_bytes())));
        }
    }
}

impl HostStateImpl for MainThreadState<'_> {
    fn mark_dirty(&self) {
        self.state_dirty.set(true);
    }
}

/// Ringscope's CLAP ID. Hosts store it in every saved session: it must never change.
pub const RINGSCOPE_ID: &str = "org.ringscope.ringscope";

/// A new Ringscope instance from `entry`.
pub fn new_ringscope(entry: &PluginEntry) -> Plugin {
    let id = CString::new(RINGSCOPE_ID).expect("an ID without NUL");
    Plugin::new(entry, &id)
}

/// Loads the CLAP entry of the built bundle.
pub fn load_entry() -> PluginEntry {
    let path = crate::artifacts::clap_bundle();
    // SAFETY: loading a plugin runs its initialisers; the bundle is ours, built by this
    // workspace, and loading foreign code is exactly what these tests are about.
    unsafe { PluginEntry::load(&path) }
        .unwrap_or_else(|e| panic!("loading the CLAP entry {}: {e}", path.display()))
}

/// The ID of the only plugin in the entry's factory.
pub fn plugin_id(entry: &PluginEntry) -> CString {
    let factory = entry
        .get_plugin_factory()
        .expect("the entry exposes a plugin factory");
    let descriptor = factory
        .plugin_descriptors()
        .next()
        .expect("the factory lists a plugin");
    descriptor.id().expect("the plugin has an ID").to_owned()
}

/// Host identity passed to plugins.
pub fn host_info() -> HostInfo {
    HostInfo::new(
        "ringscope-host-tests",
        "Ringscope developers",
        "https://example.invalid/ringscope",
        env!("CARGO_PKG_VERSION"),
    )
    .expect("static host info")
}

/// A parameter as the host sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Stable ID.
    pub id: ClapId,
    /// Display name.
    pub name: String,
    /// Module path (`/`-separated group).
    pub module: String,
    /// Flags (`IS_STEPPED`, `IS_AUTOMATABLE`, ...).
    pub flags: ParamInfoFlags,
    /// Minimum plain value.
    pub min: f64,
    /// Maximum plain value.
    pub max: f64,
    /// Default plain value.
    pub default: f64,
}

impl Param {
    /// Whether values are integers (`IS_STEPPED`).
    pub fn is_stepped(&self) -> bool {
        self.flags.contains(ParamInfoFlags::IS_STEPPED)
    }
}

/// The parameter named `name` among `params`; fails the test if there is none.
pub fn param_named<'a>(params: &'a [Param], name: &str) -> &'a Param {
    params
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no parameter named {name:?}"))
}

/// An audio ports configuration (a channel layout) offered by the plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The configuration's ID.
    pub id: ClapId,
    /// Its display name.
    pub name: String,
    /// Main input channels (0 when there is no main input).
    pub inputs: u32,
    /// Main output channels (0 when there is no main output).
    pub outputs: u32,
}

/// One plugin instance with its host.
pub struct Plugin {
    /// The clack instance (main-thread only).
    pub instance: PluginInstance<TestHost>,
}

impl Plugin {
    /// Instantiates the plugin `id` from `entry` and initializes it.
    pub fn new(entry: &PluginEntry, id: &CStr) -> Self {
        let instance = PluginInstance::<TestHost>::new(
            |_| SharedState::default(),
            |shared| MainThreadState {
                _shared: shared,
                state_dirty: Cell::new(false),
                param_rescans: Cell::new(0),
                track_name: RefCell::new(None),
            },
            entry,
            id,
            &host_info(),
        )
        .unwrap_or_else(|e| panic!("instantiating {id:?}: {e}"));
        Self { instance }
    }

    /// The extensions the plugin offered.
    pub fn extensions(&self) -> PluginExtensions {
        *self
            .instance
            .access_shared_handler(|s| s.extensions.get())
            .expect("the plugin was initialized")
    }

    /// Calls `on_main_thread` if the plugin requested it. Returns whether it did.
    pub fn pump_main_thread(&mut self) -> bool {
        let requested = self
            .instance
            .access_shared_handler(|s| s.callback_requested.swap(false, Ordering::SeqCst));
        if requested {
            self.instance.call_on_main_thread_callback();
        }
        requested
    }

    /// Puts the instance on a track named `name` (or renames its track), as a host does: the
    /// host's `clap.track-info` answers with the new name, and the plugin is told it `changed`.
    pub fn name_track(&mut self, name: &str) {
        self.instance
            .access_handler(|main| *main.track_name.borrow_mut() = Some(name.to_owned()));
        let ext = self
            .extensions()
            .track_info
            .expect("the plugin implements clap.track-info");
        ext.changed(&self.instance.plugin_handle());
    }

    /// Reads a counter of the shared host state.
    pub fn shared<R>(&self, read: impl FnOnce(&SharedState) -> R) -> R {
        self.instance.access_shared_handler(read)
    }

    fn params_ext(&self) -> PluginParams {
        self.extensions()
            .params
            .expect("the plugin implements clap.params")
    }

    /// All parameters, in the plugin's order.
    pub fn params(&mut self) -> Vec<Param> {
        let ext = self.params_ext();
        let handle = self.instance.plugin_handle();
        let mut buffer = ParamInfoBuffer::new();
        (0..ext.count(&handle))
            .map(|index| {
                let info = ext
                    .get_info(&handle, index, &mut buffer)
                    .unwrap_or_else(|| panic!("params.get_info({index}) failed"));
                Param {
                    id: info.id,
                    name: String::from_utf8_lossy(info.name).into_owned(),
                    module: String::from_utf8_lossy(info.module).into_owned(),
                    flags: info.flags,
                    min: info.min_value,
                    max: info.max_value,
                    default: info.default_value,
                }
            })
            .collect()
    }

    /// The current plain value of a parameter.
    pub fn value(&mut self, id: ClapId) -> f64 {
        let ext = self.params_ext();
        ext.get_value(&self.instance.plugin_handle(), id)
            .unwrap_or_else(|| panic!("params.get_value({id:?}) failed"))
    }

    /// `value_to_text`, or `None` when the plugin refuses.
    pub fn value_to_text(&mut self, id: ClapId, value: f64) -> Option<String> {
        let ext = self.params_ext();
        let mut buffer = [0u8; 256];
        ext.value_to_text(&self.instance.plugin_handle(), id, value, &mut buffer)
            .ok()
            .map(|text| String::from_utf8_lossy(text).into_owned())
    }

    /// `text_to_value`, or `None` when the plugin cannot parse the text.
    pub fn text_to_value(&mut self, id: ClapId, text: &str) -> Option<f64> {
        let ext = self.params_ext();
        let text = CString::new(text).ok()?;
        ext.text_to_value(&self.instance.plugin_handle(), id, &text)
    }

    /// Sets parameters while the plugin is inactive, through `params.flush` (how a host applies
    /// automation or a user's edit when no audio is running).
    pub fn set_params_inactive(&mut self, changes: &[(ClapId, f64)]) {
        let ext = self.params_ext();
        let events: Vec<ParamValueEvent> = changes
            .iter()
            .map(|&(id, value)| ParamValueEvent::new(0, id, Pckn::match_all(), value))
            .collect();
        let mut output = EventBuffer::new();
        let mut handle = self
            .instance
            .inactive_plugin_handle()
            .expect("set_params_inactive needs an inactive plugin");
        ext.flush(
            &mut handle,
            &InputEvents::from_buffer(&events),
            &mut OutputEvents::from_buffer(&mut output),
        );
    }

    /// Saves the plugin's state (`clap.state`).
    pub fn save_state(&mut self) -> Vec<u8> {
        let ext = self
            .extensions()
            .state
            .expect("the plugin implements clap.state");
        let mut bytes = Vec::new();
        ext.save(&self.instance.plugin_handle(), &mut bytes)
            .expect("state.save succeeds");
        bytes
    }

    /// Loads a state (`clap.state`).
    pub fn load_state(&mut self, bytes: &[u8]) -> Result<(), StateError> {
        let ext = self
            .extensions()
            .state
            .expect("the plugin implements clap.state");
        ext.load(
            &self.instance.plugin_handle(),
            &mut std::io::Cursor::new(bytes),
        )
    }

    /// The channel layouts the plugin offers (`clap.audio-ports-config`), or none if it offers
    /// no choice.
    pub fn layouts(&mut self) -> Vec<Layout> {
        let Some(ext) = self.extensions().audio_ports_config else {
            return Vec::new();
        };
        let handle = self.instance.plugin_handle();
        let mut buffer = AudioPortsConfigBuffer::new();
        (0..ext.count(&handle))
            .map(|index| {
                let config = ext
                    .get(&handle, index, &mut buffer)
                    .unwrap_or_else(|| panic!("audio_ports_config.get({index}) failed"));
                Layout {
                    id: config.id,
                    name: String::from_utf8_lossy(config.name).into_owned(),
                    inputs: config.main_input.map_or(0, |p| p.channel_count),
                    outputs: config.main_output.map_or(0, |p| p.channel_count),
                }
            })
            .collect()
    }

    /// Selects a channel layout (the plugin must be inactive).
    pub fn select_layout(&mut self, id: ClapId) {
        let ext = self
            .extensions()
            .audio_ports_config
            .expect("the plugin implements clap.audio-ports-config");
        ext.select(&self.instance.plugin_handle(), id)
            .unwrap_or_else(|_| panic!("audio_ports_config.select({id:?}) refused"));
    }

    /// The main input and output ports' channel counts, and whether they form an in-place pair.
    pub fn main_ports(&mut self) -> MainPorts {
        let ext = self
            .extensions()
            .audio_ports
            .expect("the plugin implements clap.audio-ports");
        let handle = self.instance.plugin_handle();
        let mut buffer = AudioPortInfoBuffer::new();
        let mut port = |is_input: bool| {
            // Inputs: the main one and the sidechain.
            assert_eq!(
                ext.count(&handle, is_input),
                if is_input { 2 } else { 1 },
                "{} ports",
                if is_input { "input" } else { "output" }
            );
            let info = ext
                .get(&handle, 0, is_input, &mut buffer)
                .expect("audio_ports.get(0)");
            (info.id, info.channel_count, info.in_place_pair)
        };
        let (input_id, inputs, input_pair) = port(true);
        let (output_id, outputs, output_pair) = port(false);
        MainPorts {
            inputs,
            outputs,
            in_place_pair: input_pair == Some(output_id) && output_pair == Some(input_id),
        }
    }

    /// Activates the plugin.
    pub fn activate(
        &mut self,
        sample_rate: f64,
        min_frames: u32,
        max_frames: u32,
    ) -> StoppedPluginAudioProcessor<TestHost> {
        self.instance
            .activate(
                |_, _| (),
                PluginAudioConfiguration {
                    sample_rate,
                    min_frames_count: min_frames,
                    max_frames_count: max_frames,
                },
            )
            .unwrap_or_else(|e| {
                panic!("activate({sample_rate} Hz, {min_frames}..={max_frames} frames): {e}")
            })
    }

    /// Deactivates the plugin.
    pub fn deactivate(&mut self, processor: StoppedPluginAudioProcessor<TestHost>) {
        self.instance.deactivate(processor);
    }
}

/// The current layout's second input port (the sidechain) as `clap.audio-ports` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuxPort {
    /// Its name.
    pub name: String,
    /// Its channel count.
    pub channels: u32,
    /// Whether it is flagged as the main port (it must not be).
    pub is_main: bool,
    /// Its port type (`"stereo"` for `CLAP_PORT_STEREO`).
    pub port_type: Option<String>,
    /// Its in-place partner, if any (it must have none: nothing is output for it).
    pub in_place_pair: Option<ClapId>,
}

impl Plugin {
    /// The current layout's input port 1 (the sidechain).
    pub fn sidechain_port(&mut self) -> AuxPort {
        let ext = self
            .extensions()
            .audio_ports
            .expect("the plugin implements clap.audio-ports");
        let handle = self.instance.plugin_handle();
        let mut buffer = AudioPortInfoBuffer::new();
        let info = ext
            .get(&handle, 1, true, &mut buffer)
            .expect("audio_ports.get(1, input)");
        AuxPort {
            name: String::from_utf8_lossy(info.name).into_owned(),
            channels: info.channel_count,
            is_main: info.flags.contains(AudioPortFlags::IS_MAIN),
            port_type: info.port_type.map(|t| t.0.to_string_lossy().into_owned()),
            in_place_pair: info.in_place_pair,
        }
    }
}

/// The main audio ports of the current layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MainPorts {
    /// Input channels.
    pub inputs: u32,
    /// Output channels.
    pub outputs: u32,
    /// Whether the plugin declares the ports an in-place pair.
    pub in_place_pair: bool,
}
