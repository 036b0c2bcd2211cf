//! Start-up work split over two cores: compiling the rules is a handful of large, independent
//! builds (rule files, the cue automaton, the line-pattern set), and a batch run waits for all of
//! them before its first document. On a machine with one core everything runs in order, as written.

/// Runs `a` and `b`, side by side when the machine has more than one core, and returns both results.
pub(crate) fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB,
    RA: Send,
{
    if !parallel() {
        return (a(), b());
    }
    // `a` waits in a slot, so that if no thread can be started it still runs, here.
    let slot = std::sync::Mutex::new(Some(a));
    let take = || slot.lock().ok().and_then(|mut s| s.take());
    std::thread::scope(|s| {
        let spawned = std::thread::Builder::new().spawn_scoped(s, || take().map(|a| a()));
        let rb = b();
        // A panic in `a` is a bug in a build step: resume it here, as if `a` had run on this thread.
        let ra = match spawned.map(|h| h.join()) {
            Ok(Ok(Some(ra))) => ra,
            Ok(Err(p)) => std::panic::resume_unwind(p),
            Ok(Ok(None)) | Err(_) => take().map(|a| a()).expect("`a` runs on one side or the other"),
        };
        (ra, rb)
    })
}

/// Calls `f` on every item, on two threads when the machine has more than one core; the results
/// come back in the order of `items`. `cost` estimates each item's work: only the schedule
/// depends on it, never the results.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], cost: impl Fn(&T) -> usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if !parallel() || items.len() < 2 {
        return items.iter().map(f).collect();
    }
    // Items are taken one at a time from a shared counter, so an expensive item does not leave the
    // other thread idle behind a fixed split; the most expensive first, so that the last item
    // taken is a small one (longest processing time first).
    let mut order: Vec<usize> = (0..items.len()).collect();
    // `sort_by_cached_key`: each cost is estimated once, not once per comparison.
    order.sort_by_cached_key(|&i| std::cmp::Reverse(cost(&items[i])));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&i) = order.get(k) else { break done };
            done.push((i, f(&items[i])));
        }
    };
    let (mut x, y) = join(work, work);
    x.extend(y);
    x.sort_unstable_by_key(|&(i, _)| i);
    x.into_iter().map(|(_, r)| r).collect()
}

/// Drops `garbage` on a thread of its own when the machine has more than one core, so that the
/// caller goes on at once: freeing a large build's scratch structures, item by item, is work that
/// no result waits for. On one core (or if no thread can be started) it is dropped here.
pub(crate) fn drop_later<T: Send + 'static>(garbage: T) {
    if parallel() {
        // If the thread cannot be started, the closure, and `garbage` with it, is dropped here.
        let _ = std::thread::Builder::new().name("textsweep-free".into()).spawn(move || drop(garbage));
    }
}

fn parallel() -> bool {
    std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_keeps_the_order_of_its_items() {
        let items: Vec<u64> = (0..200).collect();
        // Uneven work, so the two threads finish their items out of order.
        let out = map(&items, |&i| (i % 5) as usize, |&i| (0..(i % 7) * 1000).fold(i, |a, b| a.wrapping_add(b)) - (0..(i % 7) * 1000).sum::<u64>());
        assert_eq!(out, items);
    }

    /// What `drop_later` is given is dropped, on another thread or here.
    #[test]
    fn drop_later_drops() {
        struct Signal(std::sync::mpsc::Sender<std::thread::ThreadId>);
        impl Drop for Signal {
            fn drop(&mut self) {
                let _ = self.0.send(std::thread::current().id());
            }
        }
        let (tx, rx) = std::sync::mpsc::channel();
        drop_later(vec![Signal(tx.clone()), Signal(tx)]);
        for _ in 0..2 {
            let on = rx.recv_timeout(std::time::Duration::from_secs(60)).expect("dropped");
            assert_eq!(on == std::thread::current().id(), !parallel());
        }
    }

    #[test]
    fn join_returns_both_results() {
        let (a, b) = join(|| "left".len(), || "right".to_string());
        assert_eq!((a, b.as_str()), (4, "right"));
    }
}
