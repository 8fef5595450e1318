//! The textbook world as data: the scenario loads into hosts, DNS and mail stores exactly as the
//! lessons need (Bob's INBOX holds 498 and 912 octets), identically on every run, and a broken
//! scenario is refused with an error that says what is wrong.

use maillab::net::{Scenario, ScenarioError, World, scenario::TEXTBOOK};
use maillab::store::{Store, Uid};
use maillab::time::{Instant, TEXTBOOK_EPOCH};

fn textbook() -> World {
    let scenario = Scenario::parse(TEXTBOOK).unwrap_or_else(|e| panic!("textbook: {e}"));
    World::from_scenario(&scenario, None).unwrap_or_else(|e| panic!("textbook: {e}"))
}

fn bob(world: &World) -> &Store {
    world
        .host("mail.hamburger.edu")
        .map(|h| h.store())
        .unwrap_or_else(|| panic!("no host"))
}

#[test]
fn the_built_in_scenario_is_the_textbook_json() {
    // The page builds its world from the scenario build.rs wrote out as Rust; it must be exactly
    // what parsing scenarios/textbook.json gives.
    assert_eq!(Scenario::textbook(), Scenario::parse(TEXTBOOK));
    assert!(Scenario::textbook().is_ok());
}

#[test]
fn bobs_inbox_holds_two_messages_of_498_and_912_octets() {
    let world = textbook();
    let inbox = bob(&world)
        .messages("bob", "INBOX")
        .unwrap_or_else(|e| panic!("{e}"));
    let sizes: Vec<usize> = inbox.iter().map(|m| m.size()).collect();
    assert_eq!(
        sizes,
        [498, 912],
        "POP3 LIST must answer 1 498, 2 912 (CRLF counted)"
    );
    assert!(
        inbox
            .iter()
            .all(|m| m.raw().windows(2).filter(|w| w == b"\r\n").count()
                == m.raw().iter().filter(|&&b| b == b'\n').count()),
        "every line ends in CRLF"
    );
    let uids: Vec<u32> = inbox.iter().map(|m| m.uid().get()).collect();
    assert_eq!(uids, [1, 2]);
    // Both are real messages: they parse, with a sender and a subject.
    for m in inbox {
        let parsed = maillab::mail::Message::parse(m.raw());
        assert!(!parsed.from().is_empty());
        assert!(parsed.subject().is_some_and(|s| !s.is_empty()));
        assert!(parsed.date().is_some());
    }
}

#[test]
fn the_textbook_world_has_both_domains_accounts_and_mx_records() {
    let world = textbook();
    assert_eq!(
        world.now(),
        TEXTBOOK_EPOCH,
        "the scenario starts at the documented epoch"
    );
    for (domain, host, user, password) in [
        ("crepes.fr", "mail.crepes.fr", "alice", "wonderland"),
        ("hamburger.edu", "mail.hamburger.edu", "bob", "hungry"),
    ] {
        let mail_host = world
            .mail_host(domain)
            .unwrap_or_else(|| panic!("MX of {domain}"));
        assert_eq!(mail_host.name(), host);
        assert!(
            mail_host.store().authenticate(user, password),
            "{user} logs in"
        );
        assert!(!mail_host.store().authenticate(user, "wrong"));
        assert_eq!(
            mail_host
                .store()
                .account_for_address(&format!("{user}@{domain}")),
            Some(user)
        );
        assert_eq!(world.dns().mx(domain).len(), 1);
    }
    assert!(
        bob(&world)
            .messages("bob", "Sent")
            .is_ok_and(|m| m.is_empty())
    );
    assert_eq!(
        world
            .host("mail.crepes.fr")
            .map(|h| h.store().messages("alice", "INBOX").map(|m| m.len())),
        Some(Ok(0))
    );
}

#[test]
fn the_same_scenario_gives_the_same_world_and_a_new_seed_another() {
    let validity = |world: &World| {
        bob(world)
            .status("bob", "INBOX")
            .map(|s| s.uid_validity.get())
    };
    let (mut a, mut b) = (textbook(), textbook());
    assert_eq!(validity(&a), validity(&b));
    assert_eq!(
        a.ids().message_id("crepes.fr"),
        b.ids().message_id("crepes.fr")
    );
    let reseeded = TEXTBOOK.replace("\"seed\": 1939", "\"seed\": 1940");
    let scenario = Scenario::parse(&reseeded).unwrap_or_else(|e| panic!("{e}"));
    let c = World::from_scenario(&scenario, None).unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(validity(&a), validity(&c));
    // A clock given by the driver replaces the scenario's start; stored dates stay as written.
    let later = Instant::from_unix_millis(TEXTBOOK_EPOCH.unix_millis() + 86_400_000);
    let world = World::textbook(later).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(world.now(), later);
    let first = bob(&world)
        .message("bob", "INBOX", Uid::MIN)
        .map(|m| m.internal_date().rfc5322());
    assert_eq!(first.as_deref(), Ok("Mon, 23 Nov 2026 06:12:31 +0000"));
}

#[test]
fn a_store_snapshot_of_the_textbook_world_reloads_identical() {
    let world = textbook();
    let store = bob(&world);
    let json = store.to_snapshot().unwrap_or_else(|e| panic!("{e}"));
    let reloaded = Store::from_snapshot(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&reloaded, store);
    assert_eq!(reloaded.messages("bob", "INBOX").map(|m| m.len()), Ok(2));
}

fn load(json: &str) -> Result<World, ScenarioError> {
    World::from_scenario(&Scenario::parse(json)?, None)
}

#[test]
fn broken_scenarios_are_refused_with_a_reason() {
    let minimal = |hosts: &str, mx: &str| {
        format!(
            r#"{{"format":"maillab-scenario","version":1,"name":"t","start":"Mon, 23 Nov 2026 09:00:00 +0000",
                "hosts":[{hosts}],"mx":[{mx}]}}"#
        )
    };
    let host = |name: &str, addr: &str, accounts: &str| {
        format!(
            r#"{{"name":"{name}","address":"{addr}","domains":["x.test"],"accounts":[{accounts}]}}"#
        )
    };
    let cases: Vec<(String, &str)> = vec![
        ("{".into(), "not a valid scenario"),
        (
            r#"{"format":"other","version":1,"name":"t","start":"x","hosts":[]}"#.into(),
            "expected 'maillab-scenario'",
        ),
        (
            minimal("", "").replace("\"version\":1", "\"version\":2"),
            "version 2 is not supported",
        ),
        (
            minimal("", "").replace("Mon, 23 Nov 2026", "someday"),
            "start: 'someday 09:00:00 +0000' is not an RFC 5322 date",
        ),
        (
            minimal(
                &format!(
                    "{},{}",
                    host("a.test", "192.0.2.1", ""),
                    host("A.TEST", "192.0.2.2", "")
                ),
                "",
            ),
            "host 'a.test' is defined twice",
        ),
        (
            minimal(
                &host("a.test", "192.0.2.1", ""),
                r#"{"domain":"x.test","preference":10,"host":"b.test"}"#,
            ),
            "names 'b.test', which is not a host",
        ),
        (
            minimal(
                &host(
                    "a.test",
                    "192.0.2.1",
                    r#"{"user":"bad name","password":"p"}"#,
                ),
                "",
            ),
            "account bad name on a.test",
        ),
        (
            minimal(
                &host(
                    "a.test",
                    "192.0.2.1",
                    r#"{"user":"u","password":"p","mailboxes":{"INBOX":[{"received":"never","lines":[]}]}}"#,
                ),
                "",
            ),
            "message 1 in mailbox INBOX of u on a.test: 'never' is not an RFC 5322 date",
        ),
        (
            minimal(
                &host(
                    "a.test",
                    "192.0.2.1",
                    r#"{"user":"u","password":"p","mailboxes":{"INBOX":[{"received":"Mon, 23 Nov 2026 09:00:00 +0000","flags":["bad flag"],"lines":[]}]}}"#,
                ),
                "",
            ),
            "message 1 in mailbox INBOX of u on a.test",
        ),
        (
            minimal(
                &host(
                    "a.test",
                    "192.0.2.1",
                    r#"{"user":"u","password":"p","colour":"red"}"#,
                ),
                "",
            ),
            "unknown field `colour`",
        ),
        (
            minimal(&host("a.test", "999.0.2.1", ""), ""),
            "not a valid scenario",
        ),
    ];
    for (json, want) in cases {
        match load(&json) {
            Ok(_) => panic!("accepted: {json}"),
            Err(e) => assert!(
                e.to_string().contains(want),
                "{json}\n→ {e}\nwanted: {want}"
            ),
        }
    }
}

#[test]
fn scenarios_can_add_folders_flags_and_keywords() {
    let json = r#"{"format":"maillab-scenario","version":1,"name":"t","start":"Mon, 23 Nov 2026 09:00:00 +0000",
        "hosts":[{"name":"mail.x.test","address":"192.0.2.1","domains":["x.test"],
          "accounts":[{"user":"u","password":"p","mailboxes":{"Projects/Lab":[
            {"received":"Sun, 22 Nov 2026 10:00:00 +0000","flags":["\\Seen","$Important"],"lines":["Subject: one","","body"]}]}}]}]}"#;
    let world = load(json).unwrap_or_else(|e| panic!("{e}"));
    let store = world
        .host("mail.x.test")
        .map(|h| h.store())
        .unwrap_or_else(|| panic!("host"));
    let messages = store
        .messages("u", "Projects/Lab")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].raw().as_ref(), b"Subject: one\r\n\r\nbody\r\n");
    assert!(messages[0].flags().contains(maillab::store::Flags::SEEN));
    assert_eq!(messages[0].keywords().len(), 1);
    assert!(
        store.mailbox("u", "Projects").is_ok(),
        "the superior was created"
    );
}
