//! A message taken apart for a reader: its lines with their line ends, its header fields, its
//! MIME tree with IMAP's part numbers, and its text parts decoded. These are the facts that the
//! shell's `show` command prints and the page's Mailboxes panel draws, found once, here.
//!
//! Nothing here renders: values are plain text, and the caller decides how to show them (the
//! shell makes control characters visible; the page puts text in text nodes).
//!
//! Invariants: like the rest of `mail`, total (any octets give an answer, never a panic), and
//! a view over the stored octets, which are never changed.

use super::Message;
use super::mime::{Part, PartKind};

/// How a line of the raw message ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnd {
    /// CR LF, the line end of mail on the wire and in the store (RFC 5322 §2.1).
    CrLf,
    /// A bare LF (RFC 5322 forbids it; shown so a student can see it).
    Lf,
    /// The last line, when the octets do not end with a line end.
    None,
}

impl LineEnd {
    /// The line end by its characters' names: `CR LF`, `LF`, or nothing.
    pub fn name(self) -> &'static str {
        match self {
            LineEnd::CrLf => "CR LF",
            LineEnd::Lf => "LF",
            LineEnd::None => "",
        }
    }

    /// The line end in Control Pictures: `␍␊`, `␊`, or nothing.
    pub fn pictured(self) -> &'static str {
        match self {
            LineEnd::CrLf => "\u{240d}\u{240a}",
            LineEnd::Lf => "\u{240a}",
            LineEnd::None => "",
        }
    }
}

/// The lines of `raw`, each without its line end, and the end it had. A CR not followed by LF
/// stays in its line.
pub fn lines(raw: &[u8]) -> Lines<'_> {
    Lines { rest: raw }
}

/// The iterator [`lines`] returns.
pub struct Lines<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Lines<'a> {
    type Item = (&'a [u8], LineEnd);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let rest = self.rest;
        match memchr::memchr(b'\n', rest) {
            Some(lf) => {
                let cr = lf > 0 && rest.get(lf - 1) == Some(&b'\r');
                let line = rest.get(..if cr { lf - 1 } else { lf }).unwrap_or_default();
                self.rest = rest.get(lf + 1..).unwrap_or_default();
                Some((line, if cr { LineEnd::CrLf } else { LineEnd::Lf }))
            }
            None => {
                self.rest = &[];
                Some((rest, LineEnd::None))
            }
        }
    }
}

/// One header field as a reader sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldView {
    /// The field name as written.
    pub name: String,
    /// The value unfolded (RFC 5322 §2.2.3), still as written (8-bit octets read as UTF-8).
    pub value: String,
    /// The value with RFC 2047 encoded-words decoded, when that changes it.
    pub decoded: Option<String>,
}

/// The header fields of the message itself, in order.
pub fn fields(message: &Message) -> Vec<FieldView> {
    let raw = message.raw();
    message
        .root()
        .header_fields(raw)
        .map(|f| {
            let value = String::from_utf8_lossy(&f.value(raw)).into_owned();
            let decoded = super::encoded_word::decode_unstructured(&value);
            FieldView {
                name: String::from_utf8_lossy(f.name(raw)).into_owned(),
                decoded: (decoded != value).then_some(decoded),
                value,
            }
        })
        .collect()
}

/// What a part of the MIME tree is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `multipart/*` with this many body parts.
    Multipart { parts: usize },
    /// `message/rfc822` (or `message/global`): an encapsulated message, its parts below it.
    Message,
    /// A leaf: its transfer encoding, its body size in octets (still encoded), its number of
    /// lines for a `text/*` part (IMAP's `body-fld-lines`), and the file name it suggests.
    Leaf {
        encoding: String,
        octets: usize,
        lines: Option<usize>,
        filename: Option<String>,
    },
}

/// One part of the MIME tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartView {
    /// The IMAP part number (RFC 3501 §6.4.5): empty for a multipart message itself.
    pub number: Vec<u32>,
    /// `type/subtype`, lowercase.
    pub media_type: String,
    pub charset: Option<String>,
    pub shape: Shape,
}

impl PartView {
    /// The part number as IMAP writes it (`1.2`), or `message` for the message itself.
    pub fn label(&self) -> String {
        label(&self.number)
    }

    /// How deep the part sits (0 for the message, 1 for its parts, …).
    pub fn depth(&self) -> usize {
        self.number.len()
    }
}

/// A part number as IMAP writes it (`1.2`), or `message` for the empty number.
pub fn label(number: &[u32]) -> String {
    if number.is_empty() {
        return "message".to_string();
    }
    let mut label = String::new();
    for (i, n) in number.iter().enumerate() {
        if i > 0 {
            label.push('.');
        }
        label.push_str(&n.to_string());
    }
    label
}

/// Every part of the message, depth first, as IMAP numbers them.
pub fn outline(message: &Message) -> Vec<PartView> {
    let raw = message.raw();
    message
        .parts()
        .into_iter()
        .map(|(number, part)| PartView {
            number,
            media_type: part.content_type.essence(),
            charset: part.content_type.param("charset").map(str::to_string),
            shape: shape(raw, part),
        })
        .collect()
}

fn shape(raw: &[u8], part: &Part) -> Shape {
    match &part.kind {
        PartKind::Multipart(children) => Shape::Multipart {
            parts: children.len(),
        },
        PartKind::Message(_) => Shape::Message,
        PartKind::Single => Shape::Leaf {
            encoding: part.encoding.as_str().to_string(),
            octets: part.body.len(),
            lines: part
                .content_type
                .is("text", "*")
                .then(|| part.body_lines(raw)),
            filename: part.filename(raw),
        },
    }
}

/// A text part with its transfer encoding and charset undone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextView {
    /// The part's IMAP number (`1`, `1.2`).
    pub label: String,
    pub media_type: String,
    /// The decoded text; `None` when the charset is one the lab cannot decode.
    pub text: Option<String>,
}

/// The `text/*` leaves of the message, decoded, in order.
pub fn texts(message: &Message) -> Vec<TextView> {
    let raw = message.raw();
    message
        .leaves()
        .into_iter()
        .filter(|(_, p)| p.content_type.is("text", "*"))
        .map(|(number, part)| TextView {
            label: label(&number),
            media_type: part.content_type.essence(),
            text: part.text(raw),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_their_ends() {
        let got: Vec<_> = lines(b"a\r\nb\nc\rd\r\n\r\ne").collect();
        assert_eq!(
            got,
            [
                (&b"a"[..], LineEnd::CrLf),
                (b"b", LineEnd::Lf),
                (b"c\rd", LineEnd::CrLf),
                (b"", LineEnd::CrLf),
                (b"e", LineEnd::None),
            ]
        );
        assert_eq!(lines(b"").count(), 0);
    }

    #[test]
    fn the_outline_numbers_parts_as_imap_does() {
        let raw =
            b"Subject: =?UTF-8?Q?caf=C3=A9?=\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n\
                    --x\r\nContent-Type: text/plain; charset=utf-8\r\n\
                    Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n\
                    --x\r\nContent-Type: application/pdf; name=a.pdf\r\n\
                    Content-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--x--\r\n";
        let message = Message::parse(raw);
        let parts = outline(&message);
        let labels: Vec<String> = parts.iter().map(PartView::label).collect();
        assert_eq!(labels, ["message", "1", "2"]);
        assert_eq!(parts[0].shape, Shape::Multipart { parts: 2 });
        assert_eq!(parts[1].charset.as_deref(), Some("utf-8"));
        assert!(matches!(
            &parts[2].shape,
            Shape::Leaf { encoding, filename: Some(f), lines: None, .. }
                if encoding == "base64" && f == "a.pdf"
        ));
        let texts = texts(&message);
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0].text.as_deref(), Some("café"));
        let fields = fields(&message);
        assert_eq!(fields[0].name, "Subject");
        assert_eq!(fields[0].decoded.as_deref(), Some("café"));
        assert_eq!(fields[1].decoded, None);
    }
}
