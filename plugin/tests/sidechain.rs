//! The sidechain input: the main bus stays bit-exact whatever the sidechain carries, the
//! sidechain is published only while this instance's editor overlays it, its overlay shows what
//! it carries, and a host that connects no sidechain breaks nothing.

use nice_plug::prelude::*;
use ringscope::analysis::{Channel, SpectrumSettings};
use ringscope_plugin::Ringscope;
use ringscope_plugin::compare::{Input, Overlay, overlay_settings};
use ringscope_plugin::harness::{activate, buffer_over, process, process_with_sidechain};
use ringscope_plugin::tap::Demand;

const RATE: f32 = 48_000.0;
const BLOCK: usize = 512;

fn sine(hz: f64, start: usize, frames: usize, gain: f64) -> Vec<f32> {
    (start..start + frames)
        .map(|n| (gain * (n as f64 * hz / f64::from(RATE) * std::f64::consts::TAU).sin()) as f32)
        .collect()
}

fn bits(channels: &[Vec<f32>]) -> Vec<Vec<u32>> {
    channels
        .iter()
        .map(|c| c.iter().map(|v| v.to_bits()).collect())
        .collect()
}

#[test]
fn the_sidechain_overlay_shows_what_the_sidechain_carries_and_the_main_bus_stays_bit_exact() {
    let mut plugin = Ringscope::default();
    let shared = plugin.editor_shared();
    let mut ctx = activate(&mut plugin, 2, RATE, BLOCK as u32);
    shared.set_editor_demand(Demand::Stream);
    let entry = shared
        .params
        .compare
        .sidechain()
        .expect("made at creation")
        .clone();
    assert!(
        !ringscope_plugin::compare::instances()
            .iter()
            .any(|e| e.id() == entry.id()),
        "the sidechain is not listed for other instances"
    );
    let settings = overlay_settings(SpectrumSettings::default());
    let mut overlay = Overlay::new(&entry, settings);
    assert_eq!(entry.subscribers(), 1);
    for block in 0..200 {
        let start = block * BLOCK;
        // The main bus: 1 kHz, NaNs and denormals; the sidechain: a 2 kHz sine.
        let mut main = vec![
            sine(1000.0, start, BLOCK, 0.5),
            sine(1000.0, start, BLOCK, 0.25),
        ];
        main[0][7] = f32::NAN;
        main[1][9] = f32::from_bits(1);
        let before = bits(&main);
        let mut side = vec![
            sine(2000.0, start, BLOCK, 0.5),
            sine(2000.0, start, BLOCK, 0.5),
        ];
        let status = {
            let mut buffer = buffer_over(&mut main);
            let mut aux = [buffer_over(&mut side)];
            process_with_sidechain(&mut plugin, &mut buffer, &mut aux, &mut ctx)
        };
        assert_eq!(status, ProcessStatus::Normal);
        assert_eq!(bits(&main), before, "block {block}: the main bus changed");
        if block % 3 == 2 {
            overlay.update(settings);
        }
    }
    overlay.update(settings);
    assert_eq!(entry.input(), Input::Live);
    let peak = overlay
        .spectrum()
        .peak(Channel::Mid, 20.0, 20_000.0)
        .expect("a peak");
    let bin = overlay.spectrum().bin_hz();
    assert!(
        (peak.frequency_hz - 2000.0).abs() < 0.5 * bin,
        "the sidechain's peak at {} Hz",
        peak.frequency_hz
    );
    assert!((peak.level_db - -6.02).abs() < 0.5, "{peak:?}");

    // Silence on the bus (what nice-plug feeds for a port the host leaves unconnected).
    let mut main = vec![vec![0.1; BLOCK]; 2];
    let mut side = vec![vec![0.0; BLOCK]; 2];
    {
        let mut buffer = buffer_over(&mut main);
        let mut aux = [buffer_over(&mut side)];
        process_with_sidechain(&mut plugin, &mut buffer, &mut aux, &mut ctx);
    }
    assert_eq!(entry.input(), Input::Silent);
    // No sidechain buffer at all, and one with no channel: nothing breaks, it says so.
    let position = entry.frames().unwrap().0.position();
    {
        let mut buffer = buffer_over(&mut main);
        process(&mut plugin, &mut buffer, &mut ctx);
    }
    assert_eq!(entry.input(), Input::NotConnected);
    assert_eq!(
        entry.frames().unwrap().0.position(),
        position,
        "nothing published"
    );
    entry_input_reset(&mut plugin, &mut ctx, &mut main);
    let position = entry.frames().unwrap().0.position();
    {
        let mut buffer = buffer_over(&mut main);
        let mut none: Vec<Vec<f32>> = Vec::new();
        let mut aux = [buffer_over(&mut none)];
        process_with_sidechain(&mut plugin, &mut buffer, &mut aux, &mut ctx);
    }
    assert_eq!(entry.input(), Input::NotConnected);
    assert_eq!(
        entry.frames().unwrap().0.position(),
        position,
        "nothing published"
    );
    assert_eq!(main, vec![vec![0.1; BLOCK]; 2]);

    // Not overlaid: not published.
    drop(overlay);
    assert_eq!(entry.subscribers(), 0);
    let mut side = vec![sine(2000.0, 0, BLOCK, 0.5); 2];
    {
        let mut buffer = buffer_over(&mut main);
        let mut aux = [buffer_over(&mut side)];
        process_with_sidechain(&mut plugin, &mut buffer, &mut aux, &mut ctx);
    }
    assert_eq!(entry.frames().unwrap().0.position(), position);
}

/// One block with a live sidechain, so the next "not connected" is seen afresh.
fn entry_input_reset(
    plugin: &mut Ringscope,
    ctx: &mut ringscope_plugin::harness::HostlessContext,
    main: &mut [Vec<f32>],
) {
    let mut side = vec![vec![0.5; BLOCK]; 2];
    let mut buffer = buffer_over(main);
    let mut aux = [buffer_over(&mut side)];
    process_with_sidechain(plugin, &mut buffer, &mut aux, ctx);
}
