//! Lenient timestamps: the formats write RFC 3339 with or without
//! fractional seconds, sometimes without a zone (CVE 5 `datePublic`), and
//! some fields are dates only (KEV `dateAdded`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};

/// Reads a timestamp: RFC 3339 (`2024-03-29T16:51:12.588Z`, any offset),
/// a zone-less date-time taken as UTC, or a date taken as its midnight UTC.
pub(crate) fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    // RFC 3339 allows a space for the `T`; chrono's parser does not.
    if let (Some(date), Some(" " | "t"), Some(time)) =
        (text.get(..10), text.get(10..11), text.get(11..))
    {
        if let Ok(t) = DateTime::parse_from_rfc3339(&format!("{date}T{time}")) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for pattern in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, pattern) {
            return Some(t.and_utc());
        }
    }
    parse_date(text)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// Reads a date (`2025-08-25`), or the date part of a timestamp.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .or_else(|| {
            text.get(..10)
                .filter(|_| text.len() > 10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        })
}

/// Deserialises an optional timestamp with [`parse_timestamp`]; absent,
/// `null` and empty strings read as `None`, anything else unreadable is an
/// error naming the text.
pub(crate) fn opt_timestamp<'de, D>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error>
where
    D: Deserializer<'de>,
{
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    parse_timestamp(&text).map(Some).ok_or_else(|| {
        serde::de::Error::custom(format!("`{text}` is not an RFC 3339 timestamp or date"))
    })
}

/// Deserialises an optional date with [`parse_date`], as
/// [`opt_timestamp`] does timestamps.
pub(crate) fn opt_date<'de, D>(deserializer: D) -> Result<Option<NaiveDate>, D::Error>
where
    D: Deserializer<'de>,
{
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    parse_date(&text)
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a date (YYYY-MM-DD)")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Option<String> {
        parse_timestamp(text).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    }

    #[test]
    fn timestamps_in_every_form_the_formats_use() {
        assert_eq!(
            ts("2024-03-29T16:51:12.588Z").as_deref(),
            Some("2024-03-29T16:51:12.588Z")
        );
        assert_eq!(
            ts("2024-03-29T16:51:12Z").as_deref(),
            Some("2024-03-29T16:51:12.000Z")
        );
        assert_eq!(
            ts("2024-03-29T18:51:12+02:00").as_deref(),
            Some("2024-03-29T16:51:12.000Z")
        );
        assert_eq!(
            ts("2021-09-08T16:24:00").as_deref(),
            Some("2021-09-08T16:24:00.000Z")
        );
        assert_eq!(
            ts("2021-09-08T16:24:00.123456").as_deref(),
            Some("2021-09-08T16:24:00.123Z")
        );
        assert_eq!(
            ts("2021-09-08 16:24:00Z").as_deref(),
            Some("2021-09-08T16:24:00.000Z")
        );
        assert_eq!(
            ts("2025-08-25").as_deref(),
            Some("2025-08-25T00:00:00.000Z")
        );
        assert_eq!(
            ts("2025-08-25T17:04:19.9796Z").as_deref(),
            Some("2025-08-25T17:04:19.979Z")
        );
        assert_eq!(ts("yesterday"), None);
        assert_eq!(ts("2025-13-01"), None);
        assert_eq!(ts("2025-0"), None);
    }

    #[test]
    fn dates_alone_or_from_timestamps() {
        assert_eq!(
            parse_date("2025-08-25"),
            NaiveDate::from_ymd_opt(2025, 8, 25)
        );
        assert_eq!(
            parse_date("2025-08-25T10:00:00Z"),
            NaiveDate::from_ymd_opt(2025, 8, 25)
        );
        assert_eq!(parse_date("25/08/2025"), None);
        assert_eq!(parse_date("é"), None);
    }
}
