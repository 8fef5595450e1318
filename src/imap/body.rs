//! Writing the message views of [`crate::mail`] in IMAP syntax (RFC 3501 §7.4.2, §9):
//! `ENVELOPE`, `BODY` and `BODYSTRUCTURE`, with strings as quoted strings or literals.
//!
//! The facts come from `mail::envelope` and `mail::bodystructure`; only the syntax is here. The
//! rest of the response formatter joins this module with the IMAP issue.

use super::response;
use crate::mail::address::{Address, Mailbox};
use crate::mail::bodystructure::{BodyStructure, StructureKind};
use crate::mail::envelope::Envelope;
use crate::mail::mime::{Disposition, Param};

/// `string` (RFC 3501 §4.3), as the response writer writes it (quoted or literal).
fn write_string(out: &mut Vec<u8>, s: &[u8]) {
    response::write_string(s, out);
}

/// `nstring`: NIL or a string.
fn write_nstring(out: &mut Vec<u8>, s: Option<&[u8]>) {
    response::write_nstring(s, out);
}

/// `envelope` (RFC 3501 §7.4.2).
pub fn write_envelope(out: &mut Vec<u8>, env: &Envelope) {
    out.push(b'(');
    write_nstring(out, env.date.as_deref());
    out.push(b' ');
    write_nstring(out, env.subject.as_deref());
    for list in [
        &env.from,
        &env.sender,
        &env.reply_to,
        &env.to,
        &env.cc,
        &env.bcc,
    ] {
        out.push(b' ');
        write_addresses(out, list);
    }
    out.push(b' ');
    write_nstring(out, env.in_reply_to.as_deref());
    out.push(b' ');
    write_nstring(out, env.message_id.as_deref());
    out.push(b')');
}

/// An address list: NIL when empty; a group is a start marker `(NIL NIL "name" NIL)`, its
/// members, and an end marker `(NIL NIL NIL NIL)` (RFC 3501 §7.4.2).
fn write_addresses(out: &mut Vec<u8>, list: &[Address]) {
    if list.is_empty() {
        out.extend_from_slice(b"NIL");
        return;
    }
    out.push(b'(');
    for address in list {
        match address {
            Address::Mailbox(m) => write_mailbox(out, m),
            Address::Group { name, members } => {
                out.extend_from_slice(b"(NIL NIL ");
                write_string(out, name.as_bytes());
                out.extend_from_slice(b" NIL)");
                for m in members {
                    write_mailbox(out, m);
                }
                out.extend_from_slice(b"(NIL NIL NIL NIL)");
            }
        }
    }
    out.push(b')');
}

fn write_mailbox(out: &mut Vec<u8>, m: &Mailbox) {
    out.push(b'(');
    write_nstring(out, m.name.as_deref().map(str::as_bytes));
    out.push(b' ');
    write_nstring(out, m.route.as_deref().map(str::as_bytes));
    out.push(b' ');
    write_string(out, unquoted(&m.local_part).as_bytes());
    out.push(b' ');
    write_string(out, m.domain.as_bytes());
    out.push(b')');
}

/// RFC 3501 §7.4.2 (and its change list, item 18): addr-mailbox has RFC 2822 quoting removed.
fn unquoted(local_part: &str) -> String {
    match local_part
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
    {
        Some(inner) => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                out.push(if c == '\\' {
                    chars.next().unwrap_or(c)
                } else {
                    c
                });
            }
            out
        }
        None => local_part.to_string(),
    }
}

/// `body`: the `BODY` form without extension data (`extended == false`) or the
/// `BODYSTRUCTURE` form with it.
pub fn write_body(out: &mut Vec<u8>, body: &BodyStructure, extended: bool) {
    out.push(b'(');
    match &body.kind {
        StructureKind::Multipart(parts) => {
            for part in parts {
                write_body(out, part, extended);
            }
            out.push(b' ');
            write_string(out, body.subtype.as_bytes());
            if extended {
                out.push(b' ');
                write_params(out, &body.params);
                write_extension_tail(out, body);
            }
        }
        StructureKind::Single {
            id,
            description,
            encoding,
            octets,
            lines,
            message,
            md5,
        } => {
            write_string(out, body.media_type.as_bytes());
            out.push(b' ');
            write_string(out, body.subtype.as_bytes());
            out.push(b' ');
            write_params(out, &body.params);
            out.push(b' ');
            write_nstring(out, id.as_deref());
            out.push(b' ');
            write_nstring(out, description.as_deref());
            out.push(b' ');
            write_string(out, encoding.as_bytes());
            out.extend_from_slice(format!(" {octets}").as_bytes());
            let rfc822 = body.media_type.eq_ignore_ascii_case("message")
                && body.subtype.eq_ignore_ascii_case("rfc822");
            // body-type-msg: envelope, body and lines follow the body fields.
            if let (true, Some(inner)) = (rfc822, message) {
                out.push(b' ');
                write_envelope(out, &inner.0);
                out.push(b' ');
                write_body(out, &inner.1, extended);
            }
            // body-type-text and body-type-msg end with the line count.
            let text = body.media_type.eq_ignore_ascii_case("text");
            if let (true, Some(lines)) = (text || (rfc822 && message.is_some()), lines) {
                out.extend_from_slice(format!(" {lines}").as_bytes());
            }
            if extended {
                out.push(b' ');
                write_nstring(out, md5.as_deref());
                write_extension_tail(out, body);
            }
        }
    }
    out.push(b')');
}

/// `body-fld-param`: NIL or `("name" "value" …)`.
fn write_params(out: &mut Vec<u8>, params: &[Param]) {
    if params.is_empty() {
        out.extend_from_slice(b"NIL");
        return;
    }
    out.push(b'(');
    for (i, p) in params.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        write_string(out, p.name.as_bytes());
        out.push(b' ');
        write_string(out, p.value.as_bytes());
    }
    out.push(b')');
}

/// ` body-fld-dsp SP body-fld-lang SP body-fld-loc`.
fn write_extension_tail(out: &mut Vec<u8>, body: &BodyStructure) {
    out.push(b' ');
    write_disposition(out, body.disposition.as_ref());
    out.push(b' ');
    match body.language.as_slice() {
        [] => out.extend_from_slice(b"NIL"),
        [one] => write_string(out, one.as_bytes()),
        many => {
            out.push(b'(');
            for (i, tag) in many.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_string(out, tag.as_bytes());
            }
            out.push(b')');
        }
    }
    out.push(b' ');
    write_nstring(out, body.location.as_deref());
}

fn write_disposition(out: &mut Vec<u8>, d: Option<&Disposition>) {
    match d {
        None => out.extend_from_slice(b"NIL"),
        Some(d) => {
            out.push(b'(');
            write_string(out, d.kind.as_bytes());
            out.push(b' ');
            write_params(out, &d.params);
            out.push(b')');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(s: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        write_string(&mut out, s);
        out
    }

    #[test]
    fn quoted_when_possible_literal_otherwise() {
        assert_eq!(string(b"Saying Hello"), b"\"Saying Hello\"");
        assert_eq!(string(br#"a "b" \c"#), br#""a \"b\" \\c""#);
        assert_eq!(string(b""), b"\"\"");
        // RFC 3501 §4.3: CR, LF and 8-bit octets cannot be quoted.
        assert_eq!(string(b"a\rb"), b"{3}\r\na\rb");
        assert_eq!(string(b"a\nb"), b"{3}\r\na\nb");
        assert_eq!(string("é".as_bytes()), b"{2}\r\n\xc3\xa9");
        let long = vec![b'x'; 2000];
        assert!(string(&long).starts_with(b"{2000}\r\n"));
        // NUL is not even allowed in a literal (CHAR8): it is dropped.
        assert_eq!(string(b"a\0b"), b"\"ab\"");
    }

    #[test]
    fn nstring_is_nil_or_a_string() {
        let mut out = Vec::new();
        write_nstring(&mut out, None);
        out.push(b' ');
        write_nstring(&mut out, Some(b"NIL"));
        assert_eq!(out, b"NIL \"NIL\"", "the string NIL is not NIL");
    }
}
