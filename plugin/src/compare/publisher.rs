//! The plugin's side: its place in the registry and the writing end of its ring, written on the
//! audio thread only while someone subscribes.

use std::sync::{Arc, RwLock};

use ringscope::analysis::FftSize;
use ringscope::snapshot::{SnapshotBuffer, SnapshotWriter};

use super::registry::{Entry, Input, Registration};

/// The ring's capacity in frames for blocks of up to `max_block` frames: two of the largest FFT
/// windows (what the snapshot ring's sizing rule asks for the longest window a reader wants),
/// plus four blocks of slack. FFT windows are counted in frames, so the rate does not change
/// them: at the highest rate (768 kHz) this is still two whole 32768-point windows, and at
/// 192 kHz (65 536 + slack frames) a third of a second, ten 30 fps editor frames.
pub fn ring_capacity(max_block: usize) -> usize {
    let largest = FftSize::ALL[FftSize::ALL.len() - 1].len();
    2 * largest + 4 * max_block
}

/// What the plugin owns for others to overlay it.
#[derive(Debug)]
pub struct Publisher {
    registration: Registration,
    /// `None` until the plugin is activated.
    writer: Option<SnapshotWriter<[f32; 2]>>,
    /// One block's stereo frames, interleaved for the ring (sized at activation).
    frames: Vec<[f32; 2]>,
}

impl Publisher {
    /// Registers an instance named by `name` (the persisted field). Main thread.
    pub fn new(name: Arc<RwLock<String>>) -> Self {
        Self {
            registration: Registration::new(name),
            writer: None,
            frames: Vec::new(),
        }
    }

    /// A publisher that is not listed in the registry: an instance's sidechain input (see
    /// [`Registration::unlisted`]). Main thread.
    pub fn unlisted(name: Arc<RwLock<String>>) -> Self {
        Self {
            registration: Registration::unlisted(name),
            writer: None,
            frames: Vec::new(),
        }
    }

    /// This instance's registry entry.
    pub fn entry(&self) -> &Arc<Entry> {
        self.registration.entry()
    }

    /// Makes the ring for blocks of up to `max_block` frames at `sample_rate` and hands
    /// subscribers its reader. Allocates: main thread (activation), never the audio thread.
    pub fn activate(&mut self, sample_rate: f32, max_block: usize) {
        let capacity = ring_capacity(max_block);
        let (writer, reader) = SnapshotBuffer::new(capacity);
        self.writer = Some(writer);
        self.frames = vec![[0.0; 2]; max_block.clamp(1, capacity / 4)];
        self.registration.set_frames(reader, sample_rate);
    }

    /// Publishes one block (`channels`: the host's buffer, one slice per channel; a mono
    /// channel is published as both sides) if anyone subscribes: the input as the track carries
    /// it, also while bypassed or showing its test signal (those change only its own display). Audio thread: one relaxed load
    /// when nobody does; otherwise copies into the preallocated block and the ring, no
    /// allocation, lock or system call.
    #[inline]
    pub fn publish<C: AsRef<[f32]>>(&mut self, channels: &[C]) {
        if self.registration.entry().subscribers() == 0 {
            return;
        }
        self.write(channels);
    }

    #[inline(never)]
    fn write<C: AsRef<[f32]>>(&mut self, channels: &[C]) {
        let entry = self.registration.entry();
        let Some(writer) = self.writer.as_mut() else {
            return;
        };
        let Some(left) = channels.first().map(AsRef::as_ref) else {
            entry.set_input(Input::NotConnected);
            return;
        };
        let right = channels.get(1).map_or(left, AsRef::as_ref);
        let chunk = self.frames.len().max(1);
        let mut live = false;
        // A block longer than the host announced is published in parts.
        for (l, r) in left.chunks(chunk).zip(right.chunks(chunk)) {
            let frames = &mut self.frames[..l.len()];
            for ((frame, &l), &r) in frames.iter_mut().zip(l).zip(r) {
                *frame = [l, r];
                live |= l != 0.0 || r != 0.0;
            }
            writer.write(frames);
        }
        if !left.is_empty() {
            entry.set_input(if live { Input::Live } else { Input::Silent });
        }
    }
}
