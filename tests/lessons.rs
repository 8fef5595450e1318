//! Lessons (#9): the lesson format (errors with their line, never a panic), each kind of check
//! passing and failing on worlds built for it, and each of the nine built-in lessons completed by
//! typing what a student would type into the shell — its steps completing in order — with a
//! wrong action leaving a check red and a hint that says what is missing.
#![cfg(not(target_arch = "wasm32"))]

use std::time::Duration;

use maillab::lesson::{self, Event, Lesson, Since, Test};
use maillab::net::World;
use maillab::shell::{ESCAPE, Lab, Line, LineKind, TerminalId};
use maillab::time::TEXTBOOK_EPOCH;
use proptest::prelude::*;

fn lab() -> (Lab, TerminalId) {
    let lab = Lab::new(TEXTBOOK_EPOCH);
    let term = lab.main_terminal();
    (lab, term)
}

/// What typing `line` printed, without the echo.
fn run(lab: &mut Lab, term: TerminalId, line: &str) -> Vec<String> {
    lab.exec(term, line)
        .into_iter()
        .filter(|l: &Line| !matches!(l.kind, LineKind::Input | LineKind::Client))
        .map(|l| l.text)
        .collect()
}

/// The current step's checks as "done label" / "todo label — hint".
fn checks(lab: &Lab) -> Vec<String> {
    lab.lesson_checks()
        .iter()
        .map(|c| {
            if c.passed {
                format!("done {}", c.check.label)
            } else {
                format!("todo {} — {}", c.check.label, c.hint)
            }
        })
        .collect()
}

fn step(lab: &Lab) -> usize {
    lab.lesson().map_or(usize::MAX, |(_, p)| p.step)
}

/// Types each line; a line `#wait N` moves the world's clock N seconds instead.
fn type_lines(lab: &mut Lab, term: TerminalId, lines: &[&str]) -> Vec<String> {
    let mut printed = Vec::new();
    for line in lines {
        if let Some(seconds) = line.strip_prefix("#wait ") {
            // What a driver's clock tick does: move the world, then print what came meanwhile.
            let seconds: u64 = seconds.parse().unwrap_or(0);
            let now = lab.world().now();
            let before = lab.terminal(term).printed();
            lab.world_mut()
                .advance_to(now.saturating_add(Duration::from_secs(seconds)));
            lab.poll();
            let new = usize::try_from(lab.terminal(term).printed() - before).unwrap_or(0);
            let log: Vec<String> = lab.terminal(term).log().map(|l| l.text.clone()).collect();
            printed.extend(log.iter().skip(log.len().saturating_sub(new)).cloned());
        } else {
            printed.extend(run(lab, term, line));
        }
    }
    printed
}

/// Starts lesson `number` and types each step's lines: before them, the step is the current
/// one and has a red check; after them, it is complete and the terminal said so.
fn complete_lesson(number: usize, steps: &[&[&str]]) -> Lab {
    let (mut lab, term) = lab();
    let started = run(&mut lab, term, &format!("lesson start {number}")).join("\n");
    let (name, total) = {
        let (lesson, _) = lab.lesson().expect("the lesson started");
        (lesson.name.clone(), lesson.steps.len())
    };
    assert!(started.contains("Step 1 of"), "{started}");
    assert_eq!(steps.len(), total, "one list of lines per step of {name}");
    for (i, lines) in steps.iter().enumerate() {
        assert_eq!(step(&lab), i, "{name}: step {} is current", i + 1);
        let before = checks(&lab);
        assert!(
            before.iter().any(|c| c.starts_with("todo")),
            "{name} step {}: a check is red before the student acts: {before:#?}",
            i + 1
        );
        let printed = type_lines(&mut lab, term, lines).join("\n");
        assert_eq!(
            step(&lab),
            i + 1,
            "{name}: step {} completes; its checks: {:#?}\n{printed}",
            i + 1,
            checks(&lab)
        );
        assert!(
            printed.contains(&format!("✔ Step {} of {total} complete", i + 1)),
            "{name}: the terminal says step {} is complete:\n{printed}",
            i + 1
        );
    }
    let events = lab.take_lesson_events();
    assert_eq!(events.len(), total + 1, "{events:?}");
    assert_eq!(
        events.last(),
        Some(&Event::LessonCompleted { lesson: name }),
        "the last event is the lesson's completion"
    );
    assert!(lab.take_lesson_events().is_empty(), "events are taken once");
    lab
}

/// Starts lesson `number`, types `lines`, and returns the red checks of the current step.
fn red_after(number: usize, lines: &[&str]) -> (Lab, Vec<String>) {
    let (mut lab, term) = lab();
    run(&mut lab, term, &format!("lesson start {number}"));
    type_lines(&mut lab, term, lines);
    let red = checks(&lab)
        .into_iter()
        .filter(|c| c.starts_with("todo"))
        .collect();
    (lab, red)
}

fn assert_red(red: &[String], label: &str, hint: &str) {
    assert!(
        red.iter()
            .any(|c| c.contains(label) && c.split(" — ").nth(1).is_some_and(|h| h.contains(hint))),
        "a red check '{label}' with the hint '{hint}' in {red:#?}"
    );
}

const SMTP_HELLO: &[&str] = &[
    "telnet mail.hamburger.edu 25",
    "HELO crepes.fr",
    "MAIL FROM:<alice@crepes.fr>",
    "RCPT TO:<bob@hamburger.edu>",
    "DATA",
];

// --- The nine lessons ----------------------------------------------------------------------------

#[test]
fn lesson_1_smtp_by_hand() {
    complete_lesson(
        1,
        &[
            &["telnet mail.hamburger.edu 25"],
            &["HELO crepes.fr"],
            &["MAIL FROM:<alice@crepes.fr>", "RCPT TO:<bob@hamburger.edu>"],
            &["DATA", "Do you like ketchup?", "How about pickles?", "."],
            &["QUIT"],
        ],
    );
    // A recipient of another domain: Bob's server refuses to relay (RFC 5321 §3.6.1).
    let (_, red) = red_after(
        1,
        &[
            "telnet mail.hamburger.edu 25",
            "HELO crepes.fr",
            "MAIL FROM:<alice@crepes.fr>",
            "RCPT TO:<alice@crepes.fr>",
        ],
    );
    assert_red(&red, "recipient", "answered 550 to RCPT, not 250");
}

#[test]
fn lesson_2_two_servers() {
    let lab = complete_lesson(
        2,
        &[
            &[
                "login alice",
                "mail -s Lunch bob@hamburger.edu",
                "Shall we have lunch at noon?",
                ".",
            ],
            &[
                "host down mail.hamburger.edu",
                "mail -s \"Are you there?\" bob@hamburger.edu",
                "Hello?",
                ".",
            ],
            // The retry comes with the clock: the step completes without a line typed.
            &["host up mail.hamburger.edu", "#wait 61"],
        ],
    );
    assert!(
        lab.world().queue().is_empty(),
        "the retry emptied the queue"
    );
    // Mail to someone on Alice's own server never leaves it: no relay to Bob's.
    let (_, red) = red_after(
        2,
        &["login alice", "mail -s Lunch alice@crepes.fr", "Hi", "."],
    );
    assert_red(
        &red,
        "relayed it",
        "mail.crepes.fr has not relayed anything to mail.hamburger.edu yet",
    );
    // A student slower than the first retry: it comes while Bob's server is still down, so the
    // next one is 5 minutes later, as the step says — not a minute after `host up`.
    let (mut lab, red) = red_after(
        2,
        &[
            "login alice",
            "mail -s Lunch bob@hamburger.edu",
            "Hi",
            ".",
            "host down mail.hamburger.edu",
            "mail -s \"Are you there?\" bob@hamburger.edu",
            "Hello?",
            ".",
            "#wait 70",
            "host up mail.hamburger.edu",
            "#wait 61",
        ],
    );
    assert_eq!(step(&lab), 2, "no retry a minute after host up");
    assert_red(
        &red,
        "retry delivered it",
        "1 delivered relays from mail.crepes.fr to mail.hamburger.edu (of 3 tries)",
    );
    let term = lab.main_terminal();
    type_lines(&mut lab, term, &["#wait 240"]);
    assert_eq!(
        step(&lab),
        3,
        "the retry 5 minutes after the failed one delivered it: {:#?}",
        checks(&lab)
    );
}

#[test]
fn lesson_3_message_format() {
    let first: Vec<&str> = SMTP_HELLO
        .iter()
        .copied()
        .chain([
            "From: The Queen of Hearts <queen@wonderland.example>",
            "To: bob@hamburger.edu",
            "Subject: Tarts",
            "",
            "Who stole the tarts?",
            ".",
        ])
        .collect();
    complete_lesson(
        3,
        &[
            &first,
            &[
                "MAIL FROM:<alice@crepes.fr>",
                "RCPT TO:<bob@hamburger.edu>",
                "DATA",
                "Subject: Pickles",
                "",
                "Subject: this line is body text",
                ".",
                "QUIT",
            ],
            &[
                "login alice",
                "mail -s Fields bob@hamburger.edu",
                "Hello Bob",
                ".",
            ],
        ],
    );
    // Without a From line, the Queen is nowhere in the header.
    let lines: Vec<&str> = SMTP_HELLO
        .iter()
        .copied()
        .chain(["Subject: Tarts", "", "Who stole the tarts?", "."])
        .collect();
    let (_, red) = red_after(3, &lines);
    assert_red(
        &red,
        "From line",
        "bob@hamburger.edu's INBOX has no message with Subject containing \"Tarts\" with From \
         containing \"queen@wonderland.example\" yet",
    );
}

#[test]
fn lesson_4_dots_and_7bit() {
    let stuffed: Vec<&str> = SMTP_HELLO
        .iter()
        .copied()
        .chain(["Ketchup or", "..pickles", "."])
        .collect();
    let lab = complete_lesson(
        4,
        &[
            &stuffed,
            &[
                "MAIL FROM:<alice@crepes.fr>",
                "RCPT TO:<bob@hamburger.edu>",
                "DATA",
                "Les crêpes sont prêtes",
                ".",
                "QUIT",
            ],
            &[
                "login alice",
                "mail -s \"Crêpes à la française\" bob@hamburger.edu",
                "Les crêpes sont prêtes !",
                ".",
            ],
        ],
    );
    let bob = lab
        .world()
        .host("mail.hamburger.edu")
        .and_then(|h| h.store().messages("bob", "INBOX").ok())
        .map(|m| m.len());
    assert_eq!(
        bob,
        Some(4),
        "the 8-bit message was refused, the others stored"
    );
    // Not stuffed: the server takes the dot away, and the line is "pickles".
    let unstuffed: Vec<&str> = SMTP_HELLO
        .iter()
        .copied()
        .chain(["Ketchup or", ".pickles", "."])
        .collect();
    let (_, red) = red_after(4, &unstuffed);
    assert_red(
        &red,
        ".pickles",
        "bob@hamburger.edu's INBOX has no message whose text contains \".pickles\" yet",
    );
}

#[test]
fn lesson_5_pop3_by_hand() {
    complete_lesson(
        5,
        &[
            &["telnet mail.hamburger.edu 110", "user bob", "pass hungry"],
            &["list"],
            &["retr 1", "dele 1", "retr 2", "dele 2"],
            &["quit"],
        ],
    );
    // Leaving with Ctrl-] instead of QUIT: no UPDATE state, nothing removed (RFC 1939 §6).
    let escape = ESCAPE.to_string();
    let (_, red) = red_after(
        5,
        &[
            "telnet mail.hamburger.edu 110",
            "user bob",
            "pass hungry",
            "list",
            "retr 1",
            "dele 1",
            "retr 2",
            "dele 2",
            &escape,
        ],
    );
    assert_red(
        &red,
        "reached UPDATE",
        "has not reached the state UPDATE (it went AUTHORIZATION → TRANSACTION)",
    );
    assert_red(
        &red,
        "empty",
        "bob@hamburger.edu's INBOX still has 2 message(s); the step needs exactly 0",
    );
}

#[test]
fn lesson_6_delete_or_keep() {
    let lab = complete_lesson(
        6,
        &[
            &["pop3 fetch bob --client laptop --keep"],
            &[
                "pop3 fetch bob --client phone --keep",
                "pop3 fetch bob --client laptop",
            ],
            &["pop3 fetch bob --client desktop --delete"],
            &[
                "login alice",
                "mail -s Dinner bob@hamburger.edu",
                "Crepes tonight?",
                ".",
                "pop3 fetch bob --client desktop --delete",
            ],
        ],
    );
    let laptop = lab
        .world()
        .agents()
        .get("bob@hamburger.edu on laptop")
        .map(|a| a.local.len());
    assert_eq!(laptop, Some(2), "the laptop never got Dinner");
    // Download-and-delete on the laptop first: the server keeps nothing.
    let (_, red) = red_after(6, &["pop3 fetch bob --client laptop --delete"]);
    assert_red(
        &red,
        "still on the server",
        "bob@hamburger.edu's INBOX has no message yet",
    );
}

#[test]
fn lesson_7_imap_folders() {
    complete_lesson(
        7,
        &[
            &["imap bob folders"],
            &["imap bob create Recipes"],
            &[
                "imap bob move 1 Recipes",
                "imap bob flag 1 flagged --in Recipes",
            ],
            &[
                "telnet mail.hamburger.edu 143",
                "a1 LOGIN bob hungry",
                "a2 SELECT Recipes",
                "a3 FETCH 1 (FLAGS ENVELOPE)",
                "a4 LOGOUT",
            ],
        ],
    );
    // The lab's server compares mailbox names exactly (only INBOX is case-insensitive, RFC 3501
    // §5.1): "recipes" is another folder.
    let (_, red) = red_after(7, &["imap bob folders", "imap bob create recipes"]);
    assert_red(
        &red,
        "folder Recipes",
        "bob@hamburger.edu has no folder Recipes yet",
    );
}

const MULTIPART: &[&str] = &[
    "MIME-Version: 1.0",
    "Subject: Two objects",
    "Content-Type: multipart/mixed; boundary=\"sep\"",
    "",
    "--sep",
    "Content-Type: text/plain",
    "",
    "Here is the picture.",
    "--sep",
    "Content-Type: image/gif",
    "Content-Transfer-Encoding: base64",
    "",
    "R0lGODlhAQABAAAAACw=",
    "--sep--",
    ".",
    "QUIT",
];

#[test]
fn lesson_8_push_and_pull() {
    let multipart: Vec<&str> = SMTP_HELLO.iter().chain(MULTIPART).copied().collect();
    complete_lesson(
        8,
        &[
            &[
                "login alice",
                "mail -s Push bob@hamburger.edu",
                "Pushed to you.",
                ".",
            ],
            &["pop3 fetch bob --client laptop"],
            &multipart,
        ],
    );
    // The boundary parameter forgotten: one part only.
    let (mut lab, term) = lab();
    run(&mut lab, term, "lesson start 8");
    run(&mut lab, term, "lesson next");
    run(&mut lab, term, "lesson next");
    let broken: Vec<&str> = SMTP_HELLO
        .iter()
        .chain(MULTIPART)
        .copied()
        .map(|l| {
            if l.starts_with("Content-Type: multipart") {
                "Content-Type: multipart/mixed"
            } else {
                l
            }
        })
        .collect();
    type_lines(&mut lab, term, &broken);
    let red: Vec<String> = checks(&lab)
        .into_iter()
        .filter(|c| c.starts_with("todo"))
        .collect();
    assert_red(
        &red,
        "two objects",
        "has no message with Subject containing \"Two objects\" with at least 2 parts yet",
    );
}

#[test]
fn lesson_9_persistent_smtp() {
    complete_lesson(
        9,
        &[
            &[
                "telnet mail.hamburger.edu 25",
                "HELO crepes.fr",
                "MAIL FROM:<alice@crepes.fr>",
                "RCPT TO:<bob@hamburger.edu>",
                "DATA",
                "Subject: One",
                "",
                "First message.",
                ".",
            ],
            &[
                "MAIL FROM:<alice@crepes.fr>",
                "RCPT TO:<bob@hamburger.edu>",
                "DATA",
                "Subject: Two",
                "",
                "Second message.",
                ".",
            ],
            &["QUIT"],
        ],
    );
    // Two connections of one message each are not one persistent session.
    let one: &[&str] = &[
        "telnet mail.hamburger.edu 25",
        "HELO crepes.fr",
        "MAIL FROM:<alice@crepes.fr>",
        "RCPT TO:<bob@hamburger.edu>",
        "DATA",
        "Subject: Two",
        "",
        "Again.",
        ".",
        "QUIT",
    ];
    let twice: Vec<&str> = one.iter().chain(one).copied().collect();
    let (lab, _) = red_after(9, &twice);
    let red: Vec<String> = checks(&lab)
        .into_iter()
        .filter(|c| c.starts_with("todo"))
        .collect();
    assert_eq!(step(&lab), 1, "step 2 is not complete");
    assert_red(
        &red,
        "two messages",
        "carried 1 message(s); the step needs at least 2",
    );
}

// --- The shell's lesson command ------------------------------------------------------------------

#[test]
fn lesson_lists_starts_shows_hints_skips_and_stops() {
    let (mut lab, term) = lab();
    let list = run(&mut lab, term, "lesson").join("\n");
    for name in [
        "smtp-by-hand",
        "two-servers",
        "message-format",
        "dot-and-7bit",
        "pop3-by-hand",
        "delete-or-keep",
        "imap-folders",
        "push-and-pull",
        "persistent-smtp",
    ] {
        assert!(list.contains(name), "{name} in\n{list}");
    }
    let started = run(&mut lab, term, "lesson start pop3-by-hand").join("\n");
    assert!(started.contains("Lesson 5: POP3 by hand"), "{started}");
    let status = run(&mut lab, term, "lesson").join("\n");
    assert!(status.contains("Step 1 of 4: Log in"), "{status}");
    assert!(
        status.contains("[todo] The server took the password (+OK to PASS) — there is no POP3 session to mail.hamburger.edu:110 typed in a terminal yet"),
        "{status}"
    );
    let hint = run(&mut lab, term, "lesson hint").join("\n");
    assert!(hint.contains("Hint: Bob's password is hungry"), "{hint}");
    assert!(
        hint.contains("Not yet: The session is in TRANSACTION"),
        "{hint}"
    );
    // A wrong password: the check stays red and says what the server answered.
    type_lines(
        &mut lab,
        term,
        &["telnet mail.hamburger.edu 110", "user bob", "pass ketchup"],
    );
    run(&mut lab, term, &ESCAPE.to_string());
    let status = run(&mut lab, term, "lesson").join("\n");
    assert!(
        status.contains("the server answered -ERR to PASS, not +OK"),
        "{status}"
    );
    let skipped = run(&mut lab, term, "lesson next").join("\n");
    assert!(skipped.contains("Step 1 skipped"), "{skipped}");
    assert!(
        skipped.contains("Step 2 of 4: List the messages"),
        "{skipped}"
    );
    assert_eq!(step(&lab), 1);
    let stopped = run(&mut lab, term, "lesson stop").join("\n");
    assert!(stopped.contains("Lesson stopped"), "{stopped}");
    assert!(lab.lesson().is_none());
    let errors: Vec<String> = [
        "lesson start 10",
        "lesson start nope",
        "lesson hint",
        "lesson frobnicate",
    ]
    .iter()
    .map(|l| run(&mut lab, term, l).join("\n"))
    .collect();
    assert!(errors[0].contains("no lesson '10'"), "{errors:?}");
    assert!(errors[1].contains("no lesson 'nope'"), "{errors:?}");
    assert!(errors[2].contains("no lesson is running"), "{errors:?}");
    assert!(errors[3].contains("usage: lesson"), "{errors:?}");
}

#[test]
fn starting_a_lesson_resets_the_world_and_earlier_sessions_do_not_count() {
    let (mut lab, term) = lab();
    type_lines(
        &mut lab,
        term,
        &[
            "telnet mail.hamburger.edu 110",
            "user bob",
            "pass hungry",
            "dele 1",
            "quit",
        ],
    );
    run(&mut lab, term, "lesson start 5");
    let inbox = lab
        .world()
        .host("mail.hamburger.edu")
        .and_then(|h| h.store().messages("bob", "INBOX").ok())
        .map(|m| m.len());
    assert_eq!(inbox, Some(2), "the world is back at its start");
    assert_eq!(
        step(&lab),
        0,
        "the session before the lesson does not count"
    );
    // `reset` during the lesson: the sessions are numbered afresh and still count.
    run(&mut lab, term, "reset");
    type_lines(
        &mut lab,
        term,
        &["telnet mail.hamburger.edu 110", "user bob", "pass hungry"],
    );
    assert_eq!(step(&lab), 1);
}

#[test]
fn a_completed_step_stays_completed_and_progress_round_trips() {
    let (mut lab, term) = lab();
    run(&mut lab, term, "lesson start 6");
    type_lines(&mut lab, term, &["pop3 fetch bob --client laptop --keep"]);
    assert_eq!(step(&lab), 1);
    // Undo what step 1 checked: it stays complete.
    type_lines(
        &mut lab,
        term,
        &["pop3 fetch bob --client desktop --delete"],
    );
    assert_eq!(step(&lab), 1, "step 2 needs the phone");
    let progress = lab.lesson().map(|(_, p)| p.clone()).expect("a lesson");
    let json = serde_json::to_string(&progress).expect("serializes");
    let back: lesson::Progress = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, progress);
    // A fresh world remembers no session: what the progress counts from comes down to it, so
    // the phone's fetch there counts.
    let (mut other, other_term) = self::lab();
    other.restore_lesson(back).expect("restored");
    assert_eq!(step(&other), 1);
    assert_eq!(other.lesson().map(|(_, p)| p.since), Some(Since::default()));
    type_lines(
        &mut other,
        other_term,
        &["pop3 fetch bob --client phone --keep"],
    );
    assert_eq!(step(&other), 2);
    let mut wrong = progress.clone();
    wrong.lesson = "no-such-lesson".into();
    assert!(other.restore_lesson(wrong).is_err());
}

#[test]
fn a_lesson_loaded_from_text_can_be_started() {
    let (mut lab, term) = lab();
    let text = "# Echo\n\n## Say something\nTalk to the echo server.\n- [ ] `session any mail.crepes.fr:7 from terminal`\n";
    let number = lab.load_lesson(text).expect("parses");
    assert_eq!(number, 10);
    assert!(lab.load_lesson("no title").is_err());
    run(&mut lab, term, "lesson start echo");
    let status = run(&mut lab, term, "lesson").join("\n");
    assert!(
        status.contains("[todo] a any session to mail.crepes.fr:7 typed in a terminal")
            || status.contains("[todo] a a session to mail.crepes.fr:7 typed in a terminal"),
        "the label is derived from the check: {status}"
    );
    let printed = type_lines(&mut lab, term, &["nc mail.crepes.fr 7", "hello"]).join("\n");
    assert!(printed.contains("✔ Lesson complete: Echo"), "{printed}");
}

// --- The format ----------------------------------------------------------------------------------

#[test]
fn every_built_in_lesson_parses_and_cites_an_rfc() {
    assert_eq!(lesson::builtin().len(), lesson::BUILTIN.len());
    for text in lesson::BUILTIN {
        let lesson = Lesson::parse(text).expect("a built-in lesson parses");
        assert_eq!(lesson.scenario.as_deref(), Some("textbook"));
        assert!(text.contains("RFC "), "{} cites an RFC", lesson.name);
        for step in &lesson.steps {
            assert!(
                !step.text.is_empty(),
                "{}: {} has text",
                lesson.name,
                step.title
            );
            assert!(
                !step.hints.is_empty(),
                "{}: {} has a hint",
                lesson.name,
                step.title
            );
        }
    }
}

#[test]
fn the_parser_reads_titles_steps_hints_checks_and_fences() {
    let text = "\n# A lesson\nname: My Lesson\nscenario: textbook\n\nIntro line.\n\n## First\nDo this.\n```\n- [ ] not a check\n> not a hint\n```\n> Hint one\n> continues.\n\n> Hint two\n- [ ] Label: `folder bob INBOX`\n- [ ] `mailbox bob count >= 2`\n";
    let lesson = Lesson::parse(text).expect("parses");
    assert_eq!(lesson.title, "A lesson");
    assert_eq!(lesson.name, "my-lesson");
    assert_eq!(lesson.intro, "Intro line.");
    let step = &lesson.steps[0];
    assert_eq!(step.title, "First");
    assert_eq!(
        step.text,
        "Do this.\n```\n- [ ] not a check\n> not a hint\n```"
    );
    assert_eq!(step.hints, ["Hint one continues.", "Hint two"]);
    assert_eq!(step.checks.len(), 2);
    assert_eq!(step.checks[0].label, "Label");
    assert_eq!(step.checks[0].line, 18);
    assert_eq!(
        step.checks[1].label,
        "bob's INBOX has at least 2 message(s)"
    );
    // Without a name, the title gives one.
    let plain = Lesson::parse("# SMTP, by hand!\n## S\n- [ ] `folder bob INBOX`").expect("parses");
    assert_eq!(plain.name, "smtp-by-hand");
}

#[test]
fn parse_errors_name_the_line() {
    let cases: &[(&str, &str)] = &[
        ("", "the lesson is empty"),
        (
            "Title without hash",
            "line 1: a lesson starts with its title",
        ),
        ("# T\n\n## \n", "line 3: a step needs a title"),
        ("# T\nintro\n", "the lesson has no step"),
        (
            "# T\n## One\ntext\n## Two\n- [ ] `folder bob X`",
            "line 2: the step 'One' has no check",
        ),
        (
            "# T\n## One\n- [ ] no backquotes",
            "line 3: a check ends with its test in backquotes",
        ),
        (
            "# T\n## One\n- [ ] `sesion smtp h:25`",
            "line 3: 'sesion' is not a check",
        ),
        (
            "# T\n## One\n- [ ] `session smtp h:99999`",
            "line 3: '99999' is not a port",
        ),
        (
            "# T\n## One\n- [ ] `mailbox bob subject \"open`",
            "line 3: a quoted text is not closed",
        ),
        (
            "# T\n## One\n- [ ] `mailbox bob count >= many`",
            "line 3: 'many' is not a number",
        ),
        (
            "# T\n## One\n- [ ] `local bob laptop flag \\Seen`",
            "line 3: a user agent's local copies have no flags",
        ),
        (
            "# T\n## One\n- [ ] `relay a from b`",
            "line 3: write 'relay FROM-HOST to TO-HOST'",
        ),
        (
            "# T\n## One\n- [ ] `session smtp h:25 replied 250 MAIL`",
            "line 3: write 'replied CODE to COMMAND'",
        ),
        (
            "# T\n## One\n- [ ] `folder bob INBOX extra`",
            "line 3: 'extra' was not expected here",
        ),
        (
            "# T\n# Again\n## One\n- [ ] `folder bob X`",
            "line 2: only one '# Title'",
        ),
        (
            "# T\n- [ ] `folder bob X`\n",
            "line 2: checks and hints belong to a step",
        ),
        (
            "# T\n## One\n```\n- [ ] `folder bob X`\n",
            "a ``` block is not closed",
        ),
        (
            "# T\n## One\nan \u{1b}[31mescape\n- [ ] `folder bob X`",
            "line 3: control characters are not allowed",
        ),
    ];
    for (text, expected) in cases {
        let error = Lesson::parse(text).expect_err(text);
        assert!(
            error.to_string().starts_with(expected),
            "{text:?}: '{error}' should start with '{expected}'"
        );
    }
    let big = format!("# T\n{}", "x".repeat(lesson::MAX_LESSON_BYTES));
    assert!(Lesson::parse(&big).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_parser_never_panics(text in "(# |## |- \\[ \\] |> |```|`|\"|[a-z ]{0,8}|session |mailbox |count |>= |\n|[^\u{0}]{0,3}){0,40}") {
        if let Err(e) = Lesson::parse(&text) {
            prop_assert!(e.line <= text.lines().count(), "{e} names a line of the text");
        }
    }

    #[test]
    fn the_parser_never_panics_on_any_text(text in any::<String>()) {
        let _ = Lesson::parse(&text);
        let _ = Test::parse(&text);
    }

    #[test]
    fn any_check_that_parses_evaluates_without_panicking(
        check in "(session (smtp|pop3|imap|any) (mail\\.hamburger\\.edu|192\\.0\\.2\\.10|x)(:25|:110|:143|:0|) |mailbox (bob|alice@crepes\\.fr|x@y) |local bob laptop |folder bob |relay mail\\.crepes\\.fr to mail\\.hamburger\\.edu )((from terminal|reached (data|UPDATE)|replied (2|\\+OK|OK|250) to (\\.|RETR|LIST|MAIL)|messages (>=|<|=|) ?[0-9]|closed|subject \"[a-zê]{0,3}\"|header [A-Za-z-]{1,6}( \"x\")?|body \"\\.?[a-z]{0,2}\"|raw \"=?\"|7bit|encoding (base64|7bit)|parts [0-3]|flag \\\\Seen|count (<=|>) ?[0-9]|in (INBOX|Sent|X)|INBOX|delivered|deferred) ?){0,4}",
    ) {
        let mut world = world();
        deliver(&mut world, &["Subject: hi", "", ".x"]);
        let pop = world.connect("terminal 1", "mail.hamburger.edu", 110).map_err(|e| TestCaseError::fail(e.to_string()))?;
        say(&mut world, pop, &["USER bob", "PASS hungry", "LIST", "RETR 1", "QUIT"]);
        if let Ok(test) = Test::parse(&check) {
            let verdict = test.evaluate(&world, Since::default());
            prop_assert!(verdict.passed || !verdict.hint.is_empty(), "{check}: a failure says why");
            let _ = test.describe();
        }
    }
}

// --- Each kind of check, on a world built for it ------------------------------------------------

fn world() -> World {
    World::textbook(TEXTBOOK_EPOCH).expect("the textbook world")
}

fn verdict(world: &World, check: &str) -> (bool, String) {
    let test = Test::parse(check).unwrap_or_else(|e| panic!("{check}: {e}"));
    let v = test.evaluate(world, Since::default());
    (v.passed, v.hint)
}

fn say(world: &mut World, conn: maillab::net::ConnId, lines: &[&str]) {
    for line in lines {
        world
            .send(conn, format!("{line}\r\n").as_bytes())
            .expect("sent");
        while world.poll_delivery(conn).is_some() {}
    }
}

#[test]
fn session_checks_read_states_replies_messages_and_the_end() {
    let mut world = world();
    assert_eq!(
        verdict(&world, "session smtp mail.hamburger.edu:25"),
        (
            false,
            "there is no SMTP session to mail.hamburger.edu:25 yet".into()
        )
    );
    let conn = world
        .connect("terminal 1", "mail.hamburger.edu", 25)
        .expect("connects");
    say(
        &mut world,
        conn,
        &[
            "EHLO crepes.fr",
            "MAIL FROM:<alice@crepes.fr>",
            "RCPT TO:<nobody@hamburger.edu>",
            "RCPT TO:<bob@hamburger.edu>",
            "DATA",
            ".line",
            ".",
        ],
    );
    for passing in [
        "session smtp mail.hamburger.edu:25",
        "session any 192.0.2.20:25 from terminal",
        "session smtp mail.hamburger.edu:25 reached envelope reached data",
        "session smtp mail.hamburger.edu:25 replied 250 to HELO|EHLO replied 5 to RCPT replied 2xx to RCPT",
        "session smtp mail.hamburger.edu:25 replied 354 to DATA replied 250 to .",
        "session smtp mail.hamburger.edu:25 messages = 1",
    ] {
        assert_eq!(verdict(&world, passing), (true, String::new()), "{passing}");
    }
    let failing = [
        (
            "session smtp mail.hamburger.edu:25 from laptop",
            "there is no SMTP session to mail.hamburger.edu:25 from laptop yet",
        ),
        (
            "session pop3 mail.hamburger.edu:25",
            "there is no POP3 session to mail.hamburger.edu:25 yet",
        ),
        (
            "session smtp mail.hamburger.edu:25 replied 221 to QUIT",
            "session #1 has no answer to QUIT yet",
        ),
        (
            "session smtp mail.hamburger.edu:25 replied 251 to EHLO",
            "in session #1 the server answered 250 to EHLO, not 251",
        ),
        (
            "session smtp mail.hamburger.edu:25 messages >= 2",
            "session #1 carried 1 message(s); the step needs at least 2",
        ),
        (
            "session smtp mail.hamburger.edu:25 closed",
            "session #1 is still open",
        ),
        (
            "session smtp mail.hamburger.edu:25 reached auth",
            "session #1 has not reached the state auth (it went greeting → ready → envelope → data → ready)",
        ),
    ];
    for (check, hint) in failing {
        assert_eq!(verdict(&world, check), (false, hint.to_string()), "{check}");
    }
    say(&mut world, conn, &["QUIT"]);
    assert!(
        verdict(
            &world,
            "session smtp mail.hamburger.edu:25 replied 221 to QUIT closed"
        )
        .0
    );
    // What happened before `since` does not count.
    let test = Test::parse("session smtp mail.hamburger.edu:25").expect("parses");
    assert!(!test.evaluate(&world, Since::now(&world)).passed);
}

#[test]
fn pop3_and_imap_replies_are_paired_with_their_commands() {
    let mut world = world();
    let pop = world
        .connect("terminal 1", "mail.hamburger.edu", 110)
        .expect("connects");
    say(
        &mut world,
        pop,
        &[
            "CAPA",
            "USER bob",
            "PASS hungry",
            "LIST",
            "LIST 1",
            "RETR 1",
            "UIDL",
            "DELE 9",
            "QUIT",
        ],
    );
    let record = world.session(pop).expect("a record");
    let pairs: Vec<String> = lesson::exchanges(record)
        .into_iter()
        .map(|e| format!("{} {}", e.verb, e.code))
        .collect();
    assert_eq!(
        pairs,
        [
            "CAPA +OK",
            "USER +OK",
            "PASS +OK",
            "LIST +OK",
            "LIST +OK",
            "RETR +OK",
            "UIDL +OK",
            "DELE -ERR",
            "QUIT +OK"
        ]
    );
    assert!(
        verdict(
            &world,
            "session pop3 mail.hamburger.edu:110 reached UPDATE messages 1 replied -ERR to DELE"
        )
        .0
    );
    let imap = world
        .connect("terminal 1", "mail.hamburger.edu", 143)
        .expect("connects");
    say(
        &mut world,
        imap,
        &[
            "a1 LOGIN bob {6}",
            "hungry",
            "a2 SELECT Nowhere",
            "a3 SELECT INBOX",
            "a4 UID FETCH 1:* FLAGS",
            "a5 FROB",
        ],
    );
    let record = world.session(imap).expect("a record");
    let pairs: Vec<String> = lesson::exchanges(record)
        .into_iter()
        .map(|e| format!("{} {}", e.verb, e.code))
        .collect();
    assert_eq!(
        pairs,
        ["LOGIN OK", "SELECT NO", "SELECT OK", "FETCH OK", "FROB BAD"]
    );
    assert!(verdict(&world, "session imap mail.hamburger.edu:143 reached selected replied OK to FETCH replied BAD to FROB").0);
}

fn deliver(world: &mut World, lines: &[&str]) {
    let conn = world
        .connect("test", "mail.hamburger.edu", 25)
        .expect("connects");
    let mut script = vec![
        "HELO crepes.fr",
        "MAIL FROM:<alice@crepes.fr>",
        "RCPT TO:<bob@hamburger.edu>",
        "DATA",
    ];
    script.extend(lines);
    script.extend([".", "QUIT"]);
    say(world, conn, &script);
}

#[test]
fn mailbox_checks_read_fields_bodies_octets_encodings_parts_and_flags() {
    let mut world = world();
    deliver(
        &mut world,
        &[
            "Subject: =?UTF-8?Q?Cr=C3=AApes?= tonight",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=b",
            "",
            "--b",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "Sucre ou beurre sal=C3=A9 ?",
            "--b",
            "Content-Type: image/gif",
            "Content-Transfer-Encoding: base64",
            "",
            "R0lGODlhAQABAAAAACw=",
            "--b--",
        ],
    );
    for passing in [
        "mailbox bob@hamburger.edu subject \"crêpes\"",
        "mailbox bob subject \"Crêpes\" header Content-Type \"multipart/mixed\"",
        "mailbox bob@hamburger.edu in INBOX header Return-Path \"alice@crepes.fr\" header MIME-Version",
        "mailbox bob body \"beurre salé\"",
        "mailbox bob raw \"sal=C3=A9\" 7bit encoding QUOTED-PRINTABLE encoding base64",
        "mailbox bob subject \"Crêpes\" parts = 2",
        "mailbox bob count = 3",
        "mailbox bob 7bit count >= 3",
        "mailbox bob subject \"nothing like it\" count = 0",
        "mailbox alice@crepes.fr count = 0",
    ] {
        assert_eq!(verdict(&world, passing), (true, String::new()), "{passing}");
    }
    let failing = [
        (
            "mailbox bob@hamburger.edu subject \"Lunch\"",
            "bob@hamburger.edu's INBOX has no message with Subject containing \"Lunch\" yet",
        ),
        (
            "mailbox bob subject \"Crêpes\" parts >= 3",
            "bob's INBOX has no message with Subject containing \"Crêpes\" with at least 3 parts yet",
        ),
        (
            "mailbox bob count = 0",
            "bob's INBOX still has 3 message(s); the step needs exactly 0",
        ),
        (
            "mailbox bob count >= 5",
            "bob's INBOX has 3 message(s); the step needs at least 5",
        ),
        (
            "mailbox bob encoding 8bit",
            "bob's INBOX has no message with Content-Transfer-Encoding 8bit yet",
        ),
        (
            "mailbox bob flag \\Seen",
            "bob's INBOX has no message flagged \\Seen yet",
        ),
        ("mailbox bob in Recipes", "bob has no folder Recipes yet"),
        ("mailbox carol", "there is no account carol"),
    ];
    for (check, hint) in failing {
        assert_eq!(verdict(&world, check), (false, hint.to_string()), "{check}");
    }
    // A flag set by IMAP; a keyword too.
    let imap = world
        .connect("t", "mail.hamburger.edu", 143)
        .expect("connects");
    say(
        &mut world,
        imap,
        &[
            "a LOGIN bob hungry",
            "b SELECT INBOX",
            "c STORE 1 +FLAGS (\\Seen $Lunch)",
            "d CREATE Recipes",
            "e LOGOUT",
        ],
    );
    assert!(
        verdict(
            &world,
            "mailbox bob flag \\seen flag $lunch subject \"Crepes on Friday\""
        )
        .0
    );
    assert!(verdict(&world, "folder bob@hamburger.edu Recipes").0);
    assert!(verdict(&world, "folder bob inbox").0);
    assert_eq!(
        verdict(&world, "folder bob recipes"),
        (false, "bob has no folder recipes yet".into())
    );
}

#[test]
fn local_and_relay_checks_read_the_user_agents_and_the_relay_log() {
    let (mut lab, term) = lab();
    assert_eq!(
        verdict(lab.world(), "local bob laptop"),
        (
            false,
            "the local mailbox of bob@hamburger.edu on laptop has no message yet".into()
        )
    );
    run(&mut lab, term, "pop3 fetch bob --client laptop");
    assert!(
        verdict(
            lab.world(),
            "local bob@hamburger.edu laptop count = 2 subject \"Welcome\" count 1"
        )
        .0
    );
    assert!(verdict(lab.world(), "local bob laptop body \"cider\" 7bit").0);
    assert!(
        !verdict(lab.world(), "local bob phone count >= 1").0,
        "another client has nothing"
    );
    assert_eq!(
        verdict(lab.world(), "relay mail.crepes.fr to mail.hamburger.edu"),
        (
            false,
            "mail.crepes.fr has not relayed anything to mail.hamburger.edu yet".into()
        )
    );
    type_lines(
        &mut lab,
        term,
        &[
            "host down mail.hamburger.edu",
            "mail --from alice -s Hi bob@hamburger.edu",
            "Hi",
            ".",
        ],
    );
    assert!(
        verdict(
            lab.world(),
            "relay mail.crepes.fr to mail.hamburger.edu deferred"
        )
        .0
    );
    assert_eq!(
        verdict(lab.world(), "relay mail.crepes.fr to mail.hamburger.edu delivered"),
        (
            false,
            "0 delivered relays from mail.crepes.fr to mail.hamburger.edu (of 1 tries); the step needs at least 1".into()
        )
    );
    type_lines(
        &mut lab,
        term,
        &["host up mail.hamburger.edu", "#wait 61", "mailq"],
    );
    assert!(
        verdict(
            lab.world(),
            "relay 192.0.2.10 to MAIL.HAMBURGER.EDU delivered count = 1"
        )
        .0
    );
    assert!(
        verdict(
            lab.world(),
            "relay mail.crepes.fr to mail.hamburger.edu count >= 2"
        )
        .0
    );
}

#[test]
fn the_example_of_the_format_documentation_parses_and_can_be_completed() {
    let readme = include_str!("../lessons/README.md");
    let example = readme
        .split_once("~~~markdown\n")
        .and_then(|(_, rest)| rest.split_once("~~~\n"))
        .map(|(example, _)| example)
        .expect("lessons/README.md has an example between ~~~markdown and ~~~");
    let (mut lab, term) = lab();
    let number = lab.load_lesson(example).expect("the example parses");
    run(&mut lab, term, &format!("lesson start {number}"));
    let printed = type_lines(
        &mut lab,
        term,
        &[
            "login alice",
            "mail -s Lunch bob@hamburger.edu",
            "Noon at the crêperie?",
            ".",
            "telnet mail.hamburger.edu 110",
            "user bob",
            "pass hungry",
            "retr 3",
            "quit",
        ],
    )
    .join("\n");
    assert!(
        printed.contains("✔ Step 1 of 2 complete: Alice writes"),
        "{printed}"
    );
    assert!(
        printed.contains("✔ Lesson complete: Lunch with Bob"),
        "{printed}"
    );
}

#[test]
fn the_panels_buttons_work_even_inside_a_session() {
    let (mut lab, term) = lab();
    run(&mut lab, term, "telnet mail.hamburger.edu 110");
    assert!(lab.terminal(term).in_session());
    let printed: Vec<String> = lab
        .lesson_in(term, &["start", "5"])
        .into_iter()
        .map(|l| l.text)
        .collect();
    assert!(
        printed.iter().any(|l| l == "Lesson 5: POP3 by hand"),
        "{printed:?}"
    );
    // Starting reset the world, which closed the session; nothing went to the server.
    assert!(!lab.terminal(term).in_session());
    assert_eq!(step(&lab), 0);
    let skipped: Vec<String> = lab
        .lesson_in(term, &["next"])
        .into_iter()
        .map(|l| l.text)
        .collect();
    assert!(
        skipped.iter().any(|l| l.contains("Step 1 skipped")),
        "{skipped:?}"
    );
    let wrong: Vec<String> = lab
        .lesson_in(term, &["start", "99"])
        .into_iter()
        .map(|l| l.text)
        .collect();
    assert_eq!(wrong, ["lesson: no lesson '99'; 'lesson list' shows them"]);
    lab.lesson_in(term, &["stop"]);
    assert!(lab.lesson().is_none());
}
