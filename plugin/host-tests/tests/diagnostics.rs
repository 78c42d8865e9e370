//! The harness's own promise, checked end to end: a plugin that allocates on the audio thread
//! fails a host test with a report naming the allocating call.
//!
//! The plugin here is `examples/alloc_fixture.rs`, a minimal nice-plug plugin built exactly like
//! Ringscope (debug, `assert_process_allocs`) that grows a `Vec` inside `process()` while its
//! "Allocate" parameter is on.

use clack_host::prelude::PluginEntry;
use ringscope_host_tests::clap::{Plugin, Processor};
use ringscope_host_tests::crash::{self, Diagnosis};
use ringscope_host_tests::{artifacts, isolate};

const NAME: &str = "an_allocation_in_process_is_reported_with_the_allocating_call";

#[test]
fn an_allocation_in_process_is_reported_with_the_allocating_call() {
    let options = isolate::Options {
        timeout_s: 60,
        ..Default::default()
    };
    if isolate::is_child(NAME) {
        crash::install_fatal_signal_reporter();
        let path = artifacts::alloc_fixture();
        // SAFETY: loading the fixture plugin this package builds.
        let entry = unsafe { PluginEntry::load(&path) }.expect("loading the fixture");
        let mut plugin = Plugin::new(&entry, c"org.ringscope.test-fixture.allocating");
        let allocate = plugin.params()[0].id;
        plugin.set_params_inactive(&[(allocate, 1.0)]);
        let stopped = plugin.activate(48_000.0, 1, 512);
        let audio = std::thread::Builder::new()
            .name("audio".into())
            .spawn(move || {
                let mut processor = Processor::start(stopped, 2);
                let mut input = vec![vec![0.25f32; 512]; 2];
                let mut output = input.clone();
                processor.process(&mut input, &mut output, 512, &[], None);
                processor.stop()
            })
            .expect("spawning the audio thread");
        let stopped = audio.join().expect("the audio thread");
        plugin.deactivate(stopped);
        // Reaching this line means nothing aborted: the parent sees a clean exit and fails.
        return;
    }

    let outcome = isolate::run_child(NAME, &options);
    assert_eq!(
        outcome.signal(),
        Some(libc::SIGABRT),
        "the fixture's allocation in process() aborts the process"
    );
    let diagnosis = Diagnosis::from_output(&outcome.stderr);
    assert!(
        diagnosis.refused_allocation.is_some(),
        "std's 'memory allocation of N bytes failed' line"
    );
    assert_eq!(diagnosis.signal.as_deref(), Some("SIGABRT"));
    assert_eq!(
        diagnosis.thread.as_deref(),
        Some("audio"),
        "reported on the audio thread"
    );
    let call = diagnosis
        .allocating_call()
        .unwrap_or_else(|| panic!("no allocating call found in {diagnosis:#?}"));
    assert!(
        call.symbol.contains("alloc_fixture::remember_block"),
        "the allocating call is the fixture's remember_block, not {call}"
    );
    assert!(
        call.location
            .as_deref()
            .is_some_and(|l| l.contains("examples/alloc_fixture.rs")),
        "with its source location: {call}"
    );
    // What a failing host test prints.
    let message = outcome.failure_message(&outcome.problems(&options));
    println!("{message}");
    assert!(message.contains("died with SIGABRT"), "{message}");
    assert!(message.contains("Allocating call:"), "{message}");
}
