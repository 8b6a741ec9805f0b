//! The home page (the organizer's campaigns), a campaign's overview (figures, the chart of
//! signatures per day drawn here as SVG, signatures by partner source), and the embed page (the
//! one configurator, with this campaign chosen).

use super::super::pages::html::escape;
use super::account::sign_out_everywhere_form;
use super::form::FormData;
use super::layout::{self, section_path, table_head, Section};
use super::session::Signed;
use crate::http::state::AppState;
use crate::organizers::Permission;
use crate::store::{CampaignRecord, SignerState};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::fmt::Write as _;
use std::sync::Arc;

/// The signed-in organizer and the campaign, when they may do `permission` on it (else the answer:
/// sign-in redirect, 404 or 403).
pub async fn open(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    section: Section,
    permission: Permission,
) -> Result<(Signed, CampaignRecord), Response> {
    let signed = Signed::from_request(state, headers, &section_path(id, section)).await?;
    // A campaign the organizer has no role on is answered like one that does not exist.
    if signed.principal.role_on(id).is_none() {
        return Err(layout::message(StatusCode::NOT_FOUND, signed.lang, "admin.error.no_campaign"));
    }
    signed.require(id, permission)?;
    match state.store.campaign(id).await {
        Ok(Some(record)) => Ok((signed, record)),
        Ok(None) => Err(layout::message(StatusCode::NOT_FOUND, signed.lang, "admin.error.no_campaign")),
        Err(e) => Err(layout::storage_error(signed.lang, e)),
    }
}

/// [`open`] for a change posted as a form: also reads the form and checks its anti-forgery token.
pub async fn open_change(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    section: Section,
    permission: Permission,
    body: &[u8],
) -> Result<(Signed, CampaignRecord, FormData), Response> {
    let (signed, record) = open(state, headers, id, section, permission).await?;
    let form = FormData::parse(body);
    signed.check_csrf(&form)?;
    Ok((signed, record, form))
}

/// The "saved" notice at the top of a page reached by the redirect after a change (`?saved`), or
/// nothing.
pub fn saved_notice(signed: &Signed, raw_query: Option<&str>) -> String {
    if FormData::from_query(raw_query).get("saved").is_some() {
        layout::notice(&signed.lang.text("admin.saved"))
    } else {
        String::new()
    }
}

/// A page of a campaign's section.
pub fn campaign_page(
    signed: &Signed,
    record: &CampaignRecord,
    section: Section,
    heading: &str,
    main: &str,
) -> Response {
    let title = format!("{heading} · {}", record.campaign.title);
    layout::page(
        StatusCode::OK,
        signed.lang,
        &title,
        Some(signed),
        Some((&record.campaign.id, &record.campaign.title, section)),
        main,
    )
}

pub async fn home(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let signed = match Signed::from_request(&state, &headers, "/admin").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let lang = signed.lang;
    let ids = match state.store.campaign_ids().await {
        Ok(ids) => ids,
        Err(e) => return layout::storage_error(lang, e),
    };
    let mut main = format!(
        "<h1>{}</h1><p>{}</p>",
        escape(&lang.text("admin.home.heading")),
        escape(&lang.format("admin.home.signed_in_as", &[("email", &signed.session.organizer.email)]))
    );
    let mine: Vec<&String> = ids.iter().filter(|id| signed.principal.role_on(id).is_some()).collect();
    if mine.is_empty() {
        main.push_str(&format!("<p>{}</p>", escape(&lang.text("admin.home.none"))));
    } else {
        let _ = write!(
            main,
            "<table><caption>{}</caption><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            escape(&lang.text("admin.home.campaigns")),
            escape(&lang.text("admin.campaign")),
            escape(&lang.text("admin.role")),
            escape(&lang.text("admin.figures.approved")),
            escape(&lang.text("admin.figures.pending")),
        );
        for id in mine {
            let figures = match state.store.campaign_figures(id, "9999").await {
                Ok(f) => f,
                Err(e) => return layout::storage_error(lang, e),
            };
            let role = signed.principal.role_on(id).map(|r| lang.text(&format!("admin.role.{}", r.as_str())));
            let _ = write!(
                main,
                "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&section_path(id, Section::Overview)),
                escape(id),
                escape(&role.unwrap_or_default()),
                figures.by_state[1],
                figures.by_state[0],
            );
        }
        main.push_str("</tbody></table>");
    }
    main.push_str(&sign_out_everywhere_form(&signed));
    layout::page(StatusCode::OK, lang, &lang.text("admin.home.heading"), Some(&signed), None, &main)
}

/// How many days the chart shows.
const CHART_DAYS: i64 = 30;

pub async fn overview(State(state): State<Arc<AppState>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let (signed, record) = match open(&state, &headers, &id, Section::Overview, Permission::Read).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lang = signed.lang;
    let first_day = &crate::clock::days_ago(CHART_DAYS - 1)[..10];
    let figures = match state.store.campaign_figures(&id, first_day).await {
        Ok(f) => f,
        Err(e) => return layout::storage_error(lang, e),
    };
    let total: i64 = figures.by_state.iter().sum();
    let heading = lang.text("admin.nav.overview");
    let mut main = format!("<h1>{}</h1><dl class=\"figures\">", escape(&heading));
    let state_count = |s: SignerState| figures.by_state[SignerState::ALL.iter().position(|x| *x == s).unwrap_or(0)];
    for (key, value) in [
        ("admin.figures.total", total),
        ("admin.figures.today", figures.today),
        ("admin.figures.approved", state_count(SignerState::Approved)),
        ("admin.figures.pending", state_count(SignerState::Pending)),
        ("admin.figures.spam", state_count(SignerState::Spam)),
        ("admin.figures.rejected", state_count(SignerState::Rejected)),
        ("admin.figures.awaiting_confirmation", figures.awaiting_confirmation),
    ] {
        let _ = write!(main, "<div><dt>{}</dt><dd>{value}</dd></div>", escape(&lang.text(key)));
    }
    main.push_str("</dl>");
    main.push_str(&chart(&figures.per_day, first_day, lang));
    let _ = write!(
        main,
        "<h2>{}</h2>{}",
        escape(&lang.text("admin.sources.heading")),
        table_head(lang, &["admin.sources.source", "admin.sources.count"]),
    );
    for (source, count) in &figures.by_source {
        let name = if source.is_empty() { lang.text("admin.sources.none") } else { source.clone() };
        let _ = write!(main, "<tr><td>{}</td><td>{count}</td></tr>", escape(&name));
    }
    main.push_str("</tbody></table>");
    campaign_page(&signed, &record, Section::Overview, &heading, &main)
}

/// Signatures per day as an SVG bar chart, with the same figures as a table for screen readers
/// and keyboard users (the chart is an image with a text alternative; the table is the data).
fn chart(per_day: &[(String, i64)], first_day: &str, lang: super::super::pages::text::Lang) -> String {
    let first = crate::clock::parse_millis(&format!("{first_day}T00:00:00.000Z")).unwrap_or(0);
    let days: Vec<(String, i64)> = (0..CHART_DAYS)
        .map(|i| {
            let day = crate::clock::format_millis(first + i * 86_400_000)[..10].to_string();
            let count = per_day.iter().find(|(d, _)| *d == day).map_or(0, |(_, n)| *n);
            (day, count)
        })
        .collect();
    let max = days.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let (width, height, bar) = (600, 160, 20);
    let title = lang.text("admin.chart.title");
    let total: i64 = days.iter().map(|(_, n)| n).sum();
    let description =
        lang.format("admin.chart.description", &[("total", &total.to_string()), ("max", &max.to_string())]);
    let mut out = format!(
        "<figure class=\"chart\"><svg viewBox=\"0 0 {width} {}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" focusable=\"false\">\
         <title id=\"chart-title\">{}</title><desc id=\"chart-desc\">{}</desc>\
         <line class=\"axis\" x1=\"0\" y1=\"{height}\" x2=\"{width}\" y2=\"{height}\"></line>",
        height + 20,
        escape(&title),
        escape(&description)
    );
    for (i, (day, count)) in days.iter().enumerate() {
        let h = (count * (height - 10) / max).max(if *count > 0 { 2 } else { 0 });
        let x = i as i64 * bar;
        let _ = write!(
            out,
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{h}\"><title>{day}: {count}</title></rect>",
            x + 2,
            height - h,
            bar - 4
        );
    }
    let _ = write!(
        out,
        "<text class=\"label\" x=\"0\" y=\"{}\">{}</text><text class=\"label\" x=\"{width}\" y=\"{}\" text-anchor=\"end\">{}</text></svg>",
        height + 16,
        escape(&days[0].0),
        height + 16,
        escape(&days[days.len() - 1].0)
    );
    let _ = write!(
        out,
        "<figcaption>{}</figcaption></figure><details><summary>{}</summary>{}",
        escape(&title),
        escape(&lang.text("admin.chart.table")),
        table_head(lang, &["admin.chart.day", "admin.sources.count"]),
    );
    for (day, count) in days.iter().filter(|(_, n)| *n > 0) {
        let _ = write!(out, "<tr><td>{day}</td><td>{count}</td></tr>");
    }
    out.push_str("</tbody></table></details>");
    out
}

pub async fn embed(State(state): State<Arc<AppState>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let (signed, record) = match open(&state, &headers, &id, Section::Embed, Permission::Read).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lang = signed.lang;
    let heading = lang.text("admin.nav.embed");
    let configurator = format!("/www/configurator.html?campaign={}", super::form::url_encode(&id));
    let main = format!(
        "<h1>{}</h1><p>{}</p><p><a class=\"button\" href=\"{}\">{}</a></p><p class=\"help\">{}</p>",
        escape(&heading),
        escape(&lang.text("admin.embed.intro")),
        escape(&configurator),
        escape(&lang.text("admin.embed.open")),
        escape(&lang.text("admin.embed.where")),
    );
    campaign_page(&signed, &record, Section::Embed, &heading, &main)
}
