//! Running a CLAP instance's audio: a started processor fed separate, in-place or main-only
//! buffers (with the sidechain port CLAP hosts give), and a playing transport.

use super::TestHost;
use clack_host::events::event_types::{ParamValueEvent, TransportEvent};
use clack_host::prelude::*;
use clap_sys::audio_buffer::clap_audio_buffer;

/// A CLAP audio port of 32-bit `channels` (pointers to each channel's samples), no latency, no
/// constant channels: what the raw-buffer paths below hand the plugin.
fn audio_port(channels: &mut [*mut f32]) -> clap_audio_buffer {
    clap_audio_buffer {
        data32: channels.as_mut_ptr(),
        data64: std::ptr::null_mut(),
        channel_count: channels.len() as u32,
        latency: 0,
        constant_mask: 0,
    }
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
        let port = audio_port(&mut pointers);
        self.extend_sidechain(frames);
        let mut side: Vec<*mut f32> = self.sidechain.iter_mut().map(|c| c.as_mut_ptr()).collect();
        let side_port = audio_port(&mut side);
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
        let port = audio_port(&mut pointers);
        // Two channel pointers that point nowhere.
        let mut poison = [std::ptr::dangling_mut::<f32>(); 2];
        let poisoned = audio_port(&mut poison);
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
