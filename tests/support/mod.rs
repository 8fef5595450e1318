//! What the protocol machines' property tests share: a watch on a store that, after every step
//! of a random session, checks the store's invariants and that nothing it held was lost or
//! changed behind the protocol's back (issue #10: "never lose a message that was acknowledged,
//! and keep the store's invariants: UIDs increase, sizes match bytes, flags consistent").

#![allow(dead_code, reason = "each test file uses the part it needs")]

use std::collections::HashMap;
use std::sync::Arc;

use maillab::store::Store;

/// What one mailbox looked like at the last step.
struct Seen {
    uid_validity: u32,
    uid_next: u32,
    /// Each message's octets by UID (shared with the store, so keeping them costs nothing).
    messages: HashMap<u32, Arc<[u8]>>,
}

/// Remembers every mailbox of a store between steps.
#[derive(Default)]
pub struct StoreWatch {
    seen: HashMap<(String, String), Seen>,
}

impl StoreWatch {
    pub fn new(store: &Store) -> Result<StoreWatch, String> {
        let mut watch = StoreWatch::default();
        watch.step(store)?;
        Ok(watch)
    }

    /// Checks `store` against the last step and remembers it. Within one UIDVALIDITY (RFC 3501
    /// §2.3.1.1): UIDNEXT never goes down, a new message's UID is at least the last UIDNEXT,
    /// and a message that is still there has the very same octets (messages are immutable;
    /// RFC822.SIZE and POP3 sizes are these octets' length).
    pub fn step(&mut self, store: &Store) -> Result<(), String> {
        store.check()?;
        for user in store.accounts() {
            let infos = store.mailboxes(user).map_err(|e| e.to_string())?;
            for info in infos.iter().filter(|i| !i.noselect) {
                let name = info.name.to_string();
                let mailbox = store.mailbox(user, &name).map_err(|e| e.to_string())?;
                let now = Seen {
                    uid_validity: mailbox.uid_validity().get(),
                    uid_next: mailbox.uid_next().get(),
                    messages: mailbox
                        .messages()
                        .iter()
                        .map(|m| (m.uid().get(), Arc::clone(m.raw())))
                        .collect(),
                };
                let key = (user.to_string(), name);
                if let Some(before) = self.seen.get(&key)
                    && before.uid_validity == now.uid_validity
                {
                    let at = format!("{}/{}", key.0, key.1);
                    if now.uid_next < before.uid_next {
                        return Err(format!(
                            "{at}: UIDNEXT went down from {} to {}",
                            before.uid_next, now.uid_next
                        ));
                    }
                    for (uid, raw) in &now.messages {
                        match before.messages.get(uid) {
                            Some(old) if old != raw => {
                                return Err(format!("{at}: message UID {uid} changed its octets"));
                            }
                            None if *uid < before.uid_next => {
                                return Err(format!(
                                    "{at}: UID {uid} appeared below the last UIDNEXT {}",
                                    before.uid_next
                                ));
                            }
                            _ => {}
                        }
                    }
                }
                self.seen.insert(key, now);
            }
        }
        Ok(())
    }
}
