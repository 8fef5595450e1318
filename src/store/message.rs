//! A stored message: its UID, flags, internal date and the exact octets it arrived as.
//!
//! RFC 3501 §2.3.1.1: a UID is a non-zero 32-bit number, strictly ascending within a mailbox and
//! never reused. The octets are kept as given and shared (`Arc<[u8]>`), so COPY and MOVE do
//! not duplicate them. The store parses a message only for SEARCH: the decoded, lowercase text
//! it matches ([`crate::mail::search_text`]) is derived on the first search that needs it and
//! kept with the message, shared by the copies made after, never saved in a snapshot — the
//! octets never change, so neither does their text.

use crate::mail::search_text::{self, HeaderText};
use crate::sorted::SortedSet;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::snapshot::{base64_octets, unix_millis};
use super::{Flags, Keyword};
use crate::time::Instant;

/// A message's unique identifier within its mailbox (RFC 3501 §2.3.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Uid(NonZeroU32);

impl Uid {
    /// The first UID of every mailbox.
    pub const MIN: Uid = Uid(NonZeroU32::MIN);

    /// The UID `n`, or `None` for 0, which is never a UID.
    pub fn new(n: u32) -> Option<Uid> {
        NonZeroU32::new(n).map(Uid)
    }

    pub fn get(self) -> u32 {
        self.0.get()
    }

    /// The UID `n` places later, or `None` past the last one.
    pub(super) fn checked_add(self, n: u32) -> Option<Uid> {
        self.0.checked_add(n).map(Uid)
    }
}

impl fmt::Display for Uid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One message in one mailbox. A COPY is another `Message` sharing the same octets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub(super) uid: Uid,
    pub(super) flags: Flags,
    #[serde(default, skip_serializing_if = "SortedSet::is_empty")]
    pub(super) keywords: SortedSet<Keyword>,
    #[serde(with = "unix_millis")]
    pub(super) internal_date: Instant,
    #[serde(with = "base64_octets")]
    pub(super) raw: Arc<[u8]>,
    #[serde(skip)]
    pub(super) search: SearchCache,
}

/// What SEARCH derives from a message's octets, each half filled on first use. Derived from the
/// octets alone, so two messages with equal octets are equal whatever their caches hold.
#[derive(Clone, Default)]
pub struct SearchCache {
    header: OnceLock<Arc<HeaderText>>,
    body: OnceLock<Arc<str>>,
}

impl PartialEq for SearchCache {
    fn eq(&self, _: &SearchCache) -> bool {
        true
    }
}

impl Eq for SearchCache {}

impl fmt::Debug for SearchCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchCache")
            .field("header", &self.header.get().is_some())
            .field("body", &self.body.get().is_some())
            .finish()
    }
}

impl Message {
    pub fn uid(&self) -> Uid {
        self.uid
    }

    pub fn flags(&self) -> Flags {
        self.flags
    }

    pub fn keywords(&self) -> &SortedSet<Keyword> {
        &self.keywords
    }

    /// RFC 3501 §2.3.3: when the server received the message (not its `Date:` header).
    pub fn internal_date(&self) -> Instant {
        self.internal_date
    }

    /// The exact octets delivered or appended.
    pub fn raw(&self) -> &Arc<[u8]> {
        &self.raw
    }

    /// RFC 3501 §2.3.4: the size in octets.
    pub fn size(&self) -> usize {
        self.raw.len()
    }

    /// The header as SEARCH reads it (decoded, lowercase), derived on the first call.
    pub fn search_header(&self) -> &HeaderText {
        self.search
            .header
            .get_or_init(|| Arc::new(HeaderText::of(&self.raw)))
    }

    /// The text parts as SEARCH reads them (decoded, lowercase), derived on the first call.
    pub fn search_body(&self) -> &str {
        self.search
            .body
            .get_or_init(|| search_text::body_text(&self.raw).into())
    }

    /// The octets the derived search text takes so far (none before a search needed it).
    pub fn search_cache_size(&self) -> usize {
        self.search.header.get().map_or(0, |h| h.heap_size())
            + self.search.body.get().map_or(0, |b| b.len())
    }
}
