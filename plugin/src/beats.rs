//! The musical grid of a beat-synced scope sweep, and positions in it as bars, beats and
//! sixteenths (counted from 1, as DAWs count). GUI-free.

use ringscope::analysis::{self, BeatSyncLength};

/// The musical grid of a beat-synced sweep: how long the sweep, a beat and a bar are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BeatGrid {
    /// Sweep length, quarter notes.
    pub sweep_quarters: f64,
    /// One beat, quarter notes.
    pub beat_quarters: f64,
    /// Beats per bar.
    pub beats_per_bar: f64,
}

impl BeatGrid {
    /// The grid of `window` when it is a running beat-synced sweep of `sync` under
    /// `transport`'s time signature; `None` otherwise (an idle beat sync free-runs in seconds).
    pub fn of(
        window: &analysis::ScopeView,
        sync: BeatSyncLength,
        transport: &analysis::TransportInfo,
    ) -> Option<Self> {
        // Only a running sweep has a cursor.
        window.cursor?;
        let beat_quarters = transport.beat_length_quarters();
        Some(Self {
            sweep_quarters: sync.length_quarters(transport),
            beat_quarters,
            beats_per_bar: transport.bar_length_beats() / beat_quarters,
        })
    }

    /// One bar, quarter notes.
    pub fn bar_quarters(&self) -> f64 {
        self.beat_quarters * self.beats_per_bar
    }

    /// The position `fraction` (0…1) of the way through the sweep.
    pub fn position_at(&self, fraction: f64) -> BeatPosition {
        self.position(fraction * self.sweep_quarters)
    }

    /// The position `quarters` quarter notes after the sweep's start (the start of bar 1).
    pub fn position(&self, quarters: f64) -> BeatPosition {
        BeatPosition::at(quarters, self.beat_quarters, self.beats_per_bar)
    }
}

/// A position in bars and beats, counted from 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BeatPosition {
    /// Bar, from 1.
    pub bar: u64,
    /// Beat within the bar, from 1.
    pub beat: u64,
    /// Sixteenth note within the beat, from 1.
    pub sixteenth: u64,
    /// Beats into the bar, fractional, from 1 (1.5 = halfway through the first beat).
    pub beat_fraction: f64,
}

impl BeatPosition {
    /// The position `quarters` quarter notes after the start of bar 1, with beats
    /// `beat_quarters` long and `beats_per_bar` to a bar.
    pub fn at(quarters: f64, beat_quarters: f64, beats_per_bar: f64) -> Self {
        let beat_quarters = if beat_quarters > 0.0 {
            beat_quarters
        } else {
            1.0
        };
        let beats_per_bar = beats_per_bar.max(1.0);
        // Snap to 1/64 of a quarter so a grid line computed as 2.9999999 beats reads "1.4".
        let quarters = (quarters.max(0.0) * 64.0).round() / 64.0;
        let beats = quarters / beat_quarters;
        let bar = (beats / beats_per_bar + 1e-9).floor();
        let in_bar = (beats - bar * beats_per_bar).max(0.0);
        let beat = (in_bar + 1e-9).floor();
        let in_beat_quarters = (in_bar - beat) * beat_quarters;
        let sixteenth = (in_beat_quarters * 4.0 + 1e-9).floor();
        Self {
            bar: bar as u64 + 1,
            beat: beat as u64 + 1,
            sixteenth: sixteenth as u64 + 1,
            beat_fraction: in_bar + 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringscope::analysis::ScopeStatus;

    #[test]
    fn beat_positions_count_from_one() {
        let p = BeatPosition::at(5.5, 1.0, 4.0);
        assert_eq!((p.bar, p.beat, p.sixteenth), (2, 2, 3));
        assert!((p.beat_fraction - 2.5).abs() < 1e-9);
        let p = BeatPosition::at(2.9999999, 1.0, 4.0);
        assert_eq!((p.bar, p.beat, p.sixteenth), (1, 4, 1));
    }

    #[test]
    fn beat_grid_follows_the_time_signature() {
        let window = analysis::ScopeView {
            start: 0.0,
            length: 96_000.0,
            newest: 48_000.0,
            trigger: Some(0.0),
            cursor: Some(0.5),
            status: ScopeStatus::BeatSync,
            sample_rate: 48_000.0,
        };
        let six_eight = analysis::TransportInfo {
            time_signature: Some((6, 8)),
            ..Default::default()
        };
        let grid = BeatGrid::of(&window, BeatSyncLength::Bars(2), &six_eight).unwrap();
        assert_eq!(grid.sweep_quarters, 6.0);
        assert_eq!(grid.beat_quarters, 0.5);
        assert_eq!(grid.beats_per_bar, 6.0);
        assert_eq!(grid.bar_quarters(), 3.0);
        let p = grid.position_at(0.5);
        assert_eq!((p.bar, p.beat, p.sixteenth), (2, 1, 1));
        let unknown = analysis::TransportInfo::default();
        let grid = BeatGrid::of(&window, BeatSyncLength::Beats(1), &unknown).unwrap();
        assert_eq!((grid.sweep_quarters, grid.beats_per_bar), (1.0, 4.0));
        let idle = analysis::ScopeView {
            cursor: None,
            ..window
        };
        assert_eq!(BeatGrid::of(&idle, BeatSyncLength::Bars(1), &unknown), None);
    }
}
