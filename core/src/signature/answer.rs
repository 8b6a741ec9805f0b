//! The receiver's answer to a signature it took (a 2xx): a machine status and a message for
//! people, the one place the status words are spelled. The receiver writes it, the widget and the
//! receiver's own thank-you page read it; docs/receiver.md shows it with its HTTP statuses.
//!
//! ```json
//! { "status": "check_inbox", "message": "Check your inbox: we sent a mail to this address with a link to confirm the signature. It counts once confirmed." }
//! ```

use crate::json::{self, FromJson, Reader};
use serde::{Deserialize, Serialize};

/// Where a signature the receiver took stands. Serialized in `snake_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    /// Stored and approved: it counts and may be listed.
    Signed,
    /// Stored, waiting for an organizer (moderation, organizations, or suspected spam).
    Pending,
    /// Stored, counting once the address's owner confirms it through the link mailed to it (the
    /// reference receiver's answer to every signature of a campaign with `confirmation = email`).
    CheckInbox,
    /// This address had already signed this campaign; nothing changed. The reference receiver no
    /// longer sends it (its answer never tells whether an address had signed), but answers kept
    /// for idempotency keys by an earlier release, and other endpoints, may carry it.
    AlreadySigned,
    /// A status this version does not know (a newer receiver, another endpoint): read by clients
    /// as "delivered"; the receiver never sends it.
    #[serde(other)]
    Unrecognized,
}

impl AnswerStatus {
    /// Every status a signature endpoint may answer with.
    pub const ALL: [AnswerStatus; 4] =
        [AnswerStatus::Signed, AnswerStatus::Pending, AnswerStatus::CheckInbox, AnswerStatus::AlreadySigned];

    /// The wire name (`signed`, `pending`, `check_inbox`, `already_signed`).
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerStatus::Signed => "signed",
            AnswerStatus::Pending => "pending",
            AnswerStatus::CheckInbox => "check_inbox",
            AnswerStatus::AlreadySigned => "already_signed",
            AnswerStatus::Unrecognized => "unrecognized",
        }
    }
}

/// Read by the widget without serde (see `json`): a word it does not know is `Unrecognized`.
impl FromJson for AnswerStatus {
    fn read(r: &mut Reader<'_>) -> json::Result<AnswerStatus> {
        r.word(&AnswerStatus::ALL, AnswerStatus::as_str, Some(AnswerStatus::Unrecognized))
    }
}

/// The JSON body of a 2xx answer to a signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureAnswer {
    pub status: AnswerStatus,
    /// For people; may change.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde_and_unknown_ones_still_parse() {
        for status in AnswerStatus::ALL {
            assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{}\"", status.as_str()));
        }
        let answer: SignatureAnswer = serde_json::from_str(r#"{"status":"queued","message":"m"}"#).unwrap();
        assert_eq!(answer.status, AnswerStatus::Unrecognized);
    }
}
