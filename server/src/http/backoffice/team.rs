//! Organizers and tokens of a campaign (owners): who has which role, inviting an organizer
//! (an account with an invitation link to choose a password), changing or removing a role, and
//! bearer tokens for scripts (one role on this campaign; the secret is shown once; revocable).

use super::super::pages::html::escape;
use super::campaign::{campaign_page, open, open_change, saved_notice};
use super::layout::{self, csrf_field, section_path, table_head, Section};
use super::session::{own_origin, Signed};
use crate::domain::AuditAction;
use crate::http::state::AppState;
use crate::organizers::{accounts, secret, Permission, Role, EVERY_CAMPAIGN};
use crate::store::CampaignRecord;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::fmt::Write as _;
use std::sync::Arc;

fn role_select(id: &str, lang: super::super::pages::text::Lang, chosen: Option<Role>, with_none: bool) -> String {
    let mut out = format!("<select id=\"{id}\" name=\"role\">");
    for role in Role::ALL {
        let selected = if Some(role) == chosen { " selected" } else { "" };
        let _ = write!(
            out,
            "<option value=\"{}\"{selected}>{}</option>",
            role.as_str(),
            escape(&lang.text(&format!("admin.role.{}", role.as_str())))
        );
    }
    if with_none {
        let _ = write!(out, "<option value=\"none\">{}</option>", escape(&lang.text("admin.role.none")));
    }
    out.push_str("</select>");
    out
}

async fn render(state: &AppState, signed: &Signed, record: &CampaignRecord, top: &str) -> Response {
    let lang = signed.lang;
    let id = &record.campaign.id;
    let loaded = async { anyhow::Ok((state.store.organizers_of(id).await?, state.store.api_tokens(id).await?)) };
    let (organizers, tokens) = match loaded.await {
        Ok(x) => x,
        Err(e) => return layout::storage_error(lang, e),
    };
    let heading = lang.text("admin.nav.organizers");
    let mut main = format!(
        "<h1>{}</h1>{top}<table><caption>{}</caption><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        escape(&heading),
        escape(&lang.text("admin.team.caption")),
        escape(&lang.text("admin.team.organizer")),
        escape(&lang.text("admin.role")),
        escape(&lang.text("admin.actions")),
    );
    for (organizer, role, scope) in &organizers {
        let pending = if organizer.has_password {
            String::new()
        } else {
            format!(" <span class=\"muted\">({})</span>", escape(&lang.text("admin.team.invited")))
        };
        let _ = write!(
            main,
            "<tr><td>{} &lt;{}&gt;{pending}</td><td>{}{}</td><td>",
            escape(&organizer.name),
            escape(&organizer.email),
            escape(&lang.text(&format!("admin.role.{}", role.as_str()))),
            if scope == EVERY_CAMPAIGN {
                format!(" <span class=\"muted\">({})</span>", escape(&lang.text("admin.team.every_campaign")))
            } else {
                String::new()
            },
        );
        if scope != EVERY_CAMPAIGN && organizer.id != signed.session.organizer.id {
            let select_id = format!("role-{}", organizer.id);
            let _ = write!(
                main,
                "<form method=\"post\" action=\"{}/role\" class=\"inline\">{}<input type=\"hidden\" name=\"organizer\" value=\"{}\"><label for=\"{select_id}\" class=\"visually-hidden\">{}</label>{}<button type=\"submit\" class=\"secondary\">{}</button></form>",
                escape(&section_path(id, Section::Organizers)),
                csrf_field(signed),
                organizer.id,
                escape(&lang.format("admin.team.role_of", &[("who", &organizer.email)])),
                role_select(&select_id, lang, Some(*role), true),
                escape(&lang.text("admin.team.change")),
            );
        }
        main.push_str("</td></tr>");
    }
    main.push_str("</tbody></table>");
    let _ = write!(
        main,
        "<h2 id=\"invite\">{}</h2><form method=\"post\" action=\"{}/invite\" class=\"stack\">{}\
         <p><label for=\"invite-email\">{}</label><input id=\"invite-email\" name=\"email\" type=\"email\" required autocomplete=\"off\"></p>\
         <p><label for=\"invite-name\">{}</label><input id=\"invite-name\" name=\"name\" autocomplete=\"off\"></p>\
         <p><label for=\"invite-role\">{}</label>{}</p><p><button type=\"submit\">{}</button></p></form>",
        escape(&lang.text("admin.team.invite.heading")),
        escape(&section_path(id, Section::Organizers)),
        csrf_field(signed),
        escape(&lang.text("admin.email")),
        escape(&lang.text("admin.team.name")),
        escape(&lang.text("admin.role")),
        role_select("invite-role", lang, Some(Role::Viewer), false),
        escape(&lang.text("admin.team.invite")),
    );
    let _ = write!(
        main,
        "<h2 id=\"tokens\">{}</h2><p>{}</p>{}",
        escape(&lang.text("admin.tokens.heading")),
        escape(&lang.text("admin.tokens.intro")),
        table_head(
            lang,
            &["admin.tokens.label", "admin.role", "admin.team.organizer", "admin.tokens.last_used", "admin.actions"]
        ),
    );
    for token in &tokens {
        let _ = write!(
            main,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>",
            escape(&token.label),
            escape(&lang.text(&format!("admin.role.{}", token.role.as_str()))),
            escape(&token.organizer_email),
            escape(token.last_used_at.as_deref().map_or("—", |t| &t[..10.min(t.len())])),
        );
        if token.campaign == *id {
            let _ = write!(
                main,
                "<form method=\"post\" action=\"/admin/campaigns/{}/tokens/{}/revoke\" class=\"inline\">{}<button type=\"submit\" class=\"danger\">{}<span class=\"visually-hidden\"> {}</span></button></form>",
                escape(id),
                token.id,
                csrf_field(signed),
                escape(&lang.text("admin.tokens.revoke")),
                escape(&token.label),
            );
        }
        main.push_str("</td></tr>");
    }
    let _ = write!(
        main,
        "</tbody></table><form method=\"post\" action=\"/admin/campaigns/{}/tokens\" class=\"stack\">{}<p><label for=\"token-label\">{}</label><input id=\"token-label\" name=\"label\" required></p><p><label for=\"token-role\">{}</label>{}</p><p><button type=\"submit\">{}</button></p></form>",
        escape(id),
        csrf_field(signed),
        escape(&lang.text("admin.tokens.label")),
        escape(&lang.text("admin.role")),
        role_select("token-role", lang, Some(Role::Viewer), false),
        escape(&lang.text("admin.tokens.create")),
    );
    campaign_page(signed, record, Section::Organizers, &heading, &main)
}

pub async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (signed, record) = match open(&state, &headers, &id, Section::Organizers, Permission::ManageOrganizers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let top = saved_notice(&signed, raw.as_deref());
    render(&state, &signed, &record, &top).await
}

pub async fn invite(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (signed, record, form) =
        match open_change(&state, &headers, &id, Section::Organizers, Permission::ManageOrganizers, &body).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let lang = signed.lang;
    let Some(role) = form.get("role").and_then(Role::parse) else {
        return layout::message(StatusCode::BAD_REQUEST, lang, "admin.error.bad_form");
    };
    let email = form.text("email");
    if crate::organizers::normalize_email(&email).is_none() {
        let top = layout::problem(&lang.text("admin.team.invite.bad_email"));
        let mut response = render(&state, &signed, &record, &top).await;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return response;
    }
    // With an SMTP server the invitation goes by mail; without one (a demo, a receiver that sends
    // no mail) the owner gets the link to pass on.
    let invitation = if state.config.mail.smtp_url.is_some() {
        accounts::Invitation::Mail { lang: lang.code() }
    } else {
        accounts::Invitation::Link
    };
    let added =
        accounts::add_organizer(&state.store, signed.actor(), &email, &form.text("name"), &id, role, None, invitation)
            .await;
    match added {
        Ok(added) => {
            let top = if let Some(token) = added.invitation_token {
                let link = format!("{}/admin/welcome/{token}", own_origin(&state, &headers).unwrap_or_default());
                format!(
                    "<div class=\"notice\" role=\"status\"><p>{}</p><p><code class=\"secret\">{}</code></p></div>",
                    escape(&lang.format("admin.team.invite.link", &[("email", &email)])),
                    escape(&link)
                )
            } else if added.invitation_mailed {
                state.mail.notify_one();
                layout::notice(&lang.format("admin.team.invite.mailed", &[("email", &email)]))
            } else if invitation != accounts::Invitation::Link && !already_has_password(&state, added.organizer).await {
                layout::notice(&lang.format("admin.team.invite.waiting", &[("email", &email)]))
            } else {
                layout::notice(&lang.format("admin.team.invite.existing", &[("email", &email)]))
            };
            render(&state, &signed, &record, &top).await
        }
        Err(e) => layout::storage_error(lang, e),
    }
}

/// Whether the organizer has chosen a password (an invitation then has nothing left to do).
async fn already_has_password(state: &AppState, organizer: i64) -> bool {
    matches!(state.store.organizer(organizer).await, Ok(Some(o)) if o.has_password)
}

pub async fn change_role(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (signed, _record, form) =
        match open_change(&state, &headers, &id, Section::Organizers, Permission::ManageOrganizers, &body).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let lang = signed.lang;
    let Some(organizer) = form.get("organizer").and_then(|o| o.parse::<i64>().ok()) else {
        return layout::message(StatusCode::BAD_REQUEST, lang, "admin.error.bad_form");
    };
    // Owners cannot lock themselves out by accident.
    if organizer == signed.session.organizer.id {
        return layout::message(StatusCode::FORBIDDEN, lang, "admin.error.own_role");
    }
    let done = async {
        let Some(target) = state.store.organizer(organizer).await? else { return anyhow::Ok(false) };
        match form.get("role").and_then(Role::parse) {
            Some(role) => {
                state.store.set_organizer_role(organizer, &id, role).await?;
                state
                    .store
                    .audit(
                        signed.actor(),
                        &id,
                        AuditAction::OrganizerRole,
                        &format!("{} is {} of {id}", target.email, role.as_str()),
                    )
                    .await?;
            }
            None => {
                state.store.remove_organizer_role(organizer, &id).await?;
                state
                    .store
                    .audit(
                        signed.actor(),
                        &id,
                        AuditAction::OrganizerRemove,
                        &format!("{} has no role on {id}", target.email),
                    )
                    .await?;
            }
        }
        Ok(true)
    };
    match done.await {
        Ok(true) => layout::redirect(&format!("{}?saved=1", section_path(&id, Section::Organizers))),
        Ok(false) => layout::message(StatusCode::NOT_FOUND, lang, "admin.error.bad_form"),
        Err(e) => layout::storage_error(lang, e),
    }
}

pub async fn create_token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (signed, record, form) =
        match open_change(&state, &headers, &id, Section::Organizers, Permission::ManageOrganizers, &body).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let lang = signed.lang;
    let (Some(role), label) = (form.get("role").and_then(Role::parse), form.text("label")) else {
        return layout::message(StatusCode::BAD_REQUEST, lang, "admin.error.bad_form");
    };
    if label.is_empty() {
        return layout::message(StatusCode::BAD_REQUEST, lang, "admin.error.bad_form");
    }
    let token = secret::new_token();
    let done = async {
        state.store.create_api_token(signed.session.organizer.id, &id, role, &label, &secret::digest(&token)).await?;
        state.store.audit(signed.actor(), &id, AuditAction::TokenCreate, &format!("{label} ({})", role.as_str())).await
    };
    match done.await {
        Ok(()) => {
            let top = format!(
                "<div class=\"notice\" role=\"status\"><p>{}</p><p><code class=\"secret\">{}</code></p></div>",
                escape(&lang.text("admin.tokens.created")),
                escape(&token)
            );
            render(&state, &signed, &record, &top).await
        }
        Err(e) => layout::storage_error(lang, e),
    }
}

pub async fn revoke_token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, token)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (signed, _record, _form) =
        match open_change(&state, &headers, &id, Section::Organizers, Permission::ManageOrganizers, &body).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let lang = signed.lang;
    let Ok(token) = token.parse::<i64>() else {
        return layout::message(StatusCode::NOT_FOUND, lang, "admin.error.bad_form");
    };
    let done = async {
        let revoked = state.store.revoke_api_token(&id, token).await?;
        if revoked {
            state.store.audit(signed.actor(), &id, AuditAction::TokenRevoke, &format!("token {token}")).await?;
        }
        anyhow::Ok(revoked)
    };
    match done.await {
        Ok(_) => layout::redirect(&format!("{}?saved=1", section_path(&id, Section::Organizers))),
        Err(e) => layout::storage_error(lang, e),
    }
}
