//! The vectorscope's persistence: the points of the last display frames, each frame's batch
//! stamped with the time it was taken, held in one ring allocated once.

use std::collections::VecDeque;

use ringscope::analysis::VectorscopePoint;

/// Most points held (and so drawn) at once, over every batch the persistence keeps. A software
/// rasteriser fills each point as two tiny triangles; 16 384 of them stay well within a
/// frame's budget, and the default 250 ms at 60 fps needs only 16 batches of 800 samples.
pub const MAX_POINTS: usize = 16_384;
/// Most batches held: 2 s (the longest persistence) at 120 frames per second.
pub const MAX_BATCHES: usize = 240;
/// A batch is never decimated below this many points (a long persistence at a high frame rate
/// would otherwise leave each frame a handful of points; the ring then simply holds less time).
pub const MIN_BATCH_POINTS: usize = 256;

/// One display frame's points: when they were taken and how many.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Batch {
    /// The view's clock when taken, s.
    pub time: f64,
    /// Points in the batch.
    pub count: usize,
}

/// The ring of recent points, in gained units of full scale (1 = the plot's radius), oldest
/// first. Nothing allocates after [`Trail::new`].
#[derive(Debug)]
pub struct Trail {
    points: Vec<[f32; 2]>,
    /// Index of the oldest point held.
    tail: usize,
    len: usize,
    batches: VecDeque<Batch>,
}

impl Default for Trail {
    fn default() -> Self {
        Self::new()
    }
}

impl Trail {
    /// An empty trail with its full capacity.
    pub fn new() -> Self {
        Self {
            points: vec![[0.0; 2]; MAX_POINTS],
            tail: 0,
            len: 0,
            batches: VecDeque::with_capacity(MAX_BATCHES),
        }
    }

    /// Forgets every point.
    pub fn clear(&mut self) {
        self.tail = 0;
        self.len = 0;
        self.batches.clear();
    }

    /// Points held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// The capacities of the ring and the batch queue (they never grow).
    #[cfg(test)]
    pub fn capacities(&self) -> (usize, usize) {
        (self.points.capacity(), self.batches.capacity())
    }

    /// How many points one batch may hold when `batches` frames fit in the persistence.
    pub fn budget(batches: usize) -> usize {
        (MAX_POINTS / batches.max(1)).clamp(MIN_BATCH_POINTS, MAX_POINTS)
    }

    /// Adds a batch taken at `time`: `points` times `gain`, decimated to at most `budget` by
    /// keeping every k-th (genuine sample pairs, evenly spread over the whole batch). The
    /// oldest points make room when the ring is full.
    pub fn push(&mut self, time: f64, points: &[VectorscopePoint], gain: f32, budget: usize) {
        let budget = budget.clamp(1, MAX_POINTS);
        let stride = points.len().div_ceil(budget).max(1);
        let count = points.len().div_ceil(stride);
        if count == 0 {
            return;
        }
        if self.batches.len() == MAX_BATCHES {
            self.drop_oldest(usize::MAX);
        }
        while self.len + count > MAX_POINTS {
            self.drop_oldest(self.len + count - MAX_POINTS);
        }
        let mut at = (self.tail + self.len) % MAX_POINTS;
        for point in points.iter().step_by(stride) {
            self.points[at] = [point.x * gain, point.y * gain];
            at = (at + 1) % MAX_POINTS;
        }
        self.len += count;
        self.batches.push_back(Batch { time, count });
    }

    /// Drops up to `most` points of the oldest batch (the whole batch when that many or more).
    fn drop_oldest(&mut self, most: usize) {
        let Some(front) = self.batches.front_mut() else {
            return;
        };
        let dropped = front.count.min(most);
        front.count -= dropped;
        if front.count == 0 {
            self.batches.pop_front();
        }
        self.tail = (self.tail + dropped) % MAX_POINTS;
        self.len -= dropped;
    }

    /// Drops the batches [`fade`] no longer shows at `now`.
    pub fn expire(&mut self, now: f64, persistence: f64) {
        while let Some(front) = self.batches.front() {
            if fade(now - front.time, persistence).is_some() {
                break;
            }
            self.drop_oldest(usize::MAX);
        }
    }

    /// Each batch, oldest first, with its points.
    pub fn batches(&self) -> impl Iterator<Item = (Batch, impl Iterator<Item = [f32; 2]> + '_)> {
        let mut start = self.tail;
        self.batches.iter().map(move |&batch| {
            let first = start;
            start = (start + batch.count) % MAX_POINTS;
            let points = (0..batch.count).map(move |i| self.points[(first + i) % MAX_POINTS]);
            (batch, points)
        })
    }
}

/// The opacity of a batch `age` seconds old with `persistence` seconds: the batch just taken
/// is fully opaque (with no persistence it is the only one shown), older ones fade linearly and
/// are gone at `persistence`.
pub fn fade(age: f64, persistence: f64) -> Option<f32> {
    if age <= 0.0 {
        Some(1.0)
    } else if age >= persistence {
        None
    } else {
        Some((1.0 - age / persistence) as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(n: usize) -> Vec<VectorscopePoint> {
        (0..n)
            .map(|i| VectorscopePoint {
                x: i as f32,
                y: 0.0,
            })
            .collect()
    }

    #[test]
    fn a_full_ring_drops_the_oldest_points_first() {
        let mut trail = Trail::new();
        trail.push(0.0, &points(MAX_POINTS - 10), 1.0, MAX_POINTS);
        trail.push(1.0, &points(30), 2.0, MAX_POINTS);
        assert_eq!(trail.len(), MAX_POINTS);
        let batches: Vec<_> = trail
            .batches()
            .map(|(b, p)| (b, p.collect::<Vec<_>>()))
            .collect();
        assert_eq!(batches.len(), 2);
        assert_eq!(batches[0].0.count, MAX_POINTS - 30);
        assert_eq!(batches[0].1[0], [20.0, 0.0], "the 20 oldest went");
        assert_eq!(batches[1].1[29], [58.0, 0.0], "gain applied");
        assert_eq!(trail.capacities(), (MAX_POINTS, MAX_BATCHES));
    }

    #[test]
    fn a_batch_over_budget_keeps_every_kth_point() {
        let mut trail = Trail::new();
        trail.push(0.0, &points(1000), 1.0, 300);
        let (batch, kept) = trail.batches().next().unwrap();
        let kept: Vec<_> = kept.map(|p| p[0]).collect();
        assert_eq!(batch.count, 250);
        assert_eq!(&kept[..3], &[0.0, 4.0, 8.0]);
        assert_eq!(Trail::budget(1000), MIN_BATCH_POINTS);
        assert_eq!(Trail::budget(16), MAX_POINTS / 16);
    }

    #[test]
    fn batches_fade_and_expire() {
        assert_eq!(fade(0.0, 0.0), Some(1.0));
        assert_eq!(fade(0.01, 0.0), None);
        assert_eq!(fade(0.125, 0.25), Some(0.5));
        let mut trail = Trail::new();
        trail.push(0.0, &points(10), 1.0, 100);
        trail.push(0.2, &points(10), 1.0, 100);
        trail.expire(0.3, 0.25);
        assert_eq!(trail.len(), 10);
        trail.expire(0.5, 0.25);
        assert_eq!(trail.len(), 0);
    }
}
