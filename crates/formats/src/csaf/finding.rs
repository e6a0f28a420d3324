//! A validation finding: which test failed, where, and why.

use std::fmt;

use serde::Serialize;

/// One failed check of a CSAF document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The CSAF 2.0 test id (`6.1.1`, `6.1.27.9`), or `schema` for the JSON
    /// schema and for documents that cannot be read at all.
    pub test: &'static str,
    /// A JSON pointer to the offending value (`/vulnerabilities/0/cve`);
    /// empty for the document itself.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl Finding {
    /// A finding of `test` at `path`.
    pub fn new(test: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            test,
            path: path.into(),
            message: message.into(),
        }
    }

    /// A schema finding at `path`.
    pub fn schema(path: impl Into<String>, message: impl Into<String>) -> Self {
        Finding::new("schema", path, message)
    }
}

impl fmt::Display for Finding {
    /// `6.1.1 /vulnerabilities/0/product_status/known_affected/2: missing
    /// definition of product id CSAFPID-9080700`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{} {}: {}", self.test, path, self.message)
    }
}
