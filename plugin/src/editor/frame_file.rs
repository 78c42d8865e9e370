//! [`FrameCountFile`]: the frames a window has drawn, written to a file for measurements
//! (`scripts/gui-cost.sh` reads it to count frames per second instead of assuming them).
//!
//! Off unless the environment names a file ([`FrameCountFile::ENV`]); then at most once a
//! second, and whenever the window stops drawing on its own (it rests or is frozen), the file is
//! replaced by one line: `<frames drawn> <seconds since the window opened>`. Replaced whole
//! (written beside it, then renamed), so a reader never sees half a line.

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How often the file is rewritten while the window draws.
const WRITE_INTERVAL: Duration = Duration::from_secs(1);

/// Where a window's frame count goes, if anywhere.
#[derive(Debug)]
pub struct FrameCountFile {
    path: Option<PathBuf>,
    opened: Instant,
    last_write: Option<Instant>,
}

impl FrameCountFile {
    /// The environment variable that names the file.
    pub const ENV: &'static str = "RINGSCOPE_FRAMES_FILE";

    /// The file [`Self::ENV`] names (none: every call does nothing), for a window opened now.
    pub fn from_env() -> Self {
        Self {
            path: std::env::var_os(Self::ENV)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from),
            opened: Instant::now(),
            last_write: None,
        }
    }

    /// Records `frames` drawn so far at `now`: written if a second has passed since the last
    /// write, or at once when `stopping` (the window draws nothing more until woken). A file
    /// that cannot be written is left alone: the measurement then reports no frames.
    pub fn record(&mut self, frames: u64, now: Instant, stopping: bool) {
        let Some(path) = &self.path else {
            return;
        };
        let due = self
            .last_write
            .is_none_or(|t| now.saturating_duration_since(t) >= WRITE_INTERVAL);
        if !(due || stopping) {
            return;
        }
        self.last_write = Some(now);
        let seconds = now.saturating_duration_since(self.opened).as_secs_f64();
        let mut partial = path.clone().into_os_string();
        partial.push(".partial");
        let written = std::fs::write(&partial, format!("{frames} {seconds:.6}\n"))
            .and_then(|()| std::fs::rename(&partial, path));
        // A measurement aid: failing to write it must never disturb the editor.
        drop(written);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_is_written_once_a_second_and_when_the_window_stops() {
        let dir = std::env::temp_dir().join(format!("ringscope-frames-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("frames");
        let t0 = Instant::now();
        let mut file = FrameCountFile {
            path: Some(path.clone()),
            opened: t0,
            last_write: None,
        };
        let read = || std::fs::read_to_string(&path).unwrap();
        file.record(1, t0, false);
        assert_eq!(read(), "1 0.000000\n");
        file.record(2, t0 + Duration::from_millis(500), false);
        assert_eq!(read(), "1 0.000000\n", "rewritten within the second");
        file.record(3, t0 + Duration::from_millis(700), true);
        assert_eq!(
            read(),
            "3 0.700000\n",
            "not written when the window stopped"
        );
        file.record(4, t0 + Duration::from_millis(1700), false);
        assert_eq!(read(), "4 1.700000\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
