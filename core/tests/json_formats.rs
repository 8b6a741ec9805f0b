//! The widget's JSON ([`undersigned_core::json`], hand-written to keep serde out of the wasm) and
//! the receiver's (serde_json) agree: every type the widget reads reads back what serde_json wrote,
//! accepts what serde_json accepts with the same value, and refuses bad input with an error rather
//! than a panic; what the widget writes is byte for byte what serde_json writes.

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;
use std::path::Path;
use undersigned_core::api_error::{FieldError, FieldErrorCode};
use undersigned_core::campaign::{Block, Demand, Footnote, Individual, Inline, Organization, Signatories};
use undersigned_core::feed::{DemandState, Evidence, StatusFeed};
use undersigned_core::json::{self, FromJson, MAX_DEPTH};
use undersigned_core::signature::answer::AnswerStatus;
use undersigned_core::signature::{SignatureSubmission, SignerKind};
use undersigned_core::signers::{PublicSigner, SignerCounts, SignerPage};
use undersigned_core::status::DemandStatus;
use undersigned_core::Campaign;

/// Text that needs every kind of escape, and characters beyond the BMP.
const AWKWARD: &str = "\"quoted\" back\\slash /slash\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f} é € 😀 \u{2028}";

/// `value` written by serde_json (compact and pretty) reads back equal with `json`.
fn round_trips<T: Serialize + FromJson + PartialEq + Debug>(value: &T) {
    for text in [serde_json::to_string(value).unwrap(), serde_json::to_string_pretty(value).unwrap()] {
        match json::from_str::<T>(&text) {
            Ok(read) => assert_eq!(&read, value, "{text}"),
            Err(e) => panic!("{e} in {text}"),
        }
    }
}

/// `text` reads the same with `json` and with serde_json: both the same value, or both an error.
fn agrees<T: DeserializeOwned + FromJson + PartialEq + Debug>(text: &str) {
    match (json::from_str::<T>(text), serde_json::from_str::<T>(text)) {
        (Ok(ours), Ok(theirs)) => assert_eq!(ours, theirs, "{text}"),
        (Err(_), Err(_)) => {}
        (ours, theirs) => panic!("{text}: json says {ours:?}, serde_json says {theirs:?}"),
    }
}

fn text(s: &str) -> Vec<Inline> {
    vec![Inline::Text(s.into())]
}

fn demand(id: &str, status: DemandStatus, children: Vec<Demand>) -> Demand {
    Demand { id: id.into(), text: text(id), status, note: None, children }
}

/// A campaign with every part filled in, every inline and block kind, and awkward text.
fn full_campaign() -> Campaign {
    let rich = vec![
        Inline::Text(AWKWARD.into()),
        Inline::Emphasis(vec![Inline::Strong(text("strong inside emphasis"))]),
        Inline::Link {
            href: "https://example.org/a?b=c&d=\"e\"".into(),
            children: vec![Inline::Text("link".into()), Inline::FootnoteRef(2)],
        },
        Inline::FootnoteRef(1),
    ];
    Campaign {
        language: "es-MX".into(),
        recipient: vec!["The Secretary".into(), "Washington, DC".into()],
        subject: Some("Re: \"contracts\"".into()),
        salutation: Some("Dear Secretary,".into()),
        body: vec![
            Block::Paragraph(rich.clone()),
            Block::List(vec![text("one"), rich.clone(), vec![]]),
            Block::Demands(vec![
                Demand {
                    note: Some("Released in part".into()),
                    ..demand(
                        "a",
                        DemandStatus::PartiallyDisclosed,
                        vec![
                            demand("a-1", DemandStatus::Disclosed, vec![]),
                            demand("a-2", DemandStatus::Refused, vec![]),
                        ],
                    )
                },
                demand("b", DemandStatus::Outstanding, vec![]),
            ]),
            Block::Quote(vec![Block::Paragraph(text("quoted")), Block::Quote(vec![Block::List(vec![text("deep")])])]),
        ],
        closing: Some("Signed,".into()),
        signatories: Signatories {
            organizations: vec![Organization { name: "Org & Co".into() }],
            individuals: vec![
                Individual { name: "Ana".into(), title: Some("Director".into()), affiliation: Some("Lab".into()) },
                Individual { name: "Bo".into(), title: None, affiliation: None },
            ],
        },
        cc: vec!["Inspector General".into()],
        contact: rich,
        footnotes: vec![
            Footnote { text: text("one"), link: Some("https://example.org".into()) },
            Footnote { text: text("two"), link: None },
        ],
        goal: Some(u64::MAX),
        ..Campaign::new("dhs-paragon", "Title ✓", "October 31, 2024")
    }
}

fn full_feed() -> StatusFeed {
    StatusFeed {
        format: "undersigned-status/1".into(),
        campaign: "dhs-paragon".into(),
        updated_at: Some("2026-11-26T16:00:00.000Z".into()),
        demands: vec![
            DemandState {
                id: "contract".into(),
                status: DemandStatus::PartiallyDisclosed,
                note: AWKWARD.into(),
                updated_at: Some("2026-11-26T16:00:00.000Z".into()),
                evidence: vec![Evidence {
                    url: "https://example.org/foia/123".into(),
                    title: "FOIA response".into(),
                    date: "2026-11-20".into(),
                }],
            },
            DemandState {
                id: "impact".into(),
                status: DemandStatus::Outstanding,
                note: String::new(),
                updated_at: None,
                evidence: vec![],
            },
        ],
    }
}

fn full_page() -> SignerPage {
    SignerPage {
        campaign: "dhs-paragon".into(),
        kind: SignerKind::Individual,
        page: 2,
        per_page: 50,
        pages: u32::MAX,
        counts: SignerCounts { total: 12, organizations: 3, individuals: 9 },
        signers: vec![
            PublicSigner {
                id: -1,
                name: AWKWARD.into(),
                title: Some("Researcher".into()),
                affiliation: Some("Deakin University".into()),
                country: Some("AU".into()),
                earlier_revision: Some(2),
            },
            PublicSigner {
                id: i64::MAX,
                name: "Bo".into(),
                title: None,
                affiliation: None,
                country: None,
                earlier_revision: None,
            },
        ],
    }
}

#[test]
fn every_type_the_widget_reads_reads_back_what_serde_json_writes() {
    round_trips(&full_campaign());
    round_trips(&Campaign::new("x", "X", "today"));
    round_trips(&full_feed());
    for state in full_feed().demands {
        round_trips(&state);
    }
    round_trips(&full_page());
    round_trips(&SignerCounts { total: u64::MAX, organizations: 0, individuals: 1 });
    for kind in SignerKind::ALL {
        round_trips(&kind);
    }
    for status in DemandStatus::ALL {
        round_trips(&status);
    }
    for status in AnswerStatus::ALL {
        round_trips(&status);
    }
    for code in FieldErrorCode::ALL {
        round_trips(&code);
        round_trips(&FieldError { field: "email".into(), code, message: AWKWARD.into() });
    }
}

#[test]
fn every_campaign_of_the_repository_reads_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sources = ["campaigns/dhs-paragon.md", "tests/fixtures/other-campaign.md"];
    for source in sources {
        let campaign = undersigned_core::authoring::compile_file(&root.join(source)).expect(source);
        round_trips(&campaign);
    }
    let checked_in = std::fs::read_to_string(root.join("tests/fixtures/other-campaign.json")).unwrap();
    agrees::<Campaign>(&checked_in);
}

#[test]
fn what_the_widget_sends_is_byte_for_byte_serde_json() {
    let empty = SignatureSubmission::default();
    assert_eq!(empty.to_json(), serde_json::to_string(&empty).unwrap());
    let full = SignatureSubmission {
        kind: "organization".into(),
        organization: "Org \"&\" Co".into(),
        organization_website: "https://org.example".into(),
        may_sign_for_organization: true,
        name: AWKWARD.into(),
        title: "Director".into(),
        affiliation: "Lab".into(),
        email: "a@b.org".into(),
        country: "FR".into(),
        list_publicly: true,
        updates_opt_in: true,
        idempotency_key: "9f0c5c1e-8d7b-4a53-9a83-0c4f3a0e2b11".into(),
        website: "bot".into(),
        fill_ms: Some(u64::MAX),
        lang: "pt-BR".into(),
        campaign: "dhs-paragon".into(),
        source: "newsletter".into(),
        utm_source: "s".into(),
        utm_medium: "m".into(),
        utm_campaign: "c".into(),
        utm_term: "t".into(),
        utm_content: "c\u{0}".into(),
    };
    assert_eq!(full.to_json(), serde_json::to_string(&full).unwrap());
    // And the receiver reads it back as it was.
    assert_eq!(serde_json::from_str::<SignatureSubmission>(&full.to_json()).unwrap(), full);
}

fn submission() -> impl Strategy<Value = SignatureSubmission> {
    let text = || prop_oneof![Just(String::new()), any::<String>(), "[\\x00-\\x7f]{0,8}"];
    (
        (text(), text(), text(), any::<bool>(), text(), text(), text(), text()),
        (text(), any::<bool>(), any::<bool>(), text(), text(), any::<Option<u64>>(), text(), text()),
        (text(), text(), text(), text(), text(), text()),
    )
        .prop_map(|(a, b, c)| SignatureSubmission {
            kind: a.0,
            organization: a.1,
            organization_website: a.2,
            may_sign_for_organization: a.3,
            name: a.4,
            title: a.5,
            affiliation: a.6,
            email: a.7,
            country: b.0,
            list_publicly: b.1,
            updates_opt_in: b.2,
            idempotency_key: b.3,
            website: b.4,
            fill_ms: b.5,
            lang: b.6,
            campaign: b.7,
            source: c.0,
            utm_source: c.1,
            utm_medium: c.2,
            utm_campaign: c.3,
            utm_term: c.4,
            utm_content: c.5,
        })
}

proptest! {
    #[test]
    fn any_submission_is_written_as_serde_json_writes_it(submission in submission()) {
        prop_assert_eq!(submission.to_json(), serde_json::to_string(&submission).unwrap());
    }

    #[test]
    fn any_string_reads_back(text in any::<String>()) {
        prop_assert_eq!(json::from_str::<String>(&serde_json::to_string(&text).unwrap()).unwrap(), text);
    }

    #[test]
    fn arbitrary_text_is_an_error_or_agrees_never_a_panic(text in "[\\[\\]{}\":,0-9a-z \\\\.eE+-]{0,40}") {
        agrees::<Vec<u64>>(&text);
        agrees::<String>(&text);
        let _ = json::from_str::<Campaign>(&text);
        let _ = json::from_str::<StatusFeed>(&text);
    }

    #[test]
    fn a_damaged_feed_is_an_error_or_agrees_never_a_panic(at in 0usize..2000, byte in any::<u8>()) {
        let mut bytes = serde_json::to_string(&full_feed()).unwrap().into_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        if let Ok(text) = String::from_utf8(bytes) {
            agrees_unless_duplicate::<StatusFeed>(&text);
        }
    }

    #[test]
    fn a_damaged_campaign_is_an_error_or_agrees_never_a_panic(at in 0usize..4000, byte in any::<u8>()) {
        let mut bytes = serde_json::to_string(&full_campaign()).unwrap().into_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        if let Ok(text) = String::from_utf8(bytes) {
            agrees_unless_duplicate::<Campaign>(&text);
        }
    }
}

/// [`agrees`], except that a text serde_json refuses for a repeated field may read with `json`
/// (which keeps the last value).
fn agrees_unless_duplicate<T: DeserializeOwned + FromJson + PartialEq + Debug>(text: &str) {
    match (json::from_str::<T>(text), serde_json::from_str::<T>(text)) {
        (Ok(ours), Ok(theirs)) => assert_eq!(ours, theirs, "{text}"),
        (Err(_), Err(_)) => {}
        (Ok(_), Err(e)) if e.to_string().starts_with("duplicate field") => {}
        (ours, theirs) => panic!("{text}: json says {ours:?}, serde_json says {theirs:?}"),
    }
}

#[test]
fn absent_null_and_unknown_fields_read_as_serde_reads_them() {
    for text in [
        r#"{"id":"x","title":"X","date":"d"}"#,
        r#"{"id":"x","title":"X","date":"d","subject":null,"goal":null,"closing":null,"salutation":null}"#,
        r#"{"id":"x","title":"X","date":"d","unknown":{"a":[1,2.5e-3,true,false,null,"\u00e9"]},"more":[]}"#,
        r#"{"id":"x","title":"X","date":"d","signatories":{}}"#,
        r#"{"id":"x","title":"X","date":"d","signatories":{"individuals":[{"name":"n","title":null}]}}"#,
        r#" { "id" : "x" , "title" : "X" , "date" : "d" } "#,
        r#"{"id":"x","title":"X","date":"d","body":[{"demands":[{"id":"a","text":[]}]}]}"#,
        r#"{"id":"x","title":"X","date":"d","body":[{"paragraph":[{"link":{"href":"h","children":[],"x":1}}]}]}"#,
        // Errors, for both.
        r#"{"id":"x","title":"X"}"#,
        r#"{"id":"x","title":"X","date":null}"#,
        r#"{"id":"x","title":"X","date":"d","body":null}"#,
        r#"{"id":"x","title":"X","date":"d","language":null}"#,
        r#"{"id":"x","title":"X","date":"d","goal":-1}"#,
        r#"{"id":"x","title":"X","date":"d","goal":1.5}"#,
        r#"{"id":"x","title":"X","date":"d","goal":"1"}"#,
        r#"{"id":1,"title":"X","date":"d"}"#,
        r#"{"id":"x","title":"X","date":"d","body":[{"poem":[]}]}"#,
        r#"{"id":"x","title":"X","date":"d","body":[{}]}"#,
        r#"{"id":"x","title":"X","date":"d","body":[{"paragraph":[],"list":[]}]}"#,
        r#"{"id":"x","title":"X","date":"d","body":[{"paragraph":[{"footnote_ref":4294967296}]}]}"#,
        r#"{"id":"x","title":"X","date":"d","body":[{"demands":[{"id":"a","text":[],"status":"done"}]}]}"#,
        r#"{"id":"x","title":"X","date":"d","body":[{"paragraph":[{"link":{"href":"h"}}]}]}"#,
        r#"{"id":"x","title":"X","date":"d",}"#,
        r#"{"id":"x","title":"X","date":"d"} x"#,
        "null",
        "",
    ] {
        agrees::<Campaign>(text);
    }
    // serde also reads a struct from an array of its fields in order; nobody writes that.
    assert!(json::from_str::<Campaign>(r#"["x","X","d"]"#).is_err());
    for text in [
        r#"{"format":"f","campaign":"c","demands":[{"id":"a","status":"refused"}]}"#,
        r#"{"format":"f","campaign":"c","updated_at":null,"demands":[{"id":"a","status":"refused","updated_at":null}]}"#,
        r#"{"format":"f","campaign":"c","demands":[{"id":"a","status":"refused","evidence":[{"url":"u","date":"d"}]}]}"#,
        r#"{"format":"f","campaign":"c"}"#,
        r#"{"format":"f","campaign":"c","demands":[{"id":"a"}]}"#,
        r#"{"format":"f","campaign":"c","demands":[{"id":"a","status":"refused","note":null}]}"#,
        r#"{"format":"f","campaign":"c","demands":[{"id":"a","status":"refused","evidence":[{"url":"u"}]}]}"#,
    ] {
        agrees::<StatusFeed>(text);
    }
    for text in [
        r#"{"total":1,"organizations":2,"individuals":3,"extra":"x"}"#,
        r#"{"total":1,"organizations":2}"#,
        r#"{"total":-1,"organizations":2,"individuals":3}"#,
        r#"{"total":18446744073709551616,"organizations":2,"individuals":3}"#,
        r#"{"total":1e2,"organizations":2,"individuals":3}"#,
    ] {
        agrees::<SignerCounts>(text);
    }
    let page = r#"{"campaign":"c","kind":"organization","page":1,"per_page":50,"pages":0,
        "counts":{"total":0,"organizations":0,"individuals":0},"signers":[{"id":-3,"name":"n","country":null}]}"#;
    agrees::<SignerPage>(page);
    agrees::<SignerPage>(&page.replace("organization", "robot"));
    agrees::<SignerPage>(&page.replace("\"pages\":0,", ""));
    agrees::<SignerPage>(&page.replace("-3", "-9223372036854775809"));
    for text in [r#""signed""#, r#""queued""#, r#""""#, "1", "null"] {
        agrees::<AnswerStatus>(text);
    }
    for text in [
        r#"{"field":"email","code":"from_the_future","message":"m"}"#,
        r#"{"field":"email","code":"too_long","message":"m","extra":[]}"#,
        r#"{"field":"email","code":"too_long"}"#,
    ] {
        agrees::<FieldError>(text);
    }
}

#[test]
fn malformed_text_is_an_error_that_says_where_never_a_panic() {
    let feed = serde_json::to_string_pretty(&full_feed()).unwrap();
    // Every truncation (except of trailing whitespace, which there is none of).
    for end in 0..feed.len() {
        if let Some(cut) = feed.get(..end) {
            assert!(json::from_str::<StatusFeed>(cut).is_err(), "{cut}");
            assert!(json::from_str::<Campaign>(cut).is_err());
        }
    }
    let campaign = serde_json::to_string(&full_campaign()).unwrap();
    for end in 0..campaign.len() {
        if let Some(cut) = campaign.get(..end) {
            assert!(json::from_str::<Campaign>(cut).is_err(), "{cut}");
        }
    }

    let error = json::from_str::<StatusFeed>("{\n  \"format\": \"f\",\n  \"campaign\": 7\n}").unwrap_err();
    assert_eq!(error.to_string(), "expected a string, found `7` at line 3 column 15");
    let error = json::from_str::<StatusFeed>(r#"{"format":"f","campaign":"c"}"#).unwrap_err();
    assert_eq!(error.message, "missing field `demands`");
    let error = json::from_str::<DemandStatus>(r#""done""#).unwrap_err();
    assert_eq!(
        error.message,
        "unknown variant `done`, expected one of outstanding, partially_disclosed, disclosed, refused"
    );

    // Bad escapes, control characters and invalid numbers, in a field the reader knows and in one
    // it skips.
    for bad in [
        r#""\x""#,
        r#""\u12g4""#,
        r#""\ud800""#,
        r#""\udc00""#,
        r#""\ud800\ud800""#,
        "\"a\u{1}b\"",
        r#""\"#,
        "01",
        "1.",
        "-",
        "tru",
        "nul",
    ] {
        let known = format!(r#"{{"id":"x","title":{bad},"date":"d"}}"#);
        let unknown = format!(r#"{{"id":"x","title":"X","date":"d","other":{bad}}}"#);
        agrees::<Campaign>(&known);
        // serde_json skips an unknown field's lone surrogate (there is no character to make).
        if !bad.contains("\\ud800\"") && !bad.contains("\\udc00") {
            agrees::<Campaign>(&unknown);
        }
        for text in [known, unknown] {
            assert!(json::from_str::<Campaign>(&text).is_err(), "{text}");
        }
    }

    // Nesting: as deep as serde_json allows reads, deeper is an error (not a stack overflow), in
    // the letter's own recursive types and in skipped fields alike.
    let quotes = |n: usize| {
        let block = format!(r#"{}{{"paragraph":[]}}{}"#, r#"{"quote":["#.repeat(n), "]}".repeat(n));
        format!(r#"{{"id":"x","title":"X","date":"d","body":[{block}]}}"#)
    };
    assert!(json::from_str::<Campaign>(&quotes(10)).is_ok());
    let error = json::from_str::<Campaign>(&quotes(100_000)).unwrap_err();
    assert!(error.message.contains("nested"), "{error}");
    let skipped = |n: usize| format!(r#"{{"id":"x","title":"X","date":"d","x":{}{}}}"#, "[".repeat(n), "]".repeat(n));
    assert!(json::from_str::<Campaign>(&skipped(MAX_DEPTH - 1)).is_ok());
    assert!(json::from_str::<Campaign>(&skipped(MAX_DEPTH)).is_err());
    assert!(json::from_str::<Campaign>(&skipped(1_000_000)).is_err());
    let emphasis = format!(
        r#"{{"id":"x","title":"X","date":"d","contact":[{}{}]}}"#,
        r#"{"emphasis":["#.repeat(100_000),
        "]}".repeat(100_000)
    );
    assert!(json::from_str::<Campaign>(&emphasis).is_err());
}
