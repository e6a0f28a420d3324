//! A forward-only reader over the bytes of a version string, shared by the
//! hand-written parsers (no regular expressions, no allocation).

use super::span::Span;

/// Reads `bytes` from `pos` on; every method leaves `pos` unchanged when it
/// does not match.
pub(crate) struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `text`.
    pub(crate) fn new(text: &'a str) -> Cursor<'a> {
        Cursor {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    /// The whole text being read.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// The current offset.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Moves back to an offset returned by [`pos`](Self::pos).
    pub(crate) fn reset(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// Whether every byte has been read.
    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// The next byte, if any.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The byte after the next one, if any.
    pub(crate) fn peek_second(&self) -> Option<u8> {
        self.bytes.get(self.pos + 1).copied()
    }

    /// Consumes `byte` if it is next.
    pub(crate) fn eat(&mut self, byte: u8) -> bool {
        self.eat_if(|b| b == byte)
    }

    /// Consumes the next byte if `pred` accepts it.
    pub(crate) fn eat_if(&mut self, pred: impl Fn(u8) -> bool) -> bool {
        match self.peek() {
            Some(b) if pred(b) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    /// Consumes `word` if it comes next, ignoring ASCII case.
    pub(crate) fn eat_word_ignore_case(&mut self, word: &str) -> bool {
        let end = self.pos + word.len();
        match self.bytes.get(self.pos..end) {
            Some(next) if next.eq_ignore_ascii_case(word.as_bytes()) => {
                self.pos = end;
                true
            }
            _ => false,
        }
    }

    /// Consumes the longest run of bytes `pred` accepts (possibly empty).
    pub(crate) fn eat_while(&mut self, pred: impl Fn(u8) -> bool) -> Span {
        let start = self.pos;
        while self.eat_if(&pred) {}
        Span::new(start, self.pos)
    }

    /// Consumes a run of ASCII digits (possibly empty).
    pub(crate) fn eat_digits(&mut self) -> Span {
        self.eat_while(|b| b.is_ascii_digit())
    }
}
