//! Comparing instances (issue 14) as a host shows them: two Ringscope instances from one CLAP
//! entry in one process, A fed a 1 kHz sine and B a 5 kHz sine, B's saved state naming A as an
//! overlay. B's editor draws A's curve in the first overlay colour with its peak at 1 kHz and its
//! own at 5 kHz (photographed for the README, `docs/compare.png`); destroying A while B's editor
//! stays open and B keeps processing takes the overlay away within 2 s, B's audio still passes
//! through bit for bit.

use ringscope_host_tests::artifacts;
use ringscope_host_tests::clap::{Plugin, load_entry, new_ringscope, param_named};
use ringscope_host_tests::editor::{AudioThread, EditorHost, pump_until, wait_for_drawing};
use ringscope_host_tests::host_test;
use ringscope_host_tests::screenshot::{Image, Rect, near};
use ringscope_host_tests::signals::TestSignal;
use ringscope_host_tests::x11::Display;
use std::time::{Duration, Instant};

/// The first overlay's colour (`plugin/src/editor/spectrum_view/overlays.rs`, `COLOURS[0]`).
const OVERLAY: [u8; 3] = [240, 220, 90];
/// The mid channel's trace colour (`theme::channel_colour(Channel::Mid)`).
const MID: [u8; 3] = [120, 230, 120];
/// The plot's background (`theme::PLOT_BACKGROUND`).
const PLOT_BACKGROUND: [u8; 3] = [14, 16, 20];
/// The spectrum's default frequency axis: logarithmic, 20 Hz to 20 kHz.
const AXIS_HZ: (f64, f64) = (20.0, 20_000.0);
/// How far (pixels) a peak may lie from where its frequency is on the axis.
const TOLERANCE_PX: f64 = 3.0;
/// Rows under the plot's top left out of the peak search: the legends' rows (names and their
/// short lines in the trace colours) live there; a -12 dBFS sine peaks well below them.
const LEGEND_ROWS: usize = 40;
/// The status line's rows at the bottom of the editor.
const STATUS_ROWS: usize = 30;
/// Pixels of the overlay's colour that count as a drawn curve (the legend line alone has ~20).
const MIN_OVERLAY_INK: usize = 150;

/// Makes `plugin` show the spectrum alone, of its mid channel (one green curve).
fn show_mid_spectrum(plugin: &mut Plugin) {
    let params = plugin.params();
    let (view, channels) = (
        param_named(&params, "View"),
        param_named(&params, "Channels"),
    );
    plugin.set_params_inactive(&[(view.id, 1.0), (channels.id, 2.0)]);
}

/// The spectrum's plot in a picture of the spectrum-only editor: the widest run of the plot's
/// background colour on a row a fifth of the way down (above a -12 dBFS sine's peak; grid
/// lines cross it, so runs are joined over gaps of a few pixels) from its left edge to its right
/// edge, from the first row mostly of that colour across the run down to the status line (the
/// area under a curve is filled, so the background does not show where the plot ends).
fn plot_rect(picture: &Image) -> Rect {
    let y = picture.height() / 5;
    let background = |x: usize, y: usize| near(picture.pixel(x, y), PLOT_BACKGROUND, 2);
    let (mut best, mut run): ((usize, usize), Option<(usize, usize)>) = ((0, 0), None);
    for x in 0..picture.width() {
        if background(x, y) {
            run = match run {
                Some((start, last)) if x - last <= 8 => Some((start, x)),
                _ => Some((x, x)),
            };
            let (start, last) = run.unwrap();
            if last - start > best.1 - best.0 {
                best = (start, last);
            }
        }
    }
    // The first row that is mostly the plot's background across that run.
    let top = (0..y)
        .find(|&row| {
            (best.0..=best.1).filter(|&x| background(x, row)).count() > (best.1 - best.0) / 2
        })
        .unwrap_or(y);
    Rect {
        x: best.0,
        y: top,
        width: best.1 + 1 - best.0,
        height: picture.height() - STATUS_ROWS - top,
    }
}

/// Where `hz` lies on the plot's log axis, in pixels of the picture.
fn axis_x(plot: Rect, hz: f64) -> f64 {
    let fraction = (hz / AXIS_HZ.0).ln() / (AXIS_HZ.1 / AXIS_HZ.0).ln();
    plot.x as f64 + fraction * plot.width as f64
}

/// Pixels of `colour` (± 12 per channel) in the plot, and the x of the highest one below the
/// legends' rows (the curve's peak; the mean x of that row's pixels).
fn ink_and_peak(picture: &Image, plot: Rect, colour: [u8; 3]) -> (usize, Option<f64>) {
    let is_ink = |p| near(p, colour, 12);
    let pixels = picture.count(plot, is_ink);
    let peak = (plot.y + LEGEND_ROWS..plot.y + plot.height).find_map(|y| {
        let xs: Vec<usize> = (plot.x..plot.x + plot.width)
            .filter(|&x| is_ink(picture.pixel(x, y)))
            .collect();
        (!xs.is_empty()).then(|| xs.iter().sum::<usize>() as f64 / xs.len() as f64)
    });
    (pixels, peak)
}

host_test!(
    timeout_s = 300;
    /// Two instances in one process, B overlaying A: A's curve at 1 kHz in B's editor, B's own
    /// at 5 kHz; A destroyed while B's editor is open: its curve goes within 2 s, B still passes
    /// audio through bit for bit.
    fn clap_instance_overlays_another_and_loses_it_when_it_is_destroyed() {
        let started = Instant::now();
        let display = Display::connect();
        let entry = load_entry();
        let mut a = new_ringscope(&entry);
        let mut b = new_ringscope(&entry);
        show_mid_spectrum(&mut b);
        let a_name = "Track A";
        let state = a.state_with_field("instance-name", &format!("\"{a_name}\""));
        a.load_state(&state).expect("A loads its named state");
        let state = b.state_with_field("compare-overlays", &format!("[\"{a_name}\"]"));
        b.load_state(&state).expect("B loads a state overlaying A");

        let audio_a = AudioThread::clap_with(
            a.activate(48_000.0, 1, 512),
            Some(TestSignal::Tone(1000)),
        );
        let audio_b = AudioThread::clap_with(
            b.activate(48_000.0, 1, 512),
            Some(TestSignal::Tone(5000)),
        );
        let window = display.create_window(0, 0, 900, 600);
        b.open(&display, window);
        // The pointer away from the editor: no hover readout in the picture.
        display.warp_pointer(window, 1100, 900);
        wait_for_drawing(&mut b, &display, window, true, "compare");
        // Seconds of both signals: the averages settle.
        pump_until(&mut b, Duration::from_secs(3), || false);
        let picture = display.capture(window);
        // Saved for a look either way; into the README's pictures once it passed.
        let shot = artifacts::target_dir().join("host-tests/compare-two-instances.png");
        picture.save_png(&shot);

        let plot = plot_rect(&picture);
        let (overlay_ink, overlay_peak) = ink_and_peak(&picture, plot, OVERLAY);
        let (own_ink, own_peak) = ink_and_peak(&picture, plot, MID);
        let (x_1k, x_5k) = (axis_x(plot, 1000.0), axis_x(plot, 5000.0));
        println!(
            "plot {plot:?}; overlay: {overlay_ink} px, peak x {overlay_peak:?} (1 kHz at \
             {x_1k:.1}); own: {own_ink} px, peak x {own_peak:?} (5 kHz at {x_5k:.1})"
        );
        let saved = shot.display();
        assert!(
            overlay_ink >= MIN_OVERLAY_INK,
            "A's overlay holds {overlay_ink} pixels of its colour (saved {saved})"
        );
        let overlay_peak = overlay_peak.expect("the overlay's curve");
        assert!(
            (overlay_peak - x_1k).abs() <= TOLERANCE_PX,
            "A's overlay peaks at x {overlay_peak:.1}, 1 kHz is at {x_1k:.1} (saved {saved})"
        );
        let own_peak = own_peak.expect("B's own curve");
        assert!(
            (own_peak - x_5k).abs() <= TOLERANCE_PX,
            "B's curve peaks at x {own_peak:.1}, 5 kHz is at {x_5k:.1} (saved {saved})"
        );
        picture.save_png(&artifacts::repo_root().join("docs/compare.png"));

        // A goes, as a host removes a track's plugin: B's editor open, B processing.
        a.deactivate(audio_a.finish());
        drop(a);
        let gone_at = Instant::now();
        let blocks = audio_b.blocks();
        let mut last = picture;
        let vanished = pump_until(&mut b, Duration::from_secs(2), || {
            last = display.capture(window);
            last.count(plot, |p| near(p, OVERLAY, 12)) == 0
        });
        let vanish = gone_at.elapsed();
        if !vanished {
            let stale = artifacts::target_dir().join("host-tests/compare-after-a-left.png");
            last.save_png(&stale);
            panic!(
                "A's overlay still shows {:?} after A was destroyed (saved {})",
                vanish,
                stale.display()
            );
        }
        // B keeps processing (and its audio thread checks every block bit for bit).
        pump_until(&mut b, Duration::from_millis(300), || false);
        assert!(audio_b.blocks() > blocks, "B stopped processing");
        b.close(&display, window);
        b.deactivate(audio_b.finish());
        drop(b);
        display.destroy_window(window);
        println!(
            "A's overlay gone {:.0} ms after A was destroyed; test ran {:.1} s",
            vanish.as_secs_f64() * 1000.0,
            started.elapsed().as_secs_f64()
        );
    }
);

host_test!(
    timeout_s = 120;
    /// A on a track the host names "Kick", B's editor open overlaying it; the host renames the
    /// track "Snare" (`clap.track-info`: the host's answer changes and it calls `changed`): A
    /// takes the new name, B's editor follows it (B's saved overlay choice reads "Snare" within
    /// 2 s) and still draws A's curve.
    fn clap_track_renamed_by_the_host_is_followed_by_the_overlaying_instance() {
        let display = Display::connect();
        let entry = load_entry();
        let mut a = new_ringscope(&entry);
        let mut b = new_ringscope(&entry);
        show_mid_spectrum(&mut b);
        a.name_track("Kick");
        assert_eq!(
            a.saved_field("instance-name"),
            "\"Kick\"",
            "A takes its track's name"
        );
        let state = b.state_with_field("compare-overlays", "[\"Kick\"]");
        b.load_state(&state).expect("B loads a state overlaying Kick");

        let audio_a = AudioThread::clap_with(
            a.activate(48_000.0, 1, 512),
            Some(TestSignal::Tone(1000)),
        );
        let audio_b = AudioThread::clap_with(
            b.activate(48_000.0, 1, 512),
            Some(TestSignal::Tone(5000)),
        );
        let window = display.create_window(0, 0, 900, 600);
        b.open(&display, window);
        display.warp_pointer(window, 1100, 900);
        wait_for_drawing(&mut b, &display, window, true, "compare rename");
        pump_until(&mut b, Duration::from_millis(1500), || false);
        let overlay_ink = |display: &Display, name: &str| {
            let picture = display.capture(window);
            let shot = artifacts::target_dir().join(format!("host-tests/compare-{name}.png"));
            picture.save_png(&shot);
            let plot = plot_rect(&picture);
            let (ink, _) = ink_and_peak(&picture, plot, OVERLAY);
            (ink, shot)
        };
        let (before, shot) = overlay_ink(&display, "before-rename");
        assert!(
            before >= MIN_OVERLAY_INK,
            "Kick's overlay holds {before} pixels of its colour before the rename (saved {})",
            shot.display()
        );

        a.name_track("Snare");
        let renamed = Instant::now();
        assert_eq!(
            a.saved_field("instance-name"),
            "\"Snare\"",
            "A follows its track's new name"
        );
        // B's editor re-reads the registry each frame and keeps its choice on the instance.
        let mut choice = b.saved_field("compare-overlays");
        while choice != "[\"Snare\"]" && renamed.elapsed() < Duration::from_secs(2) {
            b.pump();
            std::thread::sleep(Duration::from_millis(10));
            choice = b.saved_field("compare-overlays");
        }
        let followed = renamed.elapsed();
        assert_eq!(
            choice, "[\"Snare\"]",
            "B's overlay choice {followed:?} after A's track was renamed"
        );
        pump_until(&mut b, Duration::from_millis(500), || false);
        let (after, shot) = overlay_ink(&display, "after-rename");
        assert!(
            after >= MIN_OVERLAY_INK,
            "the renamed instance's overlay holds {after} pixels of its colour (saved {})",
            shot.display()
        );
        println!(
            "B's choice followed the rename after {:.0} ms; overlay ink {before} px before, \
             {after} px after",
            followed.as_secs_f64() * 1000.0
        );
        b.close(&display, window);
        a.deactivate(audio_a.finish());
        b.deactivate(audio_b.finish());
        drop(a);
        drop(b);
        display.destroy_window(window);
    }
);

/// The sidechain's overlay line (`plugin/src/editor/spectrum_view/overlays.rs`,
/// `SIDECHAIN_COLOUR`).
const SIDECHAIN: [u8; 3] = [255, 120, 70];

host_test!(
    timeout_s = 120;
    /// One instance fed a 5 kHz sine on its main bus and a 1 kHz one on its sidechain (CLAP
    /// input port 1), the Compare group's sidechain toggle on through its state: its open editor
    /// draws the sidechain's line peaking at 1 kHz beside its own curve at 5 kHz, the main bus
    /// still passes through bit for bit; the toggle turned off (a state loaded while the editor
    /// is open) takes the line away within 2 s.
    fn clap_sidechain_input_shows_as_an_overlay_line_in_the_editor() {
        let display = Display::connect();
        let entry = load_entry();
        let mut plugin = new_ringscope(&entry);
        show_mid_spectrum(&mut plugin);
        let on = plugin.state_with_field("sidechain-overlay", "true");
        plugin.load_state(&on).expect("loading a state with the sidechain shown");
        let audio = AudioThread::clap_with_sidechain(
            plugin.activate(48_000.0, 1, 512),
            Some(TestSignal::Tone(5000)),
            Some(TestSignal::Tone(1000)),
        );
        let window = display.create_window(0, 0, 900, 600);
        plugin.open(&display, window);
        display.warp_pointer(window, 1100, 900);
        wait_for_drawing(&mut plugin, &display, window, true, "sidechain");
        pump_until(&mut plugin, Duration::from_secs(2), || false);
        let picture = display.capture(window);
        let shot = artifacts::target_dir().join("host-tests/compare-sidechain.png");
        picture.save_png(&shot);
        let saved = shot.display();
        let plot = plot_rect(&picture);
        let (side_ink, side_peak) = ink_and_peak(&picture, plot, SIDECHAIN);
        let (own_ink, own_peak) = ink_and_peak(&picture, plot, MID);
        let (x_1k, x_5k) = (axis_x(plot, 1000.0), axis_x(plot, 5000.0));
        println!(
            "plot {plot:?}; sidechain: {side_ink} px, peak x {side_peak:?} (1 kHz at \
             {x_1k:.1}); own: {own_ink} px, peak x {own_peak:?} (5 kHz at {x_5k:.1})"
        );
        assert!(
            side_ink >= MIN_OVERLAY_INK,
            "the sidechain's line holds {side_ink} pixels of its colour (saved {saved})"
        );
        let side_peak = side_peak.expect("the sidechain's line");
        assert!(
            (side_peak - x_1k).abs() <= TOLERANCE_PX,
            "the sidechain's line peaks at x {side_peak:.1}, 1 kHz is at {x_1k:.1} (saved {saved})"
        );
        let own_peak = own_peak.expect("the main bus's curve");
        assert!(
            (own_peak - x_5k).abs() <= TOLERANCE_PX,
            "the main curve peaks at x {own_peak:.1}, 5 kHz is at {x_5k:.1} (saved {saved})"
        );

        let off = plugin.state_with_field("sidechain-overlay", "false");
        plugin.load_state(&off).expect("loading a state with the sidechain hidden");
        let mut last = picture;
        let hidden = pump_until(&mut plugin, Duration::from_secs(2), || {
            last = display.capture(window);
            last.count(plot, |p| near(p, SIDECHAIN, 12)) == 0
        });
        if !hidden {
            let stale = artifacts::target_dir().join("host-tests/compare-sidechain-off.png");
            last.save_png(&stale);
            panic!(
                "the sidechain's line still shows 2 s after its toggle went off (saved {})",
                stale.display()
            );
        }
        plugin.close(&display, window);
        // The audio thread checked every block of the main bus bit for bit.
        plugin.deactivate(audio.finish());
        drop(plugin);
        display.destroy_window(window);
    }
);
