//! [`FrameClock`]: keeps a moving picture's frames on a grid of the frame period.
//!
//! egui's `request_repaint_after(d)` counts `d` from the end of a frame's layout, and the window
//! system adds its own wait (painting, presenting, the next vertical blank) before the frame
//! after it starts. Asking for the whole period every time therefore draws slower than the
//! Frame rate parameter says (at 60 fps under Mesa's software rasteriser, ~20 % slower). The
//! clock asks instead for what is left until the next frame is due, one period after the
//! previous one was due, so the rate is the parameter's on average and never above it.

use std::time::{Duration, Instant};

/// When the next frame of a moving picture is due.
#[derive(Debug, Default)]
pub struct FrameClock {
    due: Option<Instant>,
}

impl FrameClock {
    /// For a frame that started at `now` and has spent `spent` so far: how long to wait before
    /// the next one, at one frame every `period`. A frame earlier than due (an input event)
    /// keeps the grid; one later than a whole period starts it afresh.
    pub fn next_delay(&mut self, now: Instant, period: Duration, spent: Duration) -> Duration {
        let due = match self.due {
            Some(due) if now < due => due,
            Some(due) if now - due < period => due + period,
            _ => now + period,
        };
        self.due = Some(due);
        (due - now).saturating_sub(spent)
    }

    /// The picture stopped moving (rest, frozen, no audio): the next frame starts a new grid.
    pub fn stop(&mut self) {
        self.due = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERIOD: Duration = Duration::from_millis(20);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn late_frames_shorten_the_wait_so_the_rate_holds() {
        let mut clock = FrameClock::default();
        let t0 = Instant::now();
        assert_eq!(clock.next_delay(t0, PERIOD, ms(0)), PERIOD);
        // Due at 20 ms, started 5 ms late, 3 ms spent drawing: the next is due at 40 ms.
        assert_eq!(clock.next_delay(t0 + ms(25), PERIOD, ms(3)), ms(12));
        // An input event at 30 ms draws an extra frame: the grid stays (due at 40 ms).
        assert_eq!(clock.next_delay(t0 + ms(30), PERIOD, ms(0)), ms(10));
        assert_eq!(clock.next_delay(t0 + ms(41), PERIOD, ms(0)), ms(19));
        // Drawing longer than the wait: no wait at all, never a negative one.
        assert_eq!(clock.next_delay(t0 + ms(75), PERIOD, ms(30)), ms(0));
        // More than a period late: a fresh grid from this frame.
        assert_eq!(clock.next_delay(t0 + ms(200), PERIOD, ms(0)), PERIOD);
        clock.stop();
        assert_eq!(clock.next_delay(t0 + ms(205), PERIOD, ms(1)), ms(19));
    }

    #[test]
    fn frames_never_come_faster_than_the_period_on_average() {
        // A window system that starts each frame 7 ms after it was asked for, and a frame that
        // takes 4 ms to lay out: 100 frames span at least 99 periods.
        let mut clock = FrameClock::default();
        let t0 = Instant::now();
        let mut now = t0;
        for _ in 0..99 {
            let wait = clock.next_delay(now, PERIOD, ms(4));
            now += ms(4) + wait + ms(7);
        }
        let span = now - t0;
        assert!(span >= PERIOD * 99, "{span:?}");
        assert!(
            span <= PERIOD * 99 + ms(11),
            "{span:?}: the lateness was not made up"
        );
    }
}
