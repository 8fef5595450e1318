//! IMAP4rev1 (RFC 3501) and the extensions real clients use: command and response types shared
//! by the server and client machines.
//!
//! Not built yet: it arrives with the IMAP issue (#6). It will depend only on [`crate::store`],
//! [`crate::mail`] and [`crate::time`], never on `net` or `shell`.
