//! The subscriber's side: the instances an editor overlays, each analysed by the editor (GUI
//! thread) with the editor's own spectrum settings, so the curves compare like for like. The
//! spectrum view draws each overlay's averaged spectrum ([`Overlay::update`]); the spectrogram
//! view hands each of its FFT frames to a [`Spectrogram`] of its own
//! ([`Overlay::update_spectrogram`]).

use std::sync::Arc;

use ringscope::analysis::{ChannelMode, Spectrogram, Spectrum, SpectrumSettings};

use super::registry::{self, Entry, Frames, Subscription};

/// The most instances one view overlays.
pub const MAX_OVERLAYS: usize = 4;

/// One overlaid instance: a subscription (it publishes while this lives), the frames read so
/// far and this editor's analysis of them.
#[derive(Debug)]
pub struct Overlay {
    subscription: Subscription,
    /// The ring being read and its generation (a new one after the instance's reactivation).
    frames: Option<(Frames, u64)>,
    /// The ring position read up to.
    read_to: u64,
    spectrum: Spectrum,
    scratch: Vec<[f32; 2]>,
}

/// The overlays' analysis settings: the view's own, on one trace (the mid, (L + R) / 2) per
/// overlaid instance.
pub fn overlay_settings(view: SpectrumSettings) -> SpectrumSettings {
    SpectrumSettings {
        channel_mode: ChannelMode::Mid,
        ..view
    }
}

impl Overlay {
    /// Subscribes to `entry`, analysing with `settings` (see [`overlay_settings`]).
    pub fn new(entry: &Arc<Entry>, settings: SpectrumSettings) -> Self {
        let rate = entry.sample_rate().unwrap_or(48_000.0);
        Self {
            subscription: entry.subscribe(),
            frames: None,
            read_to: 0,
            spectrum: Spectrum::new(f64::from(rate), settings),
            scratch: Vec::new(),
        }
    }

    /// The instance overlaid.
    pub fn entry(&self) -> &Arc<Entry> {
        self.subscription.entry()
    }

    /// This editor's analysis of the instance's frames.
    pub fn spectrum(&mut self) -> &mut Spectrum {
        &mut self.spectrum
    }

    /// Applies `settings` and feeds the analysis every frame published since the last call (as
    /// many as the ring still holds, up to half of it, if the editor fell behind). Returns the
    /// frames fed.
    pub fn update(&mut self, settings: SpectrumSettings) -> usize {
        if self.follow_ring(settings).is_none() {
            return 0;
        }
        self.read_new(|spectrum, frames| spectrum.feed(frames))
    }

    /// [`Overlay::update`], handing every FFT frame the analysis computes to `spectrogram` (this
    /// overlay's own, sized by the caller): the instance's spectrogram with this view's FFT
    /// settings. When the instance's ring is new (the first read, or its reactivation, perhaps
    /// at another rate) `spectrogram` is cleared and takes the instance's rate first, as the
    /// analysis does. Returns the frames fed.
    pub fn update_spectrogram(
        &mut self,
        settings: SpectrumSettings,
        spectrogram: &mut Spectrogram,
    ) -> usize {
        match self.follow_ring(settings) {
            None => return 0,
            Some(true) => {
                spectrogram.set_sample_rate(self.spectrum.sample_rate());
                spectrogram.reset();
            }
            Some(false) => {}
        }
        self.read_new(|spectrum, frames| {
            spectrum.feed_with(frames, |frame| spectrogram.push(frame));
        })
    }

    /// Applies `settings` and follows the instance's ring: a new one (first read or
    /// reactivation) is read from its present, the analysis reset at its rate. Returns whether
    /// the ring was new; `None` while the instance has no ring (not active).
    fn follow_ring(&mut self, settings: SpectrumSettings) -> Option<bool> {
        if *self.spectrum.settings() != settings {
            self.spectrum.set_settings(settings);
        }
        let entry = self.subscription.entry();
        let current = entry.frames()?;
        if self.frames.as_ref().map(|f| f.1) == Some(current.1) {
            return Some(false);
        }
        self.read_to = current.0.position();
        let rate = entry.sample_rate().unwrap_or(48_000.0);
        self.spectrum.set_sample_rate(f64::from(rate));
        self.spectrum.reset();
        self.frames = Some(current);
        Some(true)
    }

    /// Hands `feed` the analysis and every frame published since the last read (up to half the
    /// ring). Returns the frames handed.
    fn read_new(&mut self, feed: impl FnOnce(&mut Spectrum, &[[f32; 2]])) -> usize {
        let Some((frames, _)) = self.frames.as_ref() else {
            return 0;
        };
        let new = frames.position().saturating_sub(self.read_to);
        let want = (new as usize).min(frames.capacity() / 2);
        if want == 0 {
            return 0;
        }
        self.scratch.resize(want, [0.0; 2]);
        let Ok(window) = frames.read_latest(&mut self.scratch) else {
            // Raced by the writer every time: try again next frame, from its present.
            self.read_to = frames.position();
            return 0;
        };
        let start = window.end_position - window.len as u64;
        // Published before the last read? Only the part after it is new.
        let skip = self.read_to.saturating_sub(start).min(window.len as u64) as usize;
        feed(&mut self.spectrum, &self.scratch[skip..window.len]);
        self.read_to = window.end_position;
        window.len - skip
    }
}

/// The overlays of one view: the chosen instance names (as saved), re-matched to live
/// instances as they appear, and an [`Overlay`] for each one live.
#[derive(Debug, Default)]
pub struct Overlays {
    slots: Vec<(String, Option<Overlay>)>,
}

impl Overlays {
    /// Matches `chosen` (names, at most [`MAX_OVERLAYS`] used) to the live instances other than
    /// `own_id`, subscribing to new matches and dropping what left, and feeds every overlay
    /// (see [`Overlay::update`]). A renamed instance keeps its overlay: its new name is written
    /// into `chosen`. Returns whether `chosen` changed. GUI thread.
    pub fn sync(
        &mut self,
        own_id: u64,
        chosen: &mut Vec<String>,
        settings: SpectrumSettings,
    ) -> bool {
        let changed = self.follow(own_id, chosen, settings);
        for overlay in self.live_mut() {
            overlay.update(settings);
        }
        changed
    }

    /// [`Overlays::sync`] without the feeding: the overlays follow `chosen` and the live
    /// instances, and the caller feeds each as its view needs (the spectrogram:
    /// [`Overlay::update_spectrogram`]). `settings`: the new overlays' analysis settings.
    pub fn follow(
        &mut self,
        own_id: u64,
        chosen: &mut Vec<String>,
        settings: SpectrumSettings,
    ) -> bool {
        let live: Vec<Arc<Entry>> = registry::instances()
            .into_iter()
            .filter(|e| e.id() != own_id)
            .collect();
        let mut changed = chosen.len() > MAX_OVERLAYS;
        chosen.truncate(MAX_OVERLAYS);
        // Keep the overlays still chosen, in the chosen order.
        let mut old = std::mem::take(&mut self.slots);
        for name in chosen.iter() {
            let kept = old
                .iter()
                .position(|(n, _)| n == name)
                .map(|i| old.remove(i).1)
                .unwrap_or(None);
            self.slots.push((name.clone(), kept));
        }
        for (name, overlay) in &mut self.slots {
            if let Some(o) = overlay {
                if !live.iter().any(|e| Arc::ptr_eq(e, o.entry())) {
                    // The instance left: drop the subscription, keep the choice for its return.
                    *overlay = None;
                } else {
                    let now = o.entry().name();
                    if now != *name {
                        *name = now;
                        changed = true;
                    }
                }
            }
        }
        for index in 0..self.slots.len() {
            if self.slots[index].1.is_some() {
                continue;
            }
            let taken = |e: &Arc<Entry>| {
                self.slots
                    .iter()
                    .any(|(_, o)| o.as_ref().is_some_and(|o| Arc::ptr_eq(o.entry(), e)))
            };
            let found = live
                .iter()
                .find(|e| e.name() == self.slots[index].0 && !taken(e))
                .map(|e| Overlay::new(e, settings));
            self.slots[index].1 = found;
        }
        if changed {
            *chosen = self.slots.iter().map(|(n, _)| n.clone()).collect();
        }
        changed
    }

    /// The live overlays with their slot (0 … [`MAX_OVERLAYS`] − 1: the colour index), in the
    /// chosen order.
    pub fn live_mut(&mut self) -> impl Iterator<Item = &mut Overlay> {
        self.slots.iter_mut().filter_map(|(_, o)| o.as_mut())
    }

    /// The live overlays with their slot index (for a stable colour per choice).
    pub fn slots_mut(&mut self) -> impl Iterator<Item = (usize, &mut Overlay)> {
        self.slots
            .iter_mut()
            .enumerate()
            .filter_map(|(i, (_, o))| o.as_mut().map(|o| (i, o)))
    }

    /// Drops every subscription.
    pub fn clear(&mut self) {
        self.slots.clear();
    }
}
