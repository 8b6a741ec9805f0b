//! The shared rate-limit buckets on PostgreSQL (see `http::rate_limit`): one atomic upsert per
//! check, timed by the database's clock so that instances with slightly different clocks agree.

use super::Store;
use sqlx::Row;

impl Store {
    /// Refills the bucket of `client` (at most `burst` tokens, `rate_per_ms` per millisecond since
    /// its last use) and takes one token: Ok(Ok(())) when there was one, Ok(Err(seconds to wait))
    /// when not. PostgreSQL only.
    pub async fn take_rate_limit_token(
        &self,
        client: &str,
        burst: f64,
        rate_per_ms: f64,
    ) -> anyhow::Result<Result<(), u64>> {
        // `available` is what the bucket holds now; the row is locked by the upsert, so two
        // instances taking the last token at once cannot both get it.
        let row = sqlx::query(
            "INSERT INTO rate_limit_buckets AS b (client, tokens, updated_ms, granted) \
             VALUES ($1, $2::FLOAT8 - 1, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT, 1) \
             ON CONFLICT (client) DO UPDATE SET \
               tokens = LEAST($2::FLOAT8, b.tokens + (EXCLUDED.updated_ms - b.updated_ms) * $3::FLOAT8) \
                 - CASE WHEN LEAST($2::FLOAT8, b.tokens + (EXCLUDED.updated_ms - b.updated_ms) * $3::FLOAT8) >= 1 THEN 1 ELSE 0 END, \
               granted = CASE WHEN LEAST($2::FLOAT8, b.tokens + (EXCLUDED.updated_ms - b.updated_ms) * $3::FLOAT8) >= 1 THEN 1 ELSE 0 END, \
               updated_ms = EXCLUDED.updated_ms \
             RETURNING granted, tokens",
        )
        .bind(client)
        .bind(burst)
        .bind(rate_per_ms)
        .fetch_one(&self.pool)
        .await?;
        let (granted, tokens): (i64, f64) = (row.try_get("granted")?, row.try_get("tokens")?);
        if granted == 1 {
            return Ok(Ok(()));
        }
        let wait_ms = ((1.0 - tokens) / rate_per_ms).max(0.0);
        Ok(Err(((wait_ms / 1000.0).ceil() as u64).max(1)))
    }

    /// Forgets buckets unused for an hour (they are full again by then at any sensible rate).
    pub async fn prune_rate_limit_buckets(&self) -> anyhow::Result<u64> {
        if self.backend != super::Backend::Postgres {
            return Ok(0);
        }
        Ok(sqlx::query(
            "DELETE FROM rate_limit_buckets WHERE updated_ms < (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT - 3600000",
        )
        .execute(&self.pool)
        .await?
        .rows_affected())
    }
}
