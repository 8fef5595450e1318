//! IMAP4rev1 server responses (RFC 3501 §7, grammar §9), with the response codes of §7.1,
//! APPENDUID/COPYUID (RFC 4315) and the codes of RFC 5530 (as [`Code::Other`]), and the
//! ENABLED (RFC 5161), NAMESPACE (RFC 2342) and ID (RFC 2971) responses.
//!
//! One module writes what a server sends and parses it (for the client). Parsing is
//! incremental like [`super::command::parse`]: literals inside FETCH data are read whole before
//! a response is complete. ENVELOPE, BODY and BODYSTRUCTURE, NAMESPACE and ID data are kept as
//! their raw IMAP-syntax octets. This module also owns the string writers (§4.3) that the whole
//! IMAP module uses.

use super::command::{
    Reader, SequenceSet, StatusItem, Step, Stop, Tag, is_astring_char, write_flag_list,
    write_section, write_sequence_set,
};
use crate::mail::section::Section;

/// Longest string written as a quoted string; longer ones become literals.
const MAX_QUOTED: usize = 1000;

/// A server response (RFC 3501 §7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// The completion of a command (§7.1).
    Tagged {
        tag: Tag,
        status: Status,
        code: Option<Code>,
        text: String,
    },
    Untagged(Untagged),
    /// `+ text`: the server is ready for more of the command (§7.5).
    Continuation(String),
}

/// The result of a tagged response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    No,
    Bad,
}

/// The condition of an untagged status response (§7.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Condition {
    Ok,
    No,
    Bad,
    Preauth,
    Bye,
}

/// A response code in brackets (§7.1, RFC 4315 §3, RFC 5530).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Code {
    Alert,
    /// The supported charsets (possibly none listed).
    BadCharset(Vec<String>),
    Capability(Vec<String>),
    Parse,
    PermanentFlags(Vec<String>),
    ReadOnly,
    ReadWrite,
    TryCreate,
    UidNext(u32),
    UidValidity(u32),
    Unseen(u32),
    AppendUid {
        uid_validity: u32,
        uid: u32,
    },
    CopyUid {
        uid_validity: u32,
        source: SequenceSet,
        destination: SequenceSet,
    },
    /// Any other code, such as RFC 5530's `AUTHENTICATIONFAILED` or `ALREADYEXISTS`.
    Other(String, Option<String>),
}

/// An untagged response (§7.1–§7.4) and the extensions' ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Untagged {
    Status {
        condition: Condition,
        code: Option<Code>,
        text: String,
    },
    Capability(Vec<String>),
    List(MailboxListing),
    Lsub(MailboxListing),
    /// The STATUS response (§7.2.4).
    MailboxStatus {
        mailbox: Vec<u8>,
        items: Vec<(StatusItem, u64)>,
    },
    Search(Vec<u32>),
    Flags(Vec<String>),
    Exists(u32),
    Recent(u32),
    Expunge(u32),
    Fetch {
        number: u32,
        attributes: Vec<FetchData>,
    },
    Enabled(Vec<String>),
    /// The three namespaces as sent, e.g. `(("" "/")) NIL NIL`.
    Namespace(Vec<u8>),
    /// The parameter list as sent, e.g. `("name" "Mail Lab")` or `NIL`.
    Id(Vec<u8>),
}

/// One line of LIST or LSUB (§7.2.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailboxListing {
    pub attributes: Vec<String>,
    pub delimiter: Option<char>,
    pub mailbox: Vec<u8>,
}

/// One FETCH data item (§7.4.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchData {
    Uid(u32),
    Flags(Vec<String>),
    /// The `date-time` text without quotes.
    InternalDate(String),
    Rfc822Size(u32),
    Envelope(Vec<u8>),
    BodyStructure(Vec<u8>),
    /// Non-extensible BODYSTRUCTURE (`BODY (...)`).
    Body(Vec<u8>),
    BodySection {
        section: Section,
        origin: Option<u32>,
        data: Option<Vec<u8>>,
    },
    Rfc822(Option<Vec<u8>>),
    Rfc822Header(Option<Vec<u8>>),
    Rfc822Text(Option<Vec<u8>>),
}

/// The outcome of [`parse`] on the octets received so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParsedResponse {
    Complete { response: Response, consumed: usize },
    Incomplete,
}

/// A response that does not follow the grammar; reported once its line has ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub reason: &'static str,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.reason)
    }
}

/// Parses the response at the start of `input`.
pub fn parse(input: &[u8]) -> Result<ParsedResponse, ParseError> {
    let mut r = Reader::new(input, None);
    match response(&mut r) {
        Ok(response) => Ok(ParsedResponse::Complete {
            response,
            consumed: r.pos,
        }),
        Err(Stop::Invalid(reason)) if r.line_ended() => Err(ParseError { reason }),
        Err(_) => Ok(ParsedResponse::Incomplete),
    }
}

fn response(r: &mut Reader<'_>) -> Step<Response> {
    match r.peek()? {
        b'+' => {
            r.pos += 1;
            if r.peek()? == b' ' {
                r.pos += 1;
            }
            r.text_line().map(Response::Continuation)
        }
        b'*' => {
            r.pos += 1;
            r.sp()?;
            untagged(r).map(Response::Untagged)
        }
        _ => {
            let tag = r.tag()?;
            r.sp()?;
            let name = r.atom()?.to_ascii_uppercase();
            let status = match name.as_slice() {
                b"OK" => Status::Ok,
                b"NO" => Status::No,
                b"BAD" => Status::Bad,
                _ => return Err(Stop::Invalid("expected OK, NO or BAD")),
            };
            let (code, text) = resp_text(r)?;
            Ok(Response::Tagged {
                tag,
                status,
                code,
                text,
            })
        }
    }
}

/// RFC 3501 §9 `resp-text` after the status word, CRLF included. Empty text is accepted.
fn resp_text(r: &mut Reader<'_>) -> Step<(Option<Code>, String)> {
    if r.peek()? == b'\r' {
        r.crlf()?;
        return Ok((None, String::new()));
    }
    r.sp()?;
    let mut code = None;
    if r.peek()? == b'[' {
        r.pos += 1;
        code = Some(resp_code(r)?);
        r.require(b']', "expected ] after response code")?;
        if r.peek()? == b' ' {
            r.pos += 1;
        }
    }
    Ok((code, r.text_line()?))
}

fn resp_code(r: &mut Reader<'_>) -> Step<Code> {
    let name = r.atom()?;
    let upper = name.to_ascii_uppercase();
    let sp_number = |r: &mut Reader<'_>| {
        r.sp()?;
        r.nz_number()
    };
    Ok(match upper.as_slice() {
        b"ALERT" => Code::Alert,
        b"PARSE" => Code::Parse,
        b"READ-ONLY" => Code::ReadOnly,
        b"READ-WRITE" => Code::ReadWrite,
        b"TRYCREATE" => Code::TryCreate,
        b"BADCHARSET" => {
            let mut charsets = Vec::new();
            if r.peek()? == b' ' {
                r.pos += 1;
                r.require(b'(', "expected charset list")?;
                loop {
                    charsets.push(String::from_utf8_lossy(&r.astring()?).into_owned());
                    match r.next()? {
                        b')' => break,
                        b' ' => {}
                        _ => return Err(Stop::Invalid("bad charset list")),
                    }
                }
            }
            Code::BadCharset(charsets)
        }
        b"CAPABILITY" => Code::Capability(atoms(r)?),
        b"PERMANENTFLAGS" => {
            r.sp()?;
            Code::PermanentFlags(r.flag_list()?)
        }
        b"UIDNEXT" => Code::UidNext(sp_number(r)?),
        b"UIDVALIDITY" => Code::UidValidity(sp_number(r)?),
        b"UNSEEN" => Code::Unseen(sp_number(r)?),
        b"APPENDUID" => Code::AppendUid {
            uid_validity: sp_number(r)?,
            uid: sp_number(r)?,
        },
        b"COPYUID" => {
            let uid_validity = sp_number(r)?;
            r.sp()?;
            let source = r.sequence_set()?;
            r.sp()?;
            Code::CopyUid {
                uid_validity,
                source,
                destination: r.sequence_set()?,
            }
        }
        _ => {
            let name = String::from_utf8_lossy(name).into_owned();
            if r.peek()? == b' ' {
                r.pos += 1;
                let arg = r.take_while(|b| b != b']' && b != b'\r' && b != b'\n')?;
                Code::Other(name, Some(String::from_utf8_lossy(arg).into_owned()))
            } else {
                Code::Other(name, None)
            }
        }
    })
}

/// `*(SP atom)`.
fn atoms(r: &mut Reader<'_>) -> Step<Vec<String>> {
    let mut list = Vec::new();
    while r.peek()? == b' ' {
        r.pos += 1;
        list.push(r.atom_string()?);
    }
    Ok(list)
}

fn untagged(r: &mut Reader<'_>) -> Step<Untagged> {
    if r.peek()?.is_ascii_digit() {
        let number = r.number()?;
        r.sp()?;
        let name = r.atom()?.to_ascii_uppercase();
        let data = match name.as_slice() {
            b"EXISTS" => Untagged::Exists(number),
            b"RECENT" => Untagged::Recent(number),
            b"EXPUNGE" => Untagged::Expunge(number),
            b"FETCH" => {
                r.sp()?;
                Untagged::Fetch {
                    number,
                    attributes: fetch_data(r)?,
                }
            }
            _ => return Err(Stop::Invalid("unknown message data")),
        };
        r.crlf()?;
        return Ok(data);
    }
    let name = r.atom()?.to_ascii_uppercase();
    let status = |r: &mut Reader<'_>, condition| {
        let (code, text) = resp_text(r)?;
        Ok(Untagged::Status {
            condition,
            code,
            text,
        })
    };
    let data = match name.as_slice() {
        b"OK" => return status(r, Condition::Ok),
        b"NO" => return status(r, Condition::No),
        b"BAD" => return status(r, Condition::Bad),
        b"PREAUTH" => return status(r, Condition::Preauth),
        b"BYE" => return status(r, Condition::Bye),
        b"CAPABILITY" => Untagged::Capability(atoms(r)?),
        b"ENABLED" => Untagged::Enabled(atoms(r)?),
        b"LIST" => Untagged::List(listing(r)?),
        b"LSUB" => Untagged::Lsub(listing(r)?),
        b"STATUS" => {
            r.sp()?;
            let mailbox = r.mailbox()?;
            r.sp()?;
            r.require(b'(', "expected status items")?;
            let mut items = Vec::new();
            while r.peek()? != b')' {
                if !items.is_empty() {
                    r.sp()?;
                }
                let item =
                    StatusItem::from_name(r.atom()?).ok_or(Stop::Invalid("unknown status item"))?;
                r.sp()?;
                items.push((item, r.number64()?));
            }
            r.pos += 1;
            Untagged::MailboxStatus { mailbox, items }
        }
        b"SEARCH" => {
            let mut numbers = Vec::new();
            while r.peek()? == b' ' {
                r.pos += 1;
                numbers.push(r.nz_number()?);
            }
            Untagged::Search(numbers)
        }
        b"FLAGS" => {
            r.sp()?;
            Untagged::Flags(r.flag_list()?)
        }
        b"NAMESPACE" | b"ID" => {
            if r.peek()? == b' ' {
                r.pos += 1;
            }
            let raw = r.raw(false)?;
            if name == b"ID" {
                Untagged::Id(raw)
            } else {
                Untagged::Namespace(raw)
            }
        }
        _ => return Err(Stop::Invalid("unknown response")),
    };
    r.crlf()?;
    Ok(data)
}

/// RFC 3501 §9 `mailbox-list`.
fn listing(r: &mut Reader<'_>) -> Step<MailboxListing> {
    r.sp()?;
    let attributes = r.flag_list()?;
    r.sp()?;
    let delimiter = match r.peek()? {
        b'"' => {
            let d = String::from_utf8(r.quoted()?).map_err(|_| Stop::Invalid("bad delimiter"))?;
            let mut chars = d.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Some(c),
                _ => return Err(Stop::Invalid("bad delimiter")),
            }
        }
        _ => {
            r.keyword("NIL")?;
            None
        }
    };
    r.sp()?;
    Ok(MailboxListing {
        attributes,
        delimiter,
        mailbox: r.mailbox()?,
    })
}

/// RFC 3501 §9 `msg-att`.
fn fetch_data(r: &mut Reader<'_>) -> Step<Vec<FetchData>> {
    r.require(b'(', "expected fetch data")?;
    let mut list = Vec::new();
    loop {
        let name = r.take_while(|b| b.is_ascii_alphanumeric() || b == b'.')?;
        let upper = name.to_ascii_uppercase();
        let section = upper == b"BODY" && r.peek()? == b'[';
        let item = if section {
            let section = r.section()?;
            let origin = if r.peek()? == b'<' {
                r.pos += 1;
                let origin = r.number()?;
                r.require(b'>', "bad origin")?;
                Some(origin)
            } else {
                None
            };
            r.sp()?;
            FetchData::BodySection {
                section,
                origin,
                data: r.nstring()?,
            }
        } else {
            r.sp()?;
            match upper.as_slice() {
                b"UID" => FetchData::Uid(r.nz_number()?),
                b"FLAGS" => FetchData::Flags(r.flag_list()?),
                b"INTERNALDATE" => {
                    FetchData::InternalDate(String::from_utf8_lossy(&r.string()?).into_owned())
                }
                b"RFC822.SIZE" => FetchData::Rfc822Size(r.number()?),
                b"ENVELOPE" => FetchData::Envelope(r.raw(true)?),
                b"BODYSTRUCTURE" => FetchData::BodyStructure(r.raw(true)?),
                b"BODY" => FetchData::Body(r.raw(true)?),
                b"RFC822" => FetchData::Rfc822(r.nstring()?),
                b"RFC822.HEADER" => FetchData::Rfc822Header(r.nstring()?),
                b"RFC822.TEXT" => FetchData::Rfc822Text(r.nstring()?),
                _ => return Err(Stop::Invalid("unknown fetch data")),
            }
        };
        list.push(item);
        match r.next()? {
            b')' => return Ok(list),
            b' ' => {}
            _ => return Err(Stop::Invalid("bad fetch data")),
        }
    }
}

/// An ENVELOPE (§7.4.2) read back into its fields: the strings as sent (RFC 2047 words not
/// decoded), `None` for NIL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvelopeData {
    pub date: Option<Vec<u8>>,
    pub subject: Option<Vec<u8>>,
    pub from: Vec<AddressData>,
    pub sender: Vec<AddressData>,
    pub reply_to: Vec<AddressData>,
    pub to: Vec<AddressData>,
    pub cc: Vec<AddressData>,
    pub bcc: Vec<AddressData>,
    pub in_reply_to: Option<Vec<u8>>,
    pub message_id: Option<Vec<u8>>,
}

/// One `address` of an envelope (§9): name, source route, mailbox, host. A group is written as
/// an address with no host (RFC 3501 §7.4.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressData {
    pub name: Option<Vec<u8>>,
    pub adl: Option<Vec<u8>>,
    pub mailbox: Option<Vec<u8>>,
    pub host: Option<Vec<u8>>,
}

impl AddressData {
    /// `mailbox@host`, or the mailbox alone when there is no host.
    pub fn address(&self) -> String {
        let part = |p: &Option<Vec<u8>>| {
            String::from_utf8_lossy(p.as_deref().unwrap_or_default()).into_owned()
        };
        match &self.host {
            Some(_) => format!("{}@{}", part(&self.mailbox), part(&self.host)),
            None => part(&self.mailbox),
        }
    }
}

/// Reads the raw ENVELOPE of [`FetchData::Envelope`] (§9 `envelope`); `None` if it does not
/// follow the grammar.
pub fn parse_envelope(raw: &[u8]) -> Option<EnvelopeData> {
    let mut r = Reader::new(raw, None);
    let mut envelope = || -> Step<EnvelopeData> {
        r.require(b'(', "expected an envelope")?;
        let date = r.nstring()?;
        r.sp()?;
        let subject = r.nstring()?;
        let mut lists: [Vec<AddressData>; 6] = Default::default();
        for list in &mut lists {
            r.sp()?;
            *list = addresses(&mut r)?;
        }
        r.sp()?;
        let in_reply_to = r.nstring()?;
        r.sp()?;
        let message_id = r.nstring()?;
        r.require(b')', "expected the end of the envelope")?;
        let [from, sender, reply_to, to, cc, bcc] = lists;
        Ok(EnvelopeData {
            date,
            subject,
            from,
            sender,
            reply_to,
            to,
            cc,
            bcc,
            in_reply_to,
            message_id,
        })
    };
    envelope().ok()
}

/// `"(" 1*address ")" / nil`.
fn addresses(r: &mut Reader<'_>) -> Step<Vec<AddressData>> {
    if r.peek()? != b'(' {
        r.keyword("NIL")?;
        return Ok(Vec::new());
    }
    r.pos += 1;
    let mut list = Vec::new();
    while r.peek()? == b'(' {
        r.pos += 1;
        let name = r.nstring()?;
        r.sp()?;
        let adl = r.nstring()?;
        r.sp()?;
        let mailbox = r.nstring()?;
        r.sp()?;
        let host = r.nstring()?;
        r.require(b')', "expected the end of an address")?;
        list.push(AddressData {
            name,
            adl,
            mailbox,
            host,
        });
    }
    r.require(b')', "expected the end of an address list")?;
    Ok(list)
}

impl Response {
    /// Writes the response as a server sends it, CRLF included.
    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            Response::Tagged {
                tag,
                status,
                code,
                text,
            } => {
                out.extend_from_slice(tag.as_str().as_bytes());
                out.extend_from_slice(match status {
                    Status::Ok => b" OK",
                    Status::No => b" NO",
                    Status::Bad => b" BAD",
                });
                write_resp_text(code.as_ref(), text, out);
                out.extend_from_slice(b"\r\n");
            }
            Response::Untagged(u) => {
                out.extend_from_slice(b"* ");
                write_untagged(u, out);
                out.extend_from_slice(b"\r\n");
            }
            Response::Continuation(text) => {
                out.extend_from_slice(b"+ ");
                write_text(text, out);
                out.extend_from_slice(b"\r\n");
            }
        }
    }
}

/// ` [code] text`.
fn write_resp_text(code: Option<&Code>, text: &str, out: &mut Vec<u8>) {
    out.push(b' ');
    if let Some(code) = code {
        out.push(b'[');
        write_code(code, out);
        out.extend_from_slice(b"] ");
    }
    write_text(text, out);
}

/// RFC 3501 §9 `text`: CR, LF and NUL cannot appear, so they are dropped.
fn write_text(text: &str, out: &mut Vec<u8>) {
    out.extend(text.bytes().filter(|b| !matches!(b, b'\r' | b'\n' | 0)));
}

fn write_words(words: &[String], out: &mut Vec<u8>) {
    for w in words {
        out.push(b' ');
        out.extend_from_slice(w.as_bytes());
    }
}

fn write_code(code: &Code, out: &mut Vec<u8>) {
    let word = |out: &mut Vec<u8>, s: &str| out.extend_from_slice(s.as_bytes());
    match code {
        Code::Alert => word(out, "ALERT"),
        Code::BadCharset(list) => {
            word(out, "BADCHARSET");
            if !list.is_empty() {
                out.extend_from_slice(b" (");
                for (i, c) in list.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    write_astring(c.as_bytes(), out);
                }
                out.push(b')');
            }
        }
        Code::Capability(caps) => {
            word(out, "CAPABILITY");
            write_words(caps, out);
        }
        Code::Parse => word(out, "PARSE"),
        Code::PermanentFlags(flags) => {
            word(out, "PERMANENTFLAGS ");
            write_flag_list(flags, out);
        }
        Code::ReadOnly => word(out, "READ-ONLY"),
        Code::ReadWrite => word(out, "READ-WRITE"),
        Code::TryCreate => word(out, "TRYCREATE"),
        Code::UidNext(n) => word(out, &format!("UIDNEXT {n}")),
        Code::UidValidity(n) => word(out, &format!("UIDVALIDITY {n}")),
        Code::Unseen(n) => word(out, &format!("UNSEEN {n}")),
        Code::AppendUid { uid_validity, uid } => {
            word(out, &format!("APPENDUID {uid_validity} {uid}"))
        }
        Code::CopyUid {
            uid_validity,
            source,
            destination,
        } => {
            word(out, &format!("COPYUID {uid_validity} "));
            write_sequence_set(source, out);
            out.push(b' ');
            write_sequence_set(destination, out);
        }
        Code::Other(name, arg) => {
            word(out, name);
            if let Some(arg) = arg {
                out.push(b' ');
                out.extend(
                    arg.bytes()
                        .filter(|b| !matches!(b, b']' | b'\r' | b'\n' | 0)),
                );
            }
        }
    }
}

fn write_untagged(u: &Untagged, out: &mut Vec<u8>) {
    let word = |out: &mut Vec<u8>, s: &str| out.extend_from_slice(s.as_bytes());
    match u {
        Untagged::Status {
            condition,
            code,
            text,
        } => {
            word(
                out,
                match condition {
                    Condition::Ok => "OK",
                    Condition::No => "NO",
                    Condition::Bad => "BAD",
                    Condition::Preauth => "PREAUTH",
                    Condition::Bye => "BYE",
                },
            );
            write_resp_text(code.as_ref(), text, out);
        }
        Untagged::Capability(caps) => {
            word(out, "CAPABILITY");
            write_words(caps, out);
        }
        Untagged::Enabled(caps) => {
            word(out, "ENABLED");
            write_words(caps, out);
        }
        Untagged::List(l) => write_listing("LIST ", l, out),
        Untagged::Lsub(l) => write_listing("LSUB ", l, out),
        Untagged::MailboxStatus { mailbox, items } => {
            word(out, "STATUS ");
            write_astring(mailbox, out);
            out.extend_from_slice(b" (");
            for (i, (item, value)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                word(out, &format!("{} {value}", item.name()));
            }
            out.push(b')');
        }
        Untagged::Search(numbers) => {
            word(out, "SEARCH");
            for n in numbers {
                word(out, &format!(" {n}"));
            }
        }
        Untagged::Flags(flags) => {
            word(out, "FLAGS ");
            write_flag_list(flags, out);
        }
        Untagged::Exists(n) => word(out, &format!("{n} EXISTS")),
        Untagged::Recent(n) => word(out, &format!("{n} RECENT")),
        Untagged::Expunge(n) => word(out, &format!("{n} EXPUNGE")),
        Untagged::Fetch { number, attributes } => {
            word(out, &format!("{number} FETCH ("));
            for (i, a) in attributes.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_fetch_data(a, out);
            }
            out.push(b')');
        }
        Untagged::Namespace(raw) => {
            word(out, "NAMESPACE ");
            out.extend_from_slice(raw);
        }
        Untagged::Id(raw) => {
            word(out, "ID ");
            out.extend_from_slice(raw);
        }
    }
}

fn write_listing(name: &str, l: &MailboxListing, out: &mut Vec<u8>) {
    out.extend_from_slice(name.as_bytes());
    write_flag_list(&l.attributes, out);
    match l.delimiter {
        Some(c @ ('"' | '\\')) => out.extend_from_slice(format!(" \"\\{c}\" ").as_bytes()),
        Some(c) => out.extend_from_slice(format!(" \"{c}\" ").as_bytes()),
        None => out.extend_from_slice(b" NIL "),
    }
    write_astring(&l.mailbox, out);
}

fn write_fetch_data(a: &FetchData, out: &mut Vec<u8>) {
    let word = |out: &mut Vec<u8>, s: &str| out.extend_from_slice(s.as_bytes());
    match a {
        FetchData::Uid(n) => word(out, &format!("UID {n}")),
        FetchData::Flags(flags) => {
            word(out, "FLAGS ");
            write_flag_list(flags, out);
        }
        FetchData::InternalDate(d) => {
            word(out, "INTERNALDATE ");
            write_string(d.as_bytes(), out);
        }
        FetchData::Rfc822Size(n) => word(out, &format!("RFC822.SIZE {n}")),
        FetchData::Envelope(raw) => {
            word(out, "ENVELOPE ");
            out.extend_from_slice(raw);
        }
        FetchData::BodyStructure(raw) => {
            word(out, "BODYSTRUCTURE ");
            out.extend_from_slice(raw);
        }
        FetchData::Body(raw) => {
            word(out, "BODY ");
            out.extend_from_slice(raw);
        }
        FetchData::BodySection {
            section,
            origin,
            data,
        } => {
            word(out, "BODY");
            write_section(section, out);
            if let Some(origin) = origin {
                word(out, &format!("<{origin}>"));
            }
            out.push(b' ');
            write_nstring(data.as_deref(), out);
        }
        FetchData::Rfc822(data) => {
            word(out, "RFC822 ");
            write_nstring(data.as_deref(), out);
        }
        FetchData::Rfc822Header(data) => {
            word(out, "RFC822.HEADER ");
            write_nstring(data.as_deref(), out);
        }
        FetchData::Rfc822Text(data) => {
            word(out, "RFC822.TEXT ");
            write_nstring(data.as_deref(), out);
        }
    }
}

/// RFC 3501 §9 `astring`: bare ASTRING-CHARs when possible, else [`write_string`].
pub fn write_astring(s: &[u8], out: &mut Vec<u8>) {
    if !s.is_empty() && s.iter().all(|&b| is_astring_char(b)) {
        out.extend_from_slice(s);
    } else {
        write_string(s, out);
    }
}

/// RFC 3501 §4.3 `string`: quoted when short and 7-bit printable, else a literal `{n}` CRLF
/// followed by the octets. NUL is dropped: not even a literal (CHAR8) may hold it.
pub fn write_string(s: &[u8], out: &mut Vec<u8>) {
    let s: Vec<u8> = s.iter().copied().filter(|&b| b != 0).collect();
    if s.len() <= MAX_QUOTED && s.iter().all(|&b| matches!(b, 0x20..=0x7e)) {
        out.push(b'"');
        for b in s {
            if b == b'"' || b == b'\\' {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        write_literal(&s, out);
    }
}

/// RFC 3501 §4.3 `literal`: `{n}` CRLF and the octets, NUL dropped (CHAR8 excludes it).
pub(crate) fn write_literal(s: &[u8], out: &mut Vec<u8>) {
    let nul = s.iter().filter(|&&b| b == 0).count();
    out.extend_from_slice(format!("{{{}}}\r\n", s.len() - nul).as_bytes());
    out.extend(s.iter().copied().filter(|&b| b != 0));
}

/// RFC 3501 §4.5 `nstring`: `NIL` or a string.
pub fn write_nstring(s: Option<&[u8]>, out: &mut Vec<u8>) {
    match s {
        Some(s) => write_string(s, out),
        None => out.extend_from_slice(b"NIL"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imap::command::Seq;
    use crate::mail::section::SectionText;

    fn complete(wire: &[u8]) -> Response {
        match parse(wire) {
            Ok(ParsedResponse::Complete { response, consumed }) => {
                assert_eq!(consumed, wire.len(), "{wire:?}");
                response
            }
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(wire)),
        }
    }

    fn untagged(line: &str) -> Untagged {
        match complete(line.as_bytes()) {
            Response::Untagged(u) => u,
            other => panic!("{line:?}: {other:?}"),
        }
    }

    #[test]
    fn rfc3501_section8_sample_responses() {
        let ok = |text: &str| Untagged::Status {
            condition: Condition::Ok,
            code: None,
            text: text.into(),
        };
        assert_eq!(
            untagged("* OK IMAP4rev1 Service Ready\r\n"),
            ok("IMAP4rev1 Service Ready")
        );
        assert_eq!(
            complete(b"a001 OK LOGIN completed\r\n"),
            Response::Tagged {
                tag: Tag::new("a001").unwrap_or_else(|| unreachable!()),
                status: Status::Ok,
                code: None,
                text: "LOGIN completed".into()
            }
        );
        assert_eq!(untagged("* 18 EXISTS\r\n"), Untagged::Exists(18));
        assert_eq!(
            untagged("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"),
            Untagged::Flags(
                ["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"]
                    .map(String::from)
                    .to_vec()
            )
        );
        assert_eq!(untagged("* 2 RECENT\r\n"), Untagged::Recent(2));
        assert_eq!(
            untagged("* OK [UNSEEN 17] Message 17 is the first unseen message\r\n"),
            Untagged::Status {
                condition: Condition::Ok,
                code: Some(Code::Unseen(17)),
                text: "Message 17 is the first unseen message".into()
            }
        );
        assert!(matches!(
            untagged("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"),
            Untagged::Status {
                code: Some(Code::UidValidity(3857529045)),
                ..
            }
        ));
        assert!(matches!(
            complete(b"a002 OK [READ-WRITE] SELECT completed\r\n"),
            Response::Tagged {
                code: Some(Code::ReadWrite),
                ..
            }
        ));
        let envelope = "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and \
            minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \
            \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
            ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\") \
            (\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \
            \"<B27397-0100000@cac.washington.edu>\")";
        let body = "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92)";
        assert_eq!(
            untagged(&format!(
                "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" \
                 RFC822.SIZE 4286 ENVELOPE {envelope} BODY {body})\r\n"
            )),
            Untagged::Fetch {
                number: 12,
                attributes: vec![
                    FetchData::Flags(vec!["\\Seen".into()]),
                    FetchData::InternalDate("17-Jul-1996 02:44:25 -0700".into()),
                    FetchData::Rfc822Size(4286),
                    FetchData::Envelope(envelope.as_bytes().to_vec()),
                    FetchData::Body(body.as_bytes().to_vec()),
                ]
            }
        );
        let header = "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\nSubject: IMAP4rev1\r\n\r\n";
        assert_eq!(
            untagged(&format!(
                "* 12 FETCH (BODY[HEADER] {{{}}}\r\n{header})\r\n",
                header.len()
            )),
            Untagged::Fetch {
                number: 12,
                attributes: vec![FetchData::BodySection {
                    section: Section {
                        part: vec![],
                        text: Some(SectionText::Header)
                    },
                    origin: None,
                    data: Some(header.as_bytes().to_vec())
                }]
            }
        );
        assert_eq!(
            untagged("* 12 FETCH (FLAGS (\\Seen \\Deleted))\r\n"),
            Untagged::Fetch {
                number: 12,
                attributes: vec![FetchData::Flags(vec!["\\Seen".into(), "\\Deleted".into()])]
            }
        );
        assert!(matches!(
            untagged("* BYE IMAP4rev1 server logging out\r\n"),
            Untagged::Status {
                condition: Condition::Bye,
                ..
            }
        ));
    }

    #[test]
    fn other_responses_and_codes_parse() {
        assert_eq!(
            untagged("* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n"),
            Untagged::List(MailboxListing {
                attributes: vec!["\\Noselect".into()],
                delimiter: Some('/'),
                mailbox: b"~/Mail/foo".to_vec()
            })
        );
        assert!(
            matches!(untagged("* LSUB () NIL inbox\r\n"), Untagged::Lsub(MailboxListing { delimiter: None, ref mailbox, .. }) if mailbox == b"INBOX")
        );
        assert_eq!(
            untagged("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n"),
            Untagged::MailboxStatus {
                mailbox: b"blurdybloop".to_vec(),
                items: vec![(StatusItem::Messages, 231), (StatusItem::UidNext, 44292)]
            }
        );
        assert_eq!(
            untagged("* SEARCH 2 84 882\r\n"),
            Untagged::Search(vec![2, 84, 882])
        );
        assert_eq!(untagged("* SEARCH\r\n"), Untagged::Search(vec![]));
        assert_eq!(untagged("* 44 EXPUNGE\r\n"), Untagged::Expunge(44));
        assert_eq!(
            untagged("* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI\r\n"),
            Untagged::Capability(
                ["IMAP4rev1", "STARTTLS", "AUTH=GSSAPI"]
                    .map(String::from)
                    .to_vec()
            )
        );
        assert_eq!(
            untagged("* ENABLED CONDSTORE\r\n"),
            Untagged::Enabled(vec!["CONDSTORE".into()])
        );
        assert_eq!(
            untagged("* NAMESPACE ((\"\" \"/\")) NIL ((\"#shared/\" \"/\"))\r\n"),
            Untagged::Namespace(b"((\"\" \"/\")) NIL ((\"#shared/\" \"/\"))".to_vec())
        );
        assert_eq!(untagged("* ID NIL\r\n"), Untagged::Id(b"NIL".to_vec()));
        assert_eq!(
            complete(b"+ Ready for additional command text\r\n"),
            Response::Continuation("Ready for additional command text".into())
        );
        assert_eq!(complete(b"+\r\n"), Response::Continuation(String::new()));
        let set = |a, b| SequenceSet::new(vec![(Seq::Number(a), Seq::Number(b))]);
        for (line, code) in [
            ("a OK [ALERT] x\r\n", Code::Alert),
            (
                "a NO [BADCHARSET (UTF-8 \"x y\")] x\r\n",
                Code::BadCharset(vec!["UTF-8".into(), "x y".into()]),
            ),
            ("a NO [BADCHARSET] x\r\n", Code::BadCharset(vec![])),
            (
                "a OK [CAPABILITY IMAP4rev1 IDLE] x\r\n",
                Code::Capability(vec!["IMAP4rev1".into(), "IDLE".into()]),
            ),
            ("a NO [PARSE] x\r\n", Code::Parse),
            (
                "a OK [PERMANENTFLAGS (\\Deleted \\*)] x\r\n",
                Code::PermanentFlags(vec!["\\Deleted".into(), "\\*".into()]),
            ),
            ("a OK [READ-ONLY] x\r\n", Code::ReadOnly),
            ("a NO [TRYCREATE] x\r\n", Code::TryCreate),
            ("a OK [UIDNEXT 4392] x\r\n", Code::UidNext(4392)),
            (
                "a OK [APPENDUID 38505 3955] x\r\n",
                Code::AppendUid {
                    uid_validity: 38505,
                    uid: 3955,
                },
            ),
            (
                "a OK [COPYUID 38505 304,319:320 3956:3958] x\r\n",
                Code::CopyUid {
                    uid_validity: 38505,
                    source: SequenceSet::new(vec![
                        (Seq::Number(304), Seq::Number(304)),
                        (Seq::Number(319), Seq::Number(320)),
                    ])
                    .unwrap_or_else(|| unreachable!()),
                    destination: set(3956, 3958).unwrap_or_else(|| unreachable!()),
                },
            ),
            (
                "a NO [AUTHENTICATIONFAILED] x\r\n",
                Code::Other("AUTHENTICATIONFAILED".into(), None),
            ),
            (
                "a NO [X-FOO bar baz] x\r\n",
                Code::Other("X-FOO".into(), Some("bar baz".into())),
            ),
        ] {
            assert!(
                matches!(complete(line.as_bytes()), Response::Tagged { code: Some(ref c), .. } if *c == code),
                "{line:?}"
            );
        }
    }

    #[test]
    fn bad_responses_are_errors_once_the_line_ends() {
        for line in [
            "a MAYBE x\r\n",
            "* FROB\r\n",
            "* 3 FROB\r\n",
            "* 1 FETCH (FOO 1)\r\n",
            "* 1 FETCH (ENVELOPE (\"a\"\r\n",
            "* OK [UIDNEXT x] y\r\n",
            "\r\n",
        ] {
            assert!(parse(line.as_bytes()).is_err(), "{line:?}");
            assert_eq!(
                parse(&line.as_bytes()[..line.len() - 1]),
                Ok(ParsedResponse::Incomplete),
                "{line:?}"
            );
        }
    }

    #[test]
    fn every_two_chunk_split_gives_the_same_answer() {
        let wire = b"* 7 FETCH (UID 9 BODY[1]<0> {5}\r\nab\r\nc RFC822.HEADER NIL)\r\n";
        for k in 0..wire.len() {
            assert_eq!(
                parse(&wire[..k]),
                Ok(ParsedResponse::Incomplete),
                "cut at {k}"
            );
        }
        assert!(matches!(
            complete(wire),
            Response::Untagged(Untagged::Fetch { number: 7, .. })
        ));
    }

    #[test]
    fn strings_are_written_as_the_grammar_needs() {
        let w = |f: fn(&[u8], &mut Vec<u8>), s: &[u8]| {
            let mut out = Vec::new();
            f(s, &mut out);
            out
        };
        assert_eq!(w(write_astring, b"INBOX"), b"INBOX");
        assert_eq!(w(write_astring, b""), b"\"\"");
        assert_eq!(w(write_astring, b"a b\"\\"), b"\"a b\\\"\\\\\"");
        assert_eq!(w(write_string, b"x"), b"\"x\"");
        assert_eq!(w(write_string, b"a\r\nb\0"), b"{4}\r\na\r\nb");
        assert_eq!(w(write_string, "é".as_bytes()), b"{2}\r\n\xc3\xa9");
        assert_eq!(
            w(write_string, &[b'a'; 1001]).get(..7),
            Some(&b"{1001}\r"[..])
        );
        let mut out = Vec::new();
        write_nstring(None, &mut out);
        assert_eq!(out, b"NIL");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use crate::imap::command::properties::{
        atom, bytes, flag, mailbox, no_nul, section, sequence_set, status_item, tag,
    };
    use proptest::collection::vec;
    use proptest::option::of;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        "[A-Za-z0-9][A-Za-z0-9 .,:()-]{0,20}|"
    }

    fn code() -> impl Strategy<Value = Code> {
        prop_oneof![
            Just(Code::Alert),
            vec("[A-Za-z0-9 -]{1,8}", 0..3).prop_map(Code::BadCharset),
            vec(atom(), 0..3).prop_map(Code::Capability),
            Just(Code::Parse),
            vec(prop_oneof![flag(), Just("\\*".to_string())], 0..3).prop_map(Code::PermanentFlags),
            Just(Code::ReadOnly),
            Just(Code::ReadWrite),
            Just(Code::TryCreate),
            (1u32..).prop_map(Code::UidNext),
            (1u32..).prop_map(Code::UidValidity),
            (1u32..).prop_map(Code::Unseen),
            (1u32.., 1u32..).prop_map(|(uid_validity, uid)| Code::AppendUid { uid_validity, uid }),
            (1u32.., sequence_set(), sequence_set()).prop_map(
                |(uid_validity, source, destination)| {
                    Code::CopyUid {
                        uid_validity,
                        source,
                        destination,
                    }
                }
            ),
            ("X[A-Z-]{0,8}", of("[a-z0-9 ]{0,8}")).prop_map(|(n, a)| Code::Other(n, a)),
        ]
    }

    fn raw_group() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"(\"a\" NIL (\"b\" \"c\"))".to_vec()),
            Just(b"(NIL {3}\r\n(\") NIL)".to_vec()),
            Just(b"(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0)".to_vec()),
        ]
    }

    fn nstring() -> impl Strategy<Value = Option<Vec<u8>>> {
        of(bytes().prop_map(no_nul))
    }

    fn fetch_data() -> impl Strategy<Value = FetchData> {
        prop_oneof![
            (1u32..).prop_map(FetchData::Uid),
            vec(flag(), 0..3).prop_map(FetchData::Flags),
            Just(FetchData::InternalDate("17-Jul-1996 02:44:25 -0700".into())),
            any::<u32>().prop_map(FetchData::Rfc822Size),
            raw_group().prop_map(FetchData::Envelope),
            raw_group().prop_map(FetchData::BodyStructure),
            raw_group().prop_map(FetchData::Body),
            (section(), of(any::<u32>()), nstring()).prop_map(|(section, origin, data)| {
                FetchData::BodySection {
                    section,
                    origin,
                    data,
                }
            }),
            nstring().prop_map(FetchData::Rfc822),
            nstring().prop_map(FetchData::Rfc822Header),
            nstring().prop_map(FetchData::Rfc822Text),
        ]
    }

    fn listing() -> impl Strategy<Value = MailboxListing> {
        (
            vec(flag(), 0..3),
            of(prop_oneof![Just('/'), Just('"'), Just('\\'), Just('é')]),
            mailbox(),
        )
            .prop_map(|(attributes, delimiter, mailbox)| MailboxListing {
                attributes,
                delimiter,
                mailbox,
            })
    }

    fn untagged() -> impl Strategy<Value = Untagged> {
        prop_oneof![
            (
                prop_oneof![
                    Just(Condition::Ok),
                    Just(Condition::No),
                    Just(Condition::Bad),
                    Just(Condition::Preauth),
                    Just(Condition::Bye)
                ],
                of(code()),
                text()
            )
                .prop_map(|(condition, code, text)| Untagged::Status {
                    condition,
                    code,
                    text
                }),
            vec(atom(), 0..4).prop_map(Untagged::Capability),
            listing().prop_map(Untagged::List),
            listing().prop_map(Untagged::Lsub),
            (mailbox(), vec((status_item(), any::<u64>()), 0..3))
                .prop_map(|(mailbox, items)| Untagged::MailboxStatus { mailbox, items }),
            vec(1u32.., 0..4).prop_map(Untagged::Search),
            vec(flag(), 0..4).prop_map(Untagged::Flags),
            any::<u32>().prop_map(Untagged::Exists),
            any::<u32>().prop_map(Untagged::Recent),
            any::<u32>().prop_map(Untagged::Expunge),
            (any::<u32>(), vec(fetch_data(), 1..4))
                .prop_map(|(number, attributes)| Untagged::Fetch { number, attributes }),
            vec(atom(), 0..3).prop_map(Untagged::Enabled),
            Just(Untagged::Namespace(b"((\"\" \"/\")) NIL NIL".to_vec())),
            Just(Untagged::Id(
                b"(\"name\" \"Mail Lab\" \"version\" NIL)".to_vec()
            )),
        ]
    }

    fn response() -> impl Strategy<Value = Response> {
        prop_oneof![
            (
                tag(),
                prop_oneof![Just(Status::Ok), Just(Status::No), Just(Status::Bad)],
                of(code()),
                text()
            )
                .prop_map(|(tag, status, code, text)| Response::Tagged {
                    tag,
                    status,
                    code,
                    text
                }),
            untagged().prop_map(Response::Untagged),
            text().prop_map(Response::Continuation),
        ]
    }

    proptest! {
        #[test]
        fn written_responses_parse_back(response in response()) {
            let mut wire = Vec::new();
            response.write(&mut wire);
            for k in 0..wire.len() {
                prop_assert_eq!(parse(&wire[..k]), Ok(ParsedResponse::Incomplete));
            }
            prop_assert_eq!(
                parse(&wire),
                Ok(ParsedResponse::Complete { response, consumed: wire.len() })
            );
        }

        #[test]
        fn arbitrary_bytes_never_panic(input in vec(any::<u8>(), 0..200)) {
            let _ = parse(&input);
        }
    }
}
