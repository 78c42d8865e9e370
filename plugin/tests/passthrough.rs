//! The output is the input, bit for bit, whatever the host sends: NaN, ±Inf, denormals, empty
//! blocks, blocks larger than announced, mono and stereo, editor open or closed, test signal on
//! or off. Drives the real `Plugin::process` through a hostless context.

use nice_plug::params::InternalParamMut;
use nice_plug::prelude::*;
use ringscope::analysis::Frame;
use ringscope_plugin::Ringscope;
use ringscope_plugin::harness::{activate, buffer_over, process};
use ringscope_plugin::params::TestSignalKind;
use ringscope_plugin::tap::Demand;

/// Awkward payloads: special floats, denormals, signalling and quiet NaNs with payload bits,
/// mixed with an ordinary signal.
fn payload(len: usize, seed: u32) -> Vec<f32> {
    let specials = [
        f32::NAN,
        -f32::NAN,
        f32::from_bits(0x7f80_0001), // signalling NaN
        f32::from_bits(0x7fc1_2345), // quiet NaN with payload
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::from_bits(1),            // smallest denormal
        -f32::from_bits(0x007f_ffff), // largest negative denormal
        f32::MIN_POSITIVE,
        -0.0,
        0.0,
        f32::MAX,
        f32::MIN,
        1.0,
        -1.0,
    ];
    (0..len)
        .map(|i| {
            let i = i as u32;
            if (i.wrapping_mul(2_654_435_761) ^ seed).is_multiple_of(7) {
                specials[(i as usize + seed as usize) % specials.len()]
            } else {
                (i as f32 * 0.01 + seed as f32).sin() * 0.8
            }
        })
        .collect()
}

fn bits(channels: &[Vec<f32>]) -> Vec<Vec<u32>> {
    channels
        .iter()
        .map(|c| c.iter().map(|v| v.to_bits()).collect())
        .collect()
}

/// Runs one block through `process()` and asserts the buffer is untouched.
fn assert_passthrough(
    plugin: &mut Ringscope,
    ctx: &mut ringscope_plugin::harness::HostlessContext,
    channels: usize,
    len: usize,
    seed: u32,
) {
    let mut data: Vec<Vec<f32>> = (0..channels)
        .map(|c| payload(len, seed + c as u32))
        .collect();
    let before = bits(&data);
    let status = {
        let mut buffer = buffer_over(&mut data);
        process(plugin, &mut buffer, ctx)
    };
    assert_eq!(status, ProcessStatus::Normal);
    assert_eq!(
        bits(&data),
        before,
        "{channels} ch, {len} frames: output differs from input"
    );
}

const BLOCK_SIZES: [usize; 9] = [0, 1, 2, 63, 64, 512, 4096, 4097, 20_000];

#[test]
fn passthrough_is_bit_exact_with_the_editor_closed() {
    for channels in [1, 2] {
        let mut plugin = Ringscope::default();
        let mut ctx = activate(&mut plugin, channels as u32, 48_000.0, 512);
        assert_eq!(plugin.editor_shared().editor_demand(), Demand::Off);
        for (i, &len) in BLOCK_SIZES.iter().enumerate() {
            assert_passthrough(&mut plugin, &mut ctx, channels, len, i as u32);
        }
    }
}

#[test]
fn passthrough_is_bit_exact_with_the_editor_open_and_the_tap_sees_the_input() {
    for channels in [1, 2] {
        let mut plugin = Ringscope::default();
        // Announce 512 but send up to 20 000 frames: oversize blocks must still pass.
        let mut ctx = activate(&mut plugin, channels as u32, 44_100.0, 512);
        plugin.editor_shared().window_opened();
        let shared = plugin.editor_shared();
        for (i, &len) in BLOCK_SIZES.iter().enumerate() {
            assert_passthrough(&mut plugin, &mut ctx, channels, len, 100 + i as u32);
            // What the editor receives is the same input, bit for bit (mono as [x, x]).
            let expected: Vec<Vec<f32>> = (0..channels)
                .map(|c| payload(len, 100 + i as u32 + c as u32))
                .collect();
            let mut got: Vec<Frame> = Vec::new();
            let mut dropped = 0;
            shared.with_reader(|reader, _| {
                reader.read_blocks(usize::MAX, |_, a, b| {
                    got.extend_from_slice(a);
                    got.extend_from_slice(b);
                });
                dropped = reader.dropped_frames();
            });
            let kept = got.len();
            assert!(
                kept <= len && (kept == len || dropped > 0),
                "{len}: kept {kept}"
            );
            for (n, frame) in got.iter().enumerate() {
                let l = expected[0][n];
                let r = expected[channels - 1][n];
                assert_eq!(
                    [frame[0].to_bits(), frame[1].to_bits()],
                    [l.to_bits(), r.to_bits()]
                );
            }
        }
    }
}

/// Every frame the editor's reader holds now.
fn frames_for_the_editor(plugin: &Ringscope) -> usize {
    let mut frames = 0;
    plugin.editor_shared().with_reader(|reader, _| {
        reader.read_blocks(usize::MAX, |_, a, b| frames += a.len() + b.len());
    });
    frames
}

#[test]
fn bypassed_the_output_is_still_the_input_and_the_analysis_gets_nothing() {
    for channels in [1, 2] {
        let mut plugin = Ringscope::default();
        let mut ctx = activate(&mut plugin, channels as u32, 48_000.0, 512);
        let shared = plugin.editor_shared();
        shared.window_opened();
        // SAFETY: the parameters are only read by `process()`, on this same thread.
        unsafe { shared.params.bypass._internal_set_plain_value(true) };
        for kind in [TestSignalKind::Off, TestSignalKind::Sine] {
            // SAFETY: as above.
            unsafe { shared.params.test_signal._internal_set_plain_value(kind) };
            for (i, &len) in BLOCK_SIZES.iter().enumerate() {
                assert_passthrough(&mut plugin, &mut ctx, channels, len, 300 + i as u32);
            }
            assert_eq!(frames_for_the_editor(&plugin), 0, "bypassed, {kind:?}");
        }
        // Switched back on, the analysis gets the input again.
        // SAFETY: as above.
        unsafe { shared.params.bypass._internal_set_plain_value(false) };
        assert_passthrough(&mut plugin, &mut ctx, channels, 512, 400);
        assert_eq!(frames_for_the_editor(&plugin), 512);
    }
}

#[test]
fn the_test_signal_never_reaches_the_output() {
    for kind in [
        TestSignalKind::Sine,
        TestSignalKind::LogSweep,
        TestSignalKind::WhiteNoise,
        TestSignalKind::PinkNoise,
        TestSignalKind::TwoTone,
    ] {
        let mut plugin = Ringscope::default();
        let params = plugin.editor_shared().params.clone();
        // SAFETY: no other thread touches the parameters in this test.
        unsafe {
            params.test_signal._internal_set_plain_value(kind);
        }
        assert_eq!(params.test_signal.value(), kind);
        let mut ctx = activate(&mut plugin, 2, 48_000.0, 1024);
        plugin.editor_shared().window_opened();
        for (i, &len) in BLOCK_SIZES.iter().enumerate() {
            assert_passthrough(&mut plugin, &mut ctx, 2, len, i as u32);
        }
        // The editor got the test signal, not the input (which holds NaNs).
        let shared = plugin.editor_shared();
        let mut flagged = true;
        let mut all_finite = true;
        shared.with_reader(|reader, _| {
            reader.read_blocks(usize::MAX, |info, a, b| {
                flagged &= info.test_signal;
                all_finite &= a
                    .iter()
                    .chain(b)
                    .all(|f| f[0].is_finite() && f[1].is_finite());
            });
        });
        assert!(flagged && all_finite, "{kind:?}");
    }
}

#[test]
fn reactivation_at_another_rate_installs_a_new_ring_and_keeps_passing_through() {
    let mut plugin = Ringscope::default();
    let shared = plugin.editor_shared();
    let mut ctx = activate(&mut plugin, 2, 48_000.0, 512);
    let generation = shared.with_reader(|_, g| g).unwrap();
    plugin.editor_shared().window_opened();
    assert_passthrough(&mut plugin, &mut ctx, 2, 512, 1);
    plugin.deactivate();
    let mut ctx = activate(&mut plugin, 2, 96_000.0, 65_536);
    assert!(shared.with_reader(|_, g| g).unwrap() > generation);
    let capacity = shared.with_reader(|r, _| r.capacity()).unwrap();
    // One second at the new rate, or four of the largest announced blocks if that is more.
    assert!(capacity >= 4 * 65_536, "capacity {capacity}");
    assert_eq!(
        plugin.editor_shared().editor_demand(),
        Demand::Stream,
        "the open editor keeps receiving"
    );
    assert_passthrough(&mut plugin, &mut ctx, 2, 8192, 2);
    let rate = shared
        .with_reader(|r, _| {
            let mut rate = 0.0;
            r.read_blocks(usize::MAX, |info, _, _| rate = info.sample_rate);
            rate
        })
        .unwrap();
    assert_eq!(rate, 96_000.0);
}

#[test]
fn the_editor_receives_the_host_transport_with_each_block() {
    let mut plugin = Ringscope::default();
    let mut ctx = activate(&mut plugin, 2, 48_000.0, 512);
    ctx.transport.playing = true;
    ctx.transport.tempo = Some(140.0);
    ctx.transport.pos_beats = Some(33.5);
    ctx.transport.bar_start_pos_beats = Some(32.0);
    ctx.transport.time_sig_numerator = Some(3);
    ctx.transport.time_sig_denominator = Some(4);
    plugin.editor_shared().window_opened();
    assert_passthrough(&mut plugin, &mut ctx, 2, 256, 9);
    let mut infos = Vec::new();
    plugin.editor_shared().with_reader(|r, _| {
        r.read_blocks(usize::MAX, |info, _, _| infos.push(*info));
    });
    assert_eq!(infos.len(), 1);
    let (info, t) = (infos[0], infos[0].transport);
    assert_eq!((info.written, info.sample_rate), (256, 48_000.0));
    assert!(t.playing());
    assert_eq!(t.tempo(), Some(140.0));
    assert_eq!(t.pos_beats(), Some(33.5));
    assert_eq!(t.bar_start_pos_beats(), Some(32.0));
    assert_eq!(t.time_signature(), Some((3, 4)));
}

#[test]
fn a_resting_editor_is_woken_by_the_first_block_with_signal() {
    let mut plugin = Ringscope::default();
    let mut ctx = activate(&mut plugin, 2, 48_000.0, 512);
    let shared = plugin.editor_shared();
    shared.window_opened();
    shared.set_editor_demand(Demand::Rest);
    let mut silence = vec![vec![0.0f32; 512]; 2];
    {
        let mut buffer = buffer_over(&mut silence);
        process(&mut plugin, &mut buffer, &mut ctx);
    }
    assert_eq!(shared.editor_demand(), Demand::Rest);
    assert_eq!(shared.with_reader(|r, _| r.discard_all()), Some(0));
    assert_passthrough(&mut plugin, &mut ctx, 2, 512, 4);
    assert_eq!(shared.editor_demand(), Demand::Stream, "woken");
    assert_eq!(shared.with_reader(|r, _| r.discard_all()), Some(512));
}
