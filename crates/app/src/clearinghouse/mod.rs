//! The clearinghouse (DESIGN §4.3): intake of vulnerability reports,
//! deduplication into cases, triage and coordination.
//!
//! Need-to-know: anyone who finds vulnerabilities may submit
//! (`Action::SubmitVulnReport`); only analysts read cases, which hold
//! embargoed material (`Action::ReadVulnCase`), and every such read is
//! audited.

pub mod advisories;
pub mod assets;
pub mod cases;
pub mod clearance;
pub mod evidence;
pub(crate) mod exact_filter;
pub mod intake;
pub(crate) mod intake_queue;
pub mod matching;
pub(crate) mod near_index;
pub mod notices;
pub mod outbox;
mod prepare;
pub mod publish;
pub mod shares;
pub mod vendors;
pub mod workflow;
