//! One account: its credentials, addresses, mailbox hierarchy and subscriptions.
//!
//! Implements the mailbox-level commands of RFC 3501 §6.3.3–§6.3.7 (CREATE, DELETE, RENAME,
//! SUBSCRIBE, UNSUBSCRIBE) on a map from [`MailboxName`] to [`Entry`]. Invariants: INBOX exists
//! and is selectable; every superior of a name exists (CREATE and RENAME make missing ones, and
//! DELETE of a name with inferiors leaves a \Noselect name behind); a \Noselect name holds no
//! messages, by construction.

use crate::sorted::{SortedMap, SortedSet};

use serde::{Deserialize, Serialize};

use super::mailbox::UidValidities;
use super::{ChangeKind, Mailbox, MailboxName, SpecialUse, StoreError};

/// What a name in the hierarchy is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Entry {
    Mailbox(Mailbox),
    /// RFC 3501 §7.2.2 `\Noselect`: a name that only holds inferiors.
    Noselect,
}

/// The mailboxes a new account starts with, subscribed (RFC 6154 §2 roles).
const DEFAULT_MAILBOXES: [(&str, Option<SpecialUse>); 6] = [
    ("INBOX", None),
    ("Sent", Some(SpecialUse::Sent)),
    ("Drafts", Some(SpecialUse::Drafts)),
    ("Trash", Some(SpecialUse::Trash)),
    ("Junk", Some(SpecialUse::Junk)),
    ("Archive", Some(SpecialUse::Archive)),
];

/// One line of a mailbox listing (what IMAP LIST shows).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailboxInfo {
    pub name: MailboxName,
    pub noselect: bool,
    /// RFC 3348: whether the name has inferiors.
    pub has_children: bool,
    pub special_use: Option<SpecialUse>,
}

impl MailboxInfo {
    /// The LIST attributes: `\Noselect`, `\HasChildren` or `\HasNoChildren`, the special use.
    pub fn attributes(&self) -> Vec<&'static str> {
        let noselect = self.noselect.then_some("\\Noselect");
        let children = if self.has_children {
            "\\HasChildren"
        } else {
            "\\HasNoChildren"
        };
        let special = self.special_use.map(SpecialUse::attribute);
        noselect
            .into_iter()
            .chain([children])
            .chain(special)
            .collect()
    }
}

/// A mailbox-level change, before the store stamps it with its origin and account.
pub(super) type Event = (MailboxName, ChangeKind);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Account {
    pub(super) name: String,
    pub(super) password: String,
    /// Aliases: local parts valid in every domain of the host, or full addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) addresses: Vec<String>,
    pub(super) mailboxes: SortedMap<MailboxName, Entry>,
    pub(super) subscriptions: SortedSet<MailboxName>,
}

impl Account {
    pub(super) fn new(
        name: &str,
        password: &str,
        addresses: &[&str],
        validities: &mut UidValidities,
    ) -> Result<Account, StoreError> {
        let mut account = Account {
            name: name.to_owned(),
            password: password.to_owned(),
            addresses: addresses.iter().map(|&a| a.to_owned()).collect(),
            mailboxes: SortedMap::new(),
            subscriptions: SortedSet::new(),
        };
        for ((name, special_use), validity) in DEFAULT_MAILBOXES
            .into_iter()
            .zip(validities.take(DEFAULT_MAILBOXES.len())?)
        {
            let name = MailboxName::parse(name).map_err(StoreError::InvalidMailboxName)?;
            let mailbox = Mailbox::new(validity, special_use);
            account
                .mailboxes
                .insert(name.clone(), Entry::Mailbox(mailbox));
            account.subscriptions.insert(name);
        }
        Ok(account)
    }

    /// The names an address lookup finds this account by: its name and its aliases.
    pub(super) fn claims(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.addresses.iter().map(String::as_str))
    }

    pub(super) fn mailbox(&self, name: &MailboxName) -> Result<&Mailbox, StoreError> {
        match self.mailboxes.get(name) {
            Some(Entry::Mailbox(mailbox)) => Ok(mailbox),
            Some(Entry::Noselect) => Err(StoreError::NotSelectable(name.clone())),
            None => Err(StoreError::NoSuchMailbox(name.clone())),
        }
    }

    pub(super) fn mailbox_mut(&mut self, name: &MailboxName) -> Result<&mut Mailbox, StoreError> {
        match self.mailboxes.get_mut(name) {
            Some(Entry::Mailbox(mailbox)) => Ok(mailbox),
            Some(Entry::Noselect) => Err(StoreError::NotSelectable(name.clone())),
            None => Err(StoreError::NoSuchMailbox(name.clone())),
        }
    }

    /// Every name, in order, with its attributes.
    pub(super) fn list(&self) -> Vec<MailboxInfo> {
        let info = |(name, entry): (&MailboxName, &Entry)| MailboxInfo {
            name: name.clone(),
            noselect: matches!(entry, Entry::Noselect),
            has_children: self.has_inferiors(name),
            special_use: match entry {
                Entry::Mailbox(mailbox) => mailbox.special_use,
                Entry::Noselect => None,
            },
        };
        self.mailboxes.iter().map(info).collect()
    }

    /// RFC 3501 §6.3.3 CREATE, making missing superiors too (its SHOULD). A \Noselect name
    /// (left by DELETE of a mailbox with inferiors) becomes a mailbox again, with a new
    /// UIDVALIDITY: it is not an existing mailbox, only a name.
    pub(super) fn create(
        &mut self,
        name: &MailboxName,
        validities: &mut UidValidities,
    ) -> Result<Vec<Event>, StoreError> {
        match self.mailboxes.get(name) {
            Some(Entry::Mailbox(_)) => Err(StoreError::MailboxExists(name.clone())),
            Some(Entry::Noselect) => {
                let validity = validities
                    .take(1)?
                    .into_iter()
                    .next()
                    .ok_or(StoreError::UidValiditiesExhausted)?;
                self.mailboxes
                    .insert(name.clone(), Entry::Mailbox(Mailbox::new(validity, None)));
                Ok(vec![(name.clone(), ChangeKind::MailboxCreated)])
            }
            None => self.create_missing(name.superiors().chain([name.clone()]), validities),
        }
    }

    /// RFC 3501 §6.3.4 DELETE. Subscriptions are left alone (RFC 3501 §6.3.6: a server must
    /// not drop a subscription because the mailbox is gone).
    pub(super) fn delete(&mut self, name: &MailboxName) -> Result<Vec<Event>, StoreError> {
        if name.is_inbox() {
            return Err(StoreError::CannotDeleteInbox);
        }
        let has_inferiors = self.has_inferiors(name);
        match (self.mailboxes.get_mut(name), has_inferiors) {
            (None, _) => return Err(StoreError::NoSuchMailbox(name.clone())),
            (Some(Entry::Noselect), true) => return Err(StoreError::HasInferiors(name.clone())),
            // The messages go and the name stays, as \Noselect.
            (Some(entry), true) => *entry = Entry::Noselect,
            (Some(_), false) => {
                self.mailboxes.remove(name);
            }
        }
        Ok(vec![(name.clone(), ChangeKind::MailboxDeleted)])
    }

    /// RFC 3501 §6.3.5 RENAME. The mailbox keeps its messages, UIDs and recent floor, but gets a
    /// new UIDVALIDITY, as do its inferiors: RFC 3501 §2.3.1.1 wants a name's UIDVALIDITY to grow
    /// whenever its UIDs may stand for other messages, and the new name may have held others
    /// before. Missing superiors of `to` are created, and subscriptions follow the renamed names.
    pub(super) fn rename(
        &mut self,
        from: &MailboxName,
        to: &MailboxName,
        validities: &mut UidValidities,
    ) -> Result<Vec<Event>, StoreError> {
        if !self.mailboxes.contains_key(from) {
            return Err(StoreError::NoSuchMailbox(from.clone()));
        }
        if self.mailboxes.contains_key(to) {
            return Err(StoreError::MailboxExists(to.clone()));
        }
        if from.is_inbox() {
            return self.rename_inbox(to, validities);
        }
        if to.is_inferior_of(from) {
            return Err(StoreError::RenameUnderItself(to.clone()));
        }
        let renames = self
            .mailboxes
            .keys()
            .filter_map(|name| Some((name.clone(), name.rebased(from, to)?)))
            .map(|(old, new)| new.map(|new| (old, new)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(StoreError::InvalidMailboxName)?;
        let mut events = self.create_missing(to.superiors(), validities)?;
        let mut fresh = validities.take(renames.len())?.into_iter();
        for (old, new) in renames {
            if let Some(mut entry) = self.mailboxes.remove(&old) {
                if let (Entry::Mailbox(mailbox), Some(validity)) = (&mut entry, fresh.next()) {
                    mailbox.uid_validity = validity;
                }
                self.mailboxes.insert(new.clone(), entry);
            }
            if self.subscriptions.remove(&old) {
                self.subscriptions.insert(new.clone());
            }
            events.push((old, ChangeKind::MailboxRenamed { to: new }));
        }
        Ok(events)
    }

    /// RFC 3501 §6.3.5: renaming INBOX moves all its messages to a new mailbox `to` and leaves
    /// INBOX empty, in place, with its UIDVALIDITY and UIDNEXT (so its UIDs are not reused). The
    /// new mailbox gets a new UIDVALIDITY and the messages keep their UIDs. INBOX's inferiors
    /// are not affected.
    fn rename_inbox(
        &mut self,
        to: &MailboxName,
        validities: &mut UidValidities,
    ) -> Result<Vec<Event>, StoreError> {
        let inbox = MailboxName::inbox();
        let mut events = self.create_missing(to.superiors().chain([to.clone()]), validities)?;
        let source = self.mailbox_mut(&inbox)?;
        let messages = std::mem::take(&mut source.messages);
        let (uid_next, recent_floor) = (source.uid_next, source.recent_floor);
        let keywords = source.keywords.clone();
        let expunged = messages
            .iter()
            .map(|m| (inbox.clone(), ChangeKind::Expunged { uid: m.uid }));
        events.extend(expunged);
        let target = self.mailbox_mut(to)?;
        target.messages = messages;
        target.uid_next = uid_next;
        target.recent_floor = recent_floor;
        target.keywords = keywords;
        Ok(events)
    }

    /// RFC 3501 §6.3.6 SUBSCRIBE. This server checks that the name exists (its MAY).
    pub(super) fn subscribe(&mut self, name: MailboxName) -> Result<(), StoreError> {
        if !self.mailboxes.contains_key(&name) {
            return Err(StoreError::NoSuchMailbox(name));
        }
        self.subscriptions.insert(name);
        Ok(())
    }

    /// RFC 3501 §6.3.7 UNSUBSCRIBE. The name need not exist, only be subscribed.
    pub(super) fn unsubscribe(&mut self, name: MailboxName) -> Result<(), StoreError> {
        if !self.subscriptions.remove(&name) {
            return Err(StoreError::NotSubscribed(name));
        }
        Ok(())
    }

    /// Inferiors sort right after their superior, so only the next name needs a look.
    fn has_inferiors(&self, name: &MailboxName) -> bool {
        self.mailboxes
            .after(name)
            .next()
            .is_some_and(|(next, _)| next.is_inferior_of(name))
    }

    /// Creates, as empty selectable mailboxes, those of `names` that do not exist yet.
    fn create_missing(
        &mut self,
        names: impl Iterator<Item = MailboxName>,
        validities: &mut UidValidities,
    ) -> Result<Vec<Event>, StoreError> {
        let missing: Vec<MailboxName> = names.filter(|n| !self.mailboxes.contains_key(n)).collect();
        let validities = validities.take(missing.len())?;
        let mut events = Vec::new();
        for (name, validity) in missing.into_iter().zip(validities) {
            self.mailboxes
                .insert(name.clone(), Entry::Mailbox(Mailbox::new(validity, None)));
            events.push((name, ChangeKind::MailboxCreated));
        }
        Ok(events)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{NameError, Store, UidValidity};
    use super::*;

    fn name(s: &str) -> MailboxName {
        MailboxName::parse(s).unwrap()
    }

    fn names(store: &Store) -> Vec<String> {
        let list = store.mailboxes("alice").unwrap();
        list.iter()
            .map(|i| format!("{} {}", i.name, i.attributes().join(" ")))
            .collect()
    }

    fn validity(store: &Store, mailbox: &str) -> UidValidity {
        store.mailbox("alice", mailbox).unwrap().uid_validity()
    }

    #[test]
    fn create_makes_missing_superiors_and_ignores_a_trailing_slash() {
        let mut store = store();
        store.create_mailbox(ME, "alice", "Lists/rust/").unwrap();
        let listed = names(&store);
        assert!(
            listed.contains(&"Lists \\HasChildren".to_owned()),
            "{listed:?}"
        );
        assert!(
            listed.contains(&"Lists/rust \\HasNoChildren".to_owned()),
            "{listed:?}"
        );
        assert!(validity(&store, "Lists") < validity(&store, "Lists/rust"));
        assert_eq!(
            store.create_mailbox(ME, "alice", "Lists/rust"),
            Err(StoreError::MailboxExists(name("Lists/rust")))
        );
        assert_eq!(
            store.create_mailbox(ME, "alice", "inbox"),
            Err(StoreError::MailboxExists(name("INBOX")))
        );
        store.create_mailbox(ME, "alice", "inBox/sub").unwrap();
        assert!(store.mailbox("alice", "INBOX/sub").is_ok());
        assert!(names(&store).contains(&"INBOX \\HasChildren".to_owned()));
    }

    #[test]
    fn every_invalid_name_is_refused() {
        let mut store = store();
        let deep = ["d"; 17].join("/");
        let long = "x".repeat(201);
        for (bad, why) in [
            ("", NameError::Empty),
            ("a//b", NameError::EmptyLevel),
            ("a\nb", NameError::ForbiddenCharacter),
            ("a\0", NameError::ForbiddenCharacter),
            (long.as_str(), NameError::TooLong),
            (deep.as_str(), NameError::TooDeep),
        ] {
            assert_eq!(
                store.create_mailbox(ME, "alice", bad),
                Err(StoreError::InvalidMailboxName(why))
            );
        }
        assert_eq!(
            StoreError::InvalidMailboxName(NameError::TooDeep).response_code(),
            Some("LIMIT")
        );
        assert_eq!(
            StoreError::InvalidMailboxName(NameError::Empty).response_code(),
            Some("CANNOT")
        );
    }

    #[test]
    fn a_mailbox_deleted_and_created_again_gets_a_new_uidvalidity() {
        let mut store = store();
        store.create_mailbox(ME, "alice", "Work").unwrap();
        deliver(&mut store, "Work", "x");
        let first = validity(&store, "Work");
        store.delete_mailbox(ME, "alice", "Work").unwrap();
        assert_eq!(
            store.status("alice", "Work"),
            Err(StoreError::NoSuchMailbox(name("Work")))
        );
        store.create_mailbox(ME, "alice", "Work").unwrap();
        assert!(validity(&store, "Work") > first);
        assert!(store.messages("alice", "Work").unwrap().is_empty());
    }

    #[test]
    fn delete_keeps_inferiors_and_leaves_a_noselect_name() {
        let mut store = store();
        store.create_mailbox(ME, "alice", "foo/bar").unwrap();
        deliver(&mut store, "foo", "gone soon");
        assert_eq!(
            store.delete_mailbox(ME, "alice", "INBOX"),
            Err(StoreError::CannotDeleteInbox)
        );
        assert_eq!(
            store.delete_mailbox(ME, "alice", "nope"),
            Err(StoreError::NoSuchMailbox(name("nope")))
        );
        store.subscribe("alice", "foo").unwrap();
        store.delete_mailbox(ME, "alice", "foo").unwrap();
        assert!(names(&store).contains(&"foo \\Noselect \\HasChildren".to_owned()));
        assert_eq!(
            store.messages("alice", "foo"),
            Err(StoreError::NotSelectable(name("foo")))
        );
        assert_eq!(
            store.delete_mailbox(ME, "alice", "foo"),
            Err(StoreError::HasInferiors(name("foo")))
        );
        store.delete_mailbox(ME, "alice", "foo/bar").unwrap();
        assert!(names(&store).contains(&"foo \\Noselect \\HasNoChildren".to_owned()));
        store.delete_mailbox(ME, "alice", "foo").unwrap();
        assert!(!names(&store).iter().any(|n| n.starts_with("foo")));
        // RFC 3501 §6.3.6: a subscription outlives its mailbox.
        assert!(
            store
                .subscriptions("alice")
                .unwrap()
                .any(|n| n.as_str() == "foo")
        );
        assert_eq!(store.create_mailbox(ME, "alice", "foo"), Ok(()));
    }

    #[test]
    fn a_name_never_goes_back_to_a_lower_uidvalidity() {
        // The review's sequence: create c, create a, rename a→b, rename c→a. RFC 3501 §2.3.1.1:
        // the UIDVALIDITY of "a" must grow, since UID 1 of "a" is now another message.
        let mut store = store();
        store.create_mailbox(ME, "alice", "c").unwrap();
        deliver(&mut store, "c", "in c");
        store.create_mailbox(ME, "alice", "a").unwrap();
        deliver(&mut store, "a", "in a");
        let a_before = validity(&store, "a");
        store.rename_mailbox(ME, "alice", "a", "b").unwrap();
        store.rename_mailbox(ME, "alice", "c", "a").unwrap();
        assert!(validity(&store, "a") > a_before);
        assert!(validity(&store, "b") > a_before);
    }

    #[test]
    fn create_turns_a_noselect_name_back_into_a_mailbox() {
        let mut store = store();
        store.create_mailbox(ME, "alice", "foo/bar").unwrap();
        let old = validity(&store, "foo");
        store.delete_mailbox(ME, "alice", "foo").unwrap();
        assert!(names(&store).contains(&"foo \\Noselect \\HasChildren".to_owned()));
        assert_eq!(
            store.create_mailbox(ME, "alice", "foo/bar"),
            Err(StoreError::MailboxExists(name("foo/bar")))
        );
        store.create_mailbox(ME, "alice", "foo").unwrap();
        assert!(store.messages("alice", "foo").is_ok(), "selectable again");
        assert!(validity(&store, "foo") > old);
    }

    #[test]
    fn rename_moves_inferiors_keeps_uids_and_makes_superiors() {
        let mut store = store();
        store.create_mailbox(ME, "alice", "foo/bar").unwrap();
        deliver(&mut store, "foo/bar", "kept");
        store.subscribe("alice", "foo/bar").unwrap();
        let before = validity(&store, "foo/bar");
        store
            .rename_mailbox(ME, "alice", "foo", "zap/zowie")
            .unwrap();
        assert!(
            validity(&store, "zap/zowie/bar") > before,
            "a renamed mailbox gets a new UIDVALIDITY"
        );
        assert_eq!(uids_in(&store, "zap/zowie/bar"), [1]);
        assert!(store.mailbox("alice", "zap").is_ok());
        assert_eq!(
            store.status("alice", "foo"),
            Err(StoreError::NoSuchMailbox(name("foo")))
        );
        let subscribed: Vec<_> = store
            .subscriptions("alice")
            .unwrap()
            .map(|n| n.to_string())
            .collect();
        assert!(
            subscribed.contains(&"zap/zowie/bar".to_owned())
                && !subscribed.contains(&"foo/bar".to_owned())
        );
        let rename =
            |store: &mut Store, from: &str, to: &str| store.rename_mailbox(ME, "alice", from, to);
        assert_eq!(
            rename(&mut store, "nope", "x"),
            Err(StoreError::NoSuchMailbox(name("nope")))
        );
        assert_eq!(
            rename(&mut store, "zap", "Sent"),
            Err(StoreError::MailboxExists(name("Sent")))
        );
        assert_eq!(
            rename(&mut store, "zap", "zap/in"),
            Err(StoreError::RenameUnderItself(name("zap/in")))
        );
        let long = format!("{}/", "y".repeat(195));
        let too_long = rename(&mut store, "zap", &format!("{long}z"));
        assert_eq!(
            too_long,
            Err(StoreError::InvalidMailboxName(NameError::TooLong))
        );
        assert!(
            store.mailbox("alice", "zap/zowie/bar").is_ok(),
            "a refused rename changes nothing"
        );
        assert_eq!(
            store.mailbox("alice", "Sent").unwrap().special_use(),
            Some(SpecialUse::Sent)
        );
        rename(&mut store, "Sent", "Outbox").unwrap();
        assert_eq!(
            store.mailbox("alice", "Outbox").unwrap().special_use(),
            Some(SpecialUse::Sent)
        );
    }

    #[test]
    fn renaming_inbox_moves_its_messages_and_leaves_it_empty_in_place() {
        let mut store = store();
        store.create_mailbox(ME, "alice", "INBOX/keep").unwrap();
        deliver(&mut store, "INBOX", "one");
        deliver(&mut store, "INBOX", "two");
        let inbox = validity(&store, "INBOX");
        let seq = store.current_seq();
        store
            .rename_mailbox(ME, "alice", "inbox", "old/mail")
            .unwrap();
        assert_eq!(uids_in(&store, "old/mail"), [1, 2]);
        assert!(validity(&store, "old/mail") != inbox);
        let status = store.status("alice", "INBOX").unwrap();
        assert_eq!(
            (status.messages, status.uid_validity, status.uid_next),
            (0, inbox, uid(3))
        );
        assert!(
            store.mailbox("alice", "INBOX/keep").is_ok(),
            "INBOX's inferiors stay"
        );
        let kinds: Vec<_> = store
            .changes_since(seq)
            .unwrap()
            .map(|c| (c.mailbox.to_string(), c.kind.clone()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("old".into(), ChangeKind::MailboxCreated),
                ("old/mail".into(), ChangeKind::MailboxCreated),
                ("INBOX".into(), ChangeKind::Expunged { uid: uid(1) }),
                ("INBOX".into(), ChangeKind::Expunged { uid: uid(2) }),
            ]
        );
        assert_eq!(
            deliver(&mut store, "INBOX", "three"),
            uid(3),
            "INBOX's UIDs are not reused"
        );
    }

    #[test]
    fn subscriptions_need_an_existing_name_to_add_and_a_subscribed_one_to_remove() {
        let mut store = store();
        assert_eq!(
            store.subscribe("alice", "Nope"),
            Err(StoreError::NoSuchMailbox(name("Nope")))
        );
        store.unsubscribe("alice", "Junk").unwrap();
        assert_eq!(
            store.unsubscribe("alice", "Junk"),
            Err(StoreError::NotSubscribed(name("Junk")))
        );
        store.subscribe("alice", "Junk").unwrap();
        assert!(
            store
                .subscriptions("alice")
                .unwrap()
                .any(|n| n.as_str() == "Junk")
        );
    }
}
