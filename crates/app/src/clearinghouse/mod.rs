//! The clearinghouse (DESIGN §4.3): intake of vulnerability reports,
//! deduplication into cases, triage and coordination.
//!
//! Need-to-know: anyone who finds vulnerabilities may submit
//! (`Action::SubmitVulnReport`); only analysts read cases, which hold
//! embargoed material (`Action::ReadVulnCase`), and every such read is
//! audited.

pub mod cases;
pub mod intake;
pub(crate) mod near_index;
mod prepare;
