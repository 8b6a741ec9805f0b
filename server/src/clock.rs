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

/// The time `days` days from now, formatted.
pub fn days_from_now(days: i64) -> String {
    format_millis(now_millis() + days * 86_400_000)
}

/// The time `minutes` minutes from now (negative: ago), formatted.
pub fn minutes_from_now(minutes: i64) -> String {
    format_millis(now_millis() + minutes * 60_000)
}

/// The time `seconds` seconds from now, formatted.
pub fn seconds_from_now(seconds: i64) -> String {
    format_millis(now_millis() + seconds * 1000)
}

/// Milliseconds since the Unix epoch of a timestamp in this module's format (the inverse of
/// [`format_millis`], Howard Hinnant's `days_from_civil`); None for anything else.
pub fn parse_millis(t: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| t.get(range)?.parse::<i64>().ok();
    let (y, m, d) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (h, min, s, ms) = (number(11..13)?, number(14..16)?, number(17..19)?, number(20..23)?);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Some(days * 86_400_000 + h * 3_600_000 + min * 60_000 + s * 1000 + ms)
}

/// Milliseconds since the Unix epoch, now.
pub fn now_millis() -> i64 {
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
        for millis in [0, 951_782_400_000, 1_795_708_800_123, -86_400_000] {
            assert_eq!(parse_millis(&format_millis(millis)), Some(millis));
        }
        assert_eq!(parse_millis("yesterday"), None);
    }
}
