//! Structured logs through `tracing`: every event carries its fields (campaign, signer, event id,
//! error). `RUST_LOG` sets the filter (default `info,sqlx=warn`); `UNDERSIGNED_LOG_FORMAT=json`
//! writes one JSON object per line for log collectors, otherwise `key=value` text for people.

pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if std::env::var("UNDERSIGNED_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
