//! Work spread over the machine's cores with scoped threads (no thread pool).

use std::num::NonZeroUsize;

/// Threads to use for CPU-bound work: the machine's cores, at most 8.
pub fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(8)
}

/// `items.iter().map(f).collect()`, in order, with the items split into one
/// contiguous run per core. Fewer than `min_items` items are mapped on the calling
/// thread (a thread costs more than a few small items). A panic in `f` is resumed
/// on the calling thread.
pub fn map<T: Sync, U: Send>(items: &[T], min_items: usize, f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let threads = threads();
    if threads < 2 || items.len() < min_items.max(2) {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<U>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for worker in workers {
            match worker.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_keeps_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        let squares = map(&items, 10, |x| x * x);
        assert_eq!(squares, items.iter().map(|x| x * x).collect::<Vec<_>>());
        assert_eq!(map(&items[..3], 10, |x| x + 1), vec![1, 2, 3]);
        assert!(map(&[] as &[u8], 0, |x| *x).is_empty());
    }

    #[test]
    #[should_panic(expected = "item 500")]
    fn a_panic_in_a_worker_reaches_the_caller() {
        let items: Vec<u64> = (0..1000).collect();
        map(&items, 10, |&x| {
            assert!(x != 500, "item {x}");
            x
        });
    }
}
