//! The letter's revisions on the pages: a notice on the letter page when its text was revised, with
//! links to each revision, and the page of one revision (`GET /campaigns/{id}/revisions/{n}`): what
//! changed since the revision before (removed and added lines, the changed words marked, each line
//! labelled in words since colour and strike-through alone say nothing to a screen reader), then
//! the revision's whole text.

use super::answer::{error_page, AnswerContext};
use super::html::escape;
use super::layout::{letter_path, page, revision_path};
use super::text::Lang;
use crate::http::error::HttpError;
use crate::http::revisions::{detail, RevisionDetail};
use crate::http::state::AppState;
use crate::revisions::{DiffLine, LineChange, Revision};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use std::fmt::Write as _;
use std::sync::Arc;

/// The date part of a stored timestamp (`2026-11-28T04:40:00Z` → `2026-11-28`).
pub fn day(timestamp: &str) -> &str {
    timestamp.split('T').next().unwrap_or(timestamp)
}

/// For the letter page: nothing while the letter has one text; else which revision this is and a
/// list of every revision's page.
pub fn notice(campaign_id: &str, revisions: &[Revision], lang: Lang) -> String {
    let Some(current) = revisions.last().filter(|_| revisions.len() > 1) else { return String::new() };
    let mut out = format!(
        "<p class=\"revised\">{}</p>",
        escape(
            &lang
                .format("page.revised", &[("number", &current.number.to_string()), ("date", day(&current.created_at))])
        )
    );
    let _ = write!(
        out,
        "<nav class=\"revisions\" aria-labelledby=\"revisions-heading\"><h2 id=\"revisions-heading\">{}</h2><ul>",
        escape(&lang.text("page.revisions"))
    );
    for r in revisions.iter().rev() {
        let _ = write!(
            out,
            "<li><a href=\"{}\">{}</a></li>",
            escape(&revision_path(campaign_id, r.number)),
            escape(
                &lang.format("page.revision.link", &[("number", &r.number.to_string()), ("date", day(&r.created_at))])
            )
        );
    }
    out.push_str("</ul></nav>");
    out
}

/// `GET /campaigns/{id}/revisions/{n}`.
pub async fn revision_page(
    State(state): State<Arc<AppState>>,
    Path((id, number)): Path<(String, u32)>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let bare = AnswerContext { lang, ..AnswerContext::default() };
    let record = match state.store.campaign(&id).await {
        Ok(Some(record)) => record,
        Ok(None) => return error_page(HttpError::unknown_campaign(&id), &bare),
        Err(e) => return error_page(HttpError::storage(e), &bare),
    };
    let found = detail(&state, &id, number, None).await;
    let current = state.store.current_revision(&id).await.ok().flatten().map_or(number, |r| r.number);
    match found {
        Ok(d) => {
            let title = format!("“{}”", record.campaign.title);
            let heading = lang.format("page.revision.heading", &[("number", &number.to_string()), ("title", &title)]);
            let main = render(&d, &heading, current, lang);
            let mut response = page(StatusCode::OK, lang, &heading, &main);
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        Err(e) => error_page(e, &AnswerContext { campaign: Some(record), ..bare }),
    }
}

/// The changes of [`crate::revisions::diff`] as HTML: one block per group of nearby changes, each
/// line labelled removed or added in words, its changed words in `<del>` or `<ins>`. The letter
/// page of the back office shows a new text's changes with it too.
pub fn render_changes(changes: &[Vec<DiffLine>], lang: Lang) -> String {
    let mut out = String::new();
    for group in changes {
        out.push_str("<div class=\"change\">");
        for line in group {
            let (class, label, tag) = match line.change {
                LineChange::Removed => ("removed", "page.revision.removed", "del"),
                LineChange::Added => ("added", "page.revision.added", "ins"),
            };
            let _ = write!(out, "<p class=\"{class}\"><strong>{}</strong> ", escape(&lang.text(label)));
            for part in &line.parts {
                if part.changed {
                    let _ = write!(out, "<{tag}>{}</{tag}>", escape(&part.text));
                } else {
                    out.push_str(&escape(&part.text));
                }
            }
            out.push_str("</p>");
        }
        out.push_str("</div>");
    }
    out
}

fn render(d: &RevisionDetail, heading: &str, current: u32, lang: Lang) -> String {
    let mut out = format!("<h1>{}</h1>", escape(heading));
    let _ = write!(out, "<p class=\"date\">{}</p>", escape(day(&d.revision.created_at)));
    let standing = if d.current {
        lang.text("page.revision.current")
    } else {
        lang.format("page.revision.not_current", &[("number", &current.to_string())])
    };
    let _ = write!(out, "<p>{}</p>", escape(&standing));
    match d.compared_with {
        None => {
            let _ = write!(out, "<p>{}</p>", escape(&lang.text("page.revision.first")));
        }
        Some(other) => {
            let other = other.to_string();
            let _ = write!(out, "<h2>{}</h2>", escape(&lang.format("page.revision.changes", &[("number", &other)])));
            if d.changes.is_empty() {
                let _ =
                    write!(out, "<p>{}</p>", escape(&lang.format("page.revision.no_changes", &[("number", &other)])));
            }
            out.push_str(&render_changes(&d.changes, lang));
        }
    }
    let _ = write!(
        out,
        "<h2>{}</h2><div class=\"revision-text\">{}</div>",
        escape(&lang.format("page.revision.text", &[("number", &d.revision.number.to_string())])),
        escape(&d.text)
    );
    let _ = write!(
        out,
        "<ul class=\"links\"><li><a href=\"{}\">{}</a></li></ul>",
        escape(&letter_path(&d.campaign)),
        escape(&lang.text("page.read_letter"))
    );
    out
}
