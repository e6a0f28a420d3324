//! The command tree: `bulwark <command> ...`.
use crate::commands::*;
use clap::{Parser, Subcommand};

/// Bulwark: voluntary pre-release cyber review of frontier AI models,
/// covered-model designation, and a verifiable audit log.
#[derive(Debug, Parser)]
#[command(
    name = "bulwark",
    version,
    after_help = "Local commands (serve, migrate, worker, admin, audit verify|prove|checkpoint) \
                  open the database directly; the others talk to a server (--server, BULWARK_SERVER) \
                  with an API token (BULWARK_TOKEN, from `bulwark login`)."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Every top-level command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web portal and JSON API, with the background jobs.
    ///
    /// Serves the portal and the JSON API (/api/v1) on one address and runs the
    /// background jobs: reviews whose window ended are expired every 30 s and the
    /// audit log is checkpointed every 60 s. Embedded SQLite under the data
    /// directory by default; BULWARK_DATABASE_URL=postgres://... for PostgreSQL.
    /// Stops gracefully on Ctrl-C or SIGTERM, signing a final audit checkpoint.
    Serve(serve::ServeArgs),
    /// Create or upgrade the database schema, then exit.
    ///
    /// Applies the embedded, append-only migrations of the configured backend
    /// (SQLite or PostgreSQL). `serve`, `worker` and the other local commands
    /// also migrate on start; this is for deployments that migrate first.
    Migrate(migrate::MigrateArgs),
    /// Run only the background jobs (evaluation runs, review expiry, audit
    /// checkpoints), no HTTP.
    ///
    /// Claims queued evaluation runs and executes them (a lease renewed by
    /// heartbeats; a crashed worker's run is taken over), expires reviews
    /// whose window ended (every 30 s) and signs audit checkpoints (every
    /// 60 s). Several workers may share one PostgreSQL database and its data
    /// directory. Stops on Ctrl-C or SIGTERM.
    Worker(worker::WorkerArgs),
    /// Administer the installation on the database directly (bootstrap).
    Admin(admin::AdminArgs),
    /// Verify the tamper-evident audit log, prove inclusion, sign checkpoints, list events.
    Audit(audit::AuditArgs),
    /// Exchange a user name and password for an API token (prints only the token).
    ///
    /// Only the token is printed on standard output, so this works:
    ///
    ///     export BULWARK_TOKEN=$(bulwark login --username alice)
    ///
    /// The password comes from --password-env VAR, or the terminal (no echo), or
    /// one line of standard input. Hints go to standard error.
    Login(login::LoginArgs),
    /// Show who the API token belongs to.
    Whoami(whoami::WhoamiArgs),
    /// Manage organisations (labs, agencies, standards bodies, ...).
    Org(orgs::OrgArgs),
    /// Manage user accounts.
    User(users::UserArgs),
    /// Manage your API tokens.
    Token(tokens::TokenArgs),
    /// Show or change the policy settings (review window, required standards bodies).
    Settings(settings::SettingsArgs),
    /// Register and manage a lab's models.
    Model(models::ModelArgs),
    /// Opt a model in to voluntary review, follow, withdraw or start reviews.
    Submission(submissions::SubmissionArgs),
    /// Record and list a reviewing agency's findings on a submission.
    Finding(findings::FindingArgs),
    /// Issue, fetch and verify (offline) signed review reports.
    Report(reports::ReportArgs),
    /// Draft, co-sign and retire confidential designation standards.
    Standard(standards::StandardArgs),
    /// Submit capability profiles for designation.
    Profile(profiles::ProfileArgs),
    /// Covered-frontier-model labels: propose, designate, rescind, verify commitments.
    Designation(designations::DesignationArgs),
    /// File, list and answer contests of labels.
    Contest(contests::ContestArgs),
    /// The cyber-capability evaluation harness (import tasks, mock endpoint).
    Eval(eval::EvalArgs),
    /// Submit vulnerability reports to the clearinghouse.
    ///
    /// Files or directories (read recursively: .json, .ndjson, .jsonl, .sarif,
    /// .yaml, .yml); each file is one upload (large NDJSON files are split
    /// into uploads of 10,000 lines). Formats: native, sarif, osv (JSON or
    /// YAML), csaf, cve5, cyclonedx-vex, kev — detected per file by default.
    /// --json prints {accepted, duplicates, new_cases, rejected: [{file,
    /// reason}]}; the exit status is non-zero when anything was rejected.
    Ingest(ingest::IngestArgs),
    /// Coordinate clearinghouse cases: notify vendors, publish advisories, follow notifications.
    Case(cases::CaseArgs),
    /// Vendor contacts (how vendors are notified), and a vendor's own cases and statuses.
    Vendor(vendors::VendorArgs),
    /// Review findings proposed to the clearinghouse, and the lab's consent.
    Share(shares::ShareArgs),
    /// Export the advisories you may read (CSAF provider directory, OSV, CVE JSON 5, STIX 2.1).
    ///
    /// The server gives only what your organisation's TLP clearance allows;
    /// --tlp lowers that ceiling further. Exits non-zero on bad arguments.
    Export(export::ExportArgs),
    /// Operators' assets: register an SBOM (CycloneDX or SPDX JSON), list assets.
    ///
    /// `bulwark sbom add FILE --operator ORG --asset NAME` registers the asset
    /// (or replaces its inventory) and matches it against every published
    /// advisory at once; notices follow.
    Sbom(sbom::SbomArgs),
    /// What affects each of an operator's assets now (affected components,
    /// fixing versions, VEX suppressions, notice state).
    Match(matching::MatchArgs),
    /// Your organisation's notices; `bulwark notices ack ID` acknowledges a deployed fix.
    Notices(matching::NoticesArgs),
}

impl Command {
    /// Whether the command runs until stopped (and logs at info level).
    pub fn is_long_running(&self) -> bool {
        matches!(self, Command::Serve(_) | Command::Worker(_))
    }
}
