//! The protocols' reference card: each command of SMTP, POP3 and IMAP with its syntax, a line
//! of explanation and the RFC section that defines it, and the replies a server gives, explained
//! (SMTP's reply codes, POP3's `+OK`/`-ERR` and response codes, IMAP's OK/NO/BAD and response
//! codes) — the seed slides' "click here to view SMTP codes".
//!
//! One place for this knowledge: the page's Reference panel draws these tables and the shell may
//! quote them. Sections are cited as the RFCs in `../shared/rfc/` number them; RFC 3206, 3463,
//! 3691, 4954 and 5034 are not in that folder, and are cited from their published texts.
//!
//! Invariants: static data only (no allocation to read it); every entry names an RFC section;
//! knows nothing of the machines (it describes the protocols, the machines implement them).

/// One row of the card: a command (`name` is its verb, `syntax` how it is typed) or a reply
/// (`name` is the code or status, `syntax` an example line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: &'static str,
    pub syntax: &'static str,
    /// What it does or means, in one line.
    pub what: &'static str,
    /// Where it is defined: `RFC 5321 §4.1.1.1`.
    pub rfc: &'static str,
}

impl Entry {
    /// Whether `query` (ASCII case ignored) occurs in the name, the syntax or the explanation;
    /// an empty query matches everything.
    pub fn matches(&self, query: &str) -> bool {
        let query = query.trim();
        query.is_empty()
            || [self.name, self.syntax, self.what, self.rfc]
                .iter()
                .any(|field| contains_ignoring_case(field, query))
    }
}

fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.len() <= h.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// One protocol's part of the card.
#[derive(Debug)]
pub struct Protocol {
    pub name: &'static str,
    /// The defining RFC.
    pub rfc: &'static str,
    /// The commands, as a `table!` (read them with [`Protocol::commands`]).
    commands: &'static str,
    /// How to read its replies, in one line.
    pub replies_intro: &'static str,
    /// The replies, as a `table!` (read them with [`Protocol::replies`]).
    replies: &'static str,
}

impl Protocol {
    /// The commands, in order.
    pub fn commands(&self) -> impl Iterator<Item = Entry> + Clone {
        entries(self.commands)
    }

    /// The replies, in order.
    pub fn replies(&self) -> impl Iterator<Item = Entry> + Clone {
        entries(self.replies)
    }

    /// The command called `verb` (ASCII case ignored).
    pub fn command(&self, verb: &str) -> Option<Entry> {
        self.commands().find(|e| e.name.eq_ignore_ascii_case(verb))
    }
}

/// A table of entries as one string, a line per entry and its four fields separated by tabs:
/// one string takes far less room in the page than an array of four string references each.
macro_rules! table {
    ($(e($name:literal, $syntax:literal, $what:literal, $rfc:literal)),* $(,)?) => {
        concat!($($name, "\t", $syntax, "\t", $what, "\t", $rfc, "\n"),*)
    };
}

/// The entries of a `table!`, in order.
fn entries(table: &'static str) -> impl Iterator<Item = Entry> + Clone {
    table.lines().map(|line| {
        let mut fields = line.split('\t');
        let mut next = || fields.next().unwrap_or_default();
        Entry {
            name: next(),
            syntax: next(),
            what: next(),
            rfc: next(),
        }
    })
}

/// The three protocols, in the order mail travels: sent with SMTP, read with POP3 or IMAP.
pub static PROTOCOLS: [Protocol; 3] = [SMTP, POP3, IMAP];

/// The protocol called `name` (ASCII case ignored).
pub fn protocol(name: &str) -> Option<&'static Protocol> {
    PROTOCOLS.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

#[rustfmt::skip]
pub const SMTP: Protocol = Protocol {
    name: "SMTP",
    rfc: "RFC 5321",
    commands: table![
        e("EHLO", "EHLO domain", "Opens the session and asks for the server's extensions, one 250- line each.", "RFC 5321 §4.1.1.1"),
        e("HELO", "HELO domain", "Opens the session the original way, without extensions.", "RFC 5321 §4.1.1.1"),
        e("AUTH", "AUTH PLAIN base64(\\0user\\0password)", "Logs in; the submission port (587) wants it before MAIL.", "RFC 4954 §4"),
        e("MAIL", "MAIL FROM:<alice@crepes.fr> [SIZE=n] [BODY=8BITMIME]", "Starts a message and names the envelope sender, where bounces go.", "RFC 5321 §4.1.1.2"),
        e("RCPT", "RCPT TO:<bob@hamburger.edu>", "Adds one envelope recipient; repeat it for each.", "RFC 5321 §4.1.1.3"),
        e("DATA", "DATA", "After 354 comes the message: header fields, a blank line, the body, and a line with a single dot.", "RFC 5321 §4.1.1.4"),
        e("BDAT", "BDAT size [LAST]", "Sends the message in chunks of exactly size octets, with no dot-stuffing (CHUNKING).", "RFC 3030 §2"),
        e("RSET", "RSET", "Abandons the message begun; the session stays open.", "RFC 5321 §4.1.1.5"),
        e("VRFY", "VRFY bob", "Asks whether a user exists; this lab answers 252 and never tells.", "RFC 5321 §4.1.1.6"),
        e("EXPN", "EXPN list", "Asks for a mailing list's members; also answered 252.", "RFC 5321 §4.1.1.7"),
        e("HELP", "HELP [topic]", "Asks for help text (214).", "RFC 5321 §4.1.1.8"),
        e("NOOP", "NOOP", "Does nothing; the server answers 250.", "RFC 5321 §4.1.1.9"),
        e("QUIT", "QUIT", "Ends the session: 221, then the server closes the connection.", "RFC 5321 §4.1.1.10"),
    ],
    replies_intro: "Three digits: the first says how it went, the second what it is about. \
                    Servers with ENHANCEDSTATUSCODES add a class.subject.detail code (5.1.1).",
    replies: table![
        e("2yz", "250 OK", "Positive completion: done; send the next command.", "RFC 5321 §4.2.1"),
        e("3yz", "354 Start mail input", "Positive intermediate: go on (the message after 354, the next AUTH step after 334).", "RFC 5321 §4.2.1"),
        e("4yz", "451 try again later", "Transient failure: not now; the same command may work later. A relay retries.", "RFC 5321 §4.2.1"),
        e("5yz", "550 no such user", "Permanent failure: do not repeat it. A relay gives up and bounces.", "RFC 5321 §4.2.1"),
        e("214", "214 Commands: …", "Help text.", "RFC 5321 §4.2.3"),
        e("220", "220 mail.hamburger.edu ESMTP ready", "The greeting: the service is ready.", "RFC 5321 §4.2.3"),
        e("221", "221 2.0.0 closing", "Goodbye: the server closes the connection.", "RFC 5321 §4.2.3"),
        e("235", "235 2.7.0 Authentication successful", "AUTH succeeded.", "RFC 4954 §6"),
        e("250", "250 2.0.0 OK: queued as 9D33", "Done. After the final dot: the message is stored or queued.", "RFC 5321 §4.2.3"),
        e("251", "251 User not local; will forward", "Accepted for someone elsewhere.", "RFC 5321 §4.2.3"),
        e("252", "252 Cannot VRFY user", "Will not confirm the user, but will accept mail for them.", "RFC 5321 §4.2.3"),
        e("334", "334 (base64 challenge)", "AUTH continues: send the next base64 line, or * to cancel.", "RFC 4954 §4"),
        e("354", "354 Start mail input; end with <CRLF>.<CRLF>", "Send the message now.", "RFC 5321 §4.2.3"),
        e("421", "421 4.4.2 timeout, closing", "Service not available: the server is closing the connection.", "RFC 5321 §4.2.3"),
        e("450", "450 mailbox busy", "Mailbox unavailable for now.", "RFC 5321 §4.2.3"),
        e("451", "451 local error", "Aborted by an error on the server; try later.", "RFC 5321 §4.2.3"),
        e("452", "452 4.5.3 too many recipients", "Not enough room, or too many recipients for now.", "RFC 5321 §4.2.3"),
        e("455", "455 parameters", "Cannot accommodate the parameters now.", "RFC 5321 §4.2.3"),
        e("500", "500 5.5.2 Syntax error", "Command not recognized, or the line is too long.", "RFC 5321 §4.2.3"),
        e("501", "501 5.5.4 bad address", "Syntax error in the arguments.", "RFC 5321 §4.2.3"),
        e("502", "502 not implemented", "Command not implemented.", "RFC 5321 §4.2.3"),
        e("503", "503 5.5.1 need RCPT first", "Bad sequence of commands (DATA before RCPT, MAIL twice).", "RFC 5321 §4.2.3"),
        e("504", "504 parameter not implemented", "Command parameter not implemented.", "RFC 5321 §4.2.3"),
        e("530", "530 5.7.0 Authentication required", "Log in first (the submission port).", "RFC 4954 §6"),
        e("535", "535 5.7.8 credentials invalid", "Wrong user name or password.", "RFC 4954 §6"),
        e("550", "550 5.1.1 no such user", "Mailbox unavailable: no such user, or relaying refused.", "RFC 5321 §4.2.3"),
        e("552", "552 5.3.4 too big", "Exceeded the storage allowed: the message is too big.", "RFC 5321 §4.2.3"),
        e("553", "553 mailbox name not allowed", "The address is not acceptable.", "RFC 5321 §4.2.3"),
        e("554", "554 5.6.0 8-bit content", "Transaction failed (as a greeting: no SMTP service here).", "RFC 5321 §4.2.3"),
        e("555", "555 5.5.4 unknown parameter", "A MAIL FROM or RCPT TO parameter is not recognized.", "RFC 5321 §4.2.3"),
        e("x.y.z", "550 5.1.1 …", "Enhanced status code after the reply code: class (2, 4, 5), subject (1 address, 5 protocol, 7 security), detail.", "RFC 2034 §4"),
    ],
};

#[rustfmt::skip]
pub const POP3: Protocol = Protocol {
    name: "POP3",
    rfc: "RFC 1939",
    commands: table![
        e("USER", "USER bob", "Names the mailbox to log in to (AUTHORIZATION).", "RFC 1939 §7"),
        e("PASS", "PASS hungry", "Gives the password after USER; +OK locks the maildrop (TRANSACTION).", "RFC 1939 §7"),
        e("APOP", "APOP bob md5-digest", "Logs in with MD5(greeting timestamp + password); the password never crosses.", "RFC 1939 §7"),
        e("AUTH", "AUTH PLAIN [initial-response]", "Logs in with a SASL mechanism.", "RFC 5034 §4"),
        e("CAPA", "CAPA", "Lists the server's capabilities, one a line, ending with a dot.", "RFC 2449 §5"),
        e("STAT", "STAT", "Counts the messages and their octets: +OK 2 1410.", "RFC 1939 §5"),
        e("LIST", "LIST [n]", "Each message's number and size (or one message's).", "RFC 1939 §5"),
        e("RETR", "RETR n", "Sends message n, dot-stuffed, ending with a line with a single dot.", "RFC 1939 §5"),
        e("DELE", "DELE n", "Marks message n deleted; it goes at QUIT, not before.", "RFC 1939 §5"),
        e("NOOP", "NOOP", "Does nothing; answers +OK.", "RFC 1939 §5"),
        e("RSET", "RSET", "Unmarks every message marked deleted.", "RFC 1939 §5"),
        e("TOP", "TOP n lines", "Sends message n's header and its first lines of body.", "RFC 1939 §7"),
        e("UIDL", "UIDL [n]", "Each message's unique id, stable across sessions.", "RFC 1939 §7"),
        e("QUIT", "QUIT", "In AUTHORIZATION: just goodbye. In TRANSACTION: enter UPDATE, remove the messages marked deleted, close.", "RFC 1939 §4, §6"),
    ],
    replies_intro: "Every reply starts +OK or -ERR; a multi-line reply ends with a line with a \
                    single dot. A response code in brackets after -ERR says why, for programs.",
    replies: table![
        e("+OK", "+OK maildrop locked and ready", "Success; what follows is for people (or a count, as STAT's).", "RFC 1939 §3"),
        e("-ERR", "-ERR no such message", "Failure; the session goes on in the same state.", "RFC 1939 §3"),
        e(".", ".", "Ends a multi-line reply (LIST, RETR, CAPA…); a line of the message that starts with a dot gets a second one.", "RFC 1939 §3"),
        e("+", "+ (base64 challenge)", "AUTH continues: send the next base64 line, or * to cancel.", "RFC 5034 §4"),
        e("RESP-CODES", "-ERR [IN-USE] …", "Capability: -ERR replies may carry a bracketed response code.", "RFC 2449 §6.4"),
        e("[IN-USE]", "-ERR [IN-USE] maildrop already locked", "Another session holds the maildrop: QUIT it, then try again.", "RFC 2449 §8.1.2"),
        e("[LOGIN-DELAY]", "-ERR [LOGIN-DELAY] wait", "Logging in again so soon is not allowed.", "RFC 2449 §8.1.1"),
        e("[SYS/TEMP]", "-ERR [SYS/TEMP] try later", "A temporary problem on the server, not the user's fault.", "RFC 3206 §4"),
        e("[SYS/PERM]", "-ERR [SYS/PERM] …", "A lasting problem on the server.", "RFC 3206 §4"),
        e("[AUTH]", "-ERR [AUTH] invalid password", "The credentials were refused.", "RFC 3206 §5"),
    ],
};

#[rustfmt::skip]
pub const IMAP: Protocol = Protocol {
    name: "IMAP",
    rfc: "RFC 3501",
    commands: table![
        e("CAPABILITY", "a1 CAPABILITY", "Lists what the server can do (any state).", "RFC 3501 §6.1.1"),
        e("NOOP", "a1 NOOP", "Does nothing, but the server tells what changed (EXISTS, EXPUNGE, FETCH).", "RFC 3501 §6.1.2"),
        e("LOGOUT", "a1 LOGOUT", "* BYE, then OK, then the server closes.", "RFC 3501 §6.1.3"),
        e("ID", "a1 ID NIL", "Client and server tell each other their names and versions.", "RFC 2971 §3.1"),
        e("LOGIN", "a1 LOGIN bob hungry", "Logs in with a user name and a password (not authenticated → authenticated).", "RFC 3501 §6.2.3"),
        e("AUTHENTICATE", "a1 AUTHENTICATE PLAIN [initial-response]", "Logs in with a SASL mechanism; + asks for each step.", "RFC 3501 §6.2.2"),
        e("ENABLE", "a1 ENABLE extension", "Turns on an extension that changes how the server talks.", "RFC 5161 §3.1"),
        e("SELECT", "a2 SELECT INBOX", "Opens a mailbox read-write (authenticated → selected): FLAGS, EXISTS, RECENT, UIDVALIDITY…", "RFC 3501 §6.3.1"),
        e("EXAMINE", "a2 EXAMINE INBOX", "Opens a mailbox read-only.", "RFC 3501 §6.3.2"),
        e("CREATE", "a3 CREATE Archive", "Makes a mailbox.", "RFC 3501 §6.3.3"),
        e("DELETE", "a3 DELETE Archive", "Removes a mailbox and its messages.", "RFC 3501 §6.3.4"),
        e("RENAME", "a3 RENAME Old New", "Renames a mailbox (INBOX: moves its messages).", "RFC 3501 §6.3.5"),
        e("SUBSCRIBE", "a3 SUBSCRIBE Archive", "Adds a mailbox to the subscribed list (LSUB).", "RFC 3501 §6.3.6"),
        e("UNSUBSCRIBE", "a3 UNSUBSCRIBE Archive", "Takes it off that list.", "RFC 3501 §6.3.7"),
        e("LIST", "a3 LIST \"\" *", "Lists mailboxes matching a pattern (* all levels, % one).", "RFC 3501 §6.3.8"),
        e("LSUB", "a3 LSUB \"\" *", "Lists subscribed mailboxes.", "RFC 3501 §6.3.9"),
        e("STATUS", "a3 STATUS INBOX (MESSAGES UNSEEN UIDNEXT)", "Counts in a mailbox without selecting it.", "RFC 3501 §6.3.10"),
        e("APPEND", "a3 APPEND Sent (\\Seen) {310}", "Adds a message to a mailbox; the literal's octets follow the + reply.", "RFC 3501 §6.3.11"),
        e("NAMESPACE", "a3 NAMESPACE", "Where personal and shared mailboxes live, and the hierarchy separator.", "RFC 2342 §5"),
        e("IDLE", "a4 IDLE … DONE", "Waits for news: the server pushes EXISTS and EXPUNGE at once; DONE ends it.", "RFC 2177 §3"),
        e("CHECK", "a5 CHECK", "Asks for a checkpoint of the mailbox.", "RFC 3501 §6.4.1"),
        e("CLOSE", "a5 CLOSE", "Removes \\Deleted messages silently and leaves the mailbox (→ authenticated).", "RFC 3501 §6.4.2"),
        e("UNSELECT", "a5 UNSELECT", "Leaves the mailbox without removing anything.", "RFC 3691 §2"),
        e("EXPUNGE", "a5 EXPUNGE", "Removes \\Deleted messages; one * n EXPUNGE each, numbers shift down.", "RFC 3501 §6.4.3"),
        e("SEARCH", "a5 SEARCH UNSEEN FROM alice", "Numbers of the messages matching every key.", "RFC 3501 §6.4.4"),
        e("FETCH", "a5 FETCH 1:* (FLAGS ENVELOPE)", "Message data: FLAGS, ENVELOPE, BODY[…], BODYSTRUCTURE, UID, RFC822.SIZE…", "RFC 3501 §6.4.5"),
        e("STORE", "a5 STORE 1 +FLAGS (\\Seen)", "Sets, adds (+) or removes (-) flags.", "RFC 3501 §6.4.6"),
        e("COPY", "a5 COPY 1 Archive", "Copies messages to another mailbox.", "RFC 3501 §6.4.7"),
        e("MOVE", "a5 MOVE 1 Archive", "Moves messages: copy, mark deleted and expunge in one step.", "RFC 6851 §3.1"),
        e("UID", "a5 UID FETCH 4:* FLAGS", "FETCH, SEARCH, STORE, COPY, MOVE by UID instead of sequence number.", "RFC 3501 §6.4.8"),
        e("UID EXPUNGE", "a5 UID EXPUNGE 4", "Expunges only the \\Deleted messages with these UIDs.", "RFC 4315 §2.1"),
    ],
    replies_intro: "Every command ends with a tagged reply: its tag, then OK, NO or BAD. Lines \
                    starting * are untagged data; + asks for more. A bracketed response code \
                    says more, for programs.",
    replies: table![
        e("OK", "a1 OK LOGIN completed", "The command succeeded.", "RFC 3501 §7.1.1"),
        e("NO", "a2 NO [NONEXISTENT] no such mailbox", "The command was understood but failed.", "RFC 3501 §7.1.2"),
        e("BAD", "a3 BAD unknown command", "Not understood: a syntax error, or a command not valid in this state.", "RFC 3501 §7.1.3"),
        e("PREAUTH", "* PREAUTH welcome", "A greeting that means already logged in.", "RFC 3501 §7.1.4"),
        e("BYE", "* BYE logging out", "The server is about to close the connection.", "RFC 3501 §7.1.5"),
        e("*", "* 3 EXISTS", "Untagged: data or news, not the end of a command.", "RFC 3501 §2.2.2"),
        e("+", "+ Ready for literal data", "Continuation: send the literal's octets or the next step.", "RFC 3501 §7.5"),
        e("EXISTS", "* 3 EXISTS", "The mailbox now holds 3 messages.", "RFC 3501 §7.3.1"),
        e("RECENT", "* 1 RECENT", "Messages new to this session (\\Recent).", "RFC 3501 §7.3.2"),
        e("EXPUNGE", "* 2 EXPUNGE", "Message 2 is gone; higher numbers shift down by one.", "RFC 3501 §7.4.1"),
        e("FETCH", "* 1 FETCH (FLAGS (\\Seen))", "Data about message 1, asked for or a change.", "RFC 3501 §7.4.2"),
        e("[ALERT]", "* OK [ALERT] …", "Show this text to the user.", "RFC 3501 §7.1"),
        e("[BADCHARSET]", "a5 NO [BADCHARSET (UTF-8)]", "SEARCH with a charset the server does not know.", "RFC 3501 §7.1"),
        e("[CAPABILITY]", "* OK [CAPABILITY IMAP4rev1 …]", "The capabilities, given without asking.", "RFC 3501 §7.1"),
        e("[PARSE]", "* OK [PARSE] …", "A message's header could not be parsed.", "RFC 3501 §7.1"),
        e("[PERMANENTFLAGS]", "* OK [PERMANENTFLAGS (\\Seen \\*)]", "Flags the client may change for good.", "RFC 3501 §7.1"),
        e("[READ-ONLY]", "a2 OK [READ-ONLY] EXAMINE completed", "The mailbox is open read-only.", "RFC 3501 §7.1"),
        e("[READ-WRITE]", "a2 OK [READ-WRITE] SELECT completed", "The mailbox is open read-write.", "RFC 3501 §7.1"),
        e("[TRYCREATE]", "a5 NO [TRYCREATE] no such mailbox", "The target mailbox does not exist: CREATE it first.", "RFC 3501 §7.1"),
        e("[UIDNEXT]", "* OK [UIDNEXT 4]", "The UID the next message will get.", "RFC 3501 §7.1"),
        e("[UIDVALIDITY]", "* OK [UIDVALIDITY 3857529045]", "If it changes, every UID the client kept is void.", "RFC 3501 §7.1"),
        e("[UNSEEN]", "* OK [UNSEEN 2]", "The number of the first message without \\Seen.", "RFC 3501 §7.1"),
        e("[APPENDUID]", "a3 OK [APPENDUID 38505 4]", "The UIDVALIDITY and UID the appended message got.", "RFC 4315 §3"),
        e("[COPYUID]", "a5 OK [COPYUID 38505 1:2 7:8]", "The source UIDs and the UIDs of the copies.", "RFC 4315 §3"),
        e("[AUTHENTICATIONFAILED]", "a1 NO [AUTHENTICATIONFAILED] …", "Wrong user name or password.", "RFC 5530 §3"),
        e("[NONEXISTENT]", "a2 NO [NONEXISTENT] …", "No such mailbox.", "RFC 5530 §3"),
        e("[ALREADYEXISTS]", "a3 NO [ALREADYEXISTS] …", "A mailbox of that name exists.", "RFC 5530 §3"),
        e("[INUSE]", "a3 NO [INUSE] …", "Another session is using it.", "RFC 5530 §3"),
        e("[EXPUNGEISSUED]", "a5 NO [EXPUNGEISSUED] …", "Another session expunged that message; this one has not been told yet.", "RFC 5530 §3"),
        e("[CANNOT]", "a3 NO [CANNOT] …", "The operation can never succeed (say, deleting INBOX).", "RFC 5530 §3"),
        e("[LIMIT]", "a3 NO [LIMIT] …", "A limit of the server was reached.", "RFC 5530 §3"),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_names_an_rfc_section_and_says_something() {
        for p in &PROTOCOLS {
            for e in p.commands().chain(p.replies()) {
                assert!(e.rfc.starts_with("RFC ") && e.rfc.contains(" §"), "{e:?}");
                assert!(!e.name.is_empty() && !e.what.is_empty(), "{e:?}");
            }
        }
    }

    #[test]
    fn lookups_and_filters_ignore_case() {
        let smtp = protocol("smtp").map(|p| p.name);
        assert_eq!(smtp, Some("SMTP"));
        assert_eq!(
            protocol("pop3")
                .and_then(|p| p.command("retr"))
                .map(|e| e.rfc),
            Some("RFC 1939 §5")
        );
        let hits: Vec<&str> = IMAP
            .replies()
            .filter(|e| e.matches("uidNEXT"))
            .map(|e| e.name)
            .collect();
        assert_eq!(hits, ["[UIDNEXT]"]);
        assert!(SMTP.commands().all(|e| e.matches("  ")));
        assert!(
            !SMTP
                .commands()
                .next()
                .unwrap()
                .matches("no such words here")
        );
    }
}
