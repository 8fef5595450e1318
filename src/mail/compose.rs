//! Building a correct message for the lab's user agents: the header fields a message must have
//! (RFC 5322 §3.6: Date, From, and a Message-ID it should have), MIME (RFC 2045, RFC 2046) with
//! a text part, an optional HTML alternative and attachments, 7-bit where the content allows
//! and quoted-printable or base64 where it does not, RFC 2047 words for non-ASCII header text
//! and RFC 2231 for non-ASCII file names.
//!
//! Invariants: the output has CRLF line ends, header lines folded within 78 characters where
//! possible, and is deterministic: the same draft, date and Message-ID give the same octets
//! (the boundaries derive from the Message-ID), so lessons and tests replay exactly.

use super::address::{self, Mailbox};
use super::date::{self, DateTime};
use super::encoded_word;
use super::encoding;
use super::header;
use super::mime;

/// What a user agent sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    pub from: Option<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: String,
    /// The plain text; any line ends (LF or CRLF) become CRLF.
    pub text: String,
    /// An HTML alternative of the same content.
    pub html: Option<String>,
    pub attachments: Vec<Attachment>,
    /// The Message-ID this one answers (`<…>`), for In-Reply-To and References.
    pub in_reply_to: Option<String>,
}

/// A file sent with the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    /// `type/subtype`, e.g. `application/pdf`.
    pub content_type: String,
    pub data: Vec<u8>,
}

impl Draft {
    /// The message, dated `date`, identified by `message_id` (with its angle brackets).
    pub fn build(&self, date: DateTime, message_id: &str) -> Vec<u8> {
        let mut out = Vec::new();
        header::write_field(&mut out, "Date", &date::format_rfc5322(date));
        if let Some(from) = &self.from {
            header::write_field(&mut out, "From", &address::format_mailbox_encoded(from));
        }
        for (name, list) in [("To", &self.to), ("Cc", &self.cc)] {
            if !list.is_empty() {
                let value: Vec<String> = list.iter().map(address::format_mailbox_encoded).collect();
                header::write_field(&mut out, name, &value.join(", "));
            }
        }
        header::write_field(
            &mut out,
            "Subject",
            &encoded_word::encode_unstructured(&self.subject),
        );
        header::write_field(&mut out, "Message-ID", message_id);
        if let Some(parent) = &self.in_reply_to {
            header::write_field(&mut out, "In-Reply-To", parent);
            header::write_field(&mut out, "References", parent);
        }
        header::write_field(&mut out, "MIME-Version", "1.0");

        let boundary = |depth: u8| boundary_for(message_id, depth);
        let text = text_part("plain", &self.text);
        let content = match &self.html {
            Some(html) => multipart(
                "alternative",
                &boundary(1),
                &[text, text_part("html", html)],
            ),
            None => text,
        };
        let body = if self.attachments.is_empty() {
            content
        } else {
            let mut parts = vec![content];
            parts.extend(self.attachments.iter().map(attachment_part));
            multipart("mixed", &boundary(0), &parts)
        };
        out.extend_from_slice(&body);
        out
    }
}

/// A MIME entity: its header fields, the empty line, its body.
fn entity(fields: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in fields {
        header::write_field(&mut out, name, value);
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

fn text_part(subtype: &str, text: &str) -> Vec<u8> {
    let crlf = crlf_lines(text);
    let (charset, cte, body) = if crate::mail::seven_bit::is_7bit_clean(crlf.as_bytes()) {
        ("us-ascii", "7bit", crlf.into_bytes())
    } else {
        (
            "utf-8",
            "quoted-printable",
            encoding::qp_encode(crlf.as_bytes()),
        )
    };
    entity(
        &[
            ("Content-Type", format!("text/{subtype}; charset={charset}")),
            ("Content-Transfer-Encoding", cte.to_string()),
        ],
        &body,
    )
}

fn attachment_part(a: &Attachment) -> Vec<u8> {
    let content_type = if a.content_type.contains('/') {
        a.content_type.clone()
    } else {
        "application/octet-stream".to_string()
    };
    entity(
        &[
            (
                "Content-Type",
                format!("{content_type}; {}", mime::write_param("name", &a.filename)),
            ),
            (
                "Content-Disposition",
                format!("attachment; {}", mime::write_param("filename", &a.filename)),
            ),
            ("Content-Transfer-Encoding", "base64".to_string()),
        ],
        &encoding::base64_encode_lines(&a.data),
    )
}

fn multipart(subtype: &str, boundary: &str, parts: &[Vec<u8>]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(part);
        // RFC 2046 §5.1.1: the CRLF before a delimiter belongs to the delimiter, not the part.
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    entity(
        &[(
            "Content-Type",
            format!("multipart/{subtype}; boundary=\"{boundary}\""),
        )],
        &body,
    )
}

/// A boundary that cannot occur in the encoded parts: `=_` never appears in quoted-printable or
/// base64 output (RFC 2045 §6.7, §6.8), and 7-bit text parts are checked by the parser's rule
/// that a delimiter must be a whole line — the hash of the Message-ID makes a clash with
/// typed text practically impossible, and keeps the output deterministic.
fn boundary_for(message_id: &str, depth: u8) -> String {
    // FNV-1a, 64 bit.
    let hash = message_id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("=_maillab_{hash:016x}_{depth}")
}

fn crlf_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::Message;
    use crate::mail::mime::PartKind;
    use crate::mail::seven_bit::is_7bit_clean;
    use crate::time::TEXTBOOK_EPOCH;

    fn mailbox(name: Option<&str>, local: &str, domain: &str) -> Mailbox {
        Mailbox {
            name: name.map(str::to_string),
            route: None,
            local_part: local.into(),
            domain: domain.into(),
        }
    }

    fn when() -> DateTime {
        DateTime {
            instant: TEXTBOOK_EPOCH,
            offset_minutes: 60,
        }
    }

    fn draft() -> Draft {
        Draft {
            from: Some(mailbox(Some("Alice Liddell"), "alice", "crepes.fr")),
            to: vec![mailbox(None, "bob", "hamburger.edu")],
            subject: "Lunch?".into(),
            text: "Crêpes at noon?\nAlice\n".into(),
            ..Draft::default()
        }
    }

    #[test]
    fn a_text_message_has_the_required_fields_and_reads_back() {
        let raw = draft().build(when(), "<1.lab@crepes.fr>");
        assert!(is_7bit_clean(&raw));
        let text = String::from_utf8_lossy(&raw);
        assert!(
            text.starts_with("Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n"),
            "{text}"
        );
        assert!(text.contains("\r\nFrom: Alice Liddell <alice@crepes.fr>\r\n"));
        assert!(text.contains("\r\nMessage-ID: <1.lab@crepes.fr>\r\n"));
        assert!(text.contains("\r\nMIME-Version: 1.0\r\n"));
        let msg = Message::parse(&raw);
        assert_eq!(msg.subject().as_deref(), Some("Lunch?"));
        assert_eq!(
            msg.body_text().as_deref(),
            Some("Crêpes at noon?\r\nAlice\r\n")
        );
        assert_eq!(msg.date().map(|d| d.instant), Some(TEXTBOOK_EPOCH));
    }

    #[test]
    fn html_and_attachments_make_a_mixed_alternative_tree() {
        let mut d = draft();
        d.subject = "Menu de la crêperie".into();
        d.html = Some("<p>Crêpes at noon?</p>".into());
        d.attachments.push(Attachment {
            filename: "menu-crêpes.pdf".into(),
            content_type: "application/pdf".into(),
            data: (0..=255u8).collect(),
        });
        let raw = d.build(when(), "<2.lab@crepes.fr>");
        assert!(is_7bit_clean(&raw), "{}", String::from_utf8_lossy(&raw));
        let msg = Message::parse(&raw);
        assert_eq!(msg.subject().as_deref(), Some("Menu de la crêperie"));
        let root = msg.root();
        assert!(root.content_type.is("multipart", "mixed"));
        let [alternative, file] = root.children() else {
            panic!("two parts: {root:#?}");
        };
        assert!(matches!(alternative.kind, PartKind::Multipart(_)));
        assert!(alternative.children()[1].content_type.is("text", "html"));
        assert_eq!(file.decoded_body(&raw), (0..=255u8).collect::<Vec<_>>());
        let disposition = file.disposition(&raw).expect("a disposition");
        assert_eq!(disposition.kind, "attachment");
        assert_eq!(
            crate::mail::mime::param(&disposition.params, "filename*"),
            Some("utf-8''menu-cr%C3%AApes.pdf")
        );
        assert_eq!(file.filename(&raw).as_deref(), Some("menu-crêpes.pdf"));
        assert_eq!(
            crate::mail::mime::decoded_param(&file.content_type.params, "name").as_deref(),
            Some("menu-crêpes.pdf")
        );
        assert_eq!(raw, d.build(when(), "<2.lab@crepes.fr>"), "deterministic");
    }

    #[test]
    fn long_and_tricky_file_names_survive_and_keep_lines_short() {
        for filename in [
            "my_filename.txt".to_string(),
            "quote\" and back\\slash.txt".to_string(),
            "数据报告".repeat(40) + ".pdf",
            "a".repeat(200),
        ] {
            let mut d = draft();
            d.attachments.push(Attachment {
                filename: filename.clone(),
                content_type: "application/pdf".into(),
                data: vec![1, 2, 3],
            });
            let raw = d.build(when(), "<3.lab@crepes.fr>");
            assert!(is_7bit_clean(&raw), "{filename}");
            assert!(
                raw.split(|&b| b == b'\n').all(|l| l.len() <= 80),
                "{filename}: a line is too long"
            );
            let msg = Message::parse(&raw);
            let file = &msg.root().children()[1];
            assert_eq!(file.filename(&raw).as_deref(), Some(filename.as_str()));
            assert_eq!(
                crate::mail::mime::decoded_param(&file.content_type.params, "name").as_deref(),
                Some(filename.as_str()),
                "the Content-Type name is the same name"
            );
        }
    }
}
