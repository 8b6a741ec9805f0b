//! The back office's page shell: a skip link, the account bar, the campaign's sections as a
//! navigation list (the current one marked with `aria-current`), and `<main>`. Sent with the pages'
//! strict policy and `no-store` (pages hold personal data).

use super::super::pages::html::escape;
use super::super::pages::text::Lang;
use super::session::Signed;
use crate::organizers::Permission;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::fmt::Write as _;

/// Where the back office's stylesheet is served.
pub const STYLESHEET: &str = "/admin/admin.css";
/// Its icon (the demo's), so that browsers do not ask for a missing `/favicon.ico`.
pub const FAVICON: &str = "/admin/favicon.svg";

/// The policy of every back-office page: nothing but this receiver's stylesheet and forms posting
/// to it; never framed.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// A campaign's sections, in the order of the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
    Demands,
    Moderation,
    Signers,
    Letter,
    Delivery,
    Embed,
    Settings,
    Organizers,
    Audit,
}

impl Section {
    const ALL: [Section; 10] = [
        Section::Overview,
        Section::Demands,
        Section::Moderation,
        Section::Signers,
        Section::Letter,
        Section::Delivery,
        Section::Embed,
        Section::Settings,
        Section::Organizers,
        Section::Audit,
    ];

    fn path(self) -> &'static str {
        match self {
            Section::Overview => "",
            Section::Demands => "/demands",
            Section::Moderation => "/moderation",
            Section::Signers => "/signers",
            Section::Letter => "/letter",
            Section::Delivery => "/delivery",
            Section::Embed => "/embed",
            Section::Settings => "/settings",
            Section::Organizers => "/organizers",
            Section::Audit => "/audit",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Section::Overview => "admin.nav.overview",
            Section::Demands => "admin.nav.demands",
            Section::Moderation => "admin.nav.moderation",
            Section::Signers => "admin.nav.signers",
            Section::Letter => "admin.nav.letter",
            Section::Delivery => "admin.nav.delivery",
            Section::Embed => "admin.nav.embed",
            Section::Settings => "admin.nav.settings",
            Section::Organizers => "admin.nav.organizers",
            Section::Audit => "admin.nav.audit",
        }
    }

    /// What a role needs to see the section in the navigation (the routes check on their own).
    fn needs(self) -> Permission {
        match self {
            Section::Settings => Permission::ChangeSettings,
            Section::Organizers => Permission::ManageOrganizers,
            _ => Permission::Read,
        }
    }
}

/// The address of a campaign's section.
pub fn section_path(campaign: &str, section: Section) -> String {
    format!("/admin/campaigns/{campaign}{}", section.path())
}

/// The hidden CSRF field every form of a signed-in page carries.
pub fn csrf_field(signed: &Signed) -> String {
    format!("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", escape(&signed.session.csrf_token))
}

/// A whole page. `campaign` is (id, title, current section) on a campaign's pages.
pub fn page(
    status: StatusCode,
    lang: Lang,
    title: &str,
    signed: Option<&Signed>,
    campaign: Option<(&str, &str, Section)>,
    main: &str,
) -> Response {
    let mut body = String::with_capacity(main.len() + 2048);
    let _ = write!(
        body,
        "<!doctype html>\n<html lang=\"{}\" dir=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\"><meta name=\"referrer\" content=\"same-origin\">\
         <title>{} · {}</title><link rel=\"icon\" href=\"{FAVICON}\" type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"{STYLESHEET}\"></head><body>\
         <a class=\"skip\" href=\"#main\">{}</a><header class=\"bar\"><p class=\"brand\"><a href=\"/admin\">{}</a></p>",
        lang.code(),
        lang.dir(),
        escape(title),
        escape(&lang.text("admin.brand")),
        escape(&lang.text("admin.skip")),
        escape(&lang.text("admin.brand")),
    );
    if let Some(signed) = signed {
        let _ = write!(
            body,
            "<div class=\"account\"><span>{}</span><form method=\"post\" action=\"/admin/sign-out\">{}<button type=\"submit\" class=\"link\">{}</button></form></div>",
            escape(&signed.session.organizer.name),
            csrf_field(signed),
            escape(&lang.text("admin.sign_out")),
        );
    }
    body.push_str("</header>");
    if let (Some((id, campaign_title, current)), Some(signed)) = (campaign, signed) {
        let _ = write!(
            body,
            "<nav class=\"sections\" aria-label=\"{}\"><p class=\"campaign-name\">{}</p><ul>",
            escape(&lang.text("admin.nav.label")),
            escape(campaign_title)
        );
        for section in Section::ALL.into_iter().filter(|s| signed.may(id, s.needs())) {
            let current_attr = if section == current { " aria-current=\"page\"" } else { "" };
            let _ = write!(
                body,
                "<li><a href=\"{}\"{current_attr}>{}</a></li>",
                escape(&section_path(id, section)),
                escape(&lang.text(section.key()))
            );
        }
        body.push_str("</ul></nav>");
    }
    let _ = writeln!(body, "<main id=\"main\" tabindex=\"-1\">{main}</main></body></html>");
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    response
}

/// A page holding one message (`key` in the page's words), with `status`.
pub fn message(status: StatusCode, lang: Lang, key: &str) -> Response {
    let heading = lang.text(&format!("{key}.heading"));
    let main = format!(
        "<h1>{}</h1><p>{}</p><p><a href=\"/admin\">{}</a></p>",
        escape(&heading),
        escape(&lang.text(key)),
        escape(&lang.text("admin.back_home"))
    );
    page(status, lang, &heading, None, None, &main)
}

/// The page for a database failure (logged with its cause).
pub fn storage_error(lang: Lang, error: anyhow::Error) -> Response {
    tracing::error!(error = format!("{error:#}"), "back office: database operation failed");
    message(StatusCode::SERVICE_UNAVAILABLE, lang, "admin.error.storage")
}

/// A notice at the top of a page after a change (`role="status"`, read out by screen readers).
pub fn notice(text: &str) -> String {
    format!("<p class=\"notice\" role=\"status\">{}</p>", escape(text))
}

/// The opening of a data table: its column headers (`scope="col"`, so that screen readers name the
/// column of each cell), in this order, from the page texts `keys`; the rows and `</tbody></table>`
/// follow.
pub fn table_head(lang: Lang, keys: &[&str]) -> String {
    let mut head = String::from("<table><thead><tr>");
    for key in keys {
        let _ = write!(head, "<th scope=\"col\">{}</th>", escape(&lang.text(key)));
    }
    head.push_str("</tr></thead><tbody>");
    head
}

/// A problem with a form (`role="alert"`).
pub fn problem(text: &str) -> String {
    format!("<div class=\"problem\" role=\"alert\"><p>{}</p></div>", escape(text))
}

/// A 303 to `location` (after a POST, so that reloading does not post again).
pub fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
