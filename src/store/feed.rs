//! The change feed: what happened to the store, in order, so that concurrent IMAP sessions
//! (RFC 3501 §7.3.1–§7.4.1 untagged EXISTS/EXPUNGE/FETCH), POP3 and the UI can follow.
//!
//! Every mutation appends [`Change`]s numbered by a strictly increasing `seq` (the first is 1).
//! Only the last [`FEED_CAPACITY`] are kept: a reader that fell further behind is told
//! [`FeedTooOld`] and must resynchronize from the store itself. The feed is transient: it is not
//! part of a snapshot, because a snapshot is loaded into a new world where no session exists to
//! read old changes, and replaying them would only announce what the loaded state already shows.

use std::collections::VecDeque;
use std::fmt;

use super::{MailboxName, Uid};

/// How many changes the feed keeps.
pub const FEED_CAPACITY: usize = 10_000;

/// Who made a change: an opaque number the caller chooses. [`Origin::SYSTEM`] (0) is the store's
/// own world (SMTP delivery, the shell); a session passes its own id to recognize its changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Origin(pub u64);

impl Origin {
    pub const SYSTEM: Origin = Origin(0);
}

/// One change to one mailbox of one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub seq: u64,
    /// The account's name as the store spells it.
    pub user: String,
    pub mailbox: MailboxName,
    pub origin: Origin,
    pub kind: ChangeKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Appended {
        uid: Uid,
    },
    FlagsChanged {
        uid: Uid,
    },
    Expunged {
        uid: Uid,
    },
    MailboxCreated,
    /// The mailbox is gone, or (RFC 3501 §6.3.4, when it has inferiors) it became \Noselect.
    MailboxDeleted,
    /// `mailbox` is now called `to`; the inferiors of a renamed mailbox get a change each.
    MailboxRenamed {
        to: MailboxName,
    },
}

/// A reader asked for changes the feed no longer holds (or never held): it must resynchronize.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeedTooOld {
    pub requested: u64,
    pub current: u64,
}

#[derive(Clone, Debug, Default)]
pub(super) struct Feed {
    changes: VecDeque<Change>,
    last_seq: u64,
}

impl Feed {
    pub(super) fn record(
        &mut self,
        origin: Origin,
        user: &str,
        mailbox: MailboxName,
        kind: ChangeKind,
    ) {
        self.last_seq += 1;
        if self.changes.len() == FEED_CAPACITY {
            self.changes.pop_front();
        }
        self.changes.push_back(Change {
            seq: self.last_seq,
            user: user.to_owned(),
            mailbox,
            origin,
            kind,
        });
    }

    pub(super) fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// The changes after `seq`. A `seq` past the last change is refused too: it comes from
    /// another feed (say, before a snapshot was loaded), so the reader must resynchronize.
    pub(super) fn since(&self, seq: u64) -> Result<impl Iterator<Item = &Change>, FeedTooOld> {
        let oldest_kept = self.changes.front().map_or(self.last_seq + 1, |c| c.seq);
        if seq > self.last_seq || seq + 1 < oldest_kept {
            return Err(FeedTooOld {
                requested: seq,
                current: self.last_seq,
            });
        }
        let skip = usize::try_from(seq + 1 - oldest_kept).unwrap_or(usize::MAX);
        Ok(self.changes.iter().skip(skip))
    }
}

impl fmt::Display for FeedTooOld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the change feed no longer holds the changes after {} (it is at {}): resynchronize",
            self.requested, self.current
        )
    }
}

impl std::error::Error for FeedTooOld {}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{FlagOp, Flags};
    use super::*;

    fn summary(change: &Change) -> (u64, &str, &str, u64, ChangeKind) {
        (
            change.seq,
            change.user.as_str(),
            change.mailbox.as_str(),
            change.origin.0,
            change.kind.clone(),
        )
    }

    #[test]
    fn every_mutation_is_reported_with_its_origin() {
        let mut store = store();
        assert_eq!(store.current_seq(), 0, "creating accounts is not a change");
        deliver(&mut store, "INBOX", "one");
        store
            .set_flags(
                ME,
                "ALICE",
                "INBOX",
                &uids(&[1]),
                FlagOp::Add,
                Flags::DELETED,
                &[],
            )
            .unwrap();
        store
            .set_flags(
                ME,
                "alice",
                "INBOX",
                &uids(&[1]),
                FlagOp::Add,
                Flags::DELETED,
                &[],
            )
            .unwrap();
        store
            .copy(ME, "alice", "INBOX", &uids(&[1]), "Trash")
            .unwrap();
        store.expunge(Origin(9), "alice", "INBOX", None).unwrap();
        store.create_mailbox(ME, "alice", "a").unwrap();
        store.rename_mailbox(ME, "alice", "a", "b").unwrap();
        store.delete_mailbox(ME, "alice", "b").unwrap();
        store.claim_recent("alice", "Trash").unwrap();
        let name = |s| MailboxName::parse(s).unwrap();
        let all: Vec<_> = store.changes_since(0).unwrap().map(summary).collect();
        assert_eq!(
            all,
            [
                (1, "alice", "INBOX", 0, ChangeKind::Appended { uid: uid(1) }),
                (
                    2,
                    "alice",
                    "INBOX",
                    7,
                    ChangeKind::FlagsChanged { uid: uid(1) }
                ),
                (3, "alice", "Trash", 7, ChangeKind::Appended { uid: uid(1) }),
                (4, "alice", "INBOX", 9, ChangeKind::Expunged { uid: uid(1) }),
                (5, "alice", "a", 7, ChangeKind::MailboxCreated),
                (
                    6,
                    "alice",
                    "a",
                    7,
                    ChangeKind::MailboxRenamed { to: name("b") }
                ),
                (7, "alice", "b", 7, ChangeKind::MailboxDeleted),
            ],
            "a STORE that changes nothing is not a change"
        );
        assert_eq!(store.current_seq(), 7);
        let later: Vec<_> = store.changes_since(5).unwrap().map(|c| c.seq).collect();
        assert_eq!(later, [6, 7]);
        assert_eq!(store.changes_since(7).unwrap().count(), 0);
        assert_eq!(
            store.changes_since(8).err(),
            Some(FeedTooOld {
                requested: 8,
                current: 7
            })
        );
    }

    #[test]
    fn a_reader_that_fell_too_far_behind_must_resynchronize() {
        let mut store = store();
        for _ in 0..FEED_CAPACITY + 5 {
            deliver(&mut store, "INBOX", "x");
        }
        let last = store.current_seq();
        assert_eq!(last, FEED_CAPACITY as u64 + 5);
        assert!(store.changes_since(4).is_err());
        assert_eq!(store.changes_since(5).unwrap().count(), FEED_CAPACITY);
        assert_eq!(
            store.changes_since(5).unwrap().next().map(|c| c.seq),
            Some(6)
        );
        assert_eq!(store.changes_since(last - 1).unwrap().count(), 1);
        let too_old = store.changes_since(0).err().unwrap();
        assert!(too_old.to_string().contains("resynchronize"));
    }
}
