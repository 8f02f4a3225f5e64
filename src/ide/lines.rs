//! Positions as the Language Server Protocol counts them: lines from zero,
//! characters in UTF-16 code units (so `Société` and `株式会社` land on the
//! right characters), to and from byte offsets into the text.

/// Where each line of a text starts.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        for (at, byte) in bytes.iter().enumerate() {
            // `\r\n` is one break, at the `\n`; a lone `\r` is one too.
            let breaks = *byte == b'\n'
                || (*byte == b'\r' && bytes.get(at.saturating_add(1)) != Some(&b'\n'));
            if breaks {
                starts.push(at.saturating_add(1));
            }
        }
        LineIndex { starts }
    }

    /// The line (from zero) and UTF-16 character of byte `offset`.
    pub fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self
            .starts
            .partition_point(|start| *start <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character: usize = text
            .get(start..offset)
            .unwrap_or_default()
            .chars()
            .map(char::len_utf16)
            .sum();
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(character).unwrap_or(u32::MAX),
        )
    }

    /// The byte offset of `line` and UTF-16 `character`, clamped to the
    /// line's end (and to the text's).
    pub fn offset(&self, text: &str, line: u32, character: u32) -> usize {
        let Some(start) = self.starts.get(line as usize).copied() else {
            return text.len();
        };
        let end = self
            .starts
            .get((line as usize).saturating_add(1))
            .copied()
            .unwrap_or(text.len());
        let mut units = 0usize;
        for (at, c) in text.get(start..end).unwrap_or_default().char_indices() {
            if units >= character as usize || c == '\n' || c == '\r' {
                return start.saturating_add(at);
            }
            units = units.saturating_add(c.len_utf16());
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_counted_in_utf16_units() {
        let text = "parties \"Société\", 株式会社\n  payer 𝒜\r\nend";
        let index = LineIndex::new(text);
        let at = text.find("株").unwrap();
        assert_eq!(index.position(text, at), (0, 19));
        assert_eq!(index.offset(text, 0, 19), at);
        // An astral character is two units.
        let after = text.find('𝒜').unwrap() + '𝒜'.len_utf8();
        assert_eq!(index.position(text, after), (1, 10));
        assert_eq!(index.offset(text, 1, 10), after);
        assert_eq!(index.position(text, text.find("end").unwrap()), (2, 0));
        // Past a line's end: the line's end.
        assert_eq!(index.offset(text, 1, 99), text.find('\r').unwrap());
    }
}
