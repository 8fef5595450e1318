//! RFC 5322 messages and MIME (RFC 2045/2046): parsing views over the exact stored octets,
//! building, encodings, and the ENVELOPE/BODYSTRUCTURE views IMAP needs.
//!
//! Not built yet: it arrives with the messages-and-mailboxes issue (#3). This module will depend
//! on nothing but [`crate::time`].
