//! 7-bit transport: the check, and the conversion an SMTP client makes before sending to a
//! server that does not offer 8BITMIME.
//!
//! SMTP without extensions carries 7-bit US-ASCII in lines of at most 998 octets (RFC 5321
//! §2.4, §4.5.3.1.6); 8-bit content needs BODY=8BITMIME (RFC 6152, formerly RFC 1652). A message
//! that is not 7-bit clean is made so without changing what the reader sees (RFC 6152 §3,
//! RFC 2045): 8-bit leaf bodies are re-encoded — text as quoted-printable, anything else as
//! base64 — with their Content-Transfer-Encoding updated; 8-bit header fields become RFC 2047
//! encoded-words (display names only, in address fields); `8bit`/`binary` labels on multiparts
//! and encapsulated messages become `7bit`. Everything else is copied byte for byte.

use super::Message;
use super::address::{self, Address, Mailbox};
use super::encoded_word;
use super::encoding::{self, TransferEncoding};
use super::header::{self, Field};
use super::mime::{Part, PartKind};

/// The longest text line SMTP carries, CRLF not counted (RFC 5321 §4.5.3.1.6).
pub const MAX_LINE: usize = 998;

/// Whether `raw` can be sent as it is to a server without 8BITMIME.
pub fn is_7bit_clean(raw: &[u8]) -> bool {
    encoding::is_7bit(raw) && !encoding::has_long_lines(raw, MAX_LINE)
}

/// `raw` made 7-bit clean (unchanged if it already is).
pub fn to_7bit(raw: &[u8]) -> Vec<u8> {
    if is_7bit_clean(raw) {
        return raw.to_vec();
    }
    let message = Message::parse(raw);
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 3);
    write_part(raw, message.root(), true, &mut out);
    out
}

/// Header fields whose values are address lists (RFC 5322 §3.6.2, §3.6.3).
const ADDRESS_FIELDS: &[&str] = &[
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "bcc",
    "resent-from",
    "resent-sender",
    "resent-to",
    "resent-cc",
    "resent-bcc",
];

fn write_part(raw: &[u8], part: &Part, is_top: bool, out: &mut Vec<u8>) {
    let body = part.body_bytes(raw);
    let leaf = matches!(part.kind, PartKind::Single);
    let reencode =
        leaf && !matches!(
            part.encoding,
            TransferEncoding::Base64 | TransferEncoding::QuotedPrintable
        ) && !is_7bit_clean(body);
    let text = part.content_type.is("text", "*");
    let new_encoding = if text { "quoted-printable" } else { "base64" };

    let mut had_encoding = false;
    let mut had_type = false;
    let mut had_version = false;
    for field in part.header_fields(raw) {
        if field.is(raw, "content-transfer-encoding") {
            had_encoding = true;
            if reencode {
                header::write_field(out, "Content-Transfer-Encoding", new_encoding);
                continue;
            }
            if !leaf
                && matches!(
                    part.encoding,
                    TransferEncoding::EightBit | TransferEncoding::Binary
                )
            {
                // RFC 2046 §5.1.1, §5.2.1: composite types may only be labelled with the
                // encoding their content really has; once their parts are 7-bit, so are they.
                header::write_field(out, "Content-Transfer-Encoding", "7bit");
                continue;
            }
        }
        had_type |= field.is(raw, "content-type");
        had_version |= field.is(raw, "mime-version");
        write_field_7bit(raw, &field, out);
    }
    if reencode && !had_encoding {
        if is_top && !had_version {
            header::write_field(out, "MIME-Version", "1.0");
        }
        if !had_type && text {
            let charset = if std::str::from_utf8(body).is_ok() {
                "utf-8"
            } else {
                "iso-8859-1"
            };
            header::write_field(
                out,
                "Content-Type",
                &format!("text/plain; charset={charset}"),
            );
        }
        header::write_field(out, "Content-Transfer-Encoding", new_encoding);
    }
    // The empty line that ends the header, as it was (or one, if the part had none).
    match raw
        .get(part.fields.end..part.header.end)
        .filter(|b| !b.is_empty())
    {
        Some(blank) => out.extend_from_slice(blank),
        None if !part.body.is_empty() || reencode => out.extend_from_slice(b"\r\n"),
        None => {}
    }

    match &part.kind {
        PartKind::Single if reencode => {
            let decoded = part.decoded_body(raw);
            if text {
                out.extend_from_slice(&encoding::qp_encode(&decoded));
            } else {
                out.extend_from_slice(&encoding::base64_encode_lines(&decoded));
            }
        }
        PartKind::Single => out.extend_from_slice(body),
        PartKind::Multipart(children) => {
            // Preamble, delimiters and epilogue are copied; each part is converted in place.
            let mut cursor = part.body.start;
            for child in children {
                let child_start = child.header.start.min(child.fields.start);
                out.extend_from_slice(raw.get(cursor..child_start).unwrap_or_default());
                write_part(raw, child, false, out);
                cursor = child.body.end.max(child_start);
            }
            out.extend_from_slice(raw.get(cursor..part.body.end).unwrap_or_default());
        }
        PartKind::Message(inner) => write_part(raw, inner, false, out),
    }
}

/// Copies a header field, or rewrites it with RFC 2047 words if its value is not 7-bit.
fn write_field_7bit(raw: &[u8], field: &Field, out: &mut Vec<u8>) {
    let value = field.value(raw);
    if encoding::is_7bit(&value) {
        out.extend_from_slice(raw.get(field.whole.clone()).unwrap_or_default());
        if !out.ends_with(b"\n") {
            out.extend_from_slice(b"\r\n");
        }
        return;
    }
    let name = String::from_utf8_lossy(field.name(raw)).into_owned();
    let lower = name.to_ascii_lowercase();
    let rewritten = if ADDRESS_FIELDS.contains(&lower.as_str()) {
        address::parse_address_list(field.raw_value(raw))
            .iter()
            .map(|a| match a {
                Address::Mailbox(m) => mailbox_7bit(m),
                Address::Group { name, members } => format!(
                    "{}: {};",
                    encoded_word::encode_phrase(name),
                    members
                        .iter()
                        .map(mailbox_7bit)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        encoded_word::encode_unstructured(&as_text(&value))
    };
    header::write_field(out, &name, &rewritten);
}

fn mailbox_7bit(m: &Mailbox) -> String {
    let name = m.name.as_deref().map(encoded_word::encode_phrase);
    let bare = Mailbox {
        name: None,
        ..m.clone()
    };
    let spec = address::format_mailbox(&bare);
    match name {
        Some(name) if !name.is_empty() => format!("{name} <{}>", spec.trim_matches(['<', '>'])),
        _ => spec,
    }
}

/// Header bytes as text: UTF-8 if they are, else ISO-8859-1 (the common legacy 8-bit header).
fn as_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_text(raw: &[u8]) -> Option<String> {
        Message::parse(raw).body_text()
    }

    #[test]
    fn seven_bit_messages_are_left_alone() {
        let msg = b"Subject: plain\r\n\r\nHello\r\n";
        assert!(is_7bit_clean(msg));
        assert_eq!(to_7bit(msg), msg);
    }

    #[test]
    fn french_accents_are_encoded_and_read_the_same() {
        let msg = "From: Alice Liddell <alice@crepes.fr>\r\n\
To: bob@hamburger.edu\r\n\
Subject: Crêpes à la française\r\n\
\r\n\
Bonjour Bob, les crêpes sont prêtes. À bientôt !\r\n"
            .as_bytes();
        assert!(!is_7bit_clean(msg));
        let converted = to_7bit(msg);
        assert!(
            is_7bit_clean(&converted),
            "{}",
            String::from_utf8_lossy(&converted)
        );
        let text = String::from_utf8_lossy(&converted);
        assert!(text.contains("MIME-Version: 1.0\r\n"));
        assert!(text.contains("Content-Type: text/plain; charset=utf-8\r\n"));
        assert!(text.contains("Content-Transfer-Encoding: quoted-printable\r\n"));
        assert!(
            text.contains("=?"),
            "the subject is an encoded-word: {text}"
        );
        let parsed = Message::parse(&converted);
        assert_eq!(parsed.subject().as_deref(), Some("Crêpes à la française"));
        assert_eq!(
            body_text(&converted).as_deref(),
            Some("Bonjour Bob, les crêpes sont prêtes. À bientôt !\r\n")
        );
        assert_eq!(parsed.from()[0].local_part, "alice");
    }

    #[test]
    fn eight_bit_display_names_become_encoded_words() {
        let msg = "From: Zoé Martin <zoe@crepes.fr>\r\n\r\nhi\r\n".as_bytes();
        let converted = to_7bit(msg);
        assert!(is_7bit_clean(&converted));
        let from = Message::parse(&converted).from();
        assert_eq!(from[0].domain, "crepes.fr");
        let name = from[0].name.clone().unwrap_or_default();
        assert_eq!(encoded_word::decode_phrase(&name), "Zoé Martin");
    }

    #[test]
    fn multipart_leaves_are_converted_in_place() {
        let msg = "MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\
Content-Transfer-Encoding: 8bit\r\n\
\r\n\
preamble\r\n\
--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: 8bit\r\n\
\r\n\
déjà vu\r\n\
--b\r\n\
Content-Type: application/octet-stream\r\n\
\r\n\
\u{1}\u{2}ÿ\r\n\
--b\r\n\
Content-Type: text/plain\r\n\
\r\n\
already ascii\r\n\
--b--\r\n"
            .as_bytes();
        let converted = to_7bit(msg);
        assert!(
            is_7bit_clean(&converted),
            "{}",
            String::from_utf8_lossy(&converted)
        );
        let parsed = Message::parse(&converted);
        let root = parsed.root();
        assert_eq!(
            root.encoding,
            TransferEncoding::SevenBit,
            "composite relabelled 7bit"
        );
        let parts = root.children();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].encoding, TransferEncoding::QuotedPrintable);
        assert_eq!(parts[0].text(&converted).as_deref(), Some("déjà vu"));
        assert_eq!(parts[1].encoding, TransferEncoding::Base64);
        assert_eq!(parts[1].decoded_body(&converted), "\u{1}\u{2}ÿ".as_bytes());
        assert_eq!(parts[2].body_bytes(&converted), b"already ascii");
        assert!(converted.starts_with(b"MIME-Version: 1.0\r\n"));
        let text = String::from_utf8_lossy(&converted);
        assert!(text.contains("\r\npreamble\r\n--b\r\n"));
        assert!(text.ends_with("--b--\r\n"));
    }

    #[test]
    fn overlong_lines_are_wrapped_by_quoted_printable() {
        let line = "x".repeat(2000);
        let msg = format!("Subject: long\r\n\r\n{line}\r\n");
        assert!(!is_7bit_clean(msg.as_bytes()));
        let converted = to_7bit(msg.as_bytes());
        assert!(is_7bit_clean(&converted));
        assert_eq!(
            body_text(&converted).as_deref(),
            Some(format!("{line}\r\n").as_str())
        );
    }

    #[test]
    fn a_part_without_a_header_gets_one_when_reencoded() {
        let msg = "Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n\r\nnaïve\r\n--z--\r\n";
        let converted = to_7bit(msg.as_bytes());
        assert!(is_7bit_clean(&converted));
        let parsed = Message::parse(&converted);
        let part = &parsed.root().children()[0];
        assert_eq!(part.text(&converted).as_deref(), Some("naïve"));
    }
}
