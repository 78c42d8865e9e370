//! A minimal VST3 host on the `vst3` crate's COM bindings: it loads the module inside
//! `Ringscope.vst3` with `libloading`, calls `ModuleEntry` and `GetPluginFactory` as the SDK's
//! Linux hosting code does, and drives `IComponent` / `IAudioProcessor` / `IEditController`, and
//! the editor's `IPlugView` with a host [`Frame`] (`IPlugFrame` and Linux's `IRunLoop`).

use std::cell::{Cell, RefCell};
use std::ffi::{c_char, c_void};
use std::marker::PhantomData;
use std::time::{Duration, Instant};
use vst3::Steinberg::IBStream_::IStreamSeekMode_::{kIBSeekCur, kIBSeekEnd, kIBSeekSet};
use vst3::Steinberg::Linux::{
    FileDescriptor, IEventHandler, IEventHandlerTrait, IRunLoop, IRunLoopTrait, ITimerHandler,
    ITimerHandlerTrait, TimerInterval,
};
use vst3::Steinberg::Vst::ProcessContext_::StatesAndFlags_::{
    kBarPositionValid, kPlaying, kProjectTimeMusicValid, kTempoValid, kTimeSigValid,
};
use vst3::Steinberg::Vst::{
    AudioBusBuffers, AudioBusBuffers__type0, IAudioProcessor, IAudioProcessorTrait, IComponent,
    IComponentTrait, IEditController, IEditControllerTrait, IHostApplication,
    IHostApplicationTrait, ParameterInfo, ProcessContext, ProcessData, ProcessSetup,
    SpeakerArrangement, String128, TChar,
};
use vst3::Steinberg::{
    FUnknown, IBStream, IBStreamTrait, IPlugFrame, IPlugFrameTrait, IPlugView, IPluginBaseTrait,
    IPluginFactory, IPluginFactory2, IPluginFactory2Trait, IPluginFactoryTrait, PClassInfo,
    PClassInfo2, PFactoryInfo, TUID, ViewRect, int32, int64, kInvalidArgument, kNotImplemented,
    kResultFalse, kResultOk, tresult,
};
use vst3::{Class, ComPtr, ComRef, ComWrapper, Interface};

/// `Steinberg::Vst::SpeakerArr::kMono`.
pub const SPEAKER_MONO: SpeakerArrangement = vst3::Steinberg::Vst::SpeakerArr::kMono;
/// `Steinberg::Vst::SpeakerArr::kStereo`.
pub const SPEAKER_STEREO: SpeakerArrangement = vst3::Steinberg::Vst::SpeakerArr::kStereo;

/// The category of audio processor classes (`kVstAudioEffectClass`).
pub const AUDIO_EFFECT_CLASS: &str = "Audio Module Class";

type ModuleEntryFn = unsafe extern "C" fn(*mut c_void) -> bool;
type ModuleExitFn = unsafe extern "C" fn() -> bool;
type GetPluginFactoryFn = unsafe extern "system" fn() -> *mut c_void;

/// A loaded VST3 module and its factory.
pub struct Module {
    factory: Option<ComPtr<IPluginFactory>>,
    library: libloading::Library,
}

/// A class the factory offers.
#[derive(Debug, Clone)]
pub struct ClassInfo {
    /// The class ID.
    pub cid: TUID,
    /// e.g. `Audio Module Class`.
    pub category: String,
    /// Display name.
    pub name: String,
    /// `|`-separated sub-categories from `IPluginFactory2`, e.g. `Fx|Analyzer`.
    pub sub_categories: Option<String>,
    /// Vendor from `IPluginFactory2`.
    pub vendor: Option<String>,
    /// Version from `IPluginFactory2`.
    pub version: Option<String>,
}

fn c_chars(chars: &[c_char]) -> String {
    let bytes: Vec<u8> = chars
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Decodes a NUL-terminated UTF-16 VST3 string.
pub fn utf16(chars: &[TChar]) -> String {
    let end = chars.iter().position(|&c| c == 0).unwrap_or(chars.len());
    String::from_utf16_lossy(&chars[..end])
}

impl Module {
    /// Loads `Ringscope.vst3` from the bundle directory and enters the module.
    pub fn load() -> Self {
        let path = crate::artifacts::vst3_module();
        // SAFETY: loading runs the module's initialisers; it is the bundle this workspace built.
        let library = unsafe { libloading::Library::new(&path) }
            .unwrap_or_else(|e| panic!("loading {}: {e}", path.display()));
        // SAFETY: the symbol types are those of the VST3 SDK's Linux module entry points.
        unsafe {
            let entry: libloading::Symbol<ModuleEntryFn> = library
                .get(b"ModuleEntry\0")
                .expect("the module exports ModuleEntry (required on Linux)");
            // The SDK passes the dlopen handle; nice-plug ignores it.
            assert!(entry(std::ptr::null_mut()), "ModuleEntry returned false");
            let get_factory: libloading::Symbol<GetPluginFactoryFn> = library
                .get(b"GetPluginFactory\0")
                .expect("the module exports GetPluginFactory");
            let factory = ComPtr::from_raw(get_factory() as *mut IPluginFactory)
                .expect("GetPluginFactory returned a factory");
            Self {
                factory: Some(factory),
                library,
            }
        }
    }

    fn factory(&self) -> &ComPtr<IPluginFactory> {
        self.factory.as_ref().expect("the factory lives until drop")
    }

    /// `getFactoryInfo`: vendor, URL, e-mail.
    pub fn factory_info(&self) -> (String, String, String) {
        // SAFETY: PFactoryInfo is plain data; the factory fills it.
        unsafe {
            let mut info: PFactoryInfo = std::mem::zeroed();
            assert_eq!(self.factory().getFactoryInfo(&mut info), kResultOk);
            (
                c_chars(&info.vendor),
                c_chars(&info.url),
                c_chars(&info.email),
            )
        }
    }

    /// Every class the factory offers, with `IPluginFactory2` details where available.
    pub fn classes(&self) -> Vec<ClassInfo> {
        let factory = self.factory();
        let factory2 = factory.cast::<IPluginFactory2>();
        // SAFETY: the info structs are plain data the factory fills; indices are in range.
        unsafe {
            (0..factory.countClasses())
                .map(|index| {
                    let mut info: PClassInfo = std::mem::zeroed();
                    assert_eq!(factory.getClassInfo(index, &mut info), kResultOk);
                    let mut class = ClassInfo {
                        cid: info.cid,
                        category: c_chars(&info.category),
                        name: c_chars(&info.name),
                        sub_categories: None,
                        vendor: None,
                        version: None,
                    };
                    if let Some(factory2) = &factory2 {
                        let mut info2: PClassInfo2 = std::mem::zeroed();
                        if factory2.getClassInfo2(index, &mut info2) == kResultOk {
                            class.sub_categories = Some(c_chars(&info2.subCategories));
                            class.vendor = Some(c_chars(&info2.vendor));
                            class.version = Some(c_chars(&info2.version));
                        }
                    }
                    class
                })
                .collect()
        }
    }

    /// The plugin's audio processor class.
    pub fn audio_class(&self) -> ClassInfo {
        let classes = self.classes();
        classes
            .iter()
            .find(|c| c.category == AUDIO_EFFECT_CLASS)
            .cloned()
            .unwrap_or_else(|| panic!("no {AUDIO_EFFECT_CLASS:?} among {classes:?}"))
    }

    /// Creates and initializes an instance of `cid`.
    pub fn create(&self, cid: &TUID) -> Instance<'_> {
        Instance::new(self, cid)
    }
}

impl Drop for Module {
    fn drop(&mut self) {
        // Release the factory before leaving the module, as the SDK's hosting code does.
        self.factory = None;
        // SAFETY: every instance borrowed the module, so all are gone; the factory too.
        unsafe {
            if let Ok(exit) = self.library.get::<ModuleExitFn>(b"ModuleExit\0")
                && !exit()
                && !std::thread::panicking()
            {
                panic!("ModuleExit returned false");
            }
        }
    }
}

/// The host's `IHostApplication`, passed to `initialize`.
struct HostApplication;

impl Class for HostApplication {
    type Interfaces = (IHostApplication,);
}

impl IHostApplicationTrait for HostApplication {
    unsafe fn getName(&self, name: *mut String128) -> tresult {
        if name.is_null() {
            return kInvalidArgument;
        }
        // SAFETY: the caller passes a String128 to fill.
        let name = unsafe { &mut *name };
        name.fill(0);
        for (slot, unit) in name.iter_mut().zip("ringscope-host-tests".encode_utf16()) {
            *slot = unit;
        }
        kResultOk
    }

    unsafe fn createInstance(
        &self,
        _cid: *mut TUID,
        _iid: *mut TUID,
        obj: *mut *mut c_void,
    ) -> tresult {
        // This host offers no IMessage/IAttributeList objects.
        if !obj.is_null() {
            // SAFETY: the caller passes a slot for the object.
            unsafe { *obj = std::ptr::null_mut() };
        }
        kNotImplemented
    }
}

/// An in-memory `IBStream`, as hosts use to save and restore state.
pub struct MemoryStream {
    data: RefCell<Vec<u8>>,
    position: Cell<usize>,
}

impl MemoryStream {
    /// A stream over `data`, positioned at its start.
    pub fn new(data: Vec<u8>) -> ComWrapper<Self> {
        ComWrapper::new(Self {
            data: RefCell::new(data),
            position: Cell::new(0),
        })
    }

    /// The stream's bytes.
    pub fn bytes(&self) -> Vec<u8> {
        self.data.borrow().clone()
    }
}

impl Class for MemoryStream {
    type Interfaces = (IBStream,);
}

impl IBStreamTrait for MemoryStream {
    unsafe fn read(&self, buffer: *mut c_void, num_bytes: int32, num_read: *mut int32) -> tresult {
        if buffer.is_null() || num_bytes < 0 {
            return kInvalidArgument;
        }
        let data = self.data.borrow();
        let start = self.position.get().min(data.len());
        let count = (num_bytes as usize).min(data.len() - start);
        // SAFETY: the caller's buffer holds `num_bytes` bytes; `count` is at most that.
        unsafe {
            std::ptr::copy_nonoverlapping(data[start..].as_ptr(), buffer as *mut u8, count);
            if !num_read.is_null() {
                *num_read = count as int32;
            }
        }
        self.position.set(start + count);
        kResultOk
    }

    unsafe fn write(
        &self,
        buffer: *mut c_void,
        num_bytes: int32,
        num_written: *mut int32,
    ) -> tresult {
        if buffer.is_null() || num_bytes < 0 {
            return kInvalidArgument;
        }
        let mut data = self.data.borrow_mut();
        let start = self.position.get();
        let end = start + num_bytes as usize;
        if data.len() < end {
            data.resize(end, 0);
        }
        // SAFETY: the caller's buffer holds `num_bytes` readable bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(
                buffer as *const u8,
                data[start..end].as_mut_ptr(),
                num_bytes as usize,
            );
            if !num_written.is_null() {
                *num_written = num_bytes;
            }
        }
        self.position.set(end);
        kResultOk
    }

    unsafe fn seek(&self, pos: int64, mode: int32, result: *mut int64) -> tresult {
        let len = self.data.borrow().len() as int64;
        let base = match mode {
            m if m == kIBSeekSet as int32 => 0,
            m if m == kIBSeekCur as int32 => self.position.get() as int64,
            m if m == kIBSeekEnd as int32 => len,
            _ => return kInvalidArgument,
        };
        let target = base + pos;
        if target < 0 {
            return kResultFalse;
        }
        self.position.set(target as usize);
        if !result.is_null() {
            // SAFETY: the caller passes a slot for the new position.
            unsafe { *result = target };
        }
        kResultOk
    }

    unsafe fn tell(&self, pos: *mut int64) -> tresult {
        if pos.is_null() {
            return kInvalidArgument;
        }
        // SAFETY: checked non-null above.
        unsafe { *pos = self.position.get() as int64 };
        kResultOk
    }
}

/// A parameter as `IEditController` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Vst3Param {
    /// Parameter ID.
    pub id: u32,
    /// Title.
    pub title: String,
    /// Units, which hosts write after the value (`getParamStringByValue` leaves them out).
    pub units: String,
    /// Steps (0 for continuous).
    pub step_count: i32,
    /// Default normalized value.
    pub default: f64,
    /// `ParameterFlags` bits.
    pub flags: i32,
}

/// One plugin instance: its component, processor and edit controller.
pub struct Instance<'m> {
    component: ComPtr<IComponent>,
    processor: AudioProcessor,
    controller: ComPtr<IEditController>,
    /// Whether the controller is a separate object that was initialized on its own.
    separate_controller: bool,
    _host: ComWrapper<HostApplication>,
    _module: PhantomData<&'m Module>,
}

impl<'m> Instance<'m> {
    fn new(module: &'m Module, cid: &TUID) -> Self {
        let host = ComWrapper::new(HostApplication);
        let host_unknown = host
            .to_com_ptr::<FUnknown>()
            .expect("IHostApplication derives from FUnknown");
        // SAFETY: COM calls with valid arguments; `createInstance` returns an owned reference.
        unsafe {
            let mut object = std::ptr::null_mut();
            let result = module.factory().createInstance(
                cid.as_ptr(),
                IComponent::IID.as_ptr() as *const c_char,
                &mut object,
            );
            assert_eq!(result, kResultOk, "createInstance(IComponent)");
            let component = ComPtr::from_raw(object as *mut IComponent)
                .expect("createInstance returned an IComponent");
            assert_eq!(
                component.initialize(host_unknown.as_ptr()),
                kResultOk,
                "IComponent::initialize"
            );
            let processor = component
                .cast::<IAudioProcessor>()
                .expect("the component implements IAudioProcessor");
            // A single-component plugin implements the controller on the component; otherwise
            // create the controller class the component names, as hosts do.
            let (controller, separate_controller) = match component.cast::<IEditController>() {
                Some(controller) => (controller, false),
                None => {
                    let mut controller_cid: TUID = [0; 16];
                    assert_eq!(
                        component.getControllerClassId(&mut controller_cid),
                        kResultOk,
                        "no IEditController on the component and no controller class"
                    );
                    let mut object = std::ptr::null_mut();
                    assert_eq!(
                        module.factory().createInstance(
                            controller_cid.as_ptr(),
                            IEditController::IID.as_ptr() as *const c_char,
                            &mut object,
                        ),
                        kResultOk
                    );
                    let controller = ComPtr::from_raw(object as *mut IEditController)
                        .expect("createInstance returned an IEditController");
                    assert_eq!(controller.initialize(host_unknown.as_ptr()), kResultOk);
                    (controller, true)
                }
            };
            Self {
                component,
                processor: AudioProcessor(processor),
                controller,
                separate_controller,
                _host: host,
                _module: PhantomData,
            }
        }
    }

    /// `setBusArrangements` with `arrangement` for the main input and output buses and stereo
    /// for the sidechain input bus (VST3 buses are fixed: a host names every one).
    pub fn set_arrangement(&self, arrangement: SpeakerArrangement) -> tresult {
        let mut inputs = [arrangement, SPEAKER_STEREO];
        let mut output = arrangement;
        // SAFETY: two input arrangements and one output, valid for the call.
        unsafe {
            self.processor
                .0
                .setBusArrangements(inputs.as_mut_ptr(), 2, &mut output, 1)
        }
    }

    /// `IComponent::getBusInfo` of every audio bus in `direction` (`kInput` or `kOutput`):
    /// (name, bus type (`kMain` 0, `kAux` 1), channel count).
    pub fn audio_buses(&self, direction: i32) -> Vec<(String, i32, i32)> {
        let audio = vst3::Steinberg::Vst::MediaTypes_::kAudio as i32;
        // SAFETY: indices below the count; BusInfo is plain data.
        unsafe {
            (0..self.component.getBusCount(audio, direction))
                .map(|index| {
                    let mut info: vst3::Steinberg::Vst::BusInfo = std::mem::zeroed();
                    assert_eq!(
                        self.component
                            .getBusInfo(audio, direction, index, &mut info),
                        kResultOk,
                        "getBusInfo({index})"
                    );
                    let name = utf16(&info.name);
                    (name, info.busType, info.channelCount)
                })
                .collect()
        }
    }

    /// `setupProcessing` for real-time 32-bit processing.
    pub fn setup_processing(&self, sample_rate: f64, max_block: i32) {
        let mut setup = ProcessSetup {
            processMode: vst3::Steinberg::Vst::ProcessModes_::kRealtime as i32,
            symbolicSampleSize: vst3::Steinberg::Vst::SymbolicSampleSizes_::kSample32 as i32,
            maxSamplesPerBlock: max_block,
            sampleRate: sample_rate,
        };
        // SAFETY: a valid ProcessSetup.
        unsafe {
            assert_eq!(
                self.processor
                    .0
                    .canProcessSampleSize(setup.symbolicSampleSize),
                kResultOk,
                "32-bit processing"
            );
            assert_eq!(
                self.processor.0.setupProcessing(&mut setup),
                kResultOk,
                "setupProcessing({sample_rate} Hz, {max_block})"
            );
        }
    }

    /// `IComponent::setActive`.
    pub fn set_active(&self, active: bool) -> tresult {
        // SAFETY: plain COM call.
        unsafe { self.component.setActive(u8::from(active)) }
    }

    /// `IAudioProcessor::setProcessing`; fails on anything but `kResultOk` or the
    /// `kNotImplemented` the SDK allows.
    pub fn set_processing(&self, processing: bool) {
        // SAFETY: plain COM call.
        let result = unsafe { self.processor.0.setProcessing(u8::from(processing)) };
        assert!(
            result == kResultOk || result == kNotImplemented,
            "setProcessing({processing}) = {result}"
        );
    }

    /// `setActive(true)` then `setProcessing(true)`.
    pub fn start(&self) {
        assert_eq!(self.set_active(true), kResultOk, "setActive(true)");
        self.set_processing(true);
    }

    /// `setProcessing(false)` then `setActive(false)`.
    pub fn stop(&self) {
        self.set_processing(false);
        assert_eq!(self.set_active(false), kResultOk, "setActive(false)");
    }

    /// Processes `frames` frames from separate input and output buffers. `playing_at` gives the
    /// sample rate and the song position to report a playing transport.
    pub fn process(
        &self,
        input: &mut [Vec<f32>],
        output: &mut [Vec<f32>],
        frames: usize,
        playing_at: Option<(f64, i64)>,
    ) -> tresult {
        self.processor.process(input, output, frames, playing_at)
    }

    /// Processes `frames` frames in place (input and output buses share channel memory).
    pub fn process_in_place(
        &self,
        buffers: &mut [Vec<f32>],
        frames: usize,
        playing_at: Option<(f64, i64)>,
    ) -> tresult {
        self.processor.process_in_place(buffers, frames, playing_at)
    }

    /// Processes `frames` frames in place with only the main input bus given (`numInputs` 1).
    pub fn process_in_place_main_only(&self, buffers: &mut [Vec<f32>], frames: usize) -> tresult {
        self.processor.process_in_place_main_only(buffers, frames)
    }

    /// The processor, for an audio thread of its own. Stop that thread before the instance goes.
    pub fn audio_processor(&self) -> AudioProcessor {
        AudioProcessor(self.processor.0.clone())
    }

    /// `IEditController::createView("editor")`: the editor's view, not attached yet.
    pub fn create_view(&self) -> Option<ComPtr<IPlugView>> {
        // SAFETY: `createView` returns an owned reference or null.
        unsafe {
            let view = self.controller.createView(c"editor".as_ptr());
            ComPtr::from_raw(view)
        }
    }

    /// `IComponent::getState`.
    pub fn get_state(&self) -> Vec<u8> {
        let stream = MemoryStream::new(Vec::new());
        let pointer = stream.to_com_ptr::<IBStream>().expect("IBStream");
        // SAFETY: a live stream object.
        let result = unsafe { self.component.getState(pointer.as_ptr()) };
        assert_eq!(result, kResultOk, "IComponent::getState");
        stream.bytes()
    }

    /// `IComponent::setState`, then `IEditController::setComponentState` as hosts do.
    pub fn set_state(&self, bytes: &[u8]) -> tresult {
        let stream = MemoryStream::new(bytes.to_vec());
        let pointer = stream.to_com_ptr::<IBStream>().expect("IBStream");
        // SAFETY: a live stream object.
        unsafe {
            let result = self.component.setState(pointer.as_ptr());
            if result == kResultOk {
                let controller_stream = MemoryStream::new(bytes.to_vec());
                let controller_pointer = controller_stream
                    .to_com_ptr::<IBStream>()
                    .expect("IBStream");
                assert_eq!(
                    self.controller
                        .setComponentState(controller_pointer.as_ptr()),
                    kResultOk,
                    "IEditController::setComponentState"
                );
            }
            result
        }
    }

    /// The controller's parameters.
    pub fn params(&self) -> Vec<Vst3Param> {
        // SAFETY: indices below the count; ParameterInfo is plain data.
        unsafe {
            (0..self.controller.getParameterCount())
                .map(|index| {
                    let mut info: ParameterInfo = std::mem::zeroed();
                    assert_eq!(
                        self.controller.getParameterInfo(index, &mut info),
                        kResultOk,
                        "getParameterInfo({index})"
                    );
                    Vst3Param {
                        id: info.id,
                        title: utf16(&info.title),
                        units: utf16(&info.units),
                        step_count: info.stepCount,
                        default: info.defaultNormalizedValue,
                        flags: info.flags,
                    }
                })
                .collect()
        }
    }

    /// `getParamNormalized`.
    pub fn param(&self, id: u32) -> f64 {
        // SAFETY: plain COM call.
        unsafe { self.controller.getParamNormalized(id) }
    }

    /// `setParamNormalized` (the controller side of a user edit).
    pub fn set_param(&self, id: u32, normalized: f64) -> tresult {
        // SAFETY: plain COM call.
        unsafe { self.controller.setParamNormalized(id, normalized) }
    }

    /// `getParamStringByValue`.
    pub fn param_text(&self, id: u32, normalized: f64) -> Option<String> {
        let mut text: String128 = [0; 128];
        // SAFETY: a String128 to fill.
        let result = unsafe {
            self.controller
                .getParamStringByValue(id, normalized, &mut text)
        };
        (result == kResultOk).then(|| utf16(&text))
    }

    /// `getParamValueByString`, or `None` when the plugin cannot read the text.
    pub fn param_value_by_string(&self, id: u32, text: &str) -> Option<f64> {
        let mut chars: Vec<TChar> = text.encode_utf16().map(|c| c as TChar).collect();
        chars.push(0);
        let mut value = f64::NAN;
        // SAFETY: a NUL-terminated UTF-16 string and a value to fill, both alive for the call.
        let result = unsafe {
            self.controller
                .getParamValueByString(id, chars.as_mut_ptr(), &mut value)
        };
        (result == kResultOk).then_some(value)
    }

    /// `normalizedParamToPlain`.
    pub fn normalized_to_plain(&self, id: u32, normalized: f64) -> f64 {
        // SAFETY: plain COM call.
        unsafe { self.controller.normalizedParamToPlain(id, normalized) }
    }
}

/// An instance's `IAudioProcessor`, which the audio thread calls while the host's UI thread
/// drives the rest of the instance.
pub struct AudioProcessor(ComPtr<IAudioProcessor>);

// SAFETY: VST3 calls `IAudioProcessor::process` on the host's audio thread, not the thread that
// created the instance; plugins are built for that. The instance outlives every use (the tests
// join their audio threads before dropping it).
unsafe impl Send for AudioProcessor {}

impl AudioProcessor {
    fn run(
        &self,
        inputs: &mut [*mut f32],
        outputs: &mut [*mut f32],
        frames: usize,
        playing_at: Option<(f64, i64)>,
    ) -> tresult {
        self.run_buses(inputs, outputs, frames, playing_at, true)
    }

    /// `run` with the sidechain bus given (`numInputs` 2) or not (`numInputs` 1, the array
    /// holding a second bus with poison channel pointers: a plugin reading past the count
    /// crashes instead of reading whatever lies there).
    fn run_buses(
        &self,
        inputs: &mut [*mut f32],
        outputs: &mut [*mut f32],
        frames: usize,
        playing_at: Option<(f64, i64)>,
        with_sidechain: bool,
    ) -> tresult {
        let input_bus = AudioBusBuffers {
            numChannels: inputs.len() as i32,
            silenceFlags: 0,
            __field0: AudioBusBuffers__type0 {
                channelBuffers32: inputs.as_mut_ptr(),
            },
        };
        // The sidechain bus: silence (a host routing nothing into it still gives its buffers).
        let (mut left, mut right) = (vec![0.0f32; frames], vec![0.0f32; frames]);
        let mut sidechain = [left.as_mut_ptr(), right.as_mut_ptr()];
        let side_bus = AudioBusBuffers {
            numChannels: 2,
            silenceFlags: 0,
            __field0: AudioBusBuffers__type0 {
                channelBuffers32: if with_sidechain {
                    sidechain.as_mut_ptr()
                } else {
                    std::ptr::dangling_mut()
                },
            },
        };
        let mut input_buses = [input_bus, side_bus];
        let mut output_bus = AudioBusBuffers {
            numChannels: outputs.len() as i32,
            silenceFlags: 0,
            __field0: AudioBusBuffers__type0 {
                channelBuffers32: outputs.as_mut_ptr(),
            },
        };
        // SAFETY: ProcessContext is plain data.
        let mut context: ProcessContext = unsafe { std::mem::zeroed() };
        if let Some((sample_rate, position)) = playing_at {
            let quarter_notes = position as f64 / sample_rate * 2.0; // 120 BPM
            context.state =
                kPlaying | kTempoValid | kTimeSigValid | kProjectTimeMusicValid | kBarPositionValid;
            context.sampleRate = sample_rate;
            context.projectTimeSamples = position;
            context.continousTimeSamples = position;
            context.projectTimeMusic = quarter_notes;
            context.barPositionMusic = (quarter_notes / 4.0).floor() * 4.0;
            context.tempo = 120.0;
            context.timeSigNumerator = 4;
            context.timeSigDenominator = 4;
        }
        let mut data = ProcessData {
            processMode: vst3::Steinberg::Vst::ProcessModes_::kRealtime as i32,
            symbolicSampleSize: vst3::Steinberg::Vst::SymbolicSampleSizes_::kSample32 as i32,
            numSamples: frames as i32,
            numInputs: if with_sidechain { 2 } else { 1 },
            numOutputs: 1,
            inputs: input_buses.as_mut_ptr(),
            outputs: &mut output_bus,
            inputParameterChanges: std::ptr::null_mut(),
            outputParameterChanges: std::ptr::null_mut(),
            inputEvents: std::ptr::null_mut(),
            outputEvents: std::ptr::null_mut(),
            processContext: if playing_at.is_some() {
                &mut context
            } else {
                std::ptr::null_mut()
            },
        };
        // SAFETY: every pointer in `data` is valid for the call; channel buffers hold `frames`.
        unsafe { self.0.process(&mut data) }
    }

    /// Processes `frames` frames from separate input and output buffers. `playing_at` gives the
    /// sample rate and the song position to report a playing transport.
    pub fn process(
        &self,
        input: &mut [Vec<f32>],
        output: &mut [Vec<f32>],
        frames: usize,
        playing_at: Option<(f64, i64)>,
    ) -> tresult {
        assert!(input.iter().chain(output.iter()).all(|c| c.len() >= frames));
        let mut inputs: Vec<*mut f32> = input.iter_mut().map(|c| c.as_mut_ptr()).collect();
        let mut outputs: Vec<*mut f32> = output.iter_mut().map(|c| c.as_mut_ptr()).collect();
        self.run(&mut inputs, &mut outputs, frames, playing_at)
    }

    /// Processes `frames` frames in place (input and output buses share channel memory).
    pub fn process_in_place(
        &self,
        buffers: &mut [Vec<f32>],
        frames: usize,
        playing_at: Option<(f64, i64)>,
    ) -> tresult {
        assert!(buffers.iter().all(|c| c.len() >= frames));
        let mut inputs: Vec<*mut f32> = buffers.iter_mut().map(|c| c.as_mut_ptr()).collect();
        let mut outputs = inputs.clone();
        self.run(&mut inputs, &mut outputs, frames, playing_at)
    }

    /// Processes `frames` frames in place with only the main input bus given (`numInputs` 1).
    pub fn process_in_place_main_only(&self, buffers: &mut [Vec<f32>], frames: usize) -> tresult {
        assert!(buffers.iter().all(|c| c.len() >= frames));
        let mut inputs: Vec<*mut f32> = buffers.iter_mut().map(|c| c.as_mut_ptr()).collect();
        let mut outputs = inputs.clone();
        self.run_buses(&mut inputs, &mut outputs, frames, None, false)
    }
}

impl Drop for Instance<'_> {
    fn drop(&mut self) {
        // SAFETY: plain COM calls; the instance is not processing (tests stop it first).
        unsafe {
            if self.separate_controller {
                self.controller.terminate();
            }
            self.component.terminate();
        }
    }
}

/// The host's side of an embedded editor, passed to `IPlugView::setFrame`: `IPlugFrame` (the
/// plugin asks for a new size) and, as on Linux every host must offer, `IRunLoop`: the plugin
/// registers file descriptors and timers, and the host calls them back on its UI thread from
/// [`Frame::pump`]. Like a real host it keeps a reference to each registered handler until the
/// plugin unregisters it, so a registration the plugin forgets stays visible in
/// [`Frame::registrations`].
#[derive(Default)]
pub struct Frame {
    event_handlers: RefCell<Vec<(ComPtr<IEventHandler>, FileDescriptor)>>,
    timers: RefCell<Vec<Timer>>,
    resize_requests: Cell<usize>,
    last_resize_request: Cell<Option<(i32, i32)>>,
}

struct Timer {
    handler: ComPtr<ITimerHandler>,
    interval: Duration,
    due: Instant,
}

impl Class for Frame {
    type Interfaces = (IPlugFrame, IRunLoop);
}

impl Frame {
    /// A frame with nothing registered.
    pub fn new() -> ComWrapper<Self> {
        ComWrapper::new(Self::default())
    }

    /// Event handlers plus timers the plugin has registered and not unregistered.
    pub fn registrations(&self) -> usize {
        self.event_handlers.borrow().len() + self.timers.borrow().len()
    }

    /// How often the plugin asked for a new size.
    pub fn resize_requests(&self) -> usize {
        self.resize_requests.get()
    }

    /// The width and height the plugin asked for last (`resizeView`), if it asked.
    pub fn last_resize_request(&self) -> Option<(i32, i32)> {
        self.last_resize_request.get()
    }

    /// One turn of the host's UI loop: calls every handler whose descriptor is readable and every
    /// timer that is due. (Copies of the lists are walked: a callback may register or unregister.)
    pub fn pump(&self) {
        let handlers: Vec<_> = self.event_handlers.borrow().clone();
        for (handler, fd) in handlers {
            let mut poll = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd; a zero timeout only checks.
            let ready = unsafe { libc::poll(&mut poll, 1, 0) } == 1;
            if ready {
                // SAFETY: the handler is registered (we hold a reference), on the UI thread.
                unsafe { handler.onFDIsSet(fd) };
            }
        }
        let now = Instant::now();
        let due: Vec<_> = self
            .timers
            .borrow_mut()
            .iter_mut()
            .filter(|t| t.due <= now)
            .map(|t| {
                t.due = now + t.interval;
                t.handler.clone()
            })
            .collect();
        for handler in due {
            // SAFETY: as above.
            unsafe { handler.onTimer() };
        }
    }
}

impl IPlugFrameTrait for Frame {
    unsafe fn resizeView(&self, view: *mut IPlugView, new_size: *mut ViewRect) -> tresult {
        if view.is_null() || new_size.is_null() {
            return kInvalidArgument;
        }
        // Granted: these tests do not resize the host window, so the editor keeps its frame.
        self.resize_requests.set(self.resize_requests.get() + 1);
        // SAFETY: checked non-null; the plugin passes a valid rectangle for the call.
        let rect = unsafe { &*new_size };
        self.last_resize_request
            .set(Some((rect.right - rect.left, rect.bottom - rect.top)));
        kResultOk
    }
}

impl IRunLoopTrait for Frame {
    unsafe fn registerEventHandler(
        &self,
        handler: *mut IEventHandler,
        fd: FileDescriptor,
    ) -> tresult {
        // SAFETY: the plugin passes a live handler; `to_com_ptr` takes our own reference.
        let Some(handler) = (unsafe { ComRef::from_raw(handler) }) else {
            return kInvalidArgument;
        };
        self.event_handlers
            .borrow_mut()
            .push((handler.to_com_ptr(), fd));
        kResultOk
    }

    unsafe fn unregisterEventHandler(&self, handler: *mut IEventHandler) -> tresult {
        // Our references are released after the borrow ends: the release may run the handler's
        // destructor, which may call back.
        let removed: Vec<_> = {
            let mut handlers = self.event_handlers.borrow_mut();
            let (gone, kept) = handlers.drain(..).partition(|(h, _)| h.as_ptr() == handler);
            *handlers = kept;
            gone
        };
        if removed.is_empty() {
            kInvalidArgument
        } else {
            kResultOk
        }
    }

    unsafe fn registerTimer(
        &self,
        handler: *mut ITimerHandler,
        milliseconds: TimerInterval,
    ) -> tresult {
        // SAFETY: as in `registerEventHandler`.
        let Some(handler) = (unsafe { ComRef::from_raw(handler) }) else {
            return kInvalidArgument;
        };
        let interval = Duration::from_millis(milliseconds.max(1));
        self.timers.borrow_mut().push(Timer {
            handler: handler.to_com_ptr(),
            interval,
            due: Instant::now() + interval,
        });
        kResultOk
    }

    unsafe fn unregisterTimer(&self, handler: *mut ITimerHandler) -> tresult {
        // Released after the borrow, as above.
        let removed: Vec<Timer> = {
            let mut timers = self.timers.borrow_mut();
            let (gone, kept) = timers
                .drain(..)
                .partition(|t| t.handler.as_ptr() == handler);
            *timers = kept;
            gone
        };
        if removed.is_empty() {
            kInvalidArgument
        } else {
            kResultOk
        }
    }
}
