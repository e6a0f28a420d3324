//! The evaluation harness's one integration-test binary.
mod export;
mod provider;
mod runlog;
mod runner;
mod sandbox;
mod scorer;
mod solver;
mod stats;
mod suite;
mod task;

/// What a test that needs a sandbox does when making one failed with
/// `error`: where bubblewrap is missing or unusable it prints why and
/// returns `Ok(())` — skip — unless `BULWARK_REQUIRE_SANDBOX=1` (CI), where
/// that is an error; every other error is returned as it is.
pub(crate) fn skip_without_bwrap(
    error: bulwark_eval::sandbox::SandboxError,
    test: &str,
) -> anyhow::Result<()> {
    use bulwark_eval::sandbox::SandboxError;
    match error {
        SandboxError::BwrapMissing { .. }
        | SandboxError::BwrapUnusable { .. }
        | SandboxError::PrlimitMissing { .. } => {
            if std::env::var("BULWARK_REQUIRE_SANDBOX").as_deref() == Ok("1") {
                anyhow::bail!(
                    "BULWARK_REQUIRE_SANDBOX=1, but bubblewrap is not usable here: {error}"
                );
            }
            eprintln!("skipping {test}: bubblewrap is not usable here ({error})");
            Ok(())
        }
        other => Err(anyhow::Error::new(other).context("creating the sandbox")),
    }
}

/// Whether bubblewrap can build sandboxes here (see [`skip_without_bwrap`]).
pub(crate) async fn sandbox_usable(test: &str) -> anyhow::Result<bool> {
    use bulwark_eval::sandbox::{Sandbox, SandboxConfig};
    match Sandbox::new(SandboxConfig::default()).await {
        Ok(_) => Ok(true),
        Err(error) => skip_without_bwrap(error, test).map(|()| false),
    }
}
