//! SEARCH criteria (RFC 3501 §6.4.4) evaluated against one message.
//!
//! String keys match substrings without regard to case (§6.4.4: "case-insensitive"), after the
//! text is decoded the way a reader sees it: RFC 2047 encoded-words in header fields, transfer
//! encodings and charsets in text parts. `BEFORE`/`ON`/`SINCE` compare the internal date's day
//! in UTC; `SENT*` compare the `Date:` field's day as written, "disregarding time and timezone".
//! The message is parsed only if a key needs its content.

use std::cell::OnceCell;

use super::command::{Date, SearchKey};
use super::selected::{Target, View};
use crate::lowercase::to_lowercase;
use crate::mail::Message as Parsed;
use crate::mail::date::parse_rfc5322;
use crate::mail::encoded_word::decode_unstructured;
use crate::mail::header::{self, unfold};
use crate::store::{Flags, Message};
use crate::time::Instant;

/// The charsets SEARCH accepts (§6.4.4: US-ASCII MUST be, others MAY be).
pub const CHARSETS: [&str; 2] = ["US-ASCII", "UTF-8"];

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

    /// The decoded values of every header field called `name`, joined by newlines.
    fn header_text(&self, name: &[u8]) -> Option<String> {
        let parsed = self.parsed();
        let raw = parsed.raw();
        let name = String::from_utf8_lossy(name);
        let values: Vec<String> = header::fields(raw, parsed.root().fields.clone())
            .filter(|f| f.is(raw, &name))
            .map(|f| decode_unstructured(&String::from_utf8_lossy(&unfold(f.raw_value(raw)))))
            .collect();
        (!values.is_empty()).then(|| values.join("\n"))
    }

    /// The text of every text part, decoded.
    fn body_text(&self) -> String {
        let parsed = self.parsed();
        let raw = parsed.raw();
        let texts: Vec<String> = parsed
            .leaves()
            .into_iter()
            .filter_map(|(_, part)| part.text(raw))
            .collect();
        texts.join("\n")
    }

    fn whole_header_text(&self) -> String {
        let parsed = self.parsed();
        let raw = parsed.raw();
        let header = raw.get(parsed.root().header.clone()).unwrap_or_default();
        decode_unstructured(&String::from_utf8_lossy(&unfold(header)))
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

    /// Whether this message satisfies `key`.
    pub fn matches(&self, key: &SearchKey) -> bool {
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
            Bcc(s) => self.field_contains(b"Bcc", s),
            Cc(s) => self.field_contains(b"Cc", s),
            From(s) => self.field_contains(b"From", s),
            To(s) => self.field_contains(b"To", s),
            Subject(s) => self.field_contains(b"Subject", s),
            // §6.4.4: HEADER with an empty string matches every message that has the field.
            Header(name, s) => self.field_contains(name, s),
            Body(s) => contains(&self.body_text(), s),
            Text(s) => contains(&self.whole_header_text(), s) || contains(&self.body_text(), s),
            Uid(set) => self.view.matches_set(set, true, self.target),
            SequenceSet(set) => self.view.matches_set(set, false, self.target),
            Not(k) => !self.matches(k),
            Or(a, b) => self.matches(a) || self.matches(b),
            And(keys) => keys.iter().all(|k| self.matches(k)),
        }
    }

    fn has_keyword(&self, keyword: &str) -> bool {
        self.message
            .keywords()
            .iter()
            .any(|k| k.as_str().eq_ignore_ascii_case(keyword))
    }

    fn field_contains(&self, name: &[u8], needle: &[u8]) -> bool {
        self.header_text(name).is_some_and(|t| contains(&t, needle))
    }
}

fn contains(haystack: &str, needle: &[u8]) -> bool {
    let needle = to_lowercase(&String::from_utf8_lossy(needle));
    needle.is_empty() || to_lowercase(haystack).contains(&needle)
}

fn day_of(instant: Instant) -> (u64, u8, u8) {
    let c = instant.civil();
    (c.year, c.month, c.day)
}

fn date(d: &Date) -> (u64, u8, u8) {
    (u64::from(d.year), d.month, d.day)
}
