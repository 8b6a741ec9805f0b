//! The letter page's request to the signers of an earlier text to endorse the current one
//! (editors and owners: [`Permission::EditLetter`], as publishing the text that made them
//! earlier signers): how many confirmed signers it would mail, and a button that queues one mail
//! each ([`crate::admin::request_endorsement`], as the admin API and the CLI do), written to the
//! audit log. A signature moves only when its signer presses the button of the mailed link.

use super::super::pages::html::escape;
use super::super::pages::text::Lang;
use super::campaign::open;
use super::form::FormData;
use super::layout::{self, csrf_field, section_path, Section};
use crate::admin::{self, AdminError};
use crate::http::AppState;
use crate::organizers::Permission;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use std::fmt::Write as _;
use std::sync::Arc;

/// Where the button posts.
pub fn path(campaign: &str) -> String {
    format!("{}/endorsement-requests", section_path(campaign, Section::Letter))
}

/// The query parameter the letter page reads after a request (how many mails were queued).
pub const QUEUED: &str = "endorse_requested";

/// The section of the letter page: the count of signers a request would mail, and the button
/// (none when nobody is left to mail).
pub fn section(signed: &super::Signed, campaign: &str, candidates: u64) -> String {
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
            escape(&path(campaign)),
            csrf_field(signed),
            escape(&lang.plural("admin.endorse.count", candidates, &[])),
            escape(&lang.text("admin.endorse.button")),
        );
    }
    out.push_str("</section>");
    out
}

/// The notice after a request (`?endorse_requested=N` on the letter page).
pub fn notice(lang: Lang, form: &FormData) -> Option<String> {
    let queued: u64 = form.get(QUEUED)?.parse().ok()?;
    Some(layout::notice(&lang.plural("admin.endorse.sent", queued, &[])))
}

/// `POST /admin/campaigns/{id}/letter/endorsement-requests`: queues the mails, writes the audit
/// line, wakes the mail sender and goes back to the letter page with the count.
pub async fn request(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (signed, _record) = match open(&state, &headers, &id, Section::Letter, Permission::EditLetter).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = signed.check_csrf(&FormData::from_body(&body)) {
        return r;
    }
    let done = async {
        let queued = match admin::request_endorsement(&state.store, &id).await {
            Ok(n) => n,
            Err(AdminError::Refused(e)) => anyhow::bail!("{}", e.message),
            Err(AdminError::Store(e)) => return Err(e),
        };
        state.store.audit(signed.actor(), &id, admin::ENDORSEMENT_REQUESTED, &format!("{queued} mail(s)")).await?;
        Ok(queued)
    };
    match done.await {
        Ok(queued) => {
            state.mail.notify_one();
            super::redirect(&format!("{}?{QUEUED}={queued}", section_path(&id, Section::Letter)))
        }
        Err(e) => layout::storage_error(signed.lang, e),
    }
}
