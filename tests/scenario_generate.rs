//! Generated mailboxes (`"generate"` in a scenario): the same seed gives the same octets, the
//! mailbox holds as many messages as asked, their sizes are their octets, they look like real
//! mail (varied senders, MIME, dates in order), SEARCH finds exactly the ones with the needle,
//! and an absurd count is refused with a clear error.

use maillab::mail::Message;
use maillab::net::{ConnId, Delivery, IMAP_PORT, POP3_PORT, Scenario, ScenarioError, World};
use maillab::store::{Flags, Store};

fn scenario(generate: &str) -> String {
    format!(
        r#"{{"format":"maillab-scenario","version":1,"name":"big","start":"Mon, 23 Nov 2026 09:00:00 +0000",
            "hosts":[{{"name":"mail.hamburger.edu","address":"192.0.2.20","domains":["hamburger.edu"],
              "accounts":[{{"user":"bob","password":"hungry","addresses":["bob@hamburger.edu"],
                "mailboxes":{{"INBOX":[{{"received":"Mon, 23 Nov 2026 06:00:00 +0000","lines":["Subject: listed","","first"]}}]}},
                "generate":[{generate}]}}]}}]}}"#
    )
}

fn world(generate: &str) -> Result<World, ScenarioError> {
    World::from_scenario(&Scenario::parse(&scenario(generate))?, None)
}

fn store(world: &World) -> &Store {
    world
        .host("mail.hamburger.edu")
        .map(|h| h.store())
        .unwrap_or_else(|| panic!("no host"))
}

fn raws(world: &World, mailbox: &str) -> Vec<Vec<u8>> {
    store(world)
        .messages("bob", mailbox)
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|m| m.raw().to_vec())
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_same_seed_gives_byte_identical_messages() {
    let spec = r#"{"mailbox":"INBOX","count":300,"seed":7}"#;
    let a = world(spec).unwrap_or_else(|e| panic!("{e}"));
    let b = world(spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(raws(&a, "INBOX"), raws(&b, "INBOX"));
    let flags = |w: &World| -> Vec<(Flags, u64)> {
        store(w)
            .messages("bob", "INBOX")
            .unwrap_or_else(|e| panic!("{e}"))
            .iter()
            .map(|m| (m.flags(), m.internal_date().unix_millis()))
            .collect()
    };
    assert_eq!(flags(&a), flags(&b), "flags and dates too");
    let other =
        world(r#"{"mailbox":"INBOX","count":300,"seed":8}"#).unwrap_or_else(|e| panic!("{e}"));
    let (mine, theirs) = (raws(&a, "INBOX"), raws(&other, "INBOX"));
    assert_eq!(mine[0], theirs[0], "the listed message is the same");
    assert!(
        mine[1..].iter().zip(&theirs[1..]).all(|(x, y)| x != y),
        "another seed gives other messages"
    );
}

#[test]
fn the_mailbox_holds_the_listed_messages_then_as_many_as_asked() {
    let w = world(
        r#"{"mailbox":"INBOX","count":250,"seed":1},{"mailbox":"Lists/Old","count":40,"seed":2}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let inbox = raws(&w, "INBOX");
    assert_eq!(inbox.len(), 251);
    assert!(
        inbox[0].starts_with(b"Subject: listed\r\n"),
        "the listed one first"
    );
    assert_eq!(
        raws(&w, "Lists/Old").len(),
        40,
        "a mailbox that did not exist is created"
    );
    let none = world(r#"{"mailbox":"INBOX","count":0}"#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(raws(&none, "INBOX").len(), 1);
}

fn drain(world: &mut World, conn: ConnId) -> String {
    let mut text = Vec::new();
    while let Some(Delivery::Data(bytes)) = world.poll_delivery(conn) {
        text.extend_from_slice(&bytes);
    }
    String::from_utf8_lossy(&text).into_owned()
}

#[test]
fn sizes_are_the_octets_and_pop3_list_says_so() {
    let mut w =
        world(r#"{"mailbox":"INBOX","count":200,"seed":3}"#).unwrap_or_else(|e| panic!("{e}"));
    let messages = store(&w)
        .messages("bob", "INBOX")
        .unwrap_or_else(|e| panic!("{e}"));
    let sizes: Vec<usize> = messages.iter().map(|m| m.size()).collect();
    assert!(messages.iter().all(|m| m.size() == m.raw().len()));
    // Every line ends in CRLF, as stored mail must.
    for m in messages {
        assert_eq!(
            m.raw().windows(2).filter(|w| w == b"\r\n").count(),
            m.raw().iter().filter(|&&b| b == b'\n').count()
        );
    }
    let pop = w
        .connect("test", "mail.hamburger.edu", POP3_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    w.send(pop, b"USER bob\r\nPASS hungry\r\nLIST\r\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let reply = drain(&mut w, pop);
    let listed: Vec<usize> = reply
        .lines()
        .filter_map(|l| {
            let (n, size) = l.trim_end().split_once(' ')?;
            n.parse::<usize>().ok()?;
            size.parse().ok()
        })
        .collect();
    assert_eq!(listed, sizes, "{reply}");
    // Sizes vary: short notes and long letters.
    let (min, max) = (sizes.iter().min(), sizes.iter().max());
    assert!(min.is_some_and(|&s| s < 1200), "{min:?}");
    assert!(max.is_some_and(|&s| s > 6000), "{max:?}");
}

#[test]
fn generated_messages_look_like_real_mail() {
    let w = world(r#"{"mailbox":"INBOX","count":500,"seed":42}"#).unwrap_or_else(|e| panic!("{e}"));
    let messages = &store(&w)
        .messages("bob", "INBOX")
        .unwrap_or_else(|e| panic!("{e}"))[1..];
    let start = maillab::time::TEXTBOOK_EPOCH;
    let mut senders = std::collections::BTreeSet::new();
    let (mut multipart, mut alternative, mut attached, mut encoded, mut seen) = (0, 0, 0, 0, 0);
    let mut last = None;
    for m in messages {
        let parsed = Message::parse(m.raw());
        let from = parsed.from();
        assert_eq!(from.len(), 1);
        senders.insert(format!("{}@{}", from[0].local_part, from[0].domain));
        assert!(parsed.subject().is_some_and(|s| !s.is_empty()));
        assert!(parsed.date().is_some());
        assert!(parsed.message_id().is_some_and(|id| id.contains(".gen@")));
        assert_eq!(
            parsed.field_value("To").as_deref(),
            Some(&b"bob@hamburger.edu"[..])
        );
        let raw = m.raw();
        multipart += usize::from(contains(raw, b"Content-Type: multipart/"));
        alternative += usize::from(contains(raw, b"multipart/alternative"));
        attached += usize::from(contains(raw, b"Content-Disposition: attachment"));
        encoded += usize::from(contains(raw, b"From: =?"));
        seen += usize::from(m.flags().contains(Flags::SEEN));
        assert!(
            m.internal_date() < start,
            "received before the world starts"
        );
        assert!(
            last.is_none_or(|l| l < m.internal_date()),
            "in order of arrival"
        );
        last = Some(m.internal_date());
    }
    assert!(senders.len() > 200, "{} senders", senders.len());
    assert!((50..250).contains(&multipart), "{multipart} multipart");
    assert!(alternative > 0 && attached > 0 && encoded > 0);
    assert!((250..450).contains(&seen), "{seen} seen");
    let ids: std::collections::BTreeSet<_> = messages
        .iter()
        .map(|m| Message::parse(m.raw()).message_id())
        .collect();
    assert_eq!(ids.len(), messages.len(), "Message-IDs are unique");
}

#[test]
fn search_finds_exactly_the_messages_with_the_needle() {
    for (spec, word) in [
        (r#"{"mailbox":"INBOX","count":400,"seed":5}"#, "needle"),
        (
            r#"{"mailbox":"INBOX","count":400,"seed":5,"needle":"Zebra42"}"#,
            "Zebra42",
        ),
    ] {
        let mut w = world(spec).unwrap_or_else(|e| panic!("{e}"));
        let expected: Vec<String> = raws(&w, "INBOX")
            .iter()
            .enumerate()
            .filter(|(_, raw)| contains(raw, word.as_bytes()))
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        assert!(
            (20..70).contains(&expected.len()),
            "about one in ten: {}",
            expected.len()
        );
        let imap = w
            .connect("test", "mail.hamburger.edu", IMAP_PORT)
            .unwrap_or_else(|e| panic!("{e}"));
        let command =
            format!("a LOGIN bob hungry\r\nb SELECT INBOX\r\nc SEARCH TEXT \"{word}\"\r\n");
        w.send(imap, command.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        let reply = drain(&mut w, imap);
        let found = reply
            .lines()
            .find_map(|l| l.strip_prefix("* SEARCH"))
            .unwrap_or_else(|| panic!("{reply}"));
        let found: Vec<&str> = found.split_whitespace().collect();
        assert_eq!(found, expected);
    }
}

#[test]
fn absurd_counts_and_bad_needles_are_refused_clearly() {
    let too_many = Scenario::parse(&scenario(r#"{"mailbox":"INBOX","count":100001}"#));
    assert_eq!(too_many, Err(ScenarioError::TooManyGenerated(100_001)));
    let message = too_many.map(|_| ()).unwrap_err().to_string();
    assert_eq!(
        message,
        "the scenario asks for 100001 generated messages; at most 100000 in all"
    );
    // The limit is for the whole scenario, and a count far past any integer type is still ours.
    let split = r#"{"mailbox":"INBOX","count":60000},{"mailbox":"Old","count":60000}"#;
    assert_eq!(
        Scenario::parse(&scenario(split)),
        Err(ScenarioError::TooManyGenerated(120_000))
    );
    let huge = r#"{"mailbox":"INBOX","count":18446744073709551615},{"mailbox":"Old","count":5}"#;
    assert_eq!(
        Scenario::parse(&scenario(huge)),
        Err(ScenarioError::TooManyGenerated(u64::MAX))
    );
    assert!(Scenario::parse(&scenario(r#"{"mailbox":"INBOX","count":100000}"#)).is_ok());
    for needle in ["", "two words", "naïve", &"x".repeat(41)] {
        let spec = format!(r#"{{"mailbox":"INBOX","count":1,"needle":"{needle}"}}"#);
        let refused = Scenario::parse(&scenario(&spec));
        assert_eq!(refused, Err(ScenarioError::BadNeedle(needle.to_string())));
    }
    // A mailbox name the store refuses is named in the error.
    let bad = world(r#"{"mailbox":"a//b","count":1}"#)
        .map(|_| ())
        .unwrap_err();
    assert!(
        bad.to_string()
            .starts_with("mailbox a//b of bob on mail.hamburger.edu"),
        "{bad}"
    );
    // Fields are checked as everywhere in a scenario: a typo is refused.
    let typo = Scenario::parse(&scenario(r#"{"mailbox":"INBOX","cuont":1}"#));
    assert!(matches!(typo, Err(ScenarioError::Syntax(_))), "{typo:?}");
}
