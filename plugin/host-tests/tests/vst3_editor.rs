//! Ringscope's editor as a VST3 host shows it: `IPlugView` attached to an X11 window the test
//! creates, with the host's `IPlugFrame` and `IRunLoop` (ringscope_host_tests::vst3::Frame),
//! opened and closed again and again while audio runs, and the module unloaded straight after
//! its editor closed. Like all host tests, each runs in its own child process.

use ringscope_host_tests::editor::{
    AudioThread, Baseline, EditorHost, STEADY_MALLOC, Vst3Editor, open_and_close_repeatedly,
    pump_until, wait_for_drawing,
};
use ringscope_host_tests::host_test;
use ringscope_host_tests::vst3::{Instance, Module, SPEAKER_STEREO};
use ringscope_host_tests::x11::Display;
use std::time::Duration;
use vst3::Steinberg::kResultOk;

/// An instance set up for 48 kHz stereo in blocks of up to 512 frames, and started.
fn started_instance(module: &Module) -> Instance<'_> {
    let instance = module.create(&module.audio_class().cid);
    assert_eq!(instance.set_arrangement(SPEAKER_STEREO), kResultOk);
    instance.setup_processing(48_000.0, 512);
    instance.start();
    instance
}

host_test!(
    timeout_s = 600,
    child_env = STEADY_MALLOC;
    /// Opens and closes Ringscope's editor through `IPlugView` 100 times while an audio thread
    /// processes (and checks) blocks: after every closing the process has exactly the threads
    /// and file descriptors it had before the first opening, the host's run loop holds no
    /// registration of the plugin, and resident memory grows by at most 8 kB per opening over
    /// cycles 10 to 100.
    fn vst3_editor_opens_and_closes_100_times_while_audio_runs() {
        let display = Display::connect();
        let module = Module::load();
        let instance = started_instance(&module);
        let window = display.create_window(0, 0, 640, 480);
        let audio = AudioThread::vst3(instance.audio_processor());
        let mut editor = Vst3Editor::new(&instance);
        let baseline = Baseline::now();

        // The editor draws the running signal.
        editor.open(&display, window);
        wait_for_drawing(&mut editor, &display, window, true, "vst3-editor");
        editor.close(&display, window);
        baseline.assert_unchanged("after the first closing");
        assert_eq!(
            editor.registrations(),
            0,
            "the closed editor left handlers registered with the host's run loop"
        );

        let figures = open_and_close_repeatedly(&mut editor, &display, window, &audio, 100);
        audio.finish();
        instance.stop();
        display.destroy_window(window);
        println!("{}", figures.summary("VST3"));
        figures.check();
    }
);

host_test!(
    timeout_s = 300;
    /// As for CLAP: twenty times, load the module, start processing, open the editor in a new
    /// host window, let it draw for 200 ms, close it, and at once destroy the host window, stop,
    /// terminate, release, `ModuleExit` and `dlclose`: the process is back to the threads and
    /// file descriptors it had before loading, and does not crash.
    fn vst3_module_unloads_straight_after_its_editor_closes() {
        let display = Display::connect();
        for round in 1..=20 {
            let baseline = Baseline::now();
            let window = display.create_window(0, 0, 640, 480);
            let module = Module::load();
            let instance = started_instance(&module);
            let audio = AudioThread::vst3(instance.audio_processor());
            let mut editor = Vst3Editor::new(&instance);
            editor.open(&display, window);
            pump_until(&mut editor, Duration::from_millis(200), || false);
            editor.close(&display, window);
            display.destroy_window(window);
            drop(editor);
            audio.finish();
            instance.stop();
            drop(instance);
            drop(module);
            baseline.assert_unchanged(&format!("after unloading {round}"));
        }
    }
);
