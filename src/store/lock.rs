//! The POP3 maildrop lock (RFC 1939 §8): one POP3 session at a time per account.
//!
//! A [`MaildropLock`] is a token, not a guard: it cannot be copied or cloned, only the store makes
//! one, and the session gives it back with [`super::Store::unlock_maildrop`] when it ends (the
//! UPDATE state, or the connection closing). Locks are transient: a snapshot keeps none, since no
//! session survives a reload. Mail delivered while the lock is held still arrives; RFC 1939 §8
//! lets the session ignore it, which is the POP3 module's business.

/// Proof that its holder owns an account's maildrop.
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a maildrop lock must be given back with Store::unlock_maildrop"]
pub struct MaildropLock {
    pub(super) user: String,
}

impl MaildropLock {
    /// The account whose maildrop is locked, as the store spells it.
    pub fn user(&self) -> &str {
        &self.user
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{Store, StoreError};

    #[test]
    fn one_pop3_session_at_a_time_per_maildrop() {
        let mut store = store();
        let lock = store.lock_maildrop("Alice").unwrap();
        assert_eq!(lock.user(), "alice");
        assert_eq!(
            store.lock_maildrop("alice").err(),
            Some(StoreError::Locked("alice".into()))
        );
        assert_eq!(
            StoreError::Locked("alice".into()).response_code(),
            Some("INUSE")
        );
        let bobs = store.lock_maildrop("bob").unwrap();
        // Delivery goes on while the maildrop is locked.
        deliver(&mut store, "INBOX", "new mail");
        store.unlock_maildrop(lock);
        let again = store.lock_maildrop("alice").unwrap();
        assert_eq!(
            store.lock_maildrop("nobody").err(),
            Some(StoreError::NoSuchAccount("nobody".into()))
        );
        // Locks are not part of a snapshot.
        let mut reloaded = Store::from_snapshot(&store.to_snapshot().unwrap()).unwrap();
        assert!(reloaded.lock_maildrop("alice").is_ok());
        store.unlock_maildrop(again);
        store.unlock_maildrop(bobs);
    }
}
