//! The letter (editors): its revisions (each with its public page of changes), the published
//! campaign source, a form to paste a new one, a preview of the new letter as the letter page
//! draws it, what the new one changes in the text signers endorse (the revisions' own diff,
//! [`crate::revisions::diff`] of [`crate::revisions::letter_text`], drawn as the revision pages
//! draw it), and publishing it (through [`crate::admin::import_campaign`], as the admin API does).
//! Once the text has changed, editors may ask the earlier signers to endorse the current text
//! (the last part of this file).

use super::super::pages::html::escape;
use super::super::pages::layout::revision_path;
use super::super::pages::letter::render_article;
use super::super::pages::revision::{day, render_changes};
use super::campaign::{campaign_page, open, open_change};
use super::form::FormData;
use super::layout::{self, csrf_field, section_path, Section};
use crate::admin::{self, AdminError};
use crate::domain::AuditAction;
use crate::http::state::AppState;
use crate::organizers::Permission;
use crate::revisions;
use crate::store::CampaignRecord;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::fmt::Write as _;
use std::sync::Arc;
use undersigned_core::feed::StatusFeed;
use undersigned_core::Campaign;

/// What `new` changes in the endorsed text of `published` (nothing when only the signatories,
/// statuses or the file's layout differ: then no new revision is made either).
fn render_diff(published: &Campaign, new: &Campaign, lang: super::super::pages::text::Lang) -> String {
    let changes = revisions::diff(&revisions::letter_text(published), &revisions::letter_text(new));
    let changed: usize = changes.iter().map(Vec::len).sum();
    let mut out = format!(
        "<section aria-labelledby=\"diff-heading\" class=\"revision-diff\"><h2 id=\"diff-heading\">{}</h2><p>{}</p>",
        escape(&lang.text("admin.letter.diff")),
        escape(&lang.plural("admin.letter.changed_lines", changed as u64, &[]))
    );
    if changes.is_empty() {
        let _ = write!(out, "<p>{}</p>", escape(&lang.text("admin.letter.no_changes")));
    }
    out.push_str(&render_changes(&changes, lang));
    out.push_str("</section>");
    out
}

/// The letter's revisions, newest first, each linking to its public page of changes.
fn render_revisions(id: &str, list: &[crate::revisions::Revision], lang: super::super::pages::text::Lang) -> String {
    let mut out = format!(
        "<section aria-labelledby=\"revisions-heading\"><h2 id=\"revisions-heading\">{}</h2><p>{}</p><ul class=\"revisions\">",
        escape(&lang.text("admin.letter.revisions")),
        escape(&lang.text("admin.letter.revisions_help")),
    );
    let current = list.last().map(|r| r.number);
    for r in list.iter().rev() {
        let mut text =
            lang.format("page.revision.link", &[("number", &r.number.to_string()), ("date", day(&r.created_at))]);
        if Some(r.number) == current {
            text = format!("{text} ({})", lang.text("admin.letter.current"));
        }
        let _ = write!(out, "<li><a href=\"{}\">{}</a></li>", escape(&revision_path(id, r.number)), escape(&text));
    }
    out.push_str("</ul></section>");
    out
}

fn form(signed: &super::session::Signed, source: &str) -> String {
    let lang = signed.lang;
    format!(
        "<form method=\"post\" class=\"stack\">{}<p><label for=\"source\">{}</label><textarea id=\"source\" name=\"source\" rows=\"20\" class=\"source\" spellcheck=\"false\" aria-describedby=\"source-help\">{}</textarea><span id=\"source-help\" class=\"help\">{}</span></p>\
         <p class=\"actions\"><button type=\"submit\" name=\"action\" value=\"preview\" class=\"secondary\">{}</button> <button type=\"submit\" name=\"action\" value=\"publish\">{}</button></p></form>",
        csrf_field(signed),
        escape(&lang.text("admin.letter.source")),
        escape(source),
        escape(&lang.text("admin.letter.source_help")),
        escape(&lang.text("admin.letter.preview")),
        escape(&lang.text("admin.letter.publish")),
    )
}

pub async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (signed, record) = match open(&state, &headers, &id, Section::Letter, Permission::Read).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lang = signed.lang;
    let may_edit = signed.may(&id, Permission::EditLetter);
    let loaded = async {
        let candidates = if may_edit { Some(state.store.endorse_request_candidates(&id).await?) } else { None };
        anyhow::Ok((state.store.campaign_source(&id).await?, state.store.revisions(&id).await?, candidates))
    };
    let (source, revision_list, candidates) = match loaded.await {
        Ok((source, list, candidates)) => (source.unwrap_or_default(), list, candidates),
        Err(e) => return layout::storage_error(lang, e),
    };
    let heading = lang.text("admin.nav.letter");
    let mut main = format!("<h1>{}</h1>", escape(&heading));
    let query = FormData::from_query(raw.as_deref());
    if query.get("published").is_some() {
        main.push_str(&layout::notice(&lang.text("admin.letter.published")));
    }
    if let Some(notice) = endorse_notice(lang, &query) {
        main.push_str(&notice);
    }
    let _ = write!(
        main,
        "<p><a href=\"{}\">{}</a></p>",
        escape(&super::super::pages::layout::letter_path(&id)),
        escape(&lang.text("admin.letter.public_page"))
    );
    main.push_str(&render_revisions(&id, &revision_list, lang));
    // Only once there is an earlier text to have signed.
    if let (Some(candidates), true) = (candidates, revision_list.len() > 1) {
        main.push_str(&endorse_section(&signed, &id, candidates));
    }
    if may_edit {
        main.push_str(&form(&signed, &source));
    } else {
        let _ = write!(main, "<pre class=\"source\">{}</pre>", escape(&source));
    }
    campaign_page(&signed, &record, Section::Letter, &heading, &main)
}

fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (signed, record, posted) =
        match open_change(&state, &headers, &id, Section::Letter, Permission::EditLetter, &body).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let lang = signed.lang;
    let source = posted.get("source").unwrap_or("").replace("\r\n", "\n");
    let heading = lang.text("admin.nav.letter");
    let compiled = undersigned_core::authoring::compile_str("the pasted campaign file", &source);
    let campaign = match compiled {
        Ok(c) if c.id == id => c,
        Ok(c) => {
            let text = lang.format("admin.letter.other_id", &[("id", &c.id), ("expected", &id)]);
            let main = format!("<h1>{}</h1>{}{}", escape(&heading), layout::problem(&text), form(&signed, &source));
            return with_status(
                campaign_page(&signed, &record, Section::Letter, &heading, &main),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        Err(errors) => {
            let text = errors.iter().map(|e| format!("line {}: {}", e.line, e.message)).collect::<Vec<_>>().join(" · ");
            let main = format!("<h1>{}</h1>{}{}", escape(&heading), layout::problem(&text), form(&signed, &source));
            return with_status(
                campaign_page(&signed, &record, Section::Letter, &heading, &main),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    if posted.get("action") == Some("publish") {
        let done = async {
            match admin::import_campaign(&state.store, "the pasted campaign file", &source).await {
                Ok(_) => {}
                Err(AdminError::Refused(e)) => anyhow::bail!("{}", e.message),
                Err(AdminError::Store(e)) => return Err(e),
            }
            state
                .store
                .audit(signed.actor(), &id, AuditAction::LetterPublish, &format!("{} lines", source.lines().count()))
                .await
        };
        return match done.await {
            Ok(()) => {
                state.live.nudge();
                layout::redirect(&format!("{}?published=1", section_path(&id, Section::Letter)))
            }
            Err(e) => layout::storage_error(lang, e),
        };
    }
    let preview_record = CampaignRecord { campaign, settings: record.settings.clone() };
    let feed = match state.store.latest_change_id(Some(&id)).await {
        Ok(upto) => crate::status_feed::build(&state.store, &preview_record, upto).await,
        Err(e) => Err(e),
    };
    let feed: StatusFeed = match feed {
        Ok(f) => f,
        Err(e) => return layout::storage_error(lang, e),
    };
    let mut main = format!("<h1>{}</h1>", escape(&heading));
    main.push_str(&render_diff(&record.campaign, &preview_record.campaign, lang));
    let _ = write!(
        main,
        "<section class=\"preview\" aria-labelledby=\"letter-preview\"><h2 id=\"letter-preview\">{}</h2>{}</section>",
        escape(&lang.text("admin.letter.preview_heading")),
        render_article(&preview_record.campaign, &feed, &[], lang)
            .replacen("<h1>", "<p class=\"title\">", 1)
            .replacen("</h1>", "</p>", 1)
    );
    main.push_str(&form(&signed, &source));
    campaign_page(&signed, &record, Section::Letter, &heading, &main)
}

// The request to the signers of an earlier text to endorse the current one (editors and owners:
// [`Permission::EditLetter`], as publishing the text that made them earlier signers): how many
// confirmed signers it would mail, and a button that queues one mail each
// ([`crate::admin::request_endorsement`], as the admin API and the CLI do), written to the audit
// log. A signature moves only when its signer presses the button of the mailed link.

/// Where the button posts.
fn endorse_request_path(campaign: &str) -> String {
    format!("{}/endorsement-requests", section_path(campaign, Section::Letter))
}

/// The query parameter the letter page reads after a request (how many mails were queued).
const QUEUED: &str = "endorse_requested";

/// The section of the letter page: the count of signers a request would mail, and the button
/// (none when nobody is left to mail).
fn endorse_section(signed: &super::session::Signed, campaign: &str, candidates: u64) -> String {
    let lang = signed.lang;
    let mut out = format!(
        "<section aria-labelledby=\"endorse-heading\"><h2 id=\"endorse-heading\">{}</h2><p>{}</p>",
        escape(&lang.text("admin.endorse.heading")),
        escape(&lang.text("admin.endorse.help")),
    );
    if candidates == 0 {
        let _ = write!(out, "<p>{}</p>", escape(&lang.text("admin.endorse.none")));
    } else {
        let _ = write!(
            out,
            "<form method=\"post\" action=\"{}\">{}<p id=\"endorse-count\">{}</p><p class=\"actions\"><button type=\"submit\" aria-describedby=\"endorse-count\">{}</button></p></form>",
            escape(&endorse_request_path(campaign)),
            csrf_field(signed),
            escape(&lang.plural("admin.endorse.count", candidates, &[])),
            escape(&lang.text("admin.endorse.button")),
        );
    }
    out.push_str("</section>");
    out
}

/// The notice after a request (`?endorse_requested=N` on the letter page).
fn endorse_notice(lang: super::super::pages::text::Lang, form: &FormData) -> Option<String> {
    let queued: u64 = form.get(QUEUED)?.parse().ok()?;
    Some(layout::notice(&lang.plural("admin.endorse.sent", queued, &[])))
}

/// `POST /admin/campaigns/{id}/letter/endorsement-requests`: queues the mails, writes the audit
/// line, wakes the mail sender and goes back to the letter page with the count.
pub async fn request_endorsement(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (signed, _record, _form) =
        match open_change(&state, &headers, &id, Section::Letter, Permission::EditLetter, &body).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let done = async {
        let queued = match admin::request_endorsement(&state.store, &id).await {
            Ok(n) => n,
            Err(AdminError::Refused(e)) => anyhow::bail!("{}", e.message),
            Err(AdminError::Store(e)) => return Err(e),
        };
        state.store.audit(signed.actor(), &id, AuditAction::EndorsementRequested, &format!("{queued} mail(s)")).await?;
        Ok(queued)
    };
    match done.await {
        Ok(queued) => {
            state.mail.notify_one();
            layout::redirect(&format!("{}?{QUEUED}={queued}", section_path(&id, Section::Letter)))
        }
        Err(e) => layout::storage_error(signed.lang, e),
    }
}
