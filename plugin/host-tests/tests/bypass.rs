//! The host's bypass, as CLAP and VST3 hosts see it: exactly one parameter flagged as the bypass
//! (`CLAP_PARAM_IS_BYPASS`, `kIsBypass`), off in a fresh instance, saved with the session; a
//! session saved before it existed (`fixtures/state-0.1.0-before-bypass.json`) loads
//! un-bypassed, even into an instance that is bypassed now, with its own values; and bypassed,
//! switched on and off in the middle of blocks, the output is still the input bit for bit with
//! no allocation on the audio thread (the debug bundle's `assert_process_allocs`).

use clack_extensions::params::ParamInfoFlags;
use clack_host::events::event_types::ParamValueEvent;
use clack_host::prelude::*;
use ringscope_host_tests::clap::{Param, Processor, load_entry, new_ringscope};
use ringscope_host_tests::host_test;
use ringscope_host_tests::passthrough::{Block, Run};
use ringscope_host_tests::signals::TestSignal;
use ringscope_host_tests::vst3::{Module, SPEAKER_STEREO};
use vst3::Steinberg::Vst::ParameterInfo_::ParameterFlags_;
use vst3::Steinberg::kResultOk;

/// A session as Ringscope saved it before the bypass parameter existed: nice-plug's JSON state
/// with every parameter of 0.1.0 (b04175a), most away from their defaults, and no `bypass`
/// (written out in that format for the tests; both formats' `setState` take it as it is).
const STATE_BEFORE_BYPASS: &[u8] = include_bytes!("fixtures/state-0.1.0-before-bypass.json");

host_test!(
    timeout_s = 60;
    fn clap_bypass_is_the_hosts_saved_and_an_old_session_loads_un_bypassed() {
        let entry = load_entry();
        let mut plugin = new_ringscope(&entry);
        let params = plugin.params();
        let bypasses: Vec<&Param> = params
            .iter()
            .filter(|p| p.flags.contains(ParamInfoFlags::IS_BYPASS))
            .collect();
        assert_eq!(bypasses.len(), 1, "one bypass parameter: {params:#?}");
        let bypass = bypasses[0].clone();
        assert!(bypass.is_stepped() && bypass.max == 1.0 && bypass.default == 0.0, "{bypass:?}");
        assert_eq!(plugin.value(bypass.id), 0.0, "a fresh instance is not bypassed");

        // Saved with the session.
        plugin.set_params_inactive(&[(bypass.id, 1.0)]);
        let saved = plugin.save_state();
        let mut restored = new_ringscope(&entry);
        restored.load_state(&saved).expect("state.load");
        assert_eq!(restored.value(bypass.id), 1.0, "the bypass was not restored");

        // An old session, into the bypassed instance and into a fresh one. A CLAP session holds
        // nice-plug's JSON state behind its length (CLAP streams do not tell their size).
        let old: Vec<u8> = (STATE_BEFORE_BYPASS.len() as u64)
            .to_le_bytes()
            .into_iter()
            .chain(STATE_BEFORE_BYPASS.iter().copied())
            .collect();
        let slope = params.iter().find(|p| p.name == "Slope").expect("Slope");
        for (what, mut instance) in [("bypassed", restored), ("fresh", new_ringscope(&entry))] {
            instance
                .load_state(&old)
                .expect("state.load of a session saved before the bypass");
            instance.pump_main_thread();
            assert_eq!(instance.value(bypass.id), 0.0, "{what}: an old session left the plugin bypassed");
            let slope_value = instance.value(slope.id);
            assert_eq!(
                instance.value_to_text(slope.id, slope_value).as_deref(),
                Some("4.5 dB/oct"),
                "{what}: the old session's own values load"
            );
        }

    }
);

/// The bypass parameter of a CLAP instance.
fn clap_bypass(plugin: &mut ringscope_host_tests::clap::Plugin) -> Param {
    plugin
        .params()
        .into_iter()
        .find(|p| p.flags.contains(ParamInfoFlags::IS_BYPASS))
        .expect("a bypass parameter")
}

host_test!(
    timeout_s = 60;
    fn clap_bypassed_the_output_is_still_the_input() {
        let entry = load_entry();
        let mut plugin = new_ringscope(&entry);
        let bypass = clap_bypass(&mut plugin);
        plugin.set_params_inactive(&[(bypass.id, 1.0)]);
        // Bypassed, and switched in the middle of blocks: the output is the input.
        let stopped = plugin.activate(48_000.0, 1, 512);
        let mut processor = Processor::start(stopped, 2);
        for (i, signal) in [TestSignal::Sine, TestSignal::NonFinite].into_iter().enumerate() {
            let run = Run {
                signal,
                sample_rate: 48_000.0,
                channels: 2,
                max_block: 512,
                total_frames: 8192,
                in_place: i == 1,
            };
            let mut block_index = 0u32;
            run.check(|block, frames, _| {
                let switch = ParamValueEvent::new(
                    (frames / 2) as u32,
                    bypass.id,
                    Pckn::match_all(),
                    f64::from(block_index % 2),
                );
                let events: &[ParamValueEvent] = if frames < 2 { &[] } else { &[switch] };
                match block {
                    Block::Separate { input, output } => {
                        processor.process(input, output, frames, events, None);
                    }
                    Block::InPlace(buffers) => {
                        processor.process_in_place(buffers, frames, events, None);
                    }
                }
                block_index += 1;
            })
            .unwrap();
        }
        plugin.deactivate(processor.stop());
    }
);

host_test!(
    timeout_s = 60;
    fn vst3_bypass_is_the_hosts_saved_and_an_old_session_loads_un_bypassed() {
        let module = Module::load();
        let class = module.audio_class();
        let instance = module.create(&class.cid);
        let params = instance.params();
        let bypasses: Vec<_> = params
            .iter()
            .filter(|p| p.flags & ParameterFlags_::kIsBypass != 0)
            .collect();
        assert_eq!(bypasses.len(), 1, "one kIsBypass parameter: {params:#?}");
        let bypass = bypasses[0].clone();
        assert!(bypass.step_count == 1 && bypass.default == 0.0, "{bypass:?}");
        assert_eq!(instance.param(bypass.id), 0.0, "a fresh instance is not bypassed");

        assert_eq!(instance.set_param(bypass.id, 1.0), kResultOk);
        let saved = instance.get_state();
        let restored = module.create(&class.cid);
        assert_eq!(restored.set_state(&saved), kResultOk, "IComponent::setState");
        assert_eq!(restored.param(bypass.id), 1.0, "the bypass was not restored");

        let slope = params.iter().find(|p| p.title == "Slope").expect("Slope");
        for (what, old) in [("bypassed", &restored), ("fresh", &module.create(&class.cid))] {
            assert_eq!(old.set_state(STATE_BEFORE_BYPASS), kResultOk, "{what}: setState");
            assert_eq!(old.param(bypass.id), 0.0, "{what}: an old session left the plugin bypassed");
            assert_eq!(
                old.param_text(slope.id, old.param(slope.id)).as_deref(),
                Some("4.5"),
                "{what}: the old session's own values load"
            );
        }

    }
);

host_test!(
    timeout_s = 60;
    fn vst3_bypassed_the_output_is_still_the_input() {
        let module = Module::load();
        let instance = module.create(&module.audio_class().cid);
        let bypass = instance
            .params()
            .into_iter()
            .find(|p| p.flags & ParameterFlags_::kIsBypass != 0)
            .expect("a kIsBypass parameter");
        assert_eq!(instance.set_param(bypass.id, 1.0), kResultOk);
        assert_eq!(instance.set_arrangement(SPEAKER_STEREO), kResultOk);
        instance.setup_processing(48_000.0, 512);
        instance.start();
        let run = Run {
            signal: TestSignal::Noise,
            sample_rate: 48_000.0,
            channels: 2,
            max_block: 512,
            total_frames: 8192,
            in_place: false,
        };
        run.check(|block, frames, _| {
            let result = match block {
                Block::Separate { input, output } => instance.process(input, output, frames, None),
                Block::InPlace(buffers) => instance.process_in_place(buffers, frames, None),
            };
            assert_eq!(result, kResultOk, "IAudioProcessor::process({frames} frames)");
        })
        .unwrap();
        instance.stop();
    }
);
