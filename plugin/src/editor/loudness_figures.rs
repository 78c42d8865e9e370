//! The loudness figures, in large numbers: integrated loudness, loudness range (LRA), PLR,
//! maximum momentary and short-term loudness, maximum true peak, the target and how far the
//! integrated loudness is from it. A figure not measured yet reads [`NOT_MEASURED`].
//!
//! The cells flow into as many columns as fit, the numbers as large as the cells allow. What
//! each figure is comes from `ringscope::analysis::Loudness` (see `src/analysis/loudness.rs`).

use egui::{Align2, FontId, Rect, Response, Sense, Ui, pos2, vec2};
use ringscope::analysis::Loudness;

use super::display::DisplayState;
use super::format::{self, Sign};
use super::theme;
use crate::params::RingscopeParams;

/// What a figure not measured yet reads.
pub const NOT_MEASURED: &str = "—";

/// The figures, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// Integrated loudness, LUFS.
    Integrated,
    /// Loudness range (EBU Tech 3342), LU.
    Range,
    /// Peak to loudness ratio, LU.
    Plr,
    /// Maximum momentary loudness, LUFS.
    MaxMomentary,
    /// Maximum short-term loudness, LUFS.
    MaxShortTerm,
    /// Maximum true peak, dBTP.
    MaxTruePeak,
    /// The target, LUFS.
    Target,
    /// Integrated loudness minus the target, LU.
    FromTarget,
}

impl Figure {
    /// Every figure, in the order shown.
    pub const ALL: [Figure; 8] = [
        Figure::Integrated,
        Figure::Range,
        Figure::Plr,
        Figure::MaxMomentary,
        Figure::MaxShortTerm,
        Figure::MaxTruePeak,
        Figure::Target,
        Figure::FromTarget,
    ];

    /// The label above the number.
    pub fn label(self) -> &'static str {
        match self {
            Figure::Integrated => "Integrated",
            Figure::Range => "Range (LRA)",
            Figure::Plr => "PLR",
            Figure::MaxMomentary => "Max momentary",
            Figure::MaxShortTerm => "Max short-term",
            Figure::MaxTruePeak => "Max true peak",
            Figure::Target => "Target",
            Figure::FromTarget => "Integrated − target",
        }
    }

    /// The unit after the number.
    pub fn unit(self) -> &'static str {
        match self {
            Figure::Integrated | Figure::MaxMomentary | Figure::MaxShortTerm | Figure::Target => {
                "LUFS"
            }
            Figure::Range | Figure::Plr | Figure::FromTarget => "LU",
            Figure::MaxTruePeak => "dBTP",
        }
    }

    /// The figure's value from `loudness` with the target at `target` LUFS; `None` until
    /// measured (the range needs an integrated loudness to spread around).
    pub fn value(self, loudness: &Loudness, target: f32) -> Option<f64> {
        let measured = |v: f64| v.is_finite().then_some(v);
        let integrated = measured(loudness.integrated_lufs);
        match self {
            Figure::Integrated => integrated,
            Figure::Range => integrated.and(measured(loudness.range_lu)),
            Figure::Plr => loudness.plr_lu(),
            Figure::MaxMomentary => measured(loudness.max_momentary_lufs),
            Figure::MaxShortTerm => measured(loudness.max_short_term_lufs),
            Figure::MaxTruePeak => measured(loudness.max_true_peak_dbtp),
            Figure::Target => measured(f64::from(target)),
            Figure::FromTarget => integrated.map(|i| i - f64::from(target)),
        }
    }

    /// Appends the figure's number (one decimal; signed where a direction matters), or
    /// [`NOT_MEASURED`].
    pub fn write(self, loudness: &Loudness, target: f32, out: &mut String) {
        match self.value(loudness, target) {
            Some(value) => {
                let sign = match self {
                    Figure::FromTarget | Figure::MaxTruePeak => Sign::Always,
                    _ => Sign::Negative,
                };
                format::write_number(value, 1, sign, out);
            }
            None => out.push_str(NOT_MEASURED),
        }
    }
}

/// The loudness figures' text buffer, reused between frames.
#[derive(Debug, Default)]
pub struct LoudnessFigures {
    text: String,
}

impl LoudnessFigures {
    /// Lays out and paints the view into all of `ui`'s available space.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        display: &mut DisplayState,
        params: &RingscopeParams,
    ) -> Response {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::hover());
        let area = response.rect.shrink(4.0);
        let loudness = display.loudness().meters.loudness();
        let target = params.loudness.target_lufs();

        let count = Figure::ALL.len();
        let columns = ((area.width() / 150.0).floor() as usize).clamp(1, count);
        let rows = count.div_ceil(columns);
        let cell = vec2(area.width() / columns as f32, area.height() / rows as f32);
        let label_font = theme::axis_font();
        let label_height = 14.0;
        let number_size = ((cell.y - label_height) * 0.7)
            .min(cell.x * 0.2)
            .clamp(10.0, 44.0);
        for (i, figure) in Figure::ALL.into_iter().enumerate() {
            let min = area.min + vec2((i % columns) as f32 * cell.x, (i / columns) as f32 * cell.y);
            let rect = Rect::from_min_size(min, cell).shrink(3.0);
            super::plot::background(&painter, rect);
            painter.text(
                rect.left_top() + vec2(6.0, 3.0),
                Align2::LEFT_TOP,
                figure.label(),
                label_font.clone(),
                theme::LABEL,
            );
            self.text.clear();
            figure.write(&loudness, target, &mut self.text);
            let colour = match (figure, figure.value(&loudness, target)) {
                (_, None) => theme::LABEL_DIM,
                (Figure::FromTarget, Some(lu)) if lu > 1.0 => theme::WARNING,
                (Figure::MaxTruePeak, Some(db)) if db > -1.0 => theme::CLIP,
                _ => theme::READOUT_TEXT,
            };
            let centre = pos2(rect.center().x, rect.center().y + 0.5 * label_height);
            let number = painter.text(
                centre,
                Align2::CENTER_CENTER,
                &self.text,
                FontId::monospace(number_size),
                colour,
            );
            painter.text(
                pos2(number.right() + 4.0, number.bottom() - 2.0),
                Align2::LEFT_BOTTOM,
                figure.unit(),
                label_font.clone(),
                theme::LABEL_DIM,
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(figure: Figure, loudness: &Loudness, target: f32) -> String {
        let mut out = String::new();
        figure.write(loudness, target, &mut out);
        out
    }

    #[test]
    fn before_measuring_every_measured_figure_reads_not_measured() {
        let loudness = Loudness::default();
        for figure in Figure::ALL {
            let text = written(figure, &loudness, -14.0);
            if figure == Figure::Target {
                assert_eq!(text, "-14.0");
            } else {
                assert_eq!(text, NOT_MEASURED, "{figure:?}");
            }
        }
    }

    #[test]
    fn measured_figures_read_their_definition() {
        let loudness = Loudness {
            momentary_lufs: -15.0,
            short_term_lufs: -16.0,
            integrated_lufs: -18.3,
            range_lu: 6.5,
            max_momentary_lufs: -10.0,
            max_short_term_lufs: -12.0,
            max_true_peak_dbtp: -0.5,
        };
        let expected = [
            (Figure::Integrated, "-18.3"),
            (Figure::Range, "6.5"),
            (Figure::Plr, "17.8"),
            (Figure::MaxMomentary, "-10.0"),
            (Figure::MaxShortTerm, "-12.0"),
            (Figure::MaxTruePeak, "-0.5"),
            (Figure::Target, "-23.0"),
            (Figure::FromTarget, "+4.7"),
        ];
        for (figure, text) in expected {
            assert_eq!(written(figure, &loudness, -23.0), text, "{figure:?}");
        }
    }
}
