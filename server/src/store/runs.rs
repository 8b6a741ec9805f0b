//! Multi-row statements in runs of fixed sizes. A batch of `n` rows is written as runs of 64, 32,
//! 16, 8, 4, 2 and 1 rows (the binary digits of `n`, at most 64 rows each): one statement per run
//! instead of one per row, only seven texts per statement (each built once, then reused by sqlx's
//! per-connection statement cache), and at most 64 rows' parameters (far below SQLite's limit of
//! 32,766 bound values, and below its old limit of 999 for up to 15 values a row).

use std::fmt::Write as _;
use std::sync::OnceLock;

/// The sizes of runs, largest first.
const RUN_SIZES: [usize; 7] = [64, 32, 16, 8, 4, 2, 1];

/// `rows` cut into runs of [`RUN_SIZES`], in order.
pub(super) fn runs<T>(mut rows: &[T]) -> impl Iterator<Item = &[T]> {
    std::iter::from_fn(move || {
        let size = RUN_SIZES.into_iter().find(|&size| size <= rows.len())?;
        let (run, rest) = rows.split_at(size);
        rows = rest;
        Some(run)
    })
}

/// The texts of one statement, one per run size, each built once.
pub(super) struct Statement {
    texts: [OnceLock<String>; RUN_SIZES.len()],
    build: fn(usize) -> String,
}

impl Statement {
    /// A statement whose text for `n` rows is `build(n)`.
    pub(super) const fn new(build: fn(usize) -> String) -> Statement {
        Statement { texts: [const { OnceLock::new() }; RUN_SIZES.len()], build }
    }

    /// The text for a run of `rows` rows (one of [`RUN_SIZES`]).
    pub(super) fn text(&'static self, rows: usize) -> &'static str {
        let slot = RUN_SIZES.iter().position(|&size| size == rows).expect("a run has one of the run sizes");
        self.texts[slot].get_or_init(|| (self.build)(rows))
    }
}

/// `(…), (…), …`: `rows` tuples of `per_row` parameters each, numbered from `$first` on; `row`
/// writes one tuple's content given the number of its first parameter.
pub(super) fn tuples(rows: usize, per_row: usize, first: usize, row: impl Fn(&mut String, usize)) -> String {
    let mut sql = String::new();
    for index in 0..rows {
        sql.push_str(if index == 0 { "(" } else { ", (" });
        row(&mut sql, first + index * per_row);
        sql.push(')');
    }
    sql
}

/// `$p, $p+1, …`: `count` parameters from `$first` on.
pub(super) fn params(sql: &mut String, first: usize, count: usize) {
    for number in first..first + count {
        let _ = write!(sql, "{}${number}", if number == first { "" } else { ", " });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_follow_the_binary_digits_of_the_length_at_most_64_rows_each() {
        let sizes = |n: usize| runs(&vec![0; n]).map(<[i32]>::len).collect::<Vec<_>>();
        assert_eq!(sizes(0), Vec::<usize>::new());
        assert_eq!(sizes(1), [1]);
        assert_eq!(sizes(7), [4, 2, 1]);
        assert_eq!(sizes(100), [64, 32, 4]);
        assert_eq!(sizes(256), [64, 64, 64, 64]);
    }

    #[test]
    fn tuples_number_their_parameters_in_order() {
        let sql = tuples(2, 3, 2, |sql, first| {
            params(sql, first, 3);
            sql.push_str(", $1");
        });
        assert_eq!(sql, "($2, $3, $4, $1), ($5, $6, $7, $1)");
    }
}
