//! A test fixture, not a product: a minimal CLAP plugin, built like Ringscope (nice-plug with
//! `assert_process_allocs`, debug), that allocates inside `process()` while its "Allocate"
//! parameter is on. `tests/diagnostics.rs` loads it to prove that an allocation on the audio
//! thread fails a host test with a report naming the allocating call.
//!
//! Built as a `cdylib` example so `cargo test -p ringscope-host-tests` always builds it.

use nice_plug::prelude::*;
use std::num::NonZeroU32;
use std::sync::Arc;

#[derive(Params)]
struct FixtureParams {
    #[id = "allocate"]
    allocate: BoolParam,
}

struct AllocatingFixture {
    params: Arc<FixtureParams>,
    history: Vec<f32>,
}

impl Default for AllocatingFixture {
    fn default() -> Self {
        Self {
            params: Arc::new(FixtureParams {
                allocate: BoolParam::new("Allocate", false),
            }),
            history: Vec::new(),
        }
    }
}

/// Keeps every sample it is given: the `Vec` grows, i.e. allocates, on the audio thread.
#[inline(never)]
fn remember_block(history: &mut Vec<f32>, samples: &[f32]) {
    history.extend_from_slice(samples);
}

impl Plugin for AllocatingFixture {
    const NAME: &'static str = "Allocating fixture";
    const VENDOR: &'static str = "Ringscope developers";
    const URL: &'static str = "https://example.invalid/ringscope";
    const EMAIL: &'static str = "";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[AudioIOLayout {
        main_input_channels: NonZeroU32::new(2),
        main_output_channels: NonZeroU32::new(2),
        ..AudioIOLayout::const_default()
    }];
    type Editor = ();
    type SysExMessage = ();
    type BackgroundTask = ();

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        _context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        if self.params.allocate.value() {
            remember_block(&mut self.history, buffer.as_slice_immutable()[0]);
        }
        ProcessStatus::Normal
    }
}

impl ClapPlugin for AllocatingFixture {
    const CLAP_ID: &'static str = "org.ringscope.test-fixture.allocating";
    const CLAP_DESCRIPTION: Option<&'static str> = None;
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[ClapFeature::AudioEffect];
}

nice_export_clap!(AllocatingFixture);
