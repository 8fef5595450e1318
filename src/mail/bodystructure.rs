//! The body structure of a message as IMAP's `BODYSTRUCTURE` presents it (RFC 3501 §7.4.2,
//! §9 `body`): for every part its media type, parameters, Content-ID, description, transfer
//! encoding, size in octets, line count for text and message parts, the ENVELOPE and body of
//! an encapsulated message, and the extension data (MD5, disposition, language, location).
//!
//! Writing the IMAP syntax is the IMAP module's job; this is the fact, computed from the parse.

use super::envelope::Envelope;
use super::mime::{Disposition, Param, Part, PartKind};

/// One node of a BODYSTRUCTURE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyStructure {
    pub media_type: String,
    pub subtype: String,
    /// `body-fld-param` (for a multipart: extension data).
    pub params: Vec<Param>,
    pub kind: StructureKind,
    /// `body-fld-dsp`.
    pub disposition: Option<Disposition>,
    /// `body-fld-lang`: the Content-Language tags.
    pub language: Vec<String>,
    /// `body-fld-loc`: the Content-Location.
    pub location: Option<Vec<u8>>,
}

/// The fields that differ between leaves and multiparts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StructureKind {
    /// `body-type-1part`: a leaf; `text/*` and `message/rfc822` carry a line count, and an
    /// encapsulated message its envelope and structure.
    Single {
        /// `body-fld-id`: the Content-ID.
        id: Option<Vec<u8>>,
        /// `body-fld-desc`: the Content-Description.
        description: Option<Vec<u8>>,
        /// `body-fld-enc`, e.g. `7BIT`, `BASE64`.
        encoding: String,
        /// `body-fld-octets`: the body's size in its transfer encoding.
        octets: usize,
        /// `body-fld-lines`, for `text/*` and `message/rfc822`.
        lines: Option<usize>,
        /// For `message/rfc822`: the encapsulated message.
        message: Option<Box<(Envelope, BodyStructure)>>,
        /// `body-fld-md5`: the Content-MD5.
        md5: Option<Vec<u8>>,
    },
    /// `body-type-mpart`: the parts, in order (at least one: the grammar needs `1*body`).
    Multipart(Vec<BodyStructure>),
}

impl BodyStructure {
    /// The structure of `part` (the message's top part for the whole message).
    pub fn of(raw: &[u8], part: &Part) -> BodyStructure {
        let ct = &part.content_type;
        let disposition = part.disposition(raw);
        let language = part
            .field_value(raw, "content-language")
            .map(|v| {
                String::from_utf8_lossy(&v)
                    .split(',')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let location = part.field_value(raw, "content-location").map(|v| {
            // RFC 2557 §4.2: folding white space inside a URL is not part of it.
            v.into_iter().filter(|b| !b.is_ascii_whitespace()).collect()
        });
        let kind = match &part.kind {
            // The parser gives every multipart at least one part (`1*body`).
            PartKind::Multipart(children) => StructureKind::Multipart(
                children.iter().map(|c| BodyStructure::of(raw, c)).collect(),
            ),
            PartKind::Single | PartKind::Message(_) => {
                let message = match &part.kind {
                    PartKind::Message(inner) => Some(Box::new((
                        Envelope::of(raw, inner),
                        BodyStructure::of(raw, inner),
                    ))),
                    _ => None,
                };
                let counts_lines = ct.is("text", "*") || message.is_some();
                StructureKind::Single {
                    id: part.field_value(raw, "content-id"),
                    description: part.field_value(raw, "content-description"),
                    encoding: part.encoding.as_str().to_ascii_uppercase(),
                    octets: part.body.len(),
                    lines: counts_lines.then(|| part.body_lines(raw)),
                    message,
                    md5: part.field_value(raw, "content-md5"),
                }
            }
        };
        BodyStructure {
            media_type: ct.media_type.clone(),
            subtype: ct.subtype.clone(),
            params: ct.params.clone(),
            kind,
            disposition,
            language,
            location,
        }
    }
}
