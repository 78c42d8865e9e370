//! The audio → editor channel: the audio thread's [`AudioTap`], the editor's [`TapReader`], and
//! the [`TapSwitch`] that decides whether the audio thread writes.
//!
//! Two single-producer single-consumer rings carry the data: one of stereo frames
//! ([`Frame`]; mono input is written as `[x, x]`) and one of [`BlockInfo`], one entry per host
//! block, with what the display needs from the host (sample rate, transport). Both are
//! allocated by [`tap_channel`], off the audio thread. The tap knows nothing of the plugin's
//! parameters: a test signal reaches it as frames to write.
//!
//! Real-time contract of the audio side: while nobody listens, [`AudioTap::write_block`] is one
//! relaxed atomic load. While a listener rests (the input was silent), it is that load and a
//! scan of the block for signal ([`ringscope::analysis::is_silent`]), plus, for a silent block
//! skipped, one add to the count of rested frames the next written block carries
//! ([`BlockInfo::rested_frames`], so a loudness graph keeps its time). While one streams, a block
//! costs one `write_chunk_uninit` of the frame ring (the interleaving copy goes straight into
//! the ring's slots: no scratch buffer, no second copy, no default fill) and a one-slot chunk of
//! the info ring: no per-sample atomics, no allocation, no lock, no system call. When the frame
//! ring is full, the frames that do not fit are dropped and counted in the frame ring's own
//! `Counters::dropped` (a chunk is a reservation, so the tap records what did not fit).
//!
//! Pairing: the audio side reserves the block's `BlockInfo` slot first (dropping the whole block
//! when the info ring is full), commits the frames, then commits the info, so every `BlockInfo`
//! the reader sees describes frames that are already readable, in order. The reader only ever
//! consumes frames through their `BlockInfo`, so frames and infos can never slip out of step.
//!
//! Files: [`block`] (what travels with a block), [`switch`] (who wants what), [`writer`] (the
//! audio side), [`reader`] (the editor side).

pub mod block;
pub mod reader;
pub mod switch;
pub mod writer;

use std::sync::Arc;

use ringscope::RingBuffer;
use ringscope::analysis::{Frame, valid_sample_rate};

pub use self::block::{BlockInfo, PackedTransport};
pub use self::reader::TapReader;
pub use self::switch::{Demand, Listener, TapSwitch};
pub use self::writer::AudioTap;

/// Frames the rings hold by default: one second at the given rate (a rate that is not real
/// counts as 48 kHz; at least 4096 frames, at most 2²⁰), so a GUI that stalls for up to a
/// second loses nothing.
pub fn default_capacity(sample_rate: f32) -> usize {
    (valid_sample_rate(f64::from(sample_rate)) as usize).clamp(4096, 1 << 20)
}

/// Creates the two ends of the channel with room for `capacity_frames` frames, writing while
/// `switch` admits blocks. Allocates: call it off the audio thread.
pub fn tap_channel(capacity_frames: usize, switch: Arc<TapSwitch>) -> (AudioTap, TapReader) {
    let capacity_frames = capacity_frames.max(1);
    // An info per block: room for blocks averaging 16 frames before the info ring saturates.
    let info_capacity = (capacity_frames / 16).max(256);
    let (frames_tx, frames_rx) = RingBuffer::<Frame>::new(capacity_frames);
    let (info_tx, info_rx) = RingBuffer::<BlockInfo>::new(info_capacity);
    (
        AudioTap::new(frames_tx, info_tx, switch),
        TapReader::new(frames_rx, info_rx),
    )
}

/// A channel whose editor listener streams, for tests that need frames to flow.
#[cfg(test)]
pub(crate) fn open_channel(capacity_frames: usize) -> (AudioTap, TapReader) {
    let switch = Arc::new(TapSwitch::default());
    switch.set(Listener::Editor, Demand::Stream);
    tap_channel(capacity_frames, switch)
}

/// A switch whose waker counts its calls, and the count, for tests of waking.
#[cfg(test)]
pub(crate) fn counting_switch() -> (Arc<TapSwitch>, Arc<std::sync::atomic::AtomicU32>) {
    use std::sync::atomic::{AtomicU32, Ordering};
    let wakes = Arc::new(AtomicU32::new(0));
    let counter = wakes.clone();
    let switch = TapSwitch::with_waker(move || {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    (Arc::new(switch), wakes)
}

/// The info of a block at 48 kHz, for tests.
#[cfg(test)]
pub(crate) fn test_block_info() -> BlockInfo {
    BlockInfo {
        sample_rate: 48_000.0,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_capacity_is_a_second_at_the_same_rates_the_analysis_takes() {
        assert_eq!(default_capacity(96_000.0), 96_000);
        assert_eq!(default_capacity(2_000.0), 4096, "at least 4096 frames");
        // Not a real rate: sized as the display will analyse it, at 48 kHz. (The tap used to
        // size 500 Hz as 4096 frames and 10⁷ Hz as 2²⁰ while the analysis took 500 Hz.)
        for bogus in [f32::NAN, f32::INFINITY, -1.0, 0.0, 500.0, 1e7] {
            assert_eq!(default_capacity(bogus), 48_000, "{bogus}");
        }
    }
}
