//! Where the live list's updates come from, decided once from the widget's configuration:
//!
//! 1. `status-feed` set: poll that static JSON file (an organizer without a receiver hosts it
//!    anywhere) every `status-poll-interval` seconds.
//! 2. Otherwise `receiver` set (the base URL of a reference receiver, which the sign-on form also
//!    posts to): follow its event stream and list its approved signers.
//! 3. Neither: the statuses written in the campaign file, without live updates.
//!
//! The receiver is never inferred from `endpoint`: a page opens a connection only to an address it
//! names for that purpose, which keeps its `connect-src` policy predictable.

/// Seconds between two polls of a static feed when the page does not say.
pub const DEFAULT_POLL_SECONDS: u32 = 60;
/// The shortest polling interval honoured: a static host should not be hit more often by every
/// visitor's open page.
pub const MIN_POLL_SECONDS: u32 = 1;

/// The live source of one widget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveSource {
    /// Statuses from the campaign file only.
    CampaignFile,
    /// A static status feed, polled.
    StaticFeed { url: String, interval_seconds: u32 },
    /// A reference receiver's API for one campaign.
    Receiver(ReceiverUrls),
}

/// The receiver endpoints the live list uses for one campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiverUrls {
    /// `…/api/campaigns/{id}` (no trailing slash).
    campaign_api: String,
}

impl ReceiverUrls {
    /// The receiver at `base` (`https://receiver.example` or `https://example.org/undersigned/`),
    /// campaign `campaign_id`.
    pub fn new(base: &str, campaign_id: &str) -> Self {
        ReceiverUrls {
            campaign_api: format!(
                "{}/api/campaigns/{}",
                base.trim().trim_end_matches('/'),
                encode_segment(campaign_id)
            ),
        }
    }

    /// The Server-Sent Events stream, resuming after `last_event_id` when one was seen.
    pub fn events(&self, last_event_id: Option<u64>) -> String {
        match last_event_id {
            Some(id) => format!("{}/events?last_event_id={id}", self.campaign_api),
            None => format!("{}/events", self.campaign_api),
        }
    }

    /// The status feed (`/status`), read while the stream cannot be opened.
    pub fn status(&self) -> String {
        format!("{}/status", self.campaign_api)
    }

    /// One page of the public signer list of `kind` (`organization` or `individual`).
    pub fn signers(&self, kind: &str, page: u32, per_page: u32) -> String {
        format!("{}/signers?kind={kind}&page={page}&per_page={per_page}", self.campaign_api)
    }
}

impl LiveSource {
    /// The source a widget with `config` follows, for the campaign `campaign_id`.
    pub fn from_config(config: &crate::config::WidgetConfig, campaign_id: &str) -> Self {
        LiveSource::choose(
            config.status_feed.as_deref(),
            config.status_poll_interval,
            config.receiver.as_deref(),
            campaign_id,
        )
    }

    /// The source for these attribute values (see the module documentation for the precedence).
    pub fn choose(
        status_feed: Option<&str>,
        poll_seconds: Option<u32>,
        receiver: Option<&str>,
        campaign_id: &str,
    ) -> Self {
        if let Some(url) = present(status_feed) {
            let interval_seconds = poll_seconds.unwrap_or(DEFAULT_POLL_SECONDS).max(MIN_POLL_SECONDS);
            return LiveSource::StaticFeed { url: url.to_string(), interval_seconds };
        }
        match present(receiver) {
            Some(base) => LiveSource::Receiver(ReceiverUrls::new(base, campaign_id)),
            None => LiveSource::CampaignFile,
        }
    }

    /// The receiver, when this source has one (for the signer list).
    pub fn receiver(&self) -> Option<&ReceiverUrls> {
        match self {
            LiveSource::Receiver(urls) => Some(urls),
            _ => None,
        }
    }
}

fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Percent-encodes what a URL path segment cannot hold as is (campaign ids are `[a-z0-9-]`, so
/// this only matters for a misconfigured id, which then fails as a clean 404).
fn encode_segment(segment: &str) -> String {
    let mut out = String::new();
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            undersigned_core::signature::wire::push_percent_encoded(b, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_static_feed_wins_and_its_interval_has_a_floor() {
        let s = LiveSource::choose(Some(" /feed.json "), Some(0), Some("https://r.example"), "c");
        assert_eq!(s, LiveSource::StaticFeed { url: "/feed.json".into(), interval_seconds: MIN_POLL_SECONDS });
        let s = LiveSource::choose(Some("/feed.json"), None, None, "c");
        assert_eq!(s, LiveSource::StaticFeed { url: "/feed.json".into(), interval_seconds: DEFAULT_POLL_SECONDS });
    }

    #[test]
    fn an_explicit_receiver_gives_the_campaign_urls() {
        let s = LiveSource::choose(None, None, Some("https://r.example/base/"), "dhs-paragon");
        let urls = s.receiver().expect("a receiver");
        assert_eq!(urls.events(None), "https://r.example/base/api/campaigns/dhs-paragon/events");
        assert_eq!(urls.events(Some(42)), "https://r.example/base/api/campaigns/dhs-paragon/events?last_event_id=42");
        assert_eq!(
            urls.signers("organization", 2, 50),
            "https://r.example/base/api/campaigns/dhs-paragon/signers?kind=organization&page=2&per_page=50"
        );
        assert_eq!(ReceiverUrls::new("/", "a b").events(None), "/api/campaigns/a%20b/events");
    }

    #[test]
    fn without_a_feed_or_a_receiver_the_campaign_file_speaks() {
        assert_eq!(LiveSource::choose(None, None, None, "c"), LiveSource::CampaignFile);
        assert_eq!(LiveSource::choose(Some("  "), Some(5), Some(""), "c"), LiveSource::CampaignFile);
    }
}
