//! Which signal a view shows: left, right, mid, side, or left and right overlaid.
//!
//! Mid and side use the halved convention, `mid = (L + R) / 2` and `side = (L - R) / 2`, so a
//! mono signal written as `[x, x]` reads exactly `x` on mid (and silence on side), and no view
//! can exceed full scale when the inputs do not.

/// One stereo frame, `[left, right]`: the element type of the audio → editor ring.
///
/// A mono plugin writes `[x, x]`.
///
/// ```
/// use ringscope::analysis::{Channel, Frame};
/// let mono: Frame = [0.25, 0.25];
/// assert_eq!(Channel::Mid.sample(mono), 0.25);
/// assert_eq!(Channel::Side.sample(mono), 0.0);
/// ```
pub type Frame = [f32; 2];

/// One signal derived from a stereo frame.
///
/// ```
/// use ringscope::analysis::Channel;
/// assert_eq!(Channel::Mid.sample([1.0, 0.5]), 0.75);
/// assert_eq!(Channel::Side.sample([1.0, 0.5]), 0.25);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Channel {
    /// The left input.
    #[default]
    Left,
    /// The right input.
    Right,
    /// `(L + R) / 2`.
    Mid,
    /// `(L - R) / 2`.
    Side,
}

impl Channel {
    /// All four channels, in declaration order.
    pub const ALL: [Channel; 4] = [Channel::Left, Channel::Right, Channel::Mid, Channel::Side];

    /// This channel's sample in `frame`.
    #[inline(always)]
    pub fn sample(self, frame: Frame) -> f32 {
        match self {
            Channel::Left => frame[0],
            Channel::Right => frame[1],
            Channel::Mid => 0.5 * (frame[0] + frame[1]),
            Channel::Side => 0.5 * (frame[0] - frame[1]),
        }
    }

    /// Position of this channel in [`Channel::ALL`], handy for per-channel arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// A short label for axes and legends ("L", "R", "M", "S").
    pub fn label(self) -> &'static str {
        match self {
            Channel::Left => "L",
            Channel::Right => "R",
            Channel::Mid => "M",
            Channel::Side => "S",
        }
    }
}

/// What a view shows: one derived channel, or left and right overlaid as two traces.
///
/// ```
/// use ringscope::analysis::{Channel, ChannelMode};
/// assert_eq!(ChannelMode::Overlay.channels(), &[Channel::Left, Channel::Right]);
/// assert_eq!(ChannelMode::Side.channels(), &[Channel::Side]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ChannelMode {
    /// The left channel only.
    Left,
    /// The right channel only.
    Right,
    /// The mid signal `(L + R) / 2`.
    #[default]
    Mid,
    /// The side signal `(L - R) / 2`.
    Side,
    /// Left and right as two overlaid traces.
    Overlay,
}

impl ChannelMode {
    /// The traces this mode draws: one channel, or `[Left, Right]` for the overlay.
    pub fn channels(self) -> &'static [Channel] {
        match self {
            ChannelMode::Left => &[Channel::Left],
            ChannelMode::Right => &[Channel::Right],
            ChannelMode::Mid => &[Channel::Mid],
            ChannelMode::Side => &[Channel::Side],
            ChannelMode::Overlay => &[Channel::Left, Channel::Right],
        }
    }
}
