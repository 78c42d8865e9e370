//! TEMPORARY stand-in for `ringscope::{RingBuffer, Producer, Consumer, Counters}` with the
//! signatures of RING_API.md, built on rtrb, until the lead's ring buffer lands on `main`.
//! Replaced by a re-export when main is merged.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Counters {
    pub written: u64,
    pub read: u64,
    pub dropped: u64,
}

#[derive(Default)]
struct Shared {
    written: AtomicU64,
    read: AtomicU64,
    dropped: AtomicU64,
}

impl Shared {
    fn counters(&self) -> Counters {
        Counters {
            written: self.written.load(Ordering::Relaxed),
            read: self.read.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
        }
    }
}

pub struct RingBuffer<T>(std::marker::PhantomData<T>);

impl<T: Copy + Send + Default> RingBuffer<T> {
    pub fn new(capacity: usize) -> (Producer<T>, Consumer<T>) {
        assert!(capacity >= 1);
        let (p, c) = rtrb::RingBuffer::new(capacity);
        let shared = Arc::new(Shared::default());
        (
            Producer {
                inner: p,
                shared: shared.clone(),
            },
            Consumer { inner: c, shared },
        )
    }
}

pub struct Producer<T> {
    inner: rtrb::Producer<T>,
    shared: Arc<Shared>,
}

pub struct Consumer<T> {
    inner: rtrb::Consumer<T>,
    shared: Arc<Shared>,
}

pub struct WriteChunk<'a, T> {
    inner: rtrb::chunks::WriteChunk<'a, T>,
    shared: &'a Shared,
}

impl<T: Default> WriteChunk<'_, T> {
    pub fn as_mut_slices(&mut self) -> (&mut [T], &mut [T]) {
        self.inner.as_mut_slices()
    }
    pub fn len(&self) -> usize {
        self.inner.len()
    }
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
    pub fn commit(self, k: usize) {
        self.shared.written.fetch_add(k as u64, Ordering::Relaxed);
        self.inner.commit(k);
    }
    pub fn commit_all(self) {
        let k = self.inner.len();
        self.commit(k);
    }
}

impl<T: Copy + Default> Producer<T> {
    pub fn push(&mut self, value: T) -> Result<(), T> {
        match self.inner.push(value) {
            Ok(()) => {
                self.shared.written.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(rtrb::PushError::Full(v)) => {
                self.shared.dropped.fetch_add(1, Ordering::Relaxed);
                Err(v)
            }
        }
    }
    pub fn push_slice(&mut self, values: &[T]) -> usize {
        let (done, rest) = self.inner.push_partial_slice(values);
        self.shared
            .written
            .fetch_add(done.len() as u64, Ordering::Relaxed);
        self.shared
            .dropped
            .fetch_add(rest.len() as u64, Ordering::Relaxed);
        done.len()
    }
    pub fn write_available(&self) -> usize {
        self.inner.slots()
    }
    /// Counts the `n - granted` slots that did not fit as dropped.
    pub fn write_chunk(&mut self, n: usize) -> WriteChunk<'_, T> {
        let granted = n.min(self.inner.slots());
        if granted < n {
            self.shared
                .dropped
                .fetch_add((n - granted) as u64, Ordering::Relaxed);
        }
        WriteChunk {
            inner: self.inner.write_chunk(granted).expect("granted <= slots"),
            shared: &self.shared,
        }
    }
    pub fn capacity(&self) -> usize {
        self.inner.buffer().capacity()
    }
    pub fn is_abandoned(&self) -> bool {
        self.inner.is_abandoned()
    }
    pub fn counters(&self) -> Counters {
        self.shared.counters()
    }
}

impl<T: Copy> Consumer<T> {
    pub fn pop(&mut self) -> Option<T> {
        let v = self.inner.pop().ok();
        if v.is_some() {
            self.shared.read.fetch_add(1, Ordering::Relaxed);
        }
        v
    }
    pub fn pop_slice(&mut self, dst: &mut [T]) -> usize {
        let (done, _) = self.inner.pop_partial_slice(dst);
        let n = done.len();
        self.shared.read.fetch_add(n as u64, Ordering::Relaxed);
        n
    }
    pub fn peek(&self) -> Option<&T> {
        self.inner.peek().ok()
    }
    pub fn read_available(&self) -> usize {
        self.inner.slots()
    }
    pub fn skip(&mut self, n: usize) -> usize {
        let n = n.min(self.inner.slots());
        self.inner.read_chunk(n).expect("n <= slots").commit_all();
        self.shared.read.fetch_add(n as u64, Ordering::Relaxed);
        n
    }
    pub fn read_chunk(&mut self, n: usize) -> ReadChunk<'_, T> {
        let n = n.min(self.inner.slots());
        ReadChunk {
            inner: self.inner.read_chunk(n).expect("n <= slots"),
            shared: &self.shared,
        }
    }
    pub fn capacity(&self) -> usize {
        self.inner.buffer().capacity()
    }
    pub fn is_abandoned(&self) -> bool {
        self.inner.is_abandoned()
    }
    pub fn counters(&self) -> Counters {
        self.shared.counters()
    }
}

pub struct ReadChunk<'a, T> {
    inner: rtrb::chunks::ReadChunk<'a, T>,
    shared: &'a Shared,
}

impl<T> ReadChunk<'_, T> {
    pub fn as_slices(&self) -> (&[T], &[T]) {
        self.inner.as_slices()
    }
    pub fn len(&self) -> usize {
        self.inner.len()
    }
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
    pub fn commit(self, k: usize) {
        self.shared.read.fetch_add(k as u64, Ordering::Relaxed);
        self.inner.commit(k);
    }
    pub fn commit_all(self) {
        let k = self.inner.len();
        self.commit(k);
    }
}
