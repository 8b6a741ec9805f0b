//! The answer to a plain form post (JavaScript off): the thank-you page ([`answer_page`]) or the
//! error page ([`error_page`]), with the links back ([`back_link`]).

use super::form;
use super::html::escape;
use super::layout::{letter_path, page};
use super::text::Lang;
use crate::domain::CampaignRecord;
use crate::http::error::HttpError;
use crate::http::origin;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use std::fmt::Write as _;
use undersigned_core::api_error::ErrorCode;
use undersigned_core::signature::answer::{AnswerStatus, SignatureAnswer};
use undersigned_core::signature::SignatureSubmission;

/// What an answer page knows besides the answer: the campaign (when it exists), the form as sent,
/// and where the visitor came from.
#[derive(Default)]
pub struct AnswerContext {
    pub campaign: Option<CampaignRecord>,
    pub submission: Option<SignatureSubmission>,
    /// The page that posted the form, when it is safe to link back to (see [`back_link`]).
    pub back: Option<String>,
    /// The visitor's language ([`Lang::from_headers`]).
    pub lang: Lang,
}

/// The `Referer` to link back to, when it is one of the origins that may post to this campaign
/// (its partner origins, the receiver-wide list, this receiver itself), is `http(s)` and agrees
/// with the request's `Origin`. Anything else could send the visitor somewhere the organizers
/// never chose, so the page links to the letter instead.
pub fn back_link(headers: &HeaderMap, campaign: Option<&CampaignRecord>, global_origins: &[String]) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?.trim();
    if !undersigned_core::campaign::is_safe_href(referer) || referer.starts_with("mailto:") {
        return None;
    }
    let (scheme, rest) = referer.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let referer_origin = format!("{scheme}://{authority}");
    if origin::request_origin(headers).is_some_and(|o| !o.trim_end_matches('/').eq_ignore_ascii_case(&referer_origin)) {
        return None;
    }
    let campaign_list = campaign.map_or(&[][..], |c| c.settings.allowed_origins.as_slice());
    if !origin::is_allowed(&referer_origin, origin::host(headers), campaign_list, global_origins) {
        return None;
    }
    // On this receiver, the page that posted was the letter page (the "Read the letter" link
    // already leads there) or an answer page, whose address is the signature endpoint (a GET of it
    // is `method_not_allowed`): no back link to either.
    let own = origin::host(headers).is_some_and(|h| authority.eq_ignore_ascii_case(h));
    let path = rest[authority.len()..].split(['?', '#']).next().unwrap_or("");
    let letter = campaign.is_some_and(|c| path == letter_path(&c.campaign.id));
    (!(own && (path.starts_with("/api/") || letter))).then(|| referer.to_string())
}

/// The thank-you page for a stored answer (`status`, and its JSON `body` as the store keeps it).
pub fn answer_page(status: StatusCode, body: &str, context: &AnswerContext) -> Response {
    let word = serde_json::from_str::<SignatureAnswer>(body).map(|answer| answer.status).ok();
    // The campaign is read again after signing; if that read failed, the page still answers.
    let lang = context.lang;
    let title =
        context.campaign.as_ref().map_or_else(|| lang.text("page.the_letter"), |c| format!("“{}”", c.campaign.title));
    let args = [("title", title.as_str())];
    let (heading, text) = match word {
        Some(AnswerStatus::Signed) => (lang.text("form.signed.heading"), lang.format("page.signed", &args)),
        Some(AnswerStatus::CheckInbox) => {
            (lang.text("page.check_inbox.heading"), lang.format("page.check_inbox", &args))
        }
        Some(AnswerStatus::AlreadySigned) => (lang.text("page.already.heading"), lang.format("page.already", &args)),
        _ => (lang.text("page.pending.heading"), lang.format("page.pending", &args)),
    };
    let mut main = format!("<h1>{}</h1><p class=\"done\">{}</p>", escape(&heading), escape(&text));
    push_links(context, &mut main);
    let mut response = page(status, lang, &heading, &main);
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The error page: the same HTTP status as the JSON error; what is wrong with every field (core's
/// messages), or the error's message; the form again, filled in as sent, when there is a campaign.
pub fn error_page(error: HttpError, context: &AnswerContext) -> Response {
    let status = StatusCode::from_u16(error.body.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let lang = context.lang;
    let heading = lang.text("page.error.heading");
    let mut main = format!("<h1>{}</h1>", escape(&heading));
    let fields = &error.body.fields;
    if fields.is_empty() {
        let _ = write!(
            main,
            "<p class=\"problem\">{}</p>",
            escape(&lang.error_message(error.body.code.as_str(), &error.body.message))
        );
    } else {
        let _ = write!(
            main,
            "<div class=\"problem\"><p>{}</p><ul>",
            escape(&lang.plural("form.errors.summary", fields.len() as u64, &[]))
        );
        for f in fields {
            let label = escape(&form::label_of(&f.field, lang));
            let message = escape(&lang.field_message(f));
            if form::has_input(&f.field) && context.campaign.is_some() {
                let _ = write!(main, "<li><a href=\"#{}\">{label}</a>: {message}</li>", form::input_id(&f.field));
            } else {
                let _ = write!(main, "<li>{label}: {message}</li>");
            }
        }
        main.push_str("</ul></div>");
    }
    // Sending the same form again can help after these; after the others it cannot.
    let again = matches!(
        error.body.code,
        ErrorCode::ValidationFailed | ErrorCode::RateLimited | ErrorCode::StorageUnavailable | ErrorCode::Internal
    );
    if let (true, Some(record)) = (again, &context.campaign) {
        let _ = write!(
            main,
            "<section aria-labelledby=\"sign-heading\"><h2 id=\"sign-heading\">{}</h2>{}</section>",
            escape(&lang.text("form.heading")),
            form::render(&form::FormState {
                campaign_id: &record.campaign.id,
                values: context.submission.as_ref(),
                errors: fields,
                lang
            })
        );
    }
    push_links(context, &mut main);
    let mut response = page(status, lang, &heading, &main);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(secs) = error.retry_after_secs {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

fn push_links(context: &AnswerContext, main: &mut String) {
    main.push_str("<ul class=\"links\">");
    if let Some(back) = &context.back {
        let _ = write!(main, "<li><a href=\"{}\">{}</a></li>", escape(back), escape(&context.lang.text("page.back")));
    }
    if let Some(record) = &context.campaign {
        let _ = write!(
            main,
            "<li><a href=\"{}\">{}</a></li>",
            escape(&letter_path(&record.campaign.id)),
            escape(&context.lang.text("page.read_letter"))
        );
    }
    main.push_str("</ul>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CampaignSettings, Moderation};

    fn record(origins: &[&str]) -> CampaignRecord {
        let settings = CampaignSettings {
            moderation: Moderation::Auto,
            organizations_need_review: true,
            allowed_origins: origins.iter().map(|o| o.to_string()).collect(),
            min_fill_ms: 0,
            confirmation: crate::store::Confirmation::Email,
            goal: None,
        };
        CampaignRecord { campaign: undersigned_core::Campaign::new("c", "C", "today"), settings }
    }

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.clone(), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn links_back_only_to_pages_of_origins_that_may_post() {
        let partner = record(&["https://partner.example"]);
        let from = |referer: &'static str, origin: Option<&'static str>| {
            let mut h = headers(&[(header::REFERER, referer), (header::HOST, "receiver.example")]);
            if let Some(o) = origin {
                h.insert(header::ORIGIN, HeaderValue::from_static(o));
            }
            back_link(&h, Some(&partner), &[])
        };
        assert_eq!(
            from("https://partner.example/letter?x=1", Some("https://partner.example")).as_deref(),
            Some("https://partner.example/letter?x=1")
        );
        assert_eq!(
            from("http://receiver.example/www/partner.html", None).as_deref(),
            Some("http://receiver.example/www/partner.html")
        );
        assert_eq!(
            from("http://receiver.example/campaigns/c", None),
            None,
            "the letter page: \"Read the letter\" leads there"
        );
        assert_eq!(from("http://receiver.example/api/campaigns/c/signatures", None), None, "an answer page");
        assert_eq!(from("https://evil.example/", None), None, "not a partner");
        assert_eq!(from("https://partner.example/", Some("https://evil.example")), None, "Origin and Referer disagree");
        assert_eq!(from("javascript:alert(1)", None), None);
        assert_eq!(from("https://partner.example@evil.example/", None), None);
    }
}
