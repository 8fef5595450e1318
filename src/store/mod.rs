//! The mail store of one host: accounts, mailboxes, messages, UIDs, flags, the change feed.
//!
//! Not built yet: it arrives with the messages-and-mailboxes issue (#3). It will depend only on
//! [`crate::mail`] and [`crate::time`].
