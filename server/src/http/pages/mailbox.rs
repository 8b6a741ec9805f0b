//! The demo's mailbox: `GET /mail/` lists the mail the receiver wrote to its mail folder (no SMTP
//! server configured) and shows each one, with its links, so that confirming and withdrawing work
//! on a fresh machine without a mail server. Served only with `show_mail_folder` (the demo turns
//! it on): the messages hold working links, so a real receiver never shows them.

use super::html::escape;
use super::layout::page;
use super::text::Lang;
use crate::http::state::AppState;
use crate::mail::sender::FolderMail;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::fmt::Write as _;
use std::sync::Arc;

pub const PATH: &str = "/mail/";

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route(PATH, get(list)).route("/mail/{name}", get(show))
}

/// Every mail in the folder, newest first: (file stem, mail).
async fn read_folder(state: &AppState) -> Vec<(String, FolderMail)> {
    let mut mails = Vec::new();
    let Ok(mut entries) = tokio::fs::read_dir(&state.config.mail.folder).await else { return mails };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
            if let Ok(Ok(mail)) = tokio::fs::read(&path).await.map(|b| serde_json::from_slice::<FolderMail>(&b)) {
                mails.push((stem, mail));
            }
        }
    }
    mails.sort_by(|a, b| b.0.cmp(&a.0));
    mails
}

fn not_shown() -> Response {
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}

fn private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

async fn list(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if !state.config.mail.show_folder {
        return not_shown();
    }
    let lang = Lang::from_headers(&headers);
    let title = "Demo mailbox";
    let mut main = format!(
        "<h1>{title}</h1><p>Mail the receiver sent while no SMTP server is configured ({}), newest first.</p>",
        escape(&state.config.mail.folder.display().to_string())
    );
    let mails = read_folder(&state).await;
    if mails.is_empty() {
        main.push_str("<p>No mail yet.</p>");
    } else {
        main.push_str("<ul class=\"mailbox\">");
        for (stem, mail) in &mails {
            let _ = write!(
                main,
                "<li><a href=\"/mail/{}\">{}</a> <span class=\"muted\">to {} · {}</span></li>",
                escape(stem),
                escape(&mail.subject),
                escape(&mail.to),
                escape(&mail.date)
            );
        }
        main.push_str("</ul>");
    }
    private(page(StatusCode::OK, lang, title, &main))
}

async fn show(State(state): State<Arc<AppState>>, headers: HeaderMap, Path(name): Path<String>) -> Response {
    if !state.config.mail.show_folder || name.is_empty() || !name.bytes().all(|b| b.is_ascii_digit()) {
        return not_shown();
    }
    let lang = Lang::from_headers(&headers);
    let path = state.config.mail.folder.join(format!("{name}.json"));
    let Ok(Ok(mail)) = tokio::fs::read(&path).await.map(|b| serde_json::from_slice::<FolderMail>(&b)) else {
        return not_shown();
    };
    let mut main = format!(
        "<h1>{}</h1><p class=\"muted\">To {} · {}</p><div class=\"mail\">",
        escape(&mail.subject),
        escape(&mail.to),
        escape(&mail.date)
    );
    // The text body, its links made clickable (the HTML body is not shown: it would need its own
    // styles, which the pages' policy forbids).
    for paragraph in mail.text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        main.push_str("<p>");
        for (i, line) in paragraph.lines().enumerate() {
            if i > 0 {
                main.push_str("<br>");
            }
            if line.starts_with("http://") || line.starts_with("https://") {
                let _ = write!(main, "<a href=\"{0}\">{0}</a>", escape(line));
            } else {
                main.push_str(&escape(line));
            }
        }
        main.push_str("</p>");
    }
    let _ = write!(main, "</div><ul class=\"links\"><li><a href=\"{PATH}\">All mail</a></li></ul>");
    private(page(StatusCode::OK, lang, &mail.subject, &main))
}
