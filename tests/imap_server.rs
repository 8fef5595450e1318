//! The IMAP server as a mail-server engineer checks it against RFC 3501: every FETCH data item on
//! a single-part message, RFC 2046's multipart example and RFC 2049's nested one (§6.4.5,
//! §7.4.2); every SEARCH key (§6.4.4); UIDs across EXPUNGE (§2.3.1.1); the STORE variants
//! (§6.4.6); and robustness (any bytes, any command sequence, any split).
//!
//! The server is driven directly — `Server::greet`, `feed`, `poll_output` — over a store built
//! here, so every message, flag and date is known; one test goes through the virtual network
//! to port 143. Expected bytes come from the RFC text and from the messages themselves (a
//! section's octets are cut out of the raw message by hand), never from the implementation.

use std::collections::BTreeSet;

use maillab::imap::server::{Config, Output, Server};
use maillab::net::{Delivery, IMAP_PORT, World};
use maillab::store::{Flags, Keyword, Origin, Store, Uid};
use maillab::time::{Instant, TEXTBOOK_EPOCH};

mod support;

const HOST: &str = "mail.hamburger.edu";
const DAY: u64 = 86_400_000;
const HOUR: u64 = 3_600_000;

/// `text` with every line ended by CRLF (lines already ended so are kept).
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// An instant in November 2026, UTC (the textbook epoch is 23 Nov 2026 09:00 UTC).
fn nov(day: u64, hour: u64, minute: u64) -> Instant {
    let base = TEXTBOOK_EPOCH.unix_millis() - 22 * DAY - 9 * HOUR; // 1 Nov 2026 00:00 UTC
    Instant::from_unix_millis(base + (day - 1) * DAY + hour * HOUR + minute * 60_000)
}

/// A host store with the account bob/hungry and nothing in it.
fn empty_store() -> Store {
    let mut store = Store::new(&["hamburger.edu"], 7);
    store
        .add_account("bob", "hungry", &[])
        .unwrap_or_else(|e| panic!("{e}"));
    store
}

/// Puts a message into bob's INBOX as a delivery by another session would.
fn put(store: &mut Store, raw: &str, flags: Flags, keywords: &[&str], date: Instant) -> u32 {
    let keywords: Vec<Keyword> = keywords
        .iter()
        .map(|k| Keyword::new(k).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    store
        .append(
            Origin(99),
            "bob",
            "INBOX",
            crlf(raw).into_bytes(),
            flags,
            &keywords,
            date,
        )
        .unwrap_or_else(|e| panic!("{e}"))
        .uid
        .get()
}

/// Another session has seen the messages as recent already (§2.3.2), so `\Recent` stays out of
/// the flag lists of the tests that do not ask about it.
fn settle(store: &mut Store) {
    store
        .claim_recent("bob", "INBOX")
        .unwrap_or_else(|e| panic!("{e}"));
}

/// One store and the IMAP sessions on it, driven as the network drives them: every output
/// drained after every input, and every other session told that the store changed.
struct Lab {
    store: Store,
    sessions: Vec<Server>,
    now: Instant,
}

impl Lab {
    fn new(store: Store) -> Lab {
        let mut lab = Lab {
            store,
            sessions: Vec::new(),
            now: TEXTBOOK_EPOCH,
        };
        lab.open();
        lab
    }

    /// Opens one more session and returns its greeting.
    fn open(&mut self) -> String {
        let n = self.sessions.len() as u64 + 1;
        let config = Config {
            host: HOST.into(),
            origin: Origin(n),
            token: format!("{n}.1"),
        };
        self.sessions
            .push(Server::greet(config, &self.store, self.now));
        self.drain(self.sessions.len() - 1)
    }

    fn drain(&mut self, i: usize) -> String {
        String::from_utf8_lossy(&drain_bytes(&mut self.sessions[i])).into_owned()
    }

    /// Sends `text` (LF turned into CRLF) on session `i` and returns what it answered.
    fn say_on(&mut self, i: usize, text: &str) -> String {
        self.feed_on(i, crlf(text).as_bytes())
    }

    fn feed_on(&mut self, i: usize, bytes: &[u8]) -> String {
        self.sessions[i].feed(bytes, &mut self.store, self.now);
        let out = self.drain(i);
        for (j, other) in self.sessions.iter_mut().enumerate() {
            if j != i {
                other.handle_store_change(&mut self.store);
            }
        }
        out
    }

    fn say(&mut self, text: &str) -> String {
        self.say_on(0, text)
    }

    /// Logs session `i` in and selects INBOX (`EXAMINE` when `read_only`).
    fn select_on(&mut self, i: usize, read_only: bool) -> String {
        let login = self.say_on(i, "L1 LOGIN bob hungry\n");
        assert!(login.starts_with("L1 OK "), "{login}");
        let verb = if read_only { "EXAMINE" } else { "SELECT" };
        let selected = self.say_on(i, &format!("S1 {verb} INBOX\n"));
        assert!(selected.contains("\r\nS1 OK ["), "{selected}");
        selected
    }

    fn select(&mut self) -> String {
        self.select_on(0, false)
    }

    fn flags(&self, uid: u32) -> Flags {
        let uid = Uid::new(uid).unwrap_or_else(|| panic!("UID 0"));
        self.store
            .message("bob", "INBOX", uid)
            .unwrap_or_else(|e| panic!("{e}"))
            .flags()
    }
}

fn drain_bytes(server: &mut Server) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(o) = server.poll_output() {
        match o {
            Output::Send(bytes) => out.extend(bytes),
            Output::Close => out.extend_from_slice(b"<closed>"),
            Output::Event(_) => {}
        }
    }
    out
}

/// The flags of the FETCH response for message `n` (the first one that has FLAGS), looked for
/// up to the next response.
fn fetched_flags(out: &str, n: u32) -> Option<BTreeSet<String>> {
    let start = format!("* {n} FETCH (");
    let mut rest = out;
    while let Some(at) = rest.find(&start) {
        let response = &rest[at..];
        let response = &response[..response[2..]
            .find("\r\n* ")
            .map_or(response.len(), |e| e + 2)];
        if let Some(f) = response.find("FLAGS (") {
            let list = &response[f + "FLAGS (".len()..];
            let end = list.find(')')?;
            return Some(list[..end].split_whitespace().map(str::to_owned).collect());
        }
        rest = &rest[at + start.len()..];
    }
    None
}

fn set(flags: &[&str]) -> BTreeSet<String> {
    flags.iter().map(|f| f.to_string()).collect()
}

/// `{n}` CRLF and the octets: RFC 3501 §4.3's literal.
fn literal(octets: &str) -> String {
    format!("{{{}}}\r\n{octets}", octets.len())
}

// --- The messages --------------------------------------------------------------------------

/// RFC 5322 Appendix A.1.1: a plain message, no MIME header fields at all.
const SINGLE: &str = "From: John Doe <jdoe@machine.example>
To: Mary Smith <mary@example.net>
Subject: Saying Hello
Date: Fri, 21 Nov 1997 09:55:06 -0600
Message-ID: <1234@local.machine.example>

This is a message just to say hello.
So, \"Hello\".
";

/// RFC 2046 §5.1.1's example: its first part does not end with a line break (the CRLF before a
/// boundary belongs to the boundary), its second does.
const SIMPLE_MULTIPART: &str = "From: Nathaniel Borenstein <nsb@bellcore.com>
To: Ned Freed <ned@innosoft.com>
Date: Sun, 21 Mar 1993 23:56:48 -0800 (PST)
Subject: Sample message
MIME-Version: 1.0
Content-type: multipart/mixed; boundary=\"simple boundary\"

This is the preamble.  It is to be ignored, though it
is a handy place for composition agents to include an
explanatory note to non-MIME conformant readers.

--simple boundary

This is implicitly typed plain US-ASCII text.
It does NOT end with a linebreak.
--simple boundary
Content-type: text/plain; charset=us-ascii

This is explicitly typed plain US-ASCII text.
It DOES end with a linebreak.

--simple boundary--

This is the epilogue.  It is also to be ignored.
";

/// RFC 2049 Appendix A: multipart/mixed with a nested multipart/parallel and a message/rfc822.
const NESTED: &str = include_str!("data/rfc2049-appendix-a.eml");

/// A store whose INBOX holds SINGLE (1), SIMPLE_MULTIPART (2) and NESTED (3), unseen, not recent.
fn fetch_store() -> Store {
    let mut store = empty_store();
    put(&mut store, SINGLE, Flags::NONE, &[], nov(1, 10, 0));
    put(
        &mut store,
        SIMPLE_MULTIPART,
        Flags::NONE,
        &[],
        nov(2, 10, 0),
    );
    put(&mut store, NESTED, Flags::NONE, &[], nov(3, 10, 0));
    settle(&mut store);
    store
}

fn fetch_lab() -> Lab {
    let mut lab = Lab::new(fetch_store());
    lab.select();
    lab
}

/// The octets of `raw` (CRLF) from the first `from` to just before the next `to` after it.
fn cut(raw: &str, from: &str, to: &str) -> String {
    let start = raw
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} not in the message"));
    let len = raw[start..]
        .find(to)
        .unwrap_or_else(|| panic!("{to:?} not after {from:?}"));
    raw[start..start + len].to_owned()
}

// --- FETCH (§6.4.5, §7.4.2) -----------------------------------------------------------------

#[test]
fn envelope_of_a_plain_message_defaults_sender_and_reply_to_to_from() {
    let mut lab = fetch_lab();
    let out = lab.say("a FETCH 1 ENVELOPE\n");
    // §7.4.2: date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id;
    // "If the Sender or Reply-To lines are absent … the server sets the corresponding member of
    // the envelope to be the same value as the from member".
    let john = "((\"John Doe\" NIL \"jdoe\" \"machine.example\"))";
    assert_eq!(
        out,
        format!(
            "* 1 FETCH (ENVELOPE (\"Fri, 21 Nov 1997 09:55:06 -0600\" \"Saying Hello\" \
{john} {john} {john} ((\"Mary Smith\" NIL \"mary\" \"example.net\")) NIL NIL NIL \
\"<1234@local.machine.example>\"))\r\na OK FETCH completed\r\n"
        )
    );
}

#[test]
fn body_of_a_plain_message_has_the_mime_defaults() {
    let mut lab = fetch_lab();
    let out = lab.say("a FETCH 1 (BODY BODYSTRUCTURE)\n");
    let text = crlf(SINGLE);
    let body = &text[text.find("\r\n\r\n").map_or(0, |at| at + 4)..];
    // RFC 2045 §5.2: no Content-Type means text/plain; charset=us-ascii; §6.1: 7bit.
    // §7.4.2: size in octets, then (text types only) the size in lines.
    let basic = format!(
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" {} 2",
        body.len()
    );
    let line = tagged_free_line(&out, 1);
    let upper = line.to_ascii_uppercase();
    assert!(
        upper.starts_with(&format!("* 1 FETCH (BODY {basic}) BODYSTRUCTURE {basic}")),
        "{out}"
    );
    // BODYSTRUCTURE may add extension data (md5, disposition, language, location), nothing else.
    let rest = &upper[format!("* 1 FETCH (BODY {basic}) BODYSTRUCTURE {basic}").len()..];
    assert!(rest == "))" || rest.starts_with(" NIL"), "{line}");
}

/// The untagged FETCH line of message `n` (for data without literals).
fn tagged_free_line(out: &str, n: u32) -> &str {
    let start = format!("* {n} FETCH (");
    out.split("\r\n")
        .find(|l| l.starts_with(&start))
        .unwrap_or_else(|| panic!("no FETCH for {n} in {out:?}"))
}

#[test]
fn bodystructure_of_rfc2049_appendix_a_numbers_every_nested_part() {
    let mut lab = fetch_lab();
    let out = lab.say("a FETCH 3 BODY\n");
    // Octets and lines of each part counted from the message as RFC 2046 §5.1.1 delimits
    // parts (the CRLF before a boundary is the boundary's): 1: 275/7, 2: 114/3, 3.1: 91,
    // 3.2: 47, 4: 145/5, 5: 232/7 with its body 51/1.
    let expected = "* 3 FETCH (BODY (\
(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 275 7)\
(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 114 3)\
((\"AUDIO\" \"BASIC\" NIL NIL NIL \"BASE64\" 91)(\"IMAGE\" \"JPEG\" NIL NIL NIL \"BASE64\" 47) \"PARALLEL\")\
(\"TEXT\" \"ENRICHED\" NIL NIL NIL \"7BIT\" 145 5)\
(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 232 \
(NIL \"(subject in US-ASCII)\" NIL NIL NIL NIL NIL NIL NIL NIL) \
(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"ISO-8859-1\") NIL NIL \"QUOTED-PRINTABLE\" 51 1) 7) \
\"MIXED\"))";
    // Strings of BODY are case-insensitive (RFC 2045 §5.1); compare without case.
    assert_eq!(
        tagged_free_line(&out, 3).to_ascii_uppercase(),
        expected.to_ascii_uppercase()
    );
    // BODYSTRUCTURE adds the multipart's parameters (the boundaries) after the subtype.
    let extended = lab.say("b FETCH 3 BODYSTRUCTURE\n");
    let line = tagged_free_line(&extended, 3).to_ascii_uppercase();
    assert!(
        line.contains("\"PARALLEL\" (\"BOUNDARY\" \"UNIQUE-BOUNDARY-2\")"),
        "{line}"
    );
    assert!(
        line.contains("\"MIXED\" (\"BOUNDARY\" \"UNIQUE-BOUNDARY-1\")"),
        "{line}"
    );
}

#[test]
fn every_section_of_rfc2049_appendix_a_is_the_right_octets() {
    let raw = crlf(NESTED);
    let header_end = raw.find("\r\n\r\n").map_or(0, |at| at + 4);
    let part1 = cut(
        &raw,
        "  ... Some text appears here",
        "\r\n--unique-boundary-1",
    );
    let part2 = cut(&raw, "This could have", "\r\n--unique-boundary-1");
    let part3 = cut(
        &raw,
        "--unique-boundary-2\r\nContent-Type: audio",
        "\r\n--unique-boundary-1",
    );
    let part3_mime = cut(
        &raw,
        "Content-Type: multipart/parallel",
        "--unique-boundary-2\r\n",
    );
    let part3_1 = cut(&raw, "  ... base64-encoded 8000", "\r\n--unique-boundary-2");
    let part3_1_mime = cut(
        &raw,
        "Content-Type: audio/basic",
        "  ... base64-encoded 8000",
    );
    let part3_2 = cut(
        &raw,
        "  ... base64-encoded image",
        "\r\n--unique-boundary-2",
    );
    let part4 = cut(&raw, "This is <bold>", "\r\n--unique-boundary-1");
    let part5 = cut(&raw, "From: (mailbox", "\r\n--unique-boundary-1--");
    let part5_mime = cut(&raw, "Content-Type: message/rfc822", "From: (mailbox");
    let part5_header = cut(&raw, "From: (mailbox", "  ... Additional");
    let part5_text = cut(&raw, "  ... Additional", "\r\n--unique-boundary-1--");
    let cases: Vec<(&str, String)> = vec![
        ("", raw.clone()),
        ("HEADER", raw[..header_end].to_owned()),
        ("TEXT", raw[header_end..].to_owned()),
        ("1", part1),
        // Part 1 has no header fields, only the blank line that ends its (empty) header.
        ("1.MIME", "\r\n".to_owned()),
        ("2", part2),
        (
            "2.MIME",
            "Content-type: text/plain; charset=US-ASCII\r\n\r\n".to_owned(),
        ),
        ("3", part3),
        ("3.MIME", part3_mime),
        ("3.1", part3_1),
        ("3.1.MIME", part3_1_mime),
        ("3.2", part3_2),
        ("4", part4),
        ("5", part5),
        ("5.MIME", part5_mime),
        ("5.HEADER", part5_header.clone()),
        ("5.TEXT", part5_text.clone()),
        // The encapsulated message is not multipart: its only part is its body.
        ("5.1", part5_text),
        (
            "5.HEADER.FIELDS (SUBJECT)",
            "Subject: (subject in US-ASCII)\r\n\r\n".to_owned(),
        ),
    ];
    let mut lab = fetch_lab();
    for (section, octets) in cases {
        let out = lab.say(&format!("s FETCH 3 BODY.PEEK[{section}]\n"));
        assert_eq!(
            out,
            format!(
                "* 3 FETCH (BODY[{section}] {})\r\ns OK FETCH completed\r\n",
                literal(&octets)
            ),
            "BODY[{section}]"
        );
    }
    assert_eq!(lab.flags(3), Flags::NONE, "BODY.PEEK never sets \\Seen");
}

#[test]
fn rfc2046_parts_end_before_the_crlf_of_the_boundary() {
    let mut lab = fetch_lab();
    let out = lab.say("a FETCH 2 (BODY.PEEK[1] BODY.PEEK[2])\n");
    let first =
        "This is implicitly typed plain US-ASCII text.\r\nIt does NOT end with a linebreak.";
    let second =
        "This is explicitly typed plain US-ASCII text.\r\nIt DOES end with a linebreak.\r\n";
    assert_eq!(
        out,
        format!(
            "* 2 FETCH (BODY[1] {} BODY[2] {})\r\na OK FETCH completed\r\n",
            literal(first),
            literal(second)
        )
    );
    let body = lab.say("b FETCH 2 BODY\n");
    let expected = format!(
        "* 2 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" {} 2)\
(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" {} 2) \"MIXED\"))",
        first.len(),
        second.len()
    );
    assert_eq!(
        tagged_free_line(&body, 2).to_ascii_uppercase(),
        expected.to_ascii_uppercase()
    );
}

#[test]
fn header_fields_subsets_keep_message_order_and_the_blank_line() {
    let mut lab = fetch_lab();
    // §6.4.5: "The field-matching is case-insensitive but otherwise exact. Subsetting does not
    // exclude the [RFC-2822] delimiting blank line".
    let out = lab.say("a FETCH 1 (BODY.PEEK[HEADER.FIELDS (subject FROM)])\n");
    let subset = "From: John Doe <jdoe@machine.example>\r\nSubject: Saying Hello\r\n\r\n";
    assert_eq!(
        out,
        format!(
            "* 1 FETCH (BODY[HEADER.FIELDS (subject FROM)] {})\r\na OK FETCH completed\r\n",
            literal(subset)
        )
    );
    let out = lab.say("b FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (From To Date Message-ID)]\n");
    let subset = "Subject: Saying Hello\r\n\r\n";
    assert_eq!(
        out,
        format!(
            "* 1 FETCH (BODY[HEADER.FIELDS.NOT (From To Date Message-ID)] {})\r\nb OK FETCH completed\r\n",
            literal(subset)
        )
    );
    // A field the message does not have: only the blank line is left.
    let out = lab.say("c FETCH 1 BODY.PEEK[HEADER.FIELDS (X-Nothing)]\n");
    assert!(
        out.starts_with("* 1 FETCH (BODY[HEADER.FIELDS (X-Nothing)] {2}\r\n\r\n)\r\n")
            || out.starts_with("* 1 FETCH (BODY[HEADER.FIELDS (X-Nothing)] \"\r\n\")\r\n"),
        "{out}"
    );
    // "A substring fetch of a HEADER.FIELDS … is calculated after subsetting the header."
    let out = lab.say("d FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject)]<9.5>\n");
    assert_eq!(
        out,
        "* 1 FETCH (BODY[HEADER.FIELDS (Subject)]<9> \"Sayin\")\r\nd OK FETCH completed\r\n"
    );
}

#[test]
fn a_message_without_a_body_has_a_header_without_a_blank_line() {
    let mut store = empty_store();
    put(
        &mut store,
        "Subject: nothing else\n",
        Flags::NONE,
        &[],
        nov(1, 0, 0),
    );
    settle(&mut store);
    let mut lab = Lab::new(store);
    lab.select();
    // §6.4.5: the blank line is included "except in the case of a message which has no body
    // and no blank line".
    let out = lab.say("a FETCH 1 (BODY.PEEK[HEADER] BODY.PEEK[TEXT] RFC822.SIZE)\n");
    assert_eq!(
        out,
        "* 1 FETCH (BODY[HEADER] {23}\r\nSubject: nothing else\r\n BODY[TEXT] \"\" RFC822.SIZE 23)\r\n\
a OK FETCH completed\r\n"
    );
}

#[test]
fn partial_fetches_name_their_origin_and_are_truncated_at_the_end() {
    let mut lab = fetch_lab();
    let raw = crlf(SINGLE);
    let out = lab.say("a FETCH 1 BODY.PEEK[]<0.10>\n");
    // §6.4.5: "A partial fetch that starts at octet 0 is returned as a partial fetch".
    assert_eq!(
        out,
        "* 1 FETCH (BODY[]<0> \"From: John\")\r\na OK FETCH completed\r\n"
    );
    // "BODY[]<0.2048> of a 1500-octet message will return BODY[]<0> with a literal of size
    // 1500, not BODY[]."
    let out = lab.say("b FETCH 1 BODY.PEEK[]<0.100000>\n");
    assert_eq!(
        out,
        format!(
            "* 1 FETCH (BODY[]<0> {})\r\nb OK FETCH completed\r\n",
            literal(&raw)
        )
    );
    // Past the end: "an empty string is returned".
    let out = lab.say(&format!("c FETCH 1 BODY.PEEK[]<{}.10>\n", raw.len() + 5));
    assert_eq!(
        out,
        format!(
            "* 1 FETCH (BODY[]<{}> \"\")\r\nc OK FETCH completed\r\n",
            raw.len() + 5
        )
    );
    // Exactly at the end, and running over it.
    let out = lab.say(&format!(
        "d FETCH 1 BODY.PEEK[TEXT]<{}.4>\n",
        "This is a message just to say hello.\r\nSo, ".len()
    ));
    assert_eq!(
        out,
        "* 1 FETCH (BODY[TEXT]<42> \"\\\"Hel\")\r\nd OK FETCH completed\r\n"
    );
    // Running over the end: truncated; with CR LF in it, a literal (§4.3).
    let out = lab.say("e FETCH 1 BODY.PEEK[1]<47.100>\n");
    assert_eq!(
        out,
        "* 1 FETCH (BODY[1]<47> {5}\r\no\".\r\n)\r\ne OK FETCH completed\r\n"
    );
    assert_eq!(lab.flags(1), Flags::NONE);
}

#[test]
fn rfc822_items_are_the_whole_message_its_header_and_its_text() {
    let mut lab = fetch_lab();
    let raw = crlf(SINGLE);
    let header_end = raw.find("\r\n\r\n").map_or(0, |at| at + 4);
    let out = lab.say("a FETCH 1 (RFC822.SIZE RFC822.HEADER)\n");
    assert_eq!(
        out,
        format!(
            "* 1 FETCH (RFC822.SIZE {} RFC822.HEADER {})\r\na OK FETCH completed\r\n",
            raw.len(),
            literal(&raw[..header_end])
        )
    );
    assert_eq!(
        lab.flags(1),
        Flags::NONE,
        "RFC822.HEADER is BODY.PEEK[HEADER]"
    );
    let out = lab.say("b FETCH 1 RFC822.TEXT\n");
    assert!(
        out.starts_with(&format!(
            "* 1 FETCH (RFC822.TEXT {}",
            literal(&raw[header_end..])
        )),
        "{out}"
    );
    let out = lab.say("c FETCH 1 RFC822\n");
    assert!(
        out.starts_with(&format!("* 1 FETCH (RFC822 {}", literal(&raw))),
        "{out}"
    );
}

#[test]
fn items_that_read_the_text_set_seen_and_report_it() {
    // §6.4.5: BODY[…] sets \Seen, and "if this causes the flags to change, they SHOULD be
    // included as part of the FETCH responses"; RFC822 is BODY[], RFC822.TEXT is BODY[TEXT].
    for item in [
        "BODY[]",
        "BODY[TEXT]",
        "BODY[1]",
        "BODY[HEADER]",
        "BODY[]<0.1>",
        "RFC822",
        "RFC822.TEXT",
    ] {
        let mut lab = fetch_lab();
        let out = lab.say(&format!("a FETCH 1 {item}\n"));
        assert_eq!(
            fetched_flags(&out, 1),
            Some(set(&["\\Seen"])),
            "{item}: {out}"
        );
        assert!(out.ends_with("a OK FETCH completed\r\n"), "{item}: {out}");
        assert!(lab.flags(1).contains(Flags::SEEN), "{item}");
        assert_eq!(lab.flags(2), Flags::NONE, "{item}: only message 1");
    }
    for item in [
        "BODY.PEEK[]",
        "BODY.PEEK[TEXT]",
        "RFC822.HEADER",
        "RFC822.SIZE",
        "BODY",
        "BODYSTRUCTURE",
        "ENVELOPE",
        "ALL",
        "FULL",
    ] {
        let mut lab = fetch_lab();
        let out = lab.say(&format!("a FETCH 1 {item}\n"));
        assert!(out.ends_with("a OK FETCH completed\r\n"), "{item}: {out}");
        assert_eq!(lab.flags(1), Flags::NONE, "{item} must not set \\Seen");
    }
}

#[test]
fn flags_asked_together_with_the_text_already_show_seen() {
    let mut lab = fetch_lab();
    let out = lab.say("a FETCH 1 (FLAGS BODY[TEXT])\n");
    assert_eq!(fetched_flags(&out, 1), Some(set(&["\\Seen"])), "{out}");
    assert_eq!(out.matches("FLAGS").count(), 1, "FLAGS once: {out}");
}

#[test]
fn nothing_is_set_on_an_examined_mailbox() {
    let mut lab = Lab::new(fetch_store());
    let selected = lab.select_on(0, true);
    assert!(selected.contains("S1 OK [READ-ONLY]"), "{selected}");
    let out = lab.say("a FETCH 1:3 (BODY[] RFC822 RFC822.TEXT)\n");
    assert!(out.ends_with("a OK FETCH completed\r\n"), "{out}");
    assert!(!out.contains("FLAGS"), "no flag changed: {out}");
    for uid in 1..=3 {
        assert_eq!(lab.flags(uid), Flags::NONE);
    }
}

#[test]
fn the_macros_are_the_items_6_4_5_lists() {
    let mut lab = fetch_lab();
    let pairs = [
        ("ALL", "(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)"),
        ("FAST", "(FLAGS INTERNALDATE RFC822.SIZE)"),
        ("FULL", "(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY)"),
    ];
    for (mac, items) in pairs {
        let a = lab.say(&format!("a FETCH 1:3 {mac}\n"));
        let b = lab.say(&format!("a FETCH 1:3 {items}\n"));
        assert_eq!(a, b, "{mac}");
        assert_eq!(
            a.matches(" FETCH (FLAGS () INTERNALDATE \"").count(),
            3,
            "{a}"
        );
    }
    let fast = lab.say("f FETCH 1 FAST\n");
    assert!(
        fast.starts_with(&format!(
            "* 1 FETCH (FLAGS () INTERNALDATE \" 1-Nov-2026 10:00:00 +0000\" RFC822.SIZE {})\r\n",
            crlf(SINGLE).len()
        )) || fast.starts_with(&format!(
            "* 1 FETCH (FLAGS () INTERNALDATE \"01-Nov-2026 10:00:00 +0000\" RFC822.SIZE {})\r\n",
            crlf(SINGLE).len()
        )),
        "§9 date-time: date-day-fixed is SP DIGIT or 2DIGIT: {fast}"
    );
}

#[test]
fn internaldate_keeps_the_moment_append_gave() {
    let mut lab = Lab::new(empty_store());
    lab.say("L LOGIN bob hungry\n");
    let out = lab.say(&format!(
        "a APPEND INBOX (\\Seen) \"05-Nov-2026 23:30:00 -0500\" {}\n",
        literal(&crlf("Subject: late\n\nx\n"))
    ));
    assert!(out.contains("a OK [APPENDUID 7 1]"), "{out}");
    lab.say("s SELECT INBOX\n");
    let out = lab.say("b FETCH 1 (INTERNALDATE FLAGS UID)\n");
    // The same instant, in the zone given or in UTC (RFC 3501 leaves the zone to the server).
    // §9: date-day-fixed = (SP DIGIT) / 2DIGIT.
    let forms = [
        "* 1 FETCH (INTERNALDATE \"05-Nov-2026 23:30:00 -0500\" ",
        "* 1 FETCH (INTERNALDATE \" 5-Nov-2026 23:30:00 -0500\" ",
        "* 1 FETCH (INTERNALDATE \"06-Nov-2026 04:30:00 +0000\" ",
        "* 1 FETCH (INTERNALDATE \" 6-Nov-2026 04:30:00 +0000\" ",
    ];
    assert!(forms.iter().any(|f| out.starts_with(f)), "{out}");
    assert!(out.contains(" UID 1)\r\n"), "{out}");
    assert_eq!(fetched_flags(&out, 1), Some(set(&["\\Seen", "\\Recent"])));
}

#[test]
fn an_appended_message_is_fetched_back_octet_for_octet() {
    let mut lab = Lab::new(empty_store());
    lab.say("L LOGIN bob hungry\n");
    let raw = crlf(NESTED);
    // A synchronizing literal: the server asks for it with a continuation (§7.5).
    let asked = lab.say(&format!("a APPEND INBOX {{{}}}\n", raw.len()));
    assert!(asked.starts_with("+ "), "{asked}");
    let done = lab.feed_on(0, format!("{raw}\r\n").as_bytes());
    assert!(done.starts_with("a OK [APPENDUID "), "{done}");
    lab.say("s EXAMINE INBOX\n");
    let out = lab.say("b FETCH 1 (RFC822.SIZE BODY.PEEK[])\n");
    assert_eq!(
        out,
        format!(
            "* 1 FETCH (RFC822.SIZE {} BODY[] {})\r\nb OK FETCH completed\r\n",
            raw.len(),
            literal(&raw)
        )
    );
    assert_eq!(raw.len(), 1941);
}

#[test]
fn uid_fetch_always_answers_the_uid() {
    let mut lab = fetch_lab();
    // §6.4.8: "the UID FETCH … MUST include the UID data item".
    let out = lab.say("a UID FETCH 2:* RFC822.SIZE\n");
    assert_eq!(
        out,
        format!(
            "* 2 FETCH (UID 2 RFC822.SIZE {})\r\n* 3 FETCH (UID 3 RFC822.SIZE {})\r\na OK UID FETCH completed\r\n",
            crlf(SIMPLE_MULTIPART).len(),
            crlf(NESTED).len()
        )
    );
    let out = lab.say("b FETCH 1:* UID\n");
    assert_eq!(
        out,
        "* 1 FETCH (UID 1)\r\n* 2 FETCH (UID 2)\r\n* 3 FETCH (UID 3)\r\nb OK FETCH completed\r\n"
    );
}

#[test]
fn a_sequence_number_past_the_end_is_an_error_but_a_missing_uid_is_not() {
    let mut lab = fetch_lab();
    // §9: seq-number "Sequence numbers … greater than the number of messages … are invalid".
    let out = lab.say("a FETCH 4 FLAGS\n");
    assert!(out.starts_with("a BAD "), "{out}");
    assert_eq!(out.matches("\r\n").count(), 1, "{out}");
    // §6.4.8: a UID that names no message is not an error; 4:* still names UID 3.
    assert_eq!(
        lab.say("b UID FETCH 4 FLAGS\n"),
        "b OK UID FETCH completed\r\n"
    );
    assert_eq!(
        lab.say("c UID FETCH 9:* FLAGS\n"),
        "* 3 FETCH (UID 3 FLAGS ())\r\nc OK UID FETCH completed\r\n"
    );
}

// --- SEARCH (§6.4.4) -------------------------------------------------------------------------

const LUNCH: &str = "From: Alice Liddell <alice@crepes.fr>
To: Bob <bob@hamburger.edu>
Subject: Lunch on Friday
Date: Sun, 01 Nov 2026 12:00:00 +0100
Message-ID: <1@crepes.fr>

Shall we have crepes?
";

/// An RFC 2047 subject ("Grüße aus Köln") and a quoted-printable UTF-8 body; sent on 10 Nov as
/// written, which is 11 Nov in UTC.
const GREETINGS: &str = "From: Carol <carol@hamburger.edu>
To: bob@hamburger.edu
Cc: Dave <dave@hamburger.edu>
Subject: =?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=
Date: Tue, 10 Nov 2026 23:30:00 -0500
X-Priority: 1
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Bis bald, sch=C3=B6ne Gr=C3=BC=C3=9Fe.
";

fn menu() -> String {
    let dishes = "galette complete, crepe suzette, cidre brut\n".repeat(40);
    format!(
        "From: Bob <bob@hamburger.edu>
To: alice@crepes.fr
Bcc: secret@hamburger.edu
Subject: Menu
Date: Fri, 20 Nov 2026 08:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary=b

--b
Content-Type: text/plain

{dishes}
--b
Content-Type: text/html

<p>crepes</p>
--b--
"
    )
}

const REPLY: &str = "From: alice@crepes.fr
To: bob@hamburger.edu
Subject: Re: Lunch on Friday

Yes!
";

/// The SEARCH mailbox: UIDs 2–5 as messages 1–4 (UID 1 was expunged before).
///
/// | # | UID | flags                   | keywords   | internal date | Date (as written) |
/// | 1 | 2   | \Seen                   |            | 1 Nov 11:00   | 1 Nov             |
/// | 2 | 3   | \Answered \Flagged      | $Important | 11 Nov 04:30  | 10 Nov (-0500)    |
/// | 3 | 4   | \Draft, \Recent         |            | 20 Nov 08:00  | 20 Nov            |
/// | 4 | 5   | \Deleted, \Recent       | $Work      | 23 Nov 09:00  | none              |
fn search_lab() -> (Lab, [usize; 4]) {
    let mut store = empty_store();
    put(
        &mut store,
        "Subject: gone\n\nx\n",
        Flags::DELETED,
        &[],
        nov(1, 0, 0),
    );
    store
        .expunge(Origin(99), "bob", "INBOX", None)
        .unwrap_or_else(|e| panic!("{e}"));
    put(&mut store, LUNCH, Flags::SEEN, &[], nov(1, 11, 0));
    put(
        &mut store,
        GREETINGS,
        Flags::ANSWERED | Flags::FLAGGED,
        &["$Important"],
        nov(11, 4, 30),
    );
    settle(&mut store);
    put(&mut store, &menu(), Flags::DRAFT, &[], nov(20, 8, 0));
    put(&mut store, REPLY, Flags::DELETED, &["$Work"], nov(23, 9, 0));
    let sizes = [LUNCH, GREETINGS, &menu(), REPLY].map(|m| crlf(m).len());
    let mut lab = Lab::new(store);
    let selected = lab.select();
    assert!(
        selected.contains("* 4 EXISTS\r\n") && selected.contains("* 2 RECENT\r\n"),
        "{selected}"
    );
    (lab, sizes)
}

/// Runs `SEARCH criteria` and returns the numbers of the one SEARCH response.
fn search(lab: &mut Lab, criteria: &str) -> Vec<u32> {
    let out = lab.say(&format!("q SEARCH {criteria}\n"));
    assert!(
        out.ends_with("q OK SEARCH completed\r\n"),
        "SEARCH {criteria}: {out}"
    );
    search_numbers(&out)
}

fn search_numbers(out: &str) -> Vec<u32> {
    let lines: Vec<&str> = out
        .split("\r\n")
        .filter(|l| l.starts_with("* SEARCH"))
        .collect();
    assert_eq!(lines.len(), 1, "exactly one SEARCH response: {out}");
    let numbers = lines[0].strip_prefix("* SEARCH").unwrap_or_default();
    // §7.2.5: "* SEARCH" alone when nothing matches, else one space before each number.
    assert!(
        numbers.is_empty() || (numbers.starts_with(' ') && !numbers.ends_with(' ')),
        "{out}"
    );
    numbers
        .split(' ')
        .filter(|n| !n.is_empty())
        .map(|n| n.parse().unwrap_or_else(|_| panic!("{out}")))
        .collect()
}

#[test]
fn search_by_flags_and_keywords() {
    let (mut lab, _) = search_lab();
    let cases: &[(&str, &[u32])] = &[
        ("ALL", &[1, 2, 3, 4]),
        ("ANSWERED", &[2]),
        ("UNANSWERED", &[1, 3, 4]),
        ("DELETED", &[4]),
        ("UNDELETED", &[1, 2, 3]),
        ("DRAFT", &[3]),
        ("UNDRAFT", &[1, 2, 4]),
        ("FLAGGED", &[2]),
        ("UNFLAGGED", &[1, 3, 4]),
        ("SEEN", &[1]),
        ("UNSEEN", &[2, 3, 4]),
        ("RECENT", &[3, 4]),
        // "NEW: Messages that have the \Recent flag set but not the \Seen flag. This is
        // functionally equivalent to "(RECENT UNSEEN)"."
        ("NEW", &[3, 4]),
        ("OLD", &[1, 2]),
        ("KEYWORD $Important", &[2]),
        ("UNKEYWORD $Important", &[1, 3, 4]),
        ("KEYWORD $Work", &[4]),
        ("KEYWORD $Unused", &[]),
        ("UNKEYWORD $Unused", &[1, 2, 3, 4]),
        ("seen", &[1]),
    ];
    for &(criteria, expected) in cases {
        assert_eq!(search(&mut lab, criteria), expected, "SEARCH {criteria}");
    }
    // Once \Seen is stored on a recent message, it is no longer NEW, still RECENT.
    lab.say("s STORE 3 +FLAGS.SILENT (\\Seen)\n");
    assert_eq!(search(&mut lab, "NEW"), [4]);
    assert_eq!(search(&mut lab, "RECENT"), [3, 4]);
}

#[test]
fn search_by_address_subject_header_and_text() {
    let (mut lab, _) = search_lab();
    let cases: &[(&str, &[u32])] = &[
        ("FROM alice", &[1, 4]),
        ("FROM \"Carol\"", &[2]),
        ("FROM ALICE@CREPES.FR", &[1, 4]),
        ("TO alice", &[3]),
        ("TO bob@hamburger.edu", &[1, 2, 4]),
        ("CC dave", &[2]),
        ("CC alice", &[]),
        ("BCC secret", &[3]),
        ("SUBJECT lunch", &[1, 4]),
        ("SUBJECT \"on FRIDAY\"", &[1, 4]),
        ("SUBJECT \"Re: \"", &[4]),
        // The encoded-word is searched as the reader sees it (RFC 2047).
        ("SUBJECT \"aus\"", &[2]),
        // §6.4.4 HEADER: "If the string to search is zero-length, this matches all messages
        // that have a header line with the specified field-name regardless of the contents."
        ("HEADER X-Priority \"\"", &[2]),
        ("HEADER Date \"\"", &[1, 2, 3]),
        ("HEADER x-priority 1", &[2]),
        ("HEADER X-Nothing \"\"", &[]),
        ("HEADER Subject menu", &[3]),
        ("BODY crepes", &[1, 3]),
        ("BODY \"cidre brut\"", &[3]),
        ("BODY Lunch", &[]),
        ("TEXT Lunch", &[1, 4]),
        ("TEXT \"X-Priority\"", &[2]),
        ("TEXT Yes!", &[4]),
        ("TEXT cidre", &[3]),
    ];
    for &(criteria, expected) in cases {
        assert_eq!(search(&mut lab, criteria), expected, "SEARCH {criteria}");
    }
}

#[test]
fn search_with_utf8_strings_and_charsets() {
    let (mut lab, _) = search_lab();
    // A UTF-8 string goes in a literal (8-bit is not allowed in a quoted string, §4.3).
    let out = lab.say("a SEARCH CHARSET UTF-8 SUBJECT {5+}\nKöln\n");
    assert_eq!(search_numbers(&out), [2], "{out}");
    assert!(out.ends_with("a OK SEARCH completed\r\n"), "{out}");
    let out = lab.say("b SEARCH CHARSET UTF-8 BODY {7+}\nschöne\n");
    assert_eq!(search_numbers(&out), [2], "quoted-printable decoded: {out}");
    let out = lab.say("c SEARCH CHARSET utf-8 TEXT {7+}\nGrüße\n");
    assert_eq!(search_numbers(&out), [2], "{out}");
    assert_eq!(search(&mut lab, "CHARSET US-ASCII SUBJECT menu"), [3]);
    // §6.4.4: "If the server does not support the specified [CHARSET], it MUST return a tagged
    // NO response (not a BAD)"; §7.1 BADCHARSET may list the supported ones.
    let out = lab.say("d SEARCH CHARSET KOI8-R SUBJECT menu\n");
    assert!(!out.contains("* SEARCH"), "{out}");
    let prefix = "d NO [BADCHARSET (";
    assert!(out.starts_with(prefix), "{out}");
    let listed: BTreeSet<&str> = out[prefix.len()..]
        .split(')')
        .next()
        .unwrap_or_default()
        .split(' ')
        .collect();
    assert_eq!(listed, BTreeSet::from(["US-ASCII", "UTF-8"]), "{out}");
    assert_eq!(out.matches("\r\n").count(), 1, "{out}");
}

/// Messages whose text SEARCH must decode: RFC 2047 words (Q and B, a character split across
/// two words, ISO-8859-1), quoted-printable and base64 bodies in UTF-8 and ISO-8859-1, nested
/// multiparts with an attachment and an encapsulated message, a part in an unknown charset,
/// Greek capitals (a final sigma), two fields of one name, and raw 8-bit octets in a header.
fn tricky_messages() -> Vec<Vec<u8>> {
    let texts = [
        "From: =?UTF-8?B?SsO8cmdlbg==?= <juergen@example.org>
To: Bob <bob@hamburger.edu>
Subject: =?utf-8?q?Caf=C3?= =?utf-8?q?=A9_needle?= and
 =?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=
X-Note: NEEDLE in a header
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary=alt

--alt
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Sch=F6ne Gr=FC=DFe, the NEE=
DLE is soft-broken.
--alt
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

PHA+Q2Fmw6kgPGI+bmVlZGxlPC9iPjwvcD4=
--alt--
",
        "From: Carol <carol@hamburger.edu>
To: bob@hamburger.edu
To: =?utf-8?b?zp/OlM6fzqM=?= <odos@example.org>
Subject: =?utf-8?b?zpjOkc6bzpHOo86jzpE=?= report
Content-Type: multipart/mixed; boundary=mix

--mix
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

zpHOm86fzqMgzp/OlM6fzqMgbmVlZGxl
--mix
Content-Type: application/octet-stream; name=data.bin
Content-Transfer-Encoding: base64

bmVlZGxlIGluIGFuIGF0dGFjaG1lbnQ=
--mix
Content-Type: message/rfc822

Subject: Inner SUBJECT
From: inner@example.net

The inner needle.
--mix
Content-Type: text/plain; charset=x-unknown

needle in a charset nobody knows
--mix--
",
        "From: alice@crepes.fr
Subject: PLAIN ascii, Nothing Encoded
Cc: Dave <dave@hamburger.edu>

Just hay, no NeEdLe here? Yes: needle.
",
        "Subject: nothing

",
    ];
    let mut raws: Vec<Vec<u8>> = texts.iter().map(|t| crlf(t).into_bytes()).collect();
    raws.push(
        b"Subject: caf\xe9 \xff\r\nFrom: Ren\xc3\xa9 <rene@example.fr>\r\n\r\nna\xefve needle\r\n"
            .to_vec(),
    );
    raws
}

/// What SEARCH answered before it kept each message's text: the message parsed and decoded on
/// every search, then lowered, then `str::contains` (the criteria as `key` and `field`).
fn decoded_each_time(raw: &[u8], key: &str, field: &str, needle: &[u8]) -> bool {
    use maillab::lowercase::to_lowercase;
    use maillab::mail::encoded_word::decode_unstructured;
    use maillab::mail::header::{self, unfold};
    let parsed = maillab::mail::Message::parse(raw);
    let contains = |haystack: &str| {
        let needle = to_lowercase(&String::from_utf8_lossy(needle));
        needle.is_empty() || to_lowercase(haystack).contains(&needle)
    };
    let body = || {
        let texts: Vec<String> = parsed
            .leaves()
            .into_iter()
            .filter_map(|(_, part)| part.text(raw))
            .collect();
        texts.join("\n")
    };
    match key {
        "BODY" => contains(&body()),
        "TEXT" => {
            let header = raw.get(parsed.root().header.clone()).unwrap_or_default();
            contains(&decode_unstructured(&String::from_utf8_lossy(&unfold(
                header,
            )))) || contains(&body())
        }
        _ => {
            let values: Vec<String> = header::fields(raw, parsed.root().fields.clone())
                .filter(|f| f.is(raw, field))
                .map(|f| decode_unstructured(&String::from_utf8_lossy(&unfold(f.raw_value(raw)))))
                .collect();
            !values.is_empty() && contains(&values.join("\n"))
        }
    }
}

#[test]
fn search_over_the_kept_text_finds_what_decoding_every_time_found() {
    let raws = tricky_messages();
    let mut store = empty_store();
    for raw in &raws {
        store
            .append(
                Origin(99),
                "bob",
                "INBOX",
                raw.clone(),
                Flags::NONE,
                &[],
                nov(2, 0, 0),
            )
            .unwrap_or_else(|e| panic!("{e}"));
    }
    settle(&mut store);
    let mut lab = Lab::new(store);
    lab.select();
    let keys = [
        ("TEXT", ""),
        ("BODY", ""),
        ("SUBJECT", "Subject"),
        ("FROM", "From"),
        ("TO", "To"),
        ("CC", "Cc"),
        ("BCC", "Bcc"),
        ("HEADER X-NOTE", "X-NOTE"),
        ("HEADER x-unknown", "x-unknown"),
    ];
    let needles: [&[u8]; 24] = [
        b"needle",
        b"NEEDLE",
        b"",
        "café".as_bytes(),
        "CAFÉ NEEDLE".as_bytes(),
        "grüße aus köln".as_bytes(),
        "SCHÖNE".as_bytes(),
        "Jürgen".as_bytes(),
        "θαλασσα".as_bytes(),
        "ΘΑΛΑΣΣΑ".as_bytes(),
        "οδος".as_bytes(),
        "οδοσ".as_bytes(),
        "ς".as_bytes(),
        "<b>".as_bytes(),
        b"nee=",
        b"soft-broken",
        b"inner subject",
        b"attachment",
        b"nobody knows",
        "\u{fffd}".as_bytes(),
        "René".as_bytes(),
        "hamburger.edu\n οδος".as_bytes(),
        "kölnx-note".as_bytes(),
        "AND GRÜSSE".as_bytes(),
    ];
    for (key, field) in keys {
        for needle in needles {
            let expected: Vec<u32> = (1..=raws.len() as u32)
                .filter(|&n| decoded_each_time(&raws[n as usize - 1], key, field, needle))
                .collect();
            // A literal carries any octets (a line end too); twice: the text is derived by the
            // first search, read as kept by the second.
            for round in ["derived", "kept"] {
                let mut command =
                    format!("q SEARCH CHARSET UTF-8 {key} {{{}+}}\r\n", needle.len()).into_bytes();
                command.extend_from_slice(needle);
                command.extend_from_slice(b"\r\n");
                let out = lab.feed_on(0, &command);
                assert_eq!(
                    search_numbers(&out),
                    expected,
                    "{round}: SEARCH {key} {:?}",
                    String::from_utf8_lossy(needle)
                );
            }
        }
    }
    // Each needle is in some messages and not in others, except those that show what SEARCH
    // does not read: a quoted-printable soft break, an encapsulated message's header, an
    // attachment, an unknown charset, ß as "ss", σ for a final sigma, and a newline (TEXT reads
    // the header unfolded; only two fields of one name are joined by one).
    let nowhere: [&[u8]; 7] = [
        b"nee=",
        b"inner subject",
        b"attachment",
        b"nobody knows",
        "AND GRÜSSE".as_bytes(),
        "οδοσ".as_bytes(),
        "hamburger.edu\n οδος".as_bytes(),
    ];
    assert!(
        decoded_each_time(&raws[1], "TO", "To", "hamburger.edu\n οδος".as_bytes()),
        "the two To fields are read joined by a newline"
    );
    for needle in needles.iter().filter(|n| !n.is_empty()) {
        let hits = raws
            .iter()
            .filter(|raw| decoded_each_time(raw, "TEXT", "", needle))
            .count();
        let expected = if nowhere.contains(needle) {
            0..1
        } else {
            1..raws.len()
        };
        assert!(
            expected.contains(&hits),
            "{:?} found in {hits}",
            String::from_utf8_lossy(needle)
        );
    }
}

#[test]
fn search_by_internal_and_sent_dates() {
    let (mut lab, _) = search_lab();
    let cases: &[(&str, &[u32])] = &[
        // Internal date, day only (§6.4.4: "disregarding time and timezone").
        ("BEFORE 11-Nov-2026", &[1]),
        ("ON 11-Nov-2026", &[2]),
        ("SINCE 11-Nov-2026", &[2, 3, 4]),
        ("ON 1-Nov-2026", &[1]),
        ("BEFORE 1-Nov-2026", &[]),
        ("SINCE 24-Nov-2026", &[]),
        ("ON 23-Nov-2026", &[4]),
        ("SINCE 23-Nov-2026", &[4]),
        ("BEFORE 23-Nov-2026", &[1, 2, 3]),
        ("BEFORE \"20-Nov-2026\"", &[1, 2]),
        // The Date: field as written: message 2 says 10 Nov (-0500), 11 Nov in UTC; message
        // 4 has no Date: field and matches no SENT key.
        ("SENTBEFORE 10-Nov-2026", &[1]),
        ("SENTBEFORE 11-Nov-2026", &[1, 2]),
        ("SENTON 10-Nov-2026", &[2]),
        ("SENTON 11-Nov-2026", &[]),
        ("SENTSINCE 11-Nov-2026", &[3]),
        ("SENTSINCE 10-Nov-2026", &[2, 3]),
        ("SENTON 01-Nov-2026", &[1]),
        ("NOT SENTBEFORE 1-Jan-2100", &[4]),
    ];
    for &(criteria, expected) in cases {
        assert_eq!(search(&mut lab, criteria), expected, "SEARCH {criteria}");
    }
}

#[test]
fn search_by_size_is_strict() {
    let (mut lab, sizes) = search_lab();
    let numbers = |keep: &dyn Fn(usize) -> bool| -> Vec<u32> {
        (1..=4).filter(|&n| keep(sizes[n as usize - 1])).collect()
    };
    for &probe in &sizes {
        // "LARGER <n>: Messages with an [RFC-2822] size larger than the specified number of
        // octets"; SMALLER: smaller than. Neither includes a message of exactly n octets.
        assert_eq!(
            search(&mut lab, &format!("LARGER {probe}")),
            numbers(&|s| s > probe),
            "LARGER {probe}"
        );
        assert_eq!(
            search(&mut lab, &format!("SMALLER {probe}")),
            numbers(&|s| s < probe),
            "SMALLER {probe}"
        );
    }
    assert!(sizes[2] > 1500, "the menu is the large one");
    assert_eq!(search(&mut lab, "LARGER 1500"), [3]);
    assert_eq!(search(&mut lab, "SMALLER 1500"), [1, 2, 4]);
    assert_eq!(search(&mut lab, "LARGER 0"), [1, 2, 3, 4]);
    assert_eq!(search(&mut lab, "SMALLER 1"), Vec::<u32>::new());
}

#[test]
fn search_by_sequence_and_uid_sets() {
    let (mut lab, _) = search_lab();
    let cases: &[(&str, &[u32])] = &[
        ("1", &[1]),
        ("*", &[4]),
        ("2:*", &[2, 3, 4]),
        ("3:2", &[2, 3]),
        ("1,3", &[1, 3]),
        ("1:2,4", &[1, 2, 4]),
        ("NOT 2:3", &[1, 4]),
        ("1:3 UNSEEN", &[2, 3]),
        ("UID 3:4", &[2, 3]),
        ("UID 1", &[]),
        ("UID *", &[4]),
        ("UID 2,5", &[1, 4]),
        // §6.4.8: "a UID range of 559:* always includes the UID of the last message in the
        // mailbox, even if 559 is higher than any assigned UID value".
        ("UID 9:*", &[4]),
        ("UID 1:3", &[1, 2]),
    ];
    for &(criteria, expected) in cases {
        assert_eq!(search(&mut lab, criteria), expected, "SEARCH {criteria}");
    }
}

#[test]
fn uid_search_answers_uids() {
    let (mut lab, _) = search_lab();
    // §6.4.8: "the numbers returned in a SEARCH response for a UID SEARCH command are unique
    // identifiers instead of message sequence numbers."
    let cases: &[(&str, &str)] = &[
        ("ALL", "* SEARCH 2 3 4 5"),
        ("SEEN", "* SEARCH 2"),
        ("UID 1:3", "* SEARCH 2 3"),
        ("2:3", "* SEARCH 3 4"),
        ("UNDELETED UNSEEN", "* SEARCH 3 4"),
        ("DELETED SEEN", "* SEARCH"),
    ];
    for &(criteria, expected) in cases {
        let out = lab.say(&format!("u UID SEARCH {criteria}\n"));
        assert_eq!(
            out,
            format!("{expected}\r\nu OK UID SEARCH completed\r\n"),
            "UID SEARCH {criteria}"
        );
    }
}

#[test]
fn search_keys_nest_with_and_or_not() {
    let (mut lab, _) = search_lab();
    let cases: &[(&str, &[u32])] = &[
        ("OR SEEN FLAGGED", &[1, 2]),
        ("NOT OR SEEN FLAGGED", &[3, 4]),
        ("SEEN UNSEEN", &[]),
        ("(SEEN) (UNSEEN)", &[]),
        ("NOT NOT SEEN", &[1]),
        ("UNSEEN NOT DELETED", &[2, 3]),
        ("OR OR ANSWERED DRAFT DELETED", &[2, 3, 4]),
        ("OR ANSWERED OR DRAFT DELETED", &[2, 3, 4]),
        ("(OR SEEN DRAFT) FROM bob", &[3]),
        ("OR (SEEN FROM alice) (DELETED FROM alice)", &[1, 4]),
        ("NOT (FROM alice SEEN)", &[2, 3, 4]),
        ("OR (UID 2 SEEN) NOT 1:3", &[1, 4]),
        ("((((SEEN))))", &[1]),
        ("NOT OR NOT SEEN NOT FROM alice", &[1]),
    ];
    for &(criteria, expected) in cases {
        assert_eq!(search(&mut lab, criteria), expected, "SEARCH {criteria}");
    }
    let out = lab.say("e SEARCH OR SEEN\n");
    assert!(out.starts_with("e BAD "), "OR needs two keys: {out}");
    assert!(!out.contains("* SEARCH"), "{out}");
}

// --- UIDs across EXPUNGE (§2.3.1.1, §6.4.3, §7.4.1) ------------------------------------------

/// A store whose INBOX holds `n` small messages, UIDs 1..=n, not recent.
fn numbered_store(n: u32) -> Store {
    let mut store = empty_store();
    for i in 1..=n {
        put(
            &mut store,
            &format!("Subject: message {i}\n\nbody {i}\n"),
            Flags::NONE,
            &[],
            nov(1, 0, 0),
        );
    }
    settle(&mut store);
    store
}

/// The value of a response code such as `UIDVALIDITY` in `out`.
fn code_value(out: &str, code: &str) -> u32 {
    let start = format!("[{code} ");
    let at = out
        .find(&start)
        .unwrap_or_else(|| panic!("no {code} in {out}"))
        + start.len();
    let digits: String = out[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("{out}"))
}

#[test]
fn expunge_keeps_uids_shifts_numbers_and_never_reuses_a_uid() {
    let mut lab = Lab::new(numbered_store(4));
    let selected = lab.select();
    let validity = code_value(&selected, "UIDVALIDITY");
    assert_eq!(code_value(&selected, "UIDNEXT"), 5, "{selected}");

    lab.say("a STORE 2 +FLAGS.SILENT (\\Deleted)\n");
    assert_eq!(
        lab.say("b EXPUNGE\n"),
        "* 2 EXPUNGE\r\nb OK EXPUNGE completed\r\n"
    );
    // The UIDs stay with their messages; the numbers after the gap move down by one.
    assert_eq!(
        lab.say("c FETCH 1:* UID\n"),
        "* 1 FETCH (UID 1)\r\n* 2 FETCH (UID 3)\r\n* 3 FETCH (UID 4)\r\nc OK FETCH completed\r\n"
    );
    assert_eq!(
        lab.say("d UID FETCH 2 (UID FLAGS)\n"),
        "d OK UID FETCH completed\r\n",
        "the expunged UID names nothing"
    );
    assert_eq!(
        lab.say("e UID FETCH 1:3 UID\n"),
        "* 1 FETCH (UID 1)\r\n* 2 FETCH (UID 3)\r\ne OK UID FETCH completed\r\n"
    );
    assert!(lab.say("f FETCH 4 UID\n").starts_with("f BAD "));
    let out = lab.say("f2 FETCH 2 BODY.PEEK[TEXT]\n");
    assert!(
        out.starts_with("* 2 FETCH (BODY[TEXT] {8}\r\nbody 3\r\n)\r\n"),
        "{out}"
    );

    // Expunge the message with the highest UID: UID 4 is still never given again.
    lab.say("g STORE 3 +FLAGS.SILENT (\\Deleted)\n");
    assert_eq!(
        lab.say("h EXPUNGE\n"),
        "* 3 EXPUNGE\r\nh OK EXPUNGE completed\r\n"
    );
    let appended = lab.say(&format!(
        "i APPEND INBOX {}\n",
        literal("Subject: new\r\n\r\nnew\r\n")
    ));
    // RFC 4315 §3 APPENDUID: the mailbox's UIDVALIDITY and the new message's UID.
    assert!(
        appended.ends_with(&format!(
            "i OK [APPENDUID {validity} 5] APPEND completed\r\n"
        )),
        "{appended}"
    );
    // §7.3.1: the selected mailbox grew, and the session is told so.
    assert!(appended.contains("* 3 EXISTS\r\n"), "{appended}");
    assert_eq!(
        lab.say("j FETCH 1:* UID\n"),
        "* 1 FETCH (UID 1)\r\n* 2 FETCH (UID 3)\r\n* 3 FETCH (UID 5)\r\nj OK FETCH completed\r\n"
    );
    let reselected = lab.say("k SELECT INBOX\n");
    assert_eq!(
        code_value(&reselected, "UIDVALIDITY"),
        validity,
        "{reselected}"
    );
    assert_eq!(code_value(&reselected, "UIDNEXT"), 6, "{reselected}");
    assert!(reselected.contains("* 3 EXISTS\r\n"), "{reselected}");
    let status = lab.say("l STATUS INBOX (UIDNEXT UIDVALIDITY MESSAGES)\n");
    assert!(
        status.starts_with(&format!(
            "* STATUS INBOX (UIDNEXT 6 UIDVALIDITY {validity} MESSAGES 3)\r\n"
        )),
        "{status}"
    );
}

#[test]
fn expunge_numbers_each_response_after_the_ones_before_it() {
    // §6.4.3's example: messages 3, 4, 7 and 11 have \Deleted set.
    let mut lab = Lab::new(numbered_store(11));
    lab.select();
    lab.say("a STORE 3:4,7,11 +FLAGS.SILENT (\\Deleted)\n");
    assert_eq!(
        lab.say("A202 EXPUNGE\n"),
        "* 3 EXPUNGE\r\n* 3 EXPUNGE\r\n* 5 EXPUNGE\r\n* 8 EXPUNGE\r\nA202 OK EXPUNGE completed\r\n"
    );
    assert_eq!(
        search_numbers(&lab.say("b UID SEARCH ALL\n")),
        [1, 2, 5, 6, 8, 9, 10]
    );
}

#[test]
fn uid_expunge_removes_only_the_listed_deleted_messages() {
    let mut lab = Lab::new(numbered_store(4));
    lab.select();
    lab.say("a STORE 1:4 +FLAGS.SILENT (\\Deleted)\n");
    // RFC 4315 §2.1: only messages with \Deleted set AND a UID in the set are expunged.
    assert_eq!(
        lab.say("b UID EXPUNGE 2:3\n"),
        "* 2 EXPUNGE\r\n* 2 EXPUNGE\r\nb OK UID EXPUNGE completed\r\n"
    );
    assert_eq!(search_numbers(&lab.say("c UID SEARCH ALL\n")), [1, 4]);
}

#[test]
fn another_sessions_expunge_waits_until_a_command_may_announce_it() {
    let mut lab = Lab::new(numbered_store(4));
    lab.select_on(0, false);
    lab.open();
    lab.select_on(1, false);
    lab.say_on(1, "a STORE 2 +FLAGS.SILENT (\\Deleted)\n");
    assert_eq!(
        lab.say_on(1, "b EXPUNGE\n"),
        "* 2 EXPUNGE\r\nb OK EXPUNGE completed\r\n"
    );
    // §7.4.1: "An EXPUNGE response MUST NOT be sent when no command is in progress, nor while
    // responding to a FETCH, STORE, or SEARCH command." Until then session 0 keeps numbering
    // the old way: 4 is still a valid number and UID 4 still message 4.
    let fetched = lab.say_on(0, "c FETCH 4 UID\n");
    assert!(fetched.starts_with("* 4 FETCH (UID 4)\r\n"), "{fetched}");
    assert!(!fetched.contains("EXPUNGE"), "{fetched}");
    let searched = lab.say_on(0, "d SEARCH UID 3\n");
    assert!(searched.starts_with("* SEARCH 3\r\n"), "{searched}");
    assert!(!searched.contains("EXPUNGE"), "{searched}");
    let stored = lab.say_on(0, "e STORE 3 +FLAGS (\\Flagged)\n");
    assert!(!stored.contains("EXPUNGE"), "{stored}");
    assert!(
        stored.contains("* 3 FETCH (FLAGS (\\Flagged))\r\n"),
        "{stored}"
    );
    assert_eq!(
        lab.say_on(0, "f NOOP\n"),
        "* 2 EXPUNGE\r\nf OK NOOP completed\r\n"
    );
    assert_eq!(
        lab.say_on(0, "g FETCH 1:* UID\n"),
        "* 1 FETCH (UID 1)\r\n* 2 FETCH (UID 3)\r\n* 3 FETCH (UID 4)\r\ng OK FETCH completed\r\n"
    );
}

#[test]
fn two_sessions_expunge_and_arrival_in_one_sync_still_announce_exists() {
    let mut lab = Lab::new(numbered_store(3));
    lab.select_on(0, false);
    lab.open();
    lab.select_on(1, false);
    lab.say_on(0, "a STORE 1 +FLAGS.SILENT (\\Deleted)\n");
    assert_eq!(
        lab.say_on(0, "b EXPUNGE\n"),
        "* 1 EXPUNGE\r\nb OK EXPUNGE completed\r\n"
    );
    put(
        &mut lab.store,
        "Subject: late\n\nx\n",
        Flags::NONE,
        &[],
        nov(2, 0, 0),
    );
    // Session 1 knew 3 messages (UIDs 1–3); the store now has UIDs 2, 3 and 4. §7.3.1: "The
    // EXISTS response reports the number of messages in the mailbox"; §7.4.1 EXPUNGE
    // "decrements the number of messages". Whatever the order, the client must end at 3.
    let out = lab.say_on(1, "c NOOP\n");
    assert!(
        out.starts_with("* 1 EXPUNGE\r\n* 3 EXISTS\r\n")
            || out.starts_with("* 4 EXISTS\r\n* 1 EXPUNGE\r\n"),
        "{out}"
    );
    assert_eq!(
        lab.say_on(1, "d FETCH 3 UID\n"),
        "* 3 FETCH (UID 4)\r\nd OK FETCH completed\r\n"
    );
}

#[test]
fn star_in_an_empty_mailbox_is_bad() {
    let mut lab = Lab::new(empty_store());
    let selected = lab.select();
    assert!(selected.contains("* 0 EXISTS\r\n"), "{selected}");
    // §9 seq-number: "The server should respond with a tagged BAD response to a command that
    // uses a message sequence number greater than the number of messages in the selected
    // mailbox. This includes "*" if the selected mailbox is empty."
    for (i, command) in [
        "FETCH * FLAGS",
        "STORE * +FLAGS (\\Seen)",
        "COPY * Trash",
        "FETCH 1:* UID",
    ]
    .iter()
    .enumerate()
    {
        let out = lab.say(&format!("e{i} {command}\n"));
        assert!(out.starts_with(&format!("e{i} BAD ")), "{command}: {out}");
    }
}

#[test]
fn a_sequence_number_past_the_end_is_bad_in_search_too() {
    let mut lab = fetch_lab();
    let out = lab.say("a SEARCH 5\n");
    assert!(out.starts_with("a BAD "), "{out}");
    let out = lab.say("b SEARCH 1:9 SEEN\n");
    assert!(out.starts_with("b BAD "), "{out}");
}

// --- STORE (§6.4.6) ----------------------------------------------------------------------------

#[test]
fn store_replaces_adds_and_removes_flags() {
    let mut lab = Lab::new(numbered_store(3));
    lab.select();
    let steps: &[(&str, &[&str])] = &[
        ("FLAGS (\\Seen \\Flagged)", &["\\Seen", "\\Flagged"]),
        (
            "+FLAGS (\\Answered)",
            &["\\Seen", "\\Flagged", "\\Answered"],
        ),
        (
            "+FLAGS (\\Answered \\Draft)",
            &["\\Seen", "\\Flagged", "\\Answered", "\\Draft"],
        ),
        ("-FLAGS (\\Seen \\Flagged)", &["\\Answered", "\\Draft"]),
        ("-FLAGS (\\Deleted)", &["\\Answered", "\\Draft"]),
        ("FLAGS (\\Deleted)", &["\\Deleted"]),
        ("FLAGS ()", &[]),
        ("+FLAGS \\Seen", &["\\Seen"]),
    ];
    for (i, &(change, expected)) in steps.iter().enumerate() {
        let out = lab.say(&format!("s{i} STORE 2 {change}\n"));
        // "STORE … the server returns an untagged FETCH response with the new flags".
        assert_eq!(
            fetched_flags(&out, 2),
            Some(set(expected)),
            "STORE 2 {change}: {out}"
        );
        assert_eq!(out.matches(" FETCH ").count(), 1, "{out}");
        assert!(
            out.ends_with(&format!("s{i} OK STORE completed\r\n")),
            "{out}"
        );
    }
    assert_eq!(lab.flags(1), Flags::NONE);
    assert_eq!(lab.flags(2), Flags::SEEN);
    assert_eq!(lab.flags(3), Flags::NONE);
    let out = lab.say("t STORE 1:* +FLAGS (\\Deleted)\n");
    for n in 1..=3 {
        assert!(
            fetched_flags(&out, n).is_some_and(|f| f.contains("\\Deleted")),
            "{out}"
        );
    }
}

#[test]
fn store_silent_answers_only_the_tagged_ok() {
    let mut lab = Lab::new(numbered_store(2));
    lab.select();
    // §6.4.6: with .SILENT "the server SHOULD NOT send an untagged FETCH response".
    for (i, change) in [
        "FLAGS.SILENT (\\Seen \\Draft)",
        "+FLAGS.SILENT (\\Flagged)",
        "-FLAGS.SILENT (\\Draft)",
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(
            lab.say(&format!("s{i} STORE 1 {change}\n")),
            format!("s{i} OK STORE completed\r\n")
        );
    }
    assert_eq!(lab.flags(1), Flags::SEEN | Flags::FLAGGED);
    assert_eq!(lab.flags(2), Flags::NONE);
}

#[test]
fn uid_store_includes_the_uid_in_its_fetch_responses() {
    let mut lab = Lab::new(numbered_store(3));
    lab.select();
    lab.say("a STORE 1 +FLAGS.SILENT (\\Deleted)\n");
    lab.say("b EXPUNGE\n");
    // §6.4.8: "server implementations MUST implicitly include the UID message data item as
    // part of any FETCH response caused by a UID command".
    let out = lab.say("c UID STORE 3 +FLAGS (\\Seen)\n");
    assert_eq!(
        out,
        "* 2 FETCH (UID 3 FLAGS (\\Seen))\r\nc OK UID STORE completed\r\n"
    );
    assert_eq!(
        lab.say("d UID STORE 1 +FLAGS (\\Seen)\n"),
        "d OK UID STORE completed\r\n",
        "an expunged UID names nothing"
    );
}

#[test]
fn a_new_keyword_updates_flags_and_permanentflags_first() {
    let mut lab = Lab::new(numbered_store(2));
    let selected = lab.select();
    assert!(
        selected.contains("\\*)]"),
        "§7.1 PERMANENTFLAGS \\* says keywords can be created: {selected}"
    );
    lab.open();
    lab.select_on(1, false);
    let out = lab.say("a STORE 1 +FLAGS (Lunch)\n");
    let flags_at = out
        .find("* FLAGS (")
        .unwrap_or_else(|| panic!("no FLAGS: {out}"));
    let fetch_at = out
        .find("* 1 FETCH")
        .unwrap_or_else(|| panic!("no FETCH: {out}"));
    assert!(flags_at < fetch_at, "{out}");
    let flags_line = &out[flags_at..flags_at + out[flags_at..].find("\r\n").unwrap_or(0)];
    assert!(flags_line.contains(" Lunch"), "§7.2.6: {flags_line}");
    assert!(
        out.contains("* OK [PERMANENTFLAGS (") && out.contains(" Lunch \\*)]"),
        "{out}"
    );
    assert_eq!(fetched_flags(&out, 1), Some(set(&["Lunch"])));
    // The keyword exists now: using it again changes no FLAGS.
    let again = lab.say("b STORE 2 +FLAGS (Lunch)\n");
    assert!(!again.contains("* FLAGS"), "{again}");
    // The other session learns both the flag list and the message's flags at its next command.
    let other = lab.say_on(1, "c NOOP\n");
    assert!(
        other.contains("* FLAGS (") && other.contains(" Lunch)"),
        "{other}"
    );
    assert_eq!(fetched_flags(&other, 1), Some(set(&["Lunch"])), "{other}");
    assert_eq!(fetched_flags(&other, 2), Some(set(&["Lunch"])), "{other}");
    let found = lab.say("d SEARCH KEYWORD Lunch\n");
    assert!(found.starts_with("* SEARCH 1 2\r\n"), "{found}");
}

#[test]
fn recent_cannot_be_stored_and_stays_when_flags_are_replaced() {
    let mut store = empty_store();
    put(
        &mut store,
        "Subject: new\n\nx\n",
        Flags::NONE,
        &[],
        nov(1, 0, 0),
    );
    let mut lab = Lab::new(store);
    lab.select();
    // §2.3.2: \Recent "can not be altered by the client".
    for (i, change) in [
        "+FLAGS (\\Recent)",
        "FLAGS (\\Seen \\Recent)",
        "-FLAGS (\\Recent)",
    ]
    .iter()
    .enumerate()
    {
        let out = lab.say(&format!("r{i} STORE 1 {change}\n"));
        assert!(out.starts_with(&format!("r{i} BAD ")), "{change}: {out}");
        assert_eq!(out.matches("\r\n").count(), 1, "{out}");
    }
    assert_eq!(
        lab.flags(1),
        Flags::NONE,
        "nothing of a refused STORE is applied"
    );
    let out = lab.say("a STORE 1 FLAGS (\\Seen)\n");
    assert_eq!(
        fetched_flags(&out, 1),
        Some(set(&["\\Seen", "\\Recent"])),
        "{out}"
    );
    let out = lab.say("b STORE 1 FLAGS ()\n");
    assert_eq!(fetched_flags(&out, 1), Some(set(&["\\Recent"])), "{out}");
}

#[test]
fn store_on_an_examined_mailbox_is_refused_read_only() {
    let mut lab = Lab::new(numbered_store(2));
    let selected = lab.select_on(0, true);
    assert!(selected.contains("S1 OK [READ-ONLY] "), "{selected}");
    for (i, command) in [
        "STORE 1 +FLAGS (\\Seen)",
        "UID STORE 1:2 FLAGS (\\Deleted)",
        "STORE 2 +FLAGS.SILENT (Lunch)",
    ]
    .iter()
    .enumerate()
    {
        let out = lab.say(&format!("x{i} {command}\n"));
        assert!(
            out.starts_with(&format!("x{i} NO [READ-ONLY] ")),
            "{command}: {out}"
        );
        assert_eq!(out.matches("\r\n").count(), 1, "{out}");
    }
    assert_eq!(lab.flags(1), Flags::NONE);
    assert_eq!(lab.flags(2), Flags::NONE);
    assert!(lab.say("y EXPUNGE\n").starts_with("y NO [READ-ONLY] "));
}

#[test]
fn store_names_only_existing_messages() {
    let mut lab = Lab::new(numbered_store(2));
    lab.select();
    let out = lab.say("a STORE 3 +FLAGS (\\Seen)\n");
    assert!(out.starts_with("a BAD "), "{out}");
    let out = lab.say("b STORE 1 +FLAGS (\\Unknown)\n");
    assert!(
        out.starts_with("b BAD ") || out.starts_with("b NO "),
        "{out}"
    );
    assert_eq!(lab.flags(1), Flags::NONE);
    assert_eq!(lab.flags(2), Flags::NONE);
}

// --- Through the network: port 143 -------------------------------------------------------------

#[test]
fn every_mail_host_answers_imap_on_port_143() {
    let mut world = World::textbook(TEXTBOOK_EPOCH).unwrap_or_else(|e| panic!("{e}"));
    let conn = world
        .connect("t", HOST, IMAP_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    let say = |world: &mut World, text: &str| {
        if !text.is_empty() {
            world
                .send(conn, crlf(text).as_bytes())
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let mut out = String::new();
        while let Some(d) = world.poll_delivery(conn) {
            match d {
                Delivery::Data(bytes) => out.push_str(&String::from_utf8_lossy(&bytes)),
                Delivery::Closed => out.push_str("<closed>"),
            }
        }
        out
    };
    let greeting = say(&mut world, "");
    // §7.1.1 / §7.2.1: an OK greeting, here with the capabilities.
    assert!(
        greeting.starts_with("* OK [CAPABILITY IMAP4rev1 "),
        "{greeting}"
    );
    assert!(greeting.ends_with("\r\n"), "{greeting}");
    let selected = say(&mut world, "a LOGIN bob hungry\nb SELECT INBOX\n");
    assert!(selected.contains("* 2 EXISTS\r\n"), "{selected}");
    let sizes = say(&mut world, "c FETCH 1:* RFC822.SIZE\n");
    assert_eq!(
        sizes,
        "* 1 FETCH (RFC822.SIZE 498)\r\n* 2 FETCH (RFC822.SIZE 912)\r\nc OK FETCH completed\r\n"
    );
    let bye = say(&mut world, "d LOGOUT\n");
    assert!(bye.starts_with("* BYE "), "{bye}");
    assert!(bye.ends_with("d OK LOGOUT completed\r\n<closed>"), "{bye}");
}

// --- Robustness: any split, any bytes, any command sequence -----------------------------------

/// The server's bytes as whole responses (§2.2.2, §4.3): every line ends in CRLF, no bare CR or
/// LF outside a literal, every literal as long as announced. Returns the lines, each literal
/// replaced by `{n}`.
fn responses(out: &[u8]) -> Result<Vec<String>, String> {
    let mut lines = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < out.len() {
        match out[i] {
            b'\r' if out.get(i + 1) == Some(&b'\n') => {
                i += 2;
                if let Some(n) = announced_literal(&line) {
                    if i + n > out.len() {
                        return Err(format!("literal of {n} cut short: {line:?}"));
                    }
                    i += n;
                    continue;
                }
                lines.push(String::from_utf8_lossy(&line).into_owned());
                line.clear();
            }
            b'\r' | b'\n' => {
                return Err(format!(
                    "bare CR or LF after {:?}",
                    String::from_utf8_lossy(&line)
                ));
            }
            b => {
                line.push(b);
                i += 1;
            }
        }
    }
    if line.is_empty() {
        Ok(lines)
    } else {
        Err(format!(
            "unterminated: {:?}",
            String::from_utf8_lossy(&line)
        ))
    }
}

/// `n` when `line` ends in a literal's `{n}` (`{n+}` is the client's alone).
fn announced_literal(line: &[u8]) -> Option<usize> {
    let open = line.strip_suffix(b"}")?;
    let at = open.iter().rposition(|&b| b == b'{')?;
    let digits = open.get(at + 1..)?;
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Feeds `input` in chunks of `size` to a fresh session over [`fetch_store`] and returns every
/// byte the server sent, and whether it closed.
fn run_split(input: &[u8], size: usize) -> (Vec<u8>, bool) {
    let mut store = fetch_store();
    let config = Config {
        host: HOST.into(),
        origin: Origin(1),
        token: "1.1".into(),
    };
    let mut server = Server::greet(config, &store, TEXTBOOK_EPOCH);
    let mut out = Vec::new();
    let mut closed = false;
    let mut drain = |server: &mut Server, out: &mut Vec<u8>| {
        while let Some(o) = server.poll_output() {
            match o {
                Output::Send(bytes) => {
                    assert!(!closed, "bytes after Close");
                    out.extend(bytes);
                }
                Output::Close => closed = true,
                Output::Event(_) => {}
            }
        }
    };
    drain(&mut server, &mut out);
    for chunk in input.chunks(size.max(1)) {
        server.feed(chunk, &mut store, TEXTBOOK_EPOCH);
        drain(&mut server, &mut out);
    }
    (out, closed)
}

/// A session as a client would type it, literals and IDLE included.
fn realistic_session() -> Vec<u8> {
    let message = crlf("From: alice@crepes.fr\nSubject: split\n\nany split\n");
    let mut input = crlf(
        "a1 CAPABILITY\n\
a2 LOGIN {3}\nbob {6}\nhungry\n\
a3 SELECT INBOX\n\
a4 FETCH 1:* (FLAGS UID RFC822.SIZE ENVELOPE BODYSTRUCTURE)\n\
a5 FETCH 3 (BODY.PEEK[5.HEADER.FIELDS (Subject)] BODY[1]<0.20> BODY[3.1.MIME])\n\
a6 SEARCH CHARSET UTF-8 OR SUBJECT {5+}\nKöln TEXT \"appears here\"\n\
a7 UID STORE 2 +FLAGS (\\Deleted $Junk)\n\
a8 STORE 1 FLAGS.SILENT (\\Answered)\n",
    );
    input.push_str(&format!(
        "a9 APPEND INBOX (\\Seen) {{{}}}\r\n{message}\r\n",
        message.len()
    ));
    input.push_str(&format!(
        "a10 APPEND INBOX \"01-Nov-2026 10:00:00 +0100\" {{{}+}}\r\n{message}\r\n",
        message.len()
    ));
    input.push_str(&crlf(
        "a11 IDLE\nDONE\n\
a12 EXPUNGE\n\
a13 UID SEARCH ALL\n\
a14 FETCH 2:* (RFC822.HEADER INTERNALDATE)\n\
a15 UID FETCH 1:* (BODY.PEEK[TEXT]<2.5>)\n\
a16 STATUS INBOX (MESSAGES UIDNEXT UNSEEN)\n\
a17 LIST \"\" *\n\
a18 CLOSE\n\
a19 LOGOUT\n",
    ));
    input.into_bytes()
}

#[test]
fn the_same_bytes_split_anywhere_give_the_same_answers() {
    let input = realistic_session();
    let (whole, closed) = run_split(&input, input.len());
    assert!(closed);
    let lines = responses(&whole).unwrap_or_else(|e| panic!("{e}"));
    for n in 1..=19 {
        let tag = format!("a{n} ");
        let answers: Vec<&String> = lines.iter().filter(|l| l.starts_with(&tag)).collect();
        assert_eq!(answers.len(), 1, "{tag}: {lines:#?}");
        assert!(answers[0].starts_with(&format!("a{n} OK ")), "{lines:#?}");
    }
    for size in 1..=64 {
        let (split, _) = run_split(&input, size);
        assert_eq!(
            String::from_utf8_lossy(&split),
            String::from_utf8_lossy(&whole),
            "chunks of {size}"
        );
    }
}

mod properties {
    #![cfg(not(target_arch = "wasm32"))]
    use super::support::StoreWatch;
    use super::*;
    use proptest::prelude::*;

    fn sequence_set() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "1", "2:*", "*", "1,3", "1:4", "9", "3:1", "1:*", "2,2,1",
        ])
    }

    fn fetch_items() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "FLAGS",
            "UID",
            "BODY.PEEK[]",
            "BODY[1]",
            "BODY[HEADER.FIELDS (Subject)]",
            "BODY.PEEK[5.1.MIME]",
            "(ENVELOPE BODYSTRUCTURE)",
            "RFC822.SIZE",
            "ALL",
            "FAST",
            "FULL",
            "(FLAGS BODY[TEXT]<0.10>)",
            "BODY.PEEK[3.2]<5.1000>",
            "(INTERNALDATE RFC822.HEADER)",
            "RFC822",
        ])
    }

    fn flag_list() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "(\\Seen)",
            "(\\Deleted)",
            "(\\Flagged Lunch)",
            "(\\Recent)",
            "()",
            "(\\Deleted \\Seen $Junk)",
        ])
    }

    fn search_keys() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "ALL",
            "SEEN",
            "OR SEEN DELETED",
            "NOT 1:2",
            "UID 2:*",
            "SUBJECT example",
            "TEXT appears",
            "LARGER 100",
            "SINCE 2-Nov-2026",
            "KEYWORD Lunch",
            "CHARSET KOI8-R ALL",
            "HEADER Subject \"\"",
            "(DELETED) NOT (NEW)",
        ])
    }

    /// One command line (or IDLE and its DONE), without the tag and the first space.
    fn command() -> impl Strategy<Value = String> {
        let message = crlf("Subject: appended\n\nhello\n");
        prop_oneof![
            prop::sample::select(vec![
                "NOOP",
                "CHECK",
                "CAPABILITY",
                "NAMESPACE",
                "ID NIL",
                "SELECT INBOX",
                "EXAMINE INBOX",
                "SELECT Trash",
                "SELECT Nowhere",
                "UNSELECT",
                "CLOSE",
                "EXPUNGE",
                "LIST \"\" *",
                "LSUB \"\" %",
                "STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)",
                "CREATE Lists/new",
                "DELETE Lists/new",
                "RENAME Trash Bin",
                "LOGIN bob hungry",
                "FETCH",
                "STORE 1 +FLAGS",
                "SEARCH",
            ])
            .prop_map(str::to_owned),
            (prop::bool::ANY, sequence_set(), fetch_items())
                .prop_map(|(uid, set, items)| format!("{}FETCH {set} {items}", uid_prefix(uid))),
            (
                prop::bool::ANY,
                sequence_set(),
                prop::sample::select(vec![
                    "FLAGS",
                    "+FLAGS",
                    "-FLAGS",
                    "+FLAGS.SILENT",
                    "FLAGS.SILENT"
                ]),
                flag_list()
            )
                .prop_map(|(uid, set, mode, flags)| format!(
                    "{}STORE {set} {mode} {flags}",
                    uid_prefix(uid)
                )),
            (prop::bool::ANY, search_keys())
                .prop_map(|(uid, keys)| format!("{}SEARCH {keys}", uid_prefix(uid))),
            (
                prop::bool::ANY,
                sequence_set(),
                prop::sample::select(vec!["Trash", "Archive", "INBOX", "Nowhere"])
            )
                .prop_map(|(uid, set, to)| format!("{}COPY {set} {to}", uid_prefix(uid))),
            (prop::bool::ANY, sequence_set())
                .prop_map(|(uid, set)| format!("{}MOVE {set} Archive", uid_prefix(uid))),
            sequence_set().prop_map(|set| format!("UID EXPUNGE {set}")),
            Just(format!(
                "APPEND INBOX (\\Seen) {{{}}}\r\n{message}",
                message.len()
            )),
            Just(format!("APPEND INBOX {{{}+}}\r\n{message}", message.len())),
            Just("IDLE\r\nDONE".to_owned()),
            "[ -z|~]{0,40}".prop_map(|junk| junk),
        ]
    }

    fn uid_prefix(uid: bool) -> &'static str {
        if uid { "UID " } else { "" }
    }

    /// What a client following the responses believes: how many messages there are.
    #[derive(Default)]
    struct Model {
        exists: Option<u32>,
    }

    impl Model {
        /// Checks one untagged line against the model and updates it (§7.3.1, §7.4.1).
        fn read(&mut self, line: &str) -> Result<(), String> {
            let mut words = line.split(' ');
            let (Some("*"), Some(n), Some(kind)) = (words.next(), words.next(), words.next())
            else {
                return Ok(());
            };
            let Ok(n) = n.parse::<u32>() else {
                return Ok(());
            };
            match kind {
                "EXISTS" => self.exists = Some(n),
                "EXPUNGE" => {
                    let exists = self.exists.unwrap_or(0);
                    if n == 0 || n > exists {
                        return Err(format!("{line} with {exists} messages"));
                    }
                    self.exists = Some(exists - 1);
                }
                "FETCH" => {
                    let exists = self.exists.unwrap_or(0);
                    if n == 0 || n > exists {
                        return Err(format!("{line} with {exists} messages"));
                    }
                }
                _ => {}
            }
            Ok(())
        }
    }

    /// Two sessions of bob on one store (the second idle unless a step names it); each runs
    /// its commands in turn.
    fn check_commands(steps: &[(usize, String)]) -> Result<(), TestCaseError> {
        let mut lab = Lab::new(fetch_store());
        lab.open();
        let mut models = [Model::default(), Model::default()];
        for (i, model) in models.iter_mut().enumerate() {
            let out = lab.select_on(i, false);
            for line in responses(out.as_bytes()).map_err(TestCaseError::fail)? {
                model.read(&line).map_err(TestCaseError::fail)?;
            }
        }
        let mut logged_out = [false, false];
        let mut watch = StoreWatch::default();
        for (n, (i, command)) in steps.iter().enumerate() {
            let tag = format!("t{n}");
            let out = lab.feed_on(*i, format!("{tag} {command}\r\n").as_bytes());
            // The store's invariants hold and nothing changed a message's octets or reused a UID.
            watch
                .step(&lab.store)
                .map_err(|e| TestCaseError::fail(format!("{tag} {command}: {e}")))?;
            let lines = responses(out.as_bytes())
                .map_err(|e| TestCaseError::fail(format!("{tag} {command}: {e}")))?;
            let tagged: Vec<&String> = lines
                .iter()
                .filter(|l| !l.starts_with("* ") && !l.starts_with("+ "))
                .collect();
            if logged_out[*i] {
                prop_assert!(out.is_empty(), "after LOGOUT: {out}");
                continue;
            }
            prop_assert_eq!(tagged.len(), 1, "{} {}: {:?}", tag, command, lines);
            let status = tagged[0]
                .strip_prefix(&format!("{tag} "))
                .unwrap_or_default();
            prop_assert!(
                ["OK ", "NO ", "BAD "].iter().any(|s| status.starts_with(s)),
                "{} {}: {:?}",
                tag,
                command,
                lines
            );
            // §7.4.1: no EXPUNGE while answering FETCH, STORE or SEARCH (their UID forms may).
            let word = command.split(' ').next().unwrap_or_default();
            if ["FETCH", "STORE", "SEARCH"].contains(&word) {
                prop_assert!(
                    !lines
                        .iter()
                        .any(|l| l.ends_with(" EXPUNGE") && l.starts_with("* ")),
                    "{} {}: {:?}",
                    tag,
                    command,
                    lines
                );
            }
            if status.starts_with("OK ") && ["SELECT", "EXAMINE"].contains(&word) {
                models[*i] = Model::default();
            }
            for line in &lines {
                models[*i]
                    .read(line)
                    .map_err(|e| TestCaseError::fail(format!("{tag} {command}: {e}")))?;
            }
            logged_out[*i] |= out.contains("<closed>");
        }
        Ok(())
    }

    fn junk_or_commands() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            command().prop_map(|c| format!("x {c}\r\n").into_bytes()),
            Just(b"x IDLE\r\n".to_vec()),
            Just(b"DONE\r\n".to_vec()),
            Just(b"x APPEND INBOX {5}\r\n".to_vec()),
            Just(b"x SEARCH SUBJECT {3+}\r\n".to_vec()),
            Just(b"x AUTHENTICATE PLAIN\r\n".to_vec()),
            Just(b"x FETCH 1 BODY[HEADER.FIELDS ({4}\r\n".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..200),
        ];
        proptest::collection::vec(piece, 0..20).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Any bytes after LOGIN: no panic, and what comes out is whole responses.
        #[test]
        fn any_bytes_keep_the_server_sound(body in junk_or_commands(), split in 1usize..40) {
            let mut input = b"L LOGIN bob hungry\r\nS SELECT INBOX\r\n".to_vec();
            input.extend(body);
            let (out, _) = run_split(&input, split);
            let lines = responses(&out).map_err(TestCaseError::fail)?;
            prop_assert!(lines[0].starts_with("* OK "), "{:?}", lines);
            prop_assert!(lines.iter().any(|l| l.starts_with("S OK [READ-WRITE]")), "{:?}", lines);
        }

        /// Plausible commands: exactly one tagged response each, sequence numbers that the
        /// client can follow, and no EXPUNGE during FETCH, STORE or SEARCH.
        #[test]
        fn every_command_gets_exactly_one_tagged_response(
            steps in proptest::collection::vec((0usize..1, command()), 1..40)
        ) {
            check_commands(&steps)?;
        }

        /// The same with two sessions of bob taking turns, so that each sees the other's
        /// expunges, appends and flag changes.
        #[test]
        fn two_sessions_keep_their_sequence_numbers_in_step(
            steps in proptest::collection::vec((0usize..2, command()), 1..40)
        ) {
            check_commands(&steps)?;
        }
    }
}

#[test]
fn envelope_keeps_encoded_words_quotes_groups_and_reply_to() {
    let mut store = empty_store();
    put(&mut store, GREETINGS, Flags::NONE, &[], nov(1, 0, 0));
    put(
        &mut store,
        "From: \"Doe, \\\"J\\\"\" <j@x.y>\nReply-To: list@x.y\nIn-Reply-To: <a@b>\n\
Subject: \"q\" \\ b\nTo: undisclosed-recipients:;\n\nx\n",
        Flags::NONE,
        &[],
        nov(1, 0, 0),
    );
    settle(&mut store);
    let mut lab = Lab::new(store);
    lab.select();
    let out = lab.say("a FETCH 1:2 ENVELOPE\n");
    // §7.4.2: the subject as in the header (encoded-words are the client's to decode); the
    // quoting of the address's display name removed and the string re-quoted for IMAP; a
    // group as (NIL NIL "name" NIL) … (NIL NIL NIL NIL); Reply-To kept, Sender from From; a
    // missing Date and Message-ID are NIL.
    let carol = "((\"Carol\" NIL \"carol\" \"hamburger.edu\"))";
    let doe = "((\"Doe, \\\"J\\\"\" NIL \"j\" \"x.y\"))";
    assert_eq!(
        out,
        format!(
            "* 1 FETCH (ENVELOPE (\"Tue, 10 Nov 2026 23:30:00 -0500\" \
\"=?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=\" {carol} {carol} {carol} \
((NIL NIL \"bob\" \"hamburger.edu\")) ((\"Dave\" NIL \"dave\" \"hamburger.edu\")) NIL NIL NIL))\r\n\
* 2 FETCH (ENVELOPE (NIL \"\\\"q\\\" \\\\ b\" {doe} {doe} ((NIL NIL \"list\" \"x.y\")) \
((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL \"<a@b>\" NIL))\r\n\
a OK FETCH completed\r\n"
        )
    );
}

#[test]
fn an_idling_session_hears_of_new_mail_at_once() {
    let mut lab = Lab::new(numbered_store(2));
    lab.select();
    assert_eq!(lab.say("a IDLE\n"), "+ idling\r\n");
    put(
        &mut lab.store,
        "Subject: late\n\nx\n",
        Flags::NONE,
        &[],
        nov(2, 0, 0),
    );
    lab.sessions[0].handle_store_change(&mut lab.store);
    // RFC 2177 §3: while idling, "untagged EXISTS … responses" come as the mailbox changes.
    assert_eq!(lab.drain(0), "* 3 EXISTS\r\n* 1 RECENT\r\n");
    assert_eq!(lab.say("DONE\n"), "a OK IDLE terminated\r\n");
}
