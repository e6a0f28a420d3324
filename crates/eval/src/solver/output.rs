//! What the model reads after a command: stdout, stderr and how the command
//! ended ([`format_exec_output`]), cut to a bound by keeping its head and
//! tail ([`truncate_middle`]).

use std::fmt::Write as _;

use crate::sandbox::ExecOutcome;

/// Room kept for the "characters omitted" marker inside the bound.
const MARKER_ROOM: usize = 64;

/// The text of a finished command for the model: its stdout, its stderr
/// after a `[stderr]` line, and a last line saying how it ended
/// (`[exit status 0]`, `[killed by signal 9]`, a timeout, too much output).
pub fn format_exec_output(outcome: &ExecOutcome) -> String {
    let mut text = String::with_capacity(outcome.stdout.len() + outcome.stderr.len() + 48);
    text.push_str(&outcome.stdout);
    if !outcome.stderr.is_empty() {
        end_line(&mut text);
        text.push_str("[stderr]\n");
        text.push_str(&outcome.stderr);
    }
    end_line(&mut text);
    if outcome.timed_out {
        let _ = write!(
            text,
            "[killed after {:.1} s: the command ran past the sandbox's time limit]",
            outcome.duration.as_secs_f64()
        );
    } else if outcome.output_limit_exceeded {
        text.push_str("[killed: the command wrote too much output]");
    } else if let Some(code) = outcome.exit_code {
        let _ = write!(text, "[exit status {code}]");
    } else if let Some(signal) = outcome.signal {
        let _ = write!(text, "[killed by signal {signal}]");
    } else {
        text.push_str("[ended with an unknown status]");
    }
    text
}

/// Starts a new line unless `text` is empty or already ends one.
fn end_line(text: &mut String) {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
}

/// `text` cut to at most `max_chars` characters by keeping its head and
/// tail around a `[... N characters omitted ...]` marker; whether it was
/// cut. Short text is returned as it is, without copying.
pub fn truncate_middle(text: String, max_chars: usize) -> (String, bool) {
    // A character is at least one byte: short in bytes is short enough.
    if text.len() <= max_chars {
        return (text, false);
    }
    let total = text.chars().count();
    if total <= max_chars {
        return (text, false);
    }
    let keep = max_chars.saturating_sub(MARKER_ROOM);
    let head_chars = keep / 2;
    let tail_chars = keep - head_chars;
    let head_end = byte_offset(&text, head_chars);
    let tail_start = byte_offset(&text, total - tail_chars);
    let omitted = total - head_chars - tail_chars;
    let mut cut = String::with_capacity(head_end + (text.len() - tail_start) + MARKER_ROOM);
    cut.push_str(&text[..head_end]);
    let _ = write!(cut, "\n[... {omitted} characters omitted ...]\n");
    cut.push_str(&text[tail_start..]);
    (cut, true)
}

/// The byte offset of character number `chars` of `text`.
fn byte_offset(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(offset, _)| offset)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn outcome(stdout: &str, stderr: &str, exit_code: Option<i32>) -> ExecOutcome {
        ExecOutcome {
            exit_code,
            signal: None,
            stdout: stdout.into(),
            stderr: stderr.into(),
            truncated: false,
            timed_out: false,
            output_limit_exceeded: false,
            duration: Duration::from_millis(1500),
        }
    }

    #[test]
    fn stdout_stderr_and_status_are_shown() {
        assert_eq!(
            format_exec_output(&outcome("hi\n", "", Some(0))),
            "hi\n[exit status 0]"
        );
        assert_eq!(
            format_exec_output(&outcome("out", "bad\n", Some(2))),
            "out\n[stderr]\nbad\n[exit status 2]"
        );
        assert_eq!(
            format_exec_output(&outcome("", "", Some(0))),
            "[exit status 0]"
        );
        let killed = ExecOutcome {
            signal: Some(9),
            ..outcome("", "", None)
        };
        assert_eq!(format_exec_output(&killed), "[killed by signal 9]");
        let slow = ExecOutcome {
            timed_out: true,
            signal: Some(9),
            ..outcome("partial\n", "", None)
        };
        assert_eq!(
            format_exec_output(&slow),
            "partial\n[killed after 1.5 s: the command ran past the sandbox's time limit]"
        );
        let loud = ExecOutcome {
            output_limit_exceeded: true,
            ..outcome("", "", None)
        };
        assert!(format_exec_output(&loud).contains("too much output"));
    }

    #[test]
    fn long_text_keeps_head_and_tail_within_the_bound() {
        let text = format!("{}{}{}", "h".repeat(500), "m".repeat(2000), "t".repeat(500));
        let (cut, truncated) = truncate_middle(text, 1000);
        assert!(truncated);
        assert!(cut.chars().count() <= 1000, "{}", cut.chars().count());
        assert!(cut.starts_with(&"h".repeat(400)));
        assert!(cut.ends_with(&"t".repeat(400)));
        assert!(cut.contains("characters omitted"));
        assert!(!cut.contains("mm"), "{cut}");
    }

    #[test]
    fn multibyte_text_is_cut_on_character_boundaries() {
        let text = "é".repeat(600);
        let (same, truncated) = truncate_middle(text.clone(), 600);
        assert!(!truncated);
        assert_eq!(same, text);
        let (cut, truncated) = truncate_middle(text, 200);
        assert!(truncated);
        assert!(cut.chars().count() <= 200);
        assert!(cut.contains("[... 464 characters omitted ...]"), "{cut}");
    }
}
