//! Lessons: short sequences of steps, each with instructions, hints and checks that the world's
//! state and transcripts must pass — never what the student typed.
//!
//! A lesson is a text file an instructor can write (`lessons/README.md` documents the format;
//! [`Lesson::parse`] reads it); the nine lessons of the seed slides are such files, built in as
//! text ([`builtin`]). A check is one line of the check language ([`check::Test`]), evaluated
//! against a [`World`] and giving pass or fail with a hint said from the world's state.
//! [`Progress`] is where a student stands: steps complete in order, and a completed step stays
//! completed; it is plain data, serializable, so a driver can keep it.
//!
//! Invariants: sits between the shell and `net` (it reads a `World`, never changes one); never
//! panics on any lesson text or any world.

pub mod check;
mod parse;

pub use check::{Since, Test, Verdict, exchanges};
pub use parse::{MAX_CHECKS, MAX_LESSON_BYTES, MAX_STEPS, ParseError, slug};

use crate::net::World;

/// A lesson, as read from its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// What `lesson start NAME` takes (`smtp-by-hand`).
    pub name: String,
    pub title: String,
    /// The scenario the world is reset to when the lesson starts, if any.
    pub scenario: Option<String>,
    /// Text shown when the lesson starts.
    pub intro: String,
    pub steps: Vec<Step>,
}

/// One step: what to do, hints, and the checks that say it is done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub title: String,
    /// Markdown-ish text, shown as text.
    pub text: String,
    pub hints: Vec<String>,
    pub checks: Vec<Check>,
}

/// One check of a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// What the student reads next to the check's state.
    pub label: String,
    pub test: Test,
    /// Where it is in the lesson file (from 1).
    pub line: usize,
}

/// The built-in lessons of the seed slides, as text.
pub const BUILTIN: [&str; 9] = [
    include_str!("../../lessons/01-smtp-by-hand.md"),
    include_str!("../../lessons/02-two-servers.md"),
    include_str!("../../lessons/03-message-format.md"),
    include_str!("../../lessons/04-dot-and-7bit.md"),
    include_str!("../../lessons/05-pop3-by-hand.md"),
    include_str!("../../lessons/06-delete-or-keep.md"),
    include_str!("../../lessons/07-imap-folders.md"),
    include_str!("../../lessons/08-push-and-pull.md"),
    include_str!("../../lessons/09-persistent-smtp.md"),
];

/// The built-in lessons, in order (a test checks that every one parses).
pub fn builtin() -> Vec<Lesson> {
    BUILTIN
        .iter()
        .filter_map(|text| Lesson::parse(text).ok())
        .collect()
}

/// Something that happened to a student's progress, for the page that embeds the lab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Step `step` (from 1) of `lesson` is complete.
    StepCompleted {
        lesson: String,
        step: usize,
        title: String,
    },
    /// Every step of `lesson` is complete.
    LessonCompleted { lesson: String },
}

/// Where a student stands in a lesson.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Progress {
    /// The lesson's name.
    pub lesson: String,
    /// The current step (from 0); the number of steps once the lesson is complete. A step is
    /// complete when its checks all pass at once, and then stays complete.
    pub step: usize,
    /// What happened before the lesson started does not count.
    pub since: Since,
}

/// The state of one check as a student sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckState<'a> {
    pub check: &'a Check,
    pub passed: bool,
    /// Why it has not passed, said from the world's state (empty when it has).
    pub hint: String,
}

impl Progress {
    /// A start on `lesson`, counting what happens in `world` from now on.
    pub fn start(lesson: &Lesson, world: &World) -> Progress {
        Progress {
            lesson: lesson.name.clone(),
            step: 0,
            since: Since::now(world),
        }
    }

    /// Whether every step is complete.
    pub fn complete(&self, lesson: &Lesson) -> bool {
        self.step >= lesson.steps.len()
    }

    /// The current step's checks, evaluated now.
    pub fn status<'a>(&self, lesson: &'a Lesson, world: &World) -> Vec<CheckState<'a>> {
        let Some(step) = lesson.steps.get(self.step) else {
            return Vec::new();
        };
        step.checks
            .iter()
            .map(|check| {
                let verdict = check.test.evaluate(world, self.since);
                CheckState {
                    check,
                    passed: verdict.passed,
                    hint: verdict.hint,
                }
            })
            .collect()
    }

    /// Evaluates the current step's checks against `world`; completes the step when all have
    /// passed (and the next, if its checks pass already), and says what was completed.
    pub fn advance(&mut self, lesson: &Lesson, world: &World) -> Vec<Event> {
        let mut events = Vec::new();
        while let Some(step) = lesson.steps.get(self.step) {
            let passed = step
                .checks
                .iter()
                .all(|check| check.test.evaluate(world, self.since).passed);
            if !passed {
                break;
            }
            self.step += 1;
            events.push(Event::StepCompleted {
                lesson: lesson.name.clone(),
                step: self.step,
                title: step.title.clone(),
            });
            if self.complete(lesson) {
                events.push(Event::LessonCompleted {
                    lesson: lesson.name.clone(),
                });
            }
        }
        events
    }
}
