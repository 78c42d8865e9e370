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

use egui::epaint::{Mesh, Vertex, WHITE_UV};
use egui::{Color32, Pos2, pos2};

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
}
