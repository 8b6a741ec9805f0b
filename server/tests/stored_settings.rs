//! A campaign's settings as stored. The schema's CHECK constraints already keep unknown names out;
//! should one get in all the same (a constraint dropped by hand, a damaged file, a future migration's
//! bug), a moderation or confirmation name the receiver does not know is refused with an error that names the value and the names it
//! accepts; it is never read as another setting (the store used to read any unknown moderation as
//! `auto`, which would publish at once signatures meant to wait for review).

mod support;

use support::*;
use undersigned_server::domain::{Confirmation, Moderation};
use undersigned_server::store::Store;

/// Writes `value` into the test campaign's `column` past the schema's CHECK constraint.
async fn set_column(url: &str, backend: Backend, column: &str, value: &str) {
    use sqlx::any::AnyPoolOptions;
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new().max_connections(1).connect(url).await.expect("connect");
    let bypass = match backend {
        Backend::Sqlite => "PRAGMA ignore_check_constraints = ON".to_string(),
        Backend::Postgres => format!("ALTER TABLE campaigns DROP CONSTRAINT IF EXISTS campaigns_{column}_check"),
    };
    sqlx::query(&bypass).execute(&pool).await.expect("lift the CHECK constraint");
    sqlx::query(&format!("UPDATE campaigns SET {column} = $1 WHERE id = $2"))
        .bind(value)
        .bind(CAMPAIGN)
        .execute(&pool)
        .await
        .expect("update the campaign");
    pool.close().await;
}

async fn unknown_names_are_refused(backend: Backend) {
    let db = TestDb::new(backend).await;
    TestServer::new(&db).await.stop().await;
    let store = Store::connect(&db.url).await.expect("the database opens");
    let settings = store.campaign_settings(CAMPAIGN).await.expect("known names read").expect("the campaign");
    assert_eq!((settings.moderation, settings.confirmation), (Moderation::Auto, Confirmation::Off));

    set_column(&db.url, backend, "moderation", "sometimes").await;
    let error = store.campaign_settings(CAMPAIGN).await.expect_err("an unknown moderation is an error");
    let message = format!("{error:#}");
    assert!(message.contains("`sometimes` is not a moderation; use auto or review"), "{message}");
    assert!(store.campaign(CAMPAIGN).await.is_err(), "the campaign with its settings is refused too");

    set_column(&db.url, backend, "moderation", Moderation::Review.as_str()).await;
    set_column(&db.url, backend, "confirmation", "maybe").await;
    let message = format!("{:#}", store.campaign_settings(CAMPAIGN).await.expect_err("an unknown confirmation"));
    assert!(message.contains("`maybe` is not a confirmation; use email or off"), "{message}");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_refuses_unknown_setting_names() {
    unknown_names_are_refused(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_refuses_unknown_setting_names() {
    unknown_names_are_refused(Backend::Postgres).await;
}
