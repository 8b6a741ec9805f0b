//! Delivery: the signed letter as a print-ready page (the letter with its notes, then every
//! approved signer, organizations first, and the date), which the browser prints to a clean PDF
//! (the print stylesheet hides everything else); and the record of each delivery (date, to whom,
//! how), which organizers may mark as public.

use super::super::pages::html::escape;
use super::super::pages::letter::render_article;
use super::campaign::{campaign_page, open, open_change, saved_notice};
use super::layout::{self, csrf_field, section_path, table_head, Section};
use crate::domain::AuditAction;
use crate::http::state::AppState;
use crate::organizers::Permission;
use crate::store::{CampaignRecord, Delivery};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::fmt::Write as _;
use std::sync::Arc;
use undersigned_core::signature::SignerKind;

async fn render(state: &AppState, signed: &super::session::Signed, record: &CampaignRecord, top: &str) -> Response {
    let lang = signed.lang;
    let id = &record.campaign.id;
    let deliveries = match state.store.deliveries(id, false).await {
        Ok(d) => d,
        Err(e) => return layout::storage_error(lang, e),
    };
    let heading = lang.text("admin.nav.delivery");
    let mut main = format!(
        "<h1>{}</h1>{top}<p>{}</p><p><a class=\"button\" href=\"{}/print\">{}</a></p>",
        escape(&heading),
        escape(&lang.text("admin.delivery.intro")),
        escape(&section_path(id, Section::Delivery)),
        escape(&lang.text("admin.delivery.print")),
    );
    let _ = write!(
        main,
        "<h2>{}</h2>{}",
        escape(&lang.text("admin.delivery.records")),
        table_head(
            lang,
            &[
                "admin.delivery.date",
                "admin.delivery.recipient",
                "admin.delivery.method",
                "admin.delivery.note",
                "admin.delivery.public"
            ]
        ),
    );
    for d in &deliveries {
        let _ = write!(
            main,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&d.delivered_on),
            escape(&d.recipient),
            escape(&d.method),
            escape(&d.note),
            escape(&lang.text(if d.public { "admin.yes" } else { "admin.no" })),
        );
    }
    main.push_str("</tbody></table>");
    if signed.may(id, Permission::RecordDeliveries) {
        let today = &crate::clock::now()[..10];
        let _ = write!(
            main,
            "<h2>{}</h2><form method=\"post\" class=\"stack\">{}\
             <p><label for=\"d-date\">{}</label><input id=\"d-date\" name=\"delivered_on\" type=\"date\" required value=\"{today}\"></p>\
             <p><label for=\"d-to\">{}</label><input id=\"d-to\" name=\"recipient\" required></p>\
             <p><label for=\"d-how\">{}</label><input id=\"d-how\" name=\"method\" required></p>\
             <p><label for=\"d-note\">{}</label><textarea id=\"d-note\" name=\"note\" rows=\"2\"></textarea></p>\
             <p class=\"choice\"><input type=\"checkbox\" id=\"d-public\" name=\"public\" value=\"1\"><label for=\"d-public\">{}</label></p>\
             <p><button type=\"submit\">{}</button></p></form>",
            escape(&lang.text("admin.delivery.record")),
            csrf_field(signed),
            escape(&lang.text("admin.delivery.date")),
            escape(&lang.text("admin.delivery.recipient")),
            escape(&lang.text("admin.delivery.method")),
            escape(&lang.text("admin.delivery.note")),
            escape(&lang.text("admin.delivery.public_label")),
            escape(&lang.text("admin.delivery.save")),
        );
    }
    campaign_page(signed, record, Section::Delivery, &heading, &main)
}

pub async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (signed, record) = match open(&state, &headers, &id, Section::Delivery, Permission::Read).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let top = saved_notice(&signed, raw.as_deref());
    render(&state, &signed, &record, &top).await
}

pub async fn record(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (signed, record, form) =
        match open_change(&state, &headers, &id, Section::Delivery, Permission::RecordDeliveries, &body).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let lang = signed.lang;
    let delivery = Delivery {
        id: 0,
        delivered_on: form.text("delivered_on"),
        recipient: form.text("recipient"),
        method: form.text("method"),
        note: form.text("note"),
        public: form.get("public").is_some(),
        created_by: signed.actor().to_string(),
    };
    if !undersigned_core::feed::is_date(&delivery.delivered_on)
        || delivery.recipient.is_empty()
        || delivery.method.is_empty()
    {
        let mut response =
            render(&state, &signed, &record, &layout::problem(&lang.text("admin.delivery.problem"))).await;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return response;
    }
    let done = async {
        state.store.add_delivery(&id, &delivery).await?;
        let detail = format!("{} to {} ({})", delivery.delivered_on, delivery.recipient, delivery.method);
        state.store.audit(signed.actor(), &id, AuditAction::DeliveryRecord, &detail).await
    };
    match done.await {
        Ok(()) => layout::redirect(&format!("{}?saved=1", section_path(&id, Section::Delivery))),
        Err(e) => layout::storage_error(lang, e),
    }
}

/// The print page: a page of its own (no navigation), the letter in the language it is written in.
pub async fn print(State(state): State<Arc<AppState>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let (signed, record) = match open(&state, &headers, &id, Section::Delivery, Permission::Read).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lang = signed.lang;
    let loaded = async {
        let upto = state.store.latest_change_id(Some(&id)).await?;
        let feed = crate::status_feed::build(&state.store, &record, upto).await?;
        anyhow::Ok((feed, state.store.approved_signers(&id).await?))
    };
    let (feed, signers) = match loaded.await {
        Ok(x) => x,
        Err(e) => return layout::storage_error(lang, e),
    };
    let mut main = render_article(&record.campaign, &feed, &[], lang);
    let (organizations, individuals): (Vec<_>, Vec<_>) =
        signers.iter().partition(|s| s.kind == SignerKind::Organization);
    let _ = write!(
        main,
        "<section class=\"signed-by\" aria-labelledby=\"signed-heading\"><h2 id=\"signed-heading\">{}</h2>",
        escape(&lang.plural("admin.delivery.signed_by", signers.len() as u64, &[]))
    );
    if !organizations.is_empty() {
        let _ = write!(main, "<h3>{}</h3><ul class=\"signatories\">", escape(&lang.text("letter.organizations")));
        for s in organizations {
            let _ = write!(main, "<li>{}</li>", escape(s.data.organization.as_deref().unwrap_or(&s.data.name)));
        }
        main.push_str("</ul>");
    }
    if !individuals.is_empty() {
        let _ = write!(main, "<h3>{}</h3><ul class=\"signatories\">", escape(&lang.text("letter.individuals")));
        for s in individuals {
            let line =
                [&s.data.title, &s.data.affiliation].into_iter().flatten().cloned().collect::<Vec<_>>().join(", ");
            let _ = write!(main, "<li>{}", escape(&s.data.name));
            if !line.is_empty() {
                let _ = write!(main, "<br><span class=\"muted\">{}</span>", escape(&line));
            }
            main.push_str("</li>");
        }
        main.push_str("</ul>");
    }
    let _ = write!(
        main,
        "<p class=\"printed-on\">{}</p></section><p class=\"no-print\"><a href=\"{}\">{}</a></p>",
        escape(&lang.format("admin.delivery.printed_on", &[("date", &crate::clock::now()[..10])])),
        escape(&section_path(&id, Section::Delivery)),
        escape(&lang.text("admin.delivery.back")),
    );
    let mut response = layout::page(StatusCode::OK, lang, &record.campaign.title, None, None, &main);
    let _ = &signed;
    response.headers_mut().insert("x-robots-tag", axum::http::HeaderValue::from_static("noindex"));
    response
}
