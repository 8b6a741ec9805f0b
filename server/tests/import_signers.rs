//! Importing signers from CSV, against SQLite and PostgreSQL: an export imports back as it was
//! (through the CLI and the admin API), a bad row refuses the whole file and names its line, and
//! addresses that already signed are skipped and counted.

mod support;

use support::*;
use undersigned_core::api_error::{ErrorCode, FieldErrorCode};
use undersigned_server::admin::ImportSummary;
use undersigned_server::domain::SignerState;

/// The CSV export of the test campaign, through the admin API.
async fn export(s: &TestServer) -> String {
    let res = s.admin(reqwest::Method::GET, &format!("/campaigns/{CAMPAIGN}/signers.csv")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

/// The rows of an export without their first cell (the id, which the importing database assigns).
fn without_ids(csv: &str) -> Vec<String> {
    csv.lines().map(|line| line.split_once(',').expect("a CSV row").1.to_string()).collect()
}

fn write_file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

both_backends!(an_export_imports_back_as_it_was, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let mut formula = individual("formula@example.org", &uuid(1));
    formula["name"] = "=HYPERLINK(\"http://evil.example\",\"x\")".into();
    formula["affiliation"] = "Université de Genève, \"Lab\"".into();
    formula["country"] = "ch".into();
    formula["utm_term"] = "letter".into();
    assert_eq!(s.sign(formula).await.0, 201);
    let organization = serde_json::json!({
        "kind": "organization", "organization": "Example Rights Group", "name": "Bo Contact", "email": "bo@rights.example",
        "organization_website": "www.Rights.example/", "may_sign_for_organization": true,
        "list_publicly": true, "updates_opt_in": true, "source": "partner-a", "idempotency_key": uuid(2),
    });
    assert_eq!(s.sign(organization).await.0, 201, "organizations wait for review");
    let mut unlisted = individual("quiet@example.org", &uuid(3));
    unlisted["list_publicly"] = false.into();
    assert_eq!(s.sign(unlisted).await.0, 201);
    assert_eq!(s.sign(individual("rejected@example.org", &uuid(4))).await.0, 201);
    let rejected = s.admin_signers().await[3]["id"].as_i64().unwrap();
    admin_cli(&db, &["reject", CAMPAIGN, &rejected.to_string()]);
    let original = export(&s).await;
    assert_eq!(original.lines().count(), 5, "{original}");
    assert!(
        original.contains(",organization,Example Rights Group,https://www.rights.example,true,true,Bo Contact,"),
        "the website normalized, the statement and \"domain verified\" are exported: {original}"
    );
    let listed: Vec<serde_json::Value> = admin_cli(&db, &["signers", CAMPAIGN])
        .lines()
        .map(|line| serde_json::from_str(line).expect("one signer per line"))
        .collect();
    let verified: Vec<bool> = listed.iter().map(|signer| signer["domain_verified"] == true).collect();
    assert_eq!(verified, [false, true, false, false], "the CLI listing shows it too: {listed:?}");
    s.stop().await;

    // Into a new database, through the CLI.
    let db2 = TestDb::new(backend).await;
    let s2 = TestServer::new(&db2).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(&dir, "signers.csv", &original);
    let out = admin_cli(&db2, &["import-signers", CAMPAIGN, &file]);
    assert!(
        out.contains("imported 4 signer(s) into test-letter; skipped 0 already signed and 0 repeated in the file"),
        "{out}"
    );
    let imported = export(&s2).await;
    assert_eq!(
        without_ids(&imported),
        without_ids(&original),
        "states, consent, timestamps and text survive the round trip"
    );
    let public: serde_json::Value = s2
        .http
        .get(s2.url(&format!("/api/campaigns/{CAMPAIGN}/signers?kind=individual")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public["counts"]["individuals"], 1, "only the approved, listed individual is public: {public}");
    assert_eq!(public["counts"]["organizations"], 0, "the organization still waits for review: {public}");
    assert!(public.to_string().contains("=HYPERLINK"), "the formula prefix is gone again: {public}");
    s2.stop().await;

    // Into a third, through the admin API.
    let db3 = TestDb::new(backend).await;
    let s3 = TestServer::new(&db3).await;
    let res = s3
        .admin(reqwest::Method::POST, &format!("/campaigns/{CAMPAIGN}/signers.csv"))
        .body(original.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let summary: serde_json::Value = res.json().await.unwrap();
    let expected = ImportSummary { imported: 4, already_signed: 0, repeated_in_file: 0 };
    assert_eq!(summary, serde_json::to_value(expected).unwrap());
    assert_eq!(without_ids(&export(&s3).await), without_ids(&original));
    s3.stop().await;
});

both_backends!(a_bad_row_refuses_the_whole_file_and_names_its_line, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let dir = tempfile::tempdir().unwrap();
    // Line 3 is a quoted cell over two lines: the bad rows after it are on lines 5 and 6.
    let csv = "kind,name,email,state,list_publicly\r\n\
               individual,Ana Good,ana@example.org,approved,true\r\n\
               individual,\"Bo\nTwo Lines\",bo@example.org,,true\r\n\
               individual,Cy Fine,cy@example.org,,false\r\n\
               individual,Di Bad,not-an-email,approved,true\r\n\
               individual,Ed Bad,ed@example.org,published,maybe\r\n";
    let file = write_file(&dir, "bad.csv", csv);
    let (ok, _, stderr) = admin_cli_result(&db, &["import-signers", CAMPAIGN, &file]);
    assert!(!ok, "a file with bad rows is refused");
    assert!(stderr.contains("2 line(s) break the signature rules, so nothing was imported"), "{stderr}");
    assert!(stderr.contains("line 5: email: Enter an email address"), "{stderr}");
    assert!(stderr.contains("line 6: state: `published` is not a state"), "{stderr}");
    assert!(stderr.contains("line 6: list_publicly: `maybe` is neither true nor false"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(s.admin_signers().await.is_empty(), "not even the good rows were imported");

    let res =
        s.admin(reqwest::Method::POST, &format!("/campaigns/{CAMPAIGN}/signers.csv")).body(csv).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], ErrorCode::ValidationFailed.as_str());
    assert_eq!(body["fields"][0]["field"], "line 5: email");
    assert_eq!(body["fields"][0]["code"], FieldErrorCode::InvalidEmail.as_str());

    // Not a CSV of signers at all: refused before any row is read.
    let file = write_file(&dir, "letter.csv", "Dear Agency,\nwe ask\n");
    let (ok, _, stderr) = admin_cli_result(&db, &["import-signers", CAMPAIGN, &file]);
    assert!(!ok && stderr.contains("line 1: unknown column `Dear Agency`"), "{stderr}");
    let file = write_file(&dir, "unquoted.csv", "kind,name,email\nindividual,\"Ana,ana@example.org\n");
    let (ok, _, stderr) = admin_cli_result(&db, &["import-signers", CAMPAIGN, &file]);
    assert!(!ok && !stderr.contains("panicked"), "{stderr}");
    let (ok, _, stderr) = admin_cli_result(&db, &["import-signers", "no-such-letter", &file]);
    assert!(!ok && stderr.contains("There is no campaign `no-such-letter`"), "{stderr}");
    assert!(s.admin_signers().await.is_empty());
    s.stop().await;
});

both_backends!(addresses_that_already_signed_are_skipped_and_counted, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    assert_eq!(s.sign(individual("ana@example.org", &uuid(1))).await.0, 201);
    let dir = tempfile::tempdir().unwrap();
    // No state column: the campaign's moderation decides (auto: individuals approved,
    // organizations reviewed).
    let csv = "kind,organization,name,email,list_publicly\n\
               individual,,Ana Again,ANA@example.org,true\n\
               individual,,Bo New,bo@example.org,true\n\
               organization,Example Group,Cy Contact,cy@group.example,true\n\
               individual,,Bo Twice,Bo@Example.org,true\n";
    let file = write_file(&dir, "more.csv", csv);
    let out = admin_cli(&db, &["import-signers", CAMPAIGN, &file]);
    assert!(
        out.contains("imported 2 signer(s) into test-letter; skipped 1 already signed and 1 repeated in the file"),
        "{out}"
    );
    let signers = s.admin_signers().await;
    let seen: Vec<(&str, &str, &str)> = signers
        .iter()
        .map(|r| (r["email"].as_str().unwrap(), r["data"]["name"].as_str().unwrap(), r["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("ana@example.org", "Ana Example", "approved"),
            ("bo@example.org", "Bo New", "approved"),
            ("cy@group.example", "Cy Contact", SignerState::Pending.as_str())
        ]
    );
    // Importing the same file again changes nothing.
    let out = admin_cli(&db, &["import-signers", CAMPAIGN, &file]);
    assert!(
        out.contains("imported 0 signer(s) into test-letter; skipped 3 already signed and 1 repeated in the file"),
        "{out}"
    );
    assert_eq!(s.admin_signers().await.len(), 3);
    s.stop().await;
});
