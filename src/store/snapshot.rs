//! Saving a store as JSON and loading it back.
//!
//! The format: `{"version": 1, "store": {...}}`, with each message's octets as a base64 string
//! and instants as milliseconds since the Unix epoch. Loading checks the version first, then
//! the shape, then every invariant the store relies on (see [`check`]), and says what is wrong
//! instead of panicking. What a snapshot leaves out is transient: the change feed and the POP3
//! locks belong to sessions, and no session survives a reload.
//!
//! Messages copied between mailboxes share their octets in memory, but a snapshot writes each
//! copy out and a loaded store holds them separately.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::account::Entry;
use super::{
    MAX_KEYWORDS, MailboxName, State, Store, claims_collide, cmp_ignoring_case, is_local_part,
};

/// The snapshot format this build writes.
pub const SNAPSHOT_VERSION: u32 = 1;

/// Why a snapshot could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// Not JSON, or not shaped like a snapshot: serde's own message.
    Malformed(String),
    /// Written by a newer build than this one.
    TooNew { found: u64, supported: u32 },
    /// A version older than any this build can read.
    TooOld { found: u64 },
    /// Well-formed, but the data breaks an invariant of the store.
    Invariant(String),
    /// The store could not be written as JSON.
    Unwritable(String),
}

impl std::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SnapshotError::Malformed(why) => write!(f, "This is not a Mail Lab snapshot: {why}."),
            SnapshotError::TooNew { found, supported } => write!(
                f,
                "This snapshot has format version {found}, newer than this build understands ({supported})."
            ),
            SnapshotError::TooOld { found } => {
                write!(
                    f,
                    "This snapshot has format version {found}, older than any this build reads."
                )
            }
            SnapshotError::Invariant(why) => write!(f, "This snapshot is inconsistent: {why}."),
            SnapshotError::Unwritable(why) => write!(f, "The store could not be saved: {why}."),
        }
    }
}

impl std::error::Error for SnapshotError {}

#[derive(Serialize)]
struct Saved<'a> {
    version: u32,
    store: &'a State,
}

#[derive(Deserialize)]
struct Version {
    version: u64,
}

#[derive(Deserialize)]
struct SavedV1 {
    store: State,
}

impl Store {
    /// The persistent state as JSON (see the module doc for the format). Serialization cannot
    /// fail for this state (every map key is a string), but the error is passed on, not assumed.
    pub fn to_snapshot(&self) -> Result<String, SnapshotError> {
        let saved = Saved {
            version: SNAPSHOT_VERSION,
            store: &self.state,
        };
        serde_json::to_string(&saved).map_err(|e| SnapshotError::Unwritable(e.to_string()))
    }

    /// A store from a snapshot, with an empty change feed and no maildrop locks.
    pub fn from_snapshot(json: &str) -> Result<Store, SnapshotError> {
        let malformed = |e: serde_json::Error| SnapshotError::Malformed(e.to_string());
        let Version { version } = serde_json::from_str(json).map_err(malformed)?;
        // Each format this build reads has an arm; an old one is read, then migrated forward
        // step by step. Version 1 is the first, so there is nothing to migrate yet.
        let mut state = match version {
            1 => {
                serde_json::from_str::<SavedV1>(json)
                    .map_err(malformed)?
                    .store
            }
            v if v > u64::from(SNAPSHOT_VERSION) => {
                return Err(SnapshotError::TooNew {
                    found: v,
                    supported: SNAPSHOT_VERSION,
                });
            }
            v => return Err(SnapshotError::TooOld { found: v }),
        };
        state
            .accounts
            .sort_by(|a, b| cmp_ignoring_case(&a.name, &b.name));
        check(&state).map_err(SnapshotError::Invariant)?;
        Ok(Store::from_state(state))
    }
}

/// Every invariant the store's code relies on, with a sentence saying which one is broken.
/// `state.accounts` must already be sorted.
pub(super) fn check(state: &State) -> Result<(), String> {
    for pair in state.accounts.windows(2) {
        if let [a, b] = pair
            && a.name.eq_ignore_ascii_case(&b.name)
        {
            return Err(format!("two accounts are named {:?}", a.name));
        }
    }
    for (i, account) in state.accounts.iter().enumerate() {
        let who = &account.name;
        if !is_local_part(who) {
            return Err(format!("{who:?} is not a valid account name"));
        }
        for other in state.accounts.iter().skip(i + 1) {
            for (mine, theirs) in account
                .claims()
                .flat_map(|c| other.claims().map(move |o| (c, o)))
            {
                if claims_collide(mine, theirs) {
                    return Err(format!(
                        "accounts {who:?} and {:?} both claim {mine:?}",
                        other.name
                    ));
                }
            }
        }
        if !matches!(
            account.mailboxes.get(&MailboxName::inbox()),
            Some(Entry::Mailbox(_))
        ) {
            return Err(format!("account {who:?} has no selectable INBOX"));
        }
        for (name, entry) in &account.mailboxes {
            if let Some(superior) = name
                .superiors()
                .find(|s| !account.mailboxes.contains_key(s))
            {
                return Err(format!(
                    "account {who:?}: mailbox {name:?} has no superior {superior:?}"
                ));
            }
            if let Entry::Mailbox(mailbox) = entry {
                check_mailbox(state, mailbox)
                    .map_err(|e| format!("account {who:?}, mailbox {name:?}: {e}"))?;
            }
        }
    }
    Ok(())
}

fn check_mailbox(state: &State, mailbox: &super::Mailbox) -> Result<(), String> {
    if mailbox.uid_validity.get() >= state.next_uid_validity.0.get() {
        return Err(format!(
            "UIDVALIDITY {} was not handed out yet (the next is {})",
            mailbox.uid_validity, state.next_uid_validity.0
        ));
    }
    if mailbox.recent_floor > mailbox.uid_next {
        return Err(format!(
            "the recent floor {} is above UIDNEXT",
            mailbox.recent_floor
        ));
    }
    if mailbox.keywords.len() > MAX_KEYWORDS {
        return Err(format!("more than {MAX_KEYWORDS} keywords"));
    }
    let mut previous = None;
    for message in &mailbox.messages {
        let uid = message.uid;
        if previous.is_some_and(|p| p >= uid) {
            return Err(format!("UID {uid} does not come after the UID before it"));
        }
        if uid >= mailbox.uid_next {
            return Err(format!(
                "UID {uid} is not below UIDNEXT {}",
                mailbox.uid_next
            ));
        }
        if let Some(k) = message
            .keywords
            .iter()
            .find(|k| !mailbox.keywords.contains(*k))
        {
            return Err(format!(
                "message {uid} has keyword {k} that the mailbox does not define"
            ));
        }
        previous = Some(uid);
    }
    Ok(())
}

/// Serde helpers: octets as a base64 string.
pub(super) mod base64_octets {
    use super::Arc;
    use crate::base64::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(raw: &Arc<[u8]>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(raw))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<[u8]>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD
            .decode(text.as_bytes())
            .map(Arc::from)
            .ok_or_else(|| D::Error::custom("octets that are not base64"))
    }
}

/// Serde helpers: an [`Instant`](crate::time::Instant) as milliseconds since the Unix epoch.
pub(super) mod unix_millis {
    use crate::time::Instant;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &Instant, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(at.unix_millis())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Instant, D::Error> {
        u64::deserialize(d).map(Instant::from_unix_millis)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::testing::*;
    use super::super::{FlagOp, Flags, Keyword};
    use super::*;

    /// A store with a bit of everything a snapshot must keep.
    pub(super) fn rich_store() -> Store {
        let mut store = store();
        store.set_max_message_size(1 << 20);
        deliver(&mut store, "INBOX", "Subject: one\r\n\r\n\u{e9}t\u{e9}\r\n");
        deliver(&mut store, "INBOX", "two");
        let work = [Keyword::new("Work").unwrap()];
        store
            .set_flags(
                ME,
                "alice",
                "INBOX",
                &uids(&[1]),
                FlagOp::Add,
                Flags::SEEN,
                &work,
            )
            .unwrap();
        store.claim_recent("alice", "INBOX").unwrap();
        deliver(&mut store, "INBOX", "three");
        store
            .copy(ME, "alice", "INBOX", &uids(&[1, 3]), "Archive")
            .unwrap();
        store.create_mailbox(ME, "alice", "Lists/rust").unwrap();
        store.delete_mailbox(ME, "alice", "Lists").unwrap();
        store.unsubscribe("alice", "Junk").unwrap();
        store
            .append(
                ME,
                "bob",
                "Drafts",
                vec![0, 159, 255],
                Flags::DRAFT,
                &[],
                at(9),
            )
            .unwrap();
        store
    }

    fn load(value: &Value) -> Result<Store, SnapshotError> {
        Store::from_snapshot(&value.to_string())
    }

    fn invariant(value: &Value) -> String {
        match load(value) {
            Err(SnapshotError::Invariant(why)) => why,
            other => panic!("expected an invariant error, got {other:?}"),
        }
    }

    #[test]
    fn a_snapshot_loads_back_equal_with_a_fresh_feed() {
        let store = rich_store();
        let json = store.to_snapshot().unwrap();
        assert!(json.starts_with(r#"{"version":1,"store":{"#), "{json}");
        assert!(
            json.contains(r#""raw":"AJ//""#),
            "octets are base64: {json}"
        );
        let loaded = Store::from_snapshot(&json).unwrap();
        assert_eq!(loaded, store);
        assert_eq!(loaded.to_snapshot().unwrap(), json);
        assert_eq!(loaded.current_seq(), 0);
        assert!(
            loaded
                .changes_since(0)
                .is_ok_and(|mut c| c.next().is_none())
        );
    }

    #[test]
    fn uids_are_not_reused_after_a_reload() {
        let mut store = rich_store();
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
        store.expunge(ME, "alice", "INBOX", None).unwrap();
        let mut store = Store::from_snapshot(&store.to_snapshot().unwrap()).unwrap();
        assert_eq!(deliver(&mut store, "INBOX", "four"), uid(4));
        assert_eq!(
            store.status("alice", "INBOX").unwrap().recent,
            1,
            "the recent floor is kept"
        );
        store.create_mailbox(ME, "alice", "fresh").unwrap();
        let newest = store.mailbox("alice", "fresh").unwrap().uid_validity();
        assert!(store.mailbox("bob", "Archive").unwrap().uid_validity() < newest);
    }

    #[test]
    fn what_is_not_a_snapshot_is_malformed() {
        let good: Value = serde_json::from_str(&rich_store().to_snapshot().unwrap()).unwrap();
        let malformed =
            |text: &str| matches!(Store::from_snapshot(text), Err(SnapshotError::Malformed(_)));
        for text in [
            "",
            "not json",
            "[]",
            "{}",
            r#"{"version":"1"}"#,
            r#"{"version":1}"#,
            r#"{"version":1,"store":[]}"#,
        ] {
            assert!(malformed(text), "{text:?}");
        }
        let mut bad = good.clone();
        bad["store"]["accounts"][0]["mailboxes"]["INBOX"]["mailbox"]["messages"][0]["raw"] =
            json!("!!");
        assert!(matches!(load(&bad), Err(SnapshotError::Malformed(m)) if m.contains("not base64")));
        let mut zero = good.clone();
        zero["store"]["accounts"][0]["mailboxes"]["INBOX"]["mailbox"]["messages"][0]["uid"] =
            json!(0);
        assert!(matches!(load(&zero), Err(SnapshotError::Malformed(_))));
        let mut name = good;
        let mailboxes = name["store"]["accounts"][0]["mailboxes"]
            .as_object_mut()
            .unwrap();
        let inbox = mailboxes.remove("INBOX").unwrap();
        name["store"]["accounts"][0]["mailboxes"]["a//b"] = inbox;
        let err = load(&name).err();
        assert!(
            matches!(&err, Some(SnapshotError::Malformed(m)) if m.contains("empty level")),
            "{err:?}"
        );
    }

    #[test]
    fn other_versions_are_refused_by_name() {
        let mut value: Value = serde_json::from_str(&rich_store().to_snapshot().unwrap()).unwrap();
        value["version"] = json!(2);
        assert_eq!(
            load(&value).err(),
            Some(SnapshotError::TooNew {
                found: 2,
                supported: 1
            })
        );
        value["version"] = json!(0);
        assert_eq!(load(&value).err(), Some(SnapshotError::TooOld { found: 0 }));
        let message = SnapshotError::TooNew {
            found: 2,
            supported: 1,
        }
        .to_string();
        assert!(message.contains("newer than this build"), "{message}");
    }

    #[test]
    fn broken_invariants_say_which() {
        let good: Value = serde_json::from_str(&rich_store().to_snapshot().unwrap()).unwrap();
        let inbox = "/store/accounts/0/mailboxes/INBOX/mailbox";
        let edit = |pointer: &str, new: Value| {
            let mut value = good.clone();
            *value.pointer_mut(pointer).unwrap() = new;
            value
        };
        let why = invariant(&edit(&format!("{inbox}/uid_next"), json!(3)));
        assert!(why.contains("UID 3 is not below UIDNEXT 3"), "{why}");
        let why = invariant(&edit(&format!("{inbox}/messages/1/uid"), json!(1)));
        assert!(why.contains("does not come after"), "{why}");
        let why = invariant(&edit(&format!("{inbox}/messages/1/uid"), json!(3)));
        assert!(why.contains("does not come after"), "{why}");
        let why = invariant(&edit(&format!("{inbox}/recent_floor"), json!(9)));
        assert!(why.contains("recent floor"), "{why}");
        let why = invariant(&edit(&format!("{inbox}/keywords"), json!([])));
        assert!(why.contains("does not define"), "{why}");
        let why = invariant(&edit(&format!("{inbox}/uid_validity"), json!(999)));
        assert!(why.contains("not handed out"), "{why}");
        let why = invariant(&edit(
            "/store/accounts/0/mailboxes/INBOX",
            json!("noselect"),
        ));
        assert!(why.contains("no selectable INBOX"), "{why}");
        let mut no_superior = good.clone();
        no_superior["store"]["accounts"][0]["mailboxes"]
            .as_object_mut()
            .unwrap()
            .remove("Lists");
        let why = invariant(&no_superior);
        assert!(why.contains("no superior \"Lists\""), "{why}");
        let mut twins = good.clone();
        let mut alice = twins["store"]["accounts"][0].clone();
        alice["name"] = json!("ALICE");
        alice["addresses"] = json!([]);
        twins["store"]["accounts"]
            .as_array_mut()
            .unwrap()
            .push(alice);
        assert!(invariant(&twins).contains("two accounts are named"));
        let mut clash = good.clone();
        clash["store"]["accounts"][1]["addresses"] = json!(["postmaster"]);
        assert!(invariant(&clash).contains("both claim"));
        let shown = SnapshotError::Invariant("x".into()).to_string();
        assert_eq!(shown, "This snapshot is inconsistent: x.");
    }
}

/// Property tests: random operation sequences, and damaged input. Native only (see Cargo.toml).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::super::testing::*;
    use super::super::{FlagOp, Flags, Keyword, Origin, Uid, UidValidity};
    use super::tests::rich_store;
    use super::*;

    const NAMES: [&str; 8] = ["INBOX", "a", "a/b", "b", "Sent", "c/d/e", "inbox/x", "c"];

    #[derive(Clone, Debug)]
    enum Op {
        Deliver(usize, usize),
        Append(usize, u8, bool),
        SetFlags(usize, Vec<u32>, u8, u8, bool),
        Copy(usize, usize, Vec<u32>),
        Move(usize, usize, Vec<u32>),
        Expunge(usize, Option<Vec<u32>>),
        Claim(usize),
        Create(usize),
        Delete(usize),
        Rename(usize, usize),
        Reload,
    }

    fn op() -> impl Strategy<Value = Op> {
        let mailbox = 0..NAMES.len();
        let uids = || prop::collection::vec(0u32..12, 0..4);
        prop_oneof![
            (mailbox.clone(), 0usize..40).prop_map(|(m, n)| Op::Deliver(m, n)),
            (mailbox.clone(), any::<u8>(), any::<bool>()).prop_map(|(m, f, k)| Op::Append(m, f, k)),
            (mailbox.clone(), uids(), 0u8..3, any::<u8>(), any::<bool>())
                .prop_map(|(m, u, o, f, k)| Op::SetFlags(m, u, o, f, k)),
            (mailbox.clone(), mailbox.clone(), uids()).prop_map(|(a, b, u)| Op::Copy(a, b, u)),
            (mailbox.clone(), mailbox.clone(), uids()).prop_map(|(a, b, u)| Op::Move(a, b, u)),
            (mailbox.clone(), prop::option::of(uids())).prop_map(|(m, u)| Op::Expunge(m, u)),
            mailbox.clone().prop_map(Op::Claim),
            mailbox.clone().prop_map(Op::Create),
            mailbox.clone().prop_map(Op::Delete),
            (mailbox.clone(), mailbox).prop_map(|(a, b)| Op::Rename(a, b)),
            Just(Op::Reload),
        ]
    }

    fn apply(store: &mut Store, op: Op) {
        let ids = |u: &[u32]| u.iter().filter_map(|&n| Uid::new(n)).collect::<Vec<_>>();
        let flags = |bits: u8| {
            let all = [
                Flags::SEEN,
                Flags::ANSWERED,
                Flags::FLAGGED,
                Flags::DELETED,
                Flags::DRAFT,
            ];
            all.into_iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .fold(Flags::NONE, |s, (_, f)| s | f)
        };
        let words = |on: bool| {
            if on {
                vec![Keyword::new("work").unwrap()]
            } else {
                vec![]
            }
        };
        let o = Origin(1);
        let _ = match op {
            Op::Deliver(m, n) => store
                .deliver(o, "alice", NAMES[m], vec![b'x'; n], at(1))
                .map(drop),
            Op::Append(m, f, k) => store
                .append(
                    o,
                    "alice",
                    NAMES[m],
                    b"y".as_slice(),
                    flags(f),
                    &words(k),
                    at(2),
                )
                .map(drop),
            Op::SetFlags(m, u, op, f, k) => {
                let op = [FlagOp::Replace, FlagOp::Add, FlagOp::Remove][usize::from(op)];
                store
                    .set_flags(o, "alice", NAMES[m], &ids(&u), op, flags(f), &words(k))
                    .map(drop)
            }
            Op::Copy(a, b, u) => store
                .copy(o, "alice", NAMES[a], &ids(&u), NAMES[b])
                .map(drop),
            Op::Move(a, b, u) => store
                .move_messages(o, "alice", NAMES[a], &ids(&u), NAMES[b])
                .map(drop),
            Op::Expunge(m, u) => store
                .expunge(o, "alice", NAMES[m], u.as_deref().map(ids).as_deref())
                .map(drop),
            Op::Claim(m) => store.claim_recent("alice", NAMES[m]).map(drop),
            Op::Create(m) => store.create_mailbox(o, "alice", NAMES[m]),
            Op::Delete(m) => store.delete_mailbox(o, "alice", NAMES[m]),
            Op::Rename(a, b) => store.rename_mailbox(o, "alice", NAMES[a], NAMES[b]),
            Op::Reload => {
                let reloaded = Store::from_snapshot(&store.to_snapshot().unwrap()).unwrap();
                assert_eq!(&reloaded, store);
                *store = reloaded;
                Ok(())
            }
        };
    }

    proptest! {
        #[test]
        fn any_sequence_of_operations_keeps_the_invariants(ops in prop::collection::vec(op(), 1..40)) {
            let mut store = store();
            // For each (mailbox name, UIDVALIDITY), the highest UIDNEXT seen: it must never drop.
            let mut uid_next: BTreeMap<(String, UidValidity), Uid> = BTreeMap::new();
            for op in ops {
                apply(&mut store, op);
                prop_assert_eq!(check(&store.state), Ok(()));
                for info in store.mailboxes("alice").unwrap().into_iter().filter(|i| !i.noselect) {
                    let mailbox = store.mailbox("alice", info.name.as_str()).unwrap();
                    let status = mailbox.status();
                    let messages = mailbox.messages();
                    prop_assert_eq!(status.messages as usize, messages.len());
                    prop_assert_eq!(status.size, messages.iter().map(|m| m.raw().len() as u64).sum::<u64>());
                    prop_assert!(messages.iter().all(|m| m.size() == m.raw().len()));
                    let unseen = messages.iter().filter(|m| !m.flags().contains(Flags::SEEN)).count();
                    prop_assert_eq!(status.unseen as usize, unseen);
                    prop_assert!(status.recent <= status.messages);
                    let key = (info.name.to_string(), status.uid_validity);
                    let before = uid_next.insert(key, status.uid_next);
                    prop_assert!(before.is_none_or(|b| b <= status.uid_next), "UIDNEXT went down");
                }
            }
        }

        #[test]
        fn no_text_makes_loading_panic(text in ".{0,200}") {
            let _ = Store::from_snapshot(&text);
        }

        #[test]
        fn no_damaged_snapshot_makes_loading_panic(at in 0usize..4000, byte in 32u8..127) {
            let mut json = rich_store().to_snapshot().unwrap().into_bytes();
            let at = at % json.len();
            json[at] = byte;
            if let Ok(text) = String::from_utf8(json) {
                let _ = Store::from_snapshot(&text);
            }
        }
    }
}
