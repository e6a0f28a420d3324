//! An output budget for documents whose records share metadata.
//!
//! A SARIF result names its rule's description and CWEs, a CycloneDX
//! vulnerability the components it affects; every report copies what it
//! names. A small document could thus name a large rule from very many
//! results and expand far beyond its own size. Intake of such formats
//! charges every report against a budget proportional to the document and
//! refuses the document once it is spent.

use std::io;

use super::error::IntakeError;
use crate::model::Report;

/// How many times its own size a document's reports may take, as JSON.
const EXPANSION: usize = 16;
/// The budget of small documents.
const FLOOR: usize = 16 * 1024 * 1024;

/// What is left of a document's budget.
pub(crate) struct Budget {
    left: usize,
}

impl Budget {
    /// The budget of a document of `input_len` bytes.
    pub fn for_input(input_len: usize) -> Self {
        Budget {
            left: input_len.saturating_mul(EXPANSION).max(FLOOR),
        }
    }

    /// Charges one report (its size as JSON, counted without writing it).
    pub fn charge(&mut self, report: &Report) -> Result<(), IntakeError> {
        let mut counter = Counter(0);
        // Writing to a counter cannot fail; a report always serialises.
        let _ = serde_json::to_writer(&mut counter, report);
        self.left = self.left.checked_sub(counter.0).ok_or_else(|| {
            IntakeError::invalid(format!(
                "the document's reports would be over {EXPANSION} times its size (records share too much metadata)"
            ))
        })?;
        Ok(())
    }
}

/// Counts bytes written.
struct Counter(usize);

impl io::Write for Counter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0 = self.0.saturating_add(bytes.len());
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_run_out() {
        let report = Report {
            description: "x".repeat(600),
            ..Report::default()
        };
        let mut budget = Budget { left: 1000 };
        assert!(budget.charge(&report).is_ok());
        assert!(matches!(
            budget.charge(&report),
            Err(IntakeError::Invalid { .. })
        ));
        assert_eq!(Budget::for_input(10).left, FLOOR);
        assert_eq!(Budget::for_input(FLOOR).left, FLOOR * EXPANSION);
        assert_eq!(Budget::for_input(usize::MAX).left, usize::MAX);
    }
}
