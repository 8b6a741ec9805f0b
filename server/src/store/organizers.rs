//! Queries of the back office's accounts: organizers, roles, sessions, one-time links, bearer
//! tokens and failed sign-ins ([`crate::organizers`] holds the rules). Secrets are stored as
//! their SHA-256 only.

use super::Store;
use crate::clock;
use crate::organizers::{Organizer, Role, Roles};
use anyhow::Context;
use sqlx::Row;

/// A live session, as read for a request.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub organizer: Organizer,
    pub csrf_token: String,
    pub created_at: String,
    pub last_seen_at: String,
}

/// A bearer token for scripts (never its secret, which is shown once when made).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub organizer_email: String,
    pub campaign: String,
    pub role: Role,
    pub label: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Invitation,
    SignIn,
}

impl LinkPurpose {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::SignIn => "sign_in",
        }
    }
}

/// An organizer's columns, named apart from those of the tables they are joined with.
const ORGANIZER_COLUMNS: &str = "o.id AS organizer_id, o.email AS organizer_email, o.name AS organizer_name, \
     o.password_hash IS NOT NULL AS has_password, o.created_at AS organizer_created_at";

fn organizer_from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<Organizer> {
    Ok(Organizer {
        id: r.try_get("organizer_id")?,
        email: r.try_get("organizer_email")?,
        name: r.try_get("organizer_name")?,
        has_password: bool_column(r, "has_password")?,
        created_at: r.try_get("organizer_created_at")?,
    })
}

/// A boolean expression's value: SQLite gives an integer, PostgreSQL a boolean.
fn bool_column(r: &sqlx::any::AnyRow, name: &str) -> anyhow::Result<bool> {
    match r.try_get::<bool, _>(name) {
        Ok(b) => Ok(b),
        Err(_) => Ok(r.try_get::<i64, _>(name)? != 0),
    }
}

impl Store {
    /// Creates an organizer (email already normalized); None when the address has an account.
    pub async fn create_organizer(
        &self,
        email: &str,
        name: &str,
        password_hash: Option<&str>,
    ) -> anyhow::Result<Option<i64>> {
        let id: Option<i64> = sqlx::query_scalar("INSERT INTO organizers (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING RETURNING id")
            .bind(email)
            .bind(name)
            .bind(password_hash)
            .bind(clock::now())
            .fetch_optional(&self.pool)
            .await?;
        Ok(id)
    }

    /// The organizer with this (normalized) address and their password hash.
    pub async fn organizer_by_email(&self, email: &str) -> anyhow::Result<Option<(Organizer, Option<String>)>> {
        let row = sqlx::query(&format!(
            "SELECT {ORGANIZER_COLUMNS}, o.password_hash AS password_hash FROM organizers o WHERE o.email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((organizer_from_row(&r)?, r.try_get("password_hash")?))).transpose()
    }

    pub async fn organizer(&self, id: i64) -> anyhow::Result<Option<Organizer>> {
        let row = sqlx::query(&format!("SELECT {ORGANIZER_COLUMNS} FROM organizers o WHERE o.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(organizer_from_row).transpose()
    }

    pub async fn set_organizer_password(&self, id: i64, password_hash: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE organizers SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Gives `role` on `campaign` (or `*`), replacing the organizer's role there.
    pub async fn set_organizer_role(&self, organizer: i64, campaign: &str, role: Role) -> anyhow::Result<()> {
        sqlx::query("INSERT INTO organizer_roles (organizer_id, campaign_id, role) VALUES ($1, $2, $3) ON CONFLICT (organizer_id, campaign_id) DO UPDATE SET role = excluded.role")
            .bind(organizer)
            .bind(campaign)
            .bind(role.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Takes the organizer's role on `campaign` away; false when there was none.
    pub async fn remove_organizer_role(&self, organizer: i64, campaign: &str) -> anyhow::Result<bool> {
        let done = sqlx::query("DELETE FROM organizer_roles WHERE organizer_id = $1 AND campaign_id = $2")
            .bind(organizer)
            .bind(campaign)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn organizer_roles(&self, organizer: i64) -> anyhow::Result<Roles> {
        let rows =
            sqlx::query("SELECT campaign_id, role FROM organizer_roles WHERE organizer_id = $1 ORDER BY campaign_id")
                .bind(organizer)
                .fetch_all(&self.pool)
                .await?;
        let roles = rows
            .iter()
            .map(|r| {
                let role: String = r.try_get("role")?;
                Ok((r.try_get("campaign_id")?, Role::parse(&role).context("a stored role is unknown")?))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Roles(roles))
    }

    /// The organizers with a role on `campaign` (their own or on every campaign) and that role
    /// as it applies there, by address.
    pub async fn organizers_of(&self, campaign: &str) -> anyhow::Result<Vec<(Organizer, Role, String)>> {
        let rows = sqlx::query(&format!("SELECT {ORGANIZER_COLUMNS}, r.role AS role, r.campaign_id AS campaign_id FROM organizers o JOIN organizer_roles r ON r.organizer_id = o.id WHERE r.campaign_id = $1 OR r.campaign_id = '*' ORDER BY o.email, r.campaign_id DESC"))
            .bind(campaign)
            .fetch_all(&self.pool)
            .await?;
        let mut out: Vec<(Organizer, Role, String)> = Vec::new();
        for r in &rows {
            let organizer = organizer_from_row(r)?;
            // Ordered so that the campaign's own role comes before `*` for each organizer.
            if out.last().is_some_and(|(o, ..)| o.id == organizer.id) {
                continue;
            }
            let role: String = r.try_get("role")?;
            out.push((organizer, Role::parse(&role).context("a stored role is unknown")?, r.try_get("campaign_id")?));
        }
        Ok(out)
    }

    /// How many organizers exist (the CLI says how to make the first).
    pub async fn organizer_count(&self) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM organizers").fetch_one(&self.pool).await?)
    }

    pub async fn create_session(&self, token_hash: &str, organizer: i64, csrf_token: &str) -> anyhow::Result<()> {
        let now = clock::now();
        sqlx::query("INSERT INTO organizer_sessions (token_hash, organizer_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)")
            .bind(token_hash)
            .bind(organizer)
            .bind(csrf_token)
            .bind(&now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The session with this token hash, if it is neither idle too long nor too old (an expired
    /// one is deleted on the way).
    pub async fn live_session(&self, token_hash: &str) -> anyhow::Result<Option<SessionRecord>> {
        let row = sqlx::query(&format!("SELECT {ORGANIZER_COLUMNS}, s.csrf_token AS csrf_token, s.created_at AS created_at, s.last_seen_at AS last_seen_at FROM organizer_sessions s JOIN organizers o ON o.id = s.organizer_id WHERE s.token_hash = $1"))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = row else { return Ok(None) };
        let session = SessionRecord {
            organizer: organizer_from_row(&r)?,
            csrf_token: r.try_get("csrf_token")?,
            created_at: r.try_get("created_at")?,
            last_seen_at: r.try_get("last_seen_at")?,
        };
        let idle_since = clock::minutes_from_now(-crate::organizers::SESSION_IDLE_MINUTES);
        let born_since = clock::minutes_from_now(-crate::organizers::SESSION_MAX_HOURS * 60);
        if session.last_seen_at < idle_since || session.created_at < born_since {
            self.delete_session(token_hash).await?;
            return Ok(None);
        }
        Ok(Some(session))
    }

    /// Records activity on a session (idle expiry counts from here).
    pub async fn touch_session(&self, token_hash: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE organizer_sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(clock::now())
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM organizer_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Signs an organizer out everywhere; returns how many sessions ended.
    pub async fn delete_sessions_of(&self, organizer: i64) -> anyhow::Result<u64> {
        Ok(sqlx::query("DELETE FROM organizer_sessions WHERE organizer_id = $1")
            .bind(organizer)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// Makes a one-time link valid for `minutes`.
    pub async fn create_link(
        &self,
        token_hash: &str,
        organizer: i64,
        purpose: LinkPurpose,
        minutes: i64,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO organizer_links (token_hash, organizer_id, purpose, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(organizer)
        .bind(purpose.as_str())
        .bind(clock::minutes_from_now(minutes))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The organizer a link is for, if it is unused and unexpired; it is used up by this call when
    /// `consume` (a GET only looks: mail scanners fetch links).
    pub async fn redeem_link(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
        consume: bool,
    ) -> anyhow::Result<Option<i64>> {
        let now = clock::now();
        let sql = if consume {
            "UPDATE organizer_links SET used_at = $3 WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 RETURNING organizer_id"
        } else {
            "SELECT organizer_id FROM organizer_links WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3"
        };
        Ok(sqlx::query_scalar(sql)
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(&now)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn create_api_token(
        &self,
        organizer: i64,
        campaign: &str,
        role: Role,
        label: &str,
        token_hash: &str,
    ) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar("INSERT INTO api_tokens (organizer_id, campaign_id, role, label, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(organizer)
            .bind(campaign)
            .bind(role.as_str())
            .bind(label)
            .bind(token_hash)
            .bind(clock::now())
            .fetch_one(&self.pool)
            .await?)
    }

    /// The unrevoked token with this hash (its use is recorded).
    pub async fn api_token(&self, token_hash: &str) -> anyhow::Result<Option<ApiTokenRecord>> {
        let row = sqlx::query("SELECT t.id AS id, o.email AS organizer_email, t.campaign_id AS campaign_id, t.role AS role, t.label AS label, \
             t.created_at AS created_at, t.last_used_at AS last_used_at FROM api_tokens t JOIN organizers o ON o.id = t.organizer_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = row else { return Ok(None) };
        let token = token_from_row(&r)?;
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(clock::now())
            .bind(token.id)
            .execute(&self.pool)
            .await?;
        Ok(Some(token))
    }

    /// Unrevoked tokens for `campaign` (and those for every campaign), newest first.
    pub async fn api_tokens(&self, campaign: &str) -> anyhow::Result<Vec<ApiTokenRecord>> {
        let rows = sqlx::query("SELECT t.id AS id, o.email AS organizer_email, t.campaign_id AS campaign_id, t.role AS role, t.label AS label, \
             t.created_at AS created_at, t.last_used_at AS last_used_at FROM api_tokens t JOIN organizers o ON o.id = t.organizer_id WHERE (t.campaign_id = $1 OR t.campaign_id = '*') AND t.revoked_at IS NULL ORDER BY t.id DESC")
            .bind(campaign)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_from_row).collect()
    }

    /// Revokes a token of `campaign`; false when there is no such live token.
    pub async fn revoke_api_token(&self, campaign: &str, id: i64) -> anyhow::Result<bool> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND campaign_id = $3 AND revoked_at IS NULL",
        )
        .bind(clock::now())
        .bind(id)
        .bind(campaign)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records a failed sign-in against each subject (`account:…`, `address:…`), forgetting
    /// failures older than the throttling window.
    pub async fn record_sign_in_failure(&self, subjects: &[String]) -> anyhow::Result<()> {
        let now = clock::now();
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
            .bind(clock::minutes_from_now(-crate::organizers::THROTTLE_WINDOW_MINUTES))
            .execute(&mut *tx)
            .await?;
        for subject in subjects {
            sqlx::query("INSERT INTO sign_in_failures (subject, at) VALUES ($1, $2)")
                .bind(subject)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Failed sign-ins of `subject` within the window, and the oldest of them (the wait ends
    /// a window after it).
    pub async fn sign_in_failures(&self, subject: &str) -> anyhow::Result<(i64, Option<String>)> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(at) AS first_at FROM sign_in_failures WHERE subject = $1 AND at >= $2",
        )
        .bind(subject)
        .bind(clock::minutes_from_now(-crate::organizers::THROTTLE_WINDOW_MINUTES))
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get("n")?, row.try_get("first_at")?))
    }

    /// Forgets an account's failures after it signed in.
    pub async fn clear_sign_in_failures(&self, subject: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1").bind(subject).execute(&self.pool).await?;
        Ok(())
    }
}

fn token_from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<ApiTokenRecord> {
    let role: String = r.try_get("role")?;
    Ok(ApiTokenRecord {
        id: r.try_get("id")?,
        organizer_email: r.try_get("organizer_email")?,
        campaign: r.try_get("campaign_id")?,
        role: Role::parse(&role).context("a stored role is unknown")?,
        label: r.try_get("label")?,
        created_at: r.try_get("created_at")?,
        last_used_at: r.try_get("last_used_at")?,
    })
}
