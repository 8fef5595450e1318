//! POP3 (RFC 1939, RFC 2449): command and response types shared by the server and client
//! machines.
//!
//! Not built yet: it arrives with the POP3 issue (#5). It will depend only on [`crate::store`],
//! [`crate::mail`] and [`crate::time`], never on `net` or `shell`.
