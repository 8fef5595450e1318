//! A whole lab saved and loaded back (#9, persistence): what a student sees after a reload is
//! what they saw before — the mailboxes, the relay queue, the downloads of user agents, each
//! terminal's history and recent output — and no stored text, however damaged, makes the
//! loader panic.
#![cfg(not(target_arch = "wasm32"))]

use maillab::net::StateError;
use maillab::shell::{Lab, LineKind, SAVED_HISTORY, SAVED_LOG_LINES, TerminalId};
use maillab::time::{Instant, TEXTBOOK_EPOCH};
use proptest::prelude::*;

fn run(lab: &mut Lab, term: TerminalId, line: &str) -> String {
    lab.exec(term, line)
        .into_iter()
        .filter(|l| !matches!(l.kind, LineKind::Input | LineKind::Client))
        .map(|l| l.text)
        .collect::<Vec<_>>()
        .join("\n")
}

fn log(lab: &Lab, term: TerminalId) -> Vec<String> {
    lab.terminal(term).log().map(|l| l.plain()).collect()
}

/// What a student would check with lab commands, on a terminal of its own.
fn looks(lab: &mut Lab) -> Vec<String> {
    let probe = lab.open_terminal();
    let seen = [
        "mailbox mail.hamburger.edu bob",
        "mailbox mail.crepes.fr alice",
        "mailbox mail.crepes.fr alice Sent",
        "mailq",
        "hosts",
        "whoami",
        "pop3 local bob --client laptop",
        "date",
    ]
    .iter()
    .map(|command| run(lab, probe, command))
    .collect();
    lab.close_terminal(probe).unwrap();
    seen
}

fn later(at: Instant, millis: u64) -> Instant {
    Instant::from_unix_millis(at.unix_millis() + millis)
}

#[test]
fn mailboxes_queue_and_terminals_survive_a_save_and_load() {
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    let one = lab.main_terminal();
    let two = lab.open_terminal();
    run(&mut lab, one, "login alice");
    run(&mut lab, one, "mail -s Lunch bob@hamburger.edu");
    run(&mut lab, one, "Crêpes at noon?");
    let sent = run(&mut lab, one, ".");
    assert!(sent.contains("250"), "{sent}");
    run(&mut lab, two, "pop3 fetch bob --client laptop --keep");
    run(&mut lab, two, "host down mail.hamburger.edu");
    run(&mut lab, one, "mail -s Later bob@hamburger.edu");
    run(&mut lab, one, "This one waits in the queue.");
    run(&mut lab, one, ".");
    let before_log = (log(&lab, one), log(&lab, two));
    let before_history = (
        lab.terminal(one).history().to_vec(),
        lab.terminal(two).history().to_vec(),
    );
    let json = lab.save_state().unwrap();
    let before = looks(&mut lab);
    assert!(before[3].contains("Later") || before[3].contains("bob@hamburger.edu"));

    let mut back = Lab::load_state(&json, later(TEXTBOOK_EPOCH, 1)).unwrap();
    let ids: Vec<TerminalId> = back.terminals().collect();
    assert_eq!(ids.iter().map(|t| t.number()).collect::<Vec<_>>(), [1, 2]);
    assert_eq!((log(&back, ids[0]), log(&back, ids[1])), before_log);
    assert_eq!(
        (
            back.terminal(ids[0]).history().to_vec(),
            back.terminal(ids[1]).history().to_vec()
        ),
        before_history
    );
    assert_eq!(looks(&mut back), before);
    // A terminal opened after the load gets a new number (3 was the probe's, so 4).
    assert_eq!(back.open_terminal().number(), 4);
    // The queue still runs: bob's server up again, the retry delivers.
    run(&mut back, ids[0], "host up mail.hamburger.edu");
    back.world_mut()
        .advance_to(later(TEXTBOOK_EPOCH, 2 * 60 * 60 * 1000));
    let inbox = run(&mut back, ids[0], "mailbox mail.hamburger.edu bob");
    assert!(inbox.contains("Later"), "{inbox}");
}

#[test]
fn a_terminal_inside_a_connection_is_back_at_the_prompt_and_says_so() {
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    let one = lab.main_terminal();
    run(&mut lab, one, "telnet mail.hamburger.edu 110");
    run(&mut lab, one, "user bob");
    let json = lab.save_state().unwrap();
    let mut back = Lab::load_state(&json, TEXTBOOK_EPOCH).unwrap();
    let term = back.main_terminal();
    assert!(!back.terminal(term).in_session());
    assert_eq!(back.terminal(term).prompt(), "lab$");
    let last = back.terminal(term).log().last().unwrap().text.clone();
    assert!(last.contains("reload closes connections"), "{last}");
    // bob's maildrop is not left locked by the session that is gone.
    run(&mut back, term, "telnet mail.hamburger.edu 110");
    run(&mut back, term, "user bob");
    assert!(run(&mut back, term, "pass hungry").starts_with("+OK"));
}

#[test]
fn a_saved_lab_keeps_only_the_recent_output_and_history() {
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    let one = lab.main_terminal();
    for i in 0..(SAVED_HISTORY + 50) {
        run(&mut lab, one, &format!("date {i}"));
    }
    assert!(lab.terminal(one).log().len() > SAVED_LOG_LINES);
    let json = lab.save_state().unwrap();
    let back = Lab::load_state(&json, TEXTBOOK_EPOCH).unwrap();
    let term = back.main_terminal();
    let history = back.terminal(term).history();
    assert_eq!(history.len(), SAVED_HISTORY);
    assert_eq!(
        history.last().map(String::as_str),
        Some(format!("date {}", SAVED_HISTORY + 49).as_str())
    );
    let kept = log(&back, term);
    assert_eq!(kept.len(), SAVED_LOG_LINES);
    let all = log(&lab, one);
    assert_eq!(kept, all[all.len() - SAVED_LOG_LINES..]);
    // The terminal knows lines were left out, and counts on from where it was.
    assert_eq!(back.terminal(term).printed(), lab.terminal(one).printed());
}

#[test]
fn a_lab_from_a_scenario_carries_its_scenario() {
    let json = std::fs::read_to_string("tests/scenarios/rfc1939.json").unwrap();
    let mut lab = Lab::from_scenario_json(&json, TEXTBOOK_EPOCH).unwrap();
    let term = lab.main_terminal();
    let hosts = run(&mut lab, term, "hosts");
    let state = lab.save_state().unwrap();
    let mut back = Lab::load_state(&state, TEXTBOOK_EPOCH).unwrap();
    assert_eq!(back.scenario_json(), Some(json.as_str()));
    let term = back.main_terminal();
    assert_eq!(run(&mut back, term, "hosts"), hosts);
    // `reset` goes back to that scenario, not to the textbook's.
    run(&mut back, term, "reset");
    assert_eq!(run(&mut back, term, "hosts"), hosts);
}

#[test]
fn a_shared_world_has_the_mail_and_fresh_terminals() {
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    let one = lab.main_terminal();
    run(&mut lab, one, "login alice");
    run(&mut lab, one, "mail -s Shared bob@hamburger.edu");
    run(&mut lab, one, ".");
    let shared = lab.save_world_state().unwrap();
    let mut back = Lab::load_state(&shared, TEXTBOOK_EPOCH).unwrap();
    let term = back.main_terminal();
    assert_eq!(back.terminals().len(), 1);
    assert!(back.terminal(term).history().is_empty());
    assert!(run(&mut back, term, "mailbox mail.hamburger.edu bob").contains("Shared"));
    assert!(run(&mut back, term, "whoami").starts_with("Nobody"));
}

#[test]
fn a_bare_world_state_is_migrated_with_a_fresh_terminal() {
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    let one = lab.main_terminal();
    run(&mut lab, one, "host down mail.crepes.fr");
    let world = lab.world().save_state().unwrap();
    let mut back = Lab::load_state(&world, TEXTBOOK_EPOCH).unwrap();
    let term = back.main_terminal();
    assert!(back.terminal(term).history().is_empty());
    assert!(run(&mut back, term, "hosts").contains("down"));
}

#[test]
fn what_is_not_a_lab_state_is_refused_by_name() {
    let at = TEXTBOOK_EPOCH;
    for text in [
        "",
        "null",
        "[]",
        "{}",
        "{\"format\":\"maillab-scenario\"}",
        "<html>",
    ] {
        match Lab::load_state(text, at) {
            Err(StateError::Malformed(_)) => {}
            other => panic!("{text:?}: {:?}", other.map(|_| ())),
        }
    }
    let json = Lab::new(at).save_state().unwrap();
    let newer = json.replacen("\"version\":1", "\"version\":7", 1);
    assert!(matches!(
        Lab::load_state(&newer, at),
        Err(StateError::TooNew { found: 7, .. })
    ));
    let message = Lab::load_state("{}", at).err().unwrap().to_string();
    assert!(
        message.starts_with("This is not a saved Mail Lab world"),
        "{message}"
    );
}

#[test]
fn a_crafted_output_count_does_not_overflow_as_the_terminal_goes_on() {
    let json = Lab::new(TEXTBOOK_EPOCH).save_state().unwrap();
    let crafted = json.replacen("\"dropped\":0", "\"dropped\":18446744073709551615", 1);
    assert_ne!(crafted, json);
    let mut lab = Lab::load_state(&crafted, TEXTBOOK_EPOCH).unwrap();
    let term = lab.main_terminal();
    let before = lab.terminal(term).printed();
    assert!(run(&mut lab, term, "date").contains("2026"));
    assert!(lab.terminal(term).printed() > before);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_bytes_make_the_loader_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Lab::load_state(&text, TEXTBOOK_EPOCH);
    }

    #[test]
    fn no_damaged_state_makes_the_loader_panic(at in 0usize..100_000, cut in any::<bool>(), byte in 32u8..127) {
        let mut lab = Lab::new(TEXTBOOK_EPOCH);
        let one = lab.main_terminal();
        run(&mut lab, one, "telnet mail.hamburger.edu 110");
        let mut json = lab.save_state().unwrap().into_bytes();
        let at = at % json.len();
        if cut {
            json.truncate(at);
        } else {
            json[at] = byte;
        }
        let _ = Lab::load_state(&String::from_utf8_lossy(&json), TEXTBOOK_EPOCH);
    }
}

/// A student halfway through a lesson reloads the page: the lesson and the step reached come
/// back, a lesson loaded from text (by URL) included, and the next step completes as before.
#[test]
fn the_lesson_followed_and_a_lesson_loaded_from_text_survive_a_save_and_load() {
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    let term = lab.main_terminal();
    let echo = "# Echo twice\nname: echo-twice\n\n## Once\nSay it.\n- [ ] `session any mail.crepes.fr:7 from terminal`\n\n## Twice\nAgain, to the other host.\n- [ ] `session any mail.hamburger.edu:7 from terminal`\n";
    let number = lab.load_lesson(echo).unwrap();
    run(&mut lab, term, &format!("lesson start {number}"));
    let done = run(&mut lab, term, "nc mail.crepes.fr 7");
    assert!(done.contains("✔ Step 1 of 2 complete: Once"), "{done}");
    run(&mut lab, term, "\u{1d}");

    let json = lab.save_state().unwrap();
    let mut back = Lab::load_state(&json, later(TEXTBOOK_EPOCH, 1000)).unwrap();
    let (lesson, progress) = back.lesson().expect("the lesson is followed again");
    assert_eq!((lesson.name.as_str(), progress.step), ("echo-twice", 1));
    let term = back.main_terminal();
    let status = run(&mut back, term, "lesson");
    assert!(status.contains("Twice"), "{status}");
    let done = run(&mut back, term, "nc mail.hamburger.edu 7");
    assert!(done.contains("✔ Lesson complete: Echo twice"), "{done}");
}

/// A saved lesson that no longer loads costs its progress, not the lab, and the terminal says so.
#[test]
fn a_saved_lesson_that_does_not_load_is_dropped_with_a_notice() {
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    let term = lab.main_terminal();
    run(&mut lab, term, "lesson start 5");
    let json = lab.save_state().unwrap().replace(
        "\"lesson\":\"pop3-by-hand\"",
        "\"lesson\":\"no-such-lesson\"",
    );
    let back = Lab::load_state(&json, TEXTBOOK_EPOCH).unwrap();
    assert!(back.lesson().is_none());
    let said = log(&back, back.main_terminal()).join("\n");
    assert!(
        said.contains(
            "The lesson you were following was not restored: there is no lesson 'no-such-lesson'"
        ),
        "{said}"
    );
}
