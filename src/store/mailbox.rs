//! One selectable mailbox: its messages in UID order, UIDNEXT, UIDVALIDITY and recent floor.
//!
//! Invariants (checked again when a snapshot is loaded): messages are sorted by strictly
//! increasing UID, every UID is below UIDNEXT, UIDNEXT never goes down (so a UID is never
//! reused, RFC 3501 §2.3.1.1), the recent floor is at most UIDNEXT, and every keyword on a
//! message is one of the mailbox's at most [`MAX_KEYWORDS`] keywords.
//!
//! `\Recent` (RFC 3501 §2.3.2) is the recent floor: a message whose UID is at or above it has
//! not yet been announced to any session. A read-write SELECT claims those messages, raising
//! the floor to UIDNEXT, so exactly one session sees each message as recent.

use crate::sorted::SortedSet;
use std::fmt;
use std::num::NonZeroU32;

use serde::{Deserialize, Serialize};

use super::{FlagOp, Flags, Keyword, Message, StoreError, Uid};

/// A mailbox's UIDVALIDITY (RFC 3501 §2.3.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UidValidity(NonZeroU32);

impl UidValidity {
    pub fn get(self) -> u32 {
        self.0.get()
    }
}

impl fmt::Display for UidValidity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The store-wide source of UIDVALIDITY values: the next one to hand out. Values strictly
/// increase, so a mailbox deleted and created again gets a new one (RFC 3501 §2.3.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub(super) struct UidValidities(pub(super) NonZeroU32);

impl UidValidities {
    /// The next `n` values, or none at all if fewer than `n` are left.
    pub(super) fn take(&mut self, n: usize) -> Result<Vec<UidValidity>, StoreError> {
        let next = u32::try_from(n)
            .ok()
            .and_then(|n| self.0.checked_add(n))
            .ok_or(StoreError::UidValiditiesExhausted)?;
        let values = (self.0.get()..next.get())
            .filter_map(NonZeroU32::new)
            .map(UidValidity);
        let values = values.collect();
        self.0 = next;
        Ok(values)
    }
}

/// The most keywords one mailbox can define (RFC 5530 `LIMIT` beyond).
pub const MAX_KEYWORDS: usize = 100;

/// A selectable mailbox. Read it through [`super::Store::mailbox`]; change it through the store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    pub(super) uid_validity: UidValidity,
    pub(super) uid_next: Uid,
    pub(super) recent_floor: Uid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) special_use: Option<SpecialUse>,
    /// The keywords defined in this mailbox (IMAP's FLAGS response): they only accumulate.
    #[serde(default, skip_serializing_if = "SortedSet::is_empty")]
    pub(super) keywords: SortedSet<Keyword>,
    pub(super) messages: Vec<Message>,
}

/// A special-use mailbox role (RFC 6154 §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpecialUse {
    Archive,
    Drafts,
    Junk,
    Sent,
    Trash,
}

impl SpecialUse {
    /// The LIST attribute, e.g. `\Sent`.
    pub fn attribute(self) -> &'static str {
        match self {
            SpecialUse::Archive => "\\Archive",
            SpecialUse::Drafts => "\\Drafts",
            SpecialUse::Junk => "\\Junk",
            SpecialUse::Sent => "\\Sent",
            SpecialUse::Trash => "\\Trash",
        }
    }
}

/// What STATUS reports (RFC 3501 §6.3.10, SIZE from RFC 8438).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    pub messages: u32,
    pub recent: u32,
    pub unseen: u32,
    pub uid_next: Uid,
    pub uid_validity: UidValidity,
    /// The sum of the messages' sizes in octets.
    pub size: u64,
}

/// A message's flags after a STORE (what the untagged FETCH FLAGS response shows).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageFlags {
    pub uid: Uid,
    pub flags: Flags,
    pub keywords: SortedSet<Keyword>,
}

/// The APPENDUID data of an APPEND (RFC 4315 §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    pub uid_validity: UidValidity,
    pub uid: Uid,
}

/// The COPYUID data of a COPY (RFC 4315 §3): (source UID, destination UID) pairs, in source
/// UID order. Empty when none of the UIDs named a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyUid {
    pub uid_validity: UidValidity,
    pub pairs: Vec<(Uid, Uid)>,
}

/// What a MOVE did (RFC 6851 §4.3): the COPYUID data and the source UIDs expunged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    pub copy_uid: CopyUid,
    pub expunged: Vec<Uid>,
}

impl Mailbox {
    pub(super) fn new(uid_validity: UidValidity, special_use: Option<SpecialUse>) -> Mailbox {
        Mailbox {
            uid_validity,
            uid_next: Uid::MIN,
            recent_floor: Uid::MIN,
            special_use,
            keywords: SortedSet::new(),
            messages: Vec::new(),
        }
    }

    pub fn uid_validity(&self) -> UidValidity {
        self.uid_validity
    }

    /// UIDNEXT: the UID the next message will get (RFC 3501 §2.3.1.1).
    pub fn uid_next(&self) -> Uid {
        self.uid_next
    }

    pub fn special_use(&self) -> Option<SpecialUse> {
        self.special_use
    }

    /// The keywords defined in this mailbox, for the FLAGS and PERMANENTFLAGS responses.
    pub fn keywords(&self) -> &SortedSet<Keyword> {
        &self.keywords
    }

    /// The messages in UID order: message sequence number n is `messages()[n - 1]`.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    pub fn message(&self, uid: Uid) -> Option<&Message> {
        self.position(uid).and_then(|at| self.messages.get(at))
    }

    /// The message of each item's UID, for the items whose message is here, in the items'
    /// order. Items in ascending UID order (a session's messages, a sorted set) are found by one
    /// walk along the mailbox, not a binary search each — over 10,000 messages that search's
    /// cache misses were most of a SEARCH; any other order is found all the same.
    pub fn walk<'a, T>(
        &'a self,
        items: impl IntoIterator<Item = T> + 'a,
        uid: impl Fn(&T) -> Uid + 'a,
    ) -> impl Iterator<Item = (T, &'a Message)> + 'a {
        let mut at = 0;
        items.into_iter().filter_map(move |item| {
            let want = uid(&item);
            match self.messages.get(at) {
                Some(m) if m.uid <= want => {
                    at += self
                        .messages
                        .get(at..)
                        .unwrap_or_default()
                        .iter()
                        .take_while(|m| m.uid < want)
                        .count();
                }
                _ => at = self.messages.partition_point(|m| m.uid < want),
            }
            let message = self.messages.get(at).filter(|m| m.uid == want)?;
            Some((item, message))
        })
    }

    /// The UIDs of the messages no session has seen yet (RFC 3501 §2.3.2 `\Recent`).
    pub fn recent(&self) -> impl Iterator<Item = Uid> + '_ {
        let first = self.messages.partition_point(|m| m.uid < self.recent_floor);
        self.messages.iter().skip(first).map(|m| m.uid)
    }

    pub fn status(&self) -> Status {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Status {
            messages: count(self.messages.len()),
            recent: count(self.recent().count()),
            unseen: count(
                self.messages
                    .iter()
                    .filter(|m| !m.flags.contains(Flags::SEEN))
                    .count(),
            ),
            uid_next: self.uid_next,
            uid_validity: self.uid_validity,
            size: self.messages.iter().map(|m| m.size() as u64).sum(),
        }
    }

    /// Claims the recent messages for one session and raises the floor past them.
    pub(super) fn claim_recent(&mut self) -> Vec<Uid> {
        let claimed = self.recent().collect();
        self.recent_floor = self.uid_next;
        claimed
    }

    /// Adds `messages` in order, giving each the next UID (the UIDs they carry are replaced).
    /// All or nothing: fails before any change if the keywords or the UIDs would run out.
    pub(super) fn insert(&mut self, messages: Vec<Message>) -> Result<Vec<Uid>, StoreError> {
        let last = u32::try_from(messages.len())
            .ok()
            .and_then(|n| self.uid_next.checked_add(n))
            .ok_or(StoreError::UidsExhausted)?;
        self.declare(messages.iter().flat_map(|m| &m.keywords))?;
        let first = self.uid_next.get();
        let uids: Vec<Uid> = (first..last.get()).filter_map(Uid::new).collect();
        for (mut message, &uid) in messages.into_iter().zip(&uids) {
            message.uid = uid;
            self.messages.push(message);
        }
        self.uid_next = last;
        Ok(uids)
    }

    /// RFC 3501 §6.4.6 STORE on the messages of `uids` that exist. Returns each one's new
    /// flags, and the UIDs whose flags actually changed.
    pub(super) fn set_flags(
        &mut self,
        uids: &[Uid],
        op: FlagOp,
        flags: Flags,
        keywords: &[Keyword],
    ) -> Result<(Vec<MessageFlags>, Vec<Uid>), StoreError> {
        if op != FlagOp::Remove {
            self.declare(keywords.iter())?;
        }
        let (mut results, mut changed) = (Vec::new(), Vec::new());
        for uid in sorted_unique(uids) {
            let Some(message) = self.position(uid).and_then(|at| self.messages.get_mut(at)) else {
                continue; // RFC 3501 §6.4.8: UIDs that name no message are ignored.
            };
            let (flags_before, keywords_before) = (message.flags, message.keywords.clone());
            match op {
                FlagOp::Replace => {
                    message.flags = flags;
                    message.keywords.clear();
                    message.keywords.extend(keywords.iter().cloned());
                }
                FlagOp::Add => {
                    message.flags |= flags;
                    message.keywords.extend(keywords.iter().cloned());
                }
                FlagOp::Remove => {
                    message.flags = message.flags.without(flags);
                    message.keywords.retain(|k| !keywords.contains(k));
                }
            }
            if message.flags != flags_before || message.keywords != keywords_before {
                changed.push(uid);
            }
            results.push(MessageFlags {
                uid,
                flags: message.flags,
                keywords: message.keywords.clone(),
            });
        }
        Ok((results, changed))
    }

    /// Removes the messages `doomed` picks and returns their UIDs, in UID order.
    pub(super) fn remove(&mut self, mut doomed: impl FnMut(&Message) -> bool) -> Vec<Uid> {
        let mut removed = Vec::new();
        self.messages.retain(|m| {
            let remove = doomed(m);
            if remove {
                removed.push(m.uid);
            }
            !remove
        });
        removed
    }

    /// Adds keywords to the mailbox's defined set, or fails with no change past the limit.
    fn declare<'a>(
        &mut self,
        keywords: impl Iterator<Item = &'a Keyword>,
    ) -> Result<(), StoreError> {
        // A short list, not a set of references: one compiled set less in the wasm; it never holds
        // more than MAX_KEYWORDS + 1 (the first spelling of each keyword is kept, as a set would).
        let mut new: Vec<&Keyword> = Vec::new();
        for keyword in keywords {
            if !self.keywords.contains(keyword) && !new.contains(&keyword) {
                new.push(keyword);
                if self.keywords.len() + new.len() > MAX_KEYWORDS {
                    return Err(StoreError::TooManyKeywords {
                        limit: MAX_KEYWORDS,
                    });
                }
            }
        }
        self.keywords.extend(new.into_iter().cloned());
        Ok(())
    }

    fn position(&self, uid: Uid) -> Option<usize> {
        self.messages.binary_search_by_key(&uid, |m| m.uid).ok()
    }
}

/// `uids` sorted, without repeats.
pub(super) fn sorted_unique(uids: &[Uid]) -> Vec<Uid> {
    let mut uids = uids.to_vec();
    crate::sort::sort(&mut uids);
    uids.dedup();
    uids
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::testing::*;
    use super::super::{MailboxName, Origin, Store};
    use super::*;

    fn keyword(k: &str) -> Keyword {
        Keyword::new(k).unwrap()
    }

    #[test]
    fn uids_increase_and_are_never_reused_after_expunge() {
        let mut store = store();
        for text in ["one", "two", "three"] {
            deliver(&mut store, "INBOX", text);
        }
        store
            .set_flags(
                ME,
                "alice",
                "INBOX",
                &uids(&[2, 3]),
                FlagOp::Add,
                Flags::DELETED,
                &[],
            )
            .unwrap();
        assert_eq!(store.expunge(ME, "alice", "INBOX", None), Ok(uids(&[2, 3])));
        assert_eq!(deliver(&mut store, "INBOX", "four"), uid(4));
        assert_eq!(uids_in(&store, "INBOX"), [1, 4]);
        assert_eq!(store.status("alice", "INBOX").unwrap().uid_next, uid(5));
    }

    #[test]
    fn walk_finds_the_messages_of_uids_in_any_order() {
        let mut store = store();
        for text in ["one", "two", "three", "four", "five", "six"] {
            deliver(&mut store, "INBOX", text);
        }
        store
            .set_flags(
                ME,
                "alice",
                "INBOX",
                &uids(&[2, 5]),
                FlagOp::Add,
                Flags::DELETED,
                &[],
            )
            .unwrap();
        store.expunge(ME, "alice", "INBOX", None).unwrap();
        let mailbox = store.mailbox("alice", "INBOX").unwrap();
        let walked = |wanted: &[u32]| -> Vec<(u32, u32)> {
            mailbox
                .walk(wanted.iter().copied(), |&n| uid(n))
                .map(|(n, m)| (n, m.uid().get()))
                .collect()
        };
        assert_eq!(
            walked(&[1, 2, 3, 4, 5, 6, 7]),
            [(1, 1), (3, 3), (4, 4), (6, 6)]
        );
        assert_eq!(
            walked(&[6, 4, 1, 2, 3, 3]),
            [(6, 6), (4, 4), (1, 1), (3, 3), (3, 3)]
        );
        assert_eq!(walked(&[7, 1, 9]), [(1, 1)]);
        assert_eq!(walked(&[]), []);
    }

    #[test]
    fn append_keeps_octets_flags_keywords_and_date_and_answers_appenduid() {
        let mut store = store();
        let words = [keyword("$Forwarded"), keyword("work")];
        let raw = b"Subject: hi\r\n\r\nbody\r\n".as_slice();
        let appended = store.append(
            ME,
            "alice",
            "Drafts",
            raw,
            Flags::DRAFT | Flags::SEEN,
            &words,
            at(5),
        );
        let validity = store.mailbox("alice", "Drafts").unwrap().uid_validity();
        assert_eq!(
            appended,
            Ok(Appended {
                uid_validity: validity,
                uid: uid(1)
            })
        );
        let message = store.message("alice", "Drafts", uid(1)).unwrap();
        assert_eq!(&**message.raw(), raw);
        assert_eq!(message.size(), raw.len());
        assert_eq!(message.flags(), Flags::DRAFT | Flags::SEEN);
        assert_eq!(
            message
                .keywords()
                .iter()
                .map(Keyword::as_str)
                .collect::<Vec<_>>(),
            ["$Forwarded", "work"]
        );
        assert_eq!(message.internal_date(), at(5));
        assert_eq!(
            store.mailbox("alice", "Drafts").unwrap().keywords().len(),
            2
        );
        assert_eq!(
            store.message("alice", "Drafts", uid(2)),
            Err(StoreError::NoSuchMessage(uid(2)))
        );
    }

    #[test]
    fn append_and_delivery_refusals() {
        let mut store = store();
        let put = |store: &mut Store, mailbox: &str, raw: &[u8]| {
            store
                .append(ME, "alice", mailbox, raw, Flags::NONE, &[], at(0))
                .map(|a| a.uid)
        };
        let missing = MailboxName::parse("Lists").unwrap();
        assert_eq!(
            put(&mut store, "Lists", b"x"),
            Err(StoreError::TryCreate(missing.clone()))
        );
        assert_eq!(
            StoreError::TryCreate(missing).response_code(),
            Some("TRYCREATE")
        );
        store.create_mailbox(ME, "alice", "a/b").unwrap();
        store.delete_mailbox(ME, "alice", "a").unwrap();
        let a = MailboxName::parse("a").unwrap();
        assert_eq!(
            put(&mut store, "a", b"x"),
            Err(StoreError::TryCreate(a)),
            "a \\Noselect name: CREATE it first (RFC 3501 §6.3.11 TRYCREATE)"
        );
        store.set_max_message_size(4);
        assert_eq!(store.max_message_size(), 4);
        assert_eq!(
            put(&mut store, "INBOX", b"12345"),
            Err(StoreError::TooBig { limit: 4 })
        );
        assert_eq!(put(&mut store, "INBOX", b"1234"), Ok(uid(1)));
        let too_big = store.deliver(Origin::SYSTEM, "alice", "INBOX", b"12345".as_slice(), at(0));
        assert_eq!(too_big, Err(StoreError::TooBig { limit: 4 }));
        let nobody = store.deliver(Origin::SYSTEM, "nobody", "INBOX", b"1".as_slice(), at(0));
        assert_eq!(nobody, Err(StoreError::NoSuchAccount("nobody".into())));
        assert_eq!(Store::new(&[], 1).max_message_size(), 10 * 1024 * 1024);
    }

    #[test]
    fn store_replaces_adds_and_removes_and_reports_new_flags() {
        let mut store = store();
        deliver(&mut store, "INBOX", "one");
        deliver(&mut store, "INBOX", "two");
        let work = [keyword("Work")];
        let mut set = |op, flags, words: &[Keyword], which: &[u32]| {
            store
                .set_flags(ME, "alice", "INBOX", &uids(which), op, flags, words)
                .unwrap()
        };
        let added = set(
            FlagOp::Add,
            Flags::SEEN | Flags::FLAGGED,
            &work,
            &[2, 1, 2, 9],
        );
        assert_eq!(added.len(), 2, "uid 9 is ignored, uid 2 counted once");
        assert_eq!(added[0].uid, uid(1));
        assert_eq!(added[0].flags, Flags::SEEN | Flags::FLAGGED);
        assert_eq!(added[0].keywords, work.iter().cloned().collect());
        let removed = set(FlagOp::Remove, Flags::SEEN, &[keyword("WORK")], &[1]);
        assert_eq!(removed[0].flags, Flags::FLAGGED);
        assert!(
            removed[0].keywords.is_empty(),
            "keywords compare without case"
        );
        let replaced = set(FlagOp::Replace, Flags::ANSWERED, &[], &[2]);
        assert_eq!(replaced[0].flags, Flags::ANSWERED);
        assert!(replaced[0].keywords.is_empty());
        assert_eq!(store.status("alice", "INBOX").unwrap().unseen, 2);
    }

    #[test]
    fn a_mailbox_holds_at_most_a_hundred_keywords() {
        let mut store = store();
        deliver(&mut store, "INBOX", "one");
        let words: Vec<_> = (0..MAX_KEYWORDS)
            .map(|i| keyword(&format!("k{i}")))
            .collect();
        let one = uids(&[1]);
        store
            .set_flags(ME, "alice", "INBOX", &one, FlagOp::Add, Flags::NONE, &words)
            .unwrap();
        let more = store.set_flags(
            ME,
            "alice",
            "INBOX",
            &one,
            FlagOp::Add,
            Flags::SEEN,
            &[keyword("x")],
        );
        assert_eq!(
            more,
            Err(StoreError::TooManyKeywords {
                limit: MAX_KEYWORDS
            })
        );
        assert_eq!(
            store.message("alice", "INBOX", uid(1)).unwrap().flags(),
            Flags::NONE,
            "nothing changed"
        );
        let again = store.set_flags(
            ME,
            "alice",
            "INBOX",
            &one,
            FlagOp::Replace,
            Flags::NONE,
            &words[..1],
        );
        assert!(again.is_ok(), "keywords already defined do not count twice");
    }

    #[test]
    fn recent_is_claimed_exactly_once() {
        let mut store = store();
        deliver(&mut store, "INBOX", "one");
        deliver(&mut store, "INBOX", "two");
        // EXAMINE and STATUS only look.
        assert_eq!(store.status("alice", "INBOX").unwrap().recent, 2);
        assert_eq!(store.mailbox("alice", "INBOX").unwrap().recent().count(), 2);
        assert_eq!(store.claim_recent("alice", "INBOX"), Ok(uids(&[1, 2])));
        assert_eq!(store.claim_recent("alice", "INBOX"), Ok(vec![]));
        assert_eq!(store.status("alice", "INBOX").unwrap().recent, 0);
        deliver(&mut store, "INBOX", "three");
        assert_eq!(store.status("alice", "INBOX").unwrap().recent, 1);
        assert_eq!(store.claim_recent("alice", "INBOX"), Ok(uids(&[3])));
        assert_eq!(store.claim_recent("alice", "INBOX"), Ok(vec![]));
    }

    #[test]
    fn copy_answers_copyuid_and_keeps_flags_dates_and_octets() {
        let mut store = store();
        for text in ["one", "two", "three"] {
            deliver(&mut store, "INBOX", text);
        }
        deliver(&mut store, "Archive", "old");
        store
            .set_flags(
                ME,
                "alice",
                "INBOX",
                &uids(&[3]),
                FlagOp::Add,
                Flags::FLAGGED,
                &[],
            )
            .unwrap();
        store.claim_recent("alice", "Archive").unwrap();
        let copied = store
            .copy(ME, "alice", "INBOX", &uids(&[3, 1, 7]), "Archive")
            .unwrap();
        let archive = store.mailbox("alice", "Archive").unwrap();
        assert_eq!(copied.uid_validity, archive.uid_validity());
        assert_eq!(copied.pairs, [(uid(1), uid(2)), (uid(3), uid(3))]);
        let (source, copy) = (
            store.message("alice", "INBOX", uid(3)).unwrap(),
            archive.message(uid(3)).unwrap(),
        );
        assert_eq!(copy.flags(), Flags::FLAGGED);
        assert_eq!(copy.internal_date(), source.internal_date());
        assert!(
            Arc::ptr_eq(copy.raw(), source.raw()),
            "a copy shares the octets"
        );
        assert_eq!(
            archive.recent().collect::<Vec<_>>(),
            uids(&[2, 3]),
            "copies are recent"
        );
        assert_eq!(uids_in(&store, "INBOX"), [1, 2, 3], "the sources stay");
        let none = store
            .copy(ME, "alice", "INBOX", &uids(&[42]), "Archive")
            .unwrap();
        assert!(none.pairs.is_empty());
        let missing = store.copy(ME, "alice", "INBOX", &uids(&[1]), "Nope");
        assert_eq!(
            missing,
            Err(StoreError::TryCreate(MailboxName::parse("Nope").unwrap()))
        );
        let from_missing = store.copy(ME, "alice", "Nope", &uids(&[1]), "INBOX");
        assert_eq!(
            from_missing,
            Err(StoreError::NoSuchMailbox(
                MailboxName::parse("Nope").unwrap()
            ))
        );
    }

    #[test]
    fn move_copies_then_expunges_the_sources() {
        let mut store = store();
        for text in ["one", "two", "three"] {
            deliver(&mut store, "INBOX", text);
        }
        store
            .set_flags(
                ME,
                "alice",
                "INBOX",
                &uids(&[2]),
                FlagOp::Add,
                Flags::SEEN,
                &[],
            )
            .unwrap();
        let moved = store
            .move_messages(ME, "alice", "INBOX", &uids(&[2, 3]), "Trash")
            .unwrap();
        assert_eq!(moved.copy_uid.pairs, [(uid(2), uid(1)), (uid(3), uid(2))]);
        assert_eq!(moved.expunged, uids(&[2, 3]));
        assert_eq!(uids_in(&store, "INBOX"), [1]);
        assert_eq!(uids_in(&store, "Trash"), [1, 2]);
        assert_eq!(
            store.message("alice", "Trash", uid(1)).unwrap().flags(),
            Flags::SEEN
        );
        // Moving within one mailbox gives new UIDs to the same messages.
        let inside = store
            .move_messages(ME, "alice", "Trash", &uids(&[1]), "Trash")
            .unwrap();
        assert_eq!(inside.copy_uid.pairs, [(uid(1), uid(3))]);
        assert_eq!(uids_in(&store, "Trash"), [2, 3]);
    }

    #[test]
    fn expunge_removes_only_deleted_and_uid_expunge_only_the_listed() {
        let mut store = store();
        for text in ["1", "2", "3", "4"] {
            deliver(&mut store, "INBOX", text);
        }
        store
            .set_flags(
                ME,
                "alice",
                "INBOX",
                &uids(&[1, 2, 4]),
                FlagOp::Add,
                Flags::DELETED,
                &[],
            )
            .unwrap();
        assert_eq!(
            store.expunge(ME, "alice", "INBOX", Some(&uids(&[2, 3, 4]))),
            Ok(uids(&[2, 4]))
        );
        assert_eq!(uids_in(&store, "INBOX"), [1, 3]);
        assert_eq!(store.expunge(ME, "alice", "INBOX", None), Ok(uids(&[1])));
        assert_eq!(store.expunge(ME, "alice", "INBOX", None), Ok(vec![]));
        assert_eq!(uids_in(&store, "INBOX"), [3]);
    }

    #[test]
    fn status_counts_what_the_mailbox_holds() {
        let mut store = store();
        deliver(&mut store, "INBOX", "12345");
        deliver(&mut store, "INBOX", "123");
        store
            .set_flags(
                ME,
                "alice",
                "INBOX",
                &uids(&[1]),
                FlagOp::Add,
                Flags::SEEN,
                &[],
            )
            .unwrap();
        let status = store.status("alice", "INBOX").unwrap();
        let validity = store.mailbox("alice", "INBOX").unwrap().uid_validity();
        let expected = Status {
            messages: 2,
            recent: 2,
            unseen: 1,
            uid_next: uid(3),
            uid_validity: validity,
            size: 8,
        };
        assert_eq!(status, expected);
    }
}
