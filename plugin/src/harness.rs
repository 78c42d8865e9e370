//! Drives [`Ringscope`] without a host: a minimal process/activate context and buffer helpers,
//! so tests and the `process` benchmark call the real `Plugin::process`.

use nice_plug::context::process::SendEventError;
use nice_plug::midi::PluginNoteEvent;
use nice_plug::prelude::*;

use crate::Ringscope;

/// A host stand-in: reports a transport, ignores events and requests.
pub struct HostlessContext {
    /// The transport `process()` sees.
    pub transport: Transport,
}

impl HostlessContext {
    /// A stopped transport at `sample_rate` with tempo 120 and 4/4.
    pub fn new(sample_rate: f32) -> Self {
        let mut transport = Transport::new(sample_rate);
        transport.tempo = Some(120.0);
        transport.time_sig_numerator = Some(4);
        transport.time_sig_denominator = Some(4);
        transport.pos_samples = Some(0);
        Self { transport }
    }
}

impl ProcessContext<Ringscope> for HostlessContext {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }

    fn execute_background(&self, _task: ()) {}

    fn execute_gui(&self, _task: ()) {}

    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn next_event(&mut self) -> Option<PluginNoteEvent<Ringscope>> {
        None
    }

    fn try_send_event(
        &mut self,
        event: PluginNoteEvent<Ringscope>,
    ) -> Result<(), (PluginNoteEvent<Ringscope>, SendEventError)> {
        Err((event, SendEventError::NoOutputBuffer))
    }

    fn set_latency_samples(&self, _samples: u32) {}

    fn request_restart(&self) {}

    fn set_current_voice_capacity(&self, _capacity: u32) {}
}

impl ActivateContext<Ringscope> for HostlessContext {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }

    fn execute(&self, _task: ()) {}

    fn set_latency_samples(&self, _samples: u32) {}

    fn set_current_voice_capacity(&self, _capacity: u32) {}
}

/// Activates `plugin` for `channels` channels at `sample_rate` with `max_block` frames.
pub fn activate(
    plugin: &mut Ringscope,
    channels: u32,
    sample_rate: f32,
    max_block: u32,
) -> HostlessContext {
    let layout = Ringscope::AUDIO_IO_LAYOUTS
        .iter()
        .find(|l| l.main_input_channels.map(|c| c.get()) == Some(channels))
        .copied()
        .unwrap_or(Ringscope::AUDIO_IO_LAYOUTS[0]);
    let config = BufferConfig {
        sample_rate,
        min_buffer_size: None,
        max_buffer_size: max_block,
        process_mode: ProcessMode::Realtime,
    };
    let mut context = HostlessContext::new(sample_rate);
    assert!(plugin.activate(&layout, &config, &mut context));
    plugin.reset();
    context
}

/// A [`Buffer`] over `channels` (all the same length), as a host would pass it in place.
pub fn buffer_over(channels: &mut [Vec<f32>]) -> Buffer<'_> {
    let len = channels.first().map_or(0, Vec::len);
    assert!(channels.iter().all(|c| c.len() == len));
    let mut buffer = Buffer::default();
    // SAFETY: every slice is `len` long and borrows `channels` for the buffer's lifetime.
    unsafe {
        buffer.set_slices(len, |slices| {
            slices.clear();
            slices.extend(channels.iter_mut().map(Vec::as_mut_slice));
        });
    }
    buffer
}

/// Calls `Plugin::process` once with `sidechain` as the auxiliary inputs (a host connecting the
/// sidechain port: one buffer; none is a host that gives no buffer for it).
pub fn process_with_sidechain<'a>(
    plugin: &mut Ringscope,
    buffer: &mut Buffer,
    sidechain: &'a mut [Buffer<'a>],
    context: &mut HostlessContext,
) -> ProcessStatus {
    let mut aux = AuxiliaryBuffers {
        inputs: sidechain,
        outputs: &mut [],
    };
    plugin.process(buffer, &mut aux, context)
}

/// Calls `Plugin::process` once, without auxiliary buffers.
///
/// Inlinable like the call from nice-plug's wrapper, which is generic code compiled into the
/// plugin: a benchmark calling through an opaque function would time a call a host never makes.
#[inline]
pub fn process(
    plugin: &mut Ringscope,
    buffer: &mut Buffer,
    context: &mut HostlessContext,
) -> ProcessStatus {
    let mut aux = AuxiliaryBuffers {
        inputs: &mut [],
        outputs: &mut [],
    };
    plugin.process(buffer, &mut aux, context)
}
