//! Memoised view models: each kept with the key it was built for (the record's id,
//! the stretch of unchanging record, and the inputs), rebuilt when the key changes.
//! Reads take `&self` so that panels, which see the app read-only, can use them.

use std::cell::RefCell;
use std::collections::VecDeque;

/// One value and the key it was made for.
pub struct Memo<K, V> {
    slot: RefCell<Option<(K, V)>>,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            slot: RefCell::new(None),
        }
    }
}

impl<K: PartialEq, V: Clone> Memo<K, V> {
    /// The value for `key`: the kept one if it was made for `key`, else `make()`.
    pub fn get(&self, key: K, make: impl FnOnce() -> V) -> V {
        if let Some((k, v)) = &*self.slot.borrow()
            && *k == key
        {
            return v.clone();
        }
        let v = make();
        *self.slot.borrow_mut() = Some((key, v.clone()));
        v
    }

    /// The kept value, if it was made for `key`.
    pub fn peek(&self, key: &K) -> Option<V> {
        match &*self.slot.borrow() {
            Some((k, v)) if k == key => Some(v.clone()),
            _ => None,
        }
    }

    /// Keeps `v` for `key`.
    pub fn put(&self, key: K, v: V) {
        *self.slot.borrow_mut() = Some((key, v));
    }

    /// Keeps `v` for `key`, handing back what was kept before.
    pub fn replace(&self, key: K, v: V) -> Option<(K, V)> {
        self.slot.borrow_mut().replace((key, v))
    }

    /// Forgets the value.
    pub fn clear(&self) {
        *self.slot.borrow_mut() = None;
    }
}

/// The last few values, by key (the changes of the days a view shows).
pub struct MemoN<K, V> {
    slots: RefCell<VecDeque<(K, V)>>,
    keep: usize,
}

impl<K: PartialEq, V: Clone> MemoN<K, V> {
    /// Keeps up to `keep` values.
    pub fn new(keep: usize) -> Self {
        MemoN {
            slots: RefCell::new(VecDeque::new()),
            keep: keep.max(1),
        }
    }

    /// The value for `key`, made with `make()` if it is not kept.
    pub fn get(&self, key: K, make: impl FnOnce() -> V) -> V {
        if let Some((_, v)) = self.slots.borrow().iter().find(|(k, _)| *k == key) {
            return v.clone();
        }
        let v = make();
        let mut slots = self.slots.borrow_mut();
        slots.push_back((key, v.clone()));
        while slots.len() > self.keep {
            slots.pop_front();
        }
        v
    }
}

/// A value built on a worker thread for its key when it is slow to build (a large
/// record): until it arrives, the last value is shown and [`Background::building`] says
/// so; the worker asks for a repaint when done. A value for an older key that arrives
/// late is dropped.
pub struct Background<K, V> {
    /// The last value kept, and the key it was built for.
    kept: RefCell<Option<(K, V)>>,
    pending: RefCell<Option<(K, std::sync::mpsc::Receiver<V>)>>,
}

impl<K, V> Default for Background<K, V> {
    fn default() -> Self {
        Background {
            kept: RefCell::new(None),
            pending: RefCell::new(None),
        }
    }
}

/// What builds a [`Background`] value, here or on a worker.
pub trait Build<V>: FnOnce() -> V + Send + 'static {}
impl<V, F: FnOnce() -> V + Send + 'static> Build<V> for F {}

impl<K: PartialEq, V: Clone + Send + 'static> Background<K, V> {
    /// The value for `key`: kept, or just arrived, or built by `build`: on a worker when
    /// `worker` names the window to wake when it is done (the last value is returned
    /// meanwhile), else here. With nothing to show yet, it is built here.
    pub fn get(&self, key: K, worker: Option<&egui::Context>, build: impl Build<V>) -> V {
        let last = match self.poll(&key) {
            Ok(v) => return v,
            Err((Some(last), true)) => return last,
            Err((last, _)) => last,
        };
        if let Some(last) = last
            && let Some(ctx) = worker
            && cfg!(not(target_arch = "wasm32"))
        {
            // Without a thread the last value stays, and the next frame tries again.
            self.spawn(key, ctx, build);
            return last;
        }
        self.keep(key, build())
    }

    /// The value for `key` only, never another key's: kept, or just arrived, or built by
    /// `build` here; with a `worker`, built on a worker and `None` until it arrives.
    pub fn get_exact(
        &self,
        key: K,
        worker: Option<&egui::Context>,
        build: impl Build<V>,
    ) -> Option<V> {
        match self.poll(&key) {
            Ok(v) => return Some(v),
            Err((_, true)) => return None,
            Err(_) => {}
        }
        if let Some(ctx) = worker
            && cfg!(not(target_arch = "wasm32"))
        {
            // Without a thread, the next frame tries again.
            self.spawn(key, ctx, build);
            return None;
        }
        Some(self.keep(key, build()))
    }

    /// The value for `key` if it is kept or has just arrived; else the last value kept
    /// and whether `key` is being built. A build for another key is forgotten.
    fn poll(&self, key: &K) -> Result<V, (Option<V>, bool)> {
        let last = match &*self.kept.borrow() {
            Some((k, v)) if k == key => return Ok(v.clone()),
            kept => kept.as_ref().map(|(_, v)| v.clone()),
        };
        let mut pending = self.pending.borrow_mut();
        // A build for another key is forgotten (its worker's value is dropped).
        if let Some((k, rx)) = pending.take()
            && k == *key
        {
            if let Ok(v) = rx.try_recv() {
                drop(pending);
                return Ok(self.keep(k, v));
            }
            *pending = Some((k, rx));
            return Err((last, true));
        }
        Err((last, false))
    }

    /// Builds the value for `key` on a worker, which asks `ctx` for a repaint when done.
    fn spawn(&self, key: K, ctx: &egui::Context, build: impl Build<V>) {
        let build = move || {
            background();
            build()
        };
        if let Some(rx) = on_worker("view-model", ctx, build) {
            *self.pending.borrow_mut() = Some((key, rx));
        }
    }

    /// Whether the value for `key` is kept.
    pub fn has(&self, key: &K) -> bool {
        matches!(&*self.kept.borrow(), Some((k, _)) if k == key)
    }

    /// Whether a value is being built on a worker.
    pub fn building(&self) -> bool {
        self.pending.borrow().is_some()
    }

    /// Keeps `v` for `key`; a build still under way is no longer wanted.
    fn keep(&self, key: K, v: V) -> V {
        *self.pending.borrow_mut() = None;
        *self.kept.borrow_mut() = Some((key, v.clone()));
        v
    }
}

/// Runs `job` on a worker thread named `name`: its result comes on the receiver returned
/// and `ctx` is asked for a repaint. `None` if no thread could start.
pub fn on_worker<T: Send + 'static>(
    name: &str,
    ctx: &egui::Context,
    job: impl FnOnce() -> T + Send + 'static,
) -> Option<std::sync::mpsc::Receiver<T>> {
    let (tx, rx) = std::sync::mpsc::channel();
    send_from_worker(name, ctx, tx, job).then_some(rx)
}

/// Runs `job` on a worker thread named `name`, sends its result on `tx` and asks `ctx`
/// for a repaint. Whether the thread started.
pub fn send_from_worker<T: Send + 'static>(
    name: &str,
    ctx: &egui::Context,
    tx: std::sync::mpsc::Sender<T>,
    job: impl FnOnce() -> T + Send + 'static,
) -> bool {
    let ctx = ctx.clone();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            // If the window moved on, no one is waiting.
            let _ = tx.send(job());
            ctx.request_repaint();
        })
        .is_ok()
}

/// Lowers the calling worker thread's priority below the UI thread's, so that on a
/// machine with few cores a large record's view models, built while the date moves,
/// do not take the time frames are drawn in (where the system allows; else the thread
/// keeps the priority it has). Not for work the window waits on (files, the map).
pub fn background() {
    #[cfg(not(target_arch = "wasm32"))]
    let _ = thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min);
}

/// Drops `v` on a worker thread (where there are threads): for large values whose
/// freeing would take a frame's time.
pub fn drop_elsewhere<T: Send + 'static>(v: T) {
    if cfg!(target_arch = "wasm32") {
        drop(v);
    } else {
        // If no thread starts, the closure and `v` are dropped here.
        let _ = std::thread::Builder::new()
            .name("drop".into())
            .spawn(move || {
                background();
                drop(v)
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_made_once_per_key_and_again_when_the_key_changes() {
        let made = std::cell::Cell::new(0);
        let m: Memo<(u64, u32), u32> = Memo::default();
        let make = |v| {
            made.set(made.get() + 1);
            v
        };
        assert_eq!(m.get((1, 1), || make(10)), 10);
        assert_eq!(m.get((1, 1), || make(99)), 10);
        assert_eq!(made.get(), 1);
        assert_eq!(m.get((2, 1), || make(20)), 20);
        assert_eq!(made.get(), 2);
        assert_eq!(m.peek(&(2, 1)), Some(20));
        assert_eq!(m.peek(&(1, 1)), None);
        let n: MemoN<u32, u32> = MemoN::new(2);
        n.get(1, || make(1));
        n.get(2, || make(2));
        n.get(1, || make(100));
        assert_eq!(made.get(), 4);
        n.get(3, || make(3));
        // The oldest went.
        assert_eq!(n.get(1, || make(7)), 7);
    }

    /// A window whose repaint requests arrive on a channel.
    fn window() -> (egui::Context, std::sync::mpsc::Receiver<()>) {
        let ctx = egui::Context::default();
        let (tx, rx) = std::sync::mpsc::channel();
        ctx.set_request_repaint_callback(move |_| {
            let _ = tx.send(());
        });
        (ctx, rx)
    }

    /// A build that waits for a go, and the sender of the go.
    fn held(v: u32) -> (impl Build<u32>, std::sync::mpsc::Sender<()>) {
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let build = move || {
            let _ = go_rx.recv();
            v
        };
        (build, go_tx)
    }

    const WAIT: std::time::Duration = std::time::Duration::from_secs(30);

    #[test]
    fn a_slow_value_is_built_on_a_worker_while_the_last_one_is_shown() {
        let (ctx, woken) = window();
        let b: Background<u32, u32> = Background::default();
        // Nothing to show yet: built here, worker or not.
        assert_eq!(b.get(1, Some(&ctx), || 10), 10);
        assert!(!b.building());
        // A new key: the last value at once, the new one on a worker.
        let (build, go) = held(20);
        assert_eq!(b.get(2, Some(&ctx), build), 10);
        assert!(b.building());
        // Asked again before it is done: still the last value, no second worker.
        assert_eq!(b.get(2, Some(&ctx), || panic!("built twice")), 10);
        assert!(woken.try_recv().is_err(), "woken before it was built");
        go.send(()).unwrap();
        woken.recv_timeout(WAIT).unwrap();
        assert_eq!(b.get(2, Some(&ctx), || panic!("built twice")), 20);
        assert!(!b.building());
        // Kept for its key; built here when not on a worker.
        assert_eq!(b.get(2, None, || 99), 20);
        assert_eq!(b.get(3, None, || 30), 30);
    }

    #[test]
    fn an_exact_value_is_never_another_keys() {
        let (ctx, woken) = window();
        let b: Background<u32, u32> = Background::default();
        assert_eq!(b.get_exact(1, None, || 10), Some(10));
        assert!(b.has(&1));
        // On a worker: nothing (not key 1's value) until key 2's arrives.
        let (build, go) = held(20);
        assert_eq!(b.get_exact(2, Some(&ctx), build), None);
        assert!(b.building());
        assert_eq!(b.get_exact(2, Some(&ctx), || panic!("built twice")), None);
        go.send(()).unwrap();
        woken.recv_timeout(WAIT).unwrap();
        assert_eq!(
            b.get_exact(2, Some(&ctx), || panic!("built twice")),
            Some(20)
        );
        assert!(!b.building());
        assert!(b.has(&2) && !b.has(&1));
        // A build for a key no longer asked for is dropped, and not kept when it ends (a
        // new window: egui wakes a window once until it has drawn a frame).
        let (ctx, woken) = window();
        let (build, go) = held(30);
        assert_eq!(b.get_exact(3, Some(&ctx), build), None);
        assert_eq!(b.get_exact(4, None, || 40), Some(40));
        assert!(!b.building());
        go.send(()).unwrap();
        woken.recv_timeout(WAIT).unwrap();
        assert!(!b.has(&3) && b.has(&4));
        assert_eq!(
            b.get_exact(4, Some(&ctx), || panic!("built twice")),
            Some(40)
        );
    }

    /// This thread's nice value, from `/proc/thread-self/stat` (field 19).
    #[cfg(target_os = "linux")]
    fn nice() -> i64 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
        // The fields after the command name, which is in parentheses: state is field 3.
        let rest = &stat[stat.rfind(')').unwrap() + 2..];
        rest.split_whitespace()
            .nth(19 - 3)
            .unwrap()
            .parse()
            .unwrap()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_background_worker_yields_to_the_window() {
        let (before, after) = std::thread::spawn(|| {
            let before = nice();
            background();
            (before, nice())
        })
        .join()
        .unwrap();
        assert!(after > before, "nice {before} -> {after}");
        // Only that thread: this one keeps its priority.
        assert_eq!(nice(), before);
    }
}
