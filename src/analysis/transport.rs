//! Host transport as the scope needs it for beat-synced sweeps.

/// What the host said about its transport at the first frame of one audio block.
///
/// The plugin sends one of these per block alongside the block's frames; the scope turns the
/// newest one into a beat grid (see [`Scope::feed_transport`](super::Scope::feed_transport)).
/// Fields the host does not provide are `None`; a sweep then falls back to free run.
///
/// ```
/// use ringscope::analysis::TransportInfo;
/// let info = TransportInfo {
///     frame_position: 48_000,
///     tempo_bpm: Some(120.0),
///     beat_position: Some(2.0),
///     bar_start_beats: Some(0.0),
///     time_signature: Some((4, 4)),
///     playing: true,
/// };
/// assert_eq!(info.bar_length_beats(), 4.0);
/// assert_eq!(info.beat_length_quarters(), 1.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TransportInfo {
    /// The analysis clock of the block's first frame: the number of frames fed to the scope
    /// before this block (see [`Scope::clock`](super::Scope::clock)). A producer that counts the
    /// frames it wrote into the ring uses that count.
    pub frame_position: u64,
    /// Tempo in quarter notes per minute.
    pub tempo_bpm: Option<f64>,
    /// Song position in quarter notes at the block's first frame.
    pub beat_position: Option<f64>,
    /// Song position in quarter notes of the start of the bar holding the block's first frame.
    pub bar_start_beats: Option<f64>,
    /// Time signature as (numerator, denominator), e.g. `(6, 8)`.
    pub time_signature: Option<(u32, u32)>,
    /// Whether the transport is rolling.
    pub playing: bool,
}

impl TransportInfo {
    /// Length of one beat (the time signature's denominator note) in quarter notes; 1 without a
    /// time signature.
    pub fn beat_length_quarters(&self) -> f64 {
        match self.time_signature {
            Some((_, den)) if den > 0 => 4.0 / den as f64,
            _ => 1.0,
        }
    }

    /// Length of one bar in quarter notes; 4 without a (valid) time signature.
    pub fn bar_length_beats(&self) -> f64 {
        match self.time_signature {
            Some((num, den)) if num > 0 && den > 0 => num as f64 * 4.0 / den as f64,
            _ => 4.0,
        }
    }
}

/// How long one beat-synced sweep lasts.
///
/// ```
/// use ringscope::analysis::{BeatSyncLength, TransportInfo};
/// let four_four = TransportInfo { time_signature: Some((4, 4)), ..Default::default() };
/// assert_eq!(BeatSyncLength::Bars(2).length_quarters(&four_four), 8.0);
/// assert_eq!(BeatSyncLength::Beats(1).length_quarters(&four_four), 1.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BeatSyncLength {
    /// N beats of the time signature's denominator note (quarter notes without a signature).
    Beats(u32),
    /// N bars.
    Bars(u32),
}

impl Default for BeatSyncLength {
    fn default() -> Self {
        BeatSyncLength::Bars(1)
    }
}

impl BeatSyncLength {
    /// The sweep length in quarter notes under `transport`'s time signature (at least one beat).
    pub fn length_quarters(self, transport: &TransportInfo) -> f64 {
        match self {
            BeatSyncLength::Beats(n) => n.max(1) as f64 * transport.beat_length_quarters(),
            BeatSyncLength::Bars(n) => n.max(1) as f64 * transport.bar_length_beats(),
        }
    }
}
