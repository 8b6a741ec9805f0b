//! Server-Sent Events on the wire, each frame built once and shared. An event that goes to many
//! streams (a status change, new signer counts, the feed every new stream starts with) is
//! serialized into its frame once, where it is published, and every stream writes the same
//! [`Bytes`] (a reference count, not a copy): when tens of thousands of streams are open, a change
//! costs one write per stream and no serializing.
//!
//! A frame is `event:`, then `id:` when the event has one, then the data one `data:` line per line
//! of it, then a blank line (<https://html.spec.whatwg.org/multipage/server-sent-events.html>).

use axum::body::Bytes;
use serde::Serialize;
use std::time::Duration;

/// A comment line sent on a stream that has been quiet for [`KEEP_ALIVE_EVERY`] (proxies and the
/// receiver's own idle timeout close silent connections).
pub const KEEP_ALIVE: Bytes = Bytes::from_static(b":\n\n");
pub const KEEP_ALIVE_EVERY: Duration = Duration::from_secs(15);

/// The frame of event `name` with `data` (and `id`).
pub fn frame(name: &str, id: Option<i64>, data: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(data.len() + name.len() + 40);
    out.extend_from_slice(b"event: ");
    out.extend_from_slice(name.as_bytes());
    out.push(b'\n');
    if let Some(id) = id {
        out.extend_from_slice(b"id: ");
        out.extend_from_slice(id.to_string().as_bytes());
        out.push(b'\n');
    }
    // A line break inside the data would end the field: each line is its own `data:` field, and
    // the client joins them with line breaks again. (Compact JSON has none.)
    for line in data.split(|b| *b == b'\n') {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(line.strip_suffix(b"\r").unwrap_or(line));
        out.push(b'\n');
    }
    out.push(b'\n');
    out.into()
}

/// The frame of event `name` with `value` as JSON.
pub fn json(name: &str, id: Option<i64>, value: &impl Serialize) -> Bytes {
    match serde_json::to_vec(value) {
        Ok(data) => frame(name, id, &data),
        Err(e) => {
            tracing::error!(error = %e, event = name, "an event could not be serialized");
            Bytes::from_static(b": unserializable event\n\n")
        }
    }
}

/// How long the client should wait before reconnecting (`retry:`), with a comment.
pub fn retry(wait: Duration, comment: &str) -> Bytes {
    let mut text = format!("retry: {}\n", wait.as_millis());
    if !comment.is_empty() {
        text.push_str(": ");
        text.push_str(comment);
        text.push('\n');
    }
    text.push('\n');
    Bytes::from(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_follow_the_event_stream_format() {
        assert_eq!(&frame("demand", Some(7), br#"{"a":1}"#)[..], b"event: demand\nid: 7\ndata: {\"a\":1}\n\n");
        assert_eq!(&frame("x", None, b"one\ntwo\r\nthree")[..], b"event: x\ndata: one\ndata: two\ndata: three\n\n");
        assert_eq!(&retry(Duration::from_millis(1500), "resuming")[..], b"retry: 1500\n: resuming\n\n");
        assert_eq!(&retry(Duration::from_secs(2), "")[..], b"retry: 2000\n\n");
        assert_eq!(&json("signers", None, &[1, 2])[..], b"event: signers\ndata: [1,2]\n\n");
    }
}
