//! SEARCH criteria (RFC 3501 §6.4.4) evaluated against one message.
//!
//! String keys match substrings without regard to case (§6.4.4: "case-insensitive"), after the
//! text is decoded the way a reader sees it: RFC 2047 encoded-words in header fields, transfer
//! encodings and charsets in text parts. That decoded text, lowercase, is derived once per stored
//! message and kept with it (`store::Message::search_header`/`search_body`,
//! `mail::search_text`); a search lowers each of its strings once ([`Criteria::new`]) and looks
//! for it with `memchr::memmem`. `BEFORE`/`ON`/`SINCE` compare the internal date's day in UTC;
//! `SENT*` compare the `Date:` field's day as written, "disregarding time and timezone". The
//! message is parsed only if a key needs its content.

use std::cell::OnceCell;

use memchr::memmem::Finder;

use super::command::{Date, SearchKey};
use super::selected::{Target, View};
use crate::lowercase::to_lowercase;
use crate::mail::Message as Parsed;
use crate::mail::date::parse_rfc5322;
use crate::store::{Flags, Message};
use crate::time::Instant;

/// The charsets SEARCH accepts (§6.4.4: US-ASCII MUST be, others MAY be).
pub const CHARSETS: [&str; 2] = ["US-ASCII", "UTF-8"];

/// SEARCH keys made ready for many messages: each string key's string lowered once, with its
/// searcher.
pub enum Criteria<'k> {
    /// A key that reads no text (flags, dates, sizes, sets).
    Key(&'k SearchKey),
    /// `FROM`, `TO`, `CC`, `BCC`, `SUBJECT`, `HEADER`: the values of the fields of this name
    /// (in ASCII lowercase: field names compare without ASCII case).
    Field(String, Needle),
    /// `BODY`: the text parts.
    Body(Needle),
    /// `TEXT`: the whole header, then the text parts.
    Text(Needle),
    Not(Box<Criteria<'k>>),
    Or(Box<Criteria<'k>>, Box<Criteria<'k>>),
    And(Vec<Criteria<'k>>),
}

impl<'k> Criteria<'k> {
    pub fn new(key: &'k SearchKey) -> Criteria<'k> {
        use SearchKey as K;
        let field = |name: &[u8], s: &[u8]| {
            let name = String::from_utf8_lossy(name).to_ascii_lowercase();
            Criteria::Field(name, Needle::new(s))
        };
        match key {
            K::Bcc(s) => field(b"Bcc", s),
            K::Cc(s) => field(b"Cc", s),
            K::From(s) => field(b"From", s),
            K::To(s) => field(b"To", s),
            K::Subject(s) => field(b"Subject", s),
            K::Header(name, s) => field(name, s),
            K::Body(s) => Criteria::Body(Needle::new(s)),
            K::Text(s) => Criteria::Text(Needle::new(s)),
            K::Not(k) => Criteria::Not(Box::new(Criteria::new(k))),
            K::Or(a, b) => Criteria::Or(Box::new(Criteria::new(a)), Box::new(Criteria::new(b))),
            K::And(keys) => Criteria::And(keys.iter().map(Criteria::new).collect()),
            _ => Criteria::Key(key),
        }
    }
}

/// A SEARCH string in lowercase (an empty one is in every text).
pub struct Needle {
    finder: Finder<'static>,
}

impl Needle {
    fn new(string: &[u8]) -> Needle {
        let lower = to_lowercase(&String::from_utf8_lossy(string));
        Needle {
            finder: Finder::new(lower.as_bytes()).into_owned(),
        }
    }

    /// Whether it is in `text` (already lowercase).
    fn is_in(&self, text: &str) -> bool {
        self.finder.find(text.as_bytes()).is_some()
    }

    /// Whether it is in `texts` joined by newlines.
    fn is_in_joined<'t>(&self, mut texts: impl Iterator<Item = &'t str>) -> bool {
        if self.finder.needle().contains(&b'\n') {
            // Rare (a literal with a line end): the newline between two texts may be part of it.
            self.is_in(&texts.collect::<Vec<_>>().join("\n"))
        } else {
            texts.any(|t| self.is_in(t))
        }
    }
}

/// One message as SEARCH sees it.
pub struct Candidate<'a> {
    pub target: Target,
    pub message: &'a Message,
    pub view: &'a View,
    parsed: OnceCell<Parsed<'a>>,
}

impl<'a> Candidate<'a> {
    pub fn new(target: Target, message: &'a Message, view: &'a View) -> Self {
        Candidate {
            target,
            message,
            view,
            parsed: OnceCell::new(),
        }
    }

    fn parsed(&self) -> &Parsed<'a> {
        self.parsed
            .get_or_init(|| Parsed::parse(self.message.raw()))
    }

    fn flag(&self, flag: Flags) -> bool {
        self.message.flags().contains(flag)
    }

    fn recent(&self) -> bool {
        self.view.is_recent(self.target.uid)
    }

    fn sent_date(&self) -> Option<(u64, u8, u8)> {
        let value = self.parsed().field_value("Date")?;
        let date = parse_rfc5322(&value)?;
        // The day as written: move the UTC moment by the zone's offset.
        let shift = i64::from(date.offset_minutes) * 60_000;
        let millis = i64::try_from(date.instant.unix_millis())
            .ok()?
            .checked_add(shift)?;
        Some(day_of(Instant::from_unix_millis(
            u64::try_from(millis).ok()?,
        )))
    }

    /// Whether this message satisfies `criteria`.
    pub fn matches(&self, criteria: &Criteria) -> bool {
        match criteria {
            Criteria::Key(key) => self.matches_key(key),
            Criteria::Field(name, needle) => {
                let mut values = self.message.search_header().values(name).peekable();
                // A field must be there, even for the empty string (§6.4.4 HEADER).
                values.peek().is_some() && needle.is_in_joined(values)
            }
            Criteria::Body(needle) => needle.is_in(self.message.search_body()),
            Criteria::Text(needle) => {
                needle.is_in(self.message.search_header().whole())
                    || needle.is_in(self.message.search_body())
            }
            Criteria::Not(c) => !self.matches(c),
            Criteria::Or(a, b) => self.matches(a) || self.matches(b),
            Criteria::And(all) => all.iter().all(|c| self.matches(c)),
        }
    }

    /// Whether this message satisfies `key`, one that reads no text.
    fn matches_key(&self, key: &SearchKey) -> bool {
        use SearchKey::*;
        match key {
            All => true,
            Answered => self.flag(Flags::ANSWERED),
            Deleted => self.flag(Flags::DELETED),
            Draft => self.flag(Flags::DRAFT),
            Flagged => self.flag(Flags::FLAGGED),
            Seen => self.flag(Flags::SEEN),
            Unanswered => !self.flag(Flags::ANSWERED),
            Undeleted => !self.flag(Flags::DELETED),
            Undraft => !self.flag(Flags::DRAFT),
            Unflagged => !self.flag(Flags::FLAGGED),
            Unseen => !self.flag(Flags::SEEN),
            Recent => self.recent(),
            New => self.recent() && !self.flag(Flags::SEEN),
            Old => !self.recent(),
            Keyword(k) => self.has_keyword(k),
            Unkeyword(k) => !self.has_keyword(k),
            Larger(n) => self.message.size() > *n as usize,
            Smaller(n) => self.message.size() < (*n as usize),
            Before(d) => day_of(self.message.internal_date()) < date(d),
            On(d) => day_of(self.message.internal_date()) == date(d),
            Since(d) => day_of(self.message.internal_date()) >= date(d),
            SentBefore(d) => self.sent_date().is_some_and(|s| s < date(d)),
            SentOn(d) => self.sent_date().is_some_and(|s| s == date(d)),
            SentSince(d) => self.sent_date().is_some_and(|s| s >= date(d)),
            Uid(set) => self.view.matches_set(set, true, self.target),
            SequenceSet(set) => self.view.matches_set(set, false, self.target),
            // The string keys and the combinations are `Criteria` (`Criteria::new` never
            // leaves them here); read as their own criteria all the same.
            Bcc(_) | Cc(_) | From(_) | To(_) | Subject(_) | Header(..) | Body(_) | Text(_)
            | Not(_) | Or(..) | And(_) => self.matches(&Criteria::new(key)),
        }
    }

    fn has_keyword(&self, keyword: &str) -> bool {
        self.message
            .keywords()
            .iter()
            .any(|k| k.as_str().eq_ignore_ascii_case(keyword))
    }
}

fn day_of(instant: Instant) -> (u64, u8, u8) {
    let c = instant.civil();
    (c.year, c.month, c.day)
}

fn date(d: &Date) -> (u64, u8, u8) {
    (u64::from(d.year), d.month, d.day)
}
