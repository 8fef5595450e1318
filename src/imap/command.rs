//! IMAP4rev1 commands (RFC 3501 §6, grammar §9) and the extensions Mail Lab speaks: IDLE
//! (RFC 2177), UNSELECT (RFC 3691), MOVE (RFC 6851), UID EXPUNGE (RFC 4315), NAMESPACE
//! (RFC 2342), ID (RFC 2971), ENABLE (RFC 5161), SASL-IR (RFC 4959) and LITERAL+ (RFC 7888).
//!
//! One module parses what a client sends (for the server) and writes it (for the client).
//! Parsing is incremental: [`parse`] is handed every octet received since the command began and
//! answers [`Parsed::Incomplete`] or [`Parsed::NeedLiteral`] until the whole command is there.
//! Invariants: a syntax error is only reported once the line it is on has ended (so the result
//! does not depend on how the input was split); no input makes the parser panic; recursion
//! (search keys) is bounded.
//!
//! The `Reader` here is the byte cursor shared with [`super::response`].

use super::response::{write_astring, write_literal, write_nstring, write_string};
use crate::mail::section::{Section, SectionText};

/// A command tag (RFC 3501 §9 `tag`): one or more ASTRING-CHARs other than `+`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tag(String);

impl Tag {
    /// The tag, or `None` if `s` is empty or holds a character §9 `tag` excludes.
    pub fn new(s: &str) -> Option<Tag> {
        (!s.is_empty() && s.bytes().all(is_tag_char)).then(|| Tag(s.to_owned()))
    }

    /// The tag as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One end of a sequence range (RFC 3501 §9 `seq-number`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seq {
    Number(u32),
    /// `*`: the largest number in use.
    Star,
}

/// A non-empty set of message numbers or UIDs (RFC 3501 §9 `sequence-set`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SequenceSet(Vec<(Seq, Seq)>);

impl SequenceSet {
    /// The set of these ranges (a single number is the range `(n, n)`); `None` when empty or
    /// when a number is 0. The ends of a range may come in either order (§9 `seq-range`).
    pub fn new(ranges: Vec<(Seq, Seq)>) -> Option<SequenceSet> {
        let valid = |s: &Seq| *s != Seq::Number(0);
        (!ranges.is_empty() && ranges.iter().all(|(a, b)| valid(a) && valid(b)))
            .then_some(SequenceSet(ranges))
    }

    /// The ranges in the order written.
    pub fn ranges(&self) -> &[(Seq, Seq)] {
        &self.0
    }
}

/// A date in a search key (RFC 3501 §9 `date`): month 1–12, day 1–31, year 0–9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// A search criterion (RFC 3501 §6.4.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchKey {
    All,
    Answered,
    Bcc(Vec<u8>),
    Before(Date),
    Body(Vec<u8>),
    Cc(Vec<u8>),
    Deleted,
    Draft,
    Flagged,
    From(Vec<u8>),
    Header(Vec<u8>, Vec<u8>),
    Keyword(String),
    Larger(u32),
    New,
    Not(Box<SearchKey>),
    Old,
    On(Date),
    Or(Box<SearchKey>, Box<SearchKey>),
    Recent,
    Seen,
    SentBefore(Date),
    SentOn(Date),
    SentSince(Date),
    Since(Date),
    Smaller(u32),
    Subject(Vec<u8>),
    Text(Vec<u8>),
    To(Vec<u8>),
    Uid(SequenceSet),
    Unanswered,
    Undeleted,
    Undraft,
    Unflagged,
    Unkeyword(String),
    Unseen,
    SequenceSet(SequenceSet),
    /// Keys that must all match: a parenthesised list, or several keys in a row.
    And(Vec<SearchKey>),
}

/// What FETCH asks for (RFC 3501 §6.4.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchItems {
    /// `ALL`: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE.
    All,
    /// `FAST`: FLAGS INTERNALDATE RFC822.SIZE.
    Fast,
    /// `FULL`: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY.
    Full,
    /// A parenthesised list (or a single item); written with parentheses.
    List(Vec<FetchAttribute>),
}

/// One FETCH data item (RFC 3501 §9 `fetch-att`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchAttribute {
    Envelope,
    Flags,
    InternalDate,
    Rfc822,
    Rfc822Header,
    Rfc822Size,
    Rfc822Text,
    Body,
    BodyStructure,
    Uid,
    /// `BODY[section]<origin.length>`, or `BODY.PEEK[…]` when `peek` (no `\Seen` side effect).
    BodySection {
        peek: bool,
        section: Section,
        partial: Option<(u32, u32)>,
    },
}

/// How STORE changes flags (RFC 3501 §6.4.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreMode {
    Replace,
    Add,
    Remove,
}

/// A STATUS data item (RFC 3501 §6.3.10; SIZE from RFC 8438).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusItem {
    Messages,
    Recent,
    UidNext,
    UidValidity,
    Unseen,
    Size,
}

impl StatusItem {
    /// The item's name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            StatusItem::Messages => "MESSAGES",
            StatusItem::Recent => "RECENT",
            StatusItem::UidNext => "UIDNEXT",
            StatusItem::UidValidity => "UIDVALIDITY",
            StatusItem::Unseen => "UNSEEN",
            StatusItem::Size => "SIZE",
        }
    }

    pub(crate) fn from_name(name: &[u8]) -> Option<StatusItem> {
        [
            StatusItem::Messages,
            StatusItem::Recent,
            StatusItem::UidNext,
            StatusItem::UidValidity,
            StatusItem::Unseen,
            StatusItem::Size,
        ]
        .into_iter()
        .find(|i| i.name().as_bytes().eq_ignore_ascii_case(name))
    }
}

/// One RFC 2971 §3.1 field/value pair: a string and an nstring.
pub type IdParam = (Vec<u8>, Option<Vec<u8>>);

/// A tagged command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub tag: Tag,
    pub body: CommandBody,
}

/// Every command of RFC 3501 §6 and the extensions listed in the module docs. Mailbox names are
/// the astring octets (modified UTF-7 is not decoded here); `INBOX` in any case is `b"INBOX"`
/// (§5.1). Flags are kept as written (`\Seen`, `$Junk`). The `uid` fields are the `UID` prefix
/// (§6.4.8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandBody {
    Capability,
    Noop,
    Logout,
    StartTls,
    /// `initial` is the SASL-IR initial response as sent: base64, or `=` for an empty one.
    Authenticate {
        mechanism: String,
        initial: Option<String>,
    },
    Login {
        user: Vec<u8>,
        password: Vec<u8>,
    },
    Select(Vec<u8>),
    Examine(Vec<u8>),
    Create(Vec<u8>),
    Delete(Vec<u8>),
    Rename {
        from: Vec<u8>,
        to: Vec<u8>,
    },
    Subscribe(Vec<u8>),
    Unsubscribe(Vec<u8>),
    List {
        reference: Vec<u8>,
        pattern: Vec<u8>,
    },
    Lsub {
        reference: Vec<u8>,
        pattern: Vec<u8>,
    },
    Status {
        mailbox: Vec<u8>,
        items: Vec<StatusItem>,
    },
    /// `date` is the `date-time` text without its quotes.
    Append {
        mailbox: Vec<u8>,
        flags: Vec<String>,
        date: Option<String>,
        message: Vec<u8>,
    },
    Check,
    Close,
    Expunge,
    Search {
        uid: bool,
        charset: Option<String>,
        criteria: SearchKey,
    },
    Fetch {
        uid: bool,
        set: SequenceSet,
        items: FetchItems,
    },
    Store {
        uid: bool,
        set: SequenceSet,
        mode: StoreMode,
        silent: bool,
        flags: Vec<String>,
    },
    Copy {
        uid: bool,
        set: SequenceSet,
        mailbox: Vec<u8>,
    },
    Move {
        uid: bool,
        set: SequenceSet,
        mailbox: Vec<u8>,
    },
    UidExpunge(SequenceSet),
    Idle,
    Unselect,
    Namespace,
    /// `None` is `ID NIL`.
    Id(Option<Vec<IdParam>>),
    Enable(Vec<String>),
}

/// The outcome of [`parse`] on the octets received so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A whole command, which took the first `consumed` octets.
    Complete { command: Command, consumed: usize },
    /// The data so far ends with a literal header `{size}` (`sync`) or `{size+}` (LITERAL+,
    /// RFC 7888) and its CRLF. For a synchronizing literal the server sends `+ ` first
    /// (RFC 3501 §7.5); then it feeds more octets.
    NeedLiteral { size: u32, sync: bool },
    /// More octets are needed.
    Incomplete,
}

/// Why a command was refused; the server answers `tag BAD reason` (or `* BAD reason`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    Syntax {
        tag: Option<Tag>,
        reason: &'static str,
    },
    /// A literal larger than the server accepts.
    LiteralTooLarge { tag: Option<Tag>, size: u32 },
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::Syntax { reason, .. } => f.write_str(reason),
            ParseError::LiteralTooLarge { size, .. } => {
                write!(f, "literal of {size} octets too large")
            }
        }
    }
}

/// How deeply search keys may nest (NOT, OR, parentheses) before the command is refused.
const MAX_SEARCH_DEPTH: usize = 32;

/// Parses the command at the start of `input` (every octet since the command began, literal
/// lines included). Literals above `max_literal` octets are refused.
pub fn parse(input: &[u8], max_literal: u32) -> Result<Parsed, ParseError> {
    let mut r = Reader::new(input, Some(max_literal));
    let tag = match r.tag() {
        Ok(tag) => tag,
        Err(stop) => return r.conclude(stop, None),
    };
    let body = r
        .sp()
        .and_then(|()| command_body(&mut r))
        .and_then(|body| r.crlf().map(|()| body));
    match body {
        Ok(body) => Ok(Parsed::Complete {
            command: Command { tag, body },
            consumed: r.pos,
        }),
        Err(stop) => r.conclude(stop, Some(tag)),
    }
}

/// Parses the `DONE` line that ends IDLE (RFC 2177 §3): `Ok(Some(consumed))` once it is there,
/// `Ok(None)` while incomplete.
pub fn parse_done(input: &[u8]) -> Result<Option<usize>, ParseError> {
    let mut r = Reader::new(input, Some(0));
    match r.keyword("DONE").and_then(|()| r.crlf()) {
        Ok(()) => Ok(Some(r.pos)),
        Err(stop) => r.conclude(stop, None).map(|_| None),
    }
}

/// Writes the `DONE` line that ends IDLE (RFC 2177 §3).
pub fn write_done(out: &mut Vec<u8>) {
    out.extend_from_slice(b"DONE\r\n");
}

/// How a client may send the literals of a command (RFC 7888).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiteralMode {
    /// RFC 3501 §7.5: after each `{n}` line the client waits for the server's `+`.
    Synchronizing,
    /// LITERAL+ (RFC 7888 §3): every literal is `{n+}` and goes without waiting.
    NonSynchronizing,
    /// LITERAL- (RFC 7888 §5): `{n+}` for literals of at most 4096 octets, `{n}` for larger.
    NonSynchronizingUpTo4096,
}

/// The largest literal LITERAL- lets a client send without waiting (RFC 7888 §5).
const LITERAL_MINUS_MAX: u32 = 4096;

impl Command {
    /// Writes the command as a client sends it, CRLF included. Strings become atoms, quoted
    /// strings or synchronizing literals as needed (the client machine waits for `+` after
    /// each `{n}` line; see [`Command::write_segments`]).
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.tag.0.as_bytes());
        out.push(b' ');
        write_body(&self.body, out);
        out.extend_from_slice(b"\r\n");
    }

    /// What [`Command::write`] writes, cut where the client must wait: the first segment is
    /// sent at once, and each further one only after a `+` continuation (RFC 3501 §7.5). A
    /// command without synchronizing literals is one segment. With LITERAL+ (or LITERAL- for
    /// small literals) the headers become `{n+}` and nothing waits (RFC 7888 §3).
    ///
    /// The literals are found by reading the written command back with [`parse`], which stops
    /// right after each literal header: one grammar decides where literals are.
    pub fn write_segments(&self, mode: LiteralMode) -> Vec<Vec<u8>> {
        let mut wire = Vec::new();
        self.write(&mut wire);
        let mut segments = Vec::new();
        let mut segment = Vec::new();
        // `copied`: how much of `wire` is in the segments; `scan`: where the next line may end
        // (after the last literal's octets).
        let (mut copied, mut scan) = (0, 0);
        while let Some(lf) = wire
            .get(scan..)
            .and_then(|rest| memchr::memchr(b'\n', rest))
        {
            let end = scan + lf + 1;
            let Ok(Parsed::NeedLiteral { size, .. }) =
                parse(wire.get(..end).unwrap_or_default(), u32::MAX)
            else {
                break; // the end of the command
            };
            // The header ends `}` CR LF.
            let brace = end.saturating_sub(3);
            let wait = match mode {
                LiteralMode::Synchronizing => true,
                LiteralMode::NonSynchronizing => false,
                LiteralMode::NonSynchronizingUpTo4096 => size > LITERAL_MINUS_MAX,
            };
            segment.extend_from_slice(wire.get(copied..brace).unwrap_or_default());
            if !wait {
                segment.push(b'+');
            }
            segment.extend_from_slice(wire.get(brace..end).unwrap_or_default());
            if wait {
                segments.push(std::mem::take(&mut segment));
            }
            copied = end;
            scan = usize::try_from(size).map_or(usize::MAX, |size| end.saturating_add(size));
        }
        segment.extend_from_slice(wire.get(copied..).unwrap_or_default());
        segments.push(segment);
        segments
    }
}

fn write_body(body: &CommandBody, out: &mut Vec<u8>) {
    let word = |out: &mut Vec<u8>, s: &str| out.extend_from_slice(s.as_bytes());
    let uid = |out: &mut Vec<u8>, uid: bool| {
        if uid {
            out.extend_from_slice(b"UID ");
        }
    };
    match body {
        CommandBody::Capability => word(out, "CAPABILITY"),
        CommandBody::Noop => word(out, "NOOP"),
        CommandBody::Logout => word(out, "LOGOUT"),
        CommandBody::StartTls => word(out, "STARTTLS"),
        CommandBody::Authenticate { mechanism, initial } => {
            word(out, "AUTHENTICATE ");
            word(out, mechanism);
            if let Some(initial) = initial {
                out.push(b' ');
                word(out, initial);
            }
        }
        CommandBody::Login { user, password } => {
            word(out, "LOGIN ");
            write_astring(user, out);
            out.push(b' ');
            write_astring(password, out);
        }
        CommandBody::Select(m) => mailbox_command(out, "SELECT ", m),
        CommandBody::Examine(m) => mailbox_command(out, "EXAMINE ", m),
        CommandBody::Create(m) => mailbox_command(out, "CREATE ", m),
        CommandBody::Delete(m) => mailbox_command(out, "DELETE ", m),
        CommandBody::Subscribe(m) => mailbox_command(out, "SUBSCRIBE ", m),
        CommandBody::Unsubscribe(m) => mailbox_command(out, "UNSUBSCRIBE ", m),
        CommandBody::Rename { from, to } => {
            mailbox_command(out, "RENAME ", from);
            out.push(b' ');
            write_astring(to, out);
        }
        CommandBody::List { reference, pattern } => {
            mailbox_command(out, "LIST ", reference);
            out.push(b' ');
            write_list_mailbox(pattern, out);
        }
        CommandBody::Lsub { reference, pattern } => {
            mailbox_command(out, "LSUB ", reference);
            out.push(b' ');
            write_list_mailbox(pattern, out);
        }
        CommandBody::Status { mailbox, items } => {
            mailbox_command(out, "STATUS ", mailbox);
            out.extend_from_slice(b" (");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                word(out, item.name());
            }
            out.push(b')');
        }
        CommandBody::Append {
            mailbox,
            flags,
            date,
            message,
        } => {
            mailbox_command(out, "APPEND ", mailbox);
            if !flags.is_empty() {
                out.push(b' ');
                write_flag_list(flags, out);
            }
            if let Some(date) = date {
                out.extend_from_slice(b" \"");
                word(out, date);
                out.push(b'"');
            }
            // RFC 3501 §6.3.11: the message is always a literal.
            out.push(b' ');
            write_literal(message, out);
        }
        CommandBody::Check => word(out, "CHECK"),
        CommandBody::Close => word(out, "CLOSE"),
        CommandBody::Expunge => word(out, "EXPUNGE"),
        CommandBody::Search {
            uid: u,
            charset,
            criteria,
        } => {
            uid(out, *u);
            word(out, "SEARCH ");
            if let Some(charset) = charset {
                word(out, "CHARSET ");
                write_astring(charset.as_bytes(), out);
                out.push(b' ');
            }
            match criteria {
                // Several keys in a row at the top level are an implicit AND (§6.4.4).
                SearchKey::And(keys) if keys.len() > 1 => write_keys(keys, out),
                key => write_search_key(key, out),
            }
        }
        CommandBody::Fetch { uid: u, set, items } => {
            uid(out, *u);
            word(out, "FETCH ");
            write_sequence_set(set, out);
            out.push(b' ');
            match items {
                FetchItems::All => word(out, "ALL"),
                FetchItems::Fast => word(out, "FAST"),
                FetchItems::Full => word(out, "FULL"),
                FetchItems::List(list) => {
                    out.push(b'(');
                    for (i, item) in list.iter().enumerate() {
                        if i > 0 {
                            out.push(b' ');
                        }
                        write_fetch_attribute(item, out);
                    }
                    out.push(b')');
                }
            }
        }
        CommandBody::Store {
            uid: u,
            set,
            mode,
            silent,
            flags,
        } => {
            uid(out, *u);
            word(out, "STORE ");
            write_sequence_set(set, out);
            word(
                out,
                match mode {
                    StoreMode::Replace => " FLAGS",
                    StoreMode::Add => " +FLAGS",
                    StoreMode::Remove => " -FLAGS",
                },
            );
            if *silent {
                word(out, ".SILENT");
            }
            out.push(b' ');
            write_flag_list(flags, out);
        }
        CommandBody::Copy {
            uid: u,
            set,
            mailbox,
        } => {
            uid(out, *u);
            word(out, "COPY ");
            write_sequence_set(set, out);
            out.push(b' ');
            write_astring(mailbox, out);
        }
        CommandBody::Move {
            uid: u,
            set,
            mailbox,
        } => {
            uid(out, *u);
            word(out, "MOVE ");
            write_sequence_set(set, out);
            out.push(b' ');
            write_astring(mailbox, out);
        }
        CommandBody::UidExpunge(set) => {
            word(out, "UID EXPUNGE ");
            write_sequence_set(set, out);
        }
        CommandBody::Idle => word(out, "IDLE"),
        CommandBody::Unselect => word(out, "UNSELECT"),
        CommandBody::Namespace => word(out, "NAMESPACE"),
        CommandBody::Id(None) => word(out, "ID NIL"),
        CommandBody::Id(Some(pairs)) => {
            word(out, "ID (");
            for (i, (field, value)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_string(field, out);
                out.push(b' ');
                write_nstring(value.as_deref(), out);
            }
            out.push(b')');
        }
        CommandBody::Enable(caps) => {
            word(out, "ENABLE");
            for cap in caps {
                out.push(b' ');
                word(out, cap);
            }
        }
    }
}

fn mailbox_command(out: &mut Vec<u8>, name: &str, mailbox: &[u8]) {
    out.extend_from_slice(name.as_bytes());
    write_astring(mailbox, out);
}

/// RFC 3501 §9 `list-mailbox`: list-chars bare (wildcards included), else a string.
fn write_list_mailbox(pattern: &[u8], out: &mut Vec<u8>) {
    if !pattern.is_empty() && pattern.iter().all(|&b| is_list_char(b)) {
        out.extend_from_slice(pattern);
    } else {
        write_string(pattern, out);
    }
}

pub(crate) fn write_flag_list(flags: &[String], out: &mut Vec<u8>) {
    out.push(b'(');
    for (i, flag) in flags.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(flag.as_bytes());
    }
    out.push(b')');
}

pub(crate) fn write_sequence_set(set: &SequenceSet, out: &mut Vec<u8>) {
    let seq = |s: Seq, out: &mut Vec<u8>| match s {
        Seq::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Seq::Star => out.push(b'*'),
    };
    for (i, &(a, b)) in set.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        seq(a, out);
        if a != b {
            out.push(b':');
            seq(b, out);
        }
    }
}

fn write_keys(keys: &[SearchKey], out: &mut Vec<u8>) {
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        write_search_key(key, out);
    }
}

fn write_search_key(key: &SearchKey, out: &mut Vec<u8>) {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let word = |out: &mut Vec<u8>, s: &str| out.extend_from_slice(s.as_bytes());
    let with_string = |out: &mut Vec<u8>, name: &str, s: &[u8]| {
        word(out, name);
        out.push(b' ');
        write_astring(s, out);
    };
    let with_date = |out: &mut Vec<u8>, name: &str, d: &Date| {
        let month = MONTHS
            .get(usize::from(d.month).wrapping_sub(1))
            .unwrap_or(&"Jan");
        word(out, &format!("{name} {}-{month}-{:04}", d.day, d.year));
    };
    match key {
        SearchKey::All => word(out, "ALL"),
        SearchKey::Answered => word(out, "ANSWERED"),
        SearchKey::Bcc(s) => with_string(out, "BCC", s),
        SearchKey::Before(d) => with_date(out, "BEFORE", d),
        SearchKey::Body(s) => with_string(out, "BODY", s),
        SearchKey::Cc(s) => with_string(out, "CC", s),
        SearchKey::Deleted => word(out, "DELETED"),
        SearchKey::Draft => word(out, "DRAFT"),
        SearchKey::Flagged => word(out, "FLAGGED"),
        SearchKey::From(s) => with_string(out, "FROM", s),
        SearchKey::Header(field, value) => {
            with_string(out, "HEADER", field);
            out.push(b' ');
            write_astring(value, out);
        }
        SearchKey::Keyword(k) => word(out, &format!("KEYWORD {k}")),
        SearchKey::Larger(n) => word(out, &format!("LARGER {n}")),
        SearchKey::New => word(out, "NEW"),
        SearchKey::Not(k) => {
            word(out, "NOT ");
            write_search_key(k, out);
        }
        SearchKey::Old => word(out, "OLD"),
        SearchKey::On(d) => with_date(out, "ON", d),
        SearchKey::Or(a, b) => {
            word(out, "OR ");
            write_search_key(a, out);
            out.push(b' ');
            write_search_key(b, out);
        }
        SearchKey::Recent => word(out, "RECENT"),
        SearchKey::Seen => word(out, "SEEN"),
        SearchKey::SentBefore(d) => with_date(out, "SENTBEFORE", d),
        SearchKey::SentOn(d) => with_date(out, "SENTON", d),
        SearchKey::SentSince(d) => with_date(out, "SENTSINCE", d),
        SearchKey::Since(d) => with_date(out, "SINCE", d),
        SearchKey::Smaller(n) => word(out, &format!("SMALLER {n}")),
        SearchKey::Subject(s) => with_string(out, "SUBJECT", s),
        SearchKey::Text(s) => with_string(out, "TEXT", s),
        SearchKey::To(s) => with_string(out, "TO", s),
        SearchKey::Uid(set) => {
            word(out, "UID ");
            write_sequence_set(set, out);
        }
        SearchKey::Unanswered => word(out, "UNANSWERED"),
        SearchKey::Undeleted => word(out, "UNDELETED"),
        SearchKey::Undraft => word(out, "UNDRAFT"),
        SearchKey::Unflagged => word(out, "UNFLAGGED"),
        SearchKey::Unkeyword(k) => word(out, &format!("UNKEYWORD {k}")),
        SearchKey::Unseen => word(out, "UNSEEN"),
        SearchKey::SequenceSet(set) => write_sequence_set(set, out),
        // An empty conjunction matches everything.
        SearchKey::And(keys) if keys.is_empty() => word(out, "ALL"),
        SearchKey::And(keys) => {
            out.push(b'(');
            write_keys(keys, out);
            out.push(b')');
        }
    }
}

fn write_fetch_attribute(item: &FetchAttribute, out: &mut Vec<u8>) {
    let name = match item {
        FetchAttribute::Envelope => "ENVELOPE",
        FetchAttribute::Flags => "FLAGS",
        FetchAttribute::InternalDate => "INTERNALDATE",
        FetchAttribute::Rfc822 => "RFC822",
        FetchAttribute::Rfc822Header => "RFC822.HEADER",
        FetchAttribute::Rfc822Size => "RFC822.SIZE",
        FetchAttribute::Rfc822Text => "RFC822.TEXT",
        FetchAttribute::Body => "BODY",
        FetchAttribute::BodyStructure => "BODYSTRUCTURE",
        FetchAttribute::Uid => "UID",
        FetchAttribute::BodySection {
            peek,
            section,
            partial,
        } => {
            out.extend_from_slice(if *peek { b"BODY.PEEK" } else { b"BODY" });
            write_section(section, out);
            if let Some((origin, length)) = partial {
                out.extend_from_slice(format!("<{origin}.{length}>").as_bytes());
            }
            return;
        }
    };
    out.extend_from_slice(name.as_bytes());
}

/// RFC 3501 §9 `section`, brackets included.
pub(crate) fn write_section(section: &Section, out: &mut Vec<u8>) {
    out.push(b'[');
    let parts: Vec<String> = section.part.iter().map(u32::to_string).collect();
    out.extend_from_slice(parts.join(".").as_bytes());
    if let Some(text) = &section.text {
        if !section.part.is_empty() {
            out.push(b'.');
        }
        let fields = |out: &mut Vec<u8>, name: &str, fields: &[String]| {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b" (");
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_astring(f.as_bytes(), out);
            }
            out.push(b')');
        };
        match text {
            SectionText::Header => out.extend_from_slice(b"HEADER"),
            SectionText::HeaderFields(f) => fields(out, "HEADER.FIELDS", f),
            SectionText::HeaderFieldsNot(f) => fields(out, "HEADER.FIELDS.NOT", f),
            SectionText::Text => out.extend_from_slice(b"TEXT"),
            SectionText::Mime => out.extend_from_slice(b"MIME"),
        }
    }
    out.push(b']');
}

// ---- the byte cursor shared by the command and response parsers ----

/// Why parsing stopped.
#[derive(Debug)]
pub(crate) enum Stop {
    Incomplete,
    NeedLiteral { size: u32, sync: bool },
    Invalid(&'static str),
    TooLarge(u32),
}

pub(crate) type Step<T> = Result<T, Stop>;

/// A cursor over the octets received so far. Reading past the end is [`Stop::Incomplete`].
pub(crate) struct Reader<'a> {
    input: &'a [u8],
    pub(crate) pos: usize,
    /// `Some(max)` on the server side: literals are limited and a literal header at the end of
    /// the data asks for [`Parsed::NeedLiteral`]. `None` when reading responses.
    max_literal: Option<u32>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(input: &'a [u8], max_literal: Option<u32>) -> Self {
        Reader {
            input,
            pos: 0,
            max_literal,
        }
    }

    /// Turns a stop into the command parser's answer. A syntax error counts only once its line
    /// has ended, so every split of the input gives the same final answer.
    fn conclude(&self, stop: Stop, tag: Option<Tag>) -> Result<Parsed, ParseError> {
        match stop {
            Stop::Incomplete => Ok(Parsed::Incomplete),
            Stop::NeedLiteral { size, sync } => Ok(Parsed::NeedLiteral { size, sync }),
            Stop::TooLarge(size) => Err(ParseError::LiteralTooLarge { tag, size }),
            Stop::Invalid(reason) if self.line_ended() => Err(ParseError::Syntax { tag, reason }),
            Stop::Invalid(_) => Ok(Parsed::Incomplete),
        }
    }

    /// Whether a LF has arrived at or after the cursor.
    pub(crate) fn line_ended(&self) -> bool {
        self.input
            .get(self.pos..)
            .is_some_and(|rest| rest.contains(&b'\n'))
    }

    pub(crate) fn peek(&self) -> Step<u8> {
        self.input.get(self.pos).copied().ok_or(Stop::Incomplete)
    }

    pub(crate) fn next(&mut self) -> Step<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Ok(b)
    }

    pub(crate) fn require(&mut self, b: u8, reason: &'static str) -> Step<()> {
        if self.peek()? == b {
            self.pos += 1;
            Ok(())
        } else {
            Err(Stop::Invalid(reason))
        }
    }

    pub(crate) fn sp(&mut self) -> Step<()> {
        self.require(b' ', "expected a space")
    }

    pub(crate) fn crlf(&mut self) -> Step<()> {
        self.require(b'\r', "expected end of line")?;
        self.require(b'\n', "expected LF after CR")
    }

    /// Octets while `f` holds (possibly none).
    pub(crate) fn take_while(&mut self, f: impl Fn(u8) -> bool) -> Step<&'a [u8]> {
        let start = self.pos;
        while f(self.peek()?) {
            self.pos += 1;
        }
        Ok(self.input.get(start..self.pos).unwrap_or_default())
    }

    fn take_while1(&mut self, f: impl Fn(u8) -> bool, reason: &'static str) -> Step<&'a [u8]> {
        let s = self.take_while(f)?;
        if s.is_empty() {
            Err(Stop::Invalid(reason))
        } else {
            Ok(s)
        }
    }

    pub(crate) fn atom(&mut self) -> Step<&'a [u8]> {
        self.take_while1(is_atom_char, "expected an atom")
    }

    pub(crate) fn atom_string(&mut self) -> Step<String> {
        self.atom().map(|a| String::from_utf8_lossy(a).into_owned())
    }

    /// A case-insensitive keyword made of atom characters.
    pub(crate) fn keyword(&mut self, word: &str) -> Step<()> {
        if self.atom()?.eq_ignore_ascii_case(word.as_bytes()) {
            Ok(())
        } else {
            Err(Stop::Invalid("unexpected word"))
        }
    }

    /// The rest of the line, without its CRLF (which is consumed).
    pub(crate) fn text_line(&mut self) -> Step<String> {
        let text = self.take_while(|b| b != b'\r' && b != b'\n')?;
        self.crlf()?;
        Ok(String::from_utf8_lossy(text).into_owned())
    }

    /// RFC 3501 §9 `number64` (RFC 9051).
    pub(crate) fn number64(&mut self) -> Step<u64> {
        let digits = self.take_while1(|b| b.is_ascii_digit(), "expected a number")?;
        digits.iter().try_fold(0u64, |n, &d| {
            n.checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(d - b'0')))
                .ok_or(Stop::Invalid("number too large"))
        })
    }

    /// RFC 3501 §9 `number`: 32 bits unsigned.
    pub(crate) fn number(&mut self) -> Step<u32> {
        u32::try_from(self.number64()?).map_err(|_| Stop::Invalid("number too large"))
    }

    pub(crate) fn nz_number(&mut self) -> Step<u32> {
        match self.number()? {
            0 => Err(Stop::Invalid("zero is not allowed here")),
            n => Ok(n),
        }
    }

    /// RFC 3501 §9 `quoted`. 8-bit octets are accepted (RFC 9051 allows UTF-8).
    pub(crate) fn quoted(&mut self) -> Step<Vec<u8>> {
        self.require(b'"', "expected a quoted string")?;
        let mut s = Vec::new();
        loop {
            match self.next()? {
                b'"' => return Ok(s),
                b'\\' => match self.next()? {
                    b @ (b'"' | b'\\') => s.push(b),
                    _ => return Err(Stop::Invalid("bad escape in quoted string")),
                },
                b'\r' | b'\n' | 0 => return Err(Stop::Invalid("bad octet in quoted string")),
                b => s.push(b),
            }
        }
    }

    /// RFC 3501 §9 `literal`, or RFC 7888 `{n+}`.
    pub(crate) fn literal(&mut self) -> Step<&'a [u8]> {
        self.require(b'{', "expected a literal")?;
        let size = self.number()?;
        let sync = if self.peek()? == b'+' {
            self.pos += 1;
            false
        } else {
            true
        };
        self.require(b'}', "bad literal header")?;
        if self.max_literal.is_some_and(|max| size > max) {
            return Err(Stop::TooLarge(size));
        }
        self.crlf()?;
        if self.max_literal.is_some() && self.pos == self.input.len() {
            return Err(Stop::NeedLiteral { size, sync });
        }
        let end = usize::try_from(size)
            .ok()
            .and_then(|n| self.pos.checked_add(n))
            .ok_or(Stop::Invalid("literal too large"))?;
        let data = self.input.get(self.pos..end).ok_or(Stop::Incomplete)?;
        if data.contains(&0) {
            return Err(Stop::Invalid("NUL in literal"));
        }
        self.pos = end;
        Ok(data)
    }

    pub(crate) fn string(&mut self) -> Step<Vec<u8>> {
        match self.peek()? {
            b'"' => self.quoted(),
            b'{' => self.literal().map(<[u8]>::to_vec),
            _ => Err(Stop::Invalid("expected a string")),
        }
    }

    pub(crate) fn astring(&mut self) -> Step<Vec<u8>> {
        match self.peek()? {
            b'"' | b'{' => self.string(),
            _ => self
                .take_while1(is_astring_char, "expected a string")
                .map(<[u8]>::to_vec),
        }
    }

    pub(crate) fn nstring(&mut self) -> Step<Option<Vec<u8>>> {
        match self.peek()? {
            b'"' | b'{' => self.string().map(Some),
            _ => self.keyword("NIL").map(|()| None),
        }
    }

    /// RFC 3501 §9 `mailbox`: an astring, with `INBOX` in any case meaning INBOX (§5.1).
    pub(crate) fn mailbox(&mut self) -> Step<Vec<u8>> {
        let m = self.astring()?;
        Ok(if m.eq_ignore_ascii_case(b"INBOX") {
            b"INBOX".to_vec()
        } else {
            m
        })
    }

    pub(crate) fn tag(&mut self) -> Step<Tag> {
        let tag = self.take_while1(is_tag_char, "missing or bad tag")?;
        Ok(Tag(String::from_utf8_lossy(tag).into_owned()))
    }

    /// RFC 3501 §9 `flag` (and `flag-perm`'s `\*`), kept as written.
    pub(crate) fn flag(&mut self) -> Step<String> {
        if self.peek()? == b'\\' {
            self.pos += 1;
            if self.peek()? == b'*' {
                self.pos += 1;
                return Ok("\\*".to_owned());
            }
            return Ok(format!("\\{}", self.atom_string()?));
        }
        self.atom_string()
    }

    /// `"(" [flag *(SP flag)] ")"`.
    pub(crate) fn flag_list(&mut self) -> Step<Vec<String>> {
        self.require(b'(', "expected a flag list")?;
        let mut flags = Vec::new();
        while self.peek()? != b')' {
            if !flags.is_empty() {
                self.sp()?;
            }
            flags.push(self.flag()?);
        }
        self.pos += 1;
        Ok(flags)
    }

    pub(crate) fn sequence_set(&mut self) -> Step<SequenceSet> {
        let mut ranges = Vec::new();
        loop {
            let a = self.seq()?;
            let b = if self.peek()? == b':' {
                self.pos += 1;
                self.seq()?
            } else {
                a
            };
            ranges.push((a, b));
            if self.peek()? != b',' {
                return Ok(SequenceSet(ranges));
            }
            self.pos += 1;
        }
    }

    fn seq(&mut self) -> Step<Seq> {
        if self.peek()? == b'*' {
            self.pos += 1;
            Ok(Seq::Star)
        } else {
            self.nz_number().map(Seq::Number)
        }
    }

    /// RFC 3501 §9 `section`, brackets included.
    pub(crate) fn section(&mut self) -> Step<Section> {
        self.require(b'[', "expected a section")?;
        let mut part = Vec::new();
        let mut text_follows = true;
        while self.peek()?.is_ascii_digit() {
            part.push(self.nz_number()?);
            if self.peek()? == b'.' {
                self.pos += 1;
            } else {
                text_follows = false;
                break;
            }
        }
        let mut text = None;
        if text_follows && !(part.is_empty() && self.peek()? == b']') {
            let name = self.take_while(|b| b.is_ascii_alphabetic() || b == b'.')?;
            let upper = name.to_ascii_uppercase();
            text = Some(match upper.as_slice() {
                b"HEADER" => SectionText::Header,
                b"TEXT" => SectionText::Text,
                b"MIME" if !part.is_empty() => SectionText::Mime,
                b"HEADER.FIELDS" => SectionText::HeaderFields(self.header_list()?),
                b"HEADER.FIELDS.NOT" => SectionText::HeaderFieldsNot(self.header_list()?),
                _ => return Err(Stop::Invalid("bad section")),
            });
        }
        self.require(b']', "expected ] after section")?;
        Ok(Section { part, text })
    }

    fn header_list(&mut self) -> Step<Vec<String>> {
        self.sp()?;
        self.require(b'(', "expected a header list")?;
        let mut fields = Vec::new();
        loop {
            let name = self.astring()?;
            fields
                .push(String::from_utf8(name).map_err(|_| Stop::Invalid("bad header field name"))?);
            match self.next()? {
                b')' => return Ok(fields),
                b' ' => {}
                _ => return Err(Stop::Invalid("bad header list")),
            }
        }
    }

    /// A parenthesised value kept as raw octets (quoted strings and literals skipped whole),
    /// or, with `group == false`, everything up to the end of the line.
    pub(crate) fn raw(&mut self, group: bool) -> Step<Vec<u8>> {
        let start = self.pos;
        let mut depth = 0usize;
        if group {
            self.require(b'(', "expected a parenthesised list")?;
            depth = 1;
        }
        while !group || depth > 0 {
            match self.peek()? {
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                b'\r' if !group => break,
                b'\r' | b'\n' | 0 => return Err(Stop::Invalid("unbalanced list")),
                b'"' => {
                    self.quoted()?;
                    continue;
                }
                b'{' => {
                    self.literal()?;
                    continue;
                }
                _ => {}
            }
            self.pos += 1;
        }
        Ok(self.input.get(start..self.pos).unwrap_or_default().to_vec())
    }
}

fn command_body(r: &mut Reader<'_>) -> Step<CommandBody> {
    let name = r.atom()?.to_ascii_uppercase();
    let body = match name.as_slice() {
        b"CAPABILITY" => CommandBody::Capability,
        b"NOOP" => CommandBody::Noop,
        b"LOGOUT" => CommandBody::Logout,
        b"STARTTLS" => CommandBody::StartTls,
        b"CHECK" => CommandBody::Check,
        b"CLOSE" => CommandBody::Close,
        b"EXPUNGE" => CommandBody::Expunge,
        b"IDLE" => CommandBody::Idle,
        b"UNSELECT" => CommandBody::Unselect,
        b"NAMESPACE" => CommandBody::Namespace,
        b"AUTHENTICATE" => {
            r.sp()?;
            let mechanism = r.atom_string()?;
            let initial = if r.peek()? == b' ' {
                r.pos += 1;
                // RFC 4959 §7: base64 / "=".
                let ir = r.take_while1(
                    |b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='),
                    "bad initial response",
                )?;
                Some(String::from_utf8_lossy(ir).into_owned())
            } else {
                None
            };
            CommandBody::Authenticate { mechanism, initial }
        }
        b"LOGIN" => {
            r.sp()?;
            let user = r.astring()?;
            r.sp()?;
            CommandBody::Login {
                user,
                password: r.astring()?,
            }
        }
        b"SELECT" => CommandBody::Select(sp_mailbox(r)?),
        b"EXAMINE" => CommandBody::Examine(sp_mailbox(r)?),
        b"CREATE" => CommandBody::Create(sp_mailbox(r)?),
        b"DELETE" => CommandBody::Delete(sp_mailbox(r)?),
        b"SUBSCRIBE" => CommandBody::Subscribe(sp_mailbox(r)?),
        b"UNSUBSCRIBE" => CommandBody::Unsubscribe(sp_mailbox(r)?),
        b"RENAME" => CommandBody::Rename {
            from: sp_mailbox(r)?,
            to: sp_mailbox(r)?,
        },
        b"LIST" => CommandBody::List {
            reference: sp_mailbox(r)?,
            pattern: sp_list_mailbox(r)?,
        },
        b"LSUB" => CommandBody::Lsub {
            reference: sp_mailbox(r)?,
            pattern: sp_list_mailbox(r)?,
        },
        b"STATUS" => {
            let mailbox = sp_mailbox(r)?;
            r.sp()?;
            r.require(b'(', "expected status items")?;
            let mut items = Vec::new();
            loop {
                let item = r.atom()?;
                items
                    .push(StatusItem::from_name(item).ok_or(Stop::Invalid("unknown status item"))?);
                match r.next()? {
                    b')' => break,
                    b' ' => {}
                    _ => return Err(Stop::Invalid("bad status item list")),
                }
            }
            CommandBody::Status { mailbox, items }
        }
        b"APPEND" => append(r)?,
        b"SEARCH" => search(r, false)?,
        b"FETCH" => fetch(r, false)?,
        b"STORE" => store(r, false)?,
        b"COPY" => {
            let (set, mailbox) = set_and_mailbox(r)?;
            CommandBody::Copy {
                uid: false,
                set,
                mailbox,
            }
        }
        b"MOVE" => {
            let (set, mailbox) = set_and_mailbox(r)?;
            CommandBody::Move {
                uid: false,
                set,
                mailbox,
            }
        }
        b"UID" => {
            r.sp()?;
            let sub = r.atom()?.to_ascii_uppercase();
            match sub.as_slice() {
                b"SEARCH" => search(r, true)?,
                b"FETCH" => fetch(r, true)?,
                b"STORE" => store(r, true)?,
                b"COPY" => {
                    let (set, mailbox) = set_and_mailbox(r)?;
                    CommandBody::Copy {
                        uid: true,
                        set,
                        mailbox,
                    }
                }
                b"MOVE" => {
                    let (set, mailbox) = set_and_mailbox(r)?;
                    CommandBody::Move {
                        uid: true,
                        set,
                        mailbox,
                    }
                }
                b"EXPUNGE" => {
                    r.sp()?;
                    CommandBody::UidExpunge(r.sequence_set()?)
                }
                _ => return Err(Stop::Invalid("unknown UID command")),
            }
        }
        b"ID" => {
            r.sp()?;
            if r.peek()? == b'(' {
                r.pos += 1;
                let mut pairs = Vec::new();
                while r.peek()? != b')' {
                    if !pairs.is_empty() {
                        r.sp()?;
                    }
                    let field = r.string()?;
                    r.sp()?;
                    pairs.push((field, r.nstring()?));
                }
                r.pos += 1;
                CommandBody::Id(Some(pairs))
            } else {
                r.keyword("NIL")?;
                CommandBody::Id(None)
            }
        }
        b"ENABLE" => {
            let mut caps = Vec::new();
            while r.peek()? == b' ' {
                r.pos += 1;
                caps.push(r.atom_string()?);
            }
            if caps.is_empty() {
                return Err(Stop::Invalid("ENABLE needs a capability"));
            }
            CommandBody::Enable(caps)
        }
        _ => return Err(Stop::Invalid("unknown command")),
    };
    Ok(body)
}

fn sp_mailbox(r: &mut Reader<'_>) -> Step<Vec<u8>> {
    r.sp()?;
    r.mailbox()
}

fn sp_list_mailbox(r: &mut Reader<'_>) -> Step<Vec<u8>> {
    r.sp()?;
    match r.peek()? {
        b'"' | b'{' => r.string(),
        _ => r
            .take_while1(is_list_char, "expected a mailbox pattern")
            .map(<[u8]>::to_vec),
    }
}

fn set_and_mailbox(r: &mut Reader<'_>) -> Step<(SequenceSet, Vec<u8>)> {
    r.sp()?;
    let set = r.sequence_set()?;
    Ok((set, sp_mailbox(r)?))
}

/// RFC 3501 §6.3.11: `APPEND mailbox [SP flag-list] [SP date-time] SP literal`.
fn append(r: &mut Reader<'_>) -> Step<CommandBody> {
    let mailbox = sp_mailbox(r)?;
    r.sp()?;
    let mut flags = Vec::new();
    if r.peek()? == b'(' {
        flags = r.flag_list()?;
        r.sp()?;
    }
    let mut date = None;
    if r.peek()? == b'"' {
        let d = r.quoted()?;
        if !is_date_time(&d) {
            return Err(Stop::Invalid("bad date-time"));
        }
        date = Some(String::from_utf8_lossy(&d).into_owned());
        r.sp()?;
    }
    let message = r.literal()?.to_vec();
    Ok(CommandBody::Append {
        mailbox,
        flags,
        date,
        message,
    })
}

/// RFC 3501 §9 `date-time` without quotes: `dd-Mon-yyyy hh:mm:ss +zzzz` (day may be SP digit).
fn is_date_time(d: &[u8]) -> bool {
    let pattern = b"dd-MMM-dddd dd:dd:dd zdddd";
    d.len() == pattern.len()
        && d.iter()
            .zip(pattern)
            .enumerate()
            .all(|(i, (&c, &p))| match p {
                b'd' => c.is_ascii_digit() || (i == 0 && c == b' '),
                b'M' => c.is_ascii_alphabetic(),
                b'z' => c == b'+' || c == b'-',
                _ => c == p,
            })
        && d.get(3..6).is_some_and(|m| month_number(m).is_some())
}

fn month_number(name: &[u8]) -> Option<u8> {
    const MONTHS: [&[u8]; 12] = [
        b"JAN", b"FEB", b"MAR", b"APR", b"MAY", b"JUN", b"JUL", b"AUG", b"SEP", b"OCT", b"NOV",
        b"DEC",
    ];
    let upper = name.to_ascii_uppercase();
    (1u8..)
        .zip(MONTHS)
        .find(|(_, m)| *m == upper.as_slice())
        .map(|(n, _)| n)
}

/// RFC 3501 §6.4.4: `SEARCH [CHARSET astring] 1*(SP search-key)`.
fn search(r: &mut Reader<'_>, uid: bool) -> Step<CommandBody> {
    r.sp()?;
    let mut charset = None;
    let start = r.pos;
    if r.peek()?.is_ascii_alphabetic() && r.atom()?.eq_ignore_ascii_case(b"CHARSET") {
        r.sp()?;
        charset = Some(String::from_utf8_lossy(&r.astring()?).into_owned());
        r.sp()?;
    } else {
        r.pos = start;
    }
    let mut keys = vec![search_key(r, 0)?];
    while r.peek()? == b' ' {
        r.pos += 1;
        keys.push(search_key(r, 0)?);
    }
    let criteria = if keys.len() == 1 {
        keys.pop().unwrap_or(SearchKey::All)
    } else {
        SearchKey::And(keys)
    };
    Ok(CommandBody::Search {
        uid,
        charset,
        criteria,
    })
}

fn search_key(r: &mut Reader<'_>, depth: usize) -> Step<SearchKey> {
    if depth > MAX_SEARCH_DEPTH {
        return Err(Stop::Invalid("search keys nested too deeply"));
    }
    let c = r.peek()?;
    if c == b'(' {
        r.pos += 1;
        let mut keys = vec![search_key(r, depth + 1)?];
        while r.peek()? == b' ' {
            r.pos += 1;
            keys.push(search_key(r, depth + 1)?);
        }
        r.require(b')', "expected ) after search keys")?;
        return Ok(SearchKey::And(keys));
    }
    if c == b'*' || c.is_ascii_digit() {
        return r.sequence_set().map(SearchKey::SequenceSet);
    }
    let name = r.atom()?.to_ascii_uppercase();
    let string = |r: &mut Reader<'_>| {
        r.sp()?;
        r.astring()
    };
    let date = |r: &mut Reader<'_>| {
        r.sp()?;
        search_date(r)
    };
    let keyword = |r: &mut Reader<'_>| {
        r.sp()?;
        r.atom_string()
    };
    Ok(match name.as_slice() {
        b"ALL" => SearchKey::All,
        b"ANSWERED" => SearchKey::Answered,
        b"BCC" => SearchKey::Bcc(string(r)?),
        b"BEFORE" => SearchKey::Before(date(r)?),
        b"BODY" => SearchKey::Body(string(r)?),
        b"CC" => SearchKey::Cc(string(r)?),
        b"DELETED" => SearchKey::Deleted,
        b"DRAFT" => SearchKey::Draft,
        b"FLAGGED" => SearchKey::Flagged,
        b"FROM" => SearchKey::From(string(r)?),
        b"HEADER" => {
            let field = string(r)?;
            SearchKey::Header(field, string(r)?)
        }
        b"KEYWORD" => SearchKey::Keyword(keyword(r)?),
        b"LARGER" => {
            r.sp()?;
            SearchKey::Larger(r.number()?)
        }
        b"NEW" => SearchKey::New,
        b"NOT" => {
            r.sp()?;
            SearchKey::Not(Box::new(search_key(r, depth + 1)?))
        }
        b"OLD" => SearchKey::Old,
        b"ON" => SearchKey::On(date(r)?),
        b"OR" => {
            r.sp()?;
            let a = search_key(r, depth + 1)?;
            r.sp()?;
            SearchKey::Or(Box::new(a), Box::new(search_key(r, depth + 1)?))
        }
        b"RECENT" => SearchKey::Recent,
        b"SEEN" => SearchKey::Seen,
        b"SENTBEFORE" => SearchKey::SentBefore(date(r)?),
        b"SENTON" => SearchKey::SentOn(date(r)?),
        b"SENTSINCE" => SearchKey::SentSince(date(r)?),
        b"SINCE" => SearchKey::Since(date(r)?),
        b"SMALLER" => {
            r.sp()?;
            SearchKey::Smaller(r.number()?)
        }
        b"SUBJECT" => SearchKey::Subject(string(r)?),
        b"TEXT" => SearchKey::Text(string(r)?),
        b"TO" => SearchKey::To(string(r)?),
        b"UID" => {
            r.sp()?;
            SearchKey::Uid(r.sequence_set()?)
        }
        b"UNANSWERED" => SearchKey::Unanswered,
        b"UNDELETED" => SearchKey::Undeleted,
        b"UNDRAFT" => SearchKey::Undraft,
        b"UNFLAGGED" => SearchKey::Unflagged,
        b"UNKEYWORD" => SearchKey::Unkeyword(keyword(r)?),
        b"UNSEEN" => SearchKey::Unseen,
        _ => return Err(Stop::Invalid("unknown search key")),
    })
}

/// RFC 3501 §9 `date`: `date-text` or `DQUOTE date-text DQUOTE`.
fn search_date(r: &mut Reader<'_>) -> Step<Date> {
    let quoted = r.peek()? == b'"';
    if quoted {
        r.pos += 1;
    }
    let day = r.number()?;
    r.require(b'-', "bad date")?;
    let month = r.take_while(|b| b.is_ascii_alphabetic())?;
    let month = month_number(month).ok_or(Stop::Invalid("bad month"))?;
    r.require(b'-', "bad date")?;
    let year = r.number()?;
    if quoted {
        r.require(b'"', "bad date")?;
    }
    match (u8::try_from(day), u16::try_from(year)) {
        (Ok(day @ 1..=31), Ok(year @ 0..=9999)) => Ok(Date { year, month, day }),
        _ => Err(Stop::Invalid("bad date")),
    }
}

/// RFC 3501 §6.4.5.
fn fetch(r: &mut Reader<'_>, uid: bool) -> Step<CommandBody> {
    r.sp()?;
    let set = r.sequence_set()?;
    r.sp()?;
    let items = if r.peek()? == b'(' {
        r.pos += 1;
        let mut list = vec![fetch_attribute(r)?];
        while r.peek()? == b' ' {
            r.pos += 1;
            list.push(fetch_attribute(r)?);
        }
        r.require(b')', "expected ) after fetch items")?;
        FetchItems::List(list)
    } else {
        let start = r.pos;
        let name = r.atom()?.to_ascii_uppercase();
        match name.as_slice() {
            b"ALL" => FetchItems::All,
            b"FAST" => FetchItems::Fast,
            b"FULL" => FetchItems::Full,
            _ => {
                r.pos = start;
                FetchItems::List(vec![fetch_attribute(r)?])
            }
        }
    };
    Ok(CommandBody::Fetch { uid, set, items })
}

fn fetch_attribute(r: &mut Reader<'_>) -> Step<FetchAttribute> {
    let name = r.take_while(|b| b.is_ascii_alphanumeric() || b == b'.')?;
    let upper = name.to_ascii_uppercase();
    Ok(match upper.as_slice() {
        b"ENVELOPE" => FetchAttribute::Envelope,
        b"FLAGS" => FetchAttribute::Flags,
        b"INTERNALDATE" => FetchAttribute::InternalDate,
        b"RFC822" => FetchAttribute::Rfc822,
        b"RFC822.HEADER" => FetchAttribute::Rfc822Header,
        b"RFC822.SIZE" => FetchAttribute::Rfc822Size,
        b"RFC822.TEXT" => FetchAttribute::Rfc822Text,
        b"BODYSTRUCTURE" => FetchAttribute::BodyStructure,
        b"UID" => FetchAttribute::Uid,
        b"BODY" | b"BODY.PEEK" if r.peek()? == b'[' => {
            let section = r.section()?;
            let partial = if r.peek()? == b'<' {
                r.pos += 1;
                let origin = r.number()?;
                r.require(b'.', "bad partial")?;
                let length = r.nz_number()?;
                r.require(b'>', "bad partial")?;
                Some((origin, length))
            } else {
                None
            };
            FetchAttribute::BodySection {
                peek: upper.len() > 4,
                section,
                partial,
            }
        }
        b"BODY" => FetchAttribute::Body,
        _ => return Err(Stop::Invalid("unknown fetch item")),
    })
}

/// RFC 3501 §6.4.6: `STORE set SP (["+"/"-"] "FLAGS" [".SILENT"]) SP (flag-list / flags)`.
fn store(r: &mut Reader<'_>, uid: bool) -> Step<CommandBody> {
    r.sp()?;
    let set = r.sequence_set()?;
    r.sp()?;
    let mode = match r.peek()? {
        b'+' => StoreMode::Add,
        b'-' => StoreMode::Remove,
        _ => StoreMode::Replace,
    };
    if mode != StoreMode::Replace {
        r.pos += 1;
    }
    let name = r.atom()?.to_ascii_uppercase();
    let silent = match name.as_slice() {
        b"FLAGS" => false,
        b"FLAGS.SILENT" => true,
        _ => return Err(Stop::Invalid("expected FLAGS")),
    };
    r.sp()?;
    let flags = if r.peek()? == b'(' {
        r.flag_list()?
    } else {
        let mut flags = vec![r.flag()?];
        while r.peek()? == b' ' {
            r.pos += 1;
            flags.push(r.flag()?);
        }
        flags
    };
    Ok(CommandBody::Store {
        uid,
        set,
        mode,
        silent,
        flags,
    })
}

/// RFC 3501 §9 `ATOM-CHAR`: any CHAR except atom-specials.
pub(crate) fn is_atom_char(b: u8) -> bool {
    matches!(b, 0x21..=0x7e) && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
}

/// RFC 3501 §9 `ASTRING-CHAR`: ATOM-CHAR or `]`.
pub(crate) fn is_astring_char(b: u8) -> bool {
    is_atom_char(b) || b == b']'
}

fn is_tag_char(b: u8) -> bool {
    is_astring_char(b) && b != b'+'
}

/// RFC 3501 §9 `list-char`: ATOM-CHAR, list-wildcards or resp-specials.
fn is_list_char(b: u8) -> bool {
    is_astring_char(b) || b == b'%' || b == b'*'
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: u32 = 1 << 20;

    fn complete(line: &str) -> Command {
        match parse(line.as_bytes(), MAX) {
            Ok(Parsed::Complete { command, consumed }) => {
                assert_eq!(consumed, line.len(), "{line:?}");
                command
            }
            other => panic!("{line:?}: {other:?}"),
        }
    }

    fn body(line: &str) -> CommandBody {
        complete(line).body
    }

    fn set(ranges: &[(Seq, Seq)]) -> SequenceSet {
        SequenceSet::new(ranges.to_vec()).expect("valid set")
    }

    #[test]
    fn rfc3501_section8_sample_session() {
        assert_eq!(
            complete("a001 login mrc secret\r\n"),
            Command {
                tag: Tag::new("a001").expect("tag"),
                body: CommandBody::Login {
                    user: b"mrc".to_vec(),
                    password: b"secret".to_vec()
                }
            }
        );
        assert_eq!(
            body("a002 select inbox\r\n"),
            CommandBody::Select(b"INBOX".to_vec())
        );
        let one = set(&[(Seq::Number(12), Seq::Number(12))]);
        assert_eq!(
            body("a003 fetch 12 full\r\n"),
            CommandBody::Fetch {
                uid: false,
                set: one.clone(),
                items: FetchItems::Full
            }
        );
        assert_eq!(
            body("a004 fetch 12 body[header]\r\n"),
            CommandBody::Fetch {
                uid: false,
                set: one.clone(),
                items: FetchItems::List(vec![FetchAttribute::BodySection {
                    peek: false,
                    section: Section {
                        part: vec![],
                        text: Some(SectionText::Header)
                    },
                    partial: None
                }])
            }
        );
        assert_eq!(
            body("a005 store 12 +flags \\deleted\r\n"),
            CommandBody::Store {
                uid: false,
                set: one,
                mode: StoreMode::Add,
                silent: false,
                flags: vec!["\\deleted".into()]
            }
        );
        assert_eq!(body("a006 logout\r\n"), CommandBody::Logout);
    }

    #[test]
    fn every_command_parses() {
        for line in [
            "a CAPABILITY\r\n",
            "a NOOP\r\n",
            "a STARTTLS\r\n",
            "a AUTHENTICATE PLAIN\r\n",
            "a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n",
            "a AUTHENTICATE PLAIN =\r\n",
            "a LOGIN \"al ice\" {6}\r\nsecret\r\n",
            "a EXAMINE \"Sent Items\"\r\n",
            "a CREATE foo/bar\r\n",
            "a DELETE foo\r\n",
            "a RENAME foo bar\r\n",
            "a SUBSCRIBE foo\r\n",
            "a UNSUBSCRIBE foo\r\n",
            "a LIST \"\" *\r\n",
            "a LIST ~/Mail/ %\r\n",
            "a LSUB \"#news.\" \"comp.mail.*\"\r\n",
            "a STATUS blurdybloop (UIDNEXT MESSAGES RECENT UIDVALIDITY UNSEEN SIZE)\r\n",
            "a APPEND saved-messages (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {5}\r\nhello\r\n",
            "a APPEND saved {0}\r\n\r\n",
            "a CHECK\r\n",
            "a CLOSE\r\n",
            "a EXPUNGE\r\n",
            "a SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n",
            "a SEARCH CHARSET UTF-8 TEXT {4}\r\nXXXX\r\n",
            "a SEARCH OR (SEEN 1:5,7) (UID 2:* SMALLER 1000) HEADER X-Foo bar\r\n",
            "a SEARCH ALL ANSWERED BCC x BEFORE \"01-Jan-2000\" BODY b CC c DELETED DRAFT \
             KEYWORD $J LARGER 5 NEW OLD ON 2-Mar-2020 RECENT SEEN SENTBEFORE 1-Jan-2000 \
             SENTON 1-Jan-2000 SENTSINCE 1-Jan-2000 SUBJECT s TEXT t TO u UNANSWERED \
             UNDELETED UNDRAFT UNFLAGGED UNKEYWORD $J UNSEEN *:4\r\n",
            "a FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n",
            "a FETCH 1:* (ENVELOPE INTERNALDATE RFC822 RFC822.HEADER RFC822.SIZE RFC822.TEXT BODY BODYSTRUCTURE UID)\r\n",
            "a FETCH 1 (BODY.PEEK[1.2.MIME] BODY[3.HEADER.FIELDS.NOT (X)]<0.100> BODY[] BODY[1])\r\n",
            "a FETCH 1 ALL\r\n",
            "a FETCH 1 fast\r\n",
            "a STORE 2:4 -FLAGS.SILENT (\\Deleted $Junk)\r\n",
            "a STORE 1 FLAGS ()\r\n",
            "a COPY 2:4 MEETING\r\n",
            "a MOVE 1 Trash\r\n",
            "a UID COPY 1,3 Trash\r\n",
            "a UID FETCH 1:* FLAGS\r\n",
            "a UID STORE 5 +FLAGS (\\Seen)\r\n",
            "a UID SEARCH UID 1:100\r\n",
            "a UID EXPUNGE 3000:3002\r\n",
            "a UID MOVE 42 foo\r\n",
            "a IDLE\r\n",
            "a UNSELECT\r\n",
            "a NAMESPACE\r\n",
            "a ID NIL\r\n",
            "a ID (\"name\" \"sodr\" \"version\" NIL)\r\n",
            "a ENABLE CONDSTORE UTF8=ACCEPT\r\n",
        ] {
            complete(line);
        }
        assert_eq!(
            body("a SEARCH OR (SEEN 1:5,7) NOT UID 2:*\r\n"),
            CommandBody::Search {
                uid: false,
                charset: None,
                criteria: SearchKey::Or(
                    Box::new(SearchKey::And(vec![
                        SearchKey::Seen,
                        SearchKey::SequenceSet(set(&[
                            (Seq::Number(1), Seq::Number(5)),
                            (Seq::Number(7), Seq::Number(7))
                        ]))
                    ])),
                    Box::new(SearchKey::Not(Box::new(SearchKey::Uid(set(&[(
                        Seq::Number(2),
                        Seq::Star
                    )])))))
                )
            }
        );
        assert_eq!(
            body("a APPEND x (\\Seen) \"17-Jul-1996 02:44:25 -0700\" {2}\r\nhi\r\n"),
            CommandBody::Append {
                mailbox: b"x".to_vec(),
                flags: vec!["\\Seen".into()],
                date: Some("17-Jul-1996 02:44:25 -0700".into()),
                message: b"hi".to_vec()
            }
        );
    }

    #[test]
    fn bad_lines_get_bad_with_their_tag() {
        for line in [
            "a1 FROB\r\n",
            "a1 LOGIN alice\r\n",
            "a1 SELECT\r\n",
            "a1 FETCH 0 FLAGS\r\n",
            "a1 FETCH 1 (FLAGS\r\n",
            "a1 FETCH 1 BODY[FOO]\r\n",
            "a1 SEARCH\r\n",
            "a1 SEARCH BEFORE 1-Foo-2000\r\n",
            "a1 STORE 1 FLAG (\\Seen)\r\n",
            "a1 STATUS x (BOGUS)\r\n",
            "a1 UID FROB 1\r\n",
            "a1 NOOP extra\r\n",
            "a1 NOOP\n",
            "a1 LOGIN \"a\rb\" c\r\n",
            "a1 ENABLE\r\n",
            "a1 APPEND x \"yesterday\" {1}\r\nx\r\n",
            "a1\r\n",
            "a1(b NOOP\r\n",
        ] {
            match parse(line.as_bytes(), MAX) {
                Err(ParseError::Syntax { tag: Some(tag), .. }) => assert_eq!(tag.as_str(), "a1"),
                other => panic!("{line:?}: {other:?}"),
            }
        }
        for line in ["\r\n", "+ NOOP\r\n", " NOOP\r\n"] {
            assert!(
                matches!(
                    parse(line.as_bytes(), MAX),
                    Err(ParseError::Syntax { tag: None, .. })
                ),
                "{line:?}"
            );
        }
        let deep = format!("a1 SEARCH {}ALL\r\n", "NOT ".repeat(100));
        assert!(matches!(
            parse(deep.as_bytes(), MAX),
            Err(ParseError::Syntax { .. })
        ));
    }

    #[test]
    fn tags_refuse_what_the_grammar_excludes() {
        for bad in [
            "", "a b", "+", "a+", "a(", "a*", "a%", "a\"", "a\\", "a{", "\u{7f}",
        ] {
            assert_eq!(Tag::new(bad), None, "{bad:?}");
        }
        assert!(Tag::new("A0001]").is_some());
        assert_eq!(SequenceSet::new(vec![]), None);
        assert_eq!(SequenceSet::new(vec![(Seq::Number(0), Seq::Star)]), None);
    }

    #[test]
    fn literals_ask_for_continuation_at_the_right_point() {
        let full = b"a1 LOGIN {5}\r\nalice {6}\r\nsecret\r\n";
        assert_eq!(parse(&full[..9], MAX), Ok(Parsed::Incomplete));
        assert_eq!(parse(&full[..12], MAX), Ok(Parsed::Incomplete));
        assert_eq!(
            parse(&full[..14], MAX),
            Ok(Parsed::NeedLiteral {
                size: 5,
                sync: true
            })
        );
        assert_eq!(parse(&full[..16], MAX), Ok(Parsed::Incomplete));
        assert_eq!(
            parse(&full[..25], MAX),
            Ok(Parsed::NeedLiteral {
                size: 6,
                sync: true
            })
        );
        assert!(matches!(
            parse(full, MAX),
            Ok(Parsed::Complete { consumed: 33, .. })
        ));
        // RFC 7888: a non-synchronizing literal needs no continuation.
        let plus = b"a1 LOGIN {5+}\r\nalice secret\r\n";
        assert_eq!(
            parse(&plus[..15], MAX),
            Ok(Parsed::NeedLiteral {
                size: 5,
                sync: false
            })
        );
        assert_eq!(
            body(std::str::from_utf8(plus).unwrap_or_default()),
            CommandBody::Login {
                user: b"alice".to_vec(),
                password: b"secret".to_vec()
            }
        );
        assert_eq!(
            parse(b"a1 APPEND x {100}", 99),
            Err(ParseError::LiteralTooLarge {
                tag: Tag::new("a1"),
                size: 100
            })
        );
        assert_eq!(
            parse(b"a1 APPEND x {4294967295+}\r\n", MAX),
            Err(ParseError::LiteralTooLarge {
                tag: Tag::new("a1"),
                size: u32::MAX
            })
        );
        assert!(matches!(
            parse(b"a1 APPEND x {99999999999}\r\n", MAX),
            Err(ParseError::Syntax { .. })
        ));
    }

    #[test]
    fn segments_end_after_each_synchronizing_literal_header() {
        let command = Command {
            tag: Tag("A1".into()),
            body: CommandBody::Login {
                user: "jörg".as_bytes().to_vec(),
                password: b"x\ny".to_vec(),
            },
        };
        let segments = |mode| {
            command
                .write_segments(mode)
                .into_iter()
                .map(|s| String::from_utf8_lossy(&s).into_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            segments(LiteralMode::Synchronizing),
            ["A1 LOGIN {5}\r\n", "jörg {3}\r\n", "x\ny\r\n"]
        );
        // RFC 7888 §3's example has the same shape: `A001 LOGIN {11+}` CRLF `FRED FOOBAR {7+}`.
        for mode in [
            LiteralMode::NonSynchronizing,
            LiteralMode::NonSynchronizingUpTo4096,
        ] {
            assert_eq!(segments(mode), ["A1 LOGIN {5+}\r\njörg {3+}\r\nx\ny\r\n"]);
        }
        let append = |size: usize| Command {
            tag: Tag("A2".into()),
            body: CommandBody::Append {
                mailbox: b"Sent".to_vec(),
                flags: vec!["\\Seen".into()],
                date: None,
                message: vec![b'a'; size],
            },
        };
        // LITERAL- (RFC 7888 §5): only literals up to 4096 octets go without waiting.
        let minus = LiteralMode::NonSynchronizingUpTo4096;
        assert_eq!(append(4096).write_segments(minus).len(), 1);
        let big = append(4097).write_segments(minus);
        assert_eq!(big.len(), 2);
        assert_eq!(
            big.first().map(Vec::as_slice),
            Some(&b"A2 APPEND Sent (\\Seen) {4097}\r\n"[..])
        );
        let noop = Command {
            tag: Tag("A3".into()),
            body: CommandBody::Noop,
        };
        assert_eq!(
            noop.write_segments(LiteralMode::Synchronizing),
            [b"A3 NOOP\r\n".to_vec()]
        );
        let mut done = Vec::new();
        write_done(&mut done);
        assert_eq!(parse_done(&done), Ok(Some(6)));
    }

    #[test]
    fn done_ends_idle() {
        assert_eq!(parse_done(b"DO"), Ok(None));
        assert_eq!(parse_done(b"done\r\nx"), Ok(Some(6)));
        assert!(parse_done(b"DONT\r\n").is_err());
    }

    #[test]
    fn every_two_chunk_split_gives_the_same_answer() {
        let inputs: [&[u8]; 5] = [
            b"a1 LOGIN {5}\r\nalice {6+}\r\nsecret\r\n",
            b"a2 SEARCH OR (SEEN 1:5) TEXT \"x y\"\r\n",
            b"a3 APPEND x (\\Seen) {3}\r\nabc\r\n",
            b"a4 FROB x\r\n",
            b"a5 FETCH 1 (BODY.PEEK[1.HEADER.FIELDS (From)]<0.5>)\r\n",
        ];
        for input in inputs {
            let whole = parse(input, MAX);
            for k in 0..input.len() {
                match parse(&input[..k], MAX) {
                    Ok(Parsed::Incomplete | Parsed::NeedLiteral { .. }) => {}
                    other => panic!("{input:?} cut at {k}: {other:?}"),
                }
            }
            match whole {
                Ok(Parsed::Complete { consumed, .. }) => assert_eq!(consumed, input.len()),
                Err(ParseError::Syntax { tag, .. }) => assert_eq!(tag, Tag::new("a4")),
                other => panic!("{input:?}: {other:?}"),
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod properties {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;

    pub(crate) fn bytes() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            "[a-zA-Z0-9]{1,8}".prop_map(String::into_bytes),
            vec(1u8..=255, 0..12),
        ]
    }

    pub(crate) fn mailbox() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![Just(b"INBOX".to_vec()), bytes()].prop_map(|m| {
            if m.eq_ignore_ascii_case(b"INBOX") {
                b"INBOX".to_vec()
            } else {
                m
            }
        })
    }

    pub(crate) fn atom() -> impl Strategy<Value = String> {
        "[A-Za-z0-9$=.+-]{1,8}"
    }

    pub(crate) fn flag() -> impl Strategy<Value = String> {
        prop_oneof![atom(), atom().prop_map(|a| format!("\\{a}"))]
    }

    pub(crate) fn tag() -> impl Strategy<Value = Tag> {
        "[A-Za-z0-9.]{1,6}".prop_filter_map("tag", |s| Tag::new(&s))
    }

    pub(crate) fn sequence_set() -> impl Strategy<Value = SequenceSet> {
        let seq = prop_oneof![Just(Seq::Star), (1u32..).prop_map(Seq::Number)];
        vec((seq.clone(), seq), 1..4).prop_filter_map("set", SequenceSet::new)
    }

    fn date() -> impl Strategy<Value = Date> {
        (0u16..=9999, 1u8..=12, 1u8..=31).prop_map(|(year, month, day)| Date { year, month, day })
    }

    fn search_key() -> impl Strategy<Value = SearchKey> {
        let leaf = prop_oneof![
            Just(SearchKey::All),
            Just(SearchKey::Answered),
            Just(SearchKey::Deleted),
            Just(SearchKey::Draft),
            Just(SearchKey::Flagged),
            Just(SearchKey::New),
            Just(SearchKey::Old),
            Just(SearchKey::Recent),
            Just(SearchKey::Seen),
            Just(SearchKey::Unanswered),
            Just(SearchKey::Undeleted),
            Just(SearchKey::Undraft),
            Just(SearchKey::Unflagged),
            Just(SearchKey::Unseen),
            bytes().prop_map(SearchKey::Bcc),
            bytes().prop_map(SearchKey::Body),
            bytes().prop_map(SearchKey::Cc),
            bytes().prop_map(SearchKey::From),
            bytes().prop_map(SearchKey::Subject),
            bytes().prop_map(SearchKey::Text),
            bytes().prop_map(SearchKey::To),
            (bytes(), bytes()).prop_map(|(f, v)| SearchKey::Header(f, v)),
            atom().prop_map(SearchKey::Keyword),
            atom().prop_map(SearchKey::Unkeyword),
            any::<u32>().prop_map(SearchKey::Larger),
            any::<u32>().prop_map(SearchKey::Smaller),
            date().prop_map(SearchKey::Before),
            date().prop_map(SearchKey::On),
            date().prop_map(SearchKey::Since),
            date().prop_map(SearchKey::SentBefore),
            date().prop_map(SearchKey::SentOn),
            date().prop_map(SearchKey::SentSince),
            sequence_set().prop_map(SearchKey::Uid),
            sequence_set().prop_map(SearchKey::SequenceSet),
        ];
        leaf.prop_recursive(4, 16, 3, |inner| {
            prop_oneof![
                inner.clone().prop_map(|k| SearchKey::Not(Box::new(k))),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| SearchKey::Or(Box::new(a), Box::new(b))),
                vec(inner, 1..3).prop_map(SearchKey::And),
            ]
        })
    }

    pub(crate) fn section() -> impl Strategy<Value = Section> {
        let fields = vec("[A-Za-z0-9-]{1,8}", 1..3);
        (
            vec(1u32.., 0..3),
            prop_oneof![
                Just(None),
                Just(Some(SectionText::Header)),
                Just(Some(SectionText::Text)),
                Just(Some(SectionText::Mime)),
                fields
                    .clone()
                    .prop_map(|f| Some(SectionText::HeaderFields(f))),
                fields.prop_map(|f| Some(SectionText::HeaderFieldsNot(f))),
            ],
        )
            .prop_map(|(part, text)| {
                let text = match text {
                    Some(SectionText::Mime) if part.is_empty() => None,
                    t => t,
                };
                Section { part, text }
            })
    }

    fn fetch_attribute() -> impl Strategy<Value = FetchAttribute> {
        prop_oneof![
            Just(FetchAttribute::Envelope),
            Just(FetchAttribute::Flags),
            Just(FetchAttribute::InternalDate),
            Just(FetchAttribute::Rfc822),
            Just(FetchAttribute::Rfc822Header),
            Just(FetchAttribute::Rfc822Size),
            Just(FetchAttribute::Rfc822Text),
            Just(FetchAttribute::Body),
            Just(FetchAttribute::BodyStructure),
            Just(FetchAttribute::Uid),
            (
                any::<bool>(),
                section(),
                proptest::option::of((any::<u32>(), 1u32..))
            )
                .prop_map(|(peek, section, partial)| FetchAttribute::BodySection {
                    peek,
                    section,
                    partial
                }),
        ]
    }

    pub(crate) fn status_item() -> impl Strategy<Value = StatusItem> {
        prop_oneof![
            Just(StatusItem::Messages),
            Just(StatusItem::Recent),
            Just(StatusItem::UidNext),
            Just(StatusItem::UidValidity),
            Just(StatusItem::Unseen),
            Just(StatusItem::Size),
        ]
    }

    pub(crate) fn no_nul(b: Vec<u8>) -> Vec<u8> {
        b.into_iter().filter(|&b| b != 0).collect()
    }

    fn command_body() -> impl Strategy<Value = CommandBody> {
        let simple = prop_oneof![
            Just(CommandBody::Capability),
            Just(CommandBody::Noop),
            Just(CommandBody::Logout),
            Just(CommandBody::StartTls),
            Just(CommandBody::Check),
            Just(CommandBody::Close),
            Just(CommandBody::Expunge),
            Just(CommandBody::Idle),
            Just(CommandBody::Unselect),
            Just(CommandBody::Namespace),
            (atom(), proptest::option::of("[A-Za-z0-9+/]{0,12}={0,2}")).prop_map(
                |(mechanism, initial)| CommandBody::Authenticate {
                    mechanism,
                    initial: initial.map(|i| if i.is_empty() { "=".into() } else { i })
                }
            ),
            (bytes(), bytes()).prop_map(|(user, password)| CommandBody::Login { user, password }),
            mailbox().prop_map(CommandBody::Select),
            mailbox().prop_map(CommandBody::Examine),
            mailbox().prop_map(CommandBody::Create),
            mailbox().prop_map(CommandBody::Delete),
            mailbox().prop_map(CommandBody::Subscribe),
            mailbox().prop_map(CommandBody::Unsubscribe),
            (mailbox(), mailbox()).prop_map(|(from, to)| CommandBody::Rename { from, to }),
            (
                mailbox(),
                prop_oneof![Just(b"*".to_vec()), Just(b"a/%".to_vec()), bytes()]
            )
                .prop_map(|(reference, pattern)| CommandBody::List { reference, pattern }),
            (mailbox(), bytes())
                .prop_map(|(reference, pattern)| CommandBody::Lsub { reference, pattern }),
            (mailbox(), vec(status_item(), 1..4))
                .prop_map(|(mailbox, items)| CommandBody::Status { mailbox, items }),
        ];
        let selected = prop_oneof![
            (
                mailbox(),
                vec(flag(), 0..3),
                proptest::option::of(Just("17-Jul-1996 02:44:25 -0700".to_string())),
                bytes()
            )
                .prop_map(|(mailbox, flags, date, message)| CommandBody::Append {
                    mailbox,
                    flags,
                    date,
                    message: no_nul(message)
                }),
            (any::<bool>(), proptest::option::of(atom()), search_key()).prop_map(
                |(uid, charset, criteria)| CommandBody::Search {
                    uid,
                    charset,
                    criteria
                }
            ),
            (
                any::<bool>(),
                sequence_set(),
                prop_oneof![
                    Just(FetchItems::All),
                    Just(FetchItems::Fast),
                    Just(FetchItems::Full),
                    vec(fetch_attribute(), 1..4).prop_map(FetchItems::List),
                ]
            )
                .prop_map(|(uid, set, items)| CommandBody::Fetch { uid, set, items }),
            (
                any::<bool>(),
                sequence_set(),
                prop_oneof![
                    Just(StoreMode::Replace),
                    Just(StoreMode::Add),
                    Just(StoreMode::Remove)
                ],
                any::<bool>(),
                vec(flag(), 0..3)
            )
                .prop_map(|(uid, set, mode, silent, flags)| CommandBody::Store {
                    uid,
                    set,
                    mode,
                    silent,
                    flags
                }),
            (any::<bool>(), sequence_set(), mailbox())
                .prop_map(|(uid, set, mailbox)| CommandBody::Copy { uid, set, mailbox }),
            (any::<bool>(), sequence_set(), mailbox())
                .prop_map(|(uid, set, mailbox)| CommandBody::Move { uid, set, mailbox }),
            sequence_set().prop_map(CommandBody::UidExpunge),
            proptest::option::of(vec(
                (bytes(), proptest::option::of(bytes()))
                    .prop_map(|(f, v)| (no_nul(f), v.map(no_nul))),
                0..3
            ))
            .prop_map(CommandBody::Id),
            vec(atom(), 1..3).prop_map(CommandBody::Enable),
        ];
        prop_oneof![simple, selected].prop_map(|b| match b {
            CommandBody::Login { user, password } => CommandBody::Login {
                user: no_nul(user),
                password: no_nul(password),
            },
            b => b,
        })
    }

    proptest! {
        #[test]
        fn written_commands_parse_back(tag in tag(), body in command_body()) {
            let command = Command { tag, body };
            let mut wire = Vec::new();
            command.write(&mut wire);
            prop_assert_eq!(
                parse(&wire, u32::MAX),
                Ok(Parsed::Complete { command, consumed: wire.len() })
            );
        }

        #[test]
        fn segments_are_the_written_command_cut_at_literals(tag in tag(), body in command_body()) {
            let command = Command { tag, body };
            let mut wire = Vec::new();
            command.write(&mut wire);
            let segments = command.write_segments(LiteralMode::Synchronizing);
            // Every segment but the last ends with a literal header the server answers with +.
            for segment in segments.iter().take(segments.len() - 1) {
                prop_assert!(segment.ends_with(b"}\r\n"), "segment {:?}", segment);
            }
            prop_assert_eq!(segments.concat(), wire);
            let plus = command.write_segments(LiteralMode::NonSynchronizing);
            prop_assert_eq!(plus.len(), 1);
            let plus = plus.concat();
            prop_assert_eq!(
                parse(&plus, u32::MAX),
                Ok(Parsed::Complete { command, consumed: plus.len() })
            );
        }

        #[test]
        fn arbitrary_bytes_never_panic(input in vec(any::<u8>(), 0..200), max in any::<u32>()) {
            let _ = parse(&input, max);
            let _ = parse_done(&input);
        }

        #[test]
        fn mutated_commands_never_panic(body in command_body(), at in any::<usize>(), b in any::<u8>()) {
            let mut wire = Vec::new();
            Command { tag: Tag("t".into()), body }.write(&mut wire);
            let i = at % wire.len();
            wire[i] = b;
            let _ = parse(&wire, 1000);
        }
    }
}
