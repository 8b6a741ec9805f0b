//! Timestamps as the feed and the database store them: RFC 3339 in UTC with milliseconds
//! (`2026-11-26T16:00:00.123Z`), fixed width so that they sort as text in both SQLite and PostgreSQL.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current time, formatted.
pub fn now() -> String {
    format_millis(now_millis())
}

/// The time `days` days ago, formatted.
pub fn days_ago(days: i64) -> String {
    format_millis(now_millis() - days * 86_400_000)
}

fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as i64
}

/// Formats milliseconds since the Unix epoch.
pub fn format_millis(millis: i64) -> String {
    let (days, ms_of_day) = (millis.div_euclid(86_400_000), millis.rem_euclid(86_400_000));
    let (year, month, day) = undersigned_core::calendar::civil_from_days(days);
    let (h, m, s, ms) = (ms_of_day / 3_600_000, ms_of_day / 60_000 % 60, ms_of_day / 1000 % 60, ms_of_day % 1000);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(format_millis(1_795_708_800_123), "2026-11-26T16:00:00.123Z");
        assert!(undersigned_core::feed::is_timestamp(&now()));
    }
}
