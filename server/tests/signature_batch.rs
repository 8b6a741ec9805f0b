//! A group-commit batch of signatures stored at once comes to exactly what storing them one after
//! the other (in the writer's order: campaign, then address) comes to: the same answers, signer
//! rows, kept idempotency answers and queued mail — with duplicate addresses and keys inside the
//! batch, keys and addresses known before it, and batches longer than one statement's run. On
//! SQLite and PostgreSQL, against the store directly.

mod support;

use support::*;
use undersigned_core::signature::SignerKind;
use undersigned_server::domain::{KeptAnswer, NewSigner, SignatureWrite, SignerState, WriteOutcome};
use undersigned_server::mail::MailKind;
use undersigned_server::store::Store;

const SECOND: &str = "second-letter";

/// A database holding the test campaign and a second one, and the store on it (no receiver runs,
/// so that no mail is sent and the queue stays as written).
async fn database(backend: Backend) -> (TestDb, Store) {
    let db = TestDb::new(backend).await;
    let server = TestServer::new(&db).await;
    let second = campaign_source().replace("id: test-letter", &format!("id: {SECOND}"));
    let res = server.admin(reqwest::Method::POST, "/campaigns").body(second).send().await.unwrap();
    assert_eq!(res.status(), 200, "import: {}", res.text().await.unwrap());
    server.stop().await;
    let store = Store::connect(&db.url).await.unwrap();
    (db, store)
}

/// A signature: `email` in `campaign`, with an optional key, a payload named `payload` and an
/// answer naming `n`; mail asked for in `lang` unless None.
fn write(n: u32, campaign: &str, email: &str, key: Option<&str>, payload: &str, lang: Option<&str>) -> SignatureWrite {
    SignatureWrite {
        signer: NewSigner {
            campaign_id: campaign.into(),
            idempotency_key: key.map(str::to_string),
            payload_hash: format!("hash-{payload}"),
            kind: if n % 3 == 0 { SignerKind::Organization } else { SignerKind::Individual },
            email_normalized: email.into(),
            state: if n % 2 == 0 { SignerState::Approved } else { SignerState::Pending },
            listed: n % 5 != 0,
            data: format!("{{\"n\":{n}}}"),
            spam_reason: (n % 7 == 0).then(|| "too fast".to_string()),
            awaiting_confirmation: lang.is_some(),
            mail_lang: lang.map(str::to_string),
        },
        answer: KeptAnswer { status: 200 + (n % 3) as u16, body: format!("answer {n}") },
    }
}

/// Everything a signature write leaves in the database, as text to compare. Signers are named by
/// their rank in id order: a statement that found an address signed may have used up an id (as a
/// single insert does, on either backend) where the batch, which knows the address is taken,
/// sends none; the order of ids is the same.
async fn contents(db: &TestDb) -> Vec<String> {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let mut out = Vec::new();
    let mut rank = std::collections::HashMap::new();
    for row in sqlx::query("SELECT id, campaign_id, kind, email_normalized, state, listed, data, spam_reason, payload_hash, awaiting_confirmation, revision FROM signers ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap()
    {
        rank.insert(row.get::<i64, _>("id"), rank.len());
        out.push(format!(
            "signer {} {} {} {} {} {} {} {:?} {} {} {:?}",
            rank.len(),
            row.get::<String, _>("campaign_id"),
            row.get::<String, _>("kind"),
            row.get::<String, _>("email_normalized"),
            row.get::<String, _>("state"),
            row.get::<i64, _>("listed"),
            row.get::<String, _>("data"),
            row.get::<Option<String>, _>("spam_reason"),
            row.get::<String, _>("payload_hash"),
            row.get::<i64, _>("awaiting_confirmation"),
            row.get::<Option<i64>, _>("revision"),
        ));
    }
    for row in sqlx::query(
        "SELECT campaign_id, key, payload_hash, http_status, body FROM idempotency_keys ORDER BY campaign_id, key",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        out.push(format!(
            "key {} {} {} {} {}",
            row.get::<String, _>("campaign_id"),
            row.get::<String, _>("key"),
            row.get::<String, _>("payload_hash"),
            row.get::<i64, _>("http_status"),
            row.get::<String, _>("body"),
        ));
    }
    for row in sqlx::query("SELECT id, signer_id, kind, lang, attempts, failed_at FROM mail_queue ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap()
    {
        out.push(format!(
            "mail {} {:?} {} {} {} {:?}",
            row.get::<i64, _>("id"),
            row.get::<Option<i64>, _>("signer_id").map(|id| rank[&id]),
            row.get::<String, _>("kind"),
            row.get::<String, _>("lang"),
            row.get::<i64, _>("attempts"),
            row.get::<Option<String>, _>("failed_at").map(|_| "given up"),
        ));
    }
    pool.close().await;
    out
}

/// The writer's order: campaign, then address, earlier requests first.
fn writer_order(batch: &[SignatureWrite]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..batch.len()).collect();
    order.sort_by_key(|&i| (batch[i].signer.campaign_id.clone(), batch[i].signer.email_normalized.clone()));
    order
}

/// Stores `before` one signature at a time on two fresh databases, then `batch` at once on one and
/// one signature at a time on the other; asserts both come to the same and returns the answers.
async fn batch_matches_one_at_a_time(
    backend: Backend,
    before: &[SignatureWrite],
    batch: &[SignatureWrite],
) -> Vec<WriteOutcome> {
    let (batch_db, batch_store) = database(backend).await;
    let (single_db, single_store) = database(backend).await;
    for w in before {
        batch_store.write_signers(std::slice::from_ref(w)).await.unwrap();
        single_store.write_signers(std::slice::from_ref(w)).await.unwrap();
    }
    // One repeat mail given up on, and one waiting: only the waiting one holds the next back.
    for store in [&batch_store, &single_store] {
        let due = store.due_mail("9999", 100).await.unwrap();
        let given_up = due.iter().find(|m| m.kind.as_str() == "repeat").expect("a repeat mail before the batch");
        store.mail_gave_up(given_up.id, 5, "test").await.unwrap();
    }
    let together = batch_store.write_signers(batch).await.unwrap();
    let mut alone = vec![None; batch.len()];
    for i in writer_order(batch) {
        alone[i] = single_store.write_signers(std::slice::from_ref(&batch[i])).await.unwrap().pop();
    }
    let alone: Vec<WriteOutcome> = alone.into_iter().map(Option::unwrap).collect();
    assert_eq!(together, alone, "the answers");
    batch_store.close().await;
    single_store.close().await;
    let (batch_rows, single_rows) = (contents(&batch_db).await, contents(&single_db).await);
    let differences: Vec<String> = (0..batch_rows.len().max(single_rows.len()))
        .filter(|&i| batch_rows.get(i) != single_rows.get(i))
        .map(|i| format!("batch: {:?}\none at a time: {:?}", batch_rows.get(i), single_rows.get(i)))
        .collect();
    assert!(differences.is_empty(), "what is stored differs:\n{}", differences.join("\n"));
    together
}

/// Signatures stored before the batch: known addresses and keys, a repeat mail given up on (for
/// `failed@`) and one waiting (for `waiting@`).
fn before() -> Vec<SignatureWrite> {
    vec![
        write(1, CAMPAIGN, "known@x.org", Some("k-known"), "known", Some("en")),
        write(2, CAMPAIGN, "quiet@x.org", None, "quiet", None),
        write(3, CAMPAIGN, "failed@x.org", Some("k-failed"), "failed", Some("en")),
        write(4, CAMPAIGN, "failed@x.org", None, "failed-again", Some("en")),
        write(5, CAMPAIGN, "waiting@x.org", None, "waiting", Some("en")),
        write(6, SECOND, "known@x.org", Some("k-known"), "other-campaign", Some("de")),
    ]
}

both_backends!(duplicates_inside_a_batch_come_to_what_they_would_one_at_a_time, |backend| async move {
    // failed@'s repeat mail comes first, and is given up on; waiting@'s waits.
    let mut before = before();
    before.push(write(7, CAMPAIGN, "waiting@x.org", None, "waiting-again", Some("en")));
    let batch = vec![
        // The same new address twice with two keys: signed, then "you had already signed".
        write(10, CAMPAIGN, "twice@x.org", Some("k-twice-1"), "twice-1", Some("en")),
        write(11, CAMPAIGN, "twice@x.org", Some("k-twice-2"), "twice-2", Some("fr")),
        // The same key twice with the same payload (a retry inside the batch), and a third time
        // with another payload (reused); the first in the writer's order (a@) claims it.
        write(12, CAMPAIGN, "c-retry@x.org", Some("k-retry"), "retry", Some("en")),
        write(13, CAMPAIGN, "a-retry@x.org", Some("k-retry"), "retry", Some("en")),
        write(14, CAMPAIGN, "b-retry@x.org", Some("k-retry"), "not-retry", None),
        // Keys kept before: the same payload gets the kept answer, another is refused, also twice.
        write(15, CAMPAIGN, "known@x.org", Some("k-known"), "known", Some("en")),
        write(16, CAMPAIGN, "new@x.org", Some("k-known"), "other", Some("en")),
        write(17, CAMPAIGN, "known@x.org", Some("k-known"), "known", None),
        // The same key in another campaign is another key.
        write(18, SECOND, "fresh@x.org", Some("k-twice-1"), "twice-1", None),
        // Known addresses without a key: one mail for two posts, none while one waits, and one
        // again when the waiting one was given up on; none without a language.
        write(19, CAMPAIGN, "known@x.org", None, "known-again", Some("en")),
        write(20, CAMPAIGN, "known@x.org", None, "known-again", Some("de")),
        write(21, CAMPAIGN, "waiting@x.org", None, "waiting-3", Some("en")),
        write(22, CAMPAIGN, "failed@x.org", None, "failed-3", Some("en")),
        write(23, CAMPAIGN, "quiet@x.org", None, "quiet-again", None),
        // A key and no key on one new address, in both orders of request.
        write(24, SECOND, "mixed@x.org", None, "mixed", Some("en")),
        write(25, SECOND, "mixed@x.org", Some("k-mixed"), "mixed-key", Some("en")),
        // A new address without mail.
        write(26, SECOND, "plain@x.org", None, "plain", None),
    ];
    let answers = batch_matches_one_at_a_time(backend, &before, &batch).await;
    let answer = |n: u32| WriteOutcome::Answer { status: 200 + (n % 3) as u16, body: format!("answer {n}") };
    assert_eq!(answers[0], answer(10));
    assert_eq!(answers[1], answer(11));
    // a-retry@ claimed k-retry: c-retry@ (same payload) gets a-retry@'s answer, b-retry@ is refused.
    assert_eq!(answers[3], answer(13));
    assert_eq!(answers[2], answer(13));
    assert_eq!(answers[4], WriteOutcome::KeyReused);
    assert_eq!(answers[5], answer(1));
    assert_eq!(answers[6], WriteOutcome::KeyReused);
    assert_eq!(answers[7], answer(1));
    assert_eq!(answers[8], answer(18));
    assert_eq!(answers[9], answer(19));
});

/// A deterministic stream of numbers (no dependency for a test's dice).
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % sides
    }
}

both_backends!(a_full_batch_of_random_duplicates_comes_to_what_it_would_one_at_a_time, |backend| async move {
    let mut dice = Dice(16);
    let mut random = |n: u32| {
        let campaign = if dice.roll(4) == 0 { SECOND } else { CAMPAIGN };
        let email = format!("{}@x.org", dice.roll(150));
        let key = (dice.roll(3) != 0).then(|| format!("k-{}", dice.roll(150)));
        let payload = format!("p-{}", dice.roll(4));
        let lang = ["en", "fr"].get(dice.roll(3) as usize).copied();
        write(n, campaign, &email, key.as_deref(), &payload, lang)
    };
    let mut before: Vec<SignatureWrite> = (0..40).map(&mut random).collect();
    before.extend(self::before());
    // The writer's largest batch: runs of 64 rows and every smaller size.
    let batch: Vec<SignatureWrite> = (100..356).map(&mut random).collect();
    let answers = batch_matches_one_at_a_time(backend, &before, &batch).await;
    assert!(answers.contains(&WriteOutcome::KeyReused), "some keys were reused");
});

both_backends!(
    concurrent_batches_over_the_same_addresses_and_keys_neither_deadlock_nor_disagree,
    |backend| async move {
        // Four writers (PostgreSQL's number) store overlapping batches at once: keys and addresses
        // are shared between batches and ordered differently from each other, so that a batch that
        // locked its rows in another order would deadlock with another.
        let (db, store) = database(backend).await;
        let batch = |writer: u64, round: u64| {
            let mut dice = Dice(writer * 1000 + round);
            (0..64)
                .map(|n| {
                    let key = dice.roll(80);
                    let email = format!("{}@x.org", dice.roll(80));
                    // A key's payload is one of two: the same signature retried, or another.
                    let payload = format!("{key}-{}", dice.roll(2));
                    let key = (dice.roll(4) != 0).then(|| format!("k-{key}"));
                    write(n, CAMPAIGN, &email, key.as_deref(), &payload, Some("en"))
                })
                .collect::<Vec<_>>()
        };
        let writers: Vec<_> = (0..4)
            .map(|writer| {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut done = Vec::new();
                    for round in 0..6 {
                        let writes = batch(writer, round);
                        let outcomes = store.write_signers(&writes).await.expect("no batch fails");
                        done.extend(writes.into_iter().zip(outcomes));
                    }
                    done
                })
            })
            .collect();
        let mut done = Vec::new();
        for writer in writers {
            done.extend(writer.await.unwrap());
        }
        store.close().await;
        // Every answer agrees with what its key keeps: the kept answer for its payload, else refused.
        use sqlx::Row;
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        let mut kept = std::collections::HashMap::new();
        for row in sqlx::query("SELECT key, payload_hash, http_status, body FROM idempotency_keys")
            .fetch_all(&pool)
            .await
            .unwrap()
        {
            let answer =
                WriteOutcome::Answer { status: row.get::<i64, _>("http_status") as u16, body: row.get("body") };
            kept.insert(row.get::<String, _>("key"), (row.get::<String, _>("payload_hash"), answer));
        }
        for (write, outcome) in &done {
            let s = &write.signer;
            let expected = match &s.idempotency_key {
                None => WriteOutcome::Answer { status: write.answer.status, body: write.answer.body.clone() },
                Some(key) => {
                    let (hash, answer) = &kept[key];
                    if *hash == s.payload_hash {
                        answer.clone()
                    } else {
                        WriteOutcome::KeyReused
                    }
                }
            };
            assert_eq!(*outcome, expected, "{} with {:?}", s.email_normalized, s.idempotency_key);
        }
        // Each address signed once, and got one confirmation mail.
        let addresses: std::collections::HashSet<_> = done
            .iter()
            .filter(|(_, o)| *o != WriteOutcome::KeyReused)
            .map(|(w, _)| &w.signer.email_normalized)
            .collect();
        let count = |sql: String| {
            let pool = pool.clone();
            async move { sqlx::query_scalar::<_, i64>(&sql).fetch_one(&pool).await.unwrap() }
        };
        let signers = count("SELECT COUNT(*) FROM signers".to_owned()).await;
        let signed_mails =
            count(format!("SELECT COUNT(*) FROM mail_queue WHERE kind = '{}'", MailKind::Signed.as_str())).await;
        assert_eq!(signers as usize, addresses.len());
        assert_eq!(signed_mails, signers);
        pool.close().await;
    }
);
