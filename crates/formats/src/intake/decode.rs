//! Typed deserialisation of one record, with rejection reasons that name
//! the field.
//!
//! The fast path is a plain `serde_json` parse; only when it fails is the
//! record read again with path tracking, so that well-formed uploads pay
//! nothing for good error messages.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use super::error::{IntakeError, RecordError};
use crate::model::SourceFormat;

/// Deserialises one record from JSON text; a failure names the field
/// (`affected[0].ranges[0].type: unknown variant …`).
pub(crate) fn json_record<T: DeserializeOwned>(json: &str) -> Result<T, RecordError> {
    // Derived structs also accept arrays (fields by position); a record is
    // an object only.
    if !json.trim_start().starts_with('{') {
        return Err(RecordError::new(format!(
            "a record is a JSON object, not {}",
            kind_of(json)
        )));
    }
    serde_json::from_str(json).map_err(|error| {
        let mut de = serde_json::Deserializer::from_str(json);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(tracked) => {
                let path = tracked.path().to_string();
                RecordError::at(root_to_empty(&path), tracked.into_inner())
            }
            // The tracked read stops at the value's end; the plain one
            // also rejects what follows it.
            Ok(_) => RecordError::new(error.to_string()),
        }
    })
}

/// Deserialises one record from a YAML value; a failure names the field.
pub(crate) fn yaml_record<T: DeserializeOwned>(
    value: serde_yaml_ng::Value,
) -> Result<T, RecordError> {
    if !value.is_mapping() {
        return Err(RecordError::new("a record is a YAML mapping"));
    }
    serde_path_to_error::deserialize::<_, T>(value).map_err(|tracked| {
        let path = tracked.path().to_string();
        RecordError::at(root_to_empty(&path), tracked.into_inner())
    })
}

/// Deserialises a whole document's top level (an object) from JSON; text
/// that is not JSON is [`IntakeError::Json`], a top level of the wrong
/// shape [`IntakeError::Invalid`] naming the field.
pub(crate) fn json_document<'de, T: Deserialize<'de>>(
    json: &'de [u8],
    format: SourceFormat,
) -> Result<T, IntakeError> {
    let not_object = |kind: &str| {
        IntakeError::invalid(format!(
            "a {} document is a JSON object, not {kind}",
            format.as_str()
        ))
    };
    match json.trim_ascii_start().first() {
        Some(b'{') => {}
        Some(b'[') => return Err(not_object("an array")),
        _ => {
            // Let the parser say what is there (or that it is not JSON).
            return match serde_json::from_slice::<serde::de::IgnoredAny>(json) {
                Ok(_) => Err(not_object("a scalar")),
                Err(source) => Err(IntakeError::Json { format, source }),
            };
        }
    }
    serde_json::from_slice(json).map_err(|error| {
        if error.is_syntax() || error.is_eof() || error.is_io() {
            return IntakeError::Json {
                format,
                source: error,
            };
        }
        let mut de = serde_json::Deserializer::from_slice(json);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(tracked) => {
                let path = tracked.path().to_string();
                IntakeError::invalid(
                    RecordError::at(root_to_empty(&path), tracked.into_inner()).reason,
                )
            }
            Ok(_) => IntakeError::Json {
                format,
                source: error,
            },
        }
    })
}

/// Deserialises a list (or any defaultable value) that may be written as
/// `null`, as some producers do for empty lists.
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// What kind of JSON value `json` starts, for rejection reasons.
fn kind_of(json: &str) -> &'static str {
    match json.trim_start().bytes().next() {
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(_) => "a number",
        None => "nothing",
    }
}

/// The deepest YAML flow nesting intake reads (the YAML parser's own
/// recursion limit).
pub(crate) const MAX_YAML_FLOW_DEPTH: usize = 128;

/// Whether YAML text opens more flow collections (`[`, `{`) than
/// [`MAX_YAML_FLOW_DEPTH`] at once. The YAML parser would refuse such text
/// too, but only after time that grows with the square of the depth, so it
/// is refused before parsing. Brackets in strings are counted as well;
/// real documents do not leave over a hundred of them open.
pub(crate) fn yaml_too_deep(bytes: &[u8]) -> bool {
    let mut depth = 0usize;
    for b in bytes {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_YAML_FLOW_DEPTH {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// `serde_path_to_error` writes the root as `.`.
fn root_to_empty(path: &str) -> &str {
    if path == "." {
        ""
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Outer {
        #[serde(default, deserialize_with = "nullable")]
        items: Vec<Inner>,
    }

    #[derive(Debug, Deserialize)]
    struct Inner {
        #[allow(dead_code)]
        n: u32,
    }

    #[test]
    fn reasons_name_the_field() {
        let e = json_record::<Outer>(r#"{"items":[{"n":1},{"n":"x"}]}"#).err();
        let reason = e.map(|e| e.reason).unwrap_or_default();
        assert!(reason.starts_with("items[1].n: invalid type"), "{reason}");
        let e = json_record::<Outer>(r#"{"items":[]} x"#).err();
        assert!(e.is_some_and(|e| e.reason.contains("trailing")));
        let e = json_record::<Outer>("[1]").err();
        assert_eq!(
            e.map(|e| e.reason).as_deref(),
            Some("a record is a JSON object, not an array")
        );
        let e = json_record::<Outer>(" 7").err();
        assert_eq!(
            e.map(|e| e.reason).as_deref(),
            Some("a record is a JSON object, not a number")
        );
    }

    #[test]
    fn nulls_read_as_empty() -> Result<(), RecordError> {
        let outer: Outer = json_record(r#"{"items":null}"#)?;
        assert!(outer.items.is_empty());
        Ok(())
    }

    #[test]
    fn yaml_reasons_name_the_field() -> Result<(), serde_yaml_ng::Error> {
        let value: serde_yaml_ng::Value = serde_yaml_ng::from_str("items:\n  - n: x\n")?;
        let reason = yaml_record::<Outer>(value)
            .err()
            .map(|e| e.reason)
            .unwrap_or_default();
        assert!(reason.starts_with("items[0].n: invalid type"), "{reason}");
        Ok(())
    }

    #[test]
    fn deep_yaml_flow_nesting_is_spotted() {
        assert!(!yaml_too_deep(b"a: [[1], {b: [2]}]"));
        assert!(!yaml_too_deep("a: ]]]] [".repeat(200).as_bytes()));
        assert!(yaml_too_deep(
            "[".repeat(MAX_YAML_FLOW_DEPTH + 1).as_bytes()
        ));
    }

    #[test]
    fn document_reasons_name_the_field() {
        let doc = |json: &[u8]| {
            json_document::<Outer>(json, SourceFormat::Kev)
                .err()
                .map(|e| e.to_string())
        };
        let reason = doc(br#"{"items":{"n":1}}"#).unwrap_or_default();
        assert!(
            reason.starts_with("document invalid: items: invalid type"),
            "{reason}"
        );
        let reason = doc(b"{").unwrap_or_default();
        assert!(
            reason.starts_with("kev document is not valid JSON"),
            "{reason}"
        );
        assert_eq!(
            doc(b"[]").as_deref(),
            Some("document invalid: a kev document is a JSON object, not an array")
        );
        assert_eq!(
            doc(b"12").as_deref(),
            Some("document invalid: a kev document is a JSON object, not a scalar")
        );
        assert!(doc(b"x").is_some_and(|r| r.contains("not valid JSON")));
    }
}
