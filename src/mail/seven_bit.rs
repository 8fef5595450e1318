//! 7-bit transport: the check, and the conversion an SMTP client makes before sending to a
//! server that does not offer 8BITMIME.
//!
//! SMTP without extensions carries 7-bit US-ASCII in lines of at most 998 octets (RFC 5321
//! §2.4, §4.5.3.1.6); 8-bit content needs BODY=8BITMIME (RFC 6152). A message that is not 7-bit
//! clean is converted without changing what the reader sees (RFC 6152 §3, RFC 2045): leaf
//! bodies that are not 7-bit clean are decoded and re-encoded — text as quoted-printable,
//! anything else as base64 — with their Content-Transfer-Encoding updated; 8-bit text in
//! unstructured header fields and display names becomes RFC 2047 encoded-words; 8-bit MIME
//! parameters become RFC 2231 extended parameters; `8bit`/`binary` labels on multiparts and
//! encapsulated messages become `7bit`; over-long header lines are refolded; MIME-Version is added
//! where a converted message lacks it. Everything else is copied byte for byte.
//!
//! What cannot be converted is refused, never silently damaged: an 8-bit address needs SMTPUTF8
//! (RFC 6531), 8-bit octets in a structured field such as Message-ID or Date have no 7-bit form,
//! and neither has an 8-bit multipart without a usable boundary. RFC 6152 §3 then asks the
//! client not to send the message to that server. (Comments inside a rewritten address field are
//! not kept: only the display names and addresses are.)

use std::fmt;

use super::Message;
use super::address::{self, Address};
use super::encoded_word;
use super::encoding::{self, TransferEncoding};
use super::header::{self, Field};
use super::mime::{self, ContentType, Disposition, Part, PartKind};

/// The longest text line SMTP carries, CRLF not counted (RFC 5321 §4.5.3.1.6).
pub const MAX_LINE: usize = 998;

/// Why a message cannot be made 7-bit clean.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unconvertible {
    /// An address with 8-bit octets: only SMTPUTF8 (RFC 6531) can carry it.
    EightBitAddress(String),
    /// 8-bit octets in a structured field that has no encoded form (Message-ID, Date, …).
    EightBitField(String),
    /// A header line over 998 octets with no white space to fold it at.
    LongHeaderLine(String),
    /// A multipart body with 8-bit content but no boundary to find its parts by.
    EightBitComposite,
}

impl fmt::Display for Unconvertible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unconvertible::EightBitAddress(field) => {
                write!(
                    f,
                    "the {field} field has a non-ASCII address, which needs SMTPUTF8"
                )
            }
            Unconvertible::EightBitField(field) => {
                write!(f, "the {field} field has 8-bit octets and no 7-bit form")
            }
            Unconvertible::LongHeaderLine(field) => {
                write!(
                    f,
                    "the {field} field has a line over {MAX_LINE} octets that cannot be folded"
                )
            }
            Unconvertible::EightBitComposite => {
                write!(
                    f,
                    "a multipart body has 8-bit content but no usable boundary"
                )
            }
        }
    }
}

impl std::error::Error for Unconvertible {}

/// Whether `raw` can be sent as it is to a server without 8BITMIME.
pub fn is_7bit_clean(raw: &[u8]) -> bool {
    encoding::is_7bit(raw) && !encoding::has_long_lines(raw, MAX_LINE)
}

/// `raw` made 7-bit clean (unchanged if it already is), or why that is impossible.
pub fn to_7bit(raw: &[u8]) -> Result<Vec<u8>, Unconvertible> {
    if is_7bit_clean(raw) {
        return Ok(raw.to_vec());
    }
    let message = Message::parse(raw);
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 3);
    write_part(raw, message.root(), true, &mut out)?;
    Ok(out)
}

/// Header fields whose values are address lists (RFC 5322 §3.6.2, §3.6.3, §3.6.6).
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

/// Structured fields with no place for encoded-words (RFC 2047 §5 lists where they may go).
const STRUCTURED_FIELDS: &[&str] = &[
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "resent-date",
    "resent-message-id",
    "return-path",
    "received",
    "mime-version",
    "content-transfer-encoding",
    "content-id",
    "content-md5",
    "content-location",
];

/// Writes `part` 7-bit clean. `message_top` is true for the top part of a message (the whole
/// one, or one encapsulated in message/rfc822), where MIME-Version belongs (RFC 2045 §4).
fn write_part(
    raw: &[u8],
    part: &Part,
    message_top: bool,
    out: &mut Vec<u8>,
) -> Result<(), Unconvertible> {
    let leaf = matches!(part.kind, PartKind::Single);
    let body_bytes = part.body_bytes(raw);
    let reencode = leaf && !is_7bit_clean(body_bytes);
    if reencode && part.content_type.is("multipart", "*") {
        return Err(Unconvertible::EightBitComposite);
    }
    let text = part.content_type.is("text", "*");
    let new_encoding = if text { "quoted-printable" } else { "base64" };

    // The body first, so the header knows whether anything changed.
    let mut body = Vec::with_capacity(body_bytes.len());
    match &part.kind {
        PartKind::Single if reencode => {
            let decoded = part.decoded_body(raw);
            if text {
                body.extend_from_slice(&encoding::qp_encode(&decoded));
            } else {
                body.extend_from_slice(&encoding::base64_encode_lines(&decoded));
            }
        }
        PartKind::Single => body.extend_from_slice(body_bytes),
        PartKind::Multipart(children) => {
            // Preamble, delimiters and epilogue are copied (8-bit octets there, which readers
            // ignore, become '?'); each part is converted in place.
            let mut cursor = part.body.start;
            for child in children {
                let start = child.header.start.min(child.fields.start);
                body.extend(sanitized(raw.get(cursor..start).unwrap_or_default()));
                write_part(raw, child, false, &mut body)?;
                cursor = child.body.end.max(start);
            }
            body.extend(sanitized(
                raw.get(cursor..part.body.end).unwrap_or_default(),
            ));
        }
        PartKind::Message(inner) => write_part(raw, inner, true, &mut body)?,
    }
    let changed = reencode || body.as_slice() != body_bytes;

    let mut had_encoding = false;
    let mut had_type = false;
    let mut had_version = false;
    let mut cursor = part.fields.start;
    for field in part.header_fields(raw) {
        // Lines that are not fields (an mbox "From " line, say) are kept.
        out.extend(sanitized(
            raw.get(cursor..field.whole.start).unwrap_or_default(),
        ));
        cursor = field.whole.end;
        had_type |= field.is(raw, "content-type");
        had_version |= field.is(raw, "mime-version");
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
                // RFC 2046 §5.1.1, §5.2.1: composite parts are labelled with what their content
                // really is; once their parts are 7-bit, so are they.
                header::write_field(out, "Content-Transfer-Encoding", "7bit");
                continue;
            }
        }
        write_field_7bit(raw, &field, out)?;
    }
    out.extend(sanitized(
        raw.get(cursor..part.fields.end).unwrap_or_default(),
    ));
    if message_top && !had_version && changed {
        header::write_field(out, "MIME-Version", "1.0");
    }
    if reencode && !had_type && text {
        let charset = if std::str::from_utf8(body_bytes).is_ok() {
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
    if reencode && !had_encoding {
        header::write_field(out, "Content-Transfer-Encoding", new_encoding);
    }
    // The empty line that ends the header, as it was (or one, if the part had none).
    match raw
        .get(part.fields.end..part.header.end)
        .filter(|b| !b.is_empty())
    {
        Some(blank) => out.extend_from_slice(blank),
        None if !body.is_empty() || reencode => out.extend_from_slice(b"\r\n"),
        None => {}
    }
    out.extend_from_slice(&body);
    Ok(())
}

/// Copies a header field, or rewrites it 7-bit clean.
fn write_field_7bit(raw: &[u8], field: &Field, out: &mut Vec<u8>) -> Result<(), Unconvertible> {
    let name = String::from_utf8_lossy(field.name(raw)).into_owned();
    let lower = name.to_ascii_lowercase();
    let whole = raw.get(field.whole.clone()).unwrap_or_default();
    let value = field.value(raw);
    if encoding::is_7bit(&value) && !encoding::has_long_lines(whole, MAX_LINE) {
        out.extend_from_slice(whole);
        if !out.ends_with(b"\n") {
            out.extend_from_slice(b"\r\n");
        }
        return Ok(());
    }
    let rewritten = if encoding::is_7bit(&value) {
        // Only too long: refold the same value.
        String::from_utf8_lossy(&value).into_owned()
    } else if ADDRESS_FIELDS.contains(&lower.as_str()) {
        let mut list = Vec::new();
        for a in address::parse_address_list(field.raw_value(raw)) {
            let members = match &a {
                Address::Mailbox(m) => std::slice::from_ref(m),
                Address::Group { members, .. } => members.as_slice(),
            };
            if members
                .iter()
                .any(|m| !m.local_part.is_ascii() || !m.domain.is_ascii())
            {
                return Err(Unconvertible::EightBitAddress(name));
            }
            list.push(match a {
                Address::Mailbox(m) => address::format_mailbox_encoded(&m),
                Address::Group { name, members } => format!(
                    "{}: {};",
                    encoded_word::encode_phrase(&name),
                    members
                        .iter()
                        .map(address::format_mailbox_encoded)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        list.join(", ")
    } else if lower == "content-type" || lower == "content-disposition" {
        parameters_7bit(&lower, &value).ok_or_else(|| Unconvertible::EightBitField(name.clone()))?
    } else if STRUCTURED_FIELDS.contains(&lower.as_str()) {
        return Err(Unconvertible::EightBitField(name));
    } else {
        // Subject, Comments and every optional field (RFC 5322 §3.6.5, §3.6.8) are unstructured.
        encoded_word::encode_unstructured(&as_text(&value))
    };
    let mut field_out = Vec::new();
    header::write_field(&mut field_out, &name, &rewritten);
    if encoding::has_long_lines(&field_out, MAX_LINE) {
        return Err(Unconvertible::LongHeaderLine(name));
    }
    out.extend_from_slice(&field_out);
    Ok(())
}

/// A Content-Type or Content-Disposition with its 8-bit parameter values written as RFC 2231
/// extended parameters.
fn parameters_7bit(field: &str, value: &[u8]) -> Option<String> {
    let (head, params) = if field == "content-type" {
        let ct = ContentType::parse(value)?;
        (format!("{}/{}", ct.media_type, ct.subtype), ct.params)
    } else {
        let d = Disposition::parse(value)?;
        (d.kind, d.params)
    };
    if !head.is_ascii() {
        return None;
    }
    let mut out = head;
    for p in params {
        out.push_str("; ");
        out.push_str(&mime::write_param(&p.name, &as_text(p.value.as_bytes())));
    }
    Some(out)
}

/// Header bytes as text: UTF-8 if they are, else ISO-8859-1 (the common legacy 8-bit header).
fn as_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Octets nobody reads (preamble, epilogue, stray header lines) with 8-bit octets and NUL made
/// `?`, so they cannot make the message unclean.
fn sanitized(bytes: &[u8]) -> impl Iterator<Item = u8> + '_ {
    bytes
        .iter()
        .map(|&b| if b >= 0x80 || b == 0 { b'?' } else { b })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_text(raw: &[u8]) -> Option<String> {
        Message::parse(raw).body_text()
    }

    fn convert(raw: &[u8]) -> Vec<u8> {
        let out = to_7bit(raw).unwrap_or_else(|e| panic!("{e}"));
        assert!(is_7bit_clean(&out), "{}", String::from_utf8_lossy(&out));
        out
    }

    #[test]
    fn seven_bit_messages_are_left_alone() {
        let msg = b"Subject: plain\r\n\r\nHello\r\n";
        assert!(is_7bit_clean(msg));
        assert_eq!(to_7bit(msg), Ok(msg.to_vec()));
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
        let converted = convert(msg);
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
        let converted = convert(msg);
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
        let converted = convert(msg);
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
        let converted = convert(msg.as_bytes());
        assert!(is_7bit_clean(&converted));
        assert_eq!(
            body_text(&converted).as_deref(),
            Some(format!("{line}\r\n").as_str())
        );
    }

    #[test]
    fn a_part_without_a_header_gets_one_when_reencoded() {
        let msg = "Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n\r\nnaïve\r\n--z--\r\n";
        let converted = convert(msg.as_bytes());
        assert!(is_7bit_clean(&converted));
        let parsed = Message::parse(&converted);
        let part = &parsed.root().children()[0];
        assert_eq!(part.text(&converted).as_deref(), Some("naïve"));
    }

    #[test]
    fn mime_parameters_become_rfc2231_not_encoded_words() {
        let msg = "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
Content-Type: application/pdf; name=\"café.pdf\"\r\n\
Content-Disposition: attachment; filename=\"café.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n";
        let converted = convert(msg.as_bytes());
        let parsed = Message::parse(&converted);
        let part = &parsed.root().children()[0];
        assert_eq!(part.filename(&converted).as_deref(), Some("café.pdf"));
        assert_eq!(
            mime::decoded_param(&part.content_type.params, "name").as_deref(),
            Some("café.pdf")
        );
        assert!(
            !String::from_utf8_lossy(&converted).contains("=?"),
            "no encoded-words in parameters"
        );
    }

    #[test]
    fn what_has_no_7bit_form_is_refused_not_damaged() {
        let refuse = |msg: &str| to_7bit(msg.as_bytes());
        assert_eq!(
            refuse("From: zé@crêpes.fr\r\n\r\nhi\r\n"),
            Err(Unconvertible::EightBitAddress("From".into()))
        );
        assert_eq!(
            refuse("Message-ID: <café@x>\r\n\r\nhi\r\n"),
            Err(Unconvertible::EightBitField("Message-ID".into()))
        );
        let long = format!("X-Long: {}\r\n\r\nhi\r\n", "x".repeat(1200));
        assert_eq!(
            refuse(&long),
            Err(Unconvertible::LongHeaderLine("X-Long".into()))
        );
        assert_eq!(
            refuse("Content-Type: multipart/mixed\r\n\r\nnaïve\r\n"),
            Err(Unconvertible::EightBitComposite)
        );
    }

    #[test]
    fn long_header_lines_with_spaces_are_refolded() {
        let words = vec!["word"; 300].join(" ");
        let msg = format!("X-Long: {words}\r\nSubject: ok\r\n\r\nhi\r\n");
        let converted = convert(msg.as_bytes());
        let field =
            header::find(&converted, 0..converted.len(), "x-long").map(|f| f.value(&converted));
        assert_eq!(field, Some(words.into_bytes()), "the same value, folded");
    }

    #[test]
    fn mislabelled_eight_bit_in_base64_and_preambles_and_mbox_lines() {
        let msg = b"From alice Mon Nov 23 09:00:00 2026\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\r\npr\xe9amble\r\n--b\r\n\
Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nQUJD\xff\r\n--b--\r\n\xe9pilogue\r\n";
        let converted = convert(msg);
        let text = String::from_utf8_lossy(&converted);
        assert!(
            text.starts_with("From alice Mon Nov 23 09:00:00 2026\r\n"),
            "the mbox line is kept: {text}"
        );
        assert!(text.contains("pr?amble"));
        let parsed = Message::parse(&converted);
        assert_eq!(
            parsed.root().children()[0].decoded_body(&converted),
            b"ABC",
            "what a reader decoded"
        );
    }

    #[test]
    fn a_top_level_eight_bit_part_gets_mime_version_even_with_a_cte_field() {
        let msg = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nété\r\n";
        let converted = convert(msg.as_bytes());
        let text = String::from_utf8_lossy(&converted);
        assert!(text.contains("MIME-Version: 1.0\r\n"), "{text}");
        assert_eq!(body_text(&converted).as_deref(), Some("été\r\n"));
    }

    #[test]
    fn an_encapsulated_eight_bit_message_is_converted_inside() {
        let msg = "MIME-Version: 1.0\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
Subject: à l'intérieur\r\n\r\ncorps accentué\r\n";
        let converted = convert(msg.as_bytes());
        let parsed = Message::parse(&converted);
        assert_eq!(parsed.root().encoding, TransferEncoding::SevenBit);
        let PartKind::Message(inner) = &parsed.root().kind else {
            panic!("still an encapsulated message");
        };
        let subject = inner
            .field_value(&converted, "subject")
            .map(|v| encoded_word::decode_unstructured(&String::from_utf8_lossy(&v)));
        assert_eq!(subject.as_deref(), Some("à l'intérieur"));
        assert_eq!(
            inner.text(&converted).as_deref(),
            Some("corps accentué\r\n")
        );
        assert!(
            inner.field_value(&converted, "mime-version").is_some(),
            "RFC 2045 §4"
        );
    }
}
