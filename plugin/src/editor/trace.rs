//! Trace geometry that is cheap to rasterise: what a software rasteriser (Mesa's llvmpipe, the
//! GL of every machine without a GPU driver) spends its time on is triangles and the pixels they
//! cover, and egui's anti-aliased line costs six thin triangles per point.
//!
//! - [`simplify`]: a curve with the points left out that lie within a fraction of a pixel of
//!   the straight line through their neighbours (a flat noise floor, a straight slope): the same
//!   picture from a fraction of the triangles.
//! - [`band`]: a dense scope trace (many samples per pixel column) as one strip of two triangles
//!   per column from each column's minimum to its maximum, instead of a thick zig-zag line that
//!   paints every column twice over its whole height.
//! - [`line_shape`]: an anti-aliased polyline as one strip of two triangles per
//!   segment, its fade from a coverage texture instead of egui's two
//!   feathered edge strips (see the `line` module).
//! - [`pixel_rect`], [`pixel_hline`], [`pixel_vline`]: axis-aligned rectangles and lines snapped
//!   to whole pixels, two triangles each in a mesh. egui's own rectangle and line are
//!   feathered (anti-aliased): a grid line becomes ten long thin triangles, and the rasteriser
//!   shades every 4 × 4 block each of them touches, about five times what the crisp line costs.

use egui::epaint::{Mesh, Vertex, WHITE_UV};
use egui::{Color32, Pos2, Rangef, Rect, pos2};

mod line;

pub use self::line::line_shape;

/// How far (points) a left-out point may lie from the line drawn instead: invisible at any
/// zoom a screen shows.
pub const TOLERANCE: f32 = 0.2;

/// Longest run of points one straight segment replaces (bounds the work per point).
const MAX_RUN: usize = 64;

/// Distance of `p` from the line through `a` and `b` (from `a` if they coincide).
fn distance_to_line(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let d = b - a;
    let length = d.length();
    if length <= f32::EPSILON {
        return (p - a).length();
    }
    ((p - a).x * d.y - (p - a).y * d.x).abs() / length
}

/// Replaces `out` by `points` without the points within `tolerance` of the segment that then
/// joins their kept neighbours. The first and last points are always kept; so is every point
/// that is not finite.
pub fn simplify(points: &[Pos2], tolerance: f32, out: &mut Vec<Pos2>) {
    out.clear();
    let Some(&first) = points.first() else {
        return;
    };
    out.push(first);
    let mut anchor = 0;
    let mut end = 1;
    while end < points.len() {
        // Extend the segment from `anchor` to `end + 1` while every point between stays close.
        let next = end + 1;
        let fits = next < points.len()
            && next - anchor <= MAX_RUN
            && points[anchor + 1..next].iter().all(|&p| {
                distance_to_line(p, points[anchor], points[next]) <= tolerance
                    && p.x.is_finite()
                    && p.y.is_finite()
            });
        if fits {
            end = next;
        } else {
            out.push(points[end]);
            anchor = end;
            end += 1;
        }
    }
}

/// A band through pixel columns: for each `(x, top, bottom)` (top ≤ bottom, y grows
/// downwards), the strip covers `top ..= bottom` at `x`, joined straight to the next column.
pub fn band(columns: impl Iterator<Item = (f32, f32, f32)>, colour: Color32, out: &mut Mesh) {
    out.clear();
    for (i, (x, top, bottom)) in columns.enumerate() {
        for y in [top, bottom] {
            out.vertices.push(Vertex {
                pos: pos2(x, y),
                uv: WHITE_UV,
                color: colour,
            });
        }
        if i > 0 {
            let n = (2 * i) as u32;
            out.add_triangle(n - 2, n - 1, n);
            out.add_triangle(n - 1, n + 1, n);
        }
    }
}

/// Adds `rect` to `mesh` with its edges rounded to whole pixels at `pixels_per_point`, at
/// least one pixel wide and high (so a hairline never vanishes).
pub fn pixel_rect(mesh: &mut Mesh, rect: Rect, pixels_per_point: f32, colour: Color32) {
    let ppp = pixels_per_point.max(1e-3);
    let snap = |a: f32, b: f32| {
        let start = (a * ppp).round();
        let end = (b * ppp).round().max(start + 1.0);
        (start / ppp, end / ppp)
    };
    let (left, right) = snap(rect.left(), rect.right());
    let (top, bottom) = snap(rect.top(), rect.bottom());
    mesh.add_colored_rect(
        Rect::from_min_max(pos2(left, top), pos2(right, bottom)),
        colour,
    );
}

/// Adds a horizontal line `width` points thick (at least a pixel) centred on `y` across `x`.
pub fn pixel_hline(mesh: &mut Mesh, x: Rangef, y: f32, width: f32, ppp: f32, colour: Color32) {
    let half = 0.5 * width.max(1.0 / ppp.max(1e-3));
    pixel_rect(
        mesh,
        Rect::from_x_y_ranges(x, y - half..=y + half),
        ppp,
        colour,
    );
}

/// Adds a vertical line `width` points thick (at least a pixel) centred on `x` across `y`.
pub fn pixel_vline(mesh: &mut Mesh, x: f32, y: Rangef, width: f32, ppp: f32, colour: Color32) {
    let half = 0.5 * width.max(1.0 / ppp.max(1e-3));
    pixel_rect(
        mesh,
        Rect::from_x_y_ranges(x - half..=x + half, y),
        ppp,
        colour,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_runs_shrink_to_their_ends_and_curves_keep_their_shape() {
        let mut out = Vec::new();
        let flat: Vec<Pos2> = (0..500).map(|x| pos2(x as f32, 100.0)).collect();
        simplify(&flat, TOLERANCE, &mut out);
        assert_eq!(out.first(), flat.first());
        assert_eq!(out.last(), flat.last());
        assert!(out.len() <= 500 / MAX_RUN + 2, "{}", out.len());

        // A sine of 40 px per cycle: every kept segment stays within the tolerance of the
        // points it replaces.
        let sine: Vec<Pos2> = (0..800)
            .map(|x| pos2(x as f32, 100.0 + 80.0 * (x as f32 * 0.157).sin()))
            .collect();
        simplify(&sine, TOLERANCE, &mut out);
        assert!(out.len() < sine.len());
        for pair in out.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            for p in sine.iter().filter(|p| p.x > a.x && p.x < b.x) {
                assert!(
                    distance_to_line(*p, a, b) <= TOLERANCE,
                    "{p:?} off {a:?}-{b:?}"
                );
            }
        }
        // Spikes are kept.
        let mut spiky = flat.clone();
        spiky[250].y = 10.0;
        simplify(&spiky, TOLERANCE, &mut out);
        assert!(out.contains(&spiky[250]));
        simplify(&[], TOLERANCE, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn a_band_is_two_triangles_per_column_gap() {
        let mut mesh = Mesh::default();
        band(
            (0..100).map(|x| (x as f32, 10.0, 20.0)),
            Color32::WHITE,
            &mut mesh,
        );
        assert_eq!(mesh.vertices.len(), 200);
        assert_eq!(mesh.indices.len(), 99 * 2 * 3);
        assert!(mesh.is_valid());
    }

    #[test]
    fn pixel_lines_cover_whole_pixels_and_never_vanish() {
        let mut mesh = Mesh::default();
        // A 1-point line at 1x through a pixel centre: exactly that pixel row.
        pixel_hline(
            &mut mesh,
            Rangef::new(10.0, 20.0),
            5.5,
            1.0,
            1.0,
            Color32::WHITE,
        );
        let rect = mesh.calc_bounds();
        assert_eq!(rect, Rect::from_min_max(pos2(10.0, 5.0), pos2(20.0, 6.0)));
        assert_eq!(mesh.indices.len(), 6);
        // At 2x, the same line is two pixels high, on pixel edges.
        mesh.clear();
        pixel_vline(
            &mut mesh,
            5.25,
            Rangef::new(0.0, 3.0),
            1.0,
            2.0,
            Color32::WHITE,
        );
        let rect = mesh.calc_bounds();
        assert_eq!((rect.left(), rect.right()), (5.0, 6.0));
        // Thinner than a pixel still covers one.
        mesh.clear();
        pixel_hline(
            &mut mesh,
            Rangef::new(0.0, 4.0),
            7.3,
            0.1,
            1.0,
            Color32::WHITE,
        );
        let rect = mesh.calc_bounds();
        assert_eq!(rect.height(), 1.0);
    }
}
