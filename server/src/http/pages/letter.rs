//! The letter page: a campaign rendered on the server from core's model (title, recipient, body
//! with the demands and their current statuses, closing, signatories, notes), followed by the
//! plain sign-on form. It is what the no-JavaScript fallback links to.

use super::form::{self, FormState};
use super::html::{escape, inlines};
use super::text::Lang;
use crate::revisions::Revision;
use std::fmt::Write as _;
use undersigned_core::campaign::{Block, Demand};
use undersigned_core::feed::{DemandState, StatusFeed};
use undersigned_core::signers::{PublicSigner, SignerCounts};
use undersigned_core::status::DemandStatus;
use undersigned_core::Campaign;

/// The shape of a status, for those who scan (the widget's shapes); the words come from the
/// widget's `live.status.*`.
pub fn status_shape(status: DemandStatus) -> &'static str {
    match status {
        DemandStatus::Outstanding => "○",
        DemandStatus::PartiallyDisclosed => "◐",
        DemandStatus::Disclosed => "✓",
        DemandStatus::Refused => "✕",
    }
}

/// What the letter page renders: the pieces and the language of its own words (headings, labels;
/// the letter keeps the language it is written in).
pub struct LetterPage<'a> {
    pub campaign: &'a Campaign,
    pub feed: &'a StatusFeed,
    pub signers: &'a Signers,
    /// Every revision of the letter's text, oldest first.
    pub revisions: &'a [Revision],
    pub lang: Lang,
}

/// The two languages inside the letter: the page's own words (statuses, evidence) in the visitor's
/// `lang`, marked as such inside a letter in another language; and the letter's own words
/// (footnote labels, signatory headings, "CC:", notes, back links) in the letter's language when
/// there are words for it (else the visitor's, marked).
struct Words {
    lang: Lang,
    /// ` lang="…"` for elements holding the page's words inside the letter, or nothing.
    attr: String,
    letter: Lang,
    /// ` lang="…"` for the letter's own words when they are not in the letter's language.
    letter_attr: String,
}

/// The `<main>` content of the letter page.
pub fn render(page: &LetterPage) -> String {
    let LetterPage { campaign, feed, signers, revisions, lang } = *page;
    let mut out = render_article(campaign, feed, revisions, lang);
    let _ = write!(
        out,
        "<section class=\"sign-on\" aria-labelledby=\"sign-heading\"><h2 id=\"sign-heading\">{}</h2><p>{}</p>{}</section>",
        escape(&lang.text("form.heading")),
        escape(&lang.plural("page.count", signers.counts.total, &[])),
        form::render(&FormState { campaign_id: &campaign.id, values: None, errors: &[], lang }),
    );
    render_signers(signers, lang, &mut out);
    let _ = write!(
        out,
        "<section class=\"withdraw\" aria-labelledby=\"withdraw-heading\"><h2 id=\"withdraw-heading\">{}</h2><p>{}</p>{}</section>",
        escape(&lang.text("page.withdraw.request.heading")),
        escape(&lang.text("page.withdraw.request.intro")),
        super::links::withdraw_request_form(&campaign.id, lang, "", None),
    );
    out
}

/// The letter itself as an `<article>` (title to notes, with the demands' current statuses): the
/// letter page's and the back office's print page's. `revisions` (oldest first) adds the notice
/// that the text was revised; the back office passes none.
pub fn render_article(campaign: &Campaign, feed: &StatusFeed, revisions: &[Revision], lang: Lang) -> String {
    let mut out = String::new();
    let mut refs = Vec::new();
    let same = |lang: Lang| {
        campaign.language.split('-').next().is_some_and(|primary| primary.eq_ignore_ascii_case(lang.code()))
    };
    let marked = |lang: Lang| if same(lang) { String::new() } else { format!(" lang=\"{}\"", lang.code()) };
    let letter = Lang::from_tag(&campaign.language).unwrap_or(lang);
    let words = Words { lang, attr: marked(lang), letter, letter_attr: marked(letter) };
    let own = &words.letter_attr;
    let _ = write!(
        out,
        "<article class=\"letter\" lang=\"{}\"{}><h1>{}</h1>",
        escape(&campaign.language),
        // A letter written left to right stays so on a right-to-left page, and the reverse.
        match undersigned_core::locale::direction_of(&campaign.language) {
            dir if dir != lang.dir() => format!(" dir=\"{dir}\""),
            _ => String::new(),
        },
        escape(&campaign.title)
    );
    let _ = write!(out, "<p class=\"date\">{}</p>", escape(&campaign.date));
    out.push_str(&super::revision::notice(&campaign.id, revisions, lang));
    if !campaign.recipient.is_empty() {
        out.push_str("<p class=\"recipient\">");
        out.push_str(&campaign.recipient.iter().map(|l| escape(l)).collect::<Vec<_>>().join("<br>"));
        out.push_str("</p>");
    }
    for line in [&campaign.subject, &campaign.salutation].into_iter().flatten() {
        let _ = write!(out, "<p>{}</p>", escape(line));
    }
    for block in &campaign.body {
        render_block(block, &feed.demands, &words, &mut refs, &mut out);
    }
    if let Some(closing) = &campaign.closing {
        let _ = write!(out, "<p>{}</p>", escape(closing));
    }
    let signatories = &campaign.signatories;
    if !signatories.organizations.is_empty() {
        let _ = write!(out, "<h2{own}>{}</h2><ul class=\"signatories\">", escape(&letter.text("letter.organizations")));
        for org in &signatories.organizations {
            let _ = write!(out, "<li>{}</li>", escape(&org.name));
        }
        out.push_str("</ul>");
    }
    if !signatories.individuals.is_empty() {
        let _ = write!(out, "<h2{own}>{}</h2><ul class=\"signatories\">", escape(&letter.text("letter.individuals")));
        for person in &signatories.individuals {
            let _ = write!(out, "<li>{}", escape(&person.name));
            if let Some(line) = person.title_line() {
                let _ = write!(out, "<br><span class=\"muted\">{}</span>", escape(&line));
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    if !campaign.cc.is_empty() {
        let cc = campaign.cc.iter().map(|l| escape(l)).collect::<Vec<_>>().join("<br>");
        let _ = write!(out, "<p><span{own}>{}</span><br>{cc}</p>", escape(&letter.text("letter.cc")));
    }
    if !campaign.contact.is_empty() {
        out.push_str("<p>");
        inlines(&campaign.contact, letter, &mut refs, &mut out);
        out.push_str("</p>");
    }
    if !campaign.footnotes.is_empty() {
        let _ = write!(out, "<h2{own}>{}</h2><ol class=\"notes\">", escape(&letter.text("letter.notes")));
        for (i, note) in campaign.footnotes.iter().enumerate() {
            let n = i + 1;
            let _ = write!(out, "<li id=\"note-{n}\">");
            inlines(&note.text, letter, &mut Vec::new(), &mut out);
            if let Some(link) = note.link.as_deref().filter(|l| undersigned_core::campaign::is_safe_href(l)) {
                let _ = write!(out, " <a href=\"{0}\">{0}</a>", escape(link));
            }
            if refs.contains(&(n as u32)) {
                let _ = write!(out, " <a href=\"#ref-{n}\"{own}>{}</a>", escape(&letter.text("letter.back_to_text")));
            }
            out.push_str("</li>");
        }
        out.push_str("</ol>");
    }
    out.push_str("</article>");
    out
}

/// One demand as the letter page shows it (status, note, evidence), in `lang`: the back office's
/// preview of a change.
pub fn render_demand_item(demand: &Demand, states: &[DemandState], lang: Lang) -> String {
    let mut out = String::new();
    // A preview for organizers: the demand's text and its status in their language alike.
    let words = Words { lang, attr: String::new(), letter: lang, letter_attr: String::new() };
    render_demand(demand, states, &words, &mut Vec::new(), &mut out);
    out
}

/// The public signer list, as the widget shows it: approved signers who agreed to be listed,
/// organizations first, oldest first; the first [`SIGNERS_SHOWN`] of each kind.
pub struct Signers {
    pub counts: SignerCounts,
    /// Entries as the public API gives them (`signing::public_entry`: never an email, never an
    /// organization's contact person).
    pub organizations: Vec<PublicSigner>,
    pub individuals: Vec<PublicSigner>,
}

/// How many signers of each kind the letter page lists.
pub const SIGNERS_SHOWN: i64 = 100;

fn render_signers(signers: &Signers, lang: Lang, out: &mut String) {
    if signers.organizations.is_empty() && signers.individuals.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<section class=\"signers\" aria-labelledby=\"signers-heading\"><h2 id=\"signers-heading\">{}</h2>",
        escape(&lang.text("live.signers.heading"))
    );
    for (heading, entries, count) in [
        ("live.signers.organizations", &signers.organizations, signers.counts.organizations),
        ("live.signers.individuals", &signers.individuals, signers.counts.individuals),
    ] {
        if entries.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "<h3>{}</h3><ul class=\"signatories\">",
            escape(&lang.format(heading, &[("count", &count.to_string())]))
        );
        for entry in entries {
            let _ = write!(out, "<li>{}", escape(&entry.name));
            let line: Vec<&str> = [&entry.title, &entry.affiliation]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .filter(|t| !t.is_empty())
                .collect();
            if !line.is_empty() {
                let _ = write!(out, "<br><span class=\"muted\">{}</span>", escape(&line.join(", ")));
            }
            if let Some(number) = entry.earlier_revision {
                let mark = lang.format("live.signers.earlier_revision", &[("number", &number.to_string())]);
                let _ = write!(out, " <span class=\"muted earlier\">({})</span>", escape(&mark));
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
        let more = count.saturating_sub(entries.len() as u64);
        if more > 0 {
            let _ = write!(out, "<p>{}</p>", escape(&lang.format("page.and_more", &[("count", &more.to_string())])));
        }
    }
    out.push_str("</section>");
}

fn render_block(block: &Block, states: &[DemandState], words: &Words, refs: &mut Vec<u32>, out: &mut String) {
    match block {
        Block::Paragraph(text) => {
            out.push_str("<p>");
            inlines(text, words.letter, refs, out);
            out.push_str("</p>");
        }
        Block::List(items) => {
            out.push_str("<ul>");
            for item in items {
                out.push_str("<li>");
                inlines(item, words.letter, refs, out);
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        Block::Demands(demands) => {
            out.push_str("<ul class=\"demands\">");
            for demand in demands {
                render_demand(demand, states, words, refs, out);
            }
            out.push_str("</ul>");
        }
        Block::Quote(blocks) => {
            out.push_str("<blockquote>");
            for inner in blocks {
                render_block(inner, states, words, refs, out);
            }
            out.push_str("</blockquote>");
        }
    }
}

/// Where a demand stands now: the receiver's latest state when it has one, else the status
/// written in the campaign file.
fn current_status(demand: &Demand, states: &[DemandState]) -> DemandStatus {
    states.iter().find(|s| s.id == demand.id).map_or(demand.status, |s| s.status)
}

/// (outstanding, all) of the demands without children under `demand`, as the widget counts them.
fn leaves_outstanding(demand: &Demand, states: &[DemandState]) -> (usize, usize) {
    if demand.children.is_empty() {
        return (usize::from(current_status(demand, states).is_outstanding()), 1);
    }
    demand.children.iter().map(|c| leaves_outstanding(c, states)).fold((0, 0), |(a, b), (c, d)| (a + c, b + d))
}

/// One demand: its status (a group: how many of its items are still outstanding), note, evidence.
fn render_demand(demand: &Demand, states: &[DemandState], words: &Words, refs: &mut Vec<u32>, out: &mut String) {
    let (lang, ui) = (words.lang, &words.attr);
    let state = states.iter().find(|s| s.id == demand.id);
    let status = current_status(demand, states);
    let note = state.map_or(demand.note.as_deref().unwrap_or(""), |s| s.note.as_str());
    let _ = write!(out, "<li id=\"demand-{}\">", escape(&demand.id));
    inlines(&demand.text, words.letter, refs, out);
    if demand.children.is_empty() {
        let status_text =
            lang.format("page.status", &[("status", &lang.text(&format!("live.status.{}", status.as_str())))]);
        let _ = write!(
            out,
            "<br><span class=\"status status-{}\"{ui}><span aria-hidden=\"true\">{}</span> {}</span>",
            status.as_str(),
            status_shape(status),
            escape(&status_text),
        );
    } else {
        let (outstanding, all) = leaves_outstanding(demand, states);
        let summary = lang.plural("live.group_summary", outstanding as u64, &[("total", &all.to_string())]);
        let _ = write!(out, "<br><span class=\"status\"{ui}>{}</span>", escape(&summary));
    }
    if !note.is_empty() {
        let _ = write!(out, " <span class=\"note\">{}</span>", escape(note));
    }
    let evidence = state.map_or(&[][..], |s| s.evidence.as_slice());
    if !evidence.is_empty() {
        let _ = write!(out, "<ul class=\"evidence\"{ui} aria-label=\"{}\">", escape(&lang.text("live.evidence")));
        for item in evidence.iter().filter(|e| undersigned_core::campaign::is_safe_href(&e.url)) {
            let title = if item.title.is_empty() { &item.url } else { &item.title };
            let _ = write!(
                out,
                "<li><a href=\"{}\">{}</a> ({})</li>",
                escape(&item.url),
                escape(title),
                escape(&item.date)
            );
        }
        out.push_str("</ul>");
    }
    if !demand.children.is_empty() {
        out.push_str("<ul>");
        for child in &demand.children {
            render_demand(child, states, words, refs, out);
        }
        out.push_str("</ul>");
    }
    out.push_str("</li>");
}

/// The deliveries of the letter that its organizers chose to show (recorded in the back office).
pub fn render_deliveries(deliveries: &[crate::store::Delivery], lang: Lang, out: &mut String) {
    if deliveries.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<section class=\"deliveries\" aria-labelledby=\"deliveries-heading\"><h2 id=\"deliveries-heading\">{}</h2><ul>",
        escape(&lang.text("page.deliveries"))
    );
    for d in deliveries {
        let line = lang.format(
            "page.delivery",
            &[("date", d.delivered_on.as_str()), ("recipient", d.recipient.as_str()), ("method", d.method.as_str())],
        );
        let _ = write!(out, "<li>{}", escape(&line));
        if !d.note.is_empty() {
            let _ = write!(out, " <span class=\"note\">{}</span>", escape(&d.note));
        }
        out.push_str("</li>");
    }
    out.push_str("</ul></section>");
}
