//! Validation tests: examples of each rule, and properties over arbitrary input.

use super::*;
use proptest::prelude::*;
use unicode_normalization::is_nfc;

fn individual(name: &str, email: &str) -> SignatureSubmission {
    SignatureSubmission { kind: "individual".into(), name: name.into(), email: email.into(), ..Default::default() }
}

fn codes(errors: &[FieldError]) -> Vec<(&str, &str)> {
    errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect()
}

#[test]
fn serde_names_are_the_wire_names() {
    let full = SignatureSubmission {
        kind: "k".into(),
        organization: "o".into(),
        organization_website: "o.org".into(),
        may_sign_for_organization: true,
        name: "n".into(),
        title: "t".into(),
        affiliation: "a".into(),
        email: "e".into(),
        country: "c".into(),
        list_publicly: true,
        updates_opt_in: true,
        idempotency_key: "i".into(),
        website: "w".into(),
        fill_ms: Some(1),
        lang: "es".into(),
        campaign: "c".into(),
        source: "s".into(),
        utm_source: "1".into(),
        utm_medium: "2".into(),
        utm_campaign: "3".into(),
        utm_term: "4".into(),
        utm_content: "5".into(),
    };
    let json = serde_json::to_value(&full).unwrap();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = field::ALL.to_vec();
    expected.sort_unstable();
    let mut keys_sorted = keys.clone();
    keys_sorted.sort_unstable();
    assert_eq!(keys_sorted, expected);
    let form_names: Vec<&str> = full.to_form_pairs().iter().map(|(n, _)| *n).collect();
    let mut form_sorted = form_names.clone();
    form_sorted.sort_unstable();
    assert_eq!(form_sorted, expected);
    assert_eq!(SignatureSubmission::from_form_pairs(full.to_form_pairs()), full);
}

#[test]
fn a_valid_individual_is_cleaned() {
    let mut submission = individual("  Ana\u{202E} \t López  ", " Ana@Example.ORG ");
    submission.title = "Cafe\u{0301} owner".into();
    submission.affiliation = "Univ.\u{0000}".into();
    submission.organization = "ignored for individuals".into();
    submission.country = "mx".into();
    submission.list_publicly = true;
    submission.idempotency_key = "0F8FAD5B-D9CB-469F-A165-70867728950E".into();
    submission.utm_source = "x".repeat(500);
    let valid = validate(&submission, unicode_nfc).unwrap();
    assert_eq!(valid.name, "Ana López");
    assert_eq!(valid.title.as_deref(), Some("Café owner"));
    assert_eq!(valid.affiliation.as_deref(), Some("Univ."));
    assert_eq!(valid.organization, None);
    assert_eq!(valid.email, "Ana@Example.ORG");
    assert_eq!(valid.email_normalized, "ana@example.org");
    assert_eq!(valid.country.as_deref(), Some("MX"));
    assert_eq!(valid.idempotency_key.as_deref(), Some("0f8fad5b-d9cb-469f-a165-70867728950e"));
    assert_eq!(valid.utm_source.as_ref().map(|s| s.len()), Some(limits::TRACKING));
    assert!(valid.list_publicly && !valid.updates_opt_in && !valid.honeypot_filled);
}

#[test]
fn an_organization_needs_its_name_website_contact_and_statement() {
    let submission = SignatureSubmission { kind: "organization".into(), email: "x@y".into(), ..Default::default() };
    let errors = validate(&submission, unicode_nfc).unwrap_err();
    assert_eq!(
        codes(&errors),
        vec![
            ("organization", "required"),
            ("organization_website", "required"),
            ("name", "required"),
            ("may_sign_for_organization", "required"),
        ]
    );
    assert!(errors[1].message.contains("website") && errors[3].message.contains("may sign"));
}

fn organization(website: &str) -> SignatureSubmission {
    SignatureSubmission {
        kind: "organization".into(),
        organization: "Electronic Frontier Foundation".into(),
        organization_website: website.into(),
        may_sign_for_organization: true,
        name: "Ana".into(),
        email: "ana@eff.org".into(),
        affiliation: "dropped".into(),
        ..Default::default()
    }
}

#[test]
fn an_organization_website_is_normalized_or_named_as_the_problem() {
    let valid = validate(&organization(" WWW.EFF.org/ "), unicode_nfc).unwrap();
    assert_eq!(valid.organization_website.as_deref(), Some("https://www.eff.org"));
    assert!(valid.may_sign_for_organization);
    assert_eq!(valid.affiliation, None);
    let errors = validate(&organization("ftp://eff.org"), unicode_nfc).unwrap_err();
    assert_eq!(codes(&errors), vec![("organization_website", "invalid_website")]);
    assert!(errors[0].message.contains("eff.org"), "the message shows a good example: {}", errors[0].message);
    let long = format!("{}.org", "a.".repeat(limits::ORGANIZATION_WEBSITE));
    assert_eq!(
        codes(&validate(&organization(&long), unicode_nfc).unwrap_err()),
        vec![("organization_website", "too_long")]
    );
}

#[test]
fn an_individual_sends_no_website_nor_statement() {
    let mut submission = individual("Ana", "ana@example.org");
    submission.organization_website = "example.org".into();
    submission.may_sign_for_organization = true;
    let valid = validate(&submission, unicode_nfc).unwrap();
    assert_eq!((valid.organization_website, valid.may_sign_for_organization), (None, false));
}

#[test]
fn earlier_records_may_lack_the_website_and_statement_but_not_the_other_rules() {
    let mut old = organization("");
    old.may_sign_for_organization = false;
    assert!(validate(&old, unicode_nfc).is_err(), "a form must give both");
    let valid = validate_as(&old, unicode_nfc, Provenance::EarlierRecord).unwrap();
    assert_eq!((valid.organization_website, valid.may_sign_for_organization), (None, false));
    old.organization_website = "not a site".into();
    let errors = validate_as(&old, unicode_nfc, Provenance::EarlierRecord).unwrap_err();
    assert_eq!(codes(&errors), vec![("organization_website", "invalid_website")]);
}

#[test]
fn the_form_language_is_kept_when_well_formed_and_ignored_otherwise() {
    for (sent, kept) in
        [("es", Some("es")), ("pt-BR", Some("pt-BR")), ("", None), ("e", None), ("es_ES", None), ("<b>", None)]
    {
        let mut submission = individual("Ana", "ana@example.org");
        submission.lang = sent.into();
        assert_eq!(validate(&submission, unicode_nfc).unwrap().lang.as_deref(), kept, "{sent}");
    }
    let mut long = individual("Ana", "ana@example.org");
    long.lang = format!("en{}", "-abcdefgh".repeat(4));
    assert_eq!(validate(&long, unicode_nfc).unwrap().lang, None);
}

#[test]
fn every_problem_is_reported_at_once() {
    let submission = SignatureSubmission {
        kind: "robot".into(),
        name: "n".repeat(limits::NAME + 1),
        email: "not an email".into(),
        country: "Atlantis".into(),
        idempotency_key: "123".into(),
        campaign: "Bad Id".into(),
        ..Default::default()
    };
    let errors = validate(&submission, unicode_nfc).unwrap_err();
    assert_eq!(
        codes(&errors),
        vec![
            ("kind", "invalid_kind"),
            ("name", "too_long"),
            ("email", "invalid_email"),
            ("country", "invalid_country"),
            ("idempotency_key", "invalid_idempotency_key"),
            ("campaign", "invalid_campaign"),
        ]
    );
    assert!(errors[1].message.contains("120"), "the message says the limit: {}", errors[1].message);
    let empty = validate(&SignatureSubmission::default(), unicode_nfc).unwrap_err();
    assert_eq!(codes(&empty), vec![("kind", "required"), ("name", "required"), ("email", "required")]);
}

#[test]
fn limits_count_characters_not_bytes() {
    let at_limit = "é".repeat(limits::NAME);
    assert!(validate(&individual(&at_limit, "a@b"), unicode_nfc).is_ok());
    // Decomposed input counts after NFC: 120 "e" + combining accent is 120 characters.
    let decomposed = "e\u{0301}".repeat(limits::NAME);
    assert_eq!(validate(&individual(&decomposed, "a@b"), unicode_nfc).unwrap().name, at_limit);
}

#[test]
fn honeypot_and_fill_time_pass_through_for_the_receiver_to_judge() {
    let mut submission = individual("Bot", "bot@example.com");
    submission.website = "http://spam.example".into();
    submission.fill_ms = Some(150);
    let valid = validate(&submission, unicode_nfc).unwrap();
    assert!(valid.honeypot_filled);
    assert_eq!(valid.fill_ms, Some(150));
}

#[test]
fn json_decoding_is_lenient_about_types_but_never_assumes_consent() {
    let json = r#"{"kind":"individual","name":"Ana","email":"a@b","title":null,"list_publicly":"on",
        "updates_opt_in":"maybe","fill_ms":"4200.7","country":null,"unknown":1}"#;
    let submission: SignatureSubmission = serde_json::from_str(json).unwrap();
    assert!(submission.list_publicly);
    assert!(!submission.updates_opt_in);
    assert_eq!(submission.fill_ms, Some(4200));
    assert_eq!(submission.title, "");
    let negative: SignatureSubmission = serde_json::from_str(r#"{"fill_ms":-5,"list_publicly":1}"#).unwrap();
    assert_eq!(negative.fill_ms, None);
    assert!(negative.list_publicly);
    assert!(serde_json::from_str::<SignatureSubmission>(r#"{"name":["a"]}"#).is_err());
}

#[test]
fn form_pairs_decode_checkboxes_and_numbers() {
    let submission = SignatureSubmission::from_form_pairs([
        ("kind", "organization"),
        ("list_publicly", "on"),
        ("fill_ms", "900"),
        ("name", "first"),
        ("name", "second"),
        ("FNAME", "unknown fields are ignored"),
    ]);
    assert!(submission.list_publicly && !submission.updates_opt_in);
    assert_eq!((submission.fill_ms, submission.name.as_str()), (Some(900), "second"));
}

/// Characters that exercise every cleaning rule, mixed with arbitrary ones.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        2 => prop::sample::select(vec![
            ' ', '\t', '\n', '\r', '\u{0000}', '\u{007F}', '\u{0085}', '\u{00A0}', '\u{2000}', '\u{2001}',
            '\u{3000}', '\u{202E}', '\u{2066}', '\u{200E}', '\u{200B}', '\u{FEFF}', '\u{200D}', '\u{0301}',
            '\u{0308}', '\u{0323}', '\u{0958}', '\u{1100}', '\u{1161}', '\u{11A8}', '\u{AC00}', 'e', 'A', 'é',
            '@', '.', '-', 'ß', 'İ', '\u{212B}', '\u{F900}',
        ]),
        3 => prop::char::range('a', 'z'),
    ]
}

fn tricky_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..max).prop_map(|chars| chars.into_iter().collect())
}

fn email_text() -> impl Strategy<Value = String> {
    prop_oneof!["[a-zA-Z0-9.+_-]{1,20}@[a-z0-9]{1,10}(\\.[a-z]{2,5}){0,2}", tricky_text(30), "[a-z]{1,300}@[a-z]{1,10}",]
}

fn submission() -> impl Strategy<Value = SignatureSubmission> {
    let kind = prop_oneof![Just("organization".to_string()), Just("individual".to_string()), tricky_text(12)];
    let people = (tricky_text(40), tricky_text(140), tricky_text(40), tricky_text(40), email_text(), tricky_text(4));
    let flags = (any::<bool>(), any::<bool>(), any::<Option<u64>>(), tricky_text(8));
    let key = prop_oneof![
        Just(String::new()),
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        tricky_text(40)
    ];
    let tracking = (tricky_text(300), tricky_text(20), prop_oneof![Just(String::new()), "[a-z0-9-]{1,70}"]);
    let organization = (
        prop_oneof![Just(String::new()), "(https?://)?[a-zA-Z0-9.-]{1,20}(/[a-z]{0,5})?", tricky_text(30)],
        any::<bool>(),
        prop_oneof![Just(String::new()), "[a-z]{2}(-[A-Z]{2})?", tricky_text(10)],
    );
    (kind, people, flags, key, tracking, organization).prop_map(
        |(
            kind,
            (organization, name, title, affiliation, email, country),
            (list, updates, fill_ms, website),
            key,
            (source, utm, campaign),
            (organization_website, may_sign_for_organization, lang),
        )| {
            SignatureSubmission {
                kind,
                organization,
                organization_website,
                may_sign_for_organization,
                lang,
                name,
                title,
                affiliation,
                email,
                country,
                list_publicly: list,
                updates_opt_in: updates,
                idempotency_key: key,
                website,
                fill_ms,
                campaign,
                source,
                utm_source: utm.clone(),
                utm_medium: utm.clone(),
                utm_campaign: utm.clone(),
                utm_term: utm.clone(),
                utm_content: utm,
            }
        },
    )
}

fn assert_clean(value: &str, max: usize) {
    assert!(text::char_count(value) <= max, "{value:?} is longer than {max}");
    assert!(is_nfc(value), "{value:?} is not NFC");
    assert!(!value.chars().any(text::is_removed), "{value:?} keeps a removed character");
    assert_eq!(value.trim(), value, "{value:?} is not trimmed");
    assert!(
        !value.contains("  ") && !value.chars().any(|c| c.is_whitespace() && c != ' '),
        "{value:?} has uncollapsed spaces"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn cleaning_is_a_fixed_point(raw in tricky_text(60)) {
        let once = text::clean(&raw, unicode_nfc);
        assert_clean(&once, usize::MAX);
        prop_assert_eq!(text::clean(&once, unicode_nfc), once);
    }

    #[test]
    fn cutting_to_a_limit_stays_within_it(raw in tricky_text(60), max in 0usize..20) {
        let cut = text::clean_to_limit(&raw, max, unicode_nfc);
        assert_clean(&cut, max);
        prop_assert_eq!(text::clean_to_limit(&cut, max, unicode_nfc), cut);
    }

    #[test]
    fn any_submission_validates_without_panic_to_clean_idempotent_output(submission in submission()) {
        match validate(&submission, unicode_nfc) {
            Ok(valid) => {
                for (name, value) in [
                    (field::ORGANIZATION, &valid.organization),
                    (field::TITLE, &valid.title),
                    (field::AFFILIATION, &valid.affiliation),
                    (field::ORGANIZATION_WEBSITE, &valid.organization_website),
                ] {
                    if let Some(value) = value {
                        assert_clean(value, limits::max_chars(name).unwrap());
                    }
                }
                assert_clean(&valid.name, limits::NAME);
                assert!(!valid.name.is_empty());
                assert_clean(&valid.email, limits::EMAIL);
                assert!(email::is_valid_email(&valid.email));
                for tracking in [&valid.source, &valid.utm_source, &valid.utm_medium, &valid.utm_campaign, &valid.utm_term, &valid.utm_content].into_iter().flatten() {
                    assert_clean(tracking, limits::TRACKING);
                }
                prop_assert_eq!(valid.organization.is_some(), valid.kind == SignerKind::Organization);
                prop_assert_eq!(valid.organization_website.is_some(), valid.kind == SignerKind::Organization);
                let again = validate(&valid.to_submission(), unicode_nfc);
                prop_assert_eq!(again, Ok(valid));
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for error in &errors {
                    prop_assert!(field::ALL.contains(&error.field.as_str()), "unknown field {}", error.field);
                    prop_assert!(!error.message.is_empty());
                    let known = [FieldErrorCode::Required, FieldErrorCode::TooLong, FieldErrorCode::InvalidEmail,
                        FieldErrorCode::InvalidKind, FieldErrorCode::InvalidCountry, FieldErrorCode::InvalidIdempotencyKey,
                        FieldErrorCode::InvalidCampaign, FieldErrorCode::InvalidWebsite];
                    prop_assert!(known.contains(&error.code), "unknown code {}", error.code);
                }
            }
        }
    }

    #[test]
    fn decoding_arbitrary_json_values_never_panics(text in tricky_text(40), number in any::<f64>(), flag in any::<bool>()) {
        for value in [serde_json::json!(text), serde_json::json!(number), serde_json::json!(flag), serde_json::Value::Null] {
            let body = serde_json::json!({ "kind": value, "name": value, "list_publicly": value, "fill_ms": value });
            if let Ok(submission) = serde_json::from_value::<SignatureSubmission>(body) {
                let _ = validate(&submission, unicode_nfc);
            }
        }
    }
}

#[test]
fn form_bodies_follow_the_url_standard() {
    let body = wire::encode_form([("a b", "x+y&z=é*-._~")]);
    assert_eq!(body, "a+b=x%2By%26z%3D%C3%A9*-._%7E");
    assert_eq!(wire::decode_form(&body), vec![("a b".to_string(), "x+y&z=é*-._~".to_string())]);
    assert_eq!(
        wire::decode_form("a=%zz%4&&b&=c%"),
        vec![
            ("a".to_string(), "%zz%4".to_string()),
            ("b".to_string(), String::new()),
            (String::new(), "c%".to_string()),
        ]
    );
}

proptest! {
    #[test]
    fn form_bodies_round_trip(pairs in prop::collection::vec((tricky_text(8), tricky_text(8)), 0..5)) {
        let body = wire::encode_form(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let decoded = wire::decode_form(&body);
        prop_assert_eq!(decoded, pairs);
    }
}

#[test]
fn fill_times_from_text_are_whole_milliseconds_or_unknown() {
    assert_eq!(wire::parse_millis(" 4200.7 "), Some(4200));
    assert_eq!(wire::parse_millis("900"), Some(900));
    for unknown in ["", "-5", "1e3", ".5", "12a", "99999999999999999999999"] {
        assert_eq!(wire::parse_millis(unknown), None, "{unknown:?}");
    }
}

#[test]
fn a_version_7_uuid_starts_with_its_time_and_sorts_by_it() {
    // RFC 9562's example time, 2022-02-22 19:22:22 UTC.
    let key = uuid_v7(0x017F_22E2_79B0, [0xFF; 16]);
    assert_eq!(key, "017f22e2-79b0-7fff-bfff-ffffffffffff");
    assert!(is_uuid(&key));
    // A key made a millisecond later sorts after one made before, whatever their random parts.
    assert!(uuid_v7(0x017F_22E2_79B0, [0xFF; 16]) < uuid_v7(0x017F_22E2_79B1, [0; 16]));
}
