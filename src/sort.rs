//! One sort for the whole widget. Every `sort_unstable_by` on another element type compiles its
//! own copy of the standard library's quicksort into the wasm (four of them were 7.9 KB raw,
//! `twiggy monos`); [`sort_by`] sorts positions through a comparison behind a `dyn` reference, so
//! the quicksort is compiled once.

use std::cmp::Ordering;

/// Sorts `items` by `compare`. Unstable, like `sort_unstable_by`: equal items may come out in any
/// order, so callers break ties themselves where the order shows.
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let order = positions(items.len(), &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// `0..len` in the order `compare` gives: the one place the widget's quicksort is instantiated.
fn positions(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_unstable_by(|&a, &b| compare(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::sort_by;

    #[test]
    fn sorts_owned_items_by_the_comparison() {
        let mut words: Vec<String> = ["pear", "apple", "fig", "banana", "apple"].map(String::from).to_vec();
        sort_by(&mut words, |a, b| a.cmp(b));
        assert_eq!(words, ["apple", "apple", "banana", "fig", "pear"]);
        sort_by(&mut words, |a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        assert_eq!(words, ["banana", "apple", "apple", "pear", "fig"]);
        let mut none: Vec<u8> = Vec::new();
        sort_by(&mut none, |a, b| a.cmp(b));
        assert!(none.is_empty());
    }
}
