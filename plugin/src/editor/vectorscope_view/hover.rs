//! The vectorscope's hover readout, like the other views' crosshair readouts: under the
//! pointer, the direction (angle from vertical, clockwise: L −45°, M 0°, R +45°, S ±90°) and,
//! in the Lissajous and polar-sample planes, the sample pair a point there stands for (L and R,
//! M and S, in units of full scale: the display gain taken out); in the polar-level mode the
//! level of the sector that way instead.

use egui::{Painter, Pos2, Response};
use ringscope::analysis::{POLAR_SECTORS, VectorscopeMode, VectorscopePoint};

use super::Layout;
use crate::editor::plot;
use crate::editor::readout::Readout;
use crate::editor::theme;
use crate::format::{self, Sign};

/// The readout's lines, kept between frames.
#[derive(Debug, Default)]
pub struct Hover {
    readout: Readout,
}

/// The point of the plane under `pointer`, in units of full scale, for a figure drawn at
/// `gain` times full scale.
fn point_at(layout: &Layout, pointer: Pos2, gain: f32) -> VectorscopePoint {
    let scale = layout.radius * gain.max(f32::MIN_POSITIVE);
    VectorscopePoint {
        x: (pointer.x - layout.origin.x) / scale,
        y: (layout.origin.y - pointer.y) / scale,
    }
}

/// The polar sector (see [`super::sector_span`]) `degrees` from vertical lies in.
fn sector_of(degrees: f32) -> usize {
    let width = 180.0 / POLAR_SECTORS as f32;
    (((degrees + 90.0) / width).max(0.0) as usize).min(POLAR_SECTORS - 1)
}

impl Hover {
    /// Draws the crosshair and the readout when the pointer is over the plot: the figure is
    /// drawn at `gain` times full scale; `levels` are the polar levels (read in that mode).
    pub fn show(
        &mut self,
        response: &Response,
        painter: &Painter,
        layout: &Layout,
        mode: VectorscopeMode,
        gain: f32,
        levels: &[f32; POLAR_SECTORS],
    ) {
        let Some(pointer) = response.hover_pos().filter(|p| layout.plot.contains(*p)) else {
            return;
        };
        self.write(point_at(layout, pointer, gain), mode, levels);
        plot::crosshair(painter, layout.plot, pointer);
        plot::readout_box(painter, layout.plot, pointer, &self.readout);
    }

    /// The readout of `point` in `mode`.
    fn write(
        &mut self,
        point: VectorscopePoint,
        mode: VectorscopeMode,
        levels: &[f32; POLAR_SECTORS],
    ) {
        let readout = &mut self.readout;
        readout.clear();
        let angle = point.angle_degrees();
        readout.push_line(theme::READOUT_TEXT, |s| {
            format::write_number(f64::from(angle), 1, Sign::Always, s);
            s.push('°');
        });
        if mode == VectorscopeMode::PolarLevel {
            readout.push_line(theme::LABEL, |s| {
                format::write_db(levels[sector_of(angle)], "dB", s);
            });
            return;
        }
        // x = (R − L)/2, y = (L + R)/2.
        let (left, right) = (point.y - point.x, point.y + point.x);
        readout.push_line(theme::READOUT_TEXT, |s| {
            s.push_str("L ");
            format::write_amplitude(left, s);
            s.push_str("  R ");
            format::write_amplitude(right, s);
        });
        readout.push_line(theme::LABEL, |s| {
            s.push_str("M ");
            format::write_amplitude(point.y, s);
            s.push_str("  S ");
            format::write_amplitude(-point.x, s);
        });
    }
}

#[cfg(test)]
mod tests {
    use egui::{Pos2, Rect, pos2, vec2};

    use super::*;

    fn lines(hover: &Hover) -> Vec<String> {
        hover.readout.iter().map(|(s, _)| s.to_owned()).collect()
    }

    #[test]
    fn the_readout_reads_the_angle_and_the_pair_under_the_pointer_gain_taken_out() {
        let rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(600.0, 400.0));
        let mut hover = Hover::default();
        let levels = std::array::from_fn(|i| -60.0 + i as f32 * 0.5);
        for (mode, gain) in [
            (VectorscopeMode::Lissajous, 2.0),
            (VectorscopeMode::PolarSample, 0.5),
        ] {
            let layout = Layout::new(rect, mode, 14.0);
            // L = 0.5, R = 0 (left only: −45°), drawn at `gain` times full scale.
            let pointer = layout.at(-0.25 * gain, 0.25 * gain);
            hover.write(point_at(&layout, pointer, gain), mode, &levels);
            assert_eq!(
                lines(&hover),
                ["-45.0°", "L +0.50  R +0.00", "M +0.25  S +0.25"],
                "{mode:?}"
            );
        }
        // Out of phase, R louder: right of the centre, below it in the Lissajous plane.
        let layout = Layout::new(rect, VectorscopeMode::Lissajous, 14.0);
        let pointer = layout.at(0.4, -0.1);
        hover.write(
            point_at(&layout, pointer, 1.0),
            VectorscopeMode::Lissajous,
            &levels,
        );
        assert_eq!(lines(&hover)[1], "L -0.50  R +0.30");
        // Polar level: the level of the sector the pointer's direction falls in (30°: sector
        // 60 of 90, 2° each from −90°).
        let layout = Layout::new(rect, VectorscopeMode::PolarLevel, 14.0);
        let pointer = layout.polar(31.0, 0.7);
        hover.write(
            point_at(&layout, pointer, 3.0),
            VectorscopeMode::PolarLevel,
            &levels,
        );
        assert_eq!(lines(&hover), ["+31.0°", "-30.0 dB"]);
        assert_eq!(super::super::sector_span(sector_of(31.0)), (30.0, 32.0));

        // In the view: a pointer over the plot gets the readout, one off it none.
        use crate::editor::display::{AnalysisSettings, DisplayState};
        use crate::params::RingscopeParams;
        let params = RingscopeParams::default();
        let mut settings = AnalysisSettings::from_params(&params);
        settings.vectorscope.mode = VectorscopeMode::Lissajous;
        settings.vectorscope.auto_gain = false;
        let mut display = DisplayState::new(48_000.0, settings);
        let mut view = super::super::VectorscopeView::default();
        let ctx = egui::Context::default();
        let mut draw = |view: &mut super::super::VectorscopeView, pointer: Pos2| {
            // Twice: egui finds what is under the pointer from the previous frame's layout.
            for _ in 0..2 {
                let input = egui::RawInput {
                    screen_rect: Some(rect),
                    events: vec![egui::Event::PointerMoved(pointer)],
                    ..Default::default()
                };
                let mut output = ctx.run_ui(input, |ui| {
                    view.show(ui, &mut display, &params);
                });
                output.textures_delta.clear();
            }
            let layout = view.layout.expect("drawn");
            (layout, lines(&view.hover))
        };
        let (layout, _) = draw(&mut view, pos2(1.0, 1.0));
        let (_, read) = draw(&mut view, layout.at(0.25, 0.25));
        assert_eq!(read, ["+45.0°", "L +0.00  R +0.50", "M +0.25  S -0.25"]);
        view.hover.readout.clear();
        let (_, read) = draw(&mut view, pos2(1.0, 1.0));
        assert!(read.is_empty(), "{read:?}");
    }
}
