//! Need-to-know, decided in one place (DESIGN §3.4).
//!
//! [`authorize`] is the only function that decides whether an actor may do
//! something. It first reduces the resource to the actor's [`Relation`] with it,
//! then looks the triple (role, action, relation) up in [`allows`]. Listings use
//! the `*_scope` functions, which the store turns into `WHERE` clauses, so
//! nothing is fetched that the caller may not see.
//!
//! The whole table is printed by [`matrix`] and checked against the golden
//! file `policy_matrix.golden` by a test.
use crate::identity::{Actor, Role};
use crate::ids::OrgId;
use crate::review::SubmissionState;
use bulwark_formats::model::Tlp;
use std::fmt;

/// Everything an actor can ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Create organisations and users, manage other users' tokens.
    AdminAccounts,
    /// List organisations and users.
    ReadAccounts,
    /// Change policy settings.
    UpdateSettings,
    /// Read and verify the audit log.
    ReadAudit,
    /// Register a model for one's organisation.
    CreateModel,
    /// Read a model's metadata (never its credential).
    ReadModel,
    /// Replace a model's endpoint credential, or record its public release.
    ManageModel,
    /// Decrypt a model's endpoint credential (the evaluation worker only).
    DecryptCredential,
    /// Opt a model in to review.
    CreateSubmission,
    /// Read a submission's details.
    ReadSubmission,
    /// Withdraw a submission.
    WithdrawSubmission,
    /// Start reviewing an assigned submission.
    StartReview,
    /// Record a finding on an assigned submission.
    RecordFinding,
    /// Read findings.
    ReadFinding,
    /// Issue a signed review report.
    IssueReport,
    /// Read a signed review report.
    ReadReport,
    /// Draft a standard or a new version of one.
    DraftStandard,
    /// Read a standard's rules.
    ReadStandardRules,
    /// Co-sign a standard version for one's body.
    SignStandard,
    /// Retire a standard version.
    RetireStandard,
    /// Submit a capability profile.
    SubmitProfile,
    /// Run the designation engine over a profile.
    ProposeDesignation,
    /// Apply or rescind a covered-frontier-model label, answer contests.
    Designate,
    /// Read a label: subject, date, standard version id, commitment.
    ReadDesignation,
    /// Read a label's commitment salt and the engine's proposal.
    ReadDesignationSecrets,
    /// Contest a label on one's own model.
    FileContest,
    /// Start an evaluation run (a job) on an assigned submission.
    StartEvalRun,
    /// Read evaluation runs: status, progress and summary results.
    ReadEvalRun,
    /// Read an evaluation run's sample transcripts (model messages, tool calls).
    ReadEvalTranscript,
    /// Cancel an evaluation run one's agency started.
    CancelEvalRun,
    /// Submit vulnerability reports to the clearinghouse.
    SubmitVulnReport,
    /// Read the clearinghouse's cases and the reports in them (embargoed).
    ReadVulnCase,
    /// Triage, merge, split and coordinate cases.
    ManageVulnCase,
    /// Read the cases one's vendor organisation was notified of.
    ReadVendorCase,
    /// Record one's vendor status (affected, not affected with VEX justification, fixed).
    UpdateVendorStatus,
    /// Read a case's evidence (proofs of concept, stored encrypted and embargoed).
    ReadEvidence,
    /// Read published advisories (further limited by TLP clearance).
    ReadAdvisory,
    /// Add threat-intelligence objects to a TAXII collection.
    PublishThreatIntel,
    /// Register and replace one's organisation's assets (SBOMs).
    RegisterAssets,
    /// Read one's organisation's assets and the notices about them.
    ReadAssets,
    /// Acknowledge that a fix was deployed on one's asset.
    AcknowledgePatch,
    /// Read time-to-patch and exposure figures per sector.
    ReadPatchMetrics,
    /// Propose a review finding to the clearinghouse (the lab must consent).
    ProposeVulnShare,
    /// Consent (or refuse) to a finding on one's model going to the clearinghouse.
    ConsentVulnShare,
}

impl Action {
    /// Every action, in a stable order (the golden matrix's rows).
    pub const ALL: &'static [Action] = &[
        Action::AdminAccounts,
        Action::ReadAccounts,
        Action::UpdateSettings,
        Action::ReadAudit,
        Action::CreateModel,
        Action::ReadModel,
        Action::ManageModel,
        Action::DecryptCredential,
        Action::CreateSubmission,
        Action::ReadSubmission,
        Action::WithdrawSubmission,
        Action::StartReview,
        Action::RecordFinding,
        Action::ReadFinding,
        Action::IssueReport,
        Action::ReadReport,
        Action::DraftStandard,
        Action::ReadStandardRules,
        Action::SignStandard,
        Action::RetireStandard,
        Action::SubmitProfile,
        Action::ProposeDesignation,
        Action::Designate,
        Action::ReadDesignation,
        Action::ReadDesignationSecrets,
        Action::FileContest,
        Action::StartEvalRun,
        Action::ReadEvalRun,
        Action::ReadEvalTranscript,
        Action::CancelEvalRun,
        Action::SubmitVulnReport,
        Action::ReadVulnCase,
        Action::ManageVulnCase,
        Action::ReadVendorCase,
        Action::UpdateVendorStatus,
        Action::ReadEvidence,
        Action::ReadAdvisory,
        Action::PublishThreatIntel,
        Action::RegisterAssets,
        Action::ReadAssets,
        Action::AcknowledgePatch,
        Action::ReadPatchMetrics,
        Action::ProposeVulnShare,
        Action::ConsentVulnShare,
    ];

    /// True for actions that change something (refused to read-only tokens).
    pub fn is_mutation(self) -> bool {
        !matches!(
            self,
            Action::ReadAccounts
                | Action::ReadAudit
                | Action::ReadModel
                | Action::ReadSubmission
                | Action::ReadFinding
                | Action::ReadReport
                | Action::ReadStandardRules
                | Action::ReadDesignation
                | Action::ReadDesignationSecrets
                | Action::ProposeDesignation
                | Action::DecryptCredential
                | Action::ReadEvalRun
                | Action::ReadEvalTranscript
                | Action::ReadVulnCase
                | Action::ReadVendorCase
                | Action::ReadEvidence
                | Action::ReadAdvisory
                | Action::ReadAssets
                | Action::ReadPatchMetrics
        )
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// The facts about a resource that access depends on.
#[derive(Debug, Clone, Copy)]
pub enum Resource<'a> {
    /// Installation-wide things: accounts, settings, audit log, standards, designations in general.
    Global,
    /// Something owned by an organisation (its models, its tokens).
    OwnedBy(OrgId),
    /// A submission (and the findings and reports under it).
    Submission {
        /// The lab that submitted.
        lab: OrgId,
        /// The agencies named to review it.
        agencies: &'a [OrgId],
        /// Its stored state.
        state: SubmissionState,
    },
    /// A finding, report or evaluation run written by `agency` on a submission.
    AgencyWork {
        /// The lab that submitted.
        lab: OrgId,
        /// The agency that wrote it.
        agency: OrgId,
        /// The submission's agencies.
        agencies: &'a [OrgId],
        /// The submission's stored state.
        state: SubmissionState,
    },
    /// A standard version; `required_body` says whether the actor's
    /// organisation is one of the bodies that must sign it.
    StandardVersion {
        /// Actor's organisation is a required signer.
        required_body: bool,
    },
    /// A designation whose subject belongs to `lab` (None: unregistered lab).
    Designation {
        /// The subject's lab, when known.
        lab: Option<OrgId>,
    },
    /// A clearinghouse case, with the vendor organisations notified of it.
    VulnCase {
        /// Vendors notified of the case.
        vendors: &'a [OrgId],
    },
}

/// How the actor stands towards a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// Installation-wide resource.
    Global,
    /// The actor's organisation owns it.
    Own,
    /// The actor's agency is assigned to it, and it has not been withdrawn.
    Assigned,
    /// The actor's agency wrote it, on a submission still assigned to it.
    AgencyAuthor,
    /// The actor's body must co-sign it.
    RequiredSigner,
    /// No relation.
    Other,
}

impl Relation {
    /// Every relation (the golden matrix's columns).
    pub const ALL: &'static [Relation] = &[
        Relation::Global,
        Relation::Own,
        Relation::Assigned,
        Relation::AgencyAuthor,
        Relation::RequiredSigner,
        Relation::Other,
    ];
}

/// The actor may not do this. Deliberately carries no detail: callers map it to 404
/// for reads (existence is need-to-know too) and 403 for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Denied;

/// Reduces a resource to the actor's relation with it.
pub fn relation(actor: &Actor, resource: &Resource<'_>) -> Relation {
    match *resource {
        Resource::Global => Relation::Global,
        Resource::OwnedBy(org) => own_or_other(actor.org_id == org),
        Resource::Submission {
            lab,
            agencies,
            state,
        } => {
            if actor.org_id == lab {
                Relation::Own
            } else if state != SubmissionState::Withdrawn && agencies.contains(&actor.org_id) {
                Relation::Assigned
            } else {
                Relation::Other
            }
        }
        Resource::AgencyWork {
            lab,
            agency,
            agencies,
            state,
        } => {
            if actor.org_id == lab {
                Relation::Own
            } else if state != SubmissionState::Withdrawn
                && agency == actor.org_id
                && agencies.contains(&actor.org_id)
            {
                Relation::AgencyAuthor
            } else {
                Relation::Other
            }
        }
        Resource::StandardVersion { required_body } => {
            if required_body {
                Relation::RequiredSigner
            } else {
                Relation::Global
            }
        }
        Resource::Designation { lab } => own_or_other(lab == Some(actor.org_id)),
        Resource::VulnCase { vendors } => own_or_other(vendors.contains(&actor.org_id)),
    }
}

fn own_or_other(own: bool) -> Relation {
    if own {
        Relation::Own
    } else {
        Relation::Other
    }
}

/// The policy table: may `role` do `action` on a resource it stands in `rel` to?
pub fn allows(role: Role, action: Action, rel: Relation) -> bool {
    use Action as A;
    use Relation as R;
    use Role::*;
    let lab = matches!(role, LabAdmin | LabMember);
    let agency = matches!(role, Reviewer | AgencyAdmin);
    match action {
        A::AdminAccounts | A::UpdateSettings | A::ReadAudit => role == Admin && rel == R::Global,
        A::ReadAccounts => role == Admin && rel == R::Global,
        A::CreateModel | A::ManageModel | A::CreateSubmission | A::WithdrawSubmission => {
            lab && rel == R::Own
        }
        A::ReadModel | A::ReadSubmission => {
            (lab && rel == R::Own) || (agency && rel == R::Assigned)
        }
        // Only the evaluation worker, which is not a user, decrypts credentials.
        A::DecryptCredential => false,
        A::StartReview | A::RecordFinding | A::IssueReport => {
            role == Reviewer && rel == R::Assigned
        }
        A::ReadFinding | A::ReadReport => {
            (lab && rel == R::Own) || (agency && rel == R::AgencyAuthor)
        }
        A::DraftStandard | A::RetireStandard => {
            role == StandardsAuthor && matches!(rel, R::Global | R::RequiredSigner)
        }
        A::ReadStandardRules => {
            matches!(role, StandardsAuthor | Designator)
                && matches!(rel, R::Global | R::RequiredSigner)
        }
        A::SignStandard => role == StandardsAuthor && rel == R::RequiredSigner,
        A::SubmitProfile | A::ProposeDesignation | A::Designate => {
            role == Designator && matches!(rel, R::Global | R::Own | R::Other)
        }
        A::ReadDesignation => {
            (role == Designator && matches!(rel, R::Global | R::Own | R::Other))
                || (lab && rel == R::Own)
        }
        A::ReadDesignationSecrets => {
            matches!(role, Designator | StandardsAuthor)
                && matches!(rel, R::Global | R::Own | R::Other)
        }
        A::FileContest => lab && rel == R::Own,
        // Evaluation runs are agency work: the agency that started one reads it
        // whole; the lab reads the summary results of runs on its own
        // submission (like findings and reports), never the transcripts, which
        // hold the confidential task prompts.
        A::StartEvalRun => role == Reviewer && rel == R::Assigned,
        A::ReadEvalRun => (lab && rel == R::Own) || (agency && rel == R::AgencyAuthor),
        A::ReadEvalTranscript => agency && rel == R::AgencyAuthor,
        A::CancelEvalRun => role == Reviewer && rel == R::AgencyAuthor,
        // Anyone who finds vulnerabilities may report them: analysts, labs
        // (their own finders), reviewing agencies, vendors. The clearinghouse
        // alone reads the embargoed whole and coordinates.
        A::SubmitVulnReport => {
            rel == R::Global && (lab || agency || matches!(role, Analyst | VendorContact))
        }
        A::ReadVulnCase | A::ManageVulnCase => role == Analyst && rel == R::Global,
        // A vendor sees only the cases it was notified of, and the evidence in
        // them (it needs the proof of concept to fix); analysts see all of it.
        A::ReadVendorCase | A::UpdateVendorStatus => role == VendorContact && rel == R::Own,
        A::ReadEvidence => {
            (role == Analyst && matches!(rel, R::Global | R::Own | R::Other))
                || (role == VendorContact && rel == R::Own)
        }
        // Published advisories are for everyone with an account; TLP
        // clearance ([`tlp_visible`]) limits what each one receives.
        A::ReadAdvisory => rel == R::Global,
        A::PublishThreatIntel => role == Analyst && rel == R::Global,
        A::RegisterAssets | A::ReadAssets | A::AcknowledgePatch => {
            role == Operator && rel == R::Own
        }
        A::ReadPatchMetrics => matches!(role, Analyst | Admin) && rel == R::Global,
        A::ProposeVulnShare => role == Reviewer && rel == R::AgencyAuthor,
        A::ConsentVulnShare => role == LabAdmin && rel == R::Own,
    }
}

/// The TLP clearance an actor holds: clearinghouse analysts see every level;
/// everyone else what their organisation was cleared for (`None`: CLEAR only).
pub fn tlp_clearance(actor: &Actor, org_clearance: Option<Tlp>) -> Tlp {
    if actor.role == Role::Analyst {
        Tlp::Red
    } else {
        org_clearance.unwrap_or(Tlp::Clear)
    }
}

/// Whether something marked `level` may go to a holder of `clearance`: the
/// one TLP rule, used by every way out (API, TAXII, exports, notices, pages).
pub fn tlp_visible(clearance: Tlp, level: Tlp) -> bool {
    level <= clearance
}

/// Decides whether `actor` may perform `action` on `resource`.
pub fn authorize(actor: &Actor, action: Action, resource: &Resource<'_>) -> Result<(), Denied> {
    if actor.read_only && action.is_mutation() {
        return Err(Denied);
    }
    if allows(actor.role, action, relation(actor, resource)) {
        Ok(())
    } else {
        Err(Denied)
    }
}

/// Which rows of a listing an actor may see; the store turns it into SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every row.
    All,
    /// Rows owned by this organisation.
    OwnOrg(OrgId),
    /// Submissions (or work on them) assigned to this agency and not withdrawn.
    AssignedTo(OrgId),
    /// Nothing.
    Nothing,
}

/// Scope of model and submission listings.
pub fn submission_scope(actor: &Actor) -> Scope {
    match actor.role {
        Role::LabAdmin | Role::LabMember => Scope::OwnOrg(actor.org_id),
        Role::Reviewer | Role::AgencyAdmin => Scope::AssignedTo(actor.org_id),
        _ => Scope::Nothing,
    }
}

/// Scope of evaluation-run listings: a lab sees the runs on its own
/// submissions; an agency the runs it started on submissions still assigned to
/// it and not withdrawn.
pub fn eval_run_scope(actor: &Actor) -> Scope {
    match actor.role {
        Role::LabAdmin | Role::LabMember => Scope::OwnOrg(actor.org_id),
        Role::Reviewer | Role::AgencyAdmin => Scope::AssignedTo(actor.org_id),
        _ => Scope::Nothing,
    }
}

/// Scope of designation listings (a lab sees labels on its own models,
/// including models it never registered, matched by organisation slug).
pub fn designation_scope(actor: &Actor) -> Scope {
    match actor.role {
        Role::Designator => Scope::All,
        Role::LabAdmin | Role::LabMember => Scope::OwnOrg(actor.org_id),
        _ => Scope::Nothing,
    }
}

/// Scope of standard listings (metadata and rules).
pub fn standard_scope(actor: &Actor) -> Scope {
    match actor.role {
        Role::StandardsAuthor | Role::Designator => Scope::All,
        _ => Scope::Nothing,
    }
}

/// Prints the whole role × action × relation table, one line per (role, action),
/// listing the relations under which the action is allowed.
pub fn matrix() -> String {
    let mut out =
        String::from("# role × action → relations under which it is allowed (- = never)\n");
    for role in Role::ALL {
        for action in Action::ALL {
            let rels: Vec<String> = Relation::ALL
                .iter()
                .filter(|rel| allows(*role, *action, **rel))
                .map(|rel| format!("{rel:?}"))
                .collect();
            let rels = if rels.is_empty() {
                "-".to_string()
            } else {
                rels.join(",")
            };
            out.push_str(&format!(
                "{:<17} {:<24} {}\n",
                role.as_str(),
                action.to_string(),
                rels
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;

    fn actor(role: Role, org: OrgId) -> Actor {
        Actor {
            user_id: UserId::random(),
            username: "u".into(),
            org_id: org,
            org_slug: "o".into(),
            role,
            read_only: false,
        }
    }

    #[test]
    fn golden_matrix_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/policy_matrix.golden");
        let current = matrix();
        if std::env::var_os("BULWARK_UPDATE_GOLDEN").is_some() {
            std::fs::write(path, &current).unwrap();
        }
        let golden = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            golden == current,
            "the policy changed: review the diff, then run with BULWARK_UPDATE_GOLDEN=1\n{current}"
        );
    }

    #[test]
    fn tlp_clearance_bounds_every_level() {
        let org = OrgId::random();
        let operator = actor(Role::Operator, org);
        assert_eq!(tlp_clearance(&operator, None), Tlp::Clear);
        let green = tlp_clearance(&operator, Some(Tlp::Green));
        assert!(tlp_visible(green, Tlp::Clear) && tlp_visible(green, Tlp::Green));
        for above in [Tlp::Amber, Tlp::AmberStrict, Tlp::Red] {
            assert!(!tlp_visible(green, above), "{above:?} leaked to GREEN");
        }
        let analyst = actor(Role::Analyst, org);
        assert_eq!(tlp_clearance(&analyst, None), Tlp::Red);
    }

    #[test]
    fn vendors_see_only_cases_they_were_notified_of() {
        let (mine, other) = (OrgId::random(), OrgId::random());
        let vendor = actor(Role::VendorContact, mine);
        let notified = [mine];
        let elsewhere = [other];
        let case = |v| Resource::VulnCase { vendors: v };
        assert_eq!(
            authorize(&vendor, Action::ReadVendorCase, &case(&notified)),
            Ok(())
        );
        assert_eq!(
            authorize(&vendor, Action::ReadEvidence, &case(&notified)),
            Ok(())
        );
        assert_eq!(
            authorize(&vendor, Action::ReadVendorCase, &case(&elsewhere)),
            Err(Denied)
        );
        assert_eq!(
            authorize(&vendor, Action::ReadEvidence, &case(&elsewhere)),
            Err(Denied)
        );
        let analyst = actor(Role::Analyst, other);
        assert_eq!(
            authorize(&analyst, Action::ReadEvidence, &case(&notified)),
            Ok(())
        );
    }

    #[test]
    fn withdrawal_removes_reviewer_access() {
        let (lab, agency) = (OrgId::random(), OrgId::random());
        let reviewer = actor(Role::Reviewer, agency);
        let agencies = [agency];
        let open = Resource::Submission {
            lab,
            agencies: &agencies,
            state: SubmissionState::InReview,
        };
        let gone = Resource::Submission {
            lab,
            agencies: &agencies,
            state: SubmissionState::Withdrawn,
        };
        assert_eq!(authorize(&reviewer, Action::ReadSubmission, &open), Ok(()));
        assert_eq!(
            authorize(&reviewer, Action::ReadSubmission, &gone),
            Err(Denied)
        );
        let labber = actor(Role::LabMember, lab);
        assert_eq!(authorize(&labber, Action::ReadSubmission, &gone), Ok(()));
    }

    #[test]
    fn other_lab_and_unassigned_agency_see_nothing() {
        let (lab, other_lab, agency, other_agency) = (
            OrgId::random(),
            OrgId::random(),
            OrgId::random(),
            OrgId::random(),
        );
        let agencies = [agency];
        let sub = Resource::Submission {
            lab,
            agencies: &agencies,
            state: SubmissionState::Submitted,
        };
        assert!(authorize(
            &actor(Role::LabAdmin, other_lab),
            Action::ReadSubmission,
            &sub
        )
        .is_err());
        assert!(authorize(
            &actor(Role::Reviewer, other_agency),
            Action::ReadSubmission,
            &sub
        )
        .is_err());
        assert!(authorize(
            &actor(Role::LabAdmin, lab),
            Action::ReadModel,
            &Resource::OwnedBy(other_lab)
        )
        .is_err());
    }

    #[test]
    fn only_authors_and_designators_read_rules() {
        let res = Resource::StandardVersion {
            required_body: false,
        };
        for role in Role::ALL {
            let allowed = authorize(
                &actor(*role, OrgId::random()),
                Action::ReadStandardRules,
                &res,
            )
            .is_ok();
            assert_eq!(
                allowed,
                matches!(role, Role::StandardsAuthor | Role::Designator),
                "{role}"
            );
        }
    }

    #[test]
    fn eval_runs_are_agency_work_and_transcripts_stay_with_the_agency() {
        let (lab, agency, other_agency) = (OrgId::random(), OrgId::random(), OrgId::random());
        let agencies = [agency, other_agency];
        let sub = Resource::Submission {
            lab,
            agencies: &agencies,
            state: SubmissionState::InReview,
        };
        let run = |state| Resource::AgencyWork {
            lab,
            agency,
            agencies: &agencies,
            state,
        };
        let reviewer = actor(Role::Reviewer, agency);
        let admin = actor(Role::AgencyAdmin, agency);
        let other = actor(Role::Reviewer, other_agency);
        let labber = actor(Role::LabMember, lab);
        assert_eq!(authorize(&reviewer, Action::StartEvalRun, &sub), Ok(()));
        assert!(authorize(&admin, Action::StartEvalRun, &sub).is_err());
        assert!(authorize(&labber, Action::StartEvalRun, &sub).is_err());
        let open = run(SubmissionState::InReview);
        for a in [
            Action::ReadEvalRun,
            Action::ReadEvalTranscript,
            Action::CancelEvalRun,
        ] {
            assert_eq!(authorize(&reviewer, a, &open), Ok(()), "{a}");
            assert!(authorize(&other, a, &open).is_err(), "{a}");
        }
        assert_eq!(authorize(&admin, Action::ReadEvalTranscript, &open), Ok(()));
        assert_eq!(authorize(&labber, Action::ReadEvalRun, &open), Ok(()));
        assert!(authorize(&labber, Action::ReadEvalTranscript, &open).is_err());
        let gone = run(SubmissionState::Withdrawn);
        assert!(authorize(&reviewer, Action::ReadEvalRun, &gone).is_err());
        let mut ro = reviewer.clone();
        ro.read_only = true;
        assert_eq!(authorize(&ro, Action::ReadEvalRun, &open), Ok(()));
        assert!(authorize(&ro, Action::CancelEvalRun, &open).is_err());
        assert_eq!(eval_run_scope(&labber), Scope::OwnOrg(lab));
        assert_eq!(eval_run_scope(&reviewer), Scope::AssignedTo(agency));
        assert_eq!(
            eval_run_scope(&actor(Role::Designator, OrgId::random())),
            Scope::Nothing
        );
    }

    #[test]
    fn no_human_decrypts_credentials_and_read_only_tokens_cannot_mutate() {
        for role in Role::ALL {
            for rel in Relation::ALL {
                assert!(!allows(*role, Action::DecryptCredential, *rel));
            }
        }
        let lab = OrgId::random();
        let mut a = actor(Role::LabAdmin, lab);
        a.read_only = true;
        assert!(authorize(&a, Action::ReadModel, &Resource::OwnedBy(lab)).is_ok());
        assert!(authorize(&a, Action::CreateModel, &Resource::OwnedBy(lab)).is_err());
    }
}
