//! Where a level (dBFS, LUFS) lies on a plot's vertical axis, and back: one rule for every view
//! with a level axis.

use egui::Rect;

/// A level axis: `hi` at the plot's top edge, `lo` at its bottom edge, linear in between.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelScale {
    top: f32,
    height: f32,
    lo: f32,
    hi: f32,
}

impl LevelScale {
    /// `lo … hi` over `plot`'s height.
    pub fn new(plot: Rect, lo: f32, hi: f32) -> Self {
        Self {
            top: plot.top(),
            height: plot.height(),
            lo,
            hi,
        }
    }

    /// The bottom and top of the axis.
    pub fn range(&self) -> (f32, f32) {
        (self.lo, self.hi)
    }

    /// The y of `level`.
    pub fn y(&self, level: f32) -> f32 {
        // Far below the range is as good as just below it (and keeps the tessellator sane).
        let level = level.clamp(self.lo - 10.0, self.hi + 10.0);
        self.top + (self.hi - level) / (self.hi - self.lo) * self.height
    }

    /// The level at `y`.
    pub fn level(&self, y: f32) -> f32 {
        self.hi - (y - self.top) / self.height.max(1e-3) * (self.hi - self.lo)
    }
}

#[cfg(test)]
mod tests {
    use egui::{pos2, vec2};

    use super::*;

    #[test]
    fn a_level_scale_maps_its_range_onto_the_plot_and_back() {
        let scale = LevelScale::new(
            Rect::from_min_size(pos2(0.0, 10.0), vec2(50.0, 100.0)),
            -90.0,
            10.0,
        );
        assert_eq!(scale.y(10.0), 10.0);
        assert_eq!(scale.y(-90.0), 110.0);
        assert_eq!(scale.y(-40.0), 60.0);
        assert_eq!(scale.level(60.0), -40.0);
        // Far outside the range: just outside it.
        assert_eq!(scale.y(f32::NEG_INFINITY), scale.y(-100.0));
    }
}
