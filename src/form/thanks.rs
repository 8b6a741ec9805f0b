//! After signing: the confirmation and plain share links (no third-party script is loaded, and
//! nothing is requested from the share sites unless the visitor follows a link).

use crate::i18n::Lang;
use crate::net::retry::Acknowledged;
use undersigned_core::signature::wire::push_percent_encoded;
use yew::prelude::*;

/// The share links for `url` with `text`: (label key, href).
pub fn share_links(url: &str, text: &str) -> Vec<(&'static str, String)> {
    let url_e = encode(url);
    let text_e = encode(text);
    let both = encode(&format!("{text} {url}"));
    vec![
        ("share.email", format!("mailto:?subject={text_e}&body={both}")),
        ("share.bluesky", format!("https://bsky.app/intent/compose?text={both}")),
        ("share.x", format!("https://twitter.com/intent/tweet?text={text_e}&url={url_e}")),
        ("share.facebook", format!("https://www.facebook.com/sharer/sharer.php?u={url_e}")),
        ("share.linkedin", format!("https://www.linkedin.com/sharing/share-offsite/?url={url_e}")),
        ("share.whatsapp", format!("https://wa.me/?text={both}")),
    ]
}

/// `encodeURIComponent`: safe in a query string and in a `mailto:` (where `+` is not a space).
fn encode(text: &str) -> String {
    let mut out = String::new();
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            push_percent_encoded(b, &mut out);
        }
    }
    out
}

pub struct ThankYouProps {
    pub lang: Lang,
    pub ack: Acknowledged,
    /// The page to share.
    pub url: AttrValue,
    pub title: AttrValue,
    pub status_ref: NodeRef,
}

/// A plain function rather than a component: it holds no state, and every component type costs
/// the wasm its own copy of Yew's component machinery.
pub fn thank_you(props: ThankYouProps) -> Html {
    let lang = props.lang;
    // With email confirmation the signature counts only once confirmed: say so, not "thank you".
    let (heading, message) = match props.ack {
        Acknowledged::Signed => ("form.signed.heading", "form.signed"),
        Acknowledged::AlreadySigned => ("form.signed.heading", "form.signed.already"),
        Acknowledged::CheckInbox => ("form.check_inbox.heading", "form.check_inbox"),
    };
    let share_text = lang.format("share.text", &[("title", &props.title)]);
    html! {
        <div class="thanks">
            <h3 class="status-heading" tabindex="-1" ref={props.status_ref.clone()}>{ lang.text(heading) }</h3>
            <p role="status">{ lang.text(message) }</p>
            <p>{ lang.text("share.intro") }</p>
            <ul class="share">
                { for share_links(&props.url, &share_text).into_iter().map(|(key, href)| html! {
                    <li><a {href} target="_blank" rel="noopener noreferrer">{ lang.text(key) }</a></li>
                }) }
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_links_encode_the_page_and_text_for_each_site() {
        let links = share_links("https://p.example/letter?a=1&b=2", "Sign: DHS & Paragon");
        let email = &links[0].1;
        assert_eq!(email, "mailto:?subject=Sign%3A%20DHS%20%26%20Paragon&body=Sign%3A%20DHS%20%26%20Paragon%20https%3A%2F%2Fp.example%2Fletter%3Fa%3D1%26b%3D2");
        assert!(links.iter().all(|(_, href)| !href.contains(' ') && !href.contains("&b=2")));
    }
}
