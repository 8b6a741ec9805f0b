//! An organization's website: the rule for what the form accepts, its normalized form, and
//! whether the contact's address is on the organization's own domain ("domain verified").
//!
//! Moderators read "domain verified" as a hint, not a proof: a person who receives mail at
//! `@eff.org` (and confirmed it by clicking the link in it) is likely to speak for eff.org. The
//! check knows no public-suffix list (the answer is only a hint, and the list is large): a
//! website typed as `co.uk` would "verify" every address under it, so moderators still read the
//! website itself.
//!
//! Accepted: `https://…` or `http://…` URLs and bare domains (`eff.org`, `www.eff.org/about`),
//! any case. Refused: other schemes, user names or passwords in the URL, spaces, hosts without a
//! dot, IP addresses. The normalized form is `scheme://host[:port][/path]`: lower-case scheme and
//! host, `https` when none was typed, the path kept as typed, the query, the fragment and a lone
//! trailing `/` dropped (they say nothing about whose site it is and often carry tracking).

/// The longest website accepted, in characters.
pub const MAX_WEBSITE_CHARS: usize = 200;

/// The normalized website for what was typed (already cleaned of controls and extra spaces), or
/// None when it is not an http(s) URL or a bare domain.
pub fn normalize_website(typed: &str) -> Option<String> {
    let typed = typed.trim();
    let lower = typed.to_ascii_lowercase();
    let (scheme, rest) = if lower.starts_with("https://") {
        ("https", &typed["https://".len()..])
    } else if lower.starts_with("http://") {
        ("http", &typed["http://".len()..])
    } else if after_scheme(&lower).is_some() {
        return None;
    } else {
        ("https", typed)
    };
    // Query and fragment first: they may hold any character.
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    if authority.contains('@') || path.contains(char::is_whitespace) {
        return None;
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()) => {
            (host, Some(port))
        }
        Some(_) => return None,
        None => (authority, None),
    };
    // ASCII case only: Unicode `to_lowercase` pulls its case tables into the wasm every partner page
    // downloads (5,383 bytes brotli, measured), and both sides of `domain_verified` fold the same way.
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    if !is_host(&host) {
        return None;
    }
    let path = if path == "/" { "" } else { path };
    Some(match port {
        Some(port) => format!("{scheme}://{host}:{port}{path}"),
        None => format!("{scheme}://{host}{path}"),
    })
}

/// A domain name of at least two labels: letters (any script), digits and inner hyphens, each
/// label at most 63 characters, the last one not all digits (so no IP address).
fn is_host(host: &str) -> bool {
    // Any non-ASCII character that is no space or control counts as a letter of some script: the
    // Unicode letter tables of `is_alphanumeric` would cost every partner page's wasm kilobytes.
    let letter = |c: &char| c.is_ascii_alphanumeric() || !(c.is_ascii() || c.is_whitespace() || c.is_control());
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |label: &&str| {
        let chars: Vec<char> = label.chars().collect();
        match (chars.first(), chars.last()) {
            (Some(first), Some(last)) => {
                chars.len() <= 63 && letter(first) && letter(last) && chars.iter().all(|c| letter(c) || *c == '-')
            }
            _ => false,
        }
    };
    labels.len() >= 2
        && host.chars().count() <= 253
        && labels.iter().all(label_ok)
        && !labels.last().is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
}

/// What follows the first `://` of `url` (`https://eff.org/x` → `eff.org/x`), or None. Found
/// without a substring search, which brings its own code into the wasm.
pub fn after_scheme(url: &str) -> Option<&str> {
    url.char_indices().find_map(|(i, _)| url[i..].strip_prefix("://"))
}

/// The host of a normalized website (`https://www.eff.org/about` → `www.eff.org`).
pub fn website_host(website: &str) -> Option<&str> {
    let rest = after_scheme(website)?;
    let authority = rest.split('/').next()?;
    let host = authority.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

/// Whether the contact address `email` is on the website's domain: its domain equals the
/// website's host or is a subdomain of it (`ana@eff.org`, `ana@lists.eff.org` for `eff.org`); a
/// website at `www.` counts as the domain without it (`ana@eff.org` for `www.eff.org`). A
/// website on a subdomain does not verify the parent domain's addresses (`ana@wordpress.com` is
/// not `eff.wordpress.com`). Compared without case; `website` may be normalized or as typed.
pub fn domain_verified(email: &str, website: &str) -> bool {
    let Some((_, domain)) = email.trim().rsplit_once('@') else { return false };
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let Some(website) = normalize_website(website) else { return false };
    let Some(host) = website_host(&website) else { return false };
    let host = host.strip_prefix("www.").filter(|h| h.contains('.')).unwrap_or(host);
    !domain.is_empty()
        && (domain == host || domain.strip_suffix(host).is_some_and(|sub| sub.ends_with('.') && sub.len() > 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_bare_domains_are_normalized() {
        for (typed, normalized) in [
            ("eff.org", "https://eff.org"),
            ("EFF.org/", "https://eff.org"),
            ("www.eff.org/about/", "https://www.eff.org/about/"),
            ("https://www.EFF.org", "https://www.eff.org"),
            ("HTTP://eff.org:8080/x?utm_source=y#top", "http://eff.org:8080/x"),
            ("eff.org.", "https://eff.org"),
            ("https://amnistía.org", "https://amnistía.org"),
            ("xn--amnista-4za.org", "https://xn--amnista-4za.org"),
            (" https://epic.org ", "https://epic.org"),
        ] {
            assert_eq!(normalize_website(typed).as_deref(), Some(normalized), "{typed}");
        }
    }

    #[test]
    fn other_things_are_refused() {
        for typed in [
            "",
            "eff",
            "ftp://eff.org",
            "javascript:alert(1)",
            "mailto:ana@eff.org",
            "https://user:pw@eff.org",
            "ana@eff.org",
            "https://",
            "eff .org",
            "https://eff.org/a b",
            "-eff.org",
            "eff-.org",
            "eff..org",
            "192.168.0.1",
            "https://eff.org:port",
            "https://eff.org:",
            "<script>.org",
        ] {
            assert_eq!(normalize_website(typed), None, "{typed}");
        }
        assert_eq!(normalize_website(&format!("{}.org", "a".repeat(64))), None, "a label is at most 63");
    }

    #[test]
    fn normalizing_twice_changes_nothing() {
        for typed in ["eff.org", "HTTP://Www.Eff.org/a/", "https://x.y.z:443/p"] {
            let once = normalize_website(typed).unwrap();
            assert_eq!(normalize_website(&once).as_deref(), Some(once.as_str()));
        }
    }

    #[test]
    fn the_host_is_read_back() {
        assert_eq!(website_host("https://www.eff.org/about"), Some("www.eff.org"));
        assert_eq!(website_host("http://eff.org:8080"), Some("eff.org"));
        assert_eq!(website_host("eff.org"), None);
    }

    #[test]
    fn an_address_on_the_domain_or_a_subdomain_is_verified() {
        for (email, website) in [
            ("ana@eff.org", "https://eff.org"),
            ("Ana@EFF.org", "eff.org"),
            ("ana@eff.org", "https://www.eff.org/about"),
            ("ana@www.eff.org", "https://www.eff.org"),
            ("ana@lists.eff.org", "eff.org"),
            ("ana@a.b.eff.org", "www.eff.org"),
            ("ana@eff.org.", "eff.org"),
        ] {
            assert!(domain_verified(email, website), "{email} for {website}");
        }
    }

    #[test]
    fn other_addresses_are_not_verified() {
        for (email, website) in [
            ("ana@gmail.com", "https://eff.org"),
            ("ana@noteff.org", "eff.org"),
            ("ana@eff.org.evil.net", "eff.org"),
            ("ana@wordpress.com", "https://eff.wordpress.com"),
            ("ana@eff.com", "eff.org"),
            ("ana@org", "eff.org"),
            ("no-at-sign", "eff.org"),
            ("ana@eff.org", "not a website"),
            ("ana@", "eff.org"),
            ("ana@com", "www.com"),
        ] {
            assert!(!domain_verified(email, website), "{email} for {website}");
        }
    }
}
