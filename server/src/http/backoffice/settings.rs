//! Settings (owners): moderation, organizations' review, email confirmation, allowed partner
//! origins, minimum fill time, the signature goal; checked by
//! [`crate::admin::set_campaign_settings`], as the admin API's are.

use super::super::pages::html::escape;
use super::campaign::{campaign_page, open, open_change, saved_notice};
use super::layout::{self, csrf_field, section_path, Section};
use crate::admin::{self, AdminError};
use crate::domain::AuditAction;
use crate::http::state::AppState;
use crate::organizers::Permission;
use crate::store::{CampaignRecord, CampaignSettings, Confirmation, Moderation};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::fmt::Write as _;
use std::sync::Arc;

fn render(signed: &super::session::Signed, record: &CampaignRecord, settings: &CampaignSettings, top: &str) -> String {
    let lang = signed.lang;
    let mut main = format!(
        "<h1>{}</h1>{top}<form method=\"post\" class=\"stack\">{}",
        escape(&lang.text("admin.nav.settings")),
        csrf_field(signed)
    );
    let _ = write!(main, "<fieldset><legend>{}</legend>", escape(&lang.text("admin.settings.moderation")));
    for m in [Moderation::Auto, Moderation::Review] {
        let checked = if settings.moderation == m { " checked" } else { "" };
        let _ = write!(
            main,
            "<p class=\"choice\"><input type=\"radio\" id=\"moderation-{0}\" name=\"moderation\" value=\"{0}\"{checked}><label for=\"moderation-{0}\">{1}</label></p>",
            m.as_str(),
            escape(&lang.text(&format!("admin.settings.moderation.{}", m.as_str())))
        );
    }
    let checked = if settings.organizations_need_review { " checked" } else { "" };
    let _ = write!(
        main,
        "<p class=\"choice\"><input type=\"checkbox\" id=\"orgs\" name=\"organizations_need_review\" value=\"1\"{checked}><label for=\"orgs\">{}</label></p></fieldset>",
        escape(&lang.text("admin.settings.organizations_need_review"))
    );
    let _ = write!(main, "<fieldset><legend>{}</legend>", escape(&lang.text("admin.settings.confirmation")));
    for c in [Confirmation::Email, Confirmation::Off] {
        let checked = if settings.confirmation == c { " checked" } else { "" };
        let _ = write!(
            main,
            "<p class=\"choice\"><input type=\"radio\" id=\"confirmation-{0}\" name=\"confirmation\" value=\"{0}\"{checked}><label for=\"confirmation-{0}\">{1}</label></p>",
            c.as_str(),
            escape(&lang.text(&format!("admin.settings.confirmation.{}", c.as_str())))
        );
    }
    main.push_str("</fieldset>");
    let _ = write!(
        main,
        "<p><label for=\"goal\">{}</label><input id=\"goal\" name=\"goal\" type=\"number\" min=\"1\" step=\"1\" inputmode=\"numeric\" value=\"{}\" aria-describedby=\"goal-help\"><span id=\"goal-help\" class=\"help\">{}</span></p>",
        escape(&lang.text("admin.settings.goal")),
        settings.goal.map(|g| g.to_string()).unwrap_or_default(),
        escape(&lang.text("admin.settings.goal_help"))
    );
    let _ = write!(
        main,
        "<p><label for=\"origins\">{}</label><textarea id=\"origins\" name=\"allowed_origins\" rows=\"4\" aria-describedby=\"origins-help\">{}</textarea><span id=\"origins-help\" class=\"help\">{}</span></p>",
        escape(&lang.text("admin.settings.origins")),
        escape(&settings.allowed_origins.join("\n")),
        escape(&lang.text("admin.settings.origins_help"))
    );
    let _ = write!(
        main,
        "<p><label for=\"fill\">{}</label><input id=\"fill\" name=\"min_fill_ms\" type=\"number\" min=\"0\" step=\"100\" inputmode=\"numeric\" value=\"{}\" aria-describedby=\"fill-help\"><span id=\"fill-help\" class=\"help\">{}</span></p>",
        escape(&lang.text("admin.settings.min_fill")),
        settings.min_fill_ms,
        escape(&lang.text("admin.settings.min_fill_help"))
    );
    let _ = write!(main, "<p><button type=\"submit\">{}</button></p></form>", escape(&lang.text("admin.save")));
    let _ = record;
    main
}

pub async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (signed, record) = match open(&state, &headers, &id, Section::Settings, Permission::ChangeSettings).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let top = saved_notice(&signed, raw.as_deref());
    let main = render(&signed, &record, &record.settings, &top);
    campaign_page(&signed, &record, Section::Settings, &signed.lang.text("admin.nav.settings"), &main)
}

pub async fn save(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (signed, record, form) =
        match open_change(&state, &headers, &id, Section::Settings, Permission::ChangeSettings, &body).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let lang = signed.lang;
    let fill = form.text("min_fill_ms");
    // Empty: no goal. Anything but a whole number from 1 is refused (and nothing saved).
    let goal = match form.text("goal").trim() {
        "" => Ok(None),
        text => text.parse::<u64>().ok().filter(|g| *g > 0).map(Some).ok_or(()),
    };
    let settings = CampaignSettings {
        moderation: form.get("moderation").and_then(|m| m.parse().ok()).unwrap_or(Moderation::Auto),
        organizations_need_review: form.get("organizations_need_review").is_some(),
        allowed_origins: form
            .text("allowed_origins")
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
        min_fill_ms: fill.parse().unwrap_or(-1),
        confirmation: form.get("confirmation").and_then(Confirmation::parse).unwrap_or(record.settings.confirmation),
        goal: goal.unwrap_or(record.settings.goal),
    };
    let heading = lang.text("admin.nav.settings");
    if goal.is_err() {
        let main = render(&signed, &record, &settings, &layout::problem(&lang.text("admin.settings.goal_invalid")));
        let mut response = campaign_page(&signed, &record, Section::Settings, &heading, &main);
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return response;
    }
    match admin::set_campaign_settings(&state.store, &id, &settings).await {
        Ok(()) => {
            let detail = serde_json::to_string(&settings).unwrap_or_default();
            if let Err(e) = state.store.audit(signed.actor(), &id, AuditAction::Settings, &detail).await {
                return layout::storage_error(lang, e);
            }
            layout::redirect(&format!("{}?saved=1", section_path(&id, Section::Settings)))
        }
        Err(AdminError::Refused(error)) => {
            let main = render(&signed, &record, &settings, &layout::problem(&error.message));
            let mut response = campaign_page(&signed, &record, Section::Settings, &heading, &main);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(AdminError::Store(e)) => layout::storage_error(lang, e),
    }
}
