//! Building a mail from its facts: the subject, a plain-text body and the same in HTML, in the
//! signer's language (the pages' languages, [`Lang`]; the words are the `mail.*` keys of
//! `server/locales/*.txt`). Every mail names the letter and what is (or will be) listed, and
//! carries the links that apply: confirm, withdraw, endorse the new text.

use super::MailKind;
use crate::http::pages::html::escape;
use crate::http::pages::text::Lang;
use std::fmt::Write as _;

/// What a mail says.
#[derive(Debug, Clone)]
pub struct MailFacts {
    pub kind: MailKind,
    pub lang: Lang,
    /// The signer's name (an organization's contact person).
    pub name: String,
    pub letter_title: String,
    /// The letter page on this receiver.
    pub letter_url: String,
    /// The public list entry ("Ana Example, Researcher, Example University"); None when the signer
    /// asked not to be listed.
    pub listed_as: Option<String>,
    /// When the signature was first made (`YYYY-MM-DD`).
    pub signed_on: String,
    /// Today (`YYYY-MM-DD`), for "signed again on …".
    pub today: String,
    pub awaiting_confirmation: bool,
    /// Present when the signature awaits confirmation and the mail asks for it.
    pub confirm_url: Option<String>,
    pub withdraw_url: String,
    /// [`MailKind::Endorse`]: the link that moves the signature to the current text, and the page
    /// that shows what changed.
    pub endorse: Option<EndorseLinks>,
    /// The last day the links work (`YYYY-MM-DD`).
    pub links_expire_on: String,
}

/// The links of a request to endorse the letter's new text.
#[derive(Debug, Clone)]
pub struct EndorseLinks {
    pub endorse_url: String,
    pub changes_url: String,
}

/// A mail ready to send.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BuiltMail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// One paragraph of a mail: text, or text followed by a link on its own line.
pub(super) enum Part {
    Text(String),
    Link { text: String, url: String, button: Option<String> },
}

/// Builds the mail for `facts`.
pub fn build(facts: &MailFacts) -> BuiltMail {
    let lang = facts.lang;
    let title = facts.letter_title.as_str();
    let t = |key: &str| lang.format(key, &[("title", title), ("date", &facts.signed_on), ("today", &facts.today)]);
    // Mail to organizers is built by `super::organizer`; the worker never asks for it here.
    let (subject_key, intro_key) = match facts.kind {
        MailKind::Signed | MailKind::Invitation | MailKind::SignInLink => ("mail.signed.subject", "mail.signed.intro"),
        MailKind::Repeat => ("mail.repeat.subject", "mail.repeat.intro"),
        MailKind::WithdrawLink => ("mail.withdraw_link.subject", "mail.withdraw_link.intro"),
        MailKind::Endorse => ("mail.endorse.subject", "mail.endorse.intro"),
    };
    let mut parts = vec![Part::Text(lang.format("mail.greeting", &[("name", &facts.name)]))];
    parts.push(Part::Text(t(intro_key)));
    if facts.kind != MailKind::WithdrawLink {
        parts.push(Part::Text(match &facts.listed_as {
            Some(entry) => lang.format("mail.listed", &[("listed", entry)]),
            None => lang.text("mail.unlisted"),
        }));
    }
    if let Some(url) = &facts.confirm_url {
        let ask = if facts.kind == MailKind::Repeat { "mail.repeat.awaiting" } else { "mail.confirm.ask" };
        parts.push(Part::Link {
            text: lang.text(ask),
            url: url.clone(),
            button: Some(lang.text("mail.confirm.button")),
        });
        parts.push(Part::Text(lang.text("mail.confirm.ignore")));
    }
    if let Some(links) = &facts.endorse {
        parts.push(Part::Link {
            text: lang.text("mail.endorse.changes"),
            url: links.changes_url.clone(),
            button: None,
        });
        parts.push(Part::Link {
            text: lang.text("mail.endorse.ask"),
            url: links.endorse_url.clone(),
            button: Some(lang.text("mail.endorse.button")),
        });
        parts.push(Part::Text(lang.text("mail.endorse.ignore")));
    }
    if facts.kind == MailKind::WithdrawLink {
        parts.push(Part::Link {
            text: lang.text("mail.withdraw_link.ask"),
            url: facts.withdraw_url.clone(),
            button: Some(lang.text("mail.withdraw.button")),
        });
        parts.push(Part::Text(lang.text("mail.withdraw_link.ignore")));
    } else {
        parts.push(Part::Link {
            text: lang.text("mail.withdraw.any_time"),
            url: facts.withdraw_url.clone(),
            button: None,
        });
    }
    parts.push(Part::Text(lang.format("mail.links.expire", &[("date", &facts.links_expire_on)])));
    parts.push(Part::Link { text: lang.text("mail.read_letter"), url: facts.letter_url.clone(), button: None });
    parts.push(Part::Text(t("mail.footer")));
    BuiltMail { subject: t(subject_key), text: text_body(&parts), html: html_body(lang, &parts) }
}

pub(super) fn text_body(parts: &[Part]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Text(text) => {
                let _ = writeln!(out, "{text}\n");
            }
            Part::Link { text, url, .. } => {
                let _ = writeln!(out, "{text}\n{url}\n");
            }
        }
    }
    out
}

/// HTML for mail clients: no stylesheet to fetch, no image, no script; a few inline styles are
/// the only styling mail clients keep (the strict CSP of the pages does not apply to mail).
pub(super) fn html_body(lang: Lang, parts: &[Part]) -> String {
    let mut out = format!(
        "<!doctype html>\n<html lang=\"{}\" dir=\"{}\"><head><meta charset=\"utf-8\"></head><body style=\"font-family: sans-serif; line-height: 1.5; max-width: 40em\">",
        lang.code(),
        lang.dir()
    );
    for part in parts {
        match part {
            Part::Text(text) => {
                let _ = write!(out, "<p>{}</p>", escape(text));
            }
            Part::Link { text, url, button: Some(label) } => {
                let _ = write!(
                    out,
                    "<p>{}</p><p><a href=\"{}\" style=\"display: inline-block; padding: 0.5em 1em; background: #1a4d8f; color: #ffffff; text-decoration: none; border-radius: 4px\">{}</a></p><p style=\"font-size: 0.9em\">{}</p>",
                    escape(text),
                    escape(url),
                    escape(label),
                    escape(url)
                );
            }
            Part::Link { text, url, button: None } => {
                let _ = write!(out, "<p>{}<br><a href=\"{}\">{}</a></p>", escape(text), escape(url), escape(url));
            }
        }
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_to_endorse_shows_what_changed_and_moves_nothing_by_itself() {
        let mut endorse = facts(MailKind::Endorse, Lang::ENGLISH);
        endorse.awaiting_confirmation = false;
        let mail = build(&endorse);
        assert_eq!(mail.subject, "The text of “Stop the spyware” changed: do you endorse the new version?");
        for part in ["You signed “Stop the spyware” on 2026-11-20", "revisions/2", "endorse?t=ghi", "withdraw?t=def"]
        {
            assert!(mail.text.contains(part), "text lacks {part}: {}", mail.text);
        }
        assert!(mail.text.contains("stays with the text you signed"), "{}", mail.text);
        assert!(mail.html.contains(">Endorse the new text</a>"), "{}", mail.html);
        assert!(!mail.text.contains("confirm?t="));
        let es = build(&facts(MailKind::Endorse, Lang::from_tag("es").expect("Spanish")));
        assert!(es.subject.contains("cambió"), "{}", es.subject);
    }

    fn facts(kind: MailKind, lang: Lang) -> MailFacts {
        MailFacts {
            kind,
            lang,
            name: "Ana <Example>".into(),
            letter_title: "Stop the spyware".into(),
            letter_url: "http://r.example/campaigns/c".into(),
            listed_as: Some("Ana Example, Researcher".into()),
            signed_on: "2026-11-20".into(),
            today: "2026-11-28".into(),
            awaiting_confirmation: kind == MailKind::Signed,
            confirm_url: (kind == MailKind::Signed).then(|| "http://r.example/signatures/confirm?t=abc".into()),
            withdraw_url: "http://r.example/signatures/withdraw?t=def".into(),
            endorse: (kind == MailKind::Endorse).then(|| EndorseLinks {
                endorse_url: "http://r.example/signatures/endorse?t=ghi".into(),
                changes_url: "http://r.example/campaigns/c/revisions/2".into(),
            }),
            links_expire_on: "2026-12-05".into(),
        }
    }

    #[test]
    fn a_confirmation_names_the_letter_the_listing_and_both_links() {
        let mail = build(&facts(MailKind::Signed, Lang::ENGLISH));
        assert_eq!(mail.subject, "Confirm your signature on “Stop the spyware”");
        for part in ["Stop the spyware", "Ana Example, Researcher", "confirm?t=abc", "withdraw?t=def", "2026-12-05"] {
            assert!(mail.text.contains(part), "text lacks {part}: {}", mail.text);
            assert!(mail.html.contains(part), "html lacks {part}: {}", mail.html);
        }
        assert!(mail.html.contains("Ana &lt;Example&gt;"), "names are escaped in HTML");
    }

    #[test]
    fn a_repeat_says_when_the_address_had_signed_and_offers_no_confirm_link_once_confirmed() {
        let mut repeat = facts(MailKind::Repeat, Lang::ENGLISH);
        repeat.awaiting_confirmation = false;
        let mail = build(&repeat);
        assert!(mail.text.contains("You had already signed on 2026-11-20"), "{}", mail.text);
        assert!(!mail.text.contains("confirm?t="));
        let es = build(&facts(MailKind::WithdrawLink, Lang::from_tag("es").expect("Spanish")));
        assert!(!es.text.contains("endorse?t="), "only a request to endorse carries that link");
        assert!(es.subject.starts_with("Retire su firma"), "{}", es.subject);
        assert!(es.text.contains("withdraw?t=def"));
    }

    #[test]
    fn every_language_writes_its_mails_in_its_own_words() {
        let kinds = [MailKind::Signed, MailKind::Repeat, MailKind::WithdrawLink];
        for code in ["es", "fr", "pt", "de", "ar"] {
            let lang = Lang::from_tag(code).expect("a language of the pages");
            for kind in kinds {
                let english = build(&facts(kind, Lang::ENGLISH));
                let mail = build(&facts(kind, lang));
                assert_ne!(mail.subject, english.subject, "{code} {kind:?}");
                // Every paragraph of words differs from English (a missing key falls back to it);
                // the link lines are the same URLs in every language.
                for line in english.text.lines().filter(|l| !l.is_empty() && !l.starts_with("http")) {
                    assert!(!mail.text.contains(line), "{code} {kind:?} says in English: {line}\n{}", mail.text);
                }
                assert!(mail.text.contains("withdraw?t=def"), "{code} {kind:?}: {}", mail.text);
                let dir = if code == "ar" { "rtl" } else { "ltr" };
                assert!(mail.html.contains(&format!("lang=\"{code}\" dir=\"{dir}\"")), "{code}: {}", mail.html);
            }
        }
    }
}
