//! Mail to organizers of the back office: an invitation (an owner added them; the link lets them
//! choose a password) and a sign-in link (they asked for one on the sign-in page). The link is
//! made when the mail is sent, like a signer's links: the queue holds no secret, and the database
//! only the link's hash ([`crate::organizers::secret`]).

use super::message::{html_body, text_body, BuiltMail, Part};
use super::MailKind;
use crate::http::pages::text::Lang;

/// What a mail to an organizer says.
#[derive(Debug, Clone)]
pub struct OrganizerMailFacts {
    pub kind: MailKind,
    pub lang: Lang,
    pub name: String,
    /// The campaign's title (an invitation; empty for a sign-in link).
    pub campaign_title: String,
    /// The role's name in `lang` (an invitation).
    pub role: String,
    /// The one-time link.
    pub url: String,
    /// When the link stops working, `YYYY-MM-DD HH:MM` UTC.
    pub expires: String,
}

/// Builds the mail for `facts`.
pub fn build(facts: &OrganizerMailFacts) -> BuiltMail {
    let lang = facts.lang;
    let args =
        [("title", facts.campaign_title.as_str()), ("role", facts.role.as_str()), ("date", facts.expires.as_str())];
    let t = |key: &str| lang.format(key, &args);
    let mut parts = vec![Part::Text(lang.format("mail.greeting", &[("name", &facts.name)]))];
    let subject = if facts.kind == MailKind::Invitation {
        parts.push(Part::Text(t("mail.invitation.intro")));
        parts.push(Part::Link {
            text: lang.text("mail.invitation.ask"),
            url: facts.url.clone(),
            button: Some(lang.text("mail.invitation.button")),
        });
        parts.push(Part::Text(t("mail.invitation.expire")));
        parts.push(Part::Text(lang.text("mail.invitation.ignore")));
        t("mail.invitation.subject")
    } else {
        parts.push(Part::Link {
            text: lang.text("mail.sign_in_link.intro"),
            url: facts.url.clone(),
            button: Some(lang.text("mail.sign_in_link.button")),
        });
        parts.push(Part::Text(t("mail.sign_in_link.expire")));
        parts.push(Part::Text(lang.text("mail.sign_in_link.ignore")));
        lang.text("mail.sign_in_link.subject")
    };
    parts.push(Part::Text(lang.text("mail.organizer.footer")));
    BuiltMail { subject, text: text_body(&parts), html: html_body(lang, &parts) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_names_the_campaign_the_role_and_the_link() {
        let mail = build(&OrganizerMailFacts {
            kind: MailKind::Invitation,
            lang: Lang::ENGLISH,
            name: "Mo <Moderator>".into(),
            campaign_title: "Stop the spyware".into(),
            role: "Moderator".into(),
            url: "http://r.example/admin/welcome/abc".into(),
            expires: "2026-12-05 10:00".into(),
        });
        assert_eq!(mail.subject, "You are invited to the back office of “Stop the spyware”");
        for part in ["Stop the spyware", "moderator", "/admin/welcome/abc", "2026-12-05 10:00"] {
            assert!(mail.text.to_lowercase().contains(&part.to_lowercase()), "text lacks {part}: {}", mail.text);
            assert!(mail.html.to_lowercase().contains(&part.to_lowercase()), "html lacks {part}: {}", mail.html);
        }
        assert!(mail.html.contains("Mo &lt;Moderator&gt;"), "names are escaped in HTML");
    }

    #[test]
    fn a_sign_in_link_says_until_when_it_works_in_the_asked_language() {
        let mail = build(&OrganizerMailFacts {
            kind: MailKind::SignInLink,
            lang: Lang::from_tag("es").expect("Spanish"),
            name: "Ana".into(),
            campaign_title: String::new(),
            role: String::new(),
            url: "http://r.example/admin/sign-in/link/abc".into(),
            expires: "2026-11-28 10:15".into(),
        });
        assert!(mail.subject.contains("enlace"), "{}", mail.subject);
        assert!(mail.text.contains("/admin/sign-in/link/abc") && mail.text.contains("10:15"), "{}", mail.text);
    }
}
