//! A measurement fixture, not a product: the barest nice-plug-egui window (a panel and a line
//! of text), hosted exactly as Ringscope's standalone app is (nice-plug's standalone wrapper,
//! the same nice-plug, nice-plug-egui, egui and baseview, 900 × 600, the same settings), so that
//! `scripts/gui-cost.sh` can set what Ringscope's editor costs per frame against what any egui
//! window of that size costs.
//!
//! It draws a frame every `1 / RINGSCOPE_BARE_FPS` seconds (continuously if unset or 0) and
//! writes its frame count where `RINGSCOPE_FRAMES_FILE` says, as Ringscope's editor does.
//! `cargo run --release -p ringscope-plugin --features standalone --example bare_window --
//! --backend dummy`

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use nice_plug::editor::dpi::{LogicalSize, Size};
use nice_plug::prelude::*;
use nice_plug_egui::{
    EguiEditor, EguiEditorState, EguiNiceSettings, NiceEguiApp, RepaintNotifier, create_egui_editor,
};
use ringscope_plugin::editor::FrameCountFile;
use ringscope_plugin::params::EditorGeometry;

#[derive(Params, Default)]
struct NoParams {}

#[derive(Default)]
struct BareWindow {
    params: Arc<NoParams>,
}

struct BareApp {
    /// Time between frames; zero: draw continuously.
    period: Duration,
    frames: u64,
    frame_file: FrameCountFile,
}

impl NiceEguiApp for BareApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut nice_plug_egui::Frame) {
        let now = Instant::now();
        self.frames += 1;
        egui::CentralPanel::default().show(ui, |ui| ui.label("bare nice-plug-egui window"));
        if self.period.is_zero() {
            ui.ctx().request_repaint();
        } else {
            ui.ctx().request_repaint_after(self.period);
        }
        self.frame_file.record(self.frames, now, false);
    }
}

impl Plugin for BareWindow {
    const NAME: &'static str = "Bare window";
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
        let fps: f64 = std::env::var("RINGSCOPE_BARE_FPS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|fps: &f64| fps.is_finite() && *fps > 0.0)
            .unwrap_or(0.0);
        let period = if fps > 0.0 {
            Duration::from_secs_f64(1.0 / fps)
        } else {
            Duration::ZERO
        };
        let size = EditorGeometry::DEFAULT;
        create_egui_editor(
            EguiEditorState::from_size(
                Size::Logical(LogicalSize::new(
                    f64::from(size.width),
                    f64::from(size.height),
                )),
                1.0,
            ),
            RepaintNotifier::new(),
            EguiNiceSettings::new().with_tile("Bare window"),
            BareApp {
                period,
                frames: 0,
                frame_file: FrameCountFile::from_env(),
            },
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

fn main() {
    if !nice_export_standalone::<BareWindow>() {
        std::process::exit(1);
    }
}
