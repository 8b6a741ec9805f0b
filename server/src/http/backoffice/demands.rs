//! The demands: the letter's tree with each demand's status, note and dated evidence; a change
//! form with a preview drawn exactly as the letter page draws the demand (the widget's words and
//! shapes); each demand's history. A saved change goes through [`crate::admin::set_demand_status`]
//! and the live hub, as the admin API's does, so open widgets show it at once.

use super::super::pages::html::escape;
use super::super::pages::letter::{render_demand_item, status_shape};
use super::super::pages::text::Lang;
use super::campaign::{campaign_page, open, open_change, saved_notice};
use super::form::FormData;
use super::layout::{self, csrf_field, section_path, table_head, Section};
use crate::admin::{self, AdminError, StatusUpdate};
use crate::domain::AuditAction;
use crate::http::state::AppState;
use crate::organizers::Permission;
use crate::store::CampaignRecord;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::fmt::Write as _;
use std::sync::Arc;
use undersigned_core::campaign::{plain_text, Block, Demand};
use undersigned_core::feed::{DemandState, Evidence};
use undersigned_core::status::DemandStatus;

/// Evidence rows offered by the change form (filled ones plus empty ones).
const EVIDENCE_ROWS: usize = 3;

fn status_words(lang: Lang, status: DemandStatus) -> String {
    format!("{} {}", status_shape(status), lang.text(&format!("live.status.{}", status.as_str())))
}

async fn current_states(state: &AppState, record: &CampaignRecord) -> anyhow::Result<Vec<DemandState>> {
    let upto = state.store.latest_change_id(Some(&record.campaign.id)).await?;
    Ok(crate::status_feed::build(&state.store, record, upto).await?.demands)
}

fn find<'a>(demands: &'a [Demand], id: &str) -> Option<&'a Demand> {
    demands.iter().find_map(|d| if d.id == id { Some(d) } else { find(&d.children, id) })
}

fn find_in_campaign<'a>(record: &'a CampaignRecord, id: &str) -> Option<&'a Demand> {
    fn in_blocks<'a>(blocks: &'a [Block], id: &str) -> Option<&'a Demand> {
        blocks.iter().find_map(|b| match b {
            Block::Demands(demands) => find(demands, id),
            Block::Quote(inner) => in_blocks(inner, id),
            _ => None,
        })
    }
    in_blocks(&record.campaign.body, id)
}

pub async fn list(State(state): State<Arc<AppState>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let (signed, record) = match open(&state, &headers, &id, Section::Demands, Permission::Read).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lang = signed.lang;
    let states = match current_states(&state, &record).await {
        Ok(s) => s,
        Err(e) => return layout::storage_error(lang, e),
    };
    let heading = lang.text("admin.nav.demands");
    let mut main = format!("<h1>{}</h1><p>{}</p>", escape(&heading), escape(&lang.text("admin.demands.intro")));
    let editable = signed.may(&id, Permission::EditDemands);
    for block in &record.campaign.body {
        if let Block::Demands(demands) = block {
            main.push_str("<ul class=\"tree\">");
            for demand in demands {
                tree_item(&id, demand, &states, lang, editable, &mut main);
            }
            main.push_str("</ul>");
        }
    }
    campaign_page(&signed, &record, Section::Demands, &heading, &main)
}

fn tree_item(campaign: &str, demand: &Demand, states: &[DemandState], lang: Lang, editable: bool, out: &mut String) {
    let state = states.iter().find(|s| s.id == demand.id);
    let _ = write!(out, "<li><p class=\"demand-text\">{}</p>", escape(&plain_text(&demand.text)));
    if demand.children.is_empty() {
        if let Some(state) = state {
            let _ = write!(
                out,
                "<p class=\"demand-state\"><span class=\"status status-{}\">{}</span>",
                state.status.as_str(),
                escape(&status_words(lang, state.status))
            );
            if !state.note.is_empty() {
                let _ = write!(out, " · {}", escape(&state.note));
            }
            if let Some(at) = &state.updated_at {
                let _ = write!(out, " · <span class=\"muted\">{}</span>", escape(&at[..10.min(at.len())]));
            }
            out.push_str("</p>");
        }
        let action = if editable { "admin.demands.change" } else { "admin.demands.history" };
        let _ = write!(
            out,
            "<p><a href=\"{}/{}\">{}<span class=\"visually-hidden\">: {}</span></a></p>",
            escape(&section_path(campaign, Section::Demands)),
            escape(&super::form::url_encode(&demand.id)),
            escape(&lang.text(action)),
            escape(&demand.id),
        );
    }
    if !demand.children.is_empty() {
        out.push_str("<ul>");
        for child in &demand.children {
            tree_item(campaign, child, states, lang, editable, out);
        }
        out.push_str("</ul>");
    }
    out.push_str("</li>");
}

/// The change form's values (as posted, or the current state).
struct Draft {
    status: DemandStatus,
    note: String,
    evidence: Vec<Evidence>,
}

fn draft_from_form(form: &FormData) -> Result<Draft, String> {
    let status = DemandStatus::parse(form.get("status").unwrap_or("")).map_err(|e| e.to_string())?;
    let (urls, dates, titles) = (form.all("evidence_url"), form.all("evidence_date"), form.all("evidence_title"));
    let evidence = urls
        .iter()
        .enumerate()
        .filter(|(_, url)| !url.trim().is_empty())
        .map(|(i, url)| Evidence {
            url: url.trim().to_string(),
            date: dates.get(i).map_or("", |d| d.trim()).to_string(),
            title: titles.get(i).map_or("", |t| t.trim()).to_string(),
        })
        .collect();
    Ok(Draft { status, note: form.text("note"), evidence })
}

/// What the change page shows besides the demand: the form's values (None: the current state),
/// a message on top, whether to draw the preview, and the HTTP status.
struct View<'a> {
    draft: Option<Draft>,
    top: &'a str,
    preview: bool,
    status: StatusCode,
}

async fn render_edit(
    state: &AppState,
    signed: &super::session::Signed,
    record: &CampaignRecord,
    demand: &Demand,
    view: View<'_>,
) -> Response {
    let View { draft, top, preview, status } = view;
    let lang = signed.lang;
    let id = &record.campaign.id;
    let loaded = async {
        let states = current_states(state, record).await?;
        let history = state.store.demand_history(id, &demand.id).await?;
        anyhow::Ok((states, history))
    };
    let (states, history) = match loaded.await {
        Ok(x) => x,
        Err(e) => return layout::storage_error(lang, e),
    };
    let current = states.iter().find(|s| s.id == demand.id).cloned();
    let draft = draft.unwrap_or_else(|| Draft {
        status: current.as_ref().map_or(demand.status, |s| s.status),
        note: current.as_ref().map(|s| s.note.clone()).unwrap_or_default(),
        evidence: current.as_ref().map(|s| s.evidence.clone()).unwrap_or_default(),
    });
    let heading = lang.text("admin.demands.edit.heading");
    let mut main = format!(
        "<h1>{}</h1><p class=\"demand-text\">{}</p><p class=\"muted\">{}: <code>{}</code></p>{top}",
        escape(&heading),
        escape(&plain_text(&demand.text)),
        escape(&lang.text("admin.demands.id")),
        escape(&demand.id)
    );
    if preview {
        let mut previewed = states.clone();
        let item = DemandState {
            id: demand.id.clone(),
            status: draft.status,
            note: draft.note.clone(),
            updated_at: None,
            evidence: draft.evidence.clone(),
        };
        match previewed.iter_mut().find(|s| s.id == demand.id) {
            Some(s) => *s = item,
            None => previewed.push(item),
        }
        let _ = write!(
            main,
            "<section class=\"preview\" aria-labelledby=\"preview-heading\"><h2 id=\"preview-heading\">{}</h2><ul class=\"demands\">{}</ul></section>",
            escape(&lang.text("admin.demands.preview")),
            render_demand_item(demand, &previewed, lang)
        );
    }
    if signed.may(id, Permission::EditDemands) {
        let _ = write!(
            main,
            "<form method=\"post\" class=\"stack\">{}<fieldset><legend>{}</legend>",
            csrf_field(signed),
            escape(&lang.text("admin.demands.status"))
        );
        for s in DemandStatus::ALL {
            let checked = if s == draft.status { " checked" } else { "" };
            let _ = write!(
                main,
                "<p class=\"choice\"><input type=\"radio\" id=\"status-{0}\" name=\"status\" value=\"{0}\"{checked}><label for=\"status-{0}\">{1}</label></p>",
                s.as_str(),
                escape(&status_words(lang, s))
            );
        }
        let _ = write!(
            main,
            "</fieldset><p><label for=\"note\">{}</label><textarea id=\"note\" name=\"note\" rows=\"3\">{}</textarea></p><fieldset><legend>{}</legend>",
            escape(&lang.text("admin.demands.note")),
            escape(&draft.note),
            escape(&lang.text("admin.demands.evidence"))
        );
        let rows = draft.evidence.len() + EVIDENCE_ROWS.saturating_sub(draft.evidence.len()).max(1);
        for i in 0..rows {
            let e = draft.evidence.get(i);
            let n = (i + 1).to_string();
            let _ = write!(
                main,
                "<div class=\"evidence-row\"><p><label for=\"ev-url-{i}\">{}</label><input id=\"ev-url-{i}\" name=\"evidence_url\" type=\"url\" value=\"{}\"></p>\
                 <p><label for=\"ev-date-{i}\">{}</label><input id=\"ev-date-{i}\" name=\"evidence_date\" type=\"date\" value=\"{}\"></p>\
                 <p><label for=\"ev-title-{i}\">{}</label><input id=\"ev-title-{i}\" name=\"evidence_title\" value=\"{}\"></p></div>",
                escape(&lang.format("admin.demands.evidence.url", &[("n", &n)])),
                escape(e.map_or("", |e| &e.url)),
                escape(&lang.format("admin.demands.evidence.date", &[("n", &n)])),
                escape(e.map_or("", |e| &e.date)),
                escape(&lang.format("admin.demands.evidence.title", &[("n", &n)])),
                escape(e.map_or("", |e| &e.title)),
            );
        }
        let _ = write!(
            main,
            "</fieldset><p class=\"actions\"><button type=\"submit\" name=\"action\" value=\"preview\" class=\"secondary\">{}</button> <button type=\"submit\" name=\"action\" value=\"save\">{}</button></p></form>",
            escape(&lang.text("admin.demands.preview_button")),
            escape(&lang.text("admin.demands.save")),
        );
    }
    let _ = write!(
        main,
        "<h2>{}</h2>{}",
        escape(&lang.text("admin.demands.history")),
        table_head(lang, &["admin.when", "admin.demands.status", "admin.demands.note", "admin.who"]),
    );
    for change in history.iter().rev() {
        let _ = write!(
            main,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(change.demand.updated_at.as_deref().unwrap_or("")),
            escape(&status_words(lang, change.demand.status)),
            escape(&change.demand.note),
            escape(&change.changed_by)
        );
    }
    main.push_str("</tbody></table>");
    let mut response = campaign_page(signed, record, Section::Demands, &heading, &main);
    *response.status_mut() = status;
    response
}

pub async fn edit_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, demand_id)): Path<(String, String)>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    let (signed, record) = match open(&state, &headers, &id, Section::Demands, Permission::Read).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(demand) = find_in_campaign(&record, &demand_id) else {
        return layout::message(StatusCode::NOT_FOUND, signed.lang, "admin.error.no_demand");
    };
    let top = saved_notice(&signed, raw.as_deref());
    render_edit(
        &state,
        &signed,
        &record,
        demand,
        View { draft: None, top: &top, preview: false, status: StatusCode::OK },
    )
    .await
}

pub async fn edit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, demand_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (signed, record, form) =
        match open_change(&state, &headers, &id, Section::Demands, Permission::EditDemands, &body).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let lang = signed.lang;
    let Some(demand) = find_in_campaign(&record, &demand_id) else {
        return layout::message(StatusCode::NOT_FOUND, lang, "admin.error.no_demand");
    };
    let draft = match draft_from_form(&form) {
        Ok(d) => d,
        Err(problem) => {
            let top = layout::problem(&problem);
            let view = View { draft: None, top: &top, preview: false, status: StatusCode::UNPROCESSABLE_ENTITY };
            return render_edit(&state, &signed, &record, demand, view).await;
        }
    };
    if form.get("action") != Some("save") {
        let view = View { draft: Some(draft), top: "", preview: true, status: StatusCode::OK };
        return render_edit(&state, &signed, &record, demand, view).await;
    }
    let update = StatusUpdate { status: draft.status, note: draft.note.clone(), evidence: draft.evidence.clone() };
    match admin::set_demand_status(&state.store, &id, &demand_id, update, signed.actor()).await {
        Ok(change) => {
            let detail = format!("{demand_id}: {}", change.demand.status.as_str());
            let audited = state.store.audit(signed.actor(), &id, AuditAction::DemandStatus, &detail).await;
            // After the audit line: the fan-out to the streams must not delay it (see admin_api).
            state.live.nudge();
            if let Err(e) = audited {
                return layout::storage_error(lang, e);
            }
            layout::redirect(&format!(
                "{}/{}?saved=1",
                section_path(&id, Section::Demands),
                super::form::url_encode(&demand_id)
            ))
        }
        Err(AdminError::Refused(error)) => {
            let mut text = error.message.clone();
            for field in &error.fields {
                let _ = write!(text, " {}: {}.", field.field, field.message);
            }
            let top = layout::problem(&text);
            let view = View { draft: Some(draft), top: &top, preview: false, status: StatusCode::UNPROCESSABLE_ENTITY };
            render_edit(&state, &signed, &record, demand, view).await
        }
        Err(AdminError::Store(e)) => layout::storage_error(lang, e),
    }
}
