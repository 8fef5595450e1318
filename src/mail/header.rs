//! Header fields of an RFC 5322 message or a MIME part, as views over the stored octets.
//!
//! RFC 5322 §2.2: a header field is a name, a colon and a body; §2.2.3: a body may be folded
//! over several lines, each continuation line starting with WSP, and unfolding removes each CRLF
//! that is followed by WSP. §2.1: the header section ends at the first empty line.
//!
//! Invariants: nothing is copied or changed — a [`Field`] is a set of ranges into the raw
//! octets, so what is shown or returned to a client is exactly what was stored. Bare LF line
//! ends are accepted as well as CRLF (lenient reading); lines without a colon are skipped.

use std::ops::Range;

/// One header field: where its name and its (folded) body lie in the raw octets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The field name, without the colon.
    pub name: Range<usize>,
    /// The field body after the colon, folding included, line end excluded.
    pub value: Range<usize>,
    /// The whole field, from the name to the end of its last line (line end included).
    pub whole: Range<usize>,
}

impl Field {
    /// The field name as text (field names are printable ASCII, RFC 5322 §3.6.8).
    pub fn name<'a>(&self, raw: &'a [u8]) -> &'a [u8] {
        raw.get(self.name.clone()).unwrap_or_default()
    }

    /// Whether this field is called `name` (field names compare case-insensitively).
    pub fn is(&self, raw: &[u8], name: &str) -> bool {
        self.name(raw).eq_ignore_ascii_case(name.as_bytes())
    }

    /// The body exactly as stored, folding included.
    pub fn raw_value<'a>(&self, raw: &'a [u8]) -> &'a [u8] {
        raw.get(self.value.clone()).unwrap_or_default()
    }

    /// The unfolded body (RFC 5322 §2.2.3) with leading and trailing white space removed.
    pub fn value(&self, raw: &[u8]) -> Vec<u8> {
        let unfolded = unfold(self.raw_value(raw));
        unfolded.trim_ascii().to_vec()
    }
}

/// Removes every line end that is followed by WSP (RFC 5322 §2.2.3), keeping the WSP.
pub fn unfold(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while let Some(&b) = value.get(i) {
        let line_end = match (b, value.get(i + 1)) {
            (b'\r', Some(b'\n')) => 2,
            (b'\n', _) => 1,
            _ => 0,
        };
        if line_end > 0 {
            i += line_end;
            continue;
        }
        out.push(b);
        i += 1;
    }
    out
}

/// Where a header block ends and the body begins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// The header fields, from the first field to the end of the last field's line.
    pub fields: Range<usize>,
    /// The header section as IMAP's `BODY[HEADER]` returns it: the fields and the empty line.
    pub header: Range<usize>,
    /// The body after the empty line (empty if there is none).
    pub body: Range<usize>,
}

/// Finds the empty line that ends the header section within `range` of `raw`.
///
/// A part that starts with an empty line has no header fields (RFC 2046 §5.1.1: the part's
/// header area may be empty). A header with no empty line after it takes the whole range.
pub fn split(raw: &[u8], range: Range<usize>) -> Split {
    let mut scan = scan(raw, range);
    scan.by_ref().for_each(drop);
    scan.split()
}

/// The header fields at the start of `range`, up to the empty line that ends them, read in the
/// same pass that finds that line: once exhausted, [`Fields::split`] says where the header and
/// the body are. (Splitting first and then reading the fields went over the header twice.)
pub fn scan(raw: &[u8], range: Range<usize>) -> Fields<'_> {
    let start = range.start.min(raw.len());
    let end = range.end.min(raw.len()).max(start);
    Fields {
        raw,
        start,
        pos: start,
        end,
        until_blank: true,
        blank: None,
    }
}

/// The fields within `range` of `raw` (a header block from [`split`]), in order.
pub fn fields(raw: &[u8], range: Range<usize>) -> Fields<'_> {
    let end = range.end.min(raw.len());
    let pos = range.start.min(end);
    Fields {
        raw,
        start: pos,
        pos,
        end,
        until_blank: false,
        blank: None,
    }
}

/// The first LF in `bytes` at or after `from` (memchr: SIMD on the host, a word at a time in
/// wasm): the header scans of `Message::parse` spend their time here.
fn find_lf(bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(b'\n', bytes.get(from..)?).map(|p| p + from)
}

/// Iterator over header fields; see [`fields`] and [`scan`].
#[derive(Clone, Debug)]
pub struct Fields<'a> {
    raw: &'a [u8],
    start: usize,
    pos: usize,
    end: usize,
    /// Whether an empty line ends the fields ([`scan`]) rather than the range's end.
    until_blank: bool,
    /// The empty line found, with its line end.
    blank: Option<Range<usize>>,
}

impl Fields<'_> {
    /// The end of the line starting at `from` (just past its LF, or the block's end).
    fn line_end(&self, from: usize) -> usize {
        match find_lf(self.raw.get(..self.end).unwrap_or_default(), from) {
            Some(lf) if lf < self.end => lf + 1,
            _ => self.end,
        }
    }

    /// Where the header and the body are, once a [`scan`] has read every field.
    pub fn split(&self) -> Split {
        match &self.blank {
            Some(blank) => Split {
                fields: self.start..blank.start,
                header: self.start..blank.end,
                body: blank.end..self.end,
            },
            None => Split {
                fields: self.start..self.end,
                header: self.start..self.end,
                body: self.end..self.end,
            },
        }
    }
}

impl Iterator for Fields<'_> {
    type Item = Field;

    fn next(&mut self) -> Option<Field> {
        while self.pos < self.end {
            let start = self.pos;
            if self.until_blank {
                let blank = match (self.raw.get(start), self.raw.get(start + 1)) {
                    (Some(b'\r'), Some(b'\n')) => 2,
                    (Some(b'\n'), _) => 1,
                    _ => 0,
                };
                if blank > 0 {
                    let after = (start + blank).min(self.end);
                    self.blank = Some(start..after);
                    self.pos = self.end;
                    return None;
                }
            }
            let mut end = self.line_end(start);
            // Continuation lines start with WSP (RFC 5322 §2.2.3).
            while end < self.end && matches!(self.raw.get(end), Some(b' ' | b'\t')) {
                end = self.line_end(end);
            }
            self.pos = end;
            let line = self.raw.get(start..end).unwrap_or_default();
            // RFC 5322 §2.2: field-name is printable ASCII except colon; a line without one
            // (or a continuation line at the very start) is not a field and is skipped.
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                continue;
            };
            let name = line.get(..colon).unwrap_or_default();
            // obs-optional (RFC 5322 §4.5.1) allows WSP between the name and the colon.
            let name_len = name.trim_ascii_end().len();
            let printable = name
                .get(..name_len)
                .is_some_and(|n| n.iter().all(|b| (33..=126).contains(b)));
            if name_len == 0 || !printable {
                continue;
            }
            let mut value_end = end;
            if self.raw.get(value_end.wrapping_sub(1)) == Some(&b'\n') && value_end > start {
                value_end -= 1;
                if value_end > start && self.raw.get(value_end - 1) == Some(&b'\r') {
                    value_end -= 1;
                }
            }
            return Some(Field {
                name: start..start + name_len,
                value: (start + colon + 1).min(value_end)..value_end,
                whole: start..end,
            });
        }
        None
    }
}

/// The first field called `name` in `range`, if any.
pub fn find(raw: &[u8], range: Range<usize>, name: &str) -> Option<Field> {
    fields(raw, range).find(|f| f.is(raw, name))
}

/// Appends the field `name: value` to `out`, folded at white space so that lines stay within 78
/// characters where the value allows it (RFC 5322 §2.1.1, §2.2.3), and ended with CRLF.
/// `value` must already be 7-bit where it has to be (RFC 2047 words are the caller's job); a
/// word longer than a line is kept whole (lines may reach 998 octets).
pub fn write_field(out: &mut Vec<u8>, name: &str, value: &str) {
    const LIMIT: usize = 78;
    out.extend_from_slice(name.as_bytes());
    out.push(b':');
    let mut column = name.len() + 1;
    for (i, word) in value.split(' ').enumerate() {
        if i > 0 || !word.is_empty() {
            if column + 1 + word.len() > LIMIT && column > name.len() + 1 {
                out.extend_from_slice(b"\r\n");
                column = 0;
            }
            out.push(b' ');
            out.extend_from_slice(word.as_bytes());
            column += 1 + word.len();
        }
    }
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSG: &[u8] = b"From: John Doe <jdoe@machine.example>\r\n\
Subject: Saying\r\n  Hello\r\n\
X-Empty:\r\n\
\r\n\
This is a message just to say hello.\r\n";

    #[test]
    fn splits_header_and_body_at_the_empty_line() {
        let s = split(MSG, 0..MSG.len());
        let header = &MSG[s.header.clone()];
        assert!(header.ends_with(b"X-Empty:\r\n\r\n"));
        assert!(MSG[s.fields.clone()].ends_with(b"X-Empty:\r\n"));
        assert_eq!(&MSG[s.body], b"This is a message just to say hello.\r\n");
    }

    #[test]
    fn fields_keep_folding_and_unfold_on_request() {
        let all: Vec<Field> = fields(MSG, split(MSG, 0..MSG.len()).fields).collect();
        assert_eq!(all.len(), 3);
        assert!(all[1].is(MSG, "SUBJECT"));
        assert_eq!(all[1].raw_value(MSG), b" Saying\r\n  Hello");
        assert_eq!(all[1].value(MSG), b"Saying  Hello");
        assert_eq!(
            &MSG[all[1].whole.clone()],
            b"Subject: Saying\r\n  Hello\r\n"
        );
        assert_eq!(all[2].value(MSG), b"");
        assert_eq!(
            find(MSG, 0..MSG.len(), "x-empty").map(|f| f.value(MSG)),
            Some(vec![])
        );
    }

    #[test]
    fn a_part_without_header_fields_starts_with_the_empty_line() {
        let part = b"\r\nbody only\r\n";
        let s = split(part, 0..part.len());
        assert_eq!(s.fields, 0..0);
        assert_eq!(s.header, 0..2);
        assert_eq!(&part[s.body], b"body only\r\n");
    }

    #[test]
    fn a_header_without_an_empty_line_has_no_body() {
        let msg = b"Subject: x\r\nFrom: y";
        let s = split(msg, 0..msg.len());
        assert_eq!(s.body, msg.len()..msg.len());
        let names: Vec<&[u8]> = fields(msg, s.fields).map(|f| f.name(msg)).collect();
        assert_eq!(names, [&b"Subject"[..], b"From"]);
    }

    #[test]
    fn bare_lf_and_garbage_lines_are_tolerated() {
        let msg = b"no colon here\nSubject : obs\n\tfolded\n: empty name\n\nbody";
        let s = split(msg, 0..msg.len());
        assert_eq!(&msg[s.body.clone()], b"body");
        let all: Vec<Field> = fields(msg, s.fields).collect();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].name(msg), b"Subject");
        assert_eq!(all[0].value(msg), b"obs\tfolded");
    }

    #[test]
    fn written_fields_fold_at_white_space_and_unfold_back() {
        let value = "a fairly long subject line that certainly does not fit into the \
                     seventy-eight columns of a single header line";
        let mut out = Vec::new();
        write_field(&mut out, "Subject", value);
        let text = String::from_utf8(out.clone()).expect("ascii");
        assert!(text.lines().all(|l| l.len() <= 78), "{text}");
        assert!(text.lines().count() > 1);
        let field = fields(&out, 0..out.len()).next().expect("one field");
        assert_eq!(field.value(&out), value.as_bytes());
    }

    #[test]
    fn the_word_at_a_time_search_finds_the_first_lf_anywhere() {
        for len in 0..40 {
            for lf in 0..=len {
                // An LF at `lf` (none when it is `len`), among bytes that differ from it by one
                // bit or by a borrow (0x0B, 0x09, 0x8A) to catch a faulty zero-byte test.
                let bytes: Vec<u8> = (0..len)
                    .map(|i| {
                        if i == lf {
                            b'\n'
                        } else {
                            [0x0B, 0x09, 0x8A, b'a', 0][i % 5]
                        }
                    })
                    .collect();
                for from in 0..=len + 1 {
                    let expected = bytes
                        .get(from..)
                        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
                        .map(|p| p + from);
                    assert_eq!(find_lf(&bytes, from), expected, "{bytes:?} from {from}");
                }
            }
        }
    }

    /// The split as it was found before scanning read the fields in the same pass: the first
    /// empty line at the start or after any LF.
    fn reference_split(raw: &[u8], range: Range<usize>) -> Split {
        let start = range.start.min(raw.len());
        let end = range.end.min(raw.len()).max(start);
        let bytes = &raw[start..end];
        let blank_at = |i: usize| match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'\r'), Some(b'\n')) => Some(2),
            (Some(b'\n'), _) => Some(1),
            _ => None,
        };
        let at = std::iter::once(0)
            .chain(
                (0..bytes.len())
                    .filter(|&i| bytes[i] == b'\n')
                    .map(|i| i + 1),
            )
            .find_map(|i| blank_at(i).map(|len| (i, len)));
        match at {
            Some((i, len)) => Split {
                fields: start..start + i,
                header: start..start + i + len,
                body: start + i + len..end,
            },
            None => Split {
                fields: start..end,
                header: start..end,
                body: end..end,
            },
        }
    }

    #[test]
    fn scanning_reads_the_same_fields_and_split_as_splitting_then_reading() {
        let cases: [&[u8]; 6] = [
            MSG,
            b"\r\nbody only\r\n",
            b"Subject: x\r\nFrom: y",
            b"no colon here\nSubject : obs\n\tfolded\n: empty name\n\nbody",
            b"A: 1\r\n \r\nB: 2\r\n\r\n\r\nC: 3\r\n",
            b"",
        ];
        for raw in cases {
            let (five, three) = (5, 3); // a range that ends before it starts
            for range in [0..raw.len(), 1..raw.len(), 0..raw.len() / 2, five..three] {
                let split = reference_split(raw, range.clone());
                let mut scan = scan(raw, range.clone());
                let scanned: Vec<Field> = scan.by_ref().collect();
                assert_eq!(scan.split(), split, "{raw:?} {range:?}");
                assert_eq!(super::split(raw, range.clone()), split);
                let read: Vec<Field> = fields(raw, split.fields.clone()).collect();
                assert_eq!(scanned, read, "{raw:?} {range:?}");
            }
        }
    }

    #[test]
    fn out_of_range_input_does_not_panic() {
        let msg = b"A: b\r\n";
        assert_eq!(fields(msg, 3..100).count(), 0);
        let (start, end) = (10, 2);
        let s = split(msg, start..end);
        assert_eq!(s.body.len(), 0);
    }
}
