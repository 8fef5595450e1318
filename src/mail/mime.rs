//! The MIME structure of a message (RFC 2045, RFC 2046): content types with parameters, the
//! part tree with nested multiparts and encapsulated `message/rfc822` messages.
//!
//! Invariants: a [`Part`] is ranges into the raw octets plus what its header says; parsing never
//! copies the body and never fails — malformed structure degrades to a single opaque part.
//! Nesting deeper than [`MAX_DEPTH`] is treated as opaque, so hostile input cannot exhaust the
//! stack.

use std::ops::Range;

use super::encoding::TransferEncoding;
use super::header::{self, Field};

/// How deep multiparts and encapsulated messages are parsed; deeper content stays opaque.
pub const MAX_DEPTH: usize = 32;

/// A `name=value` parameter as written in the header (quotes removed, case kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub value: String,
}

/// A Content-Type (RFC 2045 §5.1): `type/subtype; name=value; …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentType {
    /// The media type as written (`text`, `MULTIPART`, …); compare with [`ContentType::is`].
    pub media_type: String,
    pub subtype: String,
    pub params: Vec<Param>,
}

impl ContentType {
    /// RFC 2045 §5.2: the default for a part without a (valid) Content-Type.
    pub fn text_plain() -> Self {
        ContentType {
            media_type: "TEXT".into(),
            subtype: "PLAIN".into(),
            params: vec![Param {
                name: "CHARSET".into(),
                value: "US-ASCII".into(),
            }],
        }
    }

    /// RFC 2046 §5.1.5: the default inside `multipart/digest`.
    pub fn message_rfc822() -> Self {
        ContentType {
            media_type: "MESSAGE".into(),
            subtype: "RFC822".into(),
            params: Vec::new(),
        }
    }

    /// Parses a Content-Type field body; `None` if it has no valid `type/subtype`.
    pub fn parse(value: &[u8]) -> Option<Self> {
        let mut tokens = Tokens::new(value);
        let media_type = tokens.token()?;
        if !tokens.special(b'/') {
            return None;
        }
        let subtype = tokens.token()?;
        Some(ContentType {
            media_type,
            subtype,
            params: tokens.params(),
        })
    }

    /// Whether this is `media_type/subtype` (case-insensitive; `*` matches any subtype).
    pub fn is(&self, media_type: &str, subtype: &str) -> bool {
        self.media_type.eq_ignore_ascii_case(media_type)
            && (subtype == "*" || self.subtype.eq_ignore_ascii_case(subtype))
    }

    /// The value of parameter `name` (case-insensitive), as written.
    pub fn param(&self, name: &str) -> Option<&str> {
        param(&self.params, name)
    }

    /// `type/subtype` in lower case, for display.
    pub fn essence(&self) -> String {
        format!("{}/{}", self.media_type, self.subtype).to_ascii_lowercase()
    }
}

/// A Content-Disposition (RFC 2183): `inline` or `attachment`, with parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disposition {
    pub kind: String,
    pub params: Vec<Param>,
}

impl Disposition {
    /// Parses a Content-Disposition field body.
    pub fn parse(value: &[u8]) -> Option<Self> {
        let mut tokens = Tokens::new(value);
        let kind = tokens.token()?;
        Some(Disposition {
            kind,
            params: tokens.params(),
        })
    }
}

/// The value of parameter `name` in `params` (names compare case-insensitively).
pub fn param<'a>(params: &'a [Param], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .map(|p| p.value.as_str())
}

/// The value of parameter `name` as text for a reader: RFC 2231 extended values (`name*=`) and
/// continuations (`name*0=`, `name*1*=`, …) are joined and decoded from their charset, and the
/// RFC 2047 words that some mailers put in quoted parameters are decoded too.
pub fn decoded_param(params: &[Param], name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    // RFC 2231 §4: `name*` is a single extended value.
    if let Some(v) = param(params, &format!("{lower}*")) {
        return Some(decode_extended(v, true));
    }
    // RFC 2231 §3: `name*0`, `name*1`, … in order; a segment ending in `*` is extended, and only
    // the first may carry the charset.
    let mut segments: Vec<(u32, bool, &str)> = params
        .iter()
        .filter_map(|p| {
            let rest = p.name.to_ascii_lowercase();
            let rest = rest.strip_prefix(&lower)?.strip_prefix('*')?.to_string();
            let (digits, extended) = match rest.strip_suffix('*') {
                Some(d) => (d.to_string(), true),
                None => (rest, false),
            };
            let n = digits.parse::<u32>().ok().filter(|_| !digits.is_empty())?;
            Some((n, extended, p.value.as_str()))
        })
        .collect();
    if !segments.is_empty() {
        crate::sort::sort_by(&mut segments, |a, b| a.0.cmp(&b.0));
        let mut raw = Vec::new();
        let mut charset = None;
        for (expected, (n, extended, value)) in segments.iter().enumerate() {
            if usize::try_from(*n).ok() != Some(expected) {
                break; // RFC 2231 §3: a gap ends the value
            }
            if *extended {
                let value = if *n == 0 {
                    let mut pieces = value.splitn(3, '\'');
                    match (pieces.next(), pieces.next(), pieces.next()) {
                        (Some(cs), Some(_lang), Some(rest)) => {
                            charset = Some(cs.to_string());
                            rest
                        }
                        _ => value,
                    }
                } else {
                    value
                };
                raw.extend(percent_decode(value));
            } else {
                raw.extend_from_slice(value.as_bytes());
            }
        }
        let charset = charset.unwrap_or_else(|| "utf-8".into());
        return Some(
            super::encoding::decode_charset(&charset, &raw)
                .unwrap_or_else(|| String::from_utf8_lossy(&raw).into_owned()),
        );
    }
    param(params, name).map(super::encoded_word::decode_unstructured)
}

/// The longest piece of an RFC 2231 value on one line, so folded header lines stay short.
const PARAM_SEGMENT: usize = 60;

/// Writes a parameter: `name="value"` for a short printable-ASCII value; otherwise RFC 2231 (§3, §4) extended and
/// continued segments — `name*0*=utf-8''…; name*1*=…` — each short enough for a folded line.
pub fn write_param(name: &str, value: &str) -> String {
    let plain = value.bytes().all(|b| (0x20..0x7f).contains(&b)) && value.len() <= PARAM_SEGMENT;
    if plain {
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        return format!("{name}=\"{escaped}\"");
    }
    // Percent-encode by character, so that no segment splits a UTF-8 sequence.
    let mut segments: Vec<String> = vec!["utf-8''".to_string()];
    for c in value.chars() {
        let mut utf8 = [0u8; 4];
        let encoded: String = c
            .encode_utf8(&mut utf8)
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        match segments.last_mut() {
            Some(last) if last.len() + encoded.len() <= PARAM_SEGMENT => last.push_str(&encoded),
            _ => segments.push(encoded),
        }
    }
    if let [only] = segments.as_slice() {
        return format!("{name}*={only}");
    }
    segments
        .iter()
        .enumerate()
        .map(|(i, segment)| format!("{name}*{i}*={segment}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `charset'language'percent-encoded` (RFC 2231 §4) to text.
fn decode_extended(value: &str, with_charset: bool) -> String {
    let mut pieces = value.splitn(3, '\'');
    let (charset, encoded) = match (with_charset, pieces.next(), pieces.next(), pieces.next()) {
        (true, Some(cs), Some(_lang), Some(rest)) => (cs, rest),
        _ => ("utf-8", value),
    };
    let bytes = percent_decode(encoded);
    super::encoding::decode_charset(charset, &bytes)
        .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned())
}

fn percent_decode(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |at: usize| bytes.get(at).and_then(|&h| char::from(h).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// One part of a message: the message itself at the top, or a body part, or an encapsulated
/// message's top part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The header fields (no empty line).
    pub fields: Range<usize>,
    /// The header section with its empty line: what `BODY[HEADER]` / `BODY[n.MIME]` return.
    pub header: Range<usize>,
    /// The body, still in its transfer encoding.
    pub body: Range<usize>,
    /// The content type, the default filled in when the header has none (RFC 2045 §5.2).
    pub content_type: ContentType,
    pub encoding: TransferEncoding,
    pub kind: PartKind,
}

/// What a part's body holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartKind {
    /// A leaf: text, image, application data, …
    Single,
    /// `multipart/*`: the body parts between the boundaries (RFC 2046 §5.1).
    Multipart(Vec<Part>),
    /// `message/rfc822` (or `message/global`): the encapsulated message's top part.
    Message(Box<Part>),
}

impl Part {
    /// Parses the part occupying `range` of `raw`. `default` is the content type to assume
    /// when the header has none (text/plain, or message/rfc822 inside multipart/digest).
    pub fn parse(raw: &[u8], range: Range<usize>, default: ContentType) -> Part {
        Part::parse_at(raw, range, default, 0)
    }

    /// A part with no header of its own over `body` (text/plain by default, RFC 2045 §5.2).
    fn headerless(body: Range<usize>) -> Part {
        Part {
            fields: body.start..body.start,
            header: body.start..body.start,
            body,
            content_type: ContentType::text_plain(),
            encoding: TransferEncoding::SevenBit,
            kind: PartKind::Single,
        }
    }

    fn parse_at(raw: &[u8], range: Range<usize>, default: ContentType, depth: usize) -> Part {
        if depth > MAX_DEPTH {
            // Beyond the limit: this part's own header is read, nothing below it.
            let split = header::split(raw, range);
            let mut flat = Part::headerless(split.body.clone());
            flat.fields = split.fields;
            flat.header = split.header;
            flat.content_type = default;
            return flat;
        }
        // One pass over the header: its fields, and the empty line after them.
        let mut fields = header::scan(raw, range);
        let mut content_type = None;
        let mut encoding = TransferEncoding::SevenBit;
        for field in fields.by_ref() {
            if field.is(raw, "content-type") && content_type.is_none() {
                content_type = Some(ContentType::parse(&field.value(raw)));
            } else if field.is(raw, "content-transfer-encoding") {
                encoding = TransferEncoding::parse(&String::from_utf8_lossy(&field.value(raw)));
            }
        }
        let split = fields.split();
        // A present but invalid Content-Type also means the default (RFC 2045 §5.2).
        let content_type = content_type.flatten().unwrap_or(default);
        let body = split.body.clone();
        // Below MAX_DEPTH the structure is parsed; at the limit it stays opaque, except that an
        // encapsulated message keeps its own (flat) top part, because IMAP's body-type-msg
        // always carries an envelope and a body (RFC 3501 §9).
        let descend = depth < MAX_DEPTH;
        let kind = if content_type.is("multipart", "*") && descend {
            let digest = content_type.is("multipart", "digest");
            match content_type.param("boundary").filter(|b| !b.is_empty()) {
                Some(boundary) => {
                    let mut parts: Vec<Part> = body_parts(raw, body.clone(), boundary.as_bytes())
                        .into_iter()
                        .map(|r| {
                            let default = if digest {
                                ContentType::message_rfc822()
                            } else {
                                ContentType::text_plain()
                            };
                            Part::parse_at(raw, r, default, depth + 1)
                        })
                        .collect();
                    if parts.is_empty() {
                        // No delimiter matched: rather than hide the content, the whole body is
                        // its one part (IMAP's grammar needs at least one, and BODY[1] must
                        // return what BODYSTRUCTURE announces).
                        parts.push(Part::headerless(body.clone()));
                    }
                    PartKind::Multipart(parts)
                }
                None => PartKind::Single,
            }
        } else if content_type.is("message", "rfc822") || content_type.is("message", "global") {
            // RFC 2046 §5.2.1 permits only 7bit, 8bit or binary here; other labels are read the
            // same way, leniently.
            let inner_depth = if descend { depth + 1 } else { MAX_DEPTH + 1 };
            let inner = Part::parse_at(raw, body.clone(), ContentType::text_plain(), inner_depth);
            PartKind::Message(Box::new(inner))
        } else {
            PartKind::Single
        };
        Part {
            fields: split.fields,
            header: split.header,
            body,
            content_type,
            encoding,
            kind,
        }
    }

    /// The part's header fields.
    pub fn header_fields<'a>(&self, raw: &'a [u8]) -> header::Fields<'a> {
        header::fields(raw, self.fields.clone())
    }

    /// The first header field called `name`.
    pub fn field(&self, raw: &[u8], name: &str) -> Option<Field> {
        header::find(raw, self.fields.clone(), name)
    }

    /// The unfolded, trimmed value of the first field called `name`.
    pub fn field_value(&self, raw: &[u8], name: &str) -> Option<Vec<u8>> {
        self.field(raw, name).map(|f| f.value(raw))
    }

    /// The body octets, still transfer-encoded.
    pub fn body_bytes<'a>(&self, raw: &'a [u8]) -> &'a [u8] {
        raw.get(self.body.clone()).unwrap_or_default()
    }

    /// The body with its transfer encoding undone.
    pub fn decoded_body(&self, raw: &[u8]) -> Vec<u8> {
        self.encoding.decode(self.body_bytes(raw))
    }

    /// The body as text, for a `text/*` part in a charset the lab knows; `None` otherwise.
    pub fn text(&self, raw: &[u8]) -> Option<String> {
        if !self.content_type.is("text", "*") {
            return None;
        }
        let charset = self.content_type.param("charset").unwrap_or("us-ascii");
        super::encoding::decode_charset(charset, &self.decoded_body(raw))
    }

    /// The Content-Disposition, if the part has a valid one.
    pub fn disposition(&self, raw: &[u8]) -> Option<Disposition> {
        Disposition::parse(&self.field_value(raw, "content-disposition")?)
    }

    /// The file name an attachment suggests (Content-Disposition `filename`, else the
    /// Content-Type `name`), decoded for a reader (RFC 2231, RFC 2047).
    pub fn filename(&self, raw: &[u8]) -> Option<String> {
        let from_disposition = self
            .disposition(raw)
            .and_then(|d| decoded_param(&d.params, "filename"));
        from_disposition.or_else(|| decoded_param(&self.content_type.params, "name"))
    }

    /// The number of lines in the body (a last line without a line end counts), as IMAP's
    /// `body-fld-lines` reports for text and message parts.
    pub fn body_lines(&self, raw: &[u8]) -> usize {
        let body = self.body_bytes(raw);
        let ends = body.iter().filter(|&&b| b == b'\n').count();
        ends + usize::from(body.last().is_some_and(|&b| b != b'\n'))
    }

    /// Child parts (empty for a leaf or an encapsulated message).
    pub fn children(&self) -> &[Part] {
        match &self.kind {
            PartKind::Multipart(parts) => parts,
            _ => &[],
        }
    }
}

/// The ranges of the body parts of a multipart body (RFC 2046 §5.1.1). The CRLF before each
/// delimiter belongs to the delimiter; the preamble and the epilogue are not parts. Without a
/// close delimiter the last part runs to the end of the body.
fn body_parts(raw: &[u8], body: Range<usize>, boundary: &[u8]) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let mut part_start: Option<usize> = None;
    let mut line_start = body.start;
    while line_start < body.end {
        let line_end = raw
            .get(line_start..body.end)
            .and_then(|rest| memchr::memchr(b'\n', rest))
            .map_or(body.end, |p| line_start + p + 1);
        let line = raw.get(line_start..line_end).unwrap_or_default();
        if let Some(close) = delimiter(line, boundary) {
            if let Some(start) = part_start {
                // The line end before the delimiter line is part of the delimiter.
                let mut end = line_start;
                if end > start && raw.get(end - 1) == Some(&b'\n') {
                    end -= 1;
                    if end > start && raw.get(end - 1) == Some(&b'\r') {
                        end -= 1;
                    }
                }
                parts.push(start..end.max(start));
            }
            if close {
                return parts;
            }
            part_start = Some(line_end);
        }
        line_start = line_end;
    }
    if let Some(start) = part_start {
        parts.push(start..body.end);
    }
    parts
}

/// Whether `line` is a delimiter line for `boundary`: `Some(false)` for `--boundary`,
/// `Some(true)` for the close delimiter `--boundary--`, each optionally followed by transport
/// padding (linear white space) before the line end.
fn delimiter(line: &[u8], boundary: &[u8]) -> Option<bool> {
    let rest = line.strip_prefix(b"--")?.strip_prefix(boundary)?;
    let (close, rest) = match rest.strip_prefix(b"--") {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    rest.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .then_some(close)
}

/// Tokens of a MIME structured field (RFC 2045 §5.1): tokens, quoted strings and tspecials, with
/// white space and RFC 822 comments skipped.
struct Tokens<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Tokens<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Tokens { bytes, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips white space and (nested) comments.
    fn skip_cfws(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(b'(') => {
                    let mut depth = 0usize;
                    while let Some(b) = self.peek() {
                        self.pos += 1;
                        match b {
                            b'\\' => self.pos += 1,
                            b'(' => depth += 1,
                            b')' => {
                                depth = depth.saturating_sub(1);
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => return,
            }
        }
    }

    /// A token: any CHAR except SPACE, CTLs and tspecials (8-bit bytes are tolerated).
    fn token(&mut self) -> Option<String> {
        self.skip_cfws();
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b <= b' ' || b == 0x7f || TSPECIALS.contains(&b) {
                break;
            }
            self.pos += 1;
        }
        let token = self.bytes.get(start..self.pos).unwrap_or_default();
        (!token.is_empty()).then(|| String::from_utf8_lossy(token).into_owned())
    }

    /// An unquoted parameter value, read leniently up to `;`, white space or a comment: real
    /// mail has unquoted values with tspecials in them (`boundary=----=_NextPart_000_0001`).
    fn loose_value(&mut self) -> Option<String> {
        self.skip_cfws();
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b == b';' || b == b'(' || b.is_ascii_whitespace() || b.is_ascii_control() {
                break;
            }
            self.pos += 1;
        }
        let value = self.bytes.get(start..self.pos).unwrap_or_default();
        (!value.is_empty()).then(|| String::from_utf8_lossy(value).into_owned())
    }

    /// A quoted string without its quotes, quoted-pairs resolved.
    fn quoted(&mut self) -> Option<String> {
        self.skip_cfws();
        if self.peek() != Some(b'"') {
            return None;
        }
        self.pos += 1;
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    if let Some(next) = self.peek() {
                        out.push(next);
                        self.pos += 1;
                    }
                }
                b'\r' | b'\n' => {}
                _ => out.push(b),
            }
        }
        Some(String::from_utf8_lossy(&out).into_owned())
    }

    fn special(&mut self, c: u8) -> bool {
        self.skip_cfws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// `*(";" attribute "=" value)`; a malformed parameter is skipped up to the next `;`.
    fn params(&mut self) -> Vec<Param> {
        let mut params = Vec::new();
        loop {
            self.skip_cfws();
            match self.peek() {
                None => return params,
                Some(b';') => self.pos += 1,
                Some(_) => {
                    // Garbage: skip to the next parameter.
                    self.pos += 1;
                    continue;
                }
            }
            let Some(name) = self.token() else {
                continue;
            };
            if !self.special(b'=') {
                continue;
            }
            if let Some(value) = self.quoted().or_else(|| self.loose_value()) {
                params.push(Param { name, value });
            }
        }
    }
}

/// RFC 2045 §5.1 tspecials.
const TSPECIALS: &[u8] = b"()<>@,;:\\\"/[]?=";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_with_parameters_comments_and_quotes() {
        let ct = ContentType::parse(b"text/plain; charset=\"ISO-8859-1\" (Latin 1); format=flowed")
            .expect("valid");
        assert!(ct.is("TEXT", "Plain"));
        assert_eq!(ct.param("CHARSET"), Some("ISO-8859-1"));
        assert_eq!(ct.param("format"), Some("flowed"));
        // RFC 2045 §5.1's own example: comments may appear around the parts.
        let ct = ContentType::parse(b"text/plain; charset=us-ascii (Plain text)").expect("valid");
        assert_eq!(ct.param("charset"), Some("us-ascii"));
        assert_eq!(ContentType::parse(b"text"), None);
        assert_eq!(ContentType::parse(b""), None);
    }

    #[test]
    fn rfc2046_multipart_example_has_two_parts_and_ignores_preamble_and_epilogue() {
        // RFC 2046 §5.1.1, the example with a preamble and an epilogue.
        let msg = b"From: Nathaniel Borenstein <nsb@bellcore.com>\r\n\
To: Ned Freed <ned@innosoft.com>\r\n\
Date: Sun, 21 Mar 1993 23:56:48 -0800 (PST)\r\n\
Subject: Sample message\r\n\
MIME-Version: 1.0\r\n\
Content-type: multipart/mixed; boundary=\"simple boundary\"\r\n\
\r\n\
This is the preamble.  It is to be ignored, though it\r\n\
is a handy place for composition agents to include an\r\n\
explanatory note to non-MIME conformant readers.\r\n\
\r\n\
--simple boundary\r\n\
\r\n\
This is implicitly typed plain US-ASCII text.\r\n\
It does NOT end with a linebreak.\r\n\
--simple boundary\r\n\
Content-type: text/plain; charset=us-ascii\r\n\
\r\n\
This is explicitly typed plain US-ASCII text.\r\n\
It DOES end with a linebreak.\r\n\
\r\n\
--simple boundary--\r\n\
\r\n\
This is the epilogue.  It is also to be ignored.\r\n";
        let root = Part::parse(msg, 0..msg.len(), ContentType::text_plain());
        assert!(root.content_type.is("multipart", "mixed"));
        let parts = root.children();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            parts[0].body_bytes(msg),
            b"This is implicitly typed plain US-ASCII text.\r\nIt does NOT end with a linebreak."
        );
        assert_eq!(
            parts[0].content_type,
            ContentType::text_plain(),
            "implicitly typed"
        );
        assert_eq!(
            parts[1].body_bytes(msg),
            b"This is explicitly typed plain US-ASCII text.\r\nIt DOES end with a linebreak.\r\n"
        );
        assert_eq!(parts[0].body_lines(msg), 2);
        assert_eq!(parts[1].body_lines(msg), 2);
    }

    #[test]
    fn a_boundary_that_is_a_prefix_of_a_line_is_not_a_delimiter() {
        assert_eq!(delimiter(b"--abc\r\n", b"abc"), Some(false));
        assert_eq!(delimiter(b"--abc--  \r\n", b"abc"), Some(true));
        assert_eq!(delimiter(b"--abcd\r\n", b"abc"), None);
        assert_eq!(delimiter(b"-abc\r\n", b"abc"), None);
    }

    #[test]
    fn nested_multipart_and_encapsulated_message() {
        let msg = b"Content-Type: multipart/mixed; boundary=outer\r\n\r\n\
--outer\r\n\
Content-Type: multipart/alternative; boundary=inner\r\n\r\n\
--inner\r\nContent-Type: text/plain\r\n\r\nplain\r\n\
--inner\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n\
--inner--\r\n\
--outer\r\n\
Content-Type: message/rfc822\r\n\r\n\
Subject: inside\r\n\r\nhello\r\n\
--outer--\r\n";
        let root = Part::parse(msg, 0..msg.len(), ContentType::text_plain());
        let [alt, attached] = root.children() else {
            panic!("two parts: {root:#?}");
        };
        assert_eq!(alt.children().len(), 2);
        assert_eq!(alt.children()[1].body_bytes(msg), b"<p>html</p>");
        let PartKind::Message(inner) = &attached.kind else {
            panic!("message/rfc822 is parsed: {attached:#?}");
        };
        assert_eq!(inner.field_value(msg, "subject"), Some(b"inside".to_vec()));
        assert_eq!(inner.body_bytes(msg), b"hello");
    }

    #[test]
    fn digest_parts_default_to_message_rfc822() {
        let msg = b"Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: one\r\n\r\nbody\r\n--d--\r\n";
        let root = Part::parse(msg, 0..msg.len(), ContentType::text_plain());
        let part = &root.children()[0];
        assert!(part.content_type.is("message", "rfc822"));
        assert!(matches!(part.kind, PartKind::Message(_)));
    }

    #[test]
    fn missing_close_delimiter_and_missing_boundary_degrade_gracefully() {
        let msg = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nunterminated";
        let root = Part::parse(msg, 0..msg.len(), ContentType::text_plain());
        assert_eq!(root.children().len(), 1);
        assert_eq!(root.children()[0].body_bytes(msg), b"unterminated");
        let msg = b"Content-Type: multipart/mixed\r\n\r\nno boundary parameter";
        let root = Part::parse(msg, 0..msg.len(), ContentType::text_plain());
        assert_eq!(root.kind, PartKind::Single);
    }

    #[test]
    fn rfc2231_parameters_are_joined_and_decoded() {
        let ct = |v: &str| {
            ContentType::parse(v.as_bytes())
                .map(|c| c.params)
                .unwrap_or_default()
        };
        // RFC 2231 §3, §4 and §4.1 examples.
        let params = ct("message/external-body; access-type=URL; \
            URL*0=\"ftp://\"; URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"");
        assert_eq!(
            decoded_param(&params, "url").as_deref(),
            Some("ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar")
        );
        let params =
            ct("application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
        assert_eq!(
            decoded_param(&params, "title").as_deref(),
            Some("This is ***fun***")
        );
        let params = ct(
            "application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; \
            title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"",
        );
        assert_eq!(
            decoded_param(&params, "title").as_deref(),
            Some("This is even more ***fun*** isn't it!")
        );
        let params = ct("application/pdf; name*=utf-8''menu-cr%C3%AApes.pdf");
        assert_eq!(
            decoded_param(&params, "name").as_deref(),
            Some("menu-crêpes.pdf")
        );
        let params = ct("application/pdf; name=\"=?utf-8?Q?cr=C3=AApe.pdf?=\"");
        assert_eq!(
            decoded_param(&params, "name").as_deref(),
            Some("crêpe.pdf"),
            "RFC 2047 in a parameter"
        );
        assert_eq!(decoded_param(&params, "missing"), None);
        // A gap ends the value; a bad percent escape is kept.
        let params = ct("a/b; t*0=one; t*2=three; u*=utf-8''100%");
        assert_eq!(decoded_param(&params, "t").as_deref(), Some("one"));
        assert_eq!(decoded_param(&params, "u").as_deref(), Some("100%"));
    }

    #[test]
    fn deep_nesting_stops_at_the_limit_with_a_flat_last_message() {
        let mut msg = Vec::new();
        for _ in 0..(MAX_DEPTH + 10) {
            msg.extend_from_slice(b"Content-Type: message/rfc822\r\n\r\n");
        }
        msg.extend_from_slice(b"Subject: bottom\r\n\r\nx");
        let mut part = Part::parse(&msg, 0..msg.len(), ContentType::text_plain());
        let mut depth = 0;
        while let PartKind::Message(inner) = part.kind {
            part = *inner;
            depth += 1;
        }
        assert_eq!(
            depth,
            MAX_DEPTH + 1,
            "the last encapsulated message still has a top part"
        );
        assert_eq!(part.kind, PartKind::Single);
        assert!(part.body.end == msg.len(), "the opaque rest is its body");
    }

    #[test]
    fn unquoted_boundaries_with_tspecials_are_read_as_real_mail_writes_them() {
        let msg = b"Content-Type: multipart/alternative; boundary=----=_NextPart_000_0001\r\n\r\n\
------=_NextPart_000_0001\r\nContent-Type: text/plain\r\n\r\nhello\r\n------=_NextPart_000_0001--\r\n";
        let root = Part::parse(msg, 0..msg.len(), ContentType::text_plain());
        assert_eq!(
            root.content_type.param("boundary"),
            Some("----=_NextPart_000_0001")
        );
        assert_eq!(root.children().len(), 1);
        assert_eq!(root.children()[0].body_bytes(msg), b"hello");
    }

    #[test]
    fn a_multipart_whose_boundary_never_occurs_exposes_its_body_as_part_one() {
        let msg = b"Content-Type: multipart/mixed; boundary=nowhere\r\n\r\njust text\r\n";
        let root = Part::parse(msg, 0..msg.len(), ContentType::text_plain());
        assert_eq!(root.children().len(), 1);
        assert_eq!(root.children()[0].body_bytes(msg), b"just text\r\n");
        assert!(root.children()[0].content_type.is("text", "plain"));
    }

    #[test]
    fn an_encoded_message_part_is_still_an_encapsulated_message() {
        let msg = b"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdDogeA==\r\n";
        let root = Part::parse(msg, 0..msg.len(), ContentType::text_plain());
        assert!(
            matches!(root.kind, PartKind::Message(_)),
            "IMAP's body-type-msg needs it"
        );
    }
}
