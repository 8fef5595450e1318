//! Addressing a piece of a message the way IMAP's `BODY[section]<partial>` does (RFC 3501
//! §6.4.5): part numbers, `HEADER`, `HEADER.FIELDS (…)`, `HEADER.FIELDS.NOT (…)`, `TEXT`, `MIME`,
//! and partial ranges. The IMAP module parses the syntax into a [`Section`]; this module knows
//! what it means for a message.

use std::borrow::Cow;

use super::header;
use super::mime::{Part, PartKind};

/// A section specification (RFC 3501 §6.4.5).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// Part numbers, each ≥ 1 (`1.2.3`); empty for the message itself.
    pub part: Vec<u32>,
    /// What of that part; `None` is the part's body (or the whole message when `part` is empty).
    pub text: Option<SectionText>,
}

/// The text specifier of a section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SectionText {
    /// `HEADER`: the header section, empty line included.
    Header,
    /// `HEADER.FIELDS (a b)`: only the named fields, then the empty line.
    HeaderFields(Vec<String>),
    /// `HEADER.FIELDS.NOT (a b)`: all but the named fields, then the empty line.
    HeaderFieldsNot(Vec<String>),
    /// `TEXT`: the body of the message.
    Text,
    /// `MIME`: the MIME header of a body part (only with a part number).
    Mime,
}

/// The octets `section` designates in the message whose top part is `root`, or `None` if the
/// message has no such part (or `MIME` without a part number, or `HEADER`/`TEXT` of a part that
/// is not a message/rfc822).
pub fn resolve<'a>(raw: &'a [u8], root: &Part, section: &Section) -> Option<Cow<'a, [u8]>> {
    if section.part.is_empty() {
        return match &section.text {
            None => Some(Cow::Borrowed(raw)),
            Some(SectionText::Mime) => None,
            Some(text) => message_text(raw, root, text),
        };
    }
    let part = find_part(root, &section.part)?;
    match &section.text {
        None => Some(Cow::Borrowed(part.body_bytes(raw))),
        Some(SectionText::Mime) => Some(Cow::Borrowed(raw.get(part.header.clone())?)),
        // RFC 3501 §6.4.5: HEADER, HEADER.FIELDS and TEXT after a part number refer to the
        // message encapsulated in a MESSAGE/RFC822 part.
        Some(text) => match &part.kind {
            PartKind::Message(inner) => message_text(raw, inner, text),
            _ => None,
        },
    }
}

/// The part numbered `path` below the message whose top part is `root` (RFC 3501 §6.4.5):
/// the parts of a multipart are numbered from 1; a message that is not multipart has one part,
/// its body, numbered 1; the numbers after a MESSAGE/RFC822 part address the encapsulated
/// message's parts in the same way.
pub fn find_part<'p>(root: &'p Part, path: &[u32]) -> Option<&'p Part> {
    let mut message_top = root;
    let mut found: Option<&Part> = None;
    for &n in path {
        let index = usize::try_from(n.checked_sub(1)?).ok()?;
        let container = match found {
            None => message_top,
            Some(part) => match &part.kind {
                PartKind::Multipart(_) => part,
                PartKind::Message(inner) => {
                    message_top = inner;
                    inner
                }
                PartKind::Single => return None,
            },
        };
        let next = match &container.kind {
            PartKind::Multipart(children) => children.get(index)?,
            _ if index == 0 && (found.is_none() || std::ptr::eq(container, message_top)) => {
                container
            }
            _ => return None,
        };
        found = Some(next);
    }
    found
}

fn message_text<'a>(raw: &'a [u8], top: &Part, text: &SectionText) -> Option<Cow<'a, [u8]>> {
    match text {
        SectionText::Header => Some(Cow::Borrowed(raw.get(top.header.clone())?)),
        SectionText::Text => Some(Cow::Borrowed(top.body_bytes(raw))),
        SectionText::HeaderFields(names) => Some(Cow::Owned(header_subset(raw, top, names, true))),
        SectionText::HeaderFieldsNot(names) => {
            Some(Cow::Owned(header_subset(raw, top, names, false)))
        }
        SectionText::Mime => None,
    }
}

/// The fields whose names are (or, with `keep == false`, are not) in `names`, in message order,
/// followed by the empty line (RFC 3501 §6.4.5: "the subset … includes the blank line").
fn header_subset(raw: &[u8], top: &Part, names: &[String], keep: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for field in header::fields(raw, top.fields.clone()) {
        let listed = names.iter().any(|n| field.is(raw, n));
        if listed == keep {
            let whole = raw.get(field.whole.clone()).unwrap_or_default();
            out.extend_from_slice(whole);
            if !whole.ends_with(b"\n") {
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// The `<origin.count>` partial range of `bytes` (RFC 3501 §6.4.5): from octet `origin`, at
/// most `count` octets; an origin past the end gives nothing.
pub fn partial(bytes: &[u8], origin: u32, count: Option<u32>) -> &[u8] {
    let start = usize::try_from(origin)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    let end = match count {
        Some(count) => start.saturating_add(usize::try_from(count).unwrap_or(usize::MAX)),
        None => bytes.len(),
    };
    bytes.get(start..end.min(bytes.len())).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::mime::ContentType;

    const NESTED: &[u8] = b"Subject: top\r\n\
Content-Type: multipart/mixed; boundary=outer\r\n\r\n\
--outer\r\n\
Content-Type: text/plain\r\n\r\n\
first\r\n\
--outer\r\n\
Content-Type: message/rfc822\r\n\r\n\
Subject: inside\r\n\
From: a@b.c\r\n\
Content-Type: multipart/alternative; boundary=inner\r\n\r\n\
--inner\r\n\
Content-Type: text/plain\r\n\r\n\
inner plain\r\n\
--inner\r\n\
Content-Type: text/html\r\n\r\n\
<b>inner html</b>\r\n\
--inner--\r\n\
\r\n\
--outer--\r\n";

    fn get(raw: &[u8], part: &[u32], text: Option<SectionText>) -> Option<Vec<u8>> {
        let root = Part::parse(raw, 0..raw.len(), ContentType::text_plain());
        let section = Section {
            part: part.to_vec(),
            text,
        };
        resolve(raw, &root, &section).map(Cow::into_owned)
    }

    #[test]
    fn whole_message_header_and_text() {
        assert_eq!(get(NESTED, &[], None).as_deref(), Some(NESTED));
        let header = get(NESTED, &[], Some(SectionText::Header)).expect("header");
        assert!(header.starts_with(b"Subject: top\r\n") && header.ends_with(b"outer\r\n\r\n"));
        let text = get(NESTED, &[], Some(SectionText::Text)).expect("text");
        assert!(text.starts_with(b"--outer\r\n"));
        assert_eq!(get(NESTED, &[], Some(SectionText::Mime)), None);
    }

    #[test]
    fn part_numbers_reach_into_encapsulated_messages() {
        assert_eq!(get(NESTED, &[1], None).as_deref(), Some(&b"first"[..]));
        assert_eq!(
            get(NESTED, &[1], Some(SectionText::Mime)).as_deref(),
            Some(&b"Content-Type: text/plain\r\n\r\n"[..])
        );
        // BODY[2] of a MESSAGE/RFC822 part is the whole encapsulated message.
        let two = get(NESTED, &[2], None).expect("part 2");
        assert!(two.starts_with(b"Subject: inside\r\n") && two.ends_with(b"--inner--\r\n"));
        assert_eq!(
            get(
                NESTED,
                &[2],
                Some(SectionText::HeaderFields(vec!["SUBJECT".into()]))
            )
            .as_deref(),
            Some(&b"Subject: inside\r\n\r\n"[..])
        );
        assert_eq!(
            get(NESTED, &[2, 1], None).as_deref(),
            Some(&b"inner plain"[..])
        );
        assert_eq!(
            get(NESTED, &[2, 2], None).as_deref(),
            Some(&b"<b>inner html</b>"[..])
        );
        assert_eq!(get(NESTED, &[2, 3], None), None);
        assert_eq!(get(NESTED, &[3], None), None);
        assert_eq!(
            get(NESTED, &[1, 1], None),
            None,
            "a text part has no sub-parts"
        );
        assert_eq!(
            get(NESTED, &[1], Some(SectionText::Header)),
            None,
            "not a message part"
        );
        assert_eq!(get(NESTED, &[0], None), None, "parts are numbered from 1");
    }

    #[test]
    fn a_single_part_message_has_part_one_only() {
        let msg = b"Subject: s\r\n\r\nbody\r\n";
        assert_eq!(get(msg, &[1], None).as_deref(), Some(&b"body\r\n"[..]));
        assert_eq!(get(msg, &[2], None), None);
        assert_eq!(get(msg, &[1, 1], None), None);
    }

    #[test]
    fn header_fields_not_and_missing_fields() {
        let msg = b"A: 1\r\nB: 2\r\n folded\r\nC: 3\r\n\r\nbody";
        let not = get(
            msg,
            &[],
            Some(SectionText::HeaderFieldsNot(vec!["a".into(), "c".into()])),
        );
        assert_eq!(not.as_deref(), Some(&b"B: 2\r\n folded\r\n\r\n"[..]));
        let none = get(msg, &[], Some(SectionText::HeaderFields(vec!["X".into()])));
        assert_eq!(none.as_deref(), Some(&b"\r\n"[..]), "just the blank line");
    }

    #[test]
    fn partial_ranges() {
        assert_eq!(partial(b"0123456789", 2, Some(3)), b"234");
        assert_eq!(partial(b"0123456789", 8, Some(5)), b"89");
        assert_eq!(partial(b"0123456789", 20, Some(5)), b"");
        assert_eq!(partial(b"0123456789", 4, None), b"456789");
        assert_eq!(partial(b"abc", u32::MAX, Some(u32::MAX)), b"");
    }
}
