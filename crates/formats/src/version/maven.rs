//! Maven versions, ordered as Maven's `ComparableVersion` does.
//!
//! The text (case-insensitive) splits into items at `.`, at `-` (which also
//! opens a nested list) and where digits and letters meet (which also opens
//! a nested list). Items are numbers, qualifiers or lists; trailing "null"
//! items (`0`, the release qualifier, empty lists) are dropped. Qualifiers
//! order `alpha` < `beta` < `milestone` < `rc` = `cr` < `snapshot` < `` =
//! `ga` = `final` = `release` < `sp` < any other word (alphabetically);
//! `a1`, `b1`, `m1` mean `alpha-1`, `beta-1`, `milestone-1`. A number is
//! newer than a list, which is newer than a qualifier.
//!
//! This is the classic algorithm (Maven 3.x up to 3.6, and univers); later
//! Maven releases read a trailing `.qualifier` as `-qualifier` (3.8) and
//! `-1` after a word as part of it (3.9). No release is transitive on every
//! spelling: a qualifier after a dot breaks it (`1.jre < 1alpha1 < 1 <
//! 1.jre`, in Maven 3.8.7 as here), so Maven keys must not be sorted with
//! such versions among them.

use std::cmp::Ordering;

use super::numeric::{compare_digits, is_zero};
use super::span::Span;

/// The rank of the release qualifier (the empty string, `ga`, `final`,
/// `release`): what a missing item compares as.
const RELEASE_RANK: u8 = 5;

/// Known qualifiers and their ranks.
const QUALIFIERS: [(&str, u8); 10] = [
    ("alpha", 0),
    ("beta", 1),
    ("milestone", 2),
    ("rc", 3),
    ("cr", 3),
    ("snapshot", 4),
    ("ga", RELEASE_RANK),
    ("final", RELEASE_RANK),
    ("release", RELEASE_RANK),
    ("sp", 6),
];

/// A qualifier: a known one by rank, or any other word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Qualifier {
    Known(u8),
    Other(Span),
}

/// One item of a parsed version.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// A number (an empty span is 0).
    Number(Span),
    /// A word.
    Qualifier(Qualifier),
    /// A nested list (after `-` or a digit/letter change).
    List(Vec<Item>),
}

/// A parsed Maven version: its normalised item list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MavenParts {
    items: Vec<Item>,
}

/// Parses a Maven version. Maven accepts any text; empty text and
/// whitespace or control characters are refused here.
pub(crate) fn parse(text: &str) -> Result<MavenParts, &'static str> {
    if text.is_empty() {
        return Err("empty version");
    }
    if text
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err("whitespace or control characters");
    }
    let levels = split_levels(text);
    Ok(MavenParts {
        items: normalise(text, levels),
    })
}

/// Splits the text into its chain of lists: each level's implicit last item
/// is the next level.
fn split_levels(text: &str) -> Vec<Vec<Item>> {
    let mut levels: Vec<Vec<Item>> = vec![Vec::new()];
    let push = |levels: &mut Vec<Vec<Item>>, item: Item| {
        if let Some(level) = levels.last_mut() {
            level.push(item);
        }
    };
    let (mut start, mut is_digit) = (0, false);
    for (i, c) in text.bytes().enumerate() {
        if c == b'.' || c == b'-' {
            let item = if i == start {
                Item::Number(Span::default())
            } else {
                word_or_number(text, Span::new(start, i), is_digit, false)
            };
            push(&mut levels, item);
            start = i + 1;
            if c == b'-' {
                levels.push(Vec::new());
            }
        } else if c.is_ascii_digit() != is_digit {
            if i > start {
                // A digit/letter change ends an item and opens a list.
                let item = word_or_number(text, Span::new(start, i), is_digit, !is_digit);
                push(&mut levels, item);
                start = i;
                levels.push(Vec::new());
            }
            is_digit = c.is_ascii_digit();
        }
    }
    if text.len() > start {
        let item = word_or_number(text, Span::new(start, text.len()), is_digit, false);
        push(&mut levels, item);
    }
    levels
}

fn word_or_number(text: &str, span: Span, is_digit: bool, followed_by_digit: bool) -> Item {
    if is_digit {
        return Item::Number(span);
    }
    let word = span.bytes(text);
    if followed_by_digit && word.len() == 1 {
        match word.first().map(u8::to_ascii_lowercase) {
            Some(b'a') => return Item::Qualifier(Qualifier::Known(0)),
            Some(b'b') => return Item::Qualifier(Qualifier::Known(1)),
            Some(b'm') => return Item::Qualifier(Qualifier::Known(2)),
            _ => {}
        }
    }
    let known = QUALIFIERS
        .iter()
        .find(|(name, _)| name.as_bytes().eq_ignore_ascii_case(word));
    Item::Qualifier(known.map_or(Qualifier::Other(span), |&(_, rank)| Qualifier::Known(rank)))
}

/// Drops trailing null items level by level, innermost first, nesting each
/// non-empty level into its parent (Maven's `ListItem.normalize`).
fn normalise(text: &str, mut levels: Vec<Vec<Item>>) -> Vec<Item> {
    let mut child: Vec<Item> = Vec::new();
    while let Some(mut level) = levels.pop() {
        while level.last().is_some_and(|item| is_null(text, item)) {
            level.pop();
        }
        if !child.is_empty() {
            level.push(Item::List(child));
        }
        child = level;
    }
    child
}

fn is_null(text: &str, item: &Item) -> bool {
    match item {
        Item::Number(span) => is_zero(span.bytes(text)),
        Item::Qualifier(q) => *q == Qualifier::Known(RELEASE_RANK),
        Item::List(items) => items.is_empty(),
    }
}

/// `ComparableVersion` order of two parsed versions.
pub(crate) fn compare(a_text: &str, a: &MavenParts, b_text: &str, b: &MavenParts) -> Ordering {
    compare_lists(a_text, &a.items, b_text, &b.items)
}

fn compare_lists(a_text: &str, a: &[Item], b_text: &str, b: &[Item]) -> Ordering {
    for k in 0..a.len().max(b.len()) {
        let order = match (a.get(k), b.get(k)) {
            (Some(x), y) => compare_item(a_text, x, b_text, y),
            (None, Some(y)) => compare_item(b_text, y, a_text, None).reverse(),
            (None, None) => Ordering::Equal,
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

/// Compares an item with another or with a missing one (`None`).
fn compare_item(a_text: &str, a: &Item, b_text: &str, b: Option<&Item>) -> Ordering {
    let release = Qualifier::Known(RELEASE_RANK);
    match (a, b) {
        (Item::Number(x), None) => match is_zero(x.bytes(a_text)) {
            true => Ordering::Equal,
            false => Ordering::Greater,
        },
        (Item::Number(x), Some(Item::Number(y))) => {
            compare_digits(x.bytes(a_text), y.bytes(b_text))
        }
        (Item::Number(_), Some(_)) => Ordering::Greater,
        (Item::Qualifier(q), None) => compare_qualifiers(a_text, q, b_text, &release),
        (Item::Qualifier(q), Some(Item::Qualifier(r))) => compare_qualifiers(a_text, q, b_text, r),
        (Item::Qualifier(_), Some(_)) => Ordering::Less,
        (Item::List(items), None) => items.first().map_or(Ordering::Equal, |first| {
            compare_item(a_text, first, b_text, None)
        }),
        (Item::List(_), Some(Item::Number(_))) => Ordering::Less,
        (Item::List(_), Some(Item::Qualifier(_))) => Ordering::Greater,
        (Item::List(x), Some(Item::List(y))) => compare_lists(a_text, x, b_text, y),
    }
}

fn compare_qualifiers(a_text: &str, a: &Qualifier, b_text: &str, b: &Qualifier) -> Ordering {
    match (a, b) {
        (Qualifier::Known(x), Qualifier::Known(y)) => x.cmp(y),
        (Qualifier::Known(_), Qualifier::Other(_)) => Ordering::Less,
        (Qualifier::Other(_), Qualifier::Known(_)) => Ordering::Greater,
        (Qualifier::Other(x), Qualifier::Other(y)) => {
            let left = x.bytes(a_text).iter().map(u8::to_ascii_lowercase);
            left.cmp(y.bytes(b_text).iter().map(u8::to_ascii_lowercase))
        }
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

    fn assert_increasing(ordered: &[&str]) {
        for (i, a) in ordered.iter().enumerate() {
            for b in &ordered[i + 1..] {
                assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
                assert_eq!(cmp(b, a), Ordering::Greater, "{b} > {a}");
            }
        }
    }

    #[test]
    fn comparable_version_test_qualifier_order() {
        // Maven's ComparableVersionTest.VERSIONS_QUALIFIER.
        assert_increasing(&[
            "1-alpha2snapshot",
            "1-alpha2",
            "1-alpha-123",
            "1-beta-2",
            "1-beta123",
            "1-m2",
            "1-m11",
            "1-rc",
            "1-cr2",
            "1-rc123",
            "1-SNAPSHOT",
            "1",
            "1-sp",
            "1-sp2",
            "1-sp123",
            "1-abc",
            "1-def",
            "1-pom-1",
            "1-1-snapshot",
            "1-1",
            "1-2",
            "1-123",
        ]);
    }

    #[test]
    fn comparable_version_test_number_order() {
        // Maven's ComparableVersionTest.VERSIONS_NUMBER.
        assert_increasing(&[
            "2.0", "2-1", "2.0.a", "2.0.0.a", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b",
            "2.1-c", "2.1-1", "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11",
            "11.m2", "11.m11", "11", "11.a", "11b", "11c", "11m",
        ]);
    }

    #[test]
    fn comparable_version_test_equalities() {
        let equal = [
            ("1", "1.0"),
            ("1", "1.0.0"),
            ("1.0", "1.0.0"),
            ("1", "1-0"),
            ("1", "1.0-0"),
            ("1.0", "1.0-0"),
            ("1a", "1-a"),
            ("1a", "1.0-a"),
            ("1a", "1.0.0-a"),
            ("1.0a", "1-a"),
            ("1.0.0a", "1-a"),
            ("1x", "1-x"),
            ("1x", "1.0-x"),
            ("1x", "1.0.0-x"),
            ("1.0x", "1-x"),
            ("1.0.0x", "1-x"),
            ("1ga", "1"),
            ("1release", "1"),
            ("1final", "1"),
            ("1cr", "1rc"),
            ("1a1", "1-alpha-1"),
            ("1b2", "1-beta-2"),
            ("1m3", "1-milestone-3"),
            ("1X", "1x"),
            ("1A", "1a"),
            ("1GA", "1"),
            ("1RELeaSE", "1"),
            ("1FinaL", "1"),
            ("1cR", "1rC"),
            ("1m3", "1MILESTONE3"),
            ("1.0-RELEASE", "1.0"),
            ("2.0.0.Final", "2.0.0"),
        ];
        for (a, b) in equal {
            assert_eq!(cmp(a, b), Ordering::Equal, "{a} == {b}");
        }
    }

    #[test]
    fn comparable_version_test_comparisons() {
        let ordered = [
            ("1", "2"),
            ("1.5", "2"),
            ("1", "2.5"),
            ("1.0", "1.1"),
            ("1.1", "1.2"),
            ("1.0.0", "1.1"),
            ("1.0.1", "1.1"),
            ("1.1", "1.2.0"),
            ("1.0-alpha-1", "1.0"),
            ("1.0-alpha-1", "1.0-alpha-2"),
            ("1.0-alpha-1", "1.0-beta-1"),
            ("1.0-beta-1", "1.0-SNAPSHOT"),
            ("1.0-SNAPSHOT", "1.0"),
            ("1.0-alpha-1-SNAPSHOT", "1.0-alpha-1"),
            ("1.0", "1.0-1"),
            ("1.0-1", "1.0-2"),
            ("1.0.0", "1.0-1"),
            ("2.0-1", "2.0.1"),
            ("2.0.1-klm", "2.0.1-lmn"),
            ("2.0.1", "2.0.1-xyz"),
            ("2.0.1", "2.0.1-123"),
            ("2.0.1-xyz", "2.0.1-123"),
            ("1.0-rc1", "1.0"),
            ("1.0", "1.0-sp1"),
            ("1.0-rc-1", "1.0.RC1"),
        ];
        for (a, b) in ordered {
            assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
            assert_eq!(cmp(b, a), Ordering::Greater, "{b} > {a}");
        }
    }

    #[test]
    fn a_qualifier_after_a_dot_breaks_transitivity_as_in_maven() {
        // maven-artifact 3.8.7 and univers answer the same three comparisons.
        assert_eq!(cmp("1.jre", "1alpha1"), Ordering::Less);
        assert_eq!(cmp("1alpha1", "1"), Ordering::Less);
        assert_eq!(cmp("1", "1.jre"), Ordering::Less);
    }

    #[test]
    fn long_numbers_and_bad_input() {
        assert_eq!(cmp("1.12345678901234567890", "1.9"), Ordering::Greater);
        assert!(parse("").is_err());
        assert!(parse("1.0 beta").is_err());
        assert!(parse("é").is_ok());
    }
}
