//! The vectorscope / goniometer: the stereo image of the analysis'
//! [`Vectorscope`](ringscope::analysis::Vectorscope) in a square plot (a half disc in the polar
//! modes) with the L (−45°), M (vertical), R (+45°) and S (horizontal) axes labelled, the
//! full-scale circle and diamond, and beside it the gain, correlation and balance.
//!
//! - **Lissajous** and **polar sample**: each display frame takes the points fed since the
//!   last one, times the gain of that moment, into a [`Trail`]; the points of the last
//!   `persistence_ms` fade out linearly. All of them are one [`Mesh`] of small squares, built
//!   in a buffer the view keeps (after warm-up nothing allocates: the mesh goes to egui behind
//!   an `Arc` the view holds on to, and is reused once the renderer has dropped its copy).
//! - **Drawn points are capped** at [`trail::MAX_POINTS`] over the whole persistence: each
//!   frame's batch gets `MAX_POINTS / frames in the persistence` (at the frame-rate parameter;
//!   at least [`trail::MIN_BATCH_POINTS`]) and a bigger batch keeps every k-th point, evenly
//!   spread, as the analysis decimates; when the ring is full the oldest points go first.
//! - **Polar level**: per 2° sector the level plus the gain, on a 60 dB radius (0 dB at the
//!   edge), as a filled rose of sectors with its outline.
//!
//! The view's clock is the frame time and stands still while frozen, so a frozen picture
//! keeps its fading points. Points are taken only when the display received frames since the
//! previous draw (between reads the analysis hands out the same points again).

mod hover;
mod readouts;
mod trail;

use std::sync::Arc;

use egui::epaint::Mesh;
use egui::{Align2, Painter, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, pos2, vec2};
use ringscope::analysis::{Channel, POLAR_SECTORS, VectorscopeMode};

use self::readouts::Figures;
use self::trail::Trail;
use super::display::DisplayState;
use super::plot;
use super::theme;
use crate::params::RingscopeParams;

/// Side of a drawn point, points.
const DOT: f32 = 1.5;
/// Depth of the polar-level scale from the edge to the centre, dB.
const LEVEL_RANGE_DB: f32 = 60.0;
/// Width of the readouts column beside the plot.
const SIDE_WIDTH: f32 = 132.0;
/// Padding around the plot and the readouts.
const PAD: f32 = 6.0;

/// Whether a mode draws the upper half-plane only.
fn is_polar(mode: VectorscopeMode) -> bool {
    mode != VectorscopeMode::Lissajous
}

/// Where the plot and the readouts go.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Layout {
    /// The plot: a square (Lissajous) or a 2:1 half disc's box (polar modes).
    plot: Rect,
    /// The centre of the figure (the middle of the bottom edge in the polar modes).
    origin: Pos2,
    /// Points per unit of full scale.
    radius: f32,
    /// The readouts.
    readouts: Rect,
    /// Readouts in a column right of the plot (else a band under it).
    side: bool,
}

impl Layout {
    /// The layout in `rect` for `mode` with text lines `line` tall: the readouts right of the
    /// plot or under it, whichever leaves the larger figure; the plot centred in what is left.
    fn new(rect: Rect, mode: VectorscopeMode, line: f32) -> Self {
        let inner = rect.shrink(PAD);
        let below_height = line + 6.0 + readouts::group_height(line);
        let side_height = line + 6.0 + 2.0 * readouts::group_height(line) + 6.0;
        // Units of full scale across and up.
        let (across, up) = if is_polar(mode) {
            (2.0, 1.0)
        } else {
            (2.0, 2.0)
        };
        let fit = |w: f32, h: f32| (w / across).min(h / up).max(1.0);
        let side_radius = fit(inner.width() - SIDE_WIDTH - PAD, inner.height());
        let below_radius = fit(inner.width(), inner.height() - below_height - PAD);
        let side = side_radius > below_radius;
        let (area, readouts, radius) = if side {
            let split = inner.right() - SIDE_WIDTH;
            let area = Rect::from_min_max(inner.min, pos2(split - PAD, inner.bottom()));
            let top = (area.center().y - side_height / 2.0).max(inner.top());
            let readouts = Rect::from_x_y_ranges(split..=inner.right(), top..=top + side_height);
            (area, readouts, side_radius)
        } else {
            let split = inner.bottom() - below_height;
            let area = Rect::from_min_max(inner.min, pos2(inner.right(), split - PAD));
            let width = inner.width().min(2.0 * SIDE_WIDTH + 24.0);
            let left = inner.center().x - width / 2.0;
            let readouts = Rect::from_x_y_ranges(left..=left + width, split..=inner.bottom());
            (area, readouts, below_radius)
        };
        let plot = Rect::from_center_size(area.center(), vec2(across, up) * radius);
        let origin = if is_polar(mode) {
            plot.center_bottom()
        } else {
            plot.center()
        };
        Self {
            plot,
            origin,
            radius,
            readouts,
            side,
        }
    }

    /// The screen position of `(x, y)` in units of full scale (y up).
    fn at(&self, x: f32, y: f32) -> Pos2 {
        pos2(
            self.origin.x + x * self.radius,
            self.origin.y - y * self.radius,
        )
    }

    /// The screen position `r` units out in the direction `degrees` from vertical, clockwise.
    fn polar(&self, degrees: f32, r: f32) -> Pos2 {
        let (sin, cos) = degrees.to_radians().sin_cos();
        self.at(r * sin, r * cos)
    }
}

/// The vectorscope's buffers and persistence, kept from frame to frame.
#[derive(Debug)]
pub struct VectorscopeView {
    trail: Trail,
    /// The points' (or the polar rose's) triangles; shared with egui while a frame is drawn.
    mesh: Arc<Mesh>,
    /// How many times `mesh` had to be allocated afresh (egui still held the last one).
    mesh_allocations: usize,
    /// The view's clock, s: frame time that passed while not frozen.
    clock: f64,
    last_time: Option<f64>,
    /// `DisplayState::frames_received` when points were last taken.
    seen_frames: Option<u64>,
    mode: Option<VectorscopeMode>,
    levels: [f32; POLAR_SECTORS],
    text: String,
    /// The last frame's layout.
    layout: Option<Layout>,
    hover: hover::Hover,
}

impl Default for VectorscopeView {
    fn default() -> Self {
        Self {
            trail: Trail::new(),
            mesh: Arc::new(points_mesh()),
            mesh_allocations: 1,
            clock: 0.0,
            last_time: None,
            seen_frames: None,
            mode: None,
            levels: [0.0; POLAR_SECTORS],
            text: String::new(),
            layout: None,
            hover: hover::Hover::default(),
        }
    }
}

/// An empty mesh with room for every point the trail holds.
fn points_mesh() -> Mesh {
    let mut mesh = Mesh::default();
    mesh.reserve_vertices(3 * trail::MAX_POINTS);
    mesh.reserve_triangles(trail::MAX_POINTS);
    mesh
}

impl VectorscopeView {
    /// Lays out and paints the view into all of `ui`'s available space.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        display: &mut DisplayState,
        params: &RingscopeParams,
    ) -> Response {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::hover());
        plot::background(&painter, response.rect);
        let mode = display.vectorscope.settings().mode;
        let persistence = f64::from(params.vectorscope.persistence_ms.value().max(0.0)) / 1000.0;
        self.follow(display, ui.input(|i| i.time), persistence);

        let line = plot::label_height(&painter);
        let layout = Layout::new(response.rect, mode, line);
        self.layout = Some(layout);
        draw_graticule(&painter, &layout, mode, line);
        let mesh = reuse_mesh(&mut self.mesh, &mut self.mesh_allocations);
        if mode == VectorscopeMode::PolarLevel {
            display.vectorscope.polar_levels_db(&mut self.levels);
            let gain_db = display.vectorscope.gain_db();
            polar_rose(&layout, &self.levels, gain_db, mesh);
            draw_outline(&painter, &layout, &self.levels, gain_db);
        } else {
            dots(&layout, &self.trail, self.clock, persistence, mesh);
        }
        painter.add(Shape::Mesh(self.mesh.clone()));
        let (correlation, balance) = {
            let monitor = display.loudness();
            (monitor.meters.correlation(), monitor.meters.balance())
        };
        let figures = Figures {
            gain_db: display.vectorscope.gain_db(),
            auto_gain: display.vectorscope.settings().auto_gain,
            correlation,
            balance,
        };
        readouts::draw(
            &painter,
            layout.readouts,
            layout.side,
            line,
            figures,
            &mut self.text,
        );
        let gain = display.vectorscope.gain();
        (self.hover).show(&response, &painter, &layout, mode, gain, &self.levels);
        response
    }

    /// Advances the clock (not while frozen), takes the new points into the trail and drops
    /// those that have faded out. A mode change starts a new trail.
    fn follow(&mut self, display: &mut DisplayState, time: f64, persistence: f64) {
        let frozen = display.settings.frozen;
        let elapsed = self.last_time.map_or(0.0, |last| (time - last).max(0.0));
        self.last_time = Some(time);
        if frozen {
            return;
        }
        self.clock += elapsed;
        let mode = display.vectorscope.settings().mode;
        if self.mode != Some(mode) {
            self.trail.clear();
            self.mode = Some(mode);
        }
        if self.seen_frames != Some(display.frames_received) {
            self.seen_frames = Some(display.frames_received);
            let frame = display.settings.frame_period.as_secs_f64().max(1e-3);
            let budget = Trail::budget((persistence / frame).ceil() as usize + 1);
            let gain = display.vectorscope.gain();
            let points = display.vectorscope.take_points();
            self.trail.push(self.clock, points, gain, budget);
        }
        self.trail.expire(self.clock, persistence);
    }
}

/// `mesh` emptied: the one egui was handed last frame when it has let go of it, else a new
/// one (counted in `allocations`).
fn reuse_mesh<'a>(mesh: &'a mut Arc<Mesh>, allocations: &mut usize) -> &'a mut Mesh {
    if Arc::get_mut(mesh).is_none() {
        *mesh = Arc::new(points_mesh());
        *allocations += 1;
    }
    let unique = Arc::get_mut(mesh).expect("just made unique");
    unique.clear();
    unique
}

/// The trail's points as small squares, each batch at its opacity; points outside the plot
/// are left out.
fn dots(layout: &Layout, trail: &Trail, now: f64, persistence: f64, mesh: &mut Mesh) {
    let colour = theme::channel_colour(Channel::Mid);
    let bounds = layout.plot.expand(DOT);
    for (batch, points) in trail.batches() {
        let Some(opacity) = trail::fade(now - batch.time, persistence) else {
            continue;
        };
        let colour = colour.gamma_multiply(opacity);
        for [x, y] in points {
            let at = layout.at(x, y);
            if bounds.contains(at) {
                dot(mesh, at, colour);
            }
        }
    }
}

/// A dot at `at`: one triangle of the area of a `DOT`-wide square, centred on `at` (at this
/// size a triangle and a square look alike, and the rasteriser shades half as many: the trail
/// holds thousands).
fn dot(mesh: &mut Mesh, at: Pos2, colour: egui::Color32) {
    // Legs of √2 · DOT: area DOT²; the centroid a third of the legs from the right angle.
    let leg = DOT * std::f32::consts::SQRT_2;
    let corner = at - vec2(leg, leg) / 3.0;
    let first = mesh.vertices.len() as u32;
    mesh.colored_vertex(corner, colour);
    mesh.colored_vertex(corner + vec2(leg, 0.0), colour);
    mesh.colored_vertex(corner + vec2(0.0, leg), colour);
    mesh.add_triangle(first, first + 1, first + 2);
}

/// The radius of a polar level `db` (plus `gain_db`) on the scale: 1 at 0 dB, 0 at
/// −[`LEVEL_RANGE_DB`].
fn level_radius(db: f32, gain_db: f32) -> f32 {
    ((db + gain_db) / LEVEL_RANGE_DB + 1.0).clamp(0.0, 1.0)
}

/// The start and end direction of polar sector `i`, degrees from vertical.
fn sector_span(i: usize) -> (f32, f32) {
    let width = 180.0 / POLAR_SECTORS as f32;
    (-90.0 + i as f32 * width, -90.0 + (i + 1) as f32 * width)
}

/// The polar levels as a filled rose: per sector a triangle from the origin out to the
/// sector's arc (a chord) at its level's radius.
fn polar_rose(layout: &Layout, levels: &[f32; POLAR_SECTORS], gain_db: f32, mesh: &mut Mesh) {
    let fill = theme::channel_colour(Channel::Mid).gamma_multiply(0.35);
    mesh.colored_vertex(layout.origin, fill);
    for (i, &db) in levels.iter().enumerate() {
        let r = level_radius(db, gain_db);
        let (a, b) = sector_span(i);
        let first = mesh.vertices.len() as u32;
        mesh.colored_vertex(layout.polar(a, r), fill);
        mesh.colored_vertex(layout.polar(b, r), fill);
        mesh.add_triangle(0, first, first + 1);
    }
}

/// The rose's outline: each sector's chord and the steps between neighbours.
fn draw_outline(painter: &Painter, layout: &Layout, levels: &[f32; POLAR_SECTORS], gain_db: f32) {
    let stroke = Stroke::new(1.0, theme::channel_colour(Channel::Mid));
    let mut previous: Option<Pos2> = None;
    for (i, &db) in levels.iter().enumerate() {
        let r = level_radius(db, gain_db);
        if r <= 0.0 {
            previous = None;
            continue;
        }
        let (a, b) = sector_span(i);
        let (start, end) = (layout.polar(a, r), layout.polar(b, r));
        if let Some(p) = previous {
            painter.line_segment([p, start], stroke);
        }
        painter.line_segment([start, end], stroke);
        previous = Some(end);
    }
}

/// The axes with their labels and the full-scale circle (and, in the Lissajous plane, the
/// diamond where L or R reaches full scale); the polar-level mode's rings are labelled in dB.
fn draw_graticule(painter: &Painter, layout: &Layout, mode: VectorscopeMode, line: f32) {
    let clip = painter.with_clip_rect(layout.plot.expand(1.0).intersect(painter.clip_rect()));
    let grid = Stroke::new(1.0, theme::GRID);
    let strong = Stroke::new(1.0, theme::GRID_STRONG);
    let origin = layout.origin;
    clip.circle_stroke(origin, layout.radius, strong);
    clip.circle_stroke(
        origin,
        layout.radius * 0.5,
        Stroke::new(1.0, theme::GRID_FAINT),
    );
    if mode == VectorscopeMode::PolarLevel {
        for ring_db in [-20.0, -40.0] {
            let r = level_radius(ring_db, 0.0);
            clip.circle_stroke(origin, r * layout.radius, grid);
        }
    }
    if !is_polar(mode) {
        let diamond = [(0.0, 1.0), (1.0, 0.0), (0.0, -1.0), (-1.0, 0.0), (0.0, 1.0)];
        for pair in diamond.windows(2) {
            let [(x0, y0), (x1, y1)] = [pair[0], pair[1]];
            clip.line_segment([layout.at(x0, y0), layout.at(x1, y1)], grid);
        }
    }
    // The axes: S horizontal, L and R diagonal, M vertical (both ways in the Lissajous plane).
    let inward = if is_polar(mode) { 0.0 } else { -1.0 };
    for degrees in [-90.0f32, -45.0, 0.0, 45.0, 90.0] {
        let stroke = if degrees.abs() == 45.0 { grid } else { strong };
        let end = layout.polar(degrees, 1.0);
        let start = if is_polar(mode) && degrees.abs() == 90.0 {
            origin
        } else {
            layout.polar(degrees, inward)
        };
        clip.line_segment([start, end], stroke);
    }
    let font = theme::axis_font();
    for (degrees, label, align) in [
        (-90.0, "S", Align2::LEFT_BOTTOM),
        (-45.0, "L", Align2::RIGHT_BOTTOM),
        (0.0, "M", Align2::LEFT_TOP),
        (45.0, "R", Align2::LEFT_BOTTOM),
        (90.0, "S", Align2::RIGHT_BOTTOM),
    ] {
        let at = layout.polar(degrees, 1.0);
        let nudge = match label {
            "M" => vec2(3.0, 1.0),
            "S" => vec2(if degrees < 0.0 { 2.0 } else { -2.0 }, -1.0),
            _ => vec2(0.0, 0.0),
        };
        painter.text(at + nudge, align, label, font.clone(), theme::LABEL);
    }
    if mode == VectorscopeMode::PolarLevel && layout.radius > 4.0 * line {
        for ring_db in [0.0f32, -20.0, -40.0] {
            let at = layout.polar(90.0, level_radius(ring_db, 0.0));
            let text = if ring_db == 0.0 {
                "0 dB"
            } else if ring_db == -20.0 {
                "-20"
            } else {
                "-40"
            };
            painter.text(
                at + vec2(-2.0, -line),
                Align2::RIGHT_BOTTOM,
                text,
                font.clone(),
                theme::LABEL_DIM,
            );
        }
    }
}

#[cfg(test)]
mod tests;
