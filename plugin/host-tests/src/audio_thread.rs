//! The audio thread of the editor and compare tests: a host's audio thread that keeps
//! processing test signals in real time while the UI thread opens, draws and closes editors,
//! checking every block for bit-exact passthrough.

use crate::clap::{Processor, TestHost, playing_transport};
use crate::passthrough::{Block, Run};
use crate::signals::TestSignal;
use crate::vst3::AudioProcessor;
use clack_host::prelude::StoppedPluginAudioProcessor;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use vst3::Steinberg::kResultOk;

/// The audio thread of the editor tests: processes the test signals in real time (one 512-frame
/// block per ~5 ms, about twice real time at 48 kHz) and checks every block for bit-exact
/// passthrough. `R` is what the thread gives back when it finishes (CLAP: the stopped processor).
pub struct AudioThread<R> {
    stop: Arc<AtomicBool>,
    blocks: Arc<AtomicU64>,
    failure: Arc<Mutex<Option<String>>>,
    handle: std::thread::JoinHandle<R>,
}

impl AudioThread<StoppedPluginAudioProcessor<TestHost>> {
    /// Starts processing a CLAP plugin's activated processor (started on the audio thread, as
    /// CLAP requires).
    pub fn clap(stopped: StoppedPluginAudioProcessor<TestHost>) -> Self {
        Self::clap_with(stopped, None)
    }

    /// As [`Self::clap`], feeding `signal` in every run (`None`: each of [`TestSignal::ALL`] in
    /// turn), still checked for bit-exact passthrough.
    pub fn clap_with(
        stopped: StoppedPluginAudioProcessor<TestHost>,
        signal: Option<TestSignal>,
    ) -> Self {
        Self::clap_with_sidechain(stopped, signal, None)
    }

    /// As [`Self::clap_with`], feeding `sidechain` into the sidechain port too (stereo, in step
    /// with the main signal; `None`: silence). Only the main bus is checked: nothing comes out
    /// for the sidechain.
    pub fn clap_with_sidechain(
        stopped: StoppedPluginAudioProcessor<TestHost>,
        signal: Option<TestSignal>,
        sidechain: Option<TestSignal>,
    ) -> Self {
        Self::spawn(
            signal,
            move || Processor::start(stopped, 2),
            move |processor, block, frames, position| {
                if let Some(sidechain) = sidechain {
                    for channel in &mut processor.sidechain {
                        channel.resize(frames, 0.0);
                    }
                    sidechain.fill(48_000.0, position, &mut processor.sidechain);
                }
                let transport = playing_transport(position, 48_000.0, 120.0);
                match block {
                    Block::Separate { input, output } => {
                        processor.process(input, output, frames, &[], Some(&transport));
                    }
                    Block::InPlace(buffers) => {
                        processor.process_in_place(buffers, frames, &[], Some(&transport));
                    }
                }
            },
            Processor::stop,
        )
    }
}

impl AudioThread<()> {
    /// Starts processing a VST3 instance that is set up (48 kHz, stereo, 512 frames) and started.
    pub fn vst3(processor: AudioProcessor) -> Self {
        Self::spawn(
            None,
            move || processor,
            |processor, block, frames, position| {
                let playing = Some((48_000.0, position as i64));
                let result = match block {
                    Block::Separate { input, output } => {
                        processor.process(input, output, frames, playing)
                    }
                    Block::InPlace(buffers) => processor.process_in_place(buffers, frames, playing),
                };
                assert_eq!(
                    result, kResultOk,
                    "IAudioProcessor::process({frames} frames)"
                );
            },
            drop,
        )
    }
}

impl<R: Send + 'static> AudioThread<R> {
    /// Starts a thread named "audio": `start` runs on it first, then `process` gets block after
    /// block of the test signals (`signal`, or each of [`TestSignal::ALL`] in turn), and
    /// `finish` turns what `start` made into the thread's result.
    fn spawn<S>(
        signal: Option<TestSignal>,
        start: impl FnOnce() -> S + Send + 'static,
        mut process: impl FnMut(&mut S, Block<'_>, usize, u64) + Send + 'static,
        finish: impl FnOnce(S) -> R + Send + 'static,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let blocks = Arc::new(AtomicU64::new(0));
        let failure = Arc::new(Mutex::new(None));
        // Returned only once the thread runs (and so bears its name): a baseline of this
        // process's threads taken next must not see it under its parent's name.
        let (started, running) = std::sync::mpsc::sync_channel(0);
        let handle = {
            let (stop, blocks, failure) = (stop.clone(), blocks.clone(), failure.clone());
            std::thread::Builder::new()
                .name("audio".into())
                .spawn(move || {
                    let mut state = start();
                    let _ = started.send(());
                    let mut round = 0;
                    while !stop.load(Ordering::SeqCst) {
                        let run = Run {
                            signal: signal.unwrap_or(TestSignal::ALL[round % 4]),
                            sample_rate: 48_000.0,
                            channels: 2,
                            max_block: 512,
                            total_frames: 512 * 8,
                            in_place: round % 2 == 1,
                        };
                        let result = run.check(|block, frames, position| {
                            process(&mut state, block, frames, position);
                            blocks.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(5));
                        });
                        if let Err(e) = result {
                            failure.lock().unwrap().get_or_insert(e);
                        }
                        round += 1;
                    }
                    finish(state)
                })
                .expect("spawning the audio thread")
        };
        running
            .recv()
            .expect("the audio thread started (or its start panicked)");
        Self {
            stop,
            blocks,
            failure,
            handle,
        }
    }

    /// Blocks processed so far.
    pub fn blocks(&self) -> u64 {
        self.blocks.load(Ordering::SeqCst)
    }

    /// Stops the thread and returns its result; fails if any block was not passed through.
    pub fn finish(self) -> R {
        self.stop.store(true, Ordering::SeqCst);
        let result = self.handle.join().expect("the audio thread panicked");
        if let Some(failure) = self.failure.lock().unwrap().take() {
            panic!("audio thread: {failure}");
        }
        result
    }
}
