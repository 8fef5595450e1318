//! FETCH data (RFC 3501 §6.4.5, §7.4.2): what each data item of a FETCH is for one message.
//!
//! The facts come from [`crate::mail`] (envelope, body structure, sections) and the store's
//! message (flags, date, size); [`super::body`] writes the IMAP syntax. Invariant: every item
//! asked for is answered, in the order asked, and a section the message does not have is `NIL`
//! rather than an error (the rest of the FETCH still succeeds).

use super::body::{write_body, write_envelope};
use super::command::{FetchAttribute, FetchItems};
use super::response::FetchData;
use super::selected::View;
use crate::mail::Message as Parsed;
use crate::mail::date::{DateTime, format_imap_date_time};
use crate::mail::section::{Section, SectionText};
use crate::store::Message;

/// The data items a FETCH asks for, macros expanded (§6.4.5: ALL, FAST, FULL).
pub fn expand(items: &FetchItems) -> Vec<FetchAttribute> {
    use FetchAttribute::*;
    match items {
        FetchItems::All => vec![Flags, InternalDate, Rfc822Size, Envelope],
        FetchItems::Fast => vec![Flags, InternalDate, Rfc822Size],
        FetchItems::Full => vec![Flags, InternalDate, Rfc822Size, Envelope, Body],
        FetchItems::List(list) => list.clone(),
    }
}

/// Whether fetching these items sets `\Seen` (§6.4.5: `BODY[…]`, `RFC822` and `RFC822.TEXT`;
/// not `BODY.PEEK[…]` nor `RFC822.HEADER`).
pub fn sets_seen(items: &[FetchAttribute]) -> bool {
    items.iter().any(|item| {
        matches!(
            item,
            FetchAttribute::BodySection { peek: false, .. }
                | FetchAttribute::Rfc822
                | FetchAttribute::Rfc822Text
        )
    })
}

/// The FETCH data of one message, in the order of `items`.
pub fn fetch(items: &[FetchAttribute], message: &Message, view: &View) -> Vec<FetchData> {
    let raw: &[u8] = message.raw();
    let needs_parse = items.iter().any(|i| {
        !matches!(
            i,
            FetchAttribute::Flags
                | FetchAttribute::InternalDate
                | FetchAttribute::Rfc822Size
                | FetchAttribute::Uid
                | FetchAttribute::Rfc822
        )
    });
    let parsed = needs_parse.then(|| Parsed::parse(raw));
    let section = |section: &Section| parsed.as_ref().and_then(|p| p.section(section));
    items
        .iter()
        .map(|item| match item {
            FetchAttribute::Uid => FetchData::Uid(message.uid().get()),
            FetchAttribute::Flags => FetchData::Flags(view.flags_of(message)),
            FetchAttribute::InternalDate => {
                FetchData::InternalDate(format_imap_date_time(DateTime {
                    instant: message.internal_date(),
                    offset_minutes: 0,
                }))
            }
            FetchAttribute::Rfc822Size => {
                FetchData::Rfc822Size(u32::try_from(message.size()).unwrap_or(u32::MAX))
            }
            FetchAttribute::Envelope => {
                let mut out = Vec::new();
                if let Some(p) = &parsed {
                    write_envelope(&mut out, &p.envelope());
                }
                FetchData::Envelope(out)
            }
            FetchAttribute::Body | FetchAttribute::BodyStructure => {
                let extended = *item == FetchAttribute::BodyStructure;
                let mut out = Vec::new();
                if let Some(p) = &parsed {
                    write_body(&mut out, &p.body_structure(), extended);
                }
                if extended {
                    FetchData::BodyStructure(out)
                } else {
                    FetchData::Body(out)
                }
            }
            FetchAttribute::Rfc822 => FetchData::Rfc822(Some(raw.to_vec())),
            FetchAttribute::Rfc822Header => FetchData::Rfc822Header(
                section(&Section {
                    part: Vec::new(),
                    text: Some(SectionText::Header),
                })
                .map(|s| s.into_owned()),
            ),
            FetchAttribute::Rfc822Text => FetchData::Rfc822Text(
                section(&Section {
                    part: Vec::new(),
                    text: Some(SectionText::Text),
                })
                .map(|s| s.into_owned()),
            ),
            FetchAttribute::BodySection {
                section: wanted,
                partial,
                ..
            } => {
                let data = section(wanted).map(|octets| match partial {
                    // §6.4.5: a partial fetch starting past the end is the empty string.
                    Some((origin, length)) => {
                        let start = (*origin as usize).min(octets.len());
                        let end = start.saturating_add(*length as usize).min(octets.len());
                        octets.get(start..end).unwrap_or_default().to_vec()
                    }
                    None => octets.into_owned(),
                });
                FetchData::BodySection {
                    section: wanted.clone(),
                    origin: partial.map(|(origin, _)| origin),
                    data,
                }
            }
        })
        .collect()
}
