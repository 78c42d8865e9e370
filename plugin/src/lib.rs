//! Ringscope: a live oscilloscope and spectrum analyzer plugin (CLAP, VST3 and a standalone app).
//!
//! The audio path is a passthrough: `process()` never writes to the buffer, so the output is
//! the input bit for bit. While an editor window is open it copies each block into the
//! [`tap`] (a wait-free ring), from which the editor draws; while no window is open it checks
//! one atomic flag and returns (unless the last window showed a loudness layout: then it keeps
//! copying for the [`loudness_monitor`]), and while the host bypasses the plugin one more.
//!
//! Modules: [`params`] (parameters and their stable IDs), [`tap`] (audio → editor channel),
//! [`shared`] (what the plugin shares with its editor windows), [`loudness_monitor`] (the
//! loudness measurement its windows share), [`test_signal`] (the display-only test signal),
//! [`compare`] (instances overlaying each other's spectrum), [`editor`] (the egui editor), and
//! two the editor and the parameters share: `format` (every number written as text) and
//! `beats` (bars and beats of a beat-synced sweep). `docs/architecture.md` follows one block
//! from the host to the screen.

#![warn(missing_docs)]

mod beats;
pub mod cli;
pub mod compare;
pub mod editor;
mod format;
#[doc(hidden)]
pub mod harness;
pub mod loudness_monitor;
pub mod params;
pub mod shared;
pub mod tap;
pub mod test_signal;

use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};

use nice_plug::prelude::*;

use crate::compare::Publisher;
use crate::editor::RingscopeEditor;
use crate::params::{RingscopeParams, TestSignalKind};
use crate::shared::EditorShared;
use crate::tap::{AudioTap, BlockInfo, PackedTransport, default_capacity};
use crate::test_signal::{TestSignal, TestSignalSettings};
use ringscope::analysis::valid_sample_rate;

pub use crate::params::set_test_signal_on_by_default;

/// The sidechain input's name: the port's, and the overlay's in the legend.
pub const SIDECHAIN: &str = "Sidechain";

/// The sidechain (auxiliary) input port: stereo.
const SIDECHAIN_PORTS: &[NonZeroU32] = &[new_nonzero_u32(2)];

/// Both layouts' port names: the main ports keep nice-plug's defaults.
const PORT_NAMES: PortNames = PortNames {
    layout: None,
    main_input: None,
    main_output: None,
    aux_inputs: &[SIDECHAIN],
    aux_outputs: &[],
};

/// The plugin.
pub struct Ringscope {
    params: Arc<RingscopeParams>,
    /// Audio side of the audio → editor channel.
    tap: AudioTap,
    /// What the editor windows share with the plugin (holds the tap's reader and switch).
    shared: Arc<EditorShared>,
    test_signal: TestSignal,
    sample_rate: f32,
    /// This instance for the others to overlay ([`compare`]).
    compare: Publisher,
    /// The sidechain input for this instance's own editor to overlay (never listed).
    sidechain: Publisher,
}

impl Default for Ringscope {
    fn default() -> Self {
        let params = Arc::new(RingscopeParams::default());
        let shared = Arc::new(EditorShared::new(params.clone()));
        // Allocated here and in `activate`, never on the audio thread. Sized for 48 kHz until
        // the host tells the real rate.
        let sample_rate = 48_000.0;
        let tap = shared.connect(default_capacity(sample_rate));
        let compare = Publisher::new(params.compare.instance_name.clone());
        params.compare.set_own_id(compare.entry().id());
        let sidechain = Publisher::unlisted(Arc::new(RwLock::new(SIDECHAIN.to_owned())));
        params.compare.set_sidechain(sidechain.entry().clone());
        Self {
            params,
            tap,
            shared,
            test_signal: TestSignal::new(sample_rate),
            sample_rate,
            compare,
            sidechain,
        }
    }
}

impl Ringscope {
    /// Handle to the state the editor shares with the plugin (for tests and benchmarks that
    /// drive the plugin without a window).
    pub fn editor_shared(&self) -> Arc<EditorShared> {
        self.shared.clone()
    }

    /// Publishes one block of the sidechain input (`channels`: its buffer, empty when the host
    /// gives none) for this instance's editor, only while it overlays the sidechain: otherwise
    /// one relaxed load. Only read, like the main buffer.
    #[inline]
    pub fn sidechain_block<C: AsRef<[f32]>>(&mut self, channels: &[C]) {
        self.sidechain.publish(channels);
    }

    /// The audio-thread work of one block, separated from `Plugin::process` so benchmarks and
    /// tests can call exactly what `process()` calls. `channels` is the host's buffer; it is
    /// only read.
    #[inline]
    pub fn tap_block<C: AsRef<[f32]>>(&mut self, channels: &[C], transport: Option<&Transport>) {
        // For other instances' editors: one relaxed load while none subscribes.
        self.compare.publish(channels);
        // Nobody listening (editor closed or frozen), or bypassed (the analysis pauses): these
        // relaxed loads (the second only while listening) are all the audio thread does.
        if !self.tap.is_listening() || self.params.bypass.value() {
            return;
        }
        let info = BlockInfo {
            sample_rate: self.sample_rate,
            transport: transport.map(PackedTransport::from).unwrap_or_default(),
            ..Default::default()
        };
        let kind = self.params.test_signal.value();
        if kind == TestSignalKind::Off {
            self.tap.write_block(channels, info);
        } else {
            let frames = channels.first().map_or(0, |c| c.as_ref().len());
            let settings = TestSignalSettings {
                kind,
                frequency_hz: self.params.test_freq_hz.value(),
                frequency2_hz: self.params.test_freq2_hz.value(),
                amplitude: util::db_to_gain(self.params.test_level_db.value()),
                sweep_seconds: self.params.test_sweep_s.value(),
            };
            let channel_count = channels.len().min(2) as u8;
            let signal = &mut self.test_signal;
            self.tap
                .write_test_signal(frames, info, channel_count, |out| {
                    signal.fill(&settings, out)
                });
        }
    }
}

impl Plugin for Ringscope {
    const NAME: &'static str = "Ringscope";
    const VENDOR: &'static str = "Ringscope developers";
    const URL: &'static str = env!("CARGO_PKG_REPOSITORY");
    const EMAIL: &'static str = "";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    // Stereo first: it is what hosts pick by default. Both layouts have the stereo sidechain
    // input (a mono track can be compared with a stereo reference too); it is only read and
    // drawn, never mixed into the output. A host that leaves it unconnected gets the same
    // passthrough (nice-plug then feeds the plugin zeros for it).
    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(2),
            main_output_channels: NonZeroU32::new(2),
            aux_input_ports: SIDECHAIN_PORTS,
            names: PORT_NAMES,
            ..AudioIOLayout::const_default()
        },
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(1),
            main_output_channels: NonZeroU32::new(1),
            aux_input_ports: SIDECHAIN_PORTS,
            names: PORT_NAMES,
            ..AudioIOLayout::const_default()
        },
    ];

    type Editor = RingscopeEditor;
    type SysExMessage = ();
    type BackgroundTask = ();

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    /// Every parameter a session does not name (one saved before the parameter existed) loads
    /// at its default, even into an instance where it is set otherwise now: nice-plug leaves a
    /// parameter the state does not name as it was, so an old session would load un-bypassed
    /// into a bypassed instance only by chance. Runs where nice-plug loads a state, never in
    /// `process()` (Ringscope's editor never hands nice-plug a state to load there).
    fn filter_state(state: &mut PluginState) {
        let defaults = RingscopeParams::default();
        for (id, param, _) in defaults.param_map() {
            // SAFETY: `param` points into `defaults`, made above with every value at its
            // default, alive to the end of this function and used by this thread only.
            state
                .params
                .entry(id)
                .or_insert_with(|| unsafe { default_state_value(param) });
        }
    }

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        // The standalone app's `--set ID=VALUE` options (none in a DAW), applied once, before
        // the window opens and the audio starts (the app's wrapper asks for the editor then).
        cli::apply_startup_params(&self.params);
        Some(RingscopeEditor::new(self.shared.clone()))
    }

    fn activate(
        &mut self,
        _audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        _context: &mut impl ActivateContext<Self>,
    ) -> bool {
        let sample_rate = buffer_config.sample_rate;
        // A ring of one second, and at least four of the largest blocks the host announced.
        let capacity =
            default_capacity(sample_rate).max(4 * buffer_config.max_buffer_size as usize);
        if capacity != self.tap.capacity() {
            self.tap = self.shared.connect(capacity);
        }
        // One rule for real rates: what the tap reports is what the display analyses and what
        // the test signal is made at.
        let sample_rate = valid_sample_rate(f64::from(sample_rate)) as f32;
        if sample_rate != self.sample_rate {
            self.sample_rate = sample_rate;
            self.test_signal.set_sample_rate(sample_rate);
        }
        let max_block = buffer_config.max_buffer_size as usize;
        self.compare.activate(sample_rate, max_block);
        self.sidechain.activate(sample_rate, max_block);
        true
    }

    fn reset(&mut self) {
        self.test_signal.reset();
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        // The buffer already holds the input (the wrapper copies it there when the host does not
        // process in place) and is never written: the output is the input, bit for bit.
        self.tap_block(buffer.as_slice_immutable(), Some(context.transport()));
        let sidechain: &[&mut [f32]] = aux.inputs.first().map_or(&[], |b| b.as_slice_immutable());
        self.sidechain_block(sidechain);
        ProcessStatus::Normal
    }
}

/// `param`'s default as nice-plug saves a value in a state (`wrapper/state.rs`, which loads it
/// back): a plain value per kind, and an enum by its variant's stable ID where it has IDs (else
/// by its index).
///
/// # Safety
///
/// `param` must point to a live parameter that no other thread is changing, whose value is its
/// default (a freshly made one): an enum's ID is read from its current value.
unsafe fn default_state_value(param: ParamPtr) -> nice_plug::plugin::ParamValue {
    use nice_plug::plugin::ParamValue;
    // SAFETY: `param` is live and unshared, as the caller promises.
    unsafe {
        match param {
            ParamPtr::FloatParam(p) => ParamValue::F32((*p).default_plain_value()),
            ParamPtr::IntParam(p) => ParamValue::I32((*p).default_plain_value()),
            ParamPtr::BoolParam(p) => ParamValue::Bool((*p).default_plain_value()),
            ParamPtr::EnumParam(p) => match (*p).unmodulated_plain_id() {
                Some(id) => ParamValue::String(id.to_owned()),
                None => ParamValue::I32((*p).default_plain_value()),
            },
        }
    }
}

impl ClapPlugin for Ringscope {
    // Stable: hosts store this in sessions. Never change it.
    const CLAP_ID: &'static str = "org.ringscope.ringscope";
    const CLAP_DESCRIPTION: Option<&'static str> = Some("Live oscilloscope and spectrum analyzer");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[
        ClapFeature::Analyzer,
        ClapFeature::AudioEffect,
        ClapFeature::Mono,
        ClapFeature::Stereo,
    ];
}

impl Vst3Plugin for Ringscope {
    // Stable: hosts store this in sessions. Written once, never derived from anything.
    const VST3_CLASS_ID: [u8; 16] = *b"RingscopeAnlyzr1";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] =
        &[Vst3SubCategory::Fx, Vst3SubCategory::Analyzer];
}

nice_export_clap!(Ringscope);
nice_export_vst3!(Ringscope);
