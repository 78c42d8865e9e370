//! A test fixture, not a product: a CLAP plugin with the barest nice-plug-egui editor (one label,
//! repainting continuously), built with the same nice-plug, nice-plug-egui and egui as Ringscope.
//!
//! The profiling harness (`examples/editor_cycles.rs bare`) opens and closes it as the host tests
//! do Ringscope's editor: whatever memory the framework stack itself (nice-plug-egui,
//! egui-baseview, baseview, Mesa) keeps per opening shows up here without Ringscope's own code.
//! That is how the leaks patched in `vendor/` were told apart from Ringscope's.
//!
//! Built as a `cdylib` example so `cargo test -p ringscope-host-tests` always builds it.

use nice_plug::editor::dpi::{LogicalSize, Size};
use nice_plug::prelude::*;
use nice_plug_egui::{
    EguiEditor, EguiEditorState, EguiNiceSettings, NiceEguiApp, RepaintNotifier, create_egui_editor,
};
use std::num::NonZeroU32;
use std::sync::Arc;

#[derive(Params, Default)]
struct NoParams {}

#[derive(Default)]
struct BareEditorFixture {
    params: Arc<NoParams>,
}

struct BareApp;

impl NiceEguiApp for BareApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut nice_plug_egui::Frame) {
        ui.label("bare nice-plug-egui editor");
        ui.ctx().request_repaint();
    }
}

impl Plugin for BareEditorFixture {
    const NAME: &'static str = "Bare editor fixture";
    const VENDOR: &'static str = "Ringscope developers";
    const URL: &'static str = "https://example.invalid/ringscope";
    const EMAIL: &'static str = "";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[AudioIOLayout {
        main_input_channels: NonZeroU32::new(2),
        main_output_channels: NonZeroU32::new(2),
        ..AudioIOLayout::const_default()
    }];
    type Editor = EguiEditor<BareApp>;
    type SysExMessage = ();
    type BackgroundTask = ();

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        create_egui_editor(
            EguiEditorState::from_size(Size::Logical(LogicalSize::new(720.0, 480.0)), 1.0),
            RepaintNotifier::new(),
            EguiNiceSettings::new(),
            BareApp,
        )
    }

    fn process(
        &mut self,
        _buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        _context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        ProcessStatus::Normal
    }
}

impl ClapPlugin for BareEditorFixture {
    const CLAP_ID: &'static str = "org.ringscope.test-fixture.bare-editor";
    const CLAP_DESCRIPTION: Option<&'static str> = None;
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[ClapFeature::AudioEffect];
}

nice_export_clap!(BareEditorFixture);
