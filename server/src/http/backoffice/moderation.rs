//! Moderation: organizations waiting for approval, individuals waiting, suspected spam; approve,
//! reject or mark as spam one or many (checkboxes and buttons: a form, so the keyboard alone does
//! it). Every decision is audited; approved signers appear in open widgets with the next count.
//! Below the queues: the signatures awaiting email confirmation (a count and a list, apart: they
//! are not signers until confirmed, and join the queues above once they are), and, for owners,
//! the mail that could not be delivered after its retries.

use super::super::pages::html::escape;
use super::campaign::{campaign_page, open, open_change};
use super::form::FormData;
use super::layout::{self, csrf_field, section_path, table_head, Section};
use crate::domain::AuditAction;
use crate::http::state::AppState;
use crate::organizers::Permission;
use crate::store::{SignerQuery, SignerRow, SignerState};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use std::fmt::Write as _;
use std::sync::Arc;
use undersigned_core::signature::SignerKind;

/// Rows shown per queue.
const QUEUE_ROWS: i64 = 200;

pub async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let (signed, record) = match open(&state, &headers, &id, Section::Moderation, Permission::Read).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lang = signed.lang;
    let query = FormData::from_query(query.as_deref());
    let queues = [
        ("organizations", SignerState::Pending, Some(SignerKind::Organization), "admin.moderation.organizations"),
        ("individuals", SignerState::Pending, Some(SignerKind::Individual), "admin.moderation.individuals"),
        ("spam", SignerState::Spam, None, "admin.moderation.spam"),
    ];
    let heading = lang.text("admin.nav.moderation");
    let mut main = format!("<h1>{}</h1>", escape(&heading));
    if let Some(done) = query.get("done") {
        main.push_str(&layout::notice(&lang.format("admin.moderation.done", &[("count", done)])));
    }
    let can_moderate = signed.may(&id, Permission::Moderate);
    let see_emails = signed.may(&id, Permission::SeeEmails);
    for (name, state_filter, kind, key) in queues {
        let q = SignerQuery {
            state: Some(state_filter),
            kind,
            awaiting_confirmation: Some(false),
            ..SignerQuery::default()
        };
        let rows = match state.store.search_signers(&id, &q, QUEUE_ROWS, 0).await {
            Ok(rows) => rows,
            Err(e) => return layout::storage_error(lang, e),
        };
        let _ = write!(
            main,
            "<section aria-labelledby=\"q-{name}\"><h2 id=\"q-{name}\">{} <span class=\"count\">({})</span></h2>",
            escape(&lang.text(key)),
            rows.len()
        );
        if rows.is_empty() {
            let _ = write!(main, "<p>{}</p></section>", escape(&lang.text("admin.moderation.empty")));
            continue;
        }
        if can_moderate {
            let _ = write!(
                main,
                "<form method=\"post\" action=\"{}\">{}",
                escape(&section_path(&id, Section::Moderation)),
                csrf_field(&signed)
            );
        }
        let _ = write!(main, "<table><thead><tr>");
        if can_moderate {
            let _ = write!(
                main,
                "<th scope=\"col\"><span class=\"visually-hidden\">{}</span></th>",
                escape(&lang.text("admin.select"))
            );
        }
        let _ = write!(
            main,
            "<th scope=\"col\">{}</th><th scope=\"col\">{}</th>{}<th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            escape(&lang.text("admin.signer.who")),
            escape(&lang.text("admin.signer.details")),
            if see_emails { format!("<th scope=\"col\">{}</th>", escape(&lang.text("admin.email"))) } else { String::new() },
            escape(&lang.text("admin.signer.source")),
            escape(&lang.text("admin.signer.received")),
        );
        for row in &rows {
            main.push_str("<tr>");
            if can_moderate {
                let _ = write!(
                    main,
                    "<td><input type=\"checkbox\" name=\"signer\" value=\"{0}\" id=\"s-{name}-{0}\" aria-label=\"{1}\"></td>",
                    row.id,
                    escape(&lang.format("admin.select_one", &[("who", &who(row))]))
                );
            }
            signer_cells(&mut main, row, lang, see_emails, &domain_mark(row, lang));
            main.push_str("</tr>");
        }
        main.push_str("</tbody></table>");
        if can_moderate {
            let _ = write!(
                main,
                "<p class=\"actions\"><button type=\"submit\" name=\"action\" value=\"approve\">{}</button> <button type=\"submit\" name=\"action\" value=\"reject\" class=\"secondary\">{}</button>{}</p></form>",
                escape(&lang.text("admin.moderation.approve")),
                escape(&lang.text("admin.moderation.reject")),
                if state_filter == SignerState::Pending {
                    format!(" <button type=\"submit\" name=\"action\" value=\"spam\" class=\"secondary\">{}</button>", escape(&lang.text("admin.moderation.mark_spam")))
                } else {
                    String::new()
                },
            );
        }
        main.push_str("</section>");
    }
    match awaiting_confirmation(&state, &id, lang, see_emails).await {
        Ok(section) => main.push_str(&section),
        Err(e) => return layout::storage_error(lang, e),
    }
    if signed.may(&id, Permission::SeeFailedMail) {
        match failed_mail(&state, &id, lang).await {
            Ok(section) => main.push_str(&section),
            Err(e) => return layout::storage_error(lang, e),
        }
    }
    campaign_page(&signed, &record, Section::Moderation, &heading, &main)
}

/// `YYYY-MM-DD HH:MM` of a stored timestamp.
fn minute(timestamp: &str) -> String {
    timestamp[..16.min(timestamp.len())].replace('T', " ")
}

/// The signatures awaiting email confirmation: how many, and who (read only: nothing to decide
/// before the address's owner confirms; unconfirmed ones are deleted after
/// [`crate::mail::LINK_LIFETIME_DAYS`] days).
async fn awaiting_confirmation(
    state: &AppState,
    id: &str,
    lang: super::super::pages::text::Lang,
    see_emails: bool,
) -> anyhow::Result<String> {
    let q = SignerQuery { awaiting_confirmation: Some(true), ..SignerQuery::default() };
    let rows = state.store.search_signers(id, &q, QUEUE_ROWS, 0).await?;
    let total = state.store.campaign_figures(id, "9999").await?.awaiting_confirmation;
    let mut out = format!(
        "<section aria-labelledby=\"q-awaiting\"><h2 id=\"q-awaiting\">{} <span class=\"count\">({total})</span></h2><p>{}</p>",
        escape(&lang.text("admin.moderation.awaiting")),
        escape(&lang.format(
            "admin.moderation.awaiting_help",
            &[("days", &crate::mail::LINK_LIFETIME_DAYS.to_string())]
        )),
    );
    if rows.is_empty() {
        let _ = write!(out, "<p>{}</p></section>", escape(&lang.text("admin.moderation.empty")));
        return Ok(out);
    }
    let _ = write!(
        out,
        "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>{}<th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        escape(&lang.text("admin.signer.who")),
        escape(&lang.text("admin.signer.details")),
        if see_emails { format!("<th scope=\"col\">{}</th>", escape(&lang.text("admin.email"))) } else { String::new() },
        escape(&lang.text("admin.signer.source")),
        escape(&lang.text("admin.signer.received")),
    );
    for row in &rows {
        out.push_str("<tr>");
        signer_cells(&mut out, row, lang, see_emails, "");
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></section>");
    Ok(out)
}

/// Mail about this campaign that the sender gave up on (owners: it names the recipient).
async fn failed_mail(state: &AppState, id: &str, lang: super::super::pages::text::Lang) -> anyhow::Result<String> {
    let failed = state.store.failed_mail(id).await?;
    let mut out = format!(
        "<section aria-labelledby=\"q-failed-mail\"><h2 id=\"q-failed-mail\">{} <span class=\"count\">({})</span></h2><p>{}</p>",
        escape(&lang.text("admin.mail_failed.heading")),
        failed.len(),
        escape(&lang.format("admin.mail_failed.help", &[("days", &crate::mail::FAILED_MAIL_DAYS.to_string())])),
    );
    if failed.is_empty() {
        let _ = write!(out, "<p>{}</p></section>", escape(&lang.text("admin.mail_failed.none")));
        return Ok(out);
    }
    let _ = write!(
        out,
        "{}",
        table_head(
            lang,
            &[
                "admin.mail_failed.kind",
                "admin.mail_failed.to",
                "admin.mail_failed.attempts",
                "admin.mail_failed.error",
                "admin.mail_failed.at"
            ]
        ),
    );
    for mail in &failed {
        // An SMTP answer can be long: its start says what went wrong.
        let error: String = mail.last_error.chars().take(200).collect();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&lang.text(&format!("admin.mail_kind.{}", mail.kind.as_str()))),
            escape(&mail.to),
            mail.attempts,
            escape(&error),
            escape(&minute(&mail.failed_at)),
        );
    }
    out.push_str("</tbody></table></section>");
    Ok(out)
}

/// The name a moderator recognises: the organization's, else the person's.
pub fn who(row: &SignerRow) -> String {
    row.data.organization.clone().unwrap_or_else(|| row.data.name.clone())
}

/// The rest of what the signer wrote: contact person, title, affiliation, country.
pub fn details(row: &SignerRow, _lang: super::super::pages::text::Lang) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if row.data.organization.is_some() {
        parts.push(&row.data.name);
    }
    parts.extend([&row.data.title, &row.data.affiliation, &row.data.country].into_iter().flatten().map(String::as_str));
    parts.join(", ")
}

/// A signer's cells in both moderation tables: who, details (followed by `mark`), the email when
/// the role may see it, source and time received.
fn signer_cells(
    out: &mut String,
    row: &SignerRow,
    lang: super::super::pages::text::Lang,
    see_emails: bool,
    mark: &str,
) {
    let _ = write!(out, "<td>{}</td><td>{}{mark}</td>", escape(&who(row)), escape(&details(row, lang)));
    if see_emails {
        let _ = write!(out, "<td>{}</td>", escape(&row.email));
    }
    let _ = write!(
        out,
        "<td>{}</td><td>{}</td>",
        escape(row.data.source.as_deref().unwrap_or("")),
        escape(&minute(&row.created_at)),
    );
}

/// An organization's website and whether its contact's address is on that domain (HTML): a
/// moderator sees "domain verified" without needing the right to see addresses. Not a link: a
/// moderator should read the address before visiting it.
pub fn domain_mark(row: &SignerRow, lang: super::super::pages::text::Lang) -> String {
    let Some(website) = row.data.organization_website.as_deref() else { return String::new() };
    let (class, key) = if row.domain_verified {
        ("domain verified", "admin.domain_verified")
    } else {
        ("domain", "admin.domain_not_verified")
    };
    format!(
        "<br><span class=\"website\">{}</span> <span class=\"{class}\">{}</span>",
        escape(website),
        escape(&lang.text(key))
    )
}

pub async fn decide(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (signed, _record, form) =
        match open_change(&state, &headers, &id, Section::Moderation, Permission::Moderate, &body).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let (target, action) = match form.get("action") {
        Some("approve") => (SignerState::Approved, AuditAction::SignerApproved),
        Some("reject") => (SignerState::Rejected, AuditAction::SignerRejected),
        Some("spam") => (SignerState::Spam, AuditAction::SignerSpam),
        _ => return layout::message(axum::http::StatusCode::BAD_REQUEST, signed.lang, "admin.error.bad_form"),
    };
    let ids: Vec<i64> = form.all("signer").iter().filter_map(|s| s.parse().ok()).collect();
    let done = async {
        let mut changed = 0;
        for signer in &ids {
            if state.store.set_signer_state(&id, *signer, target).await? {
                changed += 1;
                state.store.audit(signed.actor(), &id, action, &format!("signer {signer}")).await?;
            }
        }
        anyhow::Ok(changed)
    };
    match done.await {
        Ok(changed) => {
            // The signer count and list of open widgets follow approvals.
            state.live.nudge();
            layout::redirect(&format!("{}?done={changed}", section_path(&id, Section::Moderation)))
        }
        Err(e) => layout::storage_error(signed.lang, e),
    }
}
