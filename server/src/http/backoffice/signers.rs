//! Signers: search by name, email or organization; filter by state, kind, partner source and
//! email confirmation (a signature awaiting it is marked so: it is not a signer yet);
//! erase one (after a confirmation page); export as CSV (formula cells neutralised, as the admin
//! API's export) and import. Emails are shown, searched and exported only for roles that may see
//! them; an export is written to the audit log before it is sent.

use super::super::pages::html::escape;
use super::campaign::{campaign_page, open, open_change};
use super::form::{url_encode, FormData};
use super::layout::{self, csrf_field, section_path, Section};
use super::moderation::{details, domain_mark, who};
use crate::admin::{self, AdminError};
use crate::domain::AuditAction;
use crate::http::state::AppState;
use crate::organizers::Permission;
use crate::store::{SignerQuery, SignerState};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::fmt::Write as _;
use std::sync::Arc;
use undersigned_core::signature::SignerKind;

const PER_PAGE: i64 = 50;

fn query_from(form: &FormData, see_emails: bool) -> SignerQuery {
    SignerQuery {
        text: form.text("q"),
        // A role that may not see emails may not search them either (a search is an oracle).
        in_emails: see_emails,
        state: form.get("state").and_then(SignerState::parse),
        kind: form.get("kind").and_then(SignerKind::parse),
        source: form
            .get("source")
            .filter(|s| !s.is_empty())
            .map(|s| if s == "-" { String::new() } else { s.to_string() }),
        awaiting_confirmation: match form.get("confirmation") {
            Some("awaiting") => Some(true),
            Some("confirmed") => Some(false),
            _ => None,
        },
    }
}

fn select(name: &str, label: &str, options: &[(&str, String)], chosen: Option<&str>) -> String {
    let mut out =
        format!("<p><label for=\"f-{name}\">{}</label><select id=\"f-{name}\" name=\"{name}\">", escape(label));
    for (value, text) in options {
        let selected = if chosen == Some(*value) { " selected" } else { "" };
        let _ = write!(out, "<option value=\"{}\"{selected}>{}</option>", escape(value), escape(text));
    }
    out.push_str("</select></p>");
    out
}

pub async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (signed, record) = match open(&state, &headers, &id, Section::Signers, Permission::Read).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lang = signed.lang;
    let form = FormData::from_query(raw.as_deref());
    let see_emails = signed.may(&id, Permission::SeeEmails);
    let query = query_from(&form, see_emails);
    let page_number: i64 = form.get("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1).unwrap_or(1);
    let rows = match state.store.search_signers(&id, &query, PER_PAGE + 1, (page_number - 1) * PER_PAGE).await {
        Ok(rows) => rows,
        Err(e) => return layout::storage_error(lang, e),
    };
    let heading = lang.text("admin.nav.signers");
    let mut main = format!("<h1>{}</h1>", escape(&heading));
    if let Some(n) = form.get("erased") {
        main.push_str(&layout::notice(&lang.format("admin.signers.erased", &[("id", n)])));
    }
    if let Some(n) = form.get("imported") {
        main.push_str(&layout::notice(&lang.format("admin.signers.imported", &[("count", n)])));
    }
    let search_label = if see_emails { "admin.signers.search" } else { "admin.signers.search_no_email" };
    let _ = write!(
        main,
        "<form method=\"get\" class=\"filters\" role=\"search\"><p><label for=\"f-q\">{}</label><input id=\"f-q\" name=\"q\" type=\"search\" value=\"{}\"></p>",
        escape(&lang.text(search_label)),
        escape(&query.text)
    );
    let any = lang.text("admin.any");
    let mut states = vec![("", any.clone())];
    states.extend(SignerState::ALL.iter().map(|s| (s.as_str(), lang.text(&format!("admin.state.{}", s.as_str())))));
    main.push_str(&select("state", &lang.text("admin.signer.state"), &states, form.get("state")));
    let kinds = [
        ("", any.clone()),
        ("organization", lang.text("admin.kind.organization")),
        ("individual", lang.text("admin.kind.individual")),
    ];
    main.push_str(&select("kind", &lang.text("admin.signer.kind"), &kinds, form.get("kind")));
    let confirmations = [
        ("", any.clone()),
        ("confirmed", lang.text("admin.confirmation.confirmed")),
        ("awaiting", lang.text("admin.confirmation.awaiting")),
    ];
    main.push_str(&select(
        "confirmation",
        &lang.text("admin.signer.confirmation"),
        &confirmations,
        form.get("confirmation"),
    ));
    let _ = write!(
        main,
        "<p><label for=\"f-source\">{}</label><input id=\"f-source\" name=\"source\" value=\"{}\" aria-describedby=\"f-source-help\"><span id=\"f-source-help\" class=\"help\">{}</span></p><p><button type=\"submit\">{}</button></p></form>",
        escape(&lang.text("admin.signer.source")),
        escape(form.get("source").unwrap_or("")),
        escape(&lang.text("admin.signers.source_help")),
        escape(&lang.text("admin.signers.filter")),
    );
    let shown = &rows[..rows.len().min(PER_PAGE as usize)];
    let _ = write!(
        main,
        "<table><caption>{}</caption><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>{}<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>{}</tr></thead><tbody>",
        escape(&lang.format("admin.signers.caption", &[("page", &page_number.to_string())])),
        escape(&lang.text("admin.signer.who")),
        escape(&lang.text("admin.signer.details")),
        if see_emails { format!("<th scope=\"col\">{}</th>", escape(&lang.text("admin.email"))) } else { String::new() },
        escape(&lang.text("admin.signer.kind")),
        escape(&lang.text("admin.signer.state")),
        escape(&lang.text("admin.signer.source")),
        escape(&lang.text("admin.signer.received")),
        if signed.may(&id, Permission::EraseAndImport) { format!("<th scope=\"col\">{}</th>", escape(&lang.text("admin.actions"))) } else { String::new() },
    );
    for row in shown {
        let _ = write!(
            main,
            "<tr><td>{}</td><td>{}{}</td>",
            escape(&who(row)),
            escape(&details(row, lang)),
            domain_mark(row, lang)
        );
        if see_emails {
            let _ = write!(main, "<td>{}</td>", escape(&row.email));
        }
        let _ = write!(
            main,
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            escape(&lang.text(&format!("admin.kind.{}", row.kind.as_str()))),
            escape(&if row.awaiting_confirmation {
                format!(
                    "{} ({})",
                    lang.text(&format!("admin.state.{}", row.state.as_str())),
                    lang.text("admin.confirmation.awaiting")
                )
            } else {
                lang.text(&format!("admin.state.{}", row.state.as_str()))
            }),
            escape(row.data.source.as_deref().unwrap_or("")),
            escape(&row.created_at[..10.min(row.created_at.len())]),
        );
        if signed.may(&id, Permission::EraseAndImport) {
            let _ = write!(
                main,
                "<td><a href=\"{}/{}/erase\">{}<span class=\"visually-hidden\"> {}</span></a></td>",
                escape(&section_path(&id, Section::Signers)),
                row.id,
                escape(&lang.text("admin.signers.erase")),
                escape(&who(row))
            );
        }
        main.push_str("</tr>");
    }
    main.push_str("</tbody></table>");
    let base: Vec<String> = form
        .0
        .iter()
        .filter(|(k, _)| k != "page")
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect();
    let link = |p: i64| {
        let mut parts = base.clone();
        parts.push(format!("page={p}"));
        format!("?{}", parts.join("&"))
    };
    main.push_str("<nav class=\"pager\" aria-label=\"");
    main.push_str(&escape(&lang.text("admin.pages")));
    main.push_str("\"><ul>");
    if page_number > 1 {
        let _ = write!(
            main,
            "<li><a href=\"{}\">{}</a></li>",
            escape(&link(page_number - 1)),
            escape(&lang.text("admin.previous"))
        );
    }
    if rows.len() as i64 > PER_PAGE {
        let _ = write!(
            main,
            "<li><a href=\"{}\">{}</a></li>",
            escape(&link(page_number + 1)),
            escape(&lang.text("admin.next"))
        );
    }
    main.push_str("</ul></nav>");
    if see_emails {
        let state_param = form
            .get("state")
            .filter(|s| !s.is_empty())
            .map(|s| format!("?state={}", url_encode(s)))
            .unwrap_or_default();
        let _ = write!(
            main,
            "<h2>{}</h2><p>{}</p><p><a class=\"button\" href=\"{}.csv{}\" download>{}</a></p>",
            escape(&lang.text("admin.signers.export.heading")),
            escape(&lang.text("admin.signers.export.intro")),
            escape(&section_path(&id, Section::Signers)),
            escape(&state_param),
            escape(&lang.text("admin.signers.export")),
        );
    }
    if signed.may(&id, Permission::EraseAndImport) {
        let _ = write!(
            main,
            "<h2>{}</h2><form method=\"post\" action=\"{}/import\" class=\"stack\">{}<p><label for=\"csv\">{}</label><textarea id=\"csv\" name=\"csv\" rows=\"6\" aria-describedby=\"csv-help\"></textarea><span id=\"csv-help\" class=\"help\">{}</span></p><p><button type=\"submit\">{}</button></p></form>",
            escape(&lang.text("admin.signers.import.heading")),
            escape(&section_path(&id, Section::Signers)),
            csrf_field(&signed),
            escape(&lang.text("admin.signers.import.label")),
            escape(&lang.text("admin.signers.import.help")),
            escape(&lang.text("admin.signers.import")),
        );
    }
    campaign_page(&signed, &record, Section::Signers, &heading, &main)
}

/// The CSV export (owner and moderator only), audited before it is sent.
pub async fn export(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (signed, _record) = match open(&state, &headers, &id, Section::Signers, Permission::SeeEmails).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let form = FormData::from_query(raw.as_deref());
    let filter = form.get("state").and_then(SignerState::parse);
    let detail = format!("CSV with emails, state {}", filter.map_or("any", SignerState::as_str));
    if let Err(e) = state.store.audit(signed.actor(), &id, AuditAction::SignersExport, &detail).await {
        return layout::storage_error(signed.lang, e);
    }
    match admin::export_csv(&state.store, &id, filter).await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{id}-signers.csv\"")),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            csv,
        )
            .into_response(),
        Err(AdminError::Refused(_)) => layout::message(StatusCode::NOT_FOUND, signed.lang, "admin.error.no_campaign"),
        Err(AdminError::Store(e)) => layout::storage_error(signed.lang, e),
    }
}

pub async fn import(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (signed, record, form) =
        match open_change(&state, &headers, &id, Section::Signers, Permission::EraseAndImport, &body).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let lang = signed.lang;
    let csv = form.get("csv").unwrap_or("");
    match admin::import_signers(&state.store, &id, "the pasted CSV", csv.as_bytes()).await {
        Ok(summary) => {
            let detail = format!(
                "{} imported, {} already signed, {} repeated",
                summary.imported, summary.already_signed, summary.repeated_in_file
            );
            if let Err(e) = state.store.audit(signed.actor(), &id, AuditAction::SignersImport, &detail).await {
                return layout::storage_error(lang, e);
            }
            state.live.nudge();
            layout::redirect(&format!("{}?imported={}", section_path(&id, Section::Signers), summary.imported))
        }
        Err(AdminError::Refused(error)) => {
            let heading = lang.text("admin.signers.import.heading");
            let mut main = format!("<h1>{}</h1>", escape(&heading));
            let mut text = error.message.clone();
            for field in &error.fields {
                let _ = write!(text, " {}: {}.", field.field, field.message);
            }
            main.push_str(&layout::problem(&text));
            let _ = write!(
                main,
                "<p><a href=\"{}\">{}</a></p>",
                escape(&section_path(&id, Section::Signers)),
                escape(&lang.text("admin.nav.signers"))
            );
            let mut response = campaign_page(&signed, &record, Section::Signers, &heading, &main);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(AdminError::Store(e)) => layout::storage_error(lang, e),
    }
}

pub async fn erase_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, signer)): Path<(String, String)>,
) -> Response {
    let (signed, record) = match open(&state, &headers, &id, Section::Signers, Permission::EraseAndImport).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lang = signed.lang;
    let Ok(signer) = signer.parse::<i64>() else {
        return layout::message(StatusCode::NOT_FOUND, lang, "admin.error.no_signer");
    };
    let found = match state.store.signer(&id, signer).await {
        Ok(f) => f,
        Err(e) => return layout::storage_error(lang, e),
    };
    let Some(row) = found else {
        return layout::message(StatusCode::NOT_FOUND, lang, "admin.error.no_signer");
    };
    let heading = lang.text("admin.signers.erase.heading");
    let main = format!(
        "<h1>{}</h1><p>{}</p><form method=\"post\">{}<p class=\"actions\"><button type=\"submit\" class=\"danger\">{}</button> <a href=\"{}\">{}</a></p></form>",
        escape(&heading),
        escape(&lang.format("admin.signers.erase.confirm", &[("who", &who(&row)), ("email", &row.email)])),
        csrf_field(&signed),
        escape(&lang.text("admin.signers.erase.button")),
        escape(&section_path(&id, Section::Signers)),
        escape(&lang.text("admin.cancel")),
    );
    campaign_page(&signed, &record, Section::Signers, &heading, &main)
}

pub async fn erase(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, signer)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (signed, _record, _form) =
        match open_change(&state, &headers, &id, Section::Signers, Permission::EraseAndImport, &body).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let lang = signed.lang;
    let Ok(signer) = signer.parse::<i64>() else {
        return layout::message(StatusCode::NOT_FOUND, lang, "admin.error.no_signer");
    };
    match admin::erase(&state.store, &id, signer).await {
        Ok(()) => {
            // The log keeps that someone was erased, never who.
            if let Err(e) =
                state.store.audit(signed.actor(), &id, AuditAction::SignerErase, &format!("signer {signer}")).await
            {
                return layout::storage_error(lang, e);
            }
            state.live.nudge();
            layout::redirect(&format!("{}?erased={signer}", section_path(&id, Section::Signers)))
        }
        Err(AdminError::Refused(_)) => layout::message(StatusCode::NOT_FOUND, lang, "admin.error.no_signer"),
        Err(AdminError::Store(e)) => layout::storage_error(lang, e),
    }
}
