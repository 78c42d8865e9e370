//! The passthrough check shared by the CLAP and VST3 tests: feed a signal through a plugin in
//! blocks of varying size and require the output to be the input, bit for bit.

use crate::signals::{TestSignal, first_bit_difference};

/// What a plugin's output buffers hold before `process`: a value no test signal contains, so a
/// plugin that leaves the output unwritten is caught.
pub const OUTPUT_POISON: f32 = -12_345.678;

/// The buffers of one block.
pub enum Block<'a> {
    /// Separate input and output buffers (the output starts poisoned).
    Separate {
        /// Input channels.
        input: &'a mut [Vec<f32>],
        /// Output channels.
        output: &'a mut [Vec<f32>],
    },
    /// One set of buffers for input and output.
    InPlace(&'a mut [Vec<f32>]),
}

/// One passthrough run.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// The signal fed in.
    pub signal: TestSignal,
    /// Sample rate the plugin was activated at.
    pub sample_rate: f64,
    /// Channels per buffer.
    pub channels: usize,
    /// The largest block the plugin was told about.
    pub max_block: usize,
    /// Frames to process in total (at least one block of each size in the pattern).
    pub total_frames: usize,
    /// In-place or separate buffers.
    pub in_place: bool,
}

impl Run {
    /// Block sizes hosts send: the maximum, then smaller and odd sizes (hosts split blocks at
    /// automation points and loop boundaries), cycling.
    pub fn block_sizes(&self) -> impl Iterator<Item = usize> {
        let max = self.max_block.max(1);
        let pattern = [max, (max / 3).max(1), max, 1, (max / 2 + 1).min(max)];
        let total = self.total_frames.max(pattern.iter().sum());
        let mut done = 0;
        pattern.into_iter().cycle().map_while(move |size| {
            (done < total).then(|| {
                let size = size.min(total - done);
                done += size;
                size
            })
        })
    }

    /// Runs the signal through `process(block, frames, position)` and compares. Returns the
    /// first difference, naming where it happened.
    pub fn check(&self, mut process: impl FnMut(Block<'_>, usize, u64)) -> Result<usize, String> {
        let mut expected = vec![vec![0.0f32; self.max_block]; self.channels];
        let mut input = expected.clone();
        let mut output = expected.clone();
        let mut position = 0u64;
        let mut blocks = 0;
        for frames in self.block_sizes() {
            for channel in &mut expected {
                channel.truncate(frames);
            }
            self.signal.fill(self.sample_rate, position, &mut expected);
            let actual = if self.in_place {
                for (buffer, e) in input.iter_mut().zip(&expected) {
                    buffer[..frames].copy_from_slice(e);
                }
                process(Block::InPlace(&mut input), frames, position);
                &input
            } else {
                for (buffer, e) in input.iter_mut().zip(&expected) {
                    buffer[..frames].copy_from_slice(e);
                }
                for buffer in output.iter_mut() {
                    buffer.fill(OUTPUT_POISON);
                }
                process(
                    Block::Separate {
                        input: &mut input,
                        output: &mut output,
                    },
                    frames,
                    position,
                );
                // The input must not be touched either (a host may reuse it).
                for (channel, (buffer, e)) in input.iter().zip(&expected).enumerate() {
                    if let Some(difference) = first_bit_difference(e, &buffer[..frames]) {
                        return Err(format!(
                            "{self:?}: the plugin wrote into its input buffer, channel {channel}, \
                             block at frame {position} ({frames} frames): {difference}"
                        ));
                    }
                }
                &output
            };
            for (channel, (buffer, e)) in actual.iter().zip(&expected).enumerate() {
                if let Some(difference) = first_bit_difference(e, &buffer[..frames]) {
                    return Err(format!(
                        "{self:?}: output is not the input on channel {channel}, block at \
                         frame {position} ({frames} frames): {difference}"
                    ));
                }
            }
            for channel in &mut expected {
                channel.resize(self.max_block, 0.0);
            }
            position += frames as u64;
            blocks += 1;
        }
        Ok(blocks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(in_place: bool) -> Run {
        Run {
            signal: TestSignal::NonFinite,
            sample_rate: 48_000.0,
            channels: 2,
            max_block: 64,
            total_frames: 1000,
            in_place,
        }
    }

    #[test]
    fn block_sizes_cover_the_total_and_stay_within_the_maximum() {
        let sizes: Vec<usize> = run(false).block_sizes().collect();
        assert_eq!(sizes.iter().sum::<usize>(), 1000);
        assert!(sizes.iter().all(|&s| (1..=64).contains(&s)));
        assert!(sizes.contains(&1) && sizes.contains(&64) && sizes.contains(&21));
        let tiny = Run {
            max_block: 1,
            total_frames: 3,
            ..run(false)
        };
        assert_eq!(tiny.block_sizes().collect::<Vec<_>>(), vec![1; 5]);
    }

    #[test]
    fn a_copying_plugin_passes_and_a_broken_one_fails() {
        let copy = |block: Block<'_>, frames: usize, _| {
            if let Block::Separate { input, output } = block {
                for (i, o) in input.iter().zip(output.iter_mut()) {
                    o[..frames].copy_from_slice(&i[..frames]);
                }
            }
        };
        assert!(run(false).check(copy).is_ok());
        assert!(run(true).check(|_, _, _| {}).is_ok());
        // Forgets the output.
        assert!(run(false).check(|_, _, _| {}).is_err());
        // "Copies" through arithmetic, which quiets signalling NaNs and flushes nothing but
        // still changes bits of -0.0 + 0.0.
        let arithmetic = |block: Block<'_>, frames: usize, _| {
            if let Block::InPlace(buffers) = block {
                for b in buffers.iter_mut() {
                    for s in &mut b[..frames] {
                        *s += 0.0;
                    }
                }
            }
        };
        let error = run(true).check(arithmetic).unwrap_err();
        assert!(error.contains("output is not the input"), "{error}");
        // Scribbles on its input.
        let scribble = |block: Block<'_>, frames: usize, _| {
            if let Block::Separate { input, output } = block {
                for (i, o) in input.iter_mut().zip(output.iter_mut()) {
                    o[..frames].copy_from_slice(&i[..frames]);
                    i[0] = 0.25;
                }
            }
        };
        assert!(
            run(false)
                .check(scribble)
                .unwrap_err()
                .contains("input buffer")
        );
    }
}
