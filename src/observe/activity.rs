//! What the engine is waiting on right now: one slot per connection in
//! flight, with the step and since when. The engine writes it; a progress
//! line reads it ("mx2.example.com [192.0.2.20]: greeting, 3.2 s"). Plain
//! data behind a lock, so it knows nothing of terminals.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The slots of one run.
#[derive(Debug, Default)]
pub struct Activity {
    inner: Mutex<Slots>,
}

#[derive(Debug, Default)]
struct Slots {
    next: u64,
    slots: Vec<Slot>,
}

/// One wait in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    id: u64,
    /// The host and address, as the report names them.
    pub place: String,
    /// What is awaited: "connect", "greeting", "reply to EHLO", ...
    pub step: String,
    /// When this step began (wall time: the reader is a person).
    pub since: Instant,
}

/// The longest wait in flight, and how many others there are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Longest {
    pub slot: Slot,
    pub others: usize,
}

impl Activity {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    fn lock(&self) -> MutexGuard<'_, Slots> {
        // A panic elsewhere cannot leave the slots half-written: every
        // change is one push, assignment or retain.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Opens a slot for `place`, starting at `step`; it closes when the
    /// returned watch is dropped.
    pub fn watch(self: &Arc<Self>, place: String, step: &str) -> Watch {
        let mut inner = self.lock();
        let id = inner.next;
        inner.next += 1;
        inner.slots.push(Slot {
            id,
            place,
            step: step.to_string(),
            since: Instant::now(),
        });
        Watch {
            board: self.clone(),
            id,
        }
    }

    /// The wait that has lasted longest, if any is in flight.
    pub fn longest(&self) -> Option<Longest> {
        let inner = self.lock();
        let slot = inner.slots.iter().min_by_key(|s| s.since)?.clone();
        Some(Longest {
            slot,
            others: inner.slots.len() - 1,
        })
    }
}

/// A slot held open by the connection it describes.
#[derive(Debug)]
pub struct Watch {
    board: Arc<Activity>,
    id: u64,
}

impl Watch {
    /// The connection moved on to `step`; its clock restarts.
    pub fn step(&self, step: &str) {
        let mut inner = self.board.lock();
        if let Some(slot) = inner.slots.iter_mut().find(|s| s.id == self.id) {
            if slot.step != step {
                slot.step = step.to_string();
                slot.since = Instant::now();
            }
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.board.lock().slots.retain(|s| s.id != self.id);
    }
}

impl Longest {
    /// "mx2 [192.0.2.20]: greeting, 3.2 s (+2 more)"
    pub fn describe(&self, now: Instant) -> String {
        let waited = now.saturating_duration_since(self.slot.since);
        let more = match self.others {
            0 => String::new(),
            n => format!(" (+{n} more)"),
        };
        format!(
            "{}: {}, {:.1} s{more}",
            self.slot.place,
            self.slot.step,
            waited.max(Duration::ZERO).as_secs_f64()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_wait_is_shown_and_a_dropped_watch_leaves() {
        let board = Activity::new();
        let first = board.watch("mx1 [192.0.2.1]".into(), "connect");
        let second = board.watch("mx2 [192.0.2.2]".into(), "connect");
        let longest = board.longest().unwrap();
        assert_eq!(
            (longest.slot.place.as_str(), longest.others),
            ("mx1 [192.0.2.1]", 1)
        );
        // a new step restarts the clock: mx2 is now the older wait
        first.step("greeting");
        let longest = board.longest().unwrap();
        assert_eq!(longest.slot.place, "mx2 [192.0.2.2]");
        let text = longest.describe(longest.slot.since + Duration::from_millis(3200));
        assert_eq!(text, "mx2 [192.0.2.2]: connect, 3.2 s (+1 more)");
        drop(second);
        let longest = board.longest().unwrap();
        assert_eq!(
            (longest.slot.step.as_str(), longest.others),
            ("greeting", 0)
        );
        drop(first);
        assert_eq!(board.longest(), None);
    }
}
