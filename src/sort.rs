//! One stable sort for every list the lab sorts.
//!
//! The standard library's `sort`/`sort_by` (and `collect` into a `BTreeSet`, which sorts first)
//! is compiled anew for each element type and comparison: 3–5 KB of wasm each, and the lab sorts
//! a dozen kinds of lists. [`sort_by`] sorts the list's positions instead — one compiled sort for
//! all — then moves the elements into that order. The result is exactly the standard stable
//! sort's: equal elements keep their order.

use std::cmp::Ordering;

/// Sorts `items` stably by `compare` (as `slice::sort_by` does).
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let order = positions(items.len(), &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `items` stably in their natural order (as `slice::sort` does).
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
}

/// The positions `0..len` in the order `compare` puts the elements there, equal ones in place.
#[inline(never)]
fn positions(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut pairs: Vec<(u8, usize)> = [5, 3, 5, 1, 3, 9, 0, 5]
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i))
            .collect();
        let mut expected = pairs.clone();
        expected.sort_by_key(|p| p.0);
        sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
        assert_eq!(pairs, expected);

        let mut words = vec!["pear", "apple", "fig", "apple"];
        sort(&mut words);
        assert_eq!(words, ["apple", "apple", "fig", "pear"]);

        let mut empty: Vec<String> = Vec::new();
        sort(&mut empty);
        assert!(empty.is_empty());
    }
}
