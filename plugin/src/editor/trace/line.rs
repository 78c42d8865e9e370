//! An anti-aliased polyline as one strip of two triangles per segment.
//!
//! egui's stroke is a solid core between two feathered edges: three strips, six triangles per
//! segment, and a software rasteriser shades every 4 × 4 block each of them touches, so the
//! two one-pixel edges cost as much as the core. Here one strip spans the whole line, core and
//! edges, and the anti-aliasing comes from a small texture across it: the line's coverage
//! profile (how much of each pixel across the line it covers), sampled linearly. A pixel is
//! shaded once with the coverage at its centre, as the box filter gives it: a third of the
//! triangles and about half of the blocks for the same picture.

use egui::epaint::{Mesh, Vertex};
use egui::{Color32, ColorImage, Context, Id, Painter, Pos2, Shape, Stroke, TextureHandle};
use egui::{TextureId, TextureOptions, Vec2, pos2, vec2};

/// Texels across a profile: enough that the linear interpolation between them follows the
/// coverage's corners to within a few percent at any width drawn.
const PROFILE_TEXELS: usize = 64;
/// Profiles are made for widths rounded to this fraction of a pixel.
const WIDTH_STEPS_PER_PX: f32 = 8.0;
/// The widest line with a profile of its own, pixels (wider ones use it: never drawn here).
const MAX_WIDTH_PX: f32 = 64.0;
/// How far a corner's miter may reach, in half-widths: past it (a turn sharper than about
/// 150°) the strip narrows at the corner instead of shooting a spike out of it.
const MAX_MITER: f32 = 4.0;

/// How much of a one-pixel box centred `d` pixels from a line's centre the line, `width`
/// pixels wide, covers.
fn coverage(d: f32, width: f32) -> f32 {
    let half = 0.5 * width;
    ((d + 0.5).min(half) - (d - 0.5).max(-half)).clamp(0.0, 1.0)
}

/// The strip's full width, pixels, for a line `width` pixels wide: the pixels whose centre is
/// within half a pixel of the line's edge are partly covered.
fn strip_width(width: f32) -> f32 {
    width + 1.0
}

/// The width a profile is made for, pixels: `width` rounded to a profile step.
fn profile_width(width_px: f32) -> f32 {
    let steps = (width_px * WIDTH_STEPS_PER_PX).round();
    steps.clamp(1.0, MAX_WIDTH_PX * WIDTH_STEPS_PER_PX) / WIDTH_STEPS_PER_PX
}

/// The coverage profile across a strip for a line `width` pixels wide, from its left edge
/// (u = 0) to its right (u = 1): white, with the coverage as (premultiplied) alpha.
fn profile_image(width: f32) -> ColorImage {
    let strip = strip_width(width);
    let pixels = (0..PROFILE_TEXELS)
        .map(|i| {
            let u = (i as f32 + 0.5) / PROFILE_TEXELS as f32;
            let alpha = coverage((u - 0.5) * strip, width);
            Color32::from_white_alpha((alpha * 255.0).round() as u8)
        })
        .collect();
    ColorImage::new([PROFILE_TEXELS, 1], pixels)
}

/// The profile texture for lines `width_px` pixels wide in `ctx`, made the first time a width
/// is asked for and kept with the context (a few widths are ever drawn: one per stroke width
/// and scale factor).
pub fn line_profile(ctx: &Context, width_px: f32) -> TextureId {
    let width = profile_width(width_px);
    let id = Id::unique("ringscope::trace::line_profile").with(width.to_bits());
    if let Some(handle) = ctx.data(|data| data.get_temp::<TextureHandle>(id)) {
        return handle.id();
    }
    let handle = ctx.load_texture(
        format!("line profile {width} px"),
        profile_image(width),
        TextureOptions::LINEAR,
    );
    let texture = handle.id();
    ctx.data_mut(|data| data.insert_temp(id, handle));
    texture
}

/// `points` as a line of `stroke` on `painter` (see [`line`]): the drop-in for egui's
/// `Shape::line`.
pub fn line_shape(painter: &Painter, points: &[Pos2], stroke: Stroke) -> Shape {
    let ppp = painter.pixels_per_point();
    let profile = line_profile(painter.ctx(), stroke.width * ppp);
    let mut mesh = Mesh::default();
    mesh.reserve_vertices(2 * points.len());
    mesh.reserve_triangles(2 * points.len());
    line(points, stroke, ppp, profile, &mut mesh);
    Shape::mesh(mesh)
}

/// A quarter turn anticlockwise on screen (y grows downwards): the left of `v`.
fn left_of(v: Vec2) -> Vec2 {
    vec2(v.y, -v.x)
}

/// Replaces `out` by `points` drawn as a line of `stroke`, one strip with the coverage profile
/// `texture` (from [`line_profile`] for `stroke.width * pixels_per_point`) across it. Points
/// that are not finite, or repeat the one before, are left out.
pub fn line(
    points: &[Pos2],
    stroke: Stroke,
    pixels_per_point: f32,
    texture: TextureId,
    out: &mut Mesh,
) {
    out.clear();
    out.texture_id = texture;
    if stroke.width <= 0.0 || stroke.color == Color32::TRANSPARENT {
        return;
    }
    let ppp = pixels_per_point.max(1e-3);
    let width_px = profile_width(stroke.width * ppp);
    // The strip's half width in points: the line's half width and half a pixel of fade.
    let half = 0.5 * strip_width(width_px) / ppp;
    let mut kept = points
        .iter()
        .copied()
        .filter(|p| p.x.is_finite() && p.y.is_finite());
    let Some(mut at) = kept.next() else {
        return;
    };
    let mut incoming: Option<Vec2> = None;
    let push_corner = |out: &mut Mesh, p: Pos2, offset: Vec2| {
        let n = out.vertices.len() as u32;
        for (pos, u) in [(p + offset, 0.0), (p - offset, 1.0)] {
            out.vertices.push(Vertex {
                pos,
                uv: pos2(u, 0.5),
                color: stroke.color,
            });
        }
        if n >= 2 {
            out.add_triangle(n - 2, n - 1, n);
            out.add_triangle(n - 1, n + 1, n);
        }
    };
    for next in kept {
        let d = next - at;
        let length = d.length();
        if length <= 1e-4 {
            continue;
        }
        let outgoing = d / length;
        let offset = match incoming {
            None => left_of(outgoing) * half,
            Some(incoming) => miter(incoming, outgoing) * half,
        };
        push_corner(out, at, offset);
        incoming = Some(outgoing);
        at = next;
    }
    if let Some(incoming) = incoming {
        push_corner(out, at, left_of(incoming) * half);
    }
}

/// The offset of a corner's strip edge, in half-widths, where the line turns from `incoming`
/// to `outgoing` (unit directions): along the bisector, as long as keeps the strip's width
/// across both segments, up to [`MAX_MITER`].
fn miter(incoming: Vec2, outgoing: Vec2) -> Vec2 {
    let bisector = incoming + outgoing;
    let length = bisector.length();
    if length <= 1e-3 {
        // Doubling back: the corner's edge is the incoming segment's.
        return left_of(incoming);
    }
    let normal = left_of(bisector / length);
    let cos_half_turn = normal.dot(left_of(incoming));
    normal / cos_half_turn.max(1.0 / MAX_MITER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_is_the_box_filtered_coverage_of_the_line() {
        // A 4 px line: solid within 1.5 px of its centre, half covered at its edge (2 px),
        // nothing past 2.5 px.
        assert_eq!(coverage(0.0, 4.0), 1.0);
        assert_eq!(coverage(1.5, 4.0), 1.0);
        assert_eq!(coverage(2.0, 4.0), 0.5);
        assert_eq!(coverage(-2.0, 4.0), 0.5);
        assert_eq!(coverage(2.5, 4.0), 0.0);
        // A half-pixel line never covers a pixel more than half.
        assert_eq!(coverage(0.0, 0.5), 0.5);
        // The texture samples it at its texels across the strip: symmetric, opaque in the
        // middle, nearly clear at both ends.
        let image = profile_image(4.0);
        let alpha: Vec<u8> = image.pixels.iter().map(|c| c.a()).collect();
        assert_eq!(alpha.len(), PROFILE_TEXELS);
        assert!(alpha.iter().eq(alpha.iter().rev()), "{alpha:?}");
        assert_eq!(alpha[PROFILE_TEXELS / 2], 255);
        assert!(alpha[0] < 16 && alpha[PROFILE_TEXELS - 1] < 16, "{alpha:?}");
        // Premultiplied white.
        assert!(image.pixels.iter().all(|c| c.r() == c.a()));
    }

    #[test]
    fn a_line_is_one_strip_of_two_triangles_per_segment_as_wide_as_the_line_and_its_fade() {
        let mut mesh = Mesh::default();
        let points = [pos2(0.0, 10.0), pos2(10.0, 10.0), pos2(20.0, 20.0)];
        line(
            &points,
            Stroke::new(2.0, Color32::WHITE),
            1.0,
            TextureId::default(),
            &mut mesh,
        );
        assert!(mesh.is_valid());
        assert_eq!(mesh.vertices.len(), 6);
        assert_eq!(mesh.indices.len(), 2 * 2 * 3);
        // The first corner spans the 2 px line and half a pixel of fade each side, across.
        let (left, right) = (mesh.vertices[0].pos, mesh.vertices[1].pos);
        assert_eq!((left, right), (pos2(0.0, 8.5), pos2(0.0, 11.5)));
        assert_eq!((mesh.vertices[0].uv.x, mesh.vertices[1].uv.x), (0.0, 1.0));
        // At the 45° corner the edges are mitred: each segment keeps its width, so the corner's
        // edges lie 1.5 px from both segments' centre lines.
        let corner = mesh.vertices[2].pos;
        assert!((corner.y - 8.5).abs() < 1e-4, "{corner:?}");
        let across_second = (corner - pos2(10.0, 10.0)).dot(left_of(vec2(1.0, 1.0).normalized()));
        assert!((across_second - 1.5).abs() < 1e-4, "{across_second}");
    }

    #[test]
    fn repeated_and_non_finite_points_are_left_out_and_a_hairpin_stays_bounded() {
        let mut mesh = Mesh::default();
        let stroke = Stroke::new(1.0, Color32::WHITE);
        let points = [
            pos2(0.0, 0.0),
            pos2(0.0, 0.0),
            pos2(f32::NAN, 3.0),
            pos2(5.0, 0.0),
            pos2(0.0, 0.0),
        ];
        line(&points, stroke, 1.0, TextureId::default(), &mut mesh);
        assert!(mesh.is_valid());
        assert_eq!(mesh.vertices.len(), 6);
        assert!(
            mesh.vertices
                .iter()
                .all(|v| v.pos.x.is_finite() && v.pos.y.is_finite())
        );
        let reach = mesh
            .vertices
            .iter()
            .map(|v| v.pos.y.abs())
            .fold(0.0, f32::max);
        assert!(reach <= 1.0 * MAX_MITER, "{reach}");
        // Fewer than two points: nothing.
        line(&points[..2], stroke, 1.0, TextureId::default(), &mut mesh);
        assert!(mesh.vertices.is_empty() && mesh.indices.is_empty());
    }
}
