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
use clack_host::events::event_types::{ParamValueEvent, TransportEvent};
use clack_host::prelude::*;
use clap_sys::audio_buffer::clap_audio_buffer;
use std::cell::Cell;
use std::ffi::{CStr, CString};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

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
            .register::<HostState>();
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
}

impl<'a> SharedHandler<'a> for SharedState {
    fn initializing(&self, instance: InitializingPluginHandle<'a>) {
        let _ = self.extensions.set(PluginExtensions {
            params: instance.get_extension(),
            state: instance.get_extension(),
            gui: instance.get_extension(),
            audio_ports: instance.get_extension(),
            audio_ports_config: instance.get_extension(),
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
}

impl<'a> MainThreadHandler<'a> for MainThreadState<'a> {}

impl HostParamsImplMainThread for MainThreadState<'_> {
    fn rescan(&self, _flags: ParamRescanFlags) {
        self.param_rescans.set(self.param_rescans.get() + 1);
    }

    fn clear(&self, _param_id: ClapId, _flags: ParamClearFlags) {}
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

/// A started audio processor with its port descriptions, ready to run blocks.
pub struct Processor {
    processor: StartedPluginAudioProcessor<TestHost>,
    input_ports: AudioPorts,
    output_ports: AudioPorts,
    output_events: EventBuffer,
    steady_time: u64,
    /// What the host feeds the sidechain port (stereo; CLAP hosts give every port a buffer):
    /// silence unless a test writes a signal here. Extended with zeros to each block's length.
    pub sidechain: Vec<Vec<f32>>,
}

impl Processor {
    /// Starts processing (on the calling thread, which becomes the audio thread).
    pub fn start(stopped: StoppedPluginAudioProcessor<TestHost>, channels: usize) -> Self {
        let processor = stopped
            .start_processing()
            .unwrap_or_else(|e| panic!("start_processing: {e}"));
        Self {
            processor,
            input_ports: AudioPorts::with_capacity(channels + 2, 2),
            output_ports: AudioPorts::with_capacity(channels, 1),
            output_events: EventBuffer::with_capacity(64),
            steady_time: 0,
            sidechain: vec![Vec::new(), Vec::new()],
        }
    }

    /// Stops processing.
    pub fn stop(self) -> StoppedPluginAudioProcessor<TestHost> {
        self.processor.stop_processing()
    }

    /// Processes `frames` frames from separate input and output buffers.
    pub fn process(
        &mut self,
        input: &mut [Vec<f32>],
        output: &mut [Vec<f32>],
        frames: usize,
        events: &[ParamValueEvent],
        transport: Option<&TransportEvent>,
    ) -> ProcessStatus {
        self.extend_sidechain(frames);
        let main: Vec<InputChannel<'_, f32>> = input
            .iter_mut()
            .map(|channel| InputChannel::variable(&mut channel[..frames]))
            .collect();
        let sidechain: Vec<InputChannel<'_, f32>> = self
            .sidechain
            .iter_mut()
            .map(|channel| InputChannel::variable(&mut channel[..frames]))
            .collect();
        let inputs = self.input_ports.with_input_buffers([
            AudioPortBuffer {
                latency: 0,
                channels: AudioPortBufferType::f32_input_only(main),
            },
            AudioPortBuffer {
                latency: 0,
                channels: AudioPortBufferType::f32_input_only(sidechain),
            },
        ]);
        let mut outputs = self.output_ports.with_output_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_output_only(
                output.iter_mut().map(|channel| &mut channel[..frames]),
            ),
        }]);
        self.output_events.clear();
        let status = self
            .processor
            .process(
                &inputs,
                &mut outputs,
                &InputEvents::from_buffer(&events),
                &mut OutputEvents::from_buffer(&mut self.output_events),
                Some(self.steady_time),
                transport,
            )
            .unwrap_or_else(|e| panic!("process({frames} frames): {e}"));
        self.steady_time += frames as u64;
        status
    }

    /// Processes `frames` frames in place: input and output ports point at the same channel
    /// memory, as hosts do for an in-place pair.
    pub fn process_in_place(
        &mut self,
        buffers: &mut [Vec<f32>],
        frames: usize,
        events: &[ParamValueEvent],
        transport: Option<&TransportEvent>,
    ) -> ProcessStatus {
        let mut pointers: Vec<*mut f32> = buffers.iter_mut().map(|c| c.as_mut_ptr()).collect();
        assert!(buffers.iter().all(|c| c.len() >= frames));
        let port = clap_audio_buffer {
            data32: pointers.as_mut_ptr(),
            data64: std::ptr::null_mut(),
            channel_count: pointers.len() as u32,
            latency: 0,
            constant_mask: 0,
        };
        self.extend_sidechain(frames);
        let mut side: Vec<*mut f32> = self.sidechain.iter_mut().map(|c| c.as_mut_ptr()).collect();
        let side_port = clap_audio_buffer {
            data32: side.as_mut_ptr(),
            data64: std::ptr::null_mut(),
            channel_count: side.len() as u32,
            latency: 0,
            constant_mask: 0,
        };
        let input_ports = [port, side_port];
        let mut output_ports = [port];
        // SAFETY: the main port structs point at `pointers` and the sidechain's at `side`, whose
        // channel buffers hold at least `frames` samples and outlive the call; aliasing the main
        // input and output is what CLAP's in-place processing means, and the plugin declared
        // the pair.
        let (inputs, mut outputs) = unsafe {
            (
                InputAudioBuffers::from_raw_buffers(&input_ports, frames as u32),
                OutputAudioBuffers::from_raw_buffers(&mut output_ports, frames as u32),
            )
        };
        self.output_events.clear();
        let status = self
            .processor
            .process(
                &inputs,
                &mut outputs,
                &InputEvents::from_buffer(&events),
                &mut OutputEvents::from_buffer(&mut self.output_events),
                Some(self.steady_time),
                transport,
            )
            .unwrap_or_else(|e| panic!("process in place ({frames} frames): {e}"));
        self.steady_time += frames as u64;
        status
    }

    /// Processes `frames` frames in place with only the main input port given
    /// (`audio_inputs_count` 1, as a host that leaves the sidechain port out might do). The
    /// array really holds a second port whose channel pointers are poison: a plugin reading past
    /// the count crashes instead of reading whatever lies there.
    pub fn process_in_place_main_only(
        &mut self,
        buffers: &mut [Vec<f32>],
        frames: usize,
    ) -> ProcessStatus {
        let mut pointers: Vec<*mut f32> = buffers.iter_mut().map(|c| c.as_mut_ptr()).collect();
        assert!(buffers.iter().all(|c| c.len() >= frames));
        let port = clap_audio_buffer {
            data32: pointers.as_mut_ptr(),
            data64: std::ptr::null_mut(),
            channel_count: pointers.len() as u32,
            latency: 0,
            constant_mask: 0,
        };
        let poisoned = clap_audio_buffer {
            data32: std::ptr::dangling_mut(),
            data64: std::ptr::null_mut(),
            channel_count: 2,
            latency: 0,
            constant_mask: 0,
        };
        let input_ports = [port, poisoned];
        let mut output_ports = [port];
        // SAFETY: as in `process_in_place`; only the first input port is handed over.
        let (inputs, mut outputs) = unsafe {
            (
                InputAudioBuffers::from_raw_buffers(&input_ports[..1], frames as u32),
                OutputAudioBuffers::from_raw_buffers(&mut output_ports, frames as u32),
            )
        };
        let status = self
            .processor
            .process(
                &inputs,
                &mut outputs,
                &InputEvents::empty(),
                &mut OutputEvents::from_buffer(&mut self.output_events),
                Some(self.steady_time),
                None,
            )
            .unwrap_or_else(|e| panic!("process main only ({frames} frames): {e}"));
        self.steady_time += frames as u64;
        status
    }

    /// Makes the sidechain's channels at least `frames` long (host side, before the call).
    fn extend_sidechain(&mut self, frames: usize) {
        for channel in &mut self.sidechain {
            if channel.len() < frames {
                channel.resize(frames, 0.0);
            }
        }
    }

    /// Resets the plugin's processing state (`clap_plugin.reset`), as hosts do after a jump.
    pub fn reset(&mut self) {
        self.processor.reset();
    }

    /// Events the plugin output during the last block.
    pub fn output_events(&self) -> &EventBuffer {
        &self.output_events
    }
}

/// A transport that is playing at `tempo` BPM in 4/4, positioned at `frame`.
pub fn playing_transport(frame: u64, sample_rate: f64, tempo: f64) -> TransportEvent {
    use clack_host::events::event_types::TransportFlags;
    use clack_host::utils::{BeatTime, SecondsTime};
    let seconds = frame as f64 / sample_rate;
    let beats = seconds * tempo / 60.0;
    TransportEvent {
        header: clack_host::events::EventHeader::new_core(
            0,
            clack_host::events::EventFlags::empty(),
        ),
        flags: TransportFlags::HAS_TEMPO
            | TransportFlags::HAS_BEATS_TIMELINE
            | TransportFlags::HAS_SECONDS_TIMELINE
            | TransportFlags::HAS_TIME_SIGNATURE
            | TransportFlags::IS_PLAYING,
        song_pos_beats: BeatTime::from_float(beats),
        song_pos_seconds: SecondsTime::from_float(seconds),
        tempo,
        tempo_inc: 0.0,
        loop_start_beats: BeatTime::from_float(0.0),
        loop_end_beats: BeatTime::from_float(0.0),
        loop_start_seconds: SecondsTime::from_float(0.0),
        loop_end_seconds: SecondsTime::from_float(0.0),
        bar_start: BeatTime::from_float((beats / 4.0).floor() * 4.0),
        bar_number: (beats / 4.0).floor() as i32,
        time_signature_numerator: 4,
        time_signature_denominator: 4,
    }
}
