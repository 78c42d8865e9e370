//! Ringscope as a VST3 host sees it: the module inside `Ringscope.vst3` loaded through
//! `ModuleEntry` / `GetPluginFactory`, its component driven through `IComponent`,
//! `IAudioProcessor` and `IEditController` (the `vst3` crate's COM bindings).
//!
//! Each test runs in its own child process, like the CLAP tests (see
//! `ringscope_host_tests::isolate`).

use ringscope_host_tests::host_test;
use ringscope_host_tests::passthrough::{Block, Run};
use ringscope_host_tests::signals::TestSignal;
use ringscope_host_tests::vst3::{Instance, Module, SPEAKER_MONO, SPEAKER_STEREO, Vst3Param};
use vst3::Steinberg::kResultOk;

/// The plugin's VST3 class ID. Hosts store it in every saved session: it must never change.
const CLASS_ID: [u8; 16] = *b"RingscopeAnlyzr1";

const SAMPLE_RATES: [f64; 3] = [44_100.0, 48_000.0, 96_000.0];
const BLOCK_SIZES: [usize; 4] = [1, 64, 512, 4096];

fn create(module: &Module) -> Instance<'_> {
    let class = module.audio_class();
    module.create(&class.cid)
}

/// Runs one passthrough check; every other block reports a playing transport.
fn check_passthrough(instance: &Instance<'_>, run: Run) -> Result<usize, String> {
    let mut block_index = 0;
    run.check(|block, frames, position| {
        let playing = (block_index % 2 == 1).then_some((run.sample_rate, position as i64));
        let result = match block {
            Block::Separate { input, output } => instance.process(input, output, frames, playing),
            Block::InPlace(buffers) => instance.process_in_place(buffers, frames, playing),
        };
        assert_eq!(
            result, kResultOk,
            "IAudioProcessor::process({frames} frames)"
        );
        block_index += 1;
    })
}

host_test!(
    timeout_s = 60;
    fn vst3_factory_lists_the_ringscope_analyzer() {
        let module = Module::load();
        let (vendor, _url, _email) = module.factory_info();
        assert!(!vendor.is_empty(), "the factory names a vendor");
        let classes = module.classes();
        let audio: Vec<_> = classes
            .iter()
            .filter(|c| c.category == ringscope_host_tests::vst3::AUDIO_EFFECT_CLASS)
            .collect();
        assert_eq!(audio.len(), 1, "one audio processor class: {classes:?}");
        let class = audio[0];
        assert_eq!(class.name, "Ringscope");
        assert_eq!(
            class.cid.map(|b| b as u8),
            CLASS_ID,
            "the class ID changed: saved sessions would lose the plugin"
        );
        let sub_categories = class
            .sub_categories
            .as_deref()
            .expect("IPluginFactory2 class info");
        let sub_categories: Vec<&str> = sub_categories.split('|').collect();
        assert!(
            sub_categories.contains(&"Fx") && sub_categories.contains(&"Analyzer"),
            "sub-categories {sub_categories:?}"
        );
        assert_eq!(class.version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
        // The buses: a main stereo input and output, and the stereo sidechain input (kAux).
        let instance = create(&module);
        let (input, output) = (
            vst3::Steinberg::Vst::BusDirections_::kInput as i32,
            vst3::Steinberg::Vst::BusDirections_::kOutput as i32,
        );
        let (main, aux) = (
            vst3::Steinberg::Vst::BusTypes_::kMain as i32,
            vst3::Steinberg::Vst::BusTypes_::kAux as i32,
        );
        let inputs = instance.audio_buses(input);
        assert_eq!(inputs.len(), 2, "{inputs:?}");
        assert_eq!((inputs[0].1, inputs[0].2), (main, 2), "{inputs:?}");
        assert_eq!(inputs[1], ("Sidechain".to_owned(), aux, 2));
        let outputs = instance.audio_buses(output);
        assert_eq!(outputs.len(), 1, "{outputs:?}");
        assert_eq!((outputs[0].1, outputs[0].2), (main, 2), "{outputs:?}");
        drop(instance);
        // Instances come and go.
        for _ in 0..20 {
            let instance = create(&module);
            assert!(!instance.params().is_empty());
        }
    }
);

host_test!(
    timeout_s = 600;
    fn vst3_passthrough_is_bit_exact_in_mono_and_stereo_at_every_rate_and_block_size() {
        let module = Module::load();
        let instance = create(&module);
        let mut checked = 0;
        for (arrangement, channels) in [(SPEAKER_STEREO, 2), (SPEAKER_MONO, 1)] {
            assert_eq!(
                instance.set_arrangement(arrangement),
                kResultOk,
                "setBusArrangements with {channels} channel(s)"
            );
            for max_block in BLOCK_SIZES {
                for sample_rate in SAMPLE_RATES {
                    instance.setup_processing(sample_rate, max_block as i32);
                    instance.start();
                    for signal in TestSignal::ALL {
                        for in_place in [false, true] {
                            let run = Run {
                                signal,
                                sample_rate,
                                channels,
                                max_block,
                                total_frames: (3 * max_block).max(2048),
                                in_place,
                            };
                            check_passthrough(&instance, run).unwrap();
                            checked += 1;
                        }
                    }
                    // A zero-sample block is how VST3 hosts flush parameters.
                    let mut empty = vec![Vec::<f32>::new(); channels];
                    let mut empty_out = vec![Vec::<f32>::new(); channels];
                    assert_eq!(instance.process(&mut empty, &mut empty_out, 0, None), kResultOk);
                    instance.stop();
                }
            }
        }
        assert_eq!(checked, 2 * BLOCK_SIZES.len() * SAMPLE_RATES.len() * 8);
    }
);

host_test!(
    timeout_s = 60,
    expected_debug_assertions = &["input_channel_pointers.is_some()"];
    /// A host that gives only the main input bus (`numInputs` 1, the sidechain left out):
    /// the main bus passes bit-exact and nothing past the buses given is read.
    fn vst3_a_host_giving_no_sidechain_bus_still_passes_through() {
        let module = Module::load();
        let instance = create(&module);
        for (arrangement, channels) in [(SPEAKER_STEREO, 2), (SPEAKER_MONO, 1)] {
            assert_eq!(instance.set_arrangement(arrangement), kResultOk);
            instance.setup_processing(48_000.0, 512);
            instance.start();
            for frames in [1, 512] {
                let mut buffers: Vec<Vec<f32>> = (0..channels)
                    .map(|c| (0..frames).map(|i| ((i + c) as f32 * 0.01).sin()).collect())
                    .collect();
                let before = buffers.clone();
                assert_eq!(instance.process_in_place_main_only(&mut buffers, frames), kResultOk);
                assert_eq!(buffers, before, "{channels} ch, {frames} frames");
            }
            instance.stop();
        }
    }
);

host_test!(
    timeout_s = 120;
    fn vst3_blocks_larger_than_announced_pass_through() {
        // Hosts sometimes send more than `maxSamplesPerBlock`; issue 4 asks the plugin to cope.
        let module = Module::load();
        let instance = create(&module);
        assert_eq!(instance.set_arrangement(SPEAKER_STEREO), kResultOk);
        instance.setup_processing(48_000.0, 64);
        instance.start();
        for (max_block, in_place) in [(65, true), (4096, false), (100_000, true)] {
            let run = Run {
                signal: TestSignal::NonFinite,
                sample_rate: 48_000.0,
                channels: 2,
                max_block,
                total_frames: max_block * 2,
                in_place,
            };
            check_passthrough(&instance, run).unwrap();
        }
        instance.stop();
    }
);

host_test!(
    timeout_s = 120;
    /// Some hosts' scanners call `setActive(true)` before `setupProcessing` (or never set up at
    /// all). The plugin activates with defaults (the VST3 SDK's 44.1 kHz, 1024 samples) instead
    /// of failing, processes, and a setup that follows while active takes effect.
    fn vst3_set_active_before_setup_processing_activates_with_defaults() {
        let module = Module::load();
        // Never set up: activated, processing, passing audio through.
        let instance = create(&module);
        assert_eq!(instance.set_arrangement(SPEAKER_STEREO), kResultOk);
        assert_eq!(
            instance.set_active(true),
            kResultOk,
            "setActive(true) before any setupProcessing"
        );
        instance.set_processing(true);
        for signal in TestSignal::ALL {
            let run = Run {
                signal,
                sample_rate: 44_100.0,
                channels: 2,
                max_block: 1024,
                total_frames: 4096,
                in_place: false,
            };
            check_passthrough(&instance, run).unwrap();
        }
        instance.stop();
        drop(instance);

        // Set up only once active, as such a scanner goes on: the setup's larger blocks and rate
        // are processed; and afterwards the usual order works on the same instance.
        let instance = create(&module);
        assert_eq!(instance.set_arrangement(SPEAKER_STEREO), kResultOk);
        assert_eq!(instance.set_active(true), kResultOk, "setActive(true) before setup");
        instance.setup_processing(96_000.0, 4096);
        instance.set_processing(true);
        let run = |sample_rate, max_block| Run {
            signal: TestSignal::Sine,
            sample_rate,
            channels: 2,
            max_block,
            total_frames: 3 * max_block,
            in_place: true,
        };
        check_passthrough(&instance, run(96_000.0, 4096)).unwrap();
        instance.stop();
        instance.setup_processing(48_000.0, 512);
        instance.start();
        check_passthrough(&instance, run(48_000.0, 512)).unwrap();
        instance.stop();
    }
);

/// A normalized value for each parameter that differs from its default.
fn non_default_values(params: &[Vst3Param]) -> Vec<(u32, f64)> {
    params
        .iter()
        .map(|p| {
            let value = if p.step_count > 0 {
                let steps = f64::from(p.step_count);
                let default_step = (p.default * steps).round();
                let step = if default_step < steps {
                    default_step + 1.0
                } else {
                    default_step - 1.0
                };
                step / steps
            } else if (p.default - 0.37).abs() > 1e-3 {
                0.37
            } else {
                0.71
            };
            (p.id, value)
        })
        .collect()
}

fn values(instance: &Instance<'_>, params: &[Vst3Param]) -> Vec<f64> {
    params.iter().map(|p| instance.param(p.id)).collect()
}

fn differences(params: &[Vst3Param], expected: &[f64], actual: &[f64]) -> String {
    params
        .iter()
        .zip(expected.iter().zip(actual))
        .filter(|(_, (e, a))| e.to_bits() != a.to_bits())
        .map(|(p, (e, a))| format!("{}: expected {e}, got {a}", p.title))
        .collect::<Vec<_>>()
        .join("\n  ")
}

host_test!(
    timeout_s = 60;
    fn vst3_state_restores_every_parameter_in_a_fresh_instance() {
        let module = Module::load();
        let original = create(&module);
        let params = original.params();
        for p in &params {
            assert!(
                (0.0..=1.0).contains(&p.default),
                "{}: default {} is not normalized",
                p.title,
                p.default
            );
            assert_eq!(original.param(p.id), p.default, "{}: a fresh instance holds its default", p.title);
        }
        for (id, value) in non_default_values(&params) {
            assert_eq!(original.set_param(id, value), kResultOk, "setParamNormalized({id})");
        }
        let set = values(&original, &params);
        for (p, v) in params.iter().zip(&set) {
            assert!(*v != p.default, "{}: setParamNormalized left the default", p.title);
        }
        let state = original.get_state();
        assert!(!state.is_empty(), "an empty state");

        let restored = create(&module);
        assert_eq!(restored.set_state(&state), kResultOk, "IComponent::setState");
        let loaded = values(&restored, &params);
        assert!(
            set.iter().zip(&loaded).all(|(a, b)| a.to_bits() == b.to_bits()),
            "restored values differ:\n  {}",
            differences(&params, &set, &loaded)
        );
        for p in &params {
            assert_eq!(
                original.param_text(p.id, original.param(p.id)),
                restored.param_text(p.id, restored.param(p.id)),
                "{}: displayed value differs after restore",
                p.title
            );
        }
        // The restored instance still passes audio through untouched.
        assert_eq!(restored.set_arrangement(SPEAKER_STEREO), kResultOk);
        restored.setup_processing(48_000.0, 512);
        restored.start();
        let run = Run {
            signal: TestSignal::Sine,
            sample_rate: 48_000.0,
            channels: 2,
            max_block: 512,
            total_frames: 4096,
            in_place: false,
        };
        check_passthrough(&restored, run).unwrap();
        restored.stop();
    }
);

host_test!(
    timeout_s = 60,
    // nice-plug logs a refused state as a debug assertion; refusing it is what is tested.
    expected_debug_assertions = &["Error while deserializing state"];
    fn vst3_corrupt_state_is_refused_without_losing_the_current_one() {
        let module = Module::load();
        let instance = create(&module);
        let params = instance.params();
        for (id, value) in non_default_values(&params) {
            instance.set_param(id, value);
        }
        let current = values(&instance, &params);
        let good = instance.get_state();
        for (what, bytes) in [
            ("empty", Vec::new()),
            ("one brace", b"{".to_vec()),
            ("truncated", good[..good.len() / 2].to_vec()),
            ("text", b"not a state".to_vec()),
        ] {
            let result = instance.set_state(&bytes);
            let now = values(&instance, &params);
            assert!(
                now.iter().all(|v| (0.0..=1.0).contains(v)),
                "{what}: a parameter left the normalized range"
            );
            if result != kResultOk {
                assert!(
                    current.iter().zip(&now).all(|(a, b)| a.to_bits() == b.to_bits()),
                    "{what}: the refused state still changed parameters:\n  {}",
                    differences(&params, &current, &now)
                );
            } else {
                assert_eq!(instance.set_state(&good), kResultOk);
            }
        }
        assert_eq!(instance.set_state(&good), kResultOk, "the good state still loads");
        assert_eq!(values(&instance, &params), current);
    }
);
