//! Letter revisions and the letter's own signatories, over real HTTP against SQLite and
//! PostgreSQL: an import that changes the text makes a new revision, each signature keeps the one
//! it endorsed, the API and the pages show what changed, signers of an earlier text are marked; the
//! signatories of the campaign file are counted and listed, once, however often it is imported.

mod support;

use std::path::PathBuf;
use support::*;

async fn get_json(s: &TestServer, path: &str) -> serde_json::Value {
    let res = s.http.get(s.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "GET {path}");
    res.json().await.unwrap()
}

async fn get_page(s: &TestServer, path: &str) -> String {
    let res = s.http.get(s.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "GET {path}");
    res.text().await.unwrap()
}

/// The public list of individuals: (name, earlier_revision).
async fn individuals(s: &TestServer) -> Vec<(String, Option<u64>)> {
    let page = get_json(s, &format!("/api/campaigns/{CAMPAIGN}/signers?kind=individual")).await;
    page["signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap().to_string(), e["earlier_revision"].as_u64()))
        .collect()
}

async fn revisions(s: &TestServer) -> serde_json::Value {
    get_json(s, &format!("/api/campaigns/{CAMPAIGN}/revisions")).await
}

fn person(name: &str, email: &str, key: &str) -> serde_json::Value {
    let mut body = individual(email, key);
    body["name"] = name.into();
    body
}

both_backends!(a_changed_text_is_a_new_revision_and_each_signature_keeps_its_own, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let first = revisions(&s).await;
    assert_eq!(first["current"], 1, "{first}");
    assert_eq!(first["revisions"].as_array().unwrap().len(), 1);
    let first_hash = first["revisions"][0]["hash"].as_str().unwrap().to_string();
    assert_eq!(first_hash.len(), 64, "a SHA-256 in hex");

    assert_eq!(s.sign(person("Ana First", "ana@example.org", &uuid(1))).await.0, 201);
    // The same file again (as at every start) changes nothing.
    s.import_campaign(&campaign_source()).await;
    assert_eq!(revisions(&s).await["current"], 1);

    s.import_campaign(&reworded_campaign("We ask for all the records, without delay.")).await;
    let second = revisions(&s).await;
    assert_eq!(second["current"], 2, "{second}");
    assert_ne!(second["revisions"][1]["hash"], first_hash.as_str());
    assert_eq!(s.sign(person("Bo Second", "bo@example.org", &uuid(2))).await.0, 201);

    // Organizers see the revision of each signature.
    let signers = s.admin_signers().await;
    let by_email: Vec<(&str, u64)> =
        signers.iter().map(|r| (r["email"].as_str().unwrap(), r["revision"].as_u64().unwrap())).collect();
    assert_eq!(by_email, [("ana@example.org", 1), ("bo@example.org", 2)]);
    // The public list marks the signer of the earlier text.
    assert_eq!(individuals(&s).await, [("Ana First".to_string(), Some(1)), ("Bo Second".to_string(), None)]);

    // The diff: the changed line, removed and added, with the changed words marked.
    let detail = get_json(&s, &format!("/api/campaigns/{CAMPAIGN}/revisions/2")).await;
    assert_eq!((detail["current"].as_bool(), detail["compared_with"].as_u64()), (Some(true), Some(1)));
    assert!(detail["text"].as_str().unwrap().contains("We ask for all the records, without delay."));
    let group = &detail["changes"][0];
    assert_eq!(group[0]["change"], "removed", "{detail}");
    assert_eq!(group[1]["change"], "added", "{detail}");
    let marked: String = group[1]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["changed"] == true)
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert!(marked.contains("all") && marked.contains("without delay"), "marked: {marked:?}");
    assert_eq!(detail["changes"].as_array().unwrap().len(), 1, "only the changed paragraph: {detail}");
    let missing = s.http.get(s.url(&format!("/api/campaigns/{CAMPAIGN}/revisions/9"))).send().await.unwrap();
    assert_eq!(missing.status(), 404);

    // The pages: the letter says it was revised and marks Ana; the revision page shows the change.
    let letter = get_page(&s, &format!("/campaigns/{CAMPAIGN}")).await;
    assert!(letter.contains("this is revision 2"), "{letter}");
    assert!(letter.contains(&format!("href=\"/campaigns/{CAMPAIGN}/revisions/1\"")));
    assert!(letter.contains("Ana First") && letter.contains("(signed revision 1, an earlier text)"), "{letter}");
    let page = get_page(&s, &format!("/campaigns/{CAMPAIGN}/revisions/2")).await;
    assert!(page.contains("<strong>Removed:</strong>") && page.contains("<ins>"), "{page}");
    assert!(page.contains("What changed since revision 1"));
    let old = get_page(&s, &format!("/campaigns/{CAMPAIGN}/revisions/1")).await;
    assert!(old.contains("the current text is revision 2") && old.contains("We ask for the records."), "{old}");

    // Going back to the first text is a third revision with the first one's hash: Ana's text is
    // the current text again, so she is no longer marked.
    s.import_campaign(&campaign_source()).await;
    let third = revisions(&s).await;
    assert_eq!(
        (third["current"].as_u64(), third["revisions"][2]["hash"].as_str()),
        (Some(3), Some(first_hash.as_str()))
    );
    assert_eq!(individuals(&s).await, [("Ana First".to_string(), None), ("Bo Second".to_string(), Some(2))]);
    s.stop().await;
});

/// The test campaign with signatories of its own.
fn with_signatories(organizations: &[&str]) -> String {
    let mut source = campaign_source();
    source.push_str("\n::: organizations\n");
    for o in organizations {
        source.push_str(&format!("- {o}\n"));
    }
    source.push_str(":::\n\n::: individuals\n- Dr. Jane Roe | Professor of Law | City University\n:::\n");
    source
}

both_backends!(the_letters_own_signatories_are_counted_and_listed_once, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    s.import_campaign(&with_signatories(&["Privacy Coalition", "Open Government Now"])).await;
    s.import_campaign(&with_signatories(&["Privacy Coalition", "Open Government Now"])).await;
    assert_eq!(s.sign(person("Ana Example", "ana@example.org", &uuid(1))).await.0, 201);
    let organizations = get_json(&s, &format!("/api/campaigns/{CAMPAIGN}/signers?kind=organization")).await;
    assert_eq!(organizations["counts"], serde_json::json!({ "total": 4, "organizations": 2, "individuals": 2 }));
    let names: Vec<&str> =
        organizations["signers"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Privacy Coalition", "Open Government Now"]);
    let people = get_json(&s, &format!("/api/campaigns/{CAMPAIGN}/signers?kind=individual&per_page=1&page=1")).await;
    assert_eq!(people["pages"], 2);
    let jane = &people["signers"][0];
    assert_eq!(
        (jane["name"].as_str(), jane["title"].as_str(), jane["affiliation"].as_str()),
        (Some("Dr. Jane Roe"), Some("Professor of Law"), Some("City University"))
    );
    assert!(jane["id"].as_i64().unwrap() < 0, "the letter's own signatories are not signer rows: {jane}");
    let next = get_json(&s, &format!("/api/campaigns/{CAMPAIGN}/signers?kind=individual&per_page=1&page=2")).await;
    assert_eq!(next["signers"][0]["name"], "Ana Example", "signers through the receiver follow the letter's own");
    // They have no address: organizers' list holds only Ana.
    assert_eq!(s.admin_signers().await.len(), 1);

    // The file is the one source: a removed organization leaves, a new one joins.
    s.import_campaign(&with_signatories(&["Privacy Coalition", "Neighbors United"])).await;
    let organizations = get_json(&s, &format!("/api/campaigns/{CAMPAIGN}/signers?kind=organization")).await;
    let names: Vec<&str> =
        organizations["signers"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Privacy Coalition", "Neighbors United"]);
    assert_eq!(organizations["counts"]["total"], 4);
    let letter = get_page(&s, &format!("/campaigns/{CAMPAIGN}")).await;
    assert!(letter.contains("4 signatures so far."), "{letter}");
    s.stop().await;
});

fn seed_letter() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../campaigns/dhs-paragon.md"))
}

both_backends!(the_seed_letter_opens_at_46_with_its_organizations_listed, |backend| async move {
    let db = TestDb::new(backend).await;
    for start in 0..2 {
        // Started twice on one database, importing the file each time: still 46.
        let mut config = test_config(&db);
        config.campaign_files = vec![seed_letter()];
        let s = TestServer::start(config).await;
        let orgs = get_json(&s, "/api/campaigns/dhs-paragon/signers?kind=organization&per_page=200").await;
        assert_eq!(
            orgs["counts"],
            serde_json::json!({ "total": 46, "organizations": 41, "individuals": 5 }),
            "start {start}"
        );
        let names: Vec<&str> =
            orgs["signers"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
        assert_eq!(names.len(), 41);
        assert_eq!((names[0], names[40]), ("Access Now", "Tsuru for Solidarity"));
        assert!(names.contains(&"Electronic Frontier Foundation") && names.contains(&"Amnesty International"));
        let people = get_json(&s, "/api/campaigns/dhs-paragon/signers?kind=individual").await;
        let deibert =
            people["signers"].as_array().unwrap().iter().find(|e| e["name"] == "Ronald Deibert").expect("listed");
        assert_eq!(deibert["title"], "Director");
        assert!(deibert["earlier_revision"].is_null(), "the first revision is the current one");
        let admin = s.admin(reqwest::Method::GET, "/campaigns/dhs-paragon/signers").send().await.unwrap();
        let admin: serde_json::Value = admin.json().await.unwrap();
        assert_eq!(admin["signers"].as_array().unwrap().len(), 0, "no address was made up for them");
        let letter = get_page(&s, "/campaigns/dhs-paragon").await;
        assert!(letter.contains("46 signatures so far."));
        s.stop().await;
    }
});
