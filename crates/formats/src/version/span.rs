//! Byte ranges into a version string, so parsed versions borrow nothing and
//! copy cheaply.

/// A byte range `start..end` into the (trimmed) version text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// The range `start..end`; callers only pass offsets below
    /// [`super::MAX_VERSION_LEN`], so the narrowing never truncates.
    pub(crate) fn new(start: usize, end: usize) -> Span {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// Whether the range is empty (an absent part).
    pub(crate) fn is_empty(self) -> bool {
        self.start >= self.end
    }

    /// The bytes of `text` in this range (empty when out of bounds).
    pub(crate) fn bytes(self, text: &str) -> &[u8] {
        text.as_bytes()
            .get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
}
