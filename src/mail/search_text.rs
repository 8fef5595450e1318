//! A message's text as IMAP SEARCH reads it (RFC 3501 §6.4.4): string keys match substrings
//! without regard to case, after the text is decoded the way a reader sees it — RFC 2047
//! encoded-words in header fields, transfer encodings and charsets in text parts.
//!
//! Deriving that text means parsing the message and decoding it, which is most of what a search
//! costs; a stored message never changes, so the store derives it once, on the first search that
//! needs it, and keeps it beside the octets. The header (every key) and the body (`BODY`, `TEXT`)
//! are derived apart, so a search of the header never decodes a body.
//!
//! Invariants: the text is exactly what searching the decoded message gives — `TEXT` reads the
//! whole header unfolded and decoded, a field key reads each field's value unfolded and
//! decoded (the values of several fields of one name joined by a newline), `BODY` reads every
//! text part decoded, joined by newlines — all in [`to_lowercase`]'s lowercase, which a newline
//! does not affect, so lowering the pieces equals lowering the whole. Never panics.

use std::ops::Range;

use super::Message;
use super::encoded_word::decode_unstructured;
use super::header::{self, unfold};
use crate::lowercase::to_lowercase;

/// A message's header as SEARCH reads it, lowercase: the whole header (for `TEXT`) and each
/// field's name and value (for `FROM`, `SUBJECT`, `HEADER`…), in one string so that a search of
/// 10,000 headers reads 10,000 strings, not the 100,000 places their fields are in the octets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderText {
    /// The whole header decoded; then the decoded values not found in it (in the usual case,
    /// each field's decoded value is a piece of the whole header's, and is not stored twice);
    /// then the field names in ASCII lowercase.
    text: Box<str>,
    /// Where the whole header's text ends in `text`.
    header_end: usize,
    /// Each field in order: where its name and its value are in `text`.
    fields: Box<[FieldText]>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct FieldText {
    /// Out of `text`'s bounds for a name that is not UTF-8 (no search name equals it).
    name: Range<usize>,
    value: Range<usize>,
}

impl HeaderText {
    /// Reads the top-level header of `raw` (the message's own, not its parts').
    pub fn of(raw: &[u8]) -> HeaderText {
        let split = header::split(raw, 0..raw.len());
        let whole = raw.get(split.header.clone()).unwrap_or_default();
        let mut text = lowercase_decoded(whole);
        let header_end = text.len();
        let mut fields = Vec::new();
        let mut names = Vec::new();
        // Where the last value found in the whole header's text ends.
        let mut after = 0;
        for field in header::fields(raw, split.fields) {
            let value = lowercase_decoded(field.raw_value(raw));
            // Its decoding is usually found in the whole header's, past the previous field's.
            let found = text
                .get(after..header_end)
                .and_then(|rest| memchr::memmem::find(rest.as_bytes(), value.as_bytes()))
                .map(|at| after + at);
            let start = match found {
                Some(start) => {
                    after = start + value.len();
                    start
                }
                None => {
                    text.push_str(&value);
                    text.len() - value.len()
                }
            };
            names.push(std::str::from_utf8(field.name(raw)).ok());
            fields.push(FieldText {
                name: usize::MAX..usize::MAX,
                value: start..start + value.len(),
            });
        }
        for (field, name) in fields.iter_mut().zip(names) {
            if let Some(name) = name {
                let start = text.len();
                text.push_str(&name.to_ascii_lowercase());
                field.name = start..text.len();
            }
        }
        HeaderText {
            text: text.into_boxed_str(),
            header_end,
            fields: fields.into_boxed_slice(),
        }
    }

    /// The whole header, unfolded and decoded, lowercase (what `TEXT` searches).
    pub fn whole(&self) -> &str {
        self.text.get(..self.header_end).unwrap_or_default()
    }

    /// The decoded, lowercase values of the fields called `name`, which must be in ASCII
    /// lowercase (field names compare without ASCII case), in order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.fields
            .iter()
            .filter(move |f| self.text.get(f.name.clone()) == Some(name))
            .map(|f| self.text.get(f.value.clone()).unwrap_or_default())
    }

    /// The octets this text takes in memory (its strings and field table, not the struct).
    pub fn heap_size(&self) -> usize {
        self.text.len() + self.fields.len() * size_of::<FieldText>()
    }
}

/// The text of every text part of `raw` (transfer encoding and charset undone; parts in an
/// unknown charset are left out), joined by newlines, lowercase: what `BODY` searches.
pub fn body_text(raw: &[u8]) -> String {
    let parsed = Message::parse(raw);
    let texts: Vec<String> = parsed
        .leaves()
        .into_iter()
        .filter_map(|(_, part)| part.text(raw))
        .collect();
    to_lowercase(&texts.join("\n"))
}

/// A header or a field value unfolded, its RFC 2047 words decoded, lowercase.
fn lowercase_decoded(raw: &[u8]) -> String {
    to_lowercase(&decode_unstructured(&String::from_utf8_lossy(&unfold(raw))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_values_are_found_in_the_whole_header_or_kept_apart() {
        let raw = b"Subject: =?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=\r\nTo: A@B.example\r\n\
            X-Odd: =?utf-8?q?=C3?=\r\n=?utf-8?q?=A9?=: x\r\nto: Second@B.example\r\n\r\nBody\r\n";
        let text = HeaderText::of(raw);
        // The whole header unfolded: its line ends gone, the fields run on.
        assert_eq!(
            text.whole(),
            "subject: grüße aus kölnto: a@b.examplex-odd: é: xto: second@b.example"
        );
        assert_eq!(
            text.values("subject").collect::<Vec<_>>(),
            [" grüße aus köln"]
        );
        assert_eq!(
            text.values("to").collect::<Vec<_>>(),
            [" a@b.example", " second@b.example"]
        );
        // The two halves of a character in adjacent words, the second one a field name: one
        // character in the whole header, an invalid sequence in the field's own value.
        assert_eq!(text.values("x-odd").collect::<Vec<_>>(), [" \u{fffd}"]);
        assert_eq!(text.values("cc").count(), 0);
        assert_eq!(text.values("=?utf-8?q?=a9?=").collect::<Vec<_>>(), [" x"]);
        assert_eq!(
            text.heap_size(),
            text.whole().len()
                + " \u{fffd}".len()
                + "subjecttox-odd=?utf-8?q?=a9?=to".len()
                + 5 * size_of::<FieldText>()
        );
        // A name that is not UTF-8 is no search name's.
        let raw = b"X-\xff: v\r\n\r\n";
        let text = HeaderText::of(raw);
        assert_eq!(text.values("x-\u{fffd}").count(), 0);
        assert_eq!(text.whole(), "x-\u{fffd}: v");
    }

    #[test]
    fn the_body_text_joins_every_text_part_decoded() {
        let raw = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
            Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\
            U0NIw5ZORQ==\r\n--b\r\nContent-Type: image/png\r\n\r\nPNG\r\n--b\r\n\
            Content-Type: text/html\r\n\r\n<P>Hi</P>\r\n--b--\r\n";
        assert_eq!(body_text(raw), "schöne\n<p>hi</p>");
    }
}
