//! The window's two background colours at the cost of the smaller one. The frame is cleared to
//! the plots' background ([`theme::PLOT_BACKGROUND`]: clearing costs a software rasteriser next
//! to nothing), the plots paint no background of their own but say where they are
//! ([`background`]), and the rest of the window (panels, gutters, gaps) is filled with the panel
//! colour, under everything else, as the few rectangles that cover exactly what the plots leave.
//! The plots are most of the window: painting their backgrounds over a panel-coloured clear
//! cost more than a bare egui window's whole frame.

use egui::epaint::Mesh;
use egui::{Color32, Id, Painter, Rect, Shape, Ui, layers::ShapeIdx, pos2};

use crate::editor::{theme, trace};

/// Where the plots' backgrounds are this frame (in the context's temporary data).
#[derive(Debug, Clone, Default)]
struct PlotAreas(Vec<Rect>);

fn areas_id() -> Id {
    Id::unique("ringscope plot areas")
}

/// The plot background under `rect`: the clear colour, so nothing is painted; `rect` is kept
/// out of the panel-coloured backdrop.
pub fn background(painter: &Painter, rect: Rect) {
    let rect = rect.intersect(painter.clip_rect());
    if rect.is_positive() {
        painter.ctx().data_mut(|d| {
            d.get_temp_mut_or_default::<PlotAreas>(areas_id())
                .0
                .push(rect)
        });
    }
}

/// The frame's clear colour, as the renderer takes it (gamma-encoded values, like egui's).
pub fn clear_colour() -> egui::Rgba {
    let [r, g, b, _] = theme::PLOT_BACKGROUND.to_array();
    let channel = |c: u8| f32::from(c) / 255.0;
    egui::Rgba::from_rgb(channel(r), channel(g), channel(b))
}

/// The backdrop's place in the frame: reserved before anything is drawn, so that it lies under
/// everything, and filled in once the plots have said where they are.
#[derive(Debug)]
pub struct Backdrop {
    index: ShapeIdx,
    /// Separator lines between panels, painted with the backdrop.
    separators: Vec<Rect>,
}

impl Backdrop {
    /// Reserves the backdrop's place under all that `ui` will draw, and forgets last frame's
    /// plots.
    pub fn reserve(ui: &Ui) -> Self {
        ui.ctx()
            .data_mut(|d| d.get_temp_mut_or_default::<PlotAreas>(areas_id()).0.clear());
        Self {
            index: ui.painter().add(Shape::Noop),
            separators: Vec::new(),
        }
    }

    /// A separator line between panels over `rect`, in the colour of egui's own.
    pub fn separator(&mut self, rect: Rect) {
        self.separators.push(rect);
    }

    /// Fills `ui`'s whole area outside the plots with `colour`.
    pub fn paint(self, ui: &Ui, colour: Color32) {
        let ppp = ui.ctx().pixels_per_point();
        let holes: Vec<Rect> = ui.ctx().data_mut(|d| {
            std::mem::take(&mut d.get_temp_mut_or_default::<PlotAreas>(areas_id()).0)
        });
        let snap = |r: Rect| {
            let s = |v: f32| (v * ppp).round() / ppp;
            Rect::from_min_max(
                pos2(s(r.left()), s(r.top())),
                pos2(s(r.right()), s(r.bottom())),
            )
        };
        let holes: Vec<Rect> = holes.into_iter().map(snap).collect();
        let mut mesh = Mesh::default();
        for rect in complement(snap(ui.max_rect()), &holes) {
            mesh.add_colored_rect(rect, colour);
        }
        let line = ui.visuals().widgets.noninteractive.bg_stroke.color;
        for &rect in &self.separators {
            trace::pixel_rect(&mut mesh, rect, ppp, line);
        }
        ui.painter().set(self.index, Shape::mesh(mesh));
    }
}

/// Rectangles that together cover exactly what of `bounds` no rectangle of `holes` covers:
/// per horizontal band between the holes' edges, the runs between the holes crossing it.
fn complement(bounds: Rect, holes: &[Rect]) -> Vec<Rect> {
    let holes: Vec<Rect> = holes
        .iter()
        .map(|h| h.intersect(bounds))
        .filter(|h| h.is_positive())
        .collect();
    let mut edges: Vec<f32> = vec![bounds.top(), bounds.bottom()];
    edges.extend(holes.iter().flat_map(|h| [h.top(), h.bottom()]));
    edges.sort_by(f32::total_cmp);
    edges.dedup();
    let mut out = Vec::new();
    let mut spans: Vec<(f32, f32)> = Vec::new();
    for band in edges.windows(2) {
        let (top, bottom) = (band[0], band[1]);
        spans.clear();
        spans.extend(
            holes
                .iter()
                .filter(|h| h.top() <= top && h.bottom() >= bottom)
                .map(|h| (h.left(), h.right())),
        );
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut x = bounds.left();
        for &(left, right) in &spans {
            if left > x {
                out.push(Rect::from_min_max(pos2(x, top), pos2(left, bottom)));
            }
            x = x.max(right);
        }
        if x < bounds.right() {
            out.push(Rect::from_min_max(
                pos2(x, top),
                pos2(bounds.right(), bottom),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(rects: &[Rect]) -> f32 {
        rects.iter().map(|r| r.area()).sum()
    }

    #[test]
    fn the_backdrop_covers_what_the_plots_leave_and_nothing_else() {
        let bounds = Rect::from_min_max(pos2(0.0, 0.0), pos2(900.0, 600.0));
        // Two plots one above the other, a strip beside them, one overlapping another.
        let holes = [
            Rect::from_min_max(pos2(44.0, 56.0), pos2(780.0, 295.0)),
            Rect::from_min_max(pos2(44.0, 313.0), pos2(780.0, 552.0)),
            Rect::from_min_max(pos2(797.0, 50.0), pos2(892.0, 573.0)),
            Rect::from_min_max(pos2(700.0, 200.0), pos2(750.0, 400.0)),
            Rect::from_min_max(pos2(850.0, 500.0), pos2(950.0, 700.0)),
        ];
        let out = complement(bounds, &holes);
        // Together with the plots the pieces tile the window: every point (of a fine grid) is
        // in a plot or in exactly one piece, never both.
        for y in (0..600).step_by(7) {
            for x in (0..900).step_by(7) {
                let p = pos2(x as f32 + 0.5, y as f32 + 0.5);
                let in_hole = holes.iter().any(|h| h.contains(p));
                let in_out = out.iter().filter(|r| r.contains(p)).count();
                assert_eq!(in_out, usize::from(!in_hole), "{p:?}");
            }
        }
        assert!(area(&out) < 0.35 * bounds.area());
        // Nothing to leave out: the whole window, as one rectangle.
        assert_eq!(complement(bounds, &[]), vec![bounds]);
    }
}
