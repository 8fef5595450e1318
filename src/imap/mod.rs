//! IMAP4rev1 (RFC 3501) and the extensions real clients use: command and response types shared
//! by the server and client machines.
//!
//! Only the writer of the message views is here yet ([`body`]: ENVELOPE, BODY, BODYSTRUCTURE);
//! the parser, the formatter and the machines arrive with the IMAP issue (#6). This module
//! depends only on [`crate::store`], [`crate::mail`] and [`crate::time`], never on `net` or
//! `shell`.

pub mod body;
