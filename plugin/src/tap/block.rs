//! What travels with each host block besides its frames: [`BlockInfo`], with the host's
//! transport in the packed form [`PackedTransport`].

use nice_plug::prelude::Transport;
use ringscope::analysis::TransportInfo;

/// The host's transport at the start of a block, packed so that a whole [`BlockInfo`] is one
/// cache line (absent numbers as NaN, flags in a byte): every line the audio thread writes has
/// to travel to the editor's core.
///
/// Made from nice-plug's [`Transport`] with `From`; the analysis reads it as a
/// [`TransportInfo`] (`TransportInfo::from(&block_info)`). The accessors give `None` for what
/// the host did not report (or reported as NaN).
#[derive(Debug, Clone, Copy)]
pub struct PackedTransport {
    tempo: f64,
    pos_beats: f64,
    bar_start_pos_beats: f64,
    time_signature: [u16; 2],
    flags: u8,
}

const PLAYING: u8 = 1;

impl Default for PackedTransport {
    fn default() -> Self {
        Self {
            tempo: f64::NAN,
            pos_beats: f64::NAN,
            bar_start_pos_beats: f64::NAN,
            time_signature: [0; 2],
            flags: 0,
        }
    }
}

impl PackedTransport {
    /// Packs what the host reported: tempo in quarter notes per minute, the position of the
    /// block's first sample and that of the current bar's start in quarter notes, and the time
    /// signature (numerator, denominator; values outside 1…65535 count as unknown).
    pub fn new(
        playing: bool,
        tempo: Option<f64>,
        pos_beats: Option<f64>,
        bar_start_pos_beats: Option<f64>,
        time_signature: Option<(i32, i32)>,
    ) -> Self {
        let sig = time_signature.and_then(|(n, d)| {
            let part = |v: i32| u16::try_from(v).ok().filter(|&v| v > 0);
            Some([part(n)?, part(d)?])
        });
        Self {
            tempo: tempo.unwrap_or(f64::NAN),
            pos_beats: pos_beats.unwrap_or(f64::NAN),
            bar_start_pos_beats: bar_start_pos_beats.unwrap_or(f64::NAN),
            time_signature: sig.unwrap_or([0; 2]),
            flags: if playing { PLAYING } else { 0 },
        }
    }

    /// Whether the transport is rolling.
    pub fn playing(&self) -> bool {
        self.flags & PLAYING != 0
    }

    /// Tempo in quarter notes per minute.
    pub fn tempo(&self) -> Option<f64> {
        finite(self.tempo)
    }

    /// Song position of the block's first sample, in quarter notes.
    pub fn pos_beats(&self) -> Option<f64> {
        finite(self.pos_beats)
    }

    /// Position of the start of the current bar, in quarter notes.
    pub fn bar_start_pos_beats(&self) -> Option<f64> {
        finite(self.bar_start_pos_beats)
    }

    /// Time signature (numerator, denominator).
    pub fn time_signature(&self) -> Option<(u32, u32)> {
        let [n, d] = self.time_signature;
        (n > 0 && d > 0).then_some((u32::from(n), u32::from(d)))
    }
}

/// Equal when they report the same things (absent values are equal however they are stored).
/// Only the tests compare transports and blocks.
#[cfg(test)]
impl PartialEq for PackedTransport {
    fn eq(&self, other: &Self) -> bool {
        self.playing() == other.playing()
            && self.tempo() == other.tempo()
            && self.pos_beats() == other.pos_beats()
            && self.bar_start_pos_beats() == other.bar_start_pos_beats()
            && self.time_signature() == other.time_signature()
    }
}

impl From<&Transport> for PackedTransport {
    fn from(t: &Transport) -> Self {
        Self::new(
            t.playing,
            t.tempo,
            t.pos_beats(),
            t.bar_start_pos_beats(),
            t.time_sig_numerator.zip(t.time_sig_denominator),
        )
    }
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// What the display needs to know about one block the host processed: exactly one cache line.
#[derive(Debug, Clone, Copy, Default)]
#[cfg_attr(test, derive(PartialEq))]
#[repr(C, align(64))]
pub struct BlockInfo {
    /// Index of the block's first frame in the tap's stream: the number of frames offered to the
    /// tap (written or dropped) since it was created. Gaps show where frames were lost.
    pub stream_pos: u64,
    /// Host transport at the block's start.
    pub transport: PackedTransport,
    /// How many of them are in the frame ring: the block's first `written` frames (the rest did
    /// not fit and were dropped).
    pub written: u32,
    /// Sample rate of the block, Hz.
    pub sample_rate: f32,
    /// Input channels the host sent (mono input is written as `[x, x]`).
    pub input_channels: u8,
    /// The frames are the built-in test signal, not the input.
    pub test_signal: bool,
    /// Frames of silence the audio side did not write since the previous block it wrote,
    /// because every listener rested (see [`Demand::Rest`](super::Demand::Rest)): known
    /// silence, before this block. (Frames nobody listened to are not counted: they are
    /// unknown, not silent.)
    pub rested_frames: u64,
}

const _: () = assert!(std::mem::size_of::<BlockInfo>() == 64);

/// The transport as the analysis reads it, placed at the block's first frame in the tap's
/// stream (which the display uses as the scope's feed clock).
impl From<&BlockInfo> for TransportInfo {
    fn from(info: &BlockInfo) -> Self {
        let t = &info.transport;
        TransportInfo {
            frame_position: info.stream_pos,
            tempo_bpm: t.tempo(),
            beat_position: t.pos_beats(),
            bar_start_beats: t.bar_start_pos_beats(),
            time_signature: t.time_signature(),
            playing: t.playing(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_round_trips_through_the_packed_form() {
        let t = PackedTransport::new(true, Some(123.5), Some(17.25), Some(16.0), Some((7, 8)));
        assert!(t.playing());
        assert_eq!(t.tempo(), Some(123.5));
        assert_eq!(t.pos_beats(), Some(17.25));
        assert_eq!(t.bar_start_pos_beats(), Some(16.0));
        assert_eq!(t.time_signature(), Some((7, 8)));
        let unknown = PackedTransport::new(false, None, Some(f64::NAN), None, Some((0, 4)));
        assert_eq!(unknown, PackedTransport::default());
        assert!(!unknown.playing());
        assert_eq!((unknown.tempo(), unknown.pos_beats()), (None, None));
        assert_eq!(unknown.time_signature(), None);
    }

    #[test]
    fn the_host_transport_reaches_the_analysis_whole() {
        let mut host = Transport::new(48_000.0);
        host.playing = true;
        host.tempo = Some(140.0);
        host.pos_beats = Some(33.5);
        host.bar_start_pos_beats = Some(32.0);
        host.time_sig_numerator = Some(6);
        host.time_sig_denominator = Some(8);
        let info = BlockInfo {
            stream_pos: 9_600,
            transport: PackedTransport::from(&host),
            ..BlockInfo::default()
        };
        assert_eq!(
            TransportInfo::from(&info),
            TransportInfo {
                frame_position: 9_600,
                tempo_bpm: Some(140.0),
                beat_position: Some(33.5),
                bar_start_beats: Some(32.0),
                time_signature: Some((6, 8)),
                playing: true,
            }
        );
        let silent_host = TransportInfo::from(&BlockInfo::default());
        assert_eq!(silent_host, TransportInfo::default());
    }
}
