//! The mail store of one virtual mail host: accounts, mailboxes, messages, UIDs, flags, the
//! change feed, the POP3 maildrop lock and JSON snapshots.
//!
//! Protocol sessions (IMAP, POP3, SMTP delivery) borrow `&mut Store` for one call. The store
//! never parses a message (it keeps the octets it is given) and never reads a clock: what needs
//! the time takes the world's `now`. It depends only on [`crate::time`].
//!
//! Invariants: account names are unique ignoring ASCII case, and so are the addresses accounts
//! are found by; every account has a selectable INBOX; UIDVALIDITY values come from one
//! store-wide counter that only goes up (RFC 3501 §2.3.1.1); the per-mailbox invariants are in
//! `mailbox.rs` and the hierarchy's in `account.rs`.
//!
//! Names are case-insensitive (ASCII): `ALICE` logs in as `alice`, and `Alice@Example.COM`
//! reaches her. RFC 5321 §2.4 lets a host treat local parts so; a lab full of students typing
//! addresses is better served by it. Every mutating method takes the [`Origin`] it records in
//! the change feed.
//!
//! The code map: `name.rs` (mailbox names), `flags.rs`, `message.rs`, `mailbox.rs` (one
//! mailbox's messages and UIDs), `account.rs` (the hierarchy: CREATE, DELETE, RENAME), `feed.rs`,
//! `lock.rs`, `snapshot.rs` (save and load), `error.rs`.

mod account;
mod error;
mod feed;
mod flags;
mod lock;
mod mailbox;
mod message;
mod name;
mod snapshot;

use std::cmp::Ordering;
use std::num::NonZeroU32;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::sorted::SortedSet;
use crate::time::Instant;
use account::{Account, Event};
use feed::Feed;
use mailbox::{UidValidities, sorted_unique};

pub use account::MailboxInfo;
pub use error::StoreError;
pub use feed::{Change, ChangeKind, FEED_CAPACITY, FeedTooOld, Origin};
pub use flags::{FlagOp, Flags, Keyword};
pub use lock::MaildropLock;
pub use mailbox::{
    Appended, CopyUid, MAX_KEYWORDS, Mailbox, MessageFlags, Moved, SpecialUse, Status, UidValidity,
};
pub use message::{Message, SearchCache, Uid};
pub use name::{DELIMITER, MAX_LEVELS, MAX_NAME_OCTETS, MailboxName, NameError};
pub use snapshot::{SNAPSHOT_VERSION, SnapshotError};

/// The largest message a store accepts unless told otherwise: 10 MiB.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 10 * 1024 * 1024;

/// One host's mail store. Equality compares what a snapshot keeps, not the feed or the locks.
#[derive(Debug)]
pub struct Store {
    state: State,
    feed: Feed,
    /// The accounts whose maildrop a POP3 session holds.
    locks: SortedSet<String>,
}

/// What a snapshot keeps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct State {
    domains: Vec<String>,
    next_uid_validity: UidValidities,
    max_message_size: usize,
    /// Sorted by name, ignoring ASCII case.
    accounts: Vec<Account>,
}

impl PartialEq for Store {
    fn eq(&self, other: &Store) -> bool {
        self.state == other.state
    }
}

impl Store {
    /// A store for the mail domains `domains` whose first mailbox gets UIDVALIDITY
    /// `first_uid_validity` (0 is not a UIDVALIDITY and counts as 1).
    pub fn new(domains: &[&str], first_uid_validity: u32) -> Store {
        let first = NonZeroU32::new(first_uid_validity).unwrap_or(NonZeroU32::MIN);
        Store::from_state(State {
            domains: domains.iter().map(|&d| d.to_owned()).collect(),
            next_uid_validity: UidValidities(first),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            accounts: Vec::new(),
        })
    }

    fn from_state(state: State) -> Store {
        Store {
            state,
            feed: Feed::default(),
            locks: SortedSet::new(),
        }
    }

    /// Whether every invariant the store's code relies on holds — UIDs strictly increasing and
    /// below UIDNEXT, UIDVALIDITYs handed out by the store, the recent floor at most UIDNEXT,
    /// every message's keywords defined in its mailbox, a selectable INBOX for every account,
    /// no mailbox without its superiors, no two accounts claiming one address — with a sentence
    /// saying which one is broken. A loaded snapshot must pass the same check; the protocol
    /// machines' property tests ask it after every step.
    pub fn check(&self) -> Result<(), String> {
        snapshot::check(&self.state)
    }

    pub fn max_message_size(&self) -> usize {
        self.state.max_message_size
    }

    /// Sets the largest message, in octets, that delivery and APPEND accept.
    pub fn set_max_message_size(&mut self, octets: usize) {
        self.state.max_message_size = octets;
    }

    // --- Accounts ---------------------------------------------------------------------------

    /// Creates an account with INBOX and the RFC 6154 special-use mailboxes Sent, Drafts, Trash,
    /// Junk and Archive, all subscribed. `addresses` are aliases: a bare local part (`postmaster`)
    /// works in every domain of the host, a full address (`bob@example.org`) in its own domain,
    /// which must be one of the host's.
    pub fn add_account(
        &mut self,
        name: &str,
        password: &str,
        addresses: &[&str],
    ) -> Result<(), StoreError> {
        if !is_local_part(name) {
            return Err(StoreError::InvalidAccountName(name.to_owned()));
        }
        for &address in addresses {
            let (local, domain) = split_claim(address);
            if !is_local_part(local) || domain.is_some_and(|d| !self.serves(d)) {
                return Err(StoreError::InvalidAddress(address.to_owned()));
            }
        }
        let Err(at) = self.state.find(name) else {
            return Err(StoreError::AccountExists(name.to_owned()));
        };
        let existing = || self.state.accounts.iter().flat_map(Account::claims);
        let mut new_claims = std::iter::once(name).chain(addresses.iter().copied());
        if let Some(taken) = new_claims.find(|&new| existing().any(|old| claims_collide(old, new)))
        {
            return Err(StoreError::AddressTaken(taken.to_owned()));
        }
        let account = Account::new(name, password, addresses, &mut self.state.next_uid_validity)?;
        self.state.accounts.insert(at, account);
        Ok(())
    }

    /// The UIDVALIDITY the next created mailbox will get: every value below it has been used.
    pub fn next_uid_validity(&self) -> u32 {
        self.state.next_uid_validity.0.get()
    }

    /// The addresses (aliases) of account `user`, as configured.
    pub fn addresses(&self, user: &str) -> Result<&[String], StoreError> {
        Ok(&self.state.account(user)?.addresses)
    }

    /// The account names, in order.
    pub fn accounts(&self) -> impl Iterator<Item = &str> {
        self.state.accounts.iter().map(|a| a.name.as_str())
    }

    /// Whether `password` is `user`'s. An unknown user gets `false` like a wrong password, after
    /// the same comparison, so the answer tells nothing about which accounts exist.
    pub fn authenticate(&self, user: &str, password: &str) -> bool {
        let account = self.state.account(user).ok();
        let expected = account.map_or("", |a| a.password.as_str());
        let same = expected.len() == password.len()
            && expected
                .bytes()
                .zip(password.bytes())
                .fold(0, |diff, (a, b)| diff | (a ^ b))
                == 0;
        account.is_some() && same
    }

    /// `user`'s password, for the mechanisms that need the shared secret (APOP, CRAM-MD5).
    pub fn password(&self, user: &str) -> Option<&str> {
        self.state.account(user).ok().map(|a| a.password.as_str())
    }

    /// The account that receives mail for `address` (`local@domain`): the domain must be one of
    /// the host's and the local part an account name or alias, all ignoring ASCII case.
    pub fn account_for_address(&self, address: &str) -> Option<&str> {
        let (_, domain) = address.rsplit_once('@')?;
        if !self.serves(domain) {
            return None;
        }
        let mut accounts = self.state.accounts.iter();
        let found = accounts.find(|a| a.claims().any(|c| claims_collide(c, address)));
        found.map(|a| a.name.as_str())
    }

    /// Whether this host receives mail for `domain` (compared without case).
    pub fn serves(&self, domain: &str) -> bool {
        self.state
            .domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
    }

    // --- Mailboxes ----------------------------------------------------------------------------

    /// Every mailbox name of `user` with its LIST attributes, INBOX first, then in hierarchy order.
    pub fn mailboxes(&self, user: &str) -> Result<Vec<MailboxInfo>, StoreError> {
        Ok(self.state.account(user)?.list())
    }

    /// A selectable mailbox, to read.
    pub fn mailbox(&self, user: &str, mailbox: &str) -> Result<&Mailbox, StoreError> {
        self.state.account(user)?.mailbox(&parse(mailbox)?)
    }

    /// The messages of a mailbox in UID order (index + 1 is the message sequence number).
    pub fn messages(&self, user: &str, mailbox: &str) -> Result<&[Message], StoreError> {
        Ok(self.mailbox(user, mailbox)?.messages())
    }

    pub fn message(&self, user: &str, mailbox: &str, uid: Uid) -> Result<&Message, StoreError> {
        self.mailbox(user, mailbox)?
            .message(uid)
            .ok_or(StoreError::NoSuchMessage(uid))
    }

    /// RFC 3501 §6.3.10 STATUS. Reading it claims nothing: RECENT counts unclaimed messages.
    pub fn status(&self, user: &str, mailbox: &str) -> Result<Status, StoreError> {
        Ok(self.mailbox(user, mailbox)?.status())
    }

    /// RFC 3501 §6.3.3 CREATE; a trailing `/` is dropped and missing superiors are created.
    /// Every new mailbox gets the next UIDVALIDITY.
    pub fn create_mailbox(
        &mut self,
        origin: Origin,
        user: &str,
        mailbox: &str,
    ) -> Result<(), StoreError> {
        let name = parse(mailbox)?;
        let (account, validities) = self.state.account_and_validities(user)?;
        let events = account.create(&name, validities)?;
        record(&mut self.feed, origin, &account.name, events);
        Ok(())
    }

    /// RFC 3501 §6.3.4 DELETE. INBOX cannot be deleted; a mailbox with inferiors loses its
    /// messages and stays as a \Noselect name; subscriptions are left alone.
    pub fn delete_mailbox(
        &mut self,
        origin: Origin,
        user: &str,
        mailbox: &str,
    ) -> Result<(), StoreError> {
        let name = parse(mailbox)?;
        let account = self.state.account_mut(user)?;
        let events = account.delete(&name)?;
        record(&mut self.feed, origin, &account.name, events);
        Ok(())
    }

    /// RFC 3501 §6.3.5 RENAME. A renamed mailbox keeps its UIDVALIDITY (its UIDs still name the
    /// same messages); renaming INBOX moves its messages to a new mailbox instead.
    pub fn rename_mailbox(
        &mut self,
        origin: Origin,
        user: &str,
        from: &str,
        to: &str,
    ) -> Result<(), StoreError> {
        let (from, to) = (parse(from)?, parse(to)?);
        let (account, validities) = self.state.account_and_validities(user)?;
        let events = account.rename(&from, &to, validities)?;
        record(&mut self.feed, origin, &account.name, events);
        Ok(())
    }

    pub fn subscribe(&mut self, user: &str, mailbox: &str) -> Result<(), StoreError> {
        let name = parse(mailbox)?;
        self.state.account_mut(user)?.subscribe(name)
    }

    pub fn unsubscribe(&mut self, user: &str, mailbox: &str) -> Result<(), StoreError> {
        let name = parse(mailbox)?;
        self.state.account_mut(user)?.unsubscribe(name)
    }

    /// The subscribed names (RFC 3501 §6.3.9 LSUB), which need not exist any more.
    pub fn subscriptions(
        &self,
        user: &str,
    ) -> Result<impl Iterator<Item = &MailboxName>, StoreError> {
        Ok(self.state.account(user)?.subscriptions.iter())
    }

    // --- Messages -----------------------------------------------------------------------------

    /// RFC 3501 §2.3.2: what a read-write SELECT calls. Returns the messages no session has seen
    /// yet and marks them seen, so the next claim gets only newer ones. EXAMINE and STATUS do not
    /// claim. A session that learns of new messages from the feed claims again.
    pub fn claim_recent(&mut self, user: &str, mailbox: &str) -> Result<Vec<Uid>, StoreError> {
        let name = parse(mailbox)?;
        Ok(self
            .state
            .account_mut(user)?
            .mailbox_mut(&name)?
            .claim_recent())
    }

    /// SMTP final delivery (RFC 5321 §4.1.1.4): the message arrives with no flags, dated `now`.
    pub fn deliver(
        &mut self,
        origin: Origin,
        user: &str,
        mailbox: &str,
        raw: impl Into<Arc<[u8]>>,
        now: Instant,
    ) -> Result<Uid, StoreError> {
        let appended = self.append(origin, user, mailbox, raw, Flags::NONE, &[], now)?;
        Ok(appended.uid)
    }

    /// RFC 3501 §6.3.11 APPEND, answering the APPENDUID data of RFC 4315 §3. A missing mailbox
    /// gives [`StoreError::TryCreate`].
    #[expect(
        clippy::too_many_arguments,
        reason = "one argument per part of IMAP APPEND"
    )]
    pub fn append(
        &mut self,
        origin: Origin,
        user: &str,
        mailbox: &str,
        raw: impl Into<Arc<[u8]>>,
        flags: Flags,
        keywords: &[Keyword],
        internal_date: Instant,
    ) -> Result<Appended, StoreError> {
        let (name, raw) = (parse(mailbox)?, raw.into());
        let limit = self.state.max_message_size;
        let account = self.state.account_mut(user)?;
        let target = account
            .mailbox_mut(&name)
            .map_err(StoreError::for_destination)?;
        if raw.len() > limit {
            return Err(StoreError::TooBig { limit });
        }
        let appended = Appended {
            uid_validity: target.uid_validity,
            uid: target.uid_next,
        };
        let mut set = SortedSet::new();
        set.extend(keywords.iter().cloned());
        let keywords = set;
        target.insert(vec![Message {
            uid: appended.uid,
            flags,
            keywords,
            internal_date,
            raw,
            search: SearchCache::default(),
        }])?;
        let event = (name, ChangeKind::Appended { uid: appended.uid });
        record(&mut self.feed, origin, &account.name, [event]);
        Ok(appended)
    }

    /// RFC 3501 §6.4.6 STORE on the messages of `uids` that exist. Returns each one's new
    /// flags; the feed gets a change only for messages whose flags did change.
    #[expect(
        clippy::too_many_arguments,
        reason = "one argument per part of IMAP STORE"
    )]
    pub fn set_flags(
        &mut self,
        origin: Origin,
        user: &str,
        mailbox: &str,
        uids: &[Uid],
        op: FlagOp,
        flags: Flags,
        keywords: &[Keyword],
    ) -> Result<Vec<MessageFlags>, StoreError> {
        let name = parse(mailbox)?;
        let account = self.state.account_mut(user)?;
        let (results, changed) = account
            .mailbox_mut(&name)?
            .set_flags(uids, op, flags, keywords)?;
        let events = changed
            .into_iter()
            .map(|uid| (name.clone(), ChangeKind::FlagsChanged { uid }));
        record(&mut self.feed, origin, &account.name, events);
        Ok(results)
    }

    /// RFC 3501 §6.4.7 COPY with RFC 4315 §3 COPYUID. The copies keep flags, keywords and
    /// internal date, share the octets, and are recent in the destination. UIDs that name no
    /// message are skipped. A missing destination gives [`StoreError::TryCreate`].
    pub fn copy(
        &mut self,
        origin: Origin,
        user: &str,
        from: &str,
        uids: &[Uid],
        to: &str,
    ) -> Result<CopyUid, StoreError> {
        self.copy_messages(origin, user, &parse(from)?, uids, &parse(to)?)
    }

    /// RFC 6851 MOVE: a COPY, then the sources are expunged (whatever their flags).
    pub fn move_messages(
        &mut self,
        origin: Origin,
        user: &str,
        from: &str,
        uids: &[Uid],
        to: &str,
    ) -> Result<Moved, StoreError> {
        let from = parse(from)?;
        let copy_uid = self.copy_messages(origin, user, &from, uids, &parse(to)?)?;
        let account = self.state.account_mut(user)?;
        let copied: Vec<Uid> = copy_uid.pairs.iter().map(|&(source, _)| source).collect();
        let expunged = account
            .mailbox_mut(&from)?
            .remove(|m| copied.binary_search(&m.uid).is_ok());
        let events = expunged
            .iter()
            .map(|&uid| (from.clone(), ChangeKind::Expunged { uid }));
        record(&mut self.feed, origin, &account.name, events);
        Ok(Moved { copy_uid, expunged })
    }

    /// RFC 3501 §6.4.3 EXPUNGE: removes the messages flagged \Deleted; with `only`, just those
    /// of them whose UID is listed (RFC 4315 §2.1 UID EXPUNGE). Returns the removed UIDs in order.
    pub fn expunge(
        &mut self,
        origin: Origin,
        user: &str,
        mailbox: &str,
        only: Option<&[Uid]>,
    ) -> Result<Vec<Uid>, StoreError> {
        let name = parse(mailbox)?;
        let only = only.map(sorted_unique);
        let listed = |uid: &Uid| only.as_ref().is_none_or(|o| o.binary_search(uid).is_ok());
        let account = self.state.account_mut(user)?;
        let mailbox = account.mailbox_mut(&name)?;
        let expunged = mailbox.remove(|m| m.flags.contains(Flags::DELETED) && listed(&m.uid));
        let events = expunged
            .iter()
            .map(|&uid| (name.clone(), ChangeKind::Expunged { uid }));
        record(&mut self.feed, origin, &account.name, events);
        Ok(expunged)
    }

    fn copy_messages(
        &mut self,
        origin: Origin,
        user: &str,
        from: &MailboxName,
        uids: &[Uid],
        to: &MailboxName,
    ) -> Result<CopyUid, StoreError> {
        let account = self.state.account_mut(user)?;
        let source = account.mailbox(from)?;
        let copies: Vec<Message> = sorted_unique(uids)
            .into_iter()
            .filter_map(|uid| source.message(uid).cloned())
            .collect();
        let sources: Vec<Uid> = copies.iter().map(Message::uid).collect();
        let target = account
            .mailbox_mut(to)
            .map_err(StoreError::for_destination)?;
        let copied = target.insert(copies)?;
        let uid_validity = target.uid_validity;
        let events = copied
            .iter()
            .map(|&uid| (to.clone(), ChangeKind::Appended { uid }));
        record(&mut self.feed, origin, &account.name, events);
        Ok(CopyUid {
            uid_validity,
            pairs: sources.into_iter().zip(copied).collect(),
        })
    }

    // --- Change feed and maildrop lock --------------------------------------------------------

    /// The changes after `seq`, oldest first. A reader more than [`FEED_CAPACITY`] changes
    /// behind, or with a `seq` from before a snapshot was loaded, gets [`FeedTooOld`].
    pub fn changes_since(&self, seq: u64) -> Result<impl Iterator<Item = &Change>, FeedTooOld> {
        self.feed.since(seq)
    }

    /// The seq of the latest change (0 before the first).
    pub fn current_seq(&self) -> u64 {
        self.feed.last_seq()
    }

    /// RFC 1939 §8: takes `user`'s maildrop for one POP3 session, or fails with
    /// [`StoreError::Locked`] while another session holds it.
    pub fn lock_maildrop(&mut self, user: &str) -> Result<MaildropLock, StoreError> {
        let user = self.state.account(user)?.name.clone();
        if !self.locks.insert(user.clone()) {
            return Err(StoreError::Locked(user));
        }
        Ok(MaildropLock { user })
    }

    /// Gives a maildrop back.
    pub fn unlock_maildrop(&mut self, lock: MaildropLock) {
        self.locks.remove(&lock.user);
    }
}

impl State {
    fn find(&self, user: &str) -> Result<usize, usize> {
        self.accounts
            .binary_search_by(|a| cmp_ignoring_case(&a.name, user))
    }

    fn account(&self, user: &str) -> Result<&Account, StoreError> {
        let account = self.find(user).ok().and_then(|at| self.accounts.get(at));
        account.ok_or_else(|| StoreError::NoSuchAccount(user.to_owned()))
    }

    fn account_mut(&mut self, user: &str) -> Result<&mut Account, StoreError> {
        self.account_and_validities(user)
            .map(|(account, _)| account)
    }

    /// An account, and the UIDVALIDITY counter for the mailboxes it creates.
    fn account_and_validities(
        &mut self,
        user: &str,
    ) -> Result<(&mut Account, &mut UidValidities), StoreError> {
        let at = self.find(user).ok();
        let account = at.and_then(|at| self.accounts.get_mut(at));
        let account = account.ok_or_else(|| StoreError::NoSuchAccount(user.to_owned()))?;
        Ok((account, &mut self.next_uid_validity))
    }
}

fn parse(mailbox: &str) -> Result<MailboxName, StoreError> {
    MailboxName::parse(mailbox).map_err(StoreError::InvalidMailboxName)
}

fn record(feed: &mut Feed, origin: Origin, user: &str, events: impl IntoIterator<Item = Event>) {
    for (mailbox, kind) in events {
        feed.record(origin, user, mailbox, kind);
    }
}

fn cmp_ignoring_case(a: &str, b: &str) -> Ordering {
    let fold = |b: u8| b.to_ascii_lowercase();
    a.bytes().map(fold).cmp(b.bytes().map(fold))
}

/// An account name or alias split into local part and, for a full address, domain.
fn split_claim(claim: &str) -> (&str, Option<&str>) {
    claim
        .rsplit_once('@')
        .map_or((claim, None), |(local, domain)| (local, Some(domain)))
}

/// Whether two claims can name the same mailbox: same local part, and the same domain when
/// both have one (a bare local part stands for every domain of the host).
fn claims_collide(a: &str, b: &str) -> bool {
    let ((local_a, domain_a), (local_b, domain_b)) = (split_claim(a), split_claim(b));
    local_a.eq_ignore_ascii_case(local_b)
        && match (domain_a, domain_b) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => true,
        }
}

/// A local part this host hands out: 1 to 64 octets (RFC 5321 §4.5.3.1.1) of letters, digits,
/// `.`, `-` and `_`, so it is also a plain IMAP atom and POP3 argument.
fn is_local_part(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

#[cfg(test)]
pub(super) mod testing {
    //! A small world for the store's tests.
    use super::*;

    pub const ME: Origin = Origin(7);

    pub fn at(seconds: u64) -> Instant {
        Instant::from_unix_millis(1_795_424_400_000 + seconds * 1000)
    }

    /// A store for example.com and example.org with alice (alias `postmaster`) and bob.
    pub fn store() -> Store {
        let mut store = Store::new(&["example.com", "Example.ORG"], 100);
        store
            .add_account("alice", "wonderland", &["postmaster", "al@example.org"])
            .unwrap();
        store.add_account("bob", "builder", &[]).unwrap();
        store
    }

    pub fn uid(n: u32) -> Uid {
        Uid::new(n).unwrap()
    }

    pub fn uids(ns: &[u32]) -> Vec<Uid> {
        ns.iter().map(|&n| uid(n)).collect()
    }

    pub fn deliver(store: &mut Store, mailbox: &str, text: &str) -> Uid {
        store
            .deliver(Origin::SYSTEM, "alice", mailbox, text.as_bytes(), at(0))
            .unwrap()
    }

    pub fn uids_in(store: &Store, mailbox: &str) -> Vec<u32> {
        store
            .messages("alice", mailbox)
            .unwrap()
            .iter()
            .map(|m| m.uid().get())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn a_new_account_has_inbox_and_the_special_use_mailboxes_subscribed() {
        let store = store();
        let list = store.mailboxes("alice").unwrap();
        let names: Vec<_> = list.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            ["INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"]
        );
        let sent = list.iter().find(|i| i.name.as_str() == "Sent").unwrap();
        assert_eq!(sent.attributes(), ["\\HasNoChildren", "\\Sent"]);
        let subscribed: Vec<_> = store
            .subscriptions("alice")
            .unwrap()
            .map(|n| n.as_str())
            .collect();
        assert_eq!(subscribed, names);
        // alice got UIDVALIDITY 100..=105 (INBOX first), bob the next six.
        assert_eq!(
            store.status("alice", "INBOX").unwrap().uid_validity.get(),
            100
        );
        assert_eq!(
            store.status("alice", "Archive").unwrap().uid_validity.get(),
            105
        );
        assert_eq!(
            store.status("bob", "INBOX").unwrap().uid_validity.get(),
            106
        );
        assert_eq!(store.accounts().collect::<Vec<_>>(), ["alice", "bob"]);
    }

    #[test]
    fn accounts_that_would_clash_are_refused() {
        let mut store = store();
        let mut add = |name: &str, aliases: &[&str]| store.add_account(name, "pw", aliases);
        assert_eq!(
            add("ALICE", &[]),
            Err(StoreError::AccountExists("ALICE".into()))
        );
        assert_eq!(
            add("carol", &["PostMaster"]),
            Err(StoreError::AddressTaken("PostMaster".into()))
        );
        assert_eq!(
            add("carol", &["al"]),
            Err(StoreError::AddressTaken("al".into()))
        );
        assert_eq!(add("al", &[]), Err(StoreError::AddressTaken("al".into())));
        assert_eq!(
            add("carol", &["c@elsewhere.net"]),
            Err(StoreError::InvalidAddress("c@elsewhere.net".into()))
        );
        assert_eq!(
            add("carol", &["c d"]),
            Err(StoreError::InvalidAddress("c d".into()))
        );
        assert_eq!(
            add("carol@example.com", &[]),
            Err(StoreError::InvalidAccountName("carol@example.com".into()))
        );
        assert_eq!(
            add("", &[]),
            Err(StoreError::InvalidAccountName(String::new()))
        );
        // `al` is alice's only in example.org: a full-address alias in example.com is free.
        assert_eq!(add("carol", &["al@example.com"]), Ok(()));
    }

    #[test]
    fn authentication_leaks_nothing_about_unknown_users() {
        let store = store();
        assert!(store.authenticate("alice", "wonderland"));
        assert!(store.authenticate("Alice", "wonderland"));
        assert!(!store.authenticate("alice", "Wonderland"));
        assert!(!store.authenticate("alice", ""));
        assert!(!store.authenticate("nobody", ""));
        assert!(!store.authenticate("nobody", "wonderland"));
        assert_eq!(store.password("ALICE"), Some("wonderland"));
        assert_eq!(store.password("nobody"), None);
    }

    #[test]
    fn addresses_resolve_across_domains_and_case() {
        let store = store();
        let find = |a| store.account_for_address(a);
        assert_eq!(find("alice@example.com"), Some("alice"));
        assert_eq!(find("ALICE@EXAMPLE.ORG"), Some("alice"));
        assert_eq!(find("PostMaster@example.org"), Some("alice"));
        assert_eq!(find("bob@Example.Com"), Some("bob"));
        assert_eq!(find("al@example.org"), Some("alice"));
        assert_eq!(find("al@example.com"), None);
        assert_eq!(find("alice@example.net"), None);
        assert_eq!(find("carol@example.com"), None);
        assert_eq!(find("alice"), None);
        assert_eq!(find("@example.com"), None);
        assert_eq!(find("alice@bob@example.com"), None);
    }

    #[test]
    fn a_zero_first_uid_validity_counts_as_one() {
        let mut store = Store::new(&["example.com"], 0);
        store.add_account("x", "", &[]).unwrap();
        assert_eq!(store.status("x", "INBOX").unwrap().uid_validity.get(), 1);
    }
}
