//! SQLite connections that lost track of their transaction are closed, never reused.
//!
//! When a statement fails with SQLITE_FULL (the disk is full; also I/O errors, out of memory),
//! SQLite may roll the whole transaction back by itself. sqlx does not see that: its count of the
//! transactions open on the connection stays one too high (the ROLLBACK it sends then fails, "no
//! transaction is active"). Its next transaction on that connection is then opened as a
//! `SAVEPOINT`, which SQLite treats as a new transaction; and when one of those fails the same way
//! but SQLite rolls back only the statement, sqlx's `ROLLBACK TO` leaves that transaction open
//! (that is what `ROLLBACK TO` does). Every later "commit" on the connection is then the `RELEASE`
//! of an inner savepoint: answered as committed, committed never, lost when the connection closes.
//! That is how `faults::a_full_disk_under_sqlite_is_a_clear_error_and_loses_nothing` once saw two
//! acknowledged signatures missing from the store.
//!
//! A connection given back to the pool belongs to no transaction, so sqlx's count must be zero
//! there (once any rollback it queued has run): otherwise the connection is closed, and a new one
//! starts clean.

use futures_util::future::BoxFuture;
use sqlx::pool::PoolConnectionMetadata;
use sqlx::{AnyConnection, Connection};

/// The pool's `after_release` check: keep the connection unless sqlx believes it is still inside
/// a transaction.
pub(super) fn keep_after_release(
    conn: &mut AnyConnection,
    _: PoolConnectionMetadata,
) -> BoxFuture<'_, Result<bool, sqlx::Error>> {
    Box::pin(async move {
        if !conn.is_in_transaction() {
            return Ok(true);
        }
        // A dropped transaction queues its ROLLBACK on the connection's own queue: a statement
        // after it runs once the rollback has (whether it succeeded or not).
        sqlx::query("SELECT 1").execute(&mut *conn).await?;
        if conn.is_in_transaction() {
            tracing::warn!(
                "a database connection lost track of its transaction after a failed write (disk full?); closing it"
            );
            return Ok(false);
        }
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::any::AnyPoolOptions;
    use sqlx::{AnyPool, Row};

    /// A small deterministic generator (no dependency for a test).
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    async fn pool(url: &str, check: bool) -> AnyPool {
        let mut options = AnyPoolOptions::new().max_connections(1).after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::query("PRAGMA journal_mode = WAL").execute(&mut *conn).await?;
                sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await?;
                Ok(())
            })
        });
        if check {
            options = options.after_release(keep_after_release);
        }
        options.connect(url).await.unwrap()
    }

    /// One batch: rows shaped like a signature's (a key claimed then answered, a signer, a mail
    /// referring to it), committed in one transaction. The emails when it committed.
    async fn batch(conn: &mut AnyConnection, first: u64, rng: &mut Lcg) -> Result<Vec<String>, sqlx::Error> {
        let mut tx = conn.begin().await?;
        let mut emails = Vec::new();
        for n in first..first + 1 + rng.below(4) {
            let (email, key) = (format!("e{n}"), format!("k{n}"));
            sqlx::query("INSERT INTO keys (campaign, key, body) VALUES ('c', $1, '') ON CONFLICT DO NOTHING")
                .bind(&key)
                .execute(&mut *tx)
                .await?;
            let signer: i64 = sqlx::query(
                "INSERT INTO signers (campaign, email, data) VALUES ('c', $1, $2) ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(&email)
            .bind("x".repeat(100 + rng.below(2900) as usize))
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            sqlx::query("INSERT INTO mail (signer, body) VALUES ($1, $2)")
                .bind(signer)
                .bind("m".repeat(100 + rng.below(900) as usize))
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE keys SET body = $1 WHERE campaign = 'c' AND key = $2")
                .bind("ok".repeat(1 + rng.below(500) as usize))
                .bind(&key)
                .execute(&mut *tx)
                .await?;
            emails.push(email);
        }
        tx.commit().await?;
        Ok(emails)
    }

    /// Signs batch after batch on a database that keeps running out of room (`max_page_count`
    /// gives the same SQLITE_FULL as a full disk, on a disk that has room) and is given a little
    /// more now and then: every batch answered as committed must be in the file, read by a new
    /// connection. Without [`keep_after_release`] this loses about a third of them.
    #[tokio::test]
    async fn every_commit_after_a_full_database_is_really_committed() {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("full.db").display());
        let pool = pool(&url, true).await;
        for table in [
            "CREATE TABLE campaigns (id TEXT PRIMARY KEY)",
            "CREATE TABLE keys (id INTEGER PRIMARY KEY, campaign TEXT NOT NULL REFERENCES campaigns (id), key TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (campaign, key))",
            "CREATE TABLE signers (id INTEGER PRIMARY KEY, campaign TEXT NOT NULL REFERENCES campaigns (id), email TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (campaign, email))",
            "CREATE TABLE mail (id INTEGER PRIMARY KEY, signer INTEGER REFERENCES signers (id), body TEXT NOT NULL)",
            "INSERT INTO campaigns (id) VALUES ('c')",
        ] {
            sqlx::query(table).execute(&pool).await.unwrap();
        }
        let pages: i64 = sqlx::query("PRAGMA page_count").fetch_one(&pool).await.unwrap().try_get(0).unwrap();
        let (mut limit, mut rng, mut next) = (pages + 20, Lcg(1), 0);
        let (mut acknowledged, mut failed) = (Vec::new(), 0);
        for _ in 0..600 {
            let mut conn = pool.acquire().await.unwrap();
            sqlx::query(&format!("PRAGMA max_page_count = {limit}")).execute(&mut *conn).await.unwrap();
            match batch(&mut conn, next, &mut rng).await {
                Ok(emails) => acknowledged.extend(emails),
                Err(e) => {
                    assert!(e.to_string().contains("full"), "{e}");
                    failed += 1;
                    if rng.below(10) < 3 {
                        limit += 1 + rng.below(3) as i64;
                    }
                }
            }
            next += 10;
        }
        pool.close().await;
        assert!(failed > 100 && acknowledged.len() > 100, "{failed} failed, {} committed", acknowledged.len());
        let reader = self::pool(&url, false).await;
        let stored: std::collections::HashSet<String> = sqlx::query("SELECT email FROM signers")
            .fetch_all(&reader)
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get("email").unwrap())
            .collect();
        let lost: Vec<&String> = acknowledged.iter().filter(|e| !stored.contains(*e)).collect();
        assert!(lost.is_empty(), "{} of the {} rows committed are missing: {lost:?}", lost.len(), acknowledged.len());
    }
}
