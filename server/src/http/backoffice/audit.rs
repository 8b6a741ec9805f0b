//! The audit log of a campaign (for owners, with the sign-ins, which belong to no campaign): who
//! did what and when, filterable by who and by action, newest first, a page at a time.

use super::super::pages::html::escape;
use super::campaign::{campaign_page, open};
use super::form::{url_encode, FormData};
use super::layout::{table_head, Section};
use crate::domain::AuditAction;
use crate::http::state::AppState;
use crate::organizers::Permission;
use crate::store::AuditFilter;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use std::fmt::Write as _;
use std::sync::Arc;

const PER_PAGE: i64 = 100;

pub async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (signed, record) = match open(&state, &headers, &id, Section::Audit, Permission::Read).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lang = signed.lang;
    let form = FormData::from_query(raw.as_deref());
    let filter = AuditFilter {
        campaign: id.clone(),
        actor: form.text("actor"),
        action: form.text("action"),
        before: form.get("before").and_then(|b| b.parse().ok()),
        // Sign-ins name organizers of every campaign and the addresses typed at the form: owners only.
        with_sign_ins: signed.may(&id, Permission::ManageOrganizers),
    };
    let entries = match state.store.audit_entries(&filter, PER_PAGE).await {
        Ok(e) => e,
        Err(e) => return super::layout::storage_error(lang, e),
    };
    let heading = lang.text("admin.nav.audit");
    let mut main = format!(
        "<h1>{}</h1><form method=\"get\" class=\"filters\" role=\"search\"><p><label for=\"f-actor\">{}</label><input id=\"f-actor\" name=\"actor\" value=\"{}\"></p><p><label for=\"f-action\">{}</label><select id=\"f-action\" name=\"action\"><option value=\"\">{}</option>",
        escape(&heading),
        escape(&lang.text("admin.who")),
        escape(&filter.actor),
        escape(&lang.text("admin.audit.action")),
        escape(&lang.text("admin.any")),
    );
    for action in AuditAction::ALL.map(AuditAction::as_str) {
        let selected = if filter.action == action { " selected" } else { "" };
        let _ = write!(main, "<option value=\"{action}\"{selected}>{action}</option>");
    }
    let _ = write!(
        main,
        "</select></p><p><button type=\"submit\">{}</button></p></form>{}",
        escape(&lang.text("admin.signers.filter")),
        table_head(lang, &["admin.when", "admin.who", "admin.audit.action", "admin.audit.detail"]),
    );
    for entry in &entries {
        let _ = write!(
            main,
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            escape(&entry.at[..19.min(entry.at.len())].replace('T', " ")),
            escape(&entry.actor),
            escape(&entry.action),
            escape(&entry.detail)
        );
    }
    main.push_str("</tbody></table>");
    if entries.len() as i64 == PER_PAGE {
        if let Some(last) = entries.last() {
            let _ = write!(
                main,
                "<p><a href=\"?actor={}&amp;action={}&amp;before={}\">{}</a></p>",
                escape(&url_encode(&filter.actor)),
                escape(&url_encode(&filter.action)),
                last.id,
                escape(&lang.text("admin.audit.older"))
            );
        }
    }
    campaign_page(&signed, &record, Section::Audit, &heading, &main)
}
