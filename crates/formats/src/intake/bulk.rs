//! Bulk uploads for the one-record-per-document formats (native, OSV, CVE
//! 5): a single document, a JSON array of documents, or NDJSON (one
//! document a line, blank lines skipped).
//!
//! Each element or line is a record on its own: one that is not JSON, or
//! not a valid record, is rejected with its index while the rest are
//! taken. Only an upload that is not JSON at all, or whose first record is
//! plainly another format, is refused whole.

use serde_json::value::RawValue;

use super::error::{IntakeError, RecordError};
use super::{detect, RecordOutcome};
use crate::model::{Report, SourceFormat};

/// How an upload holds its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One JSON document.
    Single,
    /// A JSON array of documents.
    Array,
    /// One document a line.
    Lines,
}

/// One record of an upload, located but not yet read.
#[derive(Debug)]
pub(crate) struct RawRecord<'a> {
    /// The record's position among the records, from 0.
    pub index: usize,
    /// Where it is, for rejection reasons (`[3]`, `line 4`, or empty).
    pub place: String,
    /// The record's JSON text, or why the line is not JSON.
    pub json: Result<&'a RawValue, serde_json::Error>,
}

/// Splits an upload into its records (see the module docs for the
/// layouts). `bytes` must be trimmed and start with `{` or `[`.
pub(crate) fn split(
    bytes: &[u8],
    format: SourceFormat,
) -> Result<(Layout, Vec<RawRecord<'_>>), IntakeError> {
    if bytes.starts_with(b"[") {
        let elements: Vec<&RawValue> =
            serde_json::from_slice(bytes).map_err(|source| IntakeError::Json { format, source })?;
        let records = elements
            .into_iter()
            .enumerate()
            .map(|(index, json)| RawRecord {
                index,
                place: format!("[{index}]"),
                json: Ok(json),
            })
            .collect();
        return Ok((Layout::Array, records));
    }
    match serde_json::from_slice::<&RawValue>(bytes) {
        Ok(json) => Ok((
            Layout::Single,
            vec![RawRecord {
                index: 0,
                place: String::new(),
                json: Ok(json),
            }],
        )),
        Err(source) => match split_lines(bytes) {
            Some(records) => Ok((Layout::Lines, records)),
            None => Err(IntakeError::Json { format, source }),
        },
    }
}

/// Reads every record of an upload with `read`, which turns one record's
/// JSON text into a report.
pub(crate) fn parse_records(
    bytes: &[u8],
    format: SourceFormat,
    read: impl Fn(&str) -> Result<Report, RecordError>,
) -> Result<Vec<RecordOutcome>, IntakeError> {
    let (layout, records) = split(bytes, format)?;
    check_format(&records, format, layout)?;
    Ok(records
        .into_iter()
        .map(|record| {
            let result = match record.json {
                Ok(json) => read(json.get()),
                Err(error) => Err(RecordError::new(format!("not JSON: {error}"))),
            };
            RecordOutcome {
                index: record.index,
                result: result.map_err(|e| locate(e, &record.place)),
            }
        })
        .collect())
}

/// Refuses an upload whose first readable record is plainly another format
/// (a SARIF log sent as OSV), rather than rejecting it field by field.
fn check_format(
    records: &[RawRecord<'_>],
    format: SourceFormat,
    layout: Layout,
) -> Result<(), IntakeError> {
    let Some(first) = records.iter().find_map(|r| r.json.as_ref().ok()) else {
        return Ok(());
    };
    let trimmed = first.get().trim_start();
    if !trimmed.starts_with('{') {
        return match layout {
            Layout::Single => Err(IntakeError::invalid(format!(
                "a {} document must be a JSON object, an array of them, or NDJSON",
                format.as_str()
            ))),
            Layout::Array | Layout::Lines => Ok(()),
        };
    }
    match detect::detect_record(trimmed.as_bytes()) {
        Some(found)
            if found != format
                && !(found == SourceFormat::Native && format != SourceFormat::Native) =>
        {
            Err(IntakeError::invalid(format!(
                "document is {}, not {}",
                found.as_str(),
                format.as_str()
            )))
        }
        _ => Ok(()),
    }
}

/// Puts a record's place in front of its rejection reason.
fn locate(error: RecordError, place: &str) -> RecordError {
    if place.starts_with("line ") {
        RecordError {
            reason: format!("{place}: {}", error.reason),
            ..error
        }
    } else {
        error.within(place)
    }
}

/// Splits NDJSON into lines; `None` when the text does not look like NDJSON
/// (its first line is not a JSON object on its own, nor are most lines), so
/// that a broken single document is refused whole rather than rejected
/// line by line.
fn split_lines(bytes: &[u8]) -> Option<Vec<RawRecord<'_>>> {
    let mut records = Vec::new();
    let mut objects = 0usize;
    for (number, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        let json = serde_json::from_slice::<&RawValue>(line);
        if json.as_ref().is_ok_and(|j| j.get().starts_with('{')) {
            objects += 1;
        }
        records.push(RawRecord {
            index: records.len(),
            place: format!("line {}", number + 1),
            json,
        });
    }
    let first_is_object = records
        .first()
        .is_some_and(|r| r.json.as_ref().is_ok_and(|j| j.get().starts_with('{')));
    (records.len() > 1 && (first_is_object || objects * 2 > records.len())).then_some(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(bytes: &[u8]) -> Option<(Layout, usize)> {
        split(bytes, SourceFormat::Native)
            .ok()
            .map(|(l, r)| (l, r.len()))
    }

    #[test]
    fn layouts() {
        assert_eq!(layout(br#"{"a":1}"#), Some((Layout::Single, 1)));
        assert_eq!(layout(b"{\n  \"a\": 1\n}"), Some((Layout::Single, 1)));
        assert_eq!(layout(br#"[{"a":1},{"b":2}]"#), Some((Layout::Array, 2)));
        assert_eq!(layout(b"[]"), Some((Layout::Array, 0)));
        assert_eq!(
            layout(b"{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":3}"),
            Some((Layout::Lines, 3))
        );
        assert_eq!(
            layout(b"{\"a\":1}\nnot json\n{\"c\":3}"),
            Some((Layout::Lines, 3))
        );
        assert_eq!(
            layout(b"not json\n{\"b\":2}\n{\"c\":3}"),
            Some((Layout::Lines, 3))
        );
    }

    #[test]
    fn broken_documents_are_refused_whole() {
        assert_eq!(layout(b"{\n  \"a\": 1,\n"), None);
        assert_eq!(layout(b"{\"a\":"), None);
        assert_eq!(layout(b"[{\"a\":1},"), None);
        assert_eq!(layout(b"{\n \"a\": [\n  {\"x\": 1}\n ]\n"), None);
    }

    #[test]
    fn ndjson_places_are_lines() -> Result<(), IntakeError> {
        let (_, records) = split(b"{\"a\":1}\n\n{oops}\n", SourceFormat::Native)?;
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].index, 1);
        assert_eq!(records[1].place, "line 3");
        assert!(records[1].json.is_err());
        Ok(())
    }
}
