//! Typed access to JSON object fields that names the field on error.
//!
//! SBOMs carry many fields this crate does not read, so documents are read
//! as [`serde_json::Value`] and picked apart here: unknown fields are
//! ignored, `null` counts as absent, and a field of the wrong type is an
//! error naming its path.

use serde_json::{Map, Value};

use super::error::SbomError;

/// A JSON object and its path from the document root.
pub(crate) struct Object<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Object<'a> {
    /// The document root, which must be an object.
    pub(crate) fn root(value: &'a Value) -> Result<Object<'a>, SbomError> {
        match value {
            Value::Object(map) => Ok(Object {
                map,
                path: String::new(),
            }),
            _ => Err(SbomError::field("$", "expected a JSON object")),
        }
    }

    /// An object at `path` (`path` is kept for error messages).
    pub(crate) fn at(value: &'a Value, path: String) -> Result<Object<'a>, SbomError> {
        match value {
            Value::Object(map) => Ok(Object { map, path }),
            _ => Err(SbomError::field(path, "expected an object")),
        }
    }

    /// The path of a field of this object.
    pub(crate) fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// An optional string field.
    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<&'a str>, SbomError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(SbomError::field(self.path_of(key), "expected a string")),
        }
    }

    /// A required string field.
    pub(crate) fn req_str(&self, key: &str) -> Result<&'a str, SbomError> {
        self.opt_str(key)?
            .ok_or_else(|| SbomError::field(self.path_of(key), "required string is missing"))
    }

    /// An optional array field (absent reads as empty).
    pub(crate) fn array(&self, key: &str) -> Result<&'a [Value], SbomError> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(SbomError::field(self.path_of(key), "expected an array")),
        }
    }

    /// An optional object field.
    pub(crate) fn opt_object(&self, key: &str) -> Result<Option<Object<'a>>, SbomError> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => Object::at(value, self.path_of(key)).map(Some),
        }
    }

    /// The items of an optional array field that must hold objects.
    pub(crate) fn objects(&self, key: &str) -> Result<Vec<Object<'a>>, SbomError> {
        self.array(key)?
            .iter()
            .enumerate()
            .map(|(index, item)| Object::at(item, format!("{}[{index}]", self.path_of(key))))
            .collect()
    }
}
