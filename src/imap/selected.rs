//! One session's view of its selected mailbox (RFC 3501 §2.3.1.2, §5.2, §7.3–§7.4): the message
//! sequence numbers as this session knows them, the messages that are `\Recent` to it, and what
//! it still has to be told about changes made elsewhere.
//!
//! Other sessions (IMAP, POP3, SMTP delivery) change the store at any time; this view catches up
//! from the store's change feed only when [`View::sync`] is called, at the moments §5.2 and
//! §7.4.1 allow. Invariants: sequence numbers change only by the EXPUNGE responses this view
//! writes (so client and server always agree); new messages only ever join the end (UIDs
//! ascend); an EXPUNGE is never written while `allow_expunge` is false (during FETCH, STORE and
//! SEARCH); a message expunged elsewhere but not yet announced keeps its sequence number.

use crate::sorted::SortedSet;

use super::command::{Seq, SequenceSet};
use super::response::{Code, Untagged};
use crate::store::{ChangeKind, Flags, Keyword, MailboxName, Message, Origin, Store, Uid};

/// The system flags every mailbox has (the FLAGS response, §7.2.6).
pub const SYSTEM_FLAGS: [&str; 5] = ["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"];

/// A selected mailbox as one session sees it.
#[derive(Debug)]
pub struct View {
    user: String,
    name: MailboxName,
    read_only: bool,
    /// Message sequence number n is `uids[n - 1]`.
    uids: Vec<Uid>,
    /// The messages this session is the first to have been told about (§2.3.2 `\Recent`).
    recent: UidSet,
    /// The last change of the store's feed this view has read.
    feed_seq: u64,
    /// Expunged in the store, not yet announced (their sequence numbers still count).
    expunged: UidSet,
    /// Flags changed by another session, not yet announced.
    flags_changed: UidSet,
    /// The keywords announced in the last FLAGS response.
    keywords: SortedSet<Keyword>,
    /// The number of messages last announced (EXISTS) and the RECENT count.
    announced: (usize, usize),
    /// The mailbox was deleted by another session.
    deleted: bool,
    /// Messages arrived since the view last took them in.
    arrived: bool,
}

/// A message of the view resolved from a sequence set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    pub number: u32,
    pub uid: Uid,
}

/// A sequence set naming a message the mailbox does not have (§9: "invalid … sequence number").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadNumber {
    pub number: u32,
    pub exists: usize,
}

impl View {
    /// SELECT (`read_only: false`) or EXAMINE. A read-write SELECT claims the recent messages
    /// (§2.3.2): another session that selects the mailbox later does not see them as recent.
    pub fn open(
        store: &mut Store,
        user: &str,
        name: MailboxName,
        read_only: bool,
    ) -> Result<View, crate::store::StoreError> {
        let mailbox = store.mailbox(user, name.as_str())?;
        let uids: Vec<Uid> = mailbox.messages().iter().map(Message::uid).collect();
        let keywords = mailbox.keywords().clone();
        let mut recent = UidSet::default();
        if read_only {
            recent.extend(mailbox.recent());
        } else {
            recent.extend(store.claim_recent(user, name.as_str())?);
        }
        let announced = (uids.len(), recent.len());
        Ok(View {
            user: user.to_owned(),
            name,
            read_only,
            uids,
            recent,
            feed_seq: store.current_seq(),
            expunged: UidSet::default(),
            flags_changed: UidSet::default(),
            keywords,
            announced,
            deleted: false,
            arrived: false,
        })
    }

    pub fn name(&self) -> &MailboxName {
        &self.name
    }

    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// The number of messages as this session knows it (the last EXISTS).
    pub fn exists(&self) -> usize {
        self.uids.len()
    }

    pub fn recent_count(&self) -> usize {
        self.recent.len()
    }

    /// Whether another session deleted the mailbox.
    pub fn deleted(&self) -> bool {
        self.deleted
    }

    /// The sequence number of `uid` in this view.
    pub fn number_of(&self, uid: Uid) -> Option<u32> {
        let at = self.uids.binary_search(&uid).ok()?;
        u32::try_from(at + 1).ok()
    }

    pub fn is_recent(&self, uid: Uid) -> bool {
        self.recent.contains(&uid)
    }

    /// The FLAGS response of the mailbox (§7.2.6).
    pub fn flags_response(&self) -> Untagged {
        Untagged::Flags(self.flag_names(false))
    }

    /// The PERMANENTFLAGS code (§7.1): none for a read-only session; otherwise the system flags,
    /// the keywords, and `\*` (new keywords may be created).
    pub fn permanent_flags(&self) -> Code {
        if self.read_only {
            Code::PermanentFlags(Vec::new())
        } else {
            Code::PermanentFlags(self.flag_names(true))
        }
    }

    fn flag_names(&self, with_star: bool) -> Vec<String> {
        let system = SYSTEM_FLAGS.iter().map(|f| f.to_string());
        let keywords = self.keywords.iter().map(|k| k.as_str().to_owned());
        let star = with_star.then(|| "\\*".to_owned());
        system.chain(keywords).chain(star).collect()
    }

    /// A message's flags as this session sees them, `\Recent` included (§2.3.2).
    pub fn flags_of(&self, message: &Message) -> Vec<String> {
        let mut flags: Vec<String> = message.flags().names().map(str::to_owned).collect();
        flags.extend(message.keywords().iter().map(|k| k.as_str().to_owned()));
        if self.is_recent(message.uid()) {
            flags.push("\\Recent".to_owned());
        }
        flags
    }

    /// The messages a sequence set names: message sequence numbers, or UIDs when `uid`
    /// (§6.4.8: a UID range names the messages that exist within it, and `*` is the largest
    /// UID in use, so `n:*` names at least that message). In order, without repeats.
    pub fn resolve(&self, set: &SequenceSet, uid: bool) -> Result<Vec<Target>, BadNumber> {
        // Which message numbers the set names (index 0 unused): every number is at most the
        // number of messages, so this is bounded however the set repeats itself.
        let mut named = vec![false; self.uids.len() + 1];
        let mut name = |range: std::ops::RangeInclusive<usize>| {
            for n in range {
                if let Some(slot) = named.get_mut(n) {
                    *slot = true;
                }
            }
        };
        if uid {
            let Some(&largest) = self.uids.last() else {
                return Ok(Vec::new());
            };
            let value = |s: Seq| match s {
                Seq::Number(n) => n,
                Seq::Star => largest.get(),
            };
            for &(a, b) in set.ranges() {
                let (lo, hi) = ordered(value(a), value(b));
                let start = self.uids.partition_point(|u| u.get() < lo);
                let end = self.uids.partition_point(|u| u.get() <= hi);
                name(start + 1..=end);
            }
        } else {
            // §9 seq-number: "*" is the number of messages in a non-empty mailbox; a number
            // past it, "*" in an empty mailbox included, gets BAD.
            let exists = self.uids.len();
            let value = |s: Seq| match s {
                Seq::Number(n) => n as usize,
                Seq::Star => exists.max(1),
            };
            for &(a, b) in set.ranges() {
                let (lo, hi) = ordered(value(a), value(b));
                if hi > exists {
                    return Err(BadNumber {
                        number: u32::try_from(hi).unwrap_or(u32::MAX),
                        exists,
                    });
                }
                name(lo..=hi);
            }
        }
        Ok((1..named.len())
            .filter(|&n| named[n])
            .filter_map(|n| {
                Some(Target {
                    number: u32::try_from(n).ok()?,
                    uid: *self.uids.get(n.checked_sub(1)?)?,
                })
            })
            .collect())
    }

    /// Whether `target` is in a sequence set (message numbers, or UIDs when `uid`) that
    /// [`View::resolve`] accepted.
    pub fn matches_set(&self, set: &SequenceSet, uid: bool, target: Target) -> bool {
        let largest = if uid {
            self.uids.last().map_or(0, |u| u.get())
        } else {
            u32::try_from(self.uids.len()).unwrap_or(u32::MAX)
        };
        let value = if uid { target.uid.get() } else { target.number };
        set.ranges().iter().any(|&(a, b)| {
            let end = |s: Seq| match s {
                Seq::Number(n) => n,
                Seq::Star => largest,
            };
            let (lo, hi) = ordered(end(a), end(b));
            (lo..=hi).contains(&value)
        })
    }

    /// Every message of the view with its number, in order.
    pub fn all(&self) -> impl Iterator<Item = Target> + '_ {
        self.uids.iter().enumerate().filter_map(|(i, &uid)| {
            Some(Target {
                number: u32::try_from(i + 1).ok()?,
                uid,
            })
        })
    }

    /// The client was just sent message `number`'s flags: no pending update for it is needed.
    pub fn flags_reported(&mut self, number: u32) {
        let uid = (number as usize)
            .checked_sub(1)
            .and_then(|at| self.uids.get(at));
        if let Some(uid) = uid {
            self.flags_changed.remove(uid);
        }
    }

    /// This session's own EXPUNGE, EXPUNGE-by-UID or MOVE removed `uids`: the EXPUNGE responses,
    /// each number counted after the ones before it were removed (§7.4.1).
    pub fn remove(&mut self, uids: &[Uid]) -> Vec<Untagged> {
        let mut responses = Vec::new();
        for uid in uids {
            if let Ok(at) = self.uids.binary_search(uid) {
                self.uids.remove(at);
                self.recent.remove(uid);
                self.expunged.remove(uid);
                self.flags_changed.remove(uid);
                responses.push(Untagged::Expunge(u32::try_from(at + 1).unwrap_or(u32::MAX)));
            }
        }
        // Each EXPUNGE response lowers the count the client knows (§7.4.1).
        self.announced.0 = self.announced.0.saturating_sub(responses.len());
        responses
    }

    /// Catches up with the store: reads the feed since the last call and returns what the
    /// client must be told now — EXPUNGE (only when `allow_expunge`), EXISTS and RECENT for new
    /// messages, FLAGS when new keywords appeared, and FETCH FLAGS for messages whose flags
    /// another session changed. `me` is this session's origin: its own flag changes were
    /// answered by its own commands.
    pub fn sync(&mut self, store: &mut Store, me: Origin, allow_expunge: bool) -> Vec<Untagged> {
        self.ingest(store, me);
        if std::mem::take(&mut self.arrived) {
            self.take_new(store);
        }
        self.responses(store, allow_expunge)
    }

    /// Reads the feed since the last call into what is still to be told, telling nothing yet
    /// (so a command about to answer with FLAGS knows which updates it makes unnecessary).
    pub fn ingest(&mut self, store: &mut Store, me: Origin) {
        let mut too_old = false;
        match store.changes_since(self.feed_seq) {
            Ok(changes) => {
                for change in changes {
                    if !change.user.eq_ignore_ascii_case(&self.user) || change.mailbox != self.name
                    {
                        continue;
                    }
                    match &change.kind {
                        ChangeKind::Appended { .. } => self.arrived = true,
                        ChangeKind::Expunged { uid } => {
                            if self.uids.binary_search(uid).is_ok() {
                                self.expunged.insert(*uid);
                            }
                        }
                        ChangeKind::FlagsChanged { uid } if change.origin != me => {
                            self.flags_changed.insert(*uid);
                        }
                        ChangeKind::FlagsChanged { .. } | ChangeKind::MailboxCreated => {}
                        ChangeKind::MailboxDeleted => self.deleted = true,
                        ChangeKind::MailboxRenamed { to } => {
                            // The renamed mailbox keeps its UIDs: the session follows it.
                            self.name = to.clone();
                        }
                    }
                }
            }
            Err(_) => too_old = true,
        }
        if too_old {
            self.resynchronize(store);
        }
        self.feed_seq = store.current_seq();
    }

    /// The feed no longer holds what this view missed: compare with the store itself.
    fn resynchronize(&mut self, store: &Store) {
        let Ok(mailbox) = store.mailbox(&self.user, self.name.as_str()) else {
            self.deleted = true;
            return;
        };
        for &uid in &self.uids {
            if mailbox.message(uid).is_none() {
                self.expunged.insert(uid);
            } else {
                self.flags_changed.insert(uid);
            }
        }
        self.arrived = true;
    }

    /// Adds the messages newer than the view's last one; a read-write session claims them as
    /// recent (§2.3.2), a read-only one counts the ones nobody claimed.
    fn take_new(&mut self, store: &mut Store) {
        let last = self.uids.last().copied();
        let Ok(mailbox) = store.mailbox(&self.user, self.name.as_str()) else {
            return;
        };
        let newer = |uid: Uid| last.is_none_or(|l| uid > l);
        let new: Vec<Uid> = mailbox
            .messages()
            .iter()
            .map(Message::uid)
            .filter(|&u| newer(u))
            .collect();
        let unclaimed: Vec<Uid> = mailbox.recent().filter(|&u| newer(u)).collect();
        self.uids.extend(new);
        if self.read_only {
            self.recent.extend(unclaimed);
        } else if let Ok(claimed) = store.claim_recent(&self.user, self.name.as_str()) {
            self.recent
                .extend(claimed.into_iter().filter(|&u| newer(u)));
        }
    }

    /// The EXPUNGE responses for the messages expunged elsewhere and not yet announced.
    pub fn announce_expunges(&mut self) -> Vec<Untagged> {
        let gone: Vec<Uid> = std::mem::take(&mut self.expunged).into_iter().collect();
        self.remove(&gone)
    }

    fn responses(&mut self, store: &Store, allow_expunge: bool) -> Vec<Untagged> {
        let mut out = Vec::new();
        if allow_expunge {
            out.extend(self.announce_expunges());
        }
        let Ok(mailbox) = store.mailbox(&self.user, self.name.as_str()) else {
            return out;
        };
        if mailbox.keywords().len() != self.keywords.len() {
            self.keywords = mailbox.keywords().clone();
            out.push(self.flags_response());
            out.push(Untagged::Status {
                condition: super::response::Condition::Ok,
                code: Some(self.permanent_flags()),
                text: "Flags permitted".to_owned(),
            });
        }
        let counts = (self.uids.len(), self.recent.len());
        if counts.0 != self.announced.0 {
            out.push(Untagged::Exists(count(counts.0)));
        }
        if counts != self.announced {
            out.push(Untagged::Recent(count(counts.1)));
            self.announced = counts;
        }
        for uid in std::mem::take(&mut self.flags_changed) {
            let (Some(number), Some(message)) = (self.number_of(uid), mailbox.message(uid)) else {
                continue;
            };
            out.push(Untagged::Fetch {
                number,
                attributes: vec![super::response::FetchData::Flags(self.flags_of(message))],
            });
        }
        out
    }
}

fn ordered<T: Ord>(a: T, b: T) -> (T, T) {
    if a <= b { (a, b) } else { (b, a) }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Whether a flag name is a system flag a client may store (§2.3.2; `\Recent` is not).
pub fn parse_flags(names: &[String]) -> Result<(Flags, Vec<Keyword>), String> {
    let mut flags = Flags::NONE;
    let mut keywords = Vec::new();
    for name in names {
        if let Some(flag) = Flags::from_name(name) {
            flags |= flag;
        } else if name.eq_ignore_ascii_case("\\Recent") {
            return Err("\\Recent is set by the server and cannot be stored".to_owned());
        } else if name.starts_with('\\') {
            return Err(format!("{name} is not a system flag"));
        } else {
            keywords.push(Keyword::new(name).map_err(|e| e.to_string())?);
        }
    }
    Ok((flags, keywords))
}
/// A set of UIDs in order: a sorted list (UIDs mostly arrive in order, so inserting is usually
/// pushing). A `BTreeSet<Uid>` did the same for 2 KB more of gzipped wasm.
#[derive(Debug, Default)]
struct UidSet(Vec<Uid>);

impl UidSet {
    fn insert(&mut self, uid: Uid) {
        if let Err(at) = self.0.binary_search(&uid) {
            self.0.insert(at, uid);
        }
    }

    fn remove(&mut self, uid: &Uid) {
        if let Ok(at) = self.0.binary_search(uid) {
            self.0.remove(at);
        }
    }

    fn contains(&self, uid: &Uid) -> bool {
        self.0.binary_search(uid).is_ok()
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

impl Extend<Uid> for UidSet {
    fn extend<I: IntoIterator<Item = Uid>>(&mut self, uids: I) {
        for uid in uids {
            self.insert(uid);
        }
    }
}

impl IntoIterator for UidSet {
    type Item = Uid;
    type IntoIter = std::vec::IntoIter<Uid>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
