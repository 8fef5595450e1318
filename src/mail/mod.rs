//! RFC 5322 messages and MIME (RFC 2045/2046), read as views over the exact stored octets.
//!
//! What a host stores is the octets it received (CRLF line ends); [`Message::parse`] computes
//! where everything is, and every accessor reads from the original bytes, so nothing is ever
//! normalised away. The pieces:
//!
//! - [`header`]: header fields, folding and unfolding (RFC 5322 §2.2);
//! - [`address`], [`date`], [`message_id`]: structured fields (RFC 5322 §3.3, §3.4, §3.6.4,
//!   and the obsolete forms of §4);
//! - [`encoding`], [`encoded_word`]: base64, quoted-printable, charsets, RFC 2047 words;
//! - [`mime`]: content types and the part tree (RFC 2045, RFC 2046);
//! - [`envelope`], [`bodystructure`], [`section`]: the views IMAP's FETCH needs (RFC 3501
//!   §6.4.5, §7.4.2) — facts about the message, so they live here, not in `imap`;
//! - [`seven_bit`]: the check and the conversion an SMTP client needs when a server lacks
//!   8BITMIME (RFC 6152, RFC 2045);
//! - [`compose`]: building a correct message for the lab's user agents;
//! - [`dsn`]: the bounce (RFC 3464 delivery status notification) for an undeliverable message;
//! - [`anatomy`]: a message taken apart for a reader (line ends, fields, MIME tree, decoded text),
//!   what the shell's `show` prints and the page's Mailboxes panel draws;
//! - [`search_text`]: the decoded, lowercase text IMAP SEARCH matches, derived once per stored
//!   message.
//!
//! Invariants: depends only on [`crate::time`] and [`crate::lowercase`]; never panics on any input (every parser is
//! total: malformed input degrades, it does not fail).

pub mod address;
pub mod anatomy;
pub mod bodystructure;
pub mod compose;
pub mod date;
pub mod dsn;
pub mod encoded_word;
pub mod encoding;
pub mod envelope;
pub mod header;
pub mod message_id;
pub mod mime;
pub mod search_text;
pub mod section;
pub mod seven_bit;

use std::borrow::Cow;

use address::Mailbox;
use bodystructure::BodyStructure;
use date::DateTime;
use envelope::Envelope;
use mime::{ContentType, Part, PartKind};
use section::Section;

/// A message: its raw octets and where its parts are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    raw: &'a [u8],
    root: Part,
}

impl<'a> Message<'a> {
    /// Parses `raw`; never fails (a message without structure is one text part).
    pub fn parse(raw: &'a [u8]) -> Self {
        Message {
            raw,
            root: Part::parse(raw, 0..raw.len(), ContentType::text_plain()),
        }
    }

    /// The octets exactly as stored.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The size in octets (what POP3 LIST and IMAP RFC822.SIZE report).
    pub fn size(&self) -> usize {
        self.raw.len()
    }

    /// The top part (the message's own header and body).
    pub fn root(&self) -> &Part {
        &self.root
    }

    /// The unfolded, trimmed value of the first header field called `name`.
    pub fn field_value(&self, name: &str) -> Option<Vec<u8>> {
        self.root.field_value(self.raw, name)
    }

    /// The Subject, RFC 2047 words decoded, for display.
    pub fn subject(&self) -> Option<String> {
        let value = self.field_value("subject")?;
        Some(encoded_word::decode_unstructured(&String::from_utf8_lossy(
            &value,
        )))
    }

    /// The authors in the From field.
    pub fn from(&self) -> Vec<Mailbox> {
        self.root
            .field(self.raw, "from")
            .map(|f| address::parse_mailbox_list(f.raw_value(self.raw)))
            .unwrap_or_default()
    }

    /// The origination date, if the Date field parses.
    pub fn date(&self) -> Option<DateTime> {
        date::parse_rfc5322(&self.field_value("date")?)
    }

    /// The Message-ID (with its angle brackets).
    pub fn message_id(&self) -> Option<String> {
        message_id::parse_msg_ids(&self.field_value("message-id")?)
            .into_iter()
            .next()
    }

    /// The identifiers of the messages this one answers (In-Reply-To).
    pub fn in_reply_to(&self) -> Vec<String> {
        self.field_value("in-reply-to")
            .map(|v| message_id::parse_msg_ids(&v))
            .unwrap_or_default()
    }

    /// The identifiers of the thread this message belongs to (References), oldest first.
    pub fn references(&self) -> Vec<String> {
        self.field_value("references")
            .map(|v| message_id::parse_msg_ids(&v))
            .unwrap_or_default()
    }

    /// IMAP's ENVELOPE of this message.
    pub fn envelope(&self) -> Envelope {
        Envelope::of(self.raw, &self.root)
    }

    /// IMAP's BODYSTRUCTURE of this message.
    pub fn body_structure(&self) -> BodyStructure {
        BodyStructure::of(self.raw, &self.root)
    }

    /// The octets of an IMAP section (`BODY[1.2.MIME]`, `BODY[HEADER.FIELDS (…)]`, …).
    pub fn section(&self, section: &Section) -> Option<Cow<'a, [u8]>> {
        section::resolve(self.raw, &self.root, section)
    }

    /// The text a reader sees first: the first `text/plain` part in a known charset (else the
    /// first text part of any subtype), transfer encoding and charset undone.
    pub fn body_text(&self) -> Option<String> {
        let leaves = self.leaves();
        let text_of = |want_plain: bool| {
            leaves
                .iter()
                .filter(|(_, p)| !want_plain || p.content_type.is("text", "plain"))
                .find_map(|(_, p)| p.text(self.raw))
        };
        text_of(true).or_else(|| text_of(false))
    }

    /// Every part with its IMAP part number, depth first: a single-part message is just part
    /// `1`; otherwise the message itself comes first as `[]`, then its parts, with the parts of
    /// encapsulated messages numbered as IMAP numbers them (RFC 3501 §6.4.5).
    pub fn parts(&self) -> Vec<(Vec<u32>, &Part)> {
        match self.root.kind {
            PartKind::Single => vec![(vec![1], &self.root)],
            PartKind::Multipart(_) => {
                let mut out = vec![(Vec::new(), &self.root)];
                collect_parts(&self.root, &[], &mut out);
                out
            }
            PartKind::Message(_) => {
                let mut out = vec![(Vec::new(), &self.root)];
                collect_parts(&self.root, &[1], &mut out);
                out
            }
        }
    }

    /// The leaf parts (neither multipart nor encapsulated message), with their numbers.
    pub fn leaves(&self) -> Vec<(Vec<u32>, &Part)> {
        self.parts()
            .into_iter()
            .filter(|(_, p)| matches!(p.kind, PartKind::Single))
            .collect()
    }
}

/// Numbers the parts below `part`, whose own number is `path`.
fn collect_parts<'p>(part: &'p Part, path: &[u32], out: &mut Vec<(Vec<u32>, &'p Part)>) {
    let numbered = |n: usize| {
        let mut p = path.to_vec();
        p.push(u32::try_from(n).unwrap_or(u32::MAX));
        p
    };
    match &part.kind {
        PartKind::Multipart(children) => {
            for (i, child) in children.iter().enumerate() {
                let child_path = numbered(i + 1);
                out.push((child_path.clone(), child));
                collect_parts(child, &child_path, out);
            }
        }
        // The parts of an encapsulated multipart message continue this part's numbering; an
        // encapsulated single-part message's body is part `path.1`.
        PartKind::Message(inner) => match inner.kind {
            PartKind::Multipart(_) => collect_parts(inner, path, out),
            _ => {
                out.push((numbered(1), inner));
                collect_parts(inner, &numbered(1), out);
            }
        },
        PartKind::Single => {}
    }
}
