//! Scorers through the public API (issue 3, "Scoring and statistics"): each
//! pure scorer's correct, incorrect and edge cases with exact values, the
//! execution scorer in a real sandbox, and the model-graded scorer with a
//! scripted judge.

use std::time::Duration;

use anyhow::{bail, Result};
use bulwark_eval::provider::{ChatResponse, ProviderError, ScriptedProvider};
use bulwark_eval::sandbox::{Sandbox, SandboxConfig};
use bulwark_eval::scorer::{score_execution, score_model_graded, score_text, Score, ScorerError};
use bulwark_eval::task::{Sample, SampleId, ScorerSpec, Target};

fn sample(target: &[&str], choices: &[&str]) -> Result<Sample> {
    let mut sample = Sample::new(
        SampleId::parse("s1").map_err(anyhow::Error::msg)?,
        "What is the answer?",
    );
    sample.target = match target {
        [one] => Target::One((*one).to_owned()),
        many => Target::Many(many.iter().map(|t| (*t).to_owned()).collect()),
    };
    sample.choices = choices.iter().map(|c| (*c).to_owned()).collect();
    Ok(sample)
}

fn score(spec: &ScorerSpec, target: &[&str], choices: &[&str], output: &str) -> Result<Score> {
    Ok(score_text(spec, &sample(target, choices)?, output)?)
}

const FOUR: [&str; 4] = ["21", "22", "23", "25"];

#[test]
fn choice_reads_the_answer_line_case_insensitively() -> Result<()> {
    let s = score(&ScorerSpec::Choice, &["B"], &FOUR, "SSH is 22.\nANSWER: B")?;
    assert_eq!(s.value, 1.0);
    assert_eq!(s.answer.as_deref(), Some("B"));
    assert_eq!(s.explanation, "chose B; target B: correct");

    let s = score(&ScorerSpec::Choice, &["B"], &FOUR, "answer: b")?;
    assert_eq!(s.value, 1.0);

    let s = score(&ScorerSpec::Choice, &["B"], &FOUR, "ANSWER: C")?;
    assert_eq!(s.value, 0.0);
    assert_eq!(s.answer.as_deref(), Some("C"));
    assert_eq!(s.explanation, "chose C; target B: incorrect");
    Ok(())
}

#[test]
fn choice_without_an_answer_line_scores_zero_with_a_reason() -> Result<()> {
    let s = score(&ScorerSpec::Choice, &["B"], &FOUR, "I think it is 22 (B).")?;
    assert_eq!(s.value, 0.0);
    assert_eq!(s.answer, None);
    assert_eq!(
        s.explanation,
        "no `ANSWER: <letter>` in the output; target B"
    );
    // A letter past the choices is wrong, not an error.
    let s = score(&ScorerSpec::Choice, &["B"], &FOUR, "ANSWER: F")?;
    assert_eq!(s.value, 0.0);
    assert_eq!(s.explanation, "`F` is not one of the 4 choices; target B");
    Ok(())
}

#[test]
fn multi_answer_choice_needs_exactly_the_target_set() -> Result<()> {
    let target = ["A", "C"];
    let s = score(&ScorerSpec::Choice, &target, &FOUR, "ANSWER: C, A")?;
    assert_eq!((s.value, s.answer.as_deref()), (1.0, Some("A, C")));
    let s = score(&ScorerSpec::Choice, &target, &FOUR, "ANSWER: A")?;
    assert_eq!((s.value, s.answer.as_deref()), (0.0, Some("A")));
    let s = score(&ScorerSpec::Choice, &target, &FOUR, "ANSWER: A, C, D")?;
    assert_eq!((s.value, s.answer.as_deref()), (0.0, Some("A, C, D")));
    Ok(())
}

#[test]
fn choice_problems_of_the_task_are_errors() -> Result<()> {
    let err = score(&ScorerSpec::Choice, &["B"], &[], "ANSWER: B").err();
    assert!(
        matches!(
            err.as_ref().and_then(|e| e.downcast_ref()),
            Some(ScorerError::MissingChoices { .. })
        ),
        "{err:?}"
    );
    let err = score(&ScorerSpec::Choice, &["Z"], &FOUR, "ANSWER: B").err();
    assert!(
        matches!(
            err.as_ref().and_then(|e| e.downcast_ref()),
            Some(ScorerError::InvalidTarget { .. })
        ),
        "{err:?}"
    );
    Ok(())
}

#[test]
fn exact_trims_and_optionally_ignores_case() -> Result<()> {
    let exact = ScorerSpec::Exact { ignore_case: false };
    let s = score(&exact, &["Paris", "paris, france"], &[], "  Paris\n")?;
    assert_eq!((s.value, s.answer.as_deref()), (1.0, Some("Paris")));
    assert_eq!(score(&exact, &["Paris"], &[], "PARIS")?.value, 0.0);
    assert_eq!(score(&exact, &["Paris"], &[], "Paris!")?.value, 0.0);
    let loose = ScorerSpec::Exact { ignore_case: true };
    assert_eq!(score(&loose, &["Paris"], &[], "PARIS")?.value, 1.0);
    let s = score(&exact, &["Paris"], &[], "Lyon")?;
    assert_eq!(s.explanation, "`Lyon` equals none of the targets `Paris`");
    Ok(())
}

#[test]
fn includes_finds_flags() -> Result<()> {
    let flags = ScorerSpec::Includes { ignore_case: false };
    let s = score(&flags, &["flag{x0r}"], &[], "the flag is flag{x0r}.")?;
    assert_eq!((s.value, s.answer.as_deref()), (1.0, Some("flag{x0r}")));
    let s = score(&flags, &["flag{x0r}"], &[], "FLAG{X0R}")?;
    assert_eq!((s.value, s.answer), (0.0, None));
    assert_eq!(
        s.explanation,
        "the output contains none of the targets `flag{x0r}`"
    );
    let loose = ScorerSpec::Includes { ignore_case: true };
    assert_eq!(score(&loose, &["flag{x0r}"], &[], "FLAG{X0R}")?.value, 1.0);
    // Several targets: any one counts.
    assert_eq!(score(&flags, &["a{1}", "b{2}"], &[], "b{2}")?.value, 1.0);
    // No target is an error of the task.
    assert!(score(&flags, &[], &[], "flag{x0r}").is_err());
    Ok(())
}

#[test]
fn regex_uses_the_first_group_as_the_answer() -> Result<()> {
    let spec = ScorerSpec::Regex {
        pattern: r"port (\d+)".into(),
        ignore_case: false,
    };
    let s = score(&spec, &["22"], &[], "maybe port 21, no: port 22")?;
    assert_eq!((s.value, s.answer.as_deref()), (1.0, Some("22")));
    let s = score(&spec, &["22"], &[], "port 80")?;
    assert_eq!((s.value, s.answer.as_deref()), (0.0, Some("80")));
    assert_eq!(
        s.explanation,
        "the pattern matches, but `80` equals none of the targets `22`"
    );
    let s = score(&spec, &["22"], &[], "no idea")?;
    assert_eq!((s.value, s.answer), (0.0, None));
    // Without targets a match is enough; without a group the whole match is
    // the answer.
    let spec = ScorerSpec::Regex {
        pattern: r"flag\{[a-z]+\}".into(),
        ignore_case: true,
    };
    let s = score(&spec, &[], &[], "got FLAG{abc}!")?;
    assert_eq!((s.value, s.answer.as_deref()), (1.0, Some("FLAG{abc}")));
    Ok(())
}

#[test]
fn numeric_compares_the_last_number_within_tolerance() -> Result<()> {
    let abs = ScorerSpec::Numeric {
        tolerance: 0.01,
        relative: false,
    };
    let s = score(&abs, &["3.14"], &[], "First 2, then pi is about 3.145")?;
    assert_eq!((s.value, s.answer.as_deref()), (1.0, Some("3.145")));
    let s = score(&abs, &["3.14"], &[], "3.2")?;
    assert_eq!(s.value, 0.0);
    assert_eq!(s.explanation, "3.2 is not within tolerance 0.01 of `3.14`");

    let rel = ScorerSpec::Numeric {
        tolerance: 0.1,
        relative: true,
    };
    assert_eq!(score(&rel, &["1,000"], &[], "1,099 bytes")?.value, 1.0);
    assert_eq!(score(&rel, &["1000"], &[], "1101")?.value, 0.0);
    assert_eq!(score(&rel, &["-50"], &[], "-45")?.value, 1.0);

    let exact = ScorerSpec::Numeric {
        tolerance: 0.0,
        relative: false,
    };
    assert_eq!(score(&exact, &["42"], &[], "The answer is 42.")?.value, 1.0);
    let s = score(&exact, &["42"], &[], "forty-two")?;
    assert_eq!(
        (s.value, s.answer, s.explanation.as_str()),
        (0.0, None, "no number in the output")
    );
    let err = score(&exact, &["forty-two"], &[], "42").err();
    assert!(
        matches!(
            err.as_ref().and_then(|e| e.downcast_ref()),
            Some(ScorerError::InvalidTarget { .. })
        ),
        "{err:?}"
    );
    Ok(())
}

#[test]
fn execution_and_model_graded_need_context() -> Result<()> {
    let spec = ScorerSpec::Execution {
        check: "true".into(),
        timeout_seconds: 5,
    };
    let err = score(&spec, &[], &[], "x").err();
    assert!(matches!(
        err.as_ref().and_then(|e| e.downcast_ref()),
        Some(ScorerError::NeedsContext { .. })
    ));
    Ok(())
}

/// A sandbox, or `None` (after printing why) where bubblewrap is unusable
/// and `BULWARK_REQUIRE_SANDBOX` is not `1`.
async fn sandbox() -> Result<Option<Sandbox>> {
    match Sandbox::new(SandboxConfig::default()).await {
        Ok(sandbox) => Ok(Some(sandbox)),
        Err(error) => crate::skip_without_bwrap(error, "scorer sandbox test").map(|()| None),
    }
}

#[tokio::test]
async fn execution_checks_run_in_the_sandbox() -> Result<()> {
    let Some(sandbox) = sandbox().await? else {
        return Ok(());
    };
    let timeout = Duration::from_secs(10);
    let check = r#"read a; [ "$a" = "flag{ok}" ]"#;
    let s = score_execution(check, timeout, &sandbox, "flag{ok}", "s1").await?;
    assert_eq!(s.value, 1.0, "{s:?}");
    assert_eq!(s.answer.as_deref(), Some("flag{ok}"));
    assert_eq!(s.explanation, "the check passed (exit status 0)");

    let s = score_execution(check, timeout, &sandbox, "flag{no}", "s1").await?;
    assert_eq!(s.value, 0.0);
    assert_eq!(s.explanation, "the check failed (exit status 1)");

    // The file and the environment carry the answer too.
    let check =
        r#"[ "$(cat /work/.bulwark_answer)" = "flag{ok}" ] && [ "$BULWARK_ANSWER" = "flag{ok}" ]"#;
    let s = score_execution(check, timeout, &sandbox, "flag{ok}", "s1").await?;
    assert_eq!(s.value, 1.0, "{s:?}");

    // The stderr tail explains a failure; a slow check times out.
    let s = score_execution("echo 'bad flag' >&2; exit 3", timeout, &sandbox, "x", "s1").await?;
    assert_eq!(
        s.explanation,
        "the check failed (exit status 3); stderr: bad flag"
    );
    let s = score_execution("sleep 30", Duration::from_secs(1), &sandbox, "x", "s1").await?;
    assert_eq!(s.value, 0.0);
    assert_eq!(s.explanation, "the check timed out (limit 1 s)");
    Ok(())
}

#[tokio::test]
async fn model_graded_reads_the_judges_grade() -> Result<()> {
    let judge = ScriptedProvider::new([
        ChatResponse::text("The answer matches.\nGRADE: C"),
        ChatResponse::text("Half right.\nGRADE: P"),
        ChatResponse::text("I cannot decide."),
    ]);
    let mut sample = sample(&["4"], &[])?;
    sample.input = bulwark_eval::task::Input::Text("What is 2+2?".into());
    let prompt =
        "Question: {input}\nAnswer: {answer}\nCriterion: {target}\nEnd with GRADE: C, P or I.";

    let s = score_model_graded(prompt, &judge, &sample, "4").await?;
    assert_eq!((s.value, s.answer.as_deref()), (1.0, Some("C")));
    let s = score_model_graded(prompt, &judge, &sample, "4ish").await?;
    assert_eq!((s.value, s.answer.as_deref()), (0.5, Some("P")));
    let err = score_model_graded(prompt, &judge, &sample, "5").await.err();
    match err {
        Some(ScorerError::UnparseableJudgement { head }) => assert_eq!(head, "I cannot decide."),
        other => bail!("expected an unparseable judgement, got {other:?}"),
    }

    let requests = judge.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        requests[0].messages[0].text(),
        "Question: What is 2+2?\nAnswer: 4\nCriterion: 4\nEnd with GRADE: C, P or I."
    );

    // A provider failure is an error, not a score.
    let failing = ScriptedProvider::from_results([Err(ProviderError::Script {
        message: "down".into(),
    })]);
    let err = score_model_graded(prompt, &failing, &sample, "4")
        .await
        .err();
    assert!(matches!(err, Some(ScorerError::Provider { .. })), "{err:?}");
    Ok(())
}
