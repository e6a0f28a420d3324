//! PEP 440 versions as the `packaging` library reads and orders them:
//! `[v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, with the spellings
//! PEP 440 normalises (`alpha`, `c`, `pre`, `preview`, `rev`, `r`, `-N`
//! post-releases, optional separators and numbers, any letter case).

use std::cmp::Ordering;

use super::cursor::Cursor;
use super::numeric::{compare_digits, is_all_digits};
use super::span::Span;

/// Pre-release kinds, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PreKind {
    Alpha,
    Beta,
    Rc,
}

/// Spellings of the pre-release kinds, longest first where one is a prefix
/// of another.
const PRE_SPELLINGS: [(&str, PreKind); 8] = [
    ("alpha", PreKind::Alpha),
    ("a", PreKind::Alpha),
    ("beta", PreKind::Beta),
    ("b", PreKind::Beta),
    ("preview", PreKind::Rc),
    ("pre", PreKind::Rc),
    ("c", PreKind::Rc),
    ("rc", PreKind::Rc),
];

/// A parsed PEP 440 version: spans into its text (an empty number span
/// means the implicit 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pep440Parts {
    epoch: Span,
    release: Span,
    pre: Option<(PreKind, Span)>,
    post: Option<Span>,
    dev: Option<Span>,
    local: Option<Span>,
}

/// Parses a PEP 440 version (surrounding whitespace already trimmed).
pub(crate) fn parse(text: &str) -> Result<Pep440Parts, &'static str> {
    let mut cur = Cursor::new(text);
    cur.eat_if(|b| b == b'v' || b == b'V');
    let epoch = parse_epoch(&mut cur);
    let release = parse_release(&mut cur)?;
    let pre = parse_pre(&mut cur);
    let post = parse_post(&mut cur);
    let dev = parse_dev(&mut cur);
    let local = parse_local(&mut cur)?;
    if !cur.at_end() {
        return Err("unexpected text after the version (expected [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local])");
    }
    Ok(Pep440Parts {
        epoch,
        release,
        pre,
        post,
        dev,
        local,
    })
}

fn is_separator(b: u8) -> bool {
    matches!(b, b'.' | b'_' | b'-')
}

fn parse_epoch(cur: &mut Cursor<'_>) -> Span {
    let start = cur.pos();
    let digits = cur.eat_digits();
    if !digits.is_empty() && cur.eat(b'!') {
        return digits;
    }
    cur.reset(start);
    Span::default()
}

fn parse_release(cur: &mut Cursor<'_>) -> Result<Span, &'static str> {
    let start = cur.pos();
    if cur.eat_digits().is_empty() {
        return Err("expected a release number");
    }
    while cur.peek() == Some(b'.') && cur.peek_second().is_some_and(|b| b.is_ascii_digit()) {
        cur.eat(b'.');
        cur.eat_digits();
    }
    Ok(Span::new(start, cur.pos()))
}

fn parse_pre(cur: &mut Cursor<'_>) -> Option<(PreKind, Span)> {
    let start = cur.pos();
    cur.eat_if(is_separator);
    let found = PRE_SPELLINGS
        .iter()
        .find(|(word, _)| cur.eat_word_ignore_case(word));
    match found {
        Some(&(_, kind)) => {
            cur.eat_if(is_separator);
            Some((kind, cur.eat_digits()))
        }
        None => {
            cur.reset(start);
            None
        }
    }
}

fn parse_post(cur: &mut Cursor<'_>) -> Option<Span> {
    // `1.0-1` is the implicit post-release spelling.
    if cur.peek() == Some(b'-') && cur.peek_second().is_some_and(|b| b.is_ascii_digit()) {
        cur.eat(b'-');
        return Some(cur.eat_digits());
    }
    let start = cur.pos();
    cur.eat_if(is_separator);
    if ["post", "rev", "r"]
        .iter()
        .any(|w| cur.eat_word_ignore_case(w))
    {
        cur.eat_if(is_separator);
        return Some(cur.eat_digits());
    }
    cur.reset(start);
    None
}

fn parse_dev(cur: &mut Cursor<'_>) -> Option<Span> {
    let start = cur.pos();
    cur.eat_if(is_separator);
    if cur.eat_word_ignore_case("dev") {
        cur.eat_if(is_separator);
        return Some(cur.eat_digits());
    }
    cur.reset(start);
    None
}

fn parse_local(cur: &mut Cursor<'_>) -> Result<Option<Span>, &'static str> {
    if !cur.eat(b'+') {
        return Ok(None);
    }
    let start = cur.pos();
    if cur.eat_while(|b| b.is_ascii_alphanumeric()).is_empty() {
        return Err("empty local version label");
    }
    while cur.peek().is_some_and(is_separator)
        && cur.peek_second().is_some_and(|b| b.is_ascii_alphanumeric())
    {
        cur.eat_if(is_separator);
        cur.eat_while(|b| b.is_ascii_alphanumeric());
    }
    Ok(Some(Span::new(start, cur.pos())))
}

/// PEP 440 order of two parsed versions.
pub(crate) fn compare(a_text: &str, a: &Pep440Parts, b_text: &str, b: &Pep440Parts) -> Ordering {
    compare_digits(a.epoch.bytes(a_text), b.epoch.bytes(b_text))
        .then_with(|| compare_release(a.release.bytes(a_text), b.release.bytes(b_text)))
        .then_with(|| compare_suffix(a_text, a, b_text, b))
        .then_with(|| {
            compare_local(
                a.local.map(|s| s.bytes(a_text)),
                b.local.map(|s| s.bytes(b_text)),
            )
        })
}

/// Release segments compare numerically, the shorter padded with zeros
/// (`1.0 == 1.0.0`).
fn compare_release(a: &[u8], b: &[u8]) -> Ordering {
    let mut left = a.split(|&c| c == b'.');
    let mut right = b.split(|&c| c == b'.');
    loop {
        let (x, y) = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (x, y) => (x.unwrap_or_default(), y.unwrap_or_default()),
        };
        let order = compare_digits(x, y);
        if order != Ordering::Equal {
            return order;
        }
    }
}

/// Where the pre-release puts a version: a dev-only release before every
/// pre-release, a final (or post-only) release after them.
fn pre_rank(p: &Pep440Parts) -> i8 {
    match (p.pre, p.post, p.dev) {
        (Some((kind, _)), _, _) => kind as i8,
        (None, None, Some(_)) => -1,
        (None, _, _) => 3,
    }
}

fn compare_suffix(a_text: &str, a: &Pep440Parts, b_text: &str, b: &Pep440Parts) -> Ordering {
    let number = |part: Option<Span>, text| part.map_or(&[][..], |s: Span| s.bytes(text));
    pre_rank(a)
        .cmp(&pre_rank(b))
        .then_with(|| {
            let x = number(a.pre.map(|(_, n)| n), a_text);
            compare_digits(x, number(b.pre.map(|(_, n)| n), b_text))
        })
        // No post-release sorts before any post-release.
        .then_with(|| a.post.is_some().cmp(&b.post.is_some()))
        .then_with(|| compare_digits(number(a.post, a_text), number(b.post, b_text)))
        // A dev release sorts before the same version without one.
        .then_with(|| b.dev.is_some().cmp(&a.dev.is_some()))
        .then_with(|| compare_digits(number(a.dev, a_text), number(b.dev, b_text)))
}

/// No local label sorts first; labels compare segment by segment, numbers
/// numerically and after words, words case-insensitively, a shorter label
/// first when it is a prefix.
fn compare_local(a: Option<&[u8]>, b: Option<&[u8]>) -> Ordering {
    let (a, b) = match (a, b) {
        (None, None) => return Ordering::Equal,
        (None, Some(_)) => return Ordering::Less,
        (Some(_), None) => return Ordering::Greater,
        (Some(a), Some(b)) => (a, b),
    };
    let mut left = a.split(|&c| is_separator(c));
    let mut right = b.split(|&c| is_separator(c));
    loop {
        let order = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => compare_local_segment(x, y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
}

fn compare_local_segment(x: &[u8], y: &[u8]) -> Ordering {
    match (is_all_digits(x), is_all_digits(y)) {
        (true, true) => compare_digits(x, y),
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => x
            .iter()
            .map(u8::to_ascii_lowercase)
            .cmp(y.iter().map(u8::to_ascii_lowercase)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        match (parse(a), parse(b)) {
            (Ok(x), Ok(y)) => compare(a, &x, b, &y),
            other => panic!("{a} / {b}: {other:?}"),
        }
    }

    #[test]
    fn pep440_spec_ordering_example() {
        // PEP 440 "Summary of permitted suffixes and relative ordering".
        let ordered = [
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
        ];
        for pair in ordered.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
            assert_eq!(cmp(pair[1], pair[0]), Ordering::Greater, "{pair:?}");
        }
    }

    #[test]
    fn normalised_spellings_are_equal() {
        let equal = [
            ("1.0a1", "1.0.0a1"),
            ("1.0-post1", "1.0.post1"),
            ("1.0-1", "1.0.post1"),
            ("1.0post", "1.0.post0"),
            ("1.0.rev2", "1.0.post2"),
            ("1.0r2", "1.0.post2"),
            ("1.0alpha1", "1.0a1"),
            ("1.0-beta.2", "1.0b2"),
            ("1.0c1", "1.0rc1"),
            ("1.0pre1", "1.0rc1"),
            ("1.0preview_1", "1.0rc1"),
            ("1.0RC1", "1.0rc1"),
            ("1.0.dev", "1.0.dev0"),
            ("1.0-DEV-3", "1.0.dev3"),
            ("v1.0", "1.0"),
            ("0!1.0", "1.0"),
            ("1.0+Ubuntu-1", "1.0+ubuntu.1"),
            ("1.0+01", "1.0+1"),
            ("1.0a.", "1.0a0"),
        ];
        for (a, b) in equal {
            assert_eq!(cmp(a, b), Ordering::Equal, "{a} == {b}");
        }
        assert_eq!(cmp("1!1.0", "2.0"), Ordering::Greater);
        assert_eq!(cmp("1.0+abc", "1.0+abc.0"), Ordering::Less);
        assert_eq!(cmp("1.0.post1.dev1", "1.0.post1"), Ordering::Less);
        assert_eq!(cmp("1.0a1.post1", "1.0a2"), Ordering::Less);
    }

    #[test]
    fn invalid_versions_are_rejected() {
        for bad in [
            "",
            "1.0.",
            ".1",
            "1..0",
            "1.0+",
            "1.0+a..b",
            "1.0+abc.",
            "1.0a1a",
            "abc",
            "1.0-",
            "1.0 1",
            "1!",
            "!1",
            "1.0post1x",
            "1.0.devx",
            "vv1.0",
            "1.0-+a",
            "١.٠",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be invalid");
        }
    }
}
