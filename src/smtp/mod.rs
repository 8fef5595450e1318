//! SMTP (RFC 5321 and its extensions): command and reply types shared by the server and client
//! machines.
//!
//! Not built yet: it arrives with the SMTP issue (#4). It will depend only on
//! [`crate::store`], [`crate::mail`] and [`crate::time`], never on `net` or `shell`.
