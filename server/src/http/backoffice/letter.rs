//! The letter (editors): the published campaign source, a form to paste a new one, a preview of
//! the new letter as the letter page draws it, the changes line by line against the published
//! source, and publishing it (through [`crate::admin::import_campaign`], as the admin API does).

use super::super::pages::html::escape;
use super::super::pages::letter::render_article;
use super::campaign::{campaign_page, open};
use super::form::FormData;
use super::layout::{self, csrf_field, section_path, Section};
use crate::admin::{self, AdminError};
use crate::http::AppState;
use crate::organizers::Permission;
use crate::store::CampaignRecord;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::fmt::Write as _;
use std::sync::Arc;
use undersigned_core::feed::StatusFeed;

/// A line of a comparison.
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// The line-by-line changes from `old` to `new` (longest common subsequence; a letter has
/// hundreds of lines, so the quadratic table is small).
pub fn diff<'a>(old: &'a str, new: &'a str) -> Vec<Line<'a>> {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let mut table = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if a[i] == b[j] { table[i + 1][j + 1] + 1 } else { table[i + 1][j].max(table[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(Line::Same(a[i]));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            out.push(Line::Removed(a[i]));
            i += 1;
        } else {
            out.push(Line::Added(b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|l| Line::Removed(l)));
    out.extend(b[j..].iter().map(|l| Line::Added(l)));
    out
}

fn render_diff(old: &str, new: &str, lang: super::super::pages::text::Lang) -> String {
    let lines = diff(old, new);
    let changed = lines.iter().filter(|l| !matches!(l, Line::Same(_))).count();
    let mut out = format!(
        "<section aria-labelledby=\"diff-heading\"><h2 id=\"diff-heading\">{}</h2><p>{}</p><ol class=\"diff\">",
        escape(&lang.text("admin.letter.diff")),
        escape(&lang.plural("admin.letter.changed_lines", changed as u64, &[]))
    );
    for line in lines {
        let (class, mark, text) = match line {
            Line::Same(_) => continue,
            Line::Removed(t) => ("removed", lang.text("admin.letter.removed"), t),
            Line::Added(t) => ("added", lang.text("admin.letter.added"), t),
        };
        let _ = write!(
            out,
            "<li class=\"{class}\"><span class=\"mark\">{}</span> <code>{}</code></li>",
            escape(&mark),
            escape(text)
        );
    }
    out.push_str("</ol></section>");
    out
}

fn form(signed: &super::Signed, source: &str) -> String {
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
    let source = match state.store.campaign_source(&id).await {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => return layout::storage_error(lang, e),
    };
    let heading = lang.text("admin.nav.letter");
    let mut main = format!("<h1>{}</h1>", escape(&heading));
    if FormData::from_query(raw.as_deref()).get("published").is_some() {
        main.push_str(&layout::notice(&lang.text("admin.letter.published")));
    }
    let _ = write!(
        main,
        "<p><a href=\"{}\">{}</a></p>",
        escape(&super::super::pages::letter_path(&id)),
        escape(&lang.text("admin.letter.public_page"))
    );
    if signed.may(&id, Permission::EditLetter) {
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
    let (signed, record) = match open(&state, &headers, &id, Section::Letter, Permission::EditLetter).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let posted = FormData::from_body(&body);
    if let Err(r) = signed.check_csrf(&posted) {
        return r;
    }
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
            state.store.audit(signed.actor(), &id, "letter.publish", &format!("{} lines", source.lines().count())).await
        };
        return match done.await {
            Ok(()) => {
                state.live.nudge();
                super::redirect(&format!("{}?published=1", section_path(&id, Section::Letter)))
            }
            Err(e) => layout::storage_error(lang, e),
        };
    }
    let published = match state.store.campaign_source(&id).await {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => return layout::storage_error(lang, e),
    };
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
    main.push_str(&render_diff(&published, &source, lang));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_keeps_common_lines_and_marks_the_rest() {
        assert_eq!(
            diff("a\nb\nc", "a\nx\nc\nd"),
            vec![Line::Same("a"), Line::Removed("b"), Line::Added("x"), Line::Same("c"), Line::Added("d")]
        );
        assert!(diff("same", "same").iter().all(|l| matches!(l, Line::Same(_))));
    }
}
