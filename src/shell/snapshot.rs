//! Saving a whole lab — the world and its terminals — and loading it back, so that a page reload
//! (or an exported file) gives the student back what they had.
//!
//! The format is `{"format": "maillab-lab", "version": 1, …}`: the world's own saved state
//! (`net::snapshot`, kept whole under `world`), the scenario's JSON when the lab did not start
//! from the built-in textbook world, who is logged in, and each terminal with its number, its
//! last [`SAVED_HISTORY`] typed lines and its last [`SAVED_LOG_LINES`] lines of output (bounded,
//! so a state fits in browser storage). Left out, because no session survives a reload: open
//! connections (a terminal that was inside one is back at the lab prompt and says so) and a
//! message being composed.
//!
//! An older format is migrated: a bare world state (`"format": "maillab-world"`, what
//! `maillab serve --state` writes) loads as that world with one fresh terminal.
//!
//! Invariants: loading never panics, whatever the bytes, and either gives a whole lab or says
//! what is wrong; a loaded lab has at least one terminal and never reuses a terminal number.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::account::Account;
use super::{Lab, Line, LineKind, Terminal, TerminalId};
use crate::lesson::Progress;
use crate::net::{Scenario, StateError, World};
use crate::time::Instant;

/// The lab-state format this build writes.
pub const LAB_STATE_VERSION: u32 = 1;
/// How many lines of output per terminal a saved lab keeps (the most recent).
pub const SAVED_LOG_LINES: usize = 500;
/// How many typed lines per terminal a saved lab keeps (the most recent).
pub const SAVED_HISTORY: usize = 200;
/// The highest terminal number a saved lab may have (numbers are never reused, so this bounds
/// how many terminals a lab can have opened; far above any real use, far below overflow).
const MAX_TERMINAL_NUMBER: usize = 1 << 30;
const FORMAT: &str = "maillab-lab";
const WORLD_FORMAT: &str = "maillab-world";

/// What every state starts with: which format, which version.
#[derive(Deserialize)]
struct Head {
    #[serde(default)]
    format: String,
    #[serde(default)]
    version: u64,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    format: String,
    version: u64,
    /// The scenario's JSON, when it is not the built-in textbook world.
    #[serde(default)]
    scenario: Option<String>,
    world: Box<RawValue>,
    /// The address of the account `login` chose.
    #[serde(default)]
    user: Option<String>,
    /// The number the next terminal opened gets.
    #[serde(default)]
    next_terminal: usize,
    terminals: Vec<SavedTerminal>,
    /// The lessons loaded from text (a lesson by URL), as their files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    lessons: Vec<String>,
    /// The lesson followed and where the student stands in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lesson: Option<Progress>,
}

#[derive(Serialize, Deserialize)]
struct SavedTerminal {
    /// As on its tab: 1 for the first.
    number: usize,
    #[serde(default)]
    history: Vec<String>,
    /// `[kind, prompt, text]`, oldest first.
    #[serde(default)]
    log: Vec<(String, String, String)>,
    /// Lines no longer kept (dropped by the terminal or left out of the state).
    #[serde(default)]
    dropped: u64,
    /// Whether it was inside a connection (or writing a message), which the reload ends.
    #[serde(default)]
    busy: bool,
}

fn kind_named(name: &str) -> LineKind {
    match name {
        "input" => LineKind::Input,
        "client" => LineKind::Client,
        "server" => LineKind::Server,
        "sent" => LineKind::Sent,
        "received" => LineKind::Received,
        "error" => LineKind::Error,
        _ => LineKind::Info,
    }
}

fn last<T>(items: &[T], n: usize) -> &[T] {
    &items[items.len().saturating_sub(n)..]
}

impl Lab {
    /// The lab at the start of `scenario` (given as its JSON) at `now`, with one terminal; the
    /// JSON is kept, so a saved state of this lab carries its scenario.
    pub fn from_scenario_json(json: &str, now: Instant) -> Result<Lab, String> {
        let scenario = Scenario::parse(json).map_err(|e| e.to_string())?;
        let mut lab = Lab::from_scenario(scenario, now).map_err(|e| e.to_string())?;
        lab.scenario_json = Some(json.to_string());
        Ok(lab)
    }

    /// The scenario's JSON when the lab did not start from the built-in world.
    pub fn scenario_json(&self) -> Option<&str> {
        self.scenario_json.as_deref()
    }

    /// The lab as JSON (see the module doc), for [`Lab::load_state`].
    pub fn save_state(&self) -> Result<String, StateError> {
        self.save(true)
    }

    /// The lab's world (and its scenario) without its terminals, for a link that shares it:
    /// it loads with one fresh terminal.
    pub fn save_world_state(&self) -> Result<String, StateError> {
        self.save(false)
    }

    fn save(&self, with_terminals: bool) -> Result<String, StateError> {
        let unwritable = |e: serde_json::Error| StateError::Unwritable(e.to_string());
        let world = RawValue::from_string(self.world.save_state()?).map_err(unwritable)?;
        let terminals = self
            .terminals
            .iter()
            .filter(|_| with_terminals)
            .map(|(id, t)| {
                let log: Vec<&Line> = t.log.iter().collect();
                let kept = last(&log, SAVED_LOG_LINES);
                SavedTerminal {
                    number: id.number(),
                    history: last(&t.history, SAVED_HISTORY).to_vec(),
                    log: kept
                        .iter()
                        .map(|l| (l.kind.as_str().into(), l.prompt.clone(), l.text.clone()))
                        .collect(),
                    dropped: t.printed.saturating_sub(kept.len() as u64),
                    busy: t.session.is_some() || t.compose.is_some(),
                }
            })
            .collect();
        let saved = Saved {
            format: FORMAT.into(),
            version: u64::from(LAB_STATE_VERSION),
            scenario: self.scenario_json.clone(),
            world,
            user: self
                .user
                .as_ref()
                .filter(|_| with_terminals)
                .map(|a| a.address.clone()),
            next_terminal: self.next_terminal,
            terminals,
            lessons: self.loaded_lessons().to_vec(),
            lesson: self.lesson().map(|(_, progress)| progress.clone()),
        };
        serde_json::to_string(&saved).map_err(unwritable)
    }

    /// The lab a saved state describes, its clock at the later of the saved one and `now`.
    /// A terminal that was inside a connection is back at the lab prompt and says so.
    pub fn load_state(json: &str, now: Instant) -> Result<Lab, StateError> {
        let malformed = |e: serde_json::Error| StateError::Malformed(e.to_string());
        let head: Head = serde_json::from_str(json).map_err(malformed)?;
        if head.format == WORLD_FORMAT {
            // An older format: a world alone. It loads with one fresh terminal.
            let scenario = Scenario::textbook().map_err(|e| StateError::Scenario(e.to_string()))?;
            let mut lab = Lab::new(now);
            lab.world = World::load_state(&scenario, json, now)?;
            lab.scenario = Some(scenario);
            let line = Line::info("The world was loaded from a saved world state.");
            let mut ignored = Vec::new();
            let id = lab.main_terminal();
            lab.terminal_mut(id).print(&mut ignored, line);
            return Ok(lab);
        }
        if head.format != FORMAT {
            return Err(StateError::Malformed(
                "it is not a saved lab or world (its \"format\" is not \"maillab-lab\")".into(),
            ));
        }
        if head.version > u64::from(LAB_STATE_VERSION) {
            return Err(StateError::TooNew {
                found: head.version,
                supported: LAB_STATE_VERSION,
            });
        }
        let saved: Saved = serde_json::from_str(json).map_err(malformed)?;
        let scenario = match &saved.scenario {
            Some(text) => Scenario::parse(text),
            None => Scenario::textbook(),
        }
        .map_err(|e| StateError::Scenario(e.to_string()))?;
        let world = World::load_state(&scenario, saved.world.get(), now)?;
        let mut lab = Lab::new(now);
        lab.world = world;
        lab.scenario = Some(scenario);
        lab.scenario_json = saved.scenario;
        lab.user = saved
            .user
            .and_then(|address| Account::find(&lab.world, &address).ok());
        // The lessons first, then where the student stands; a lesson that no longer loads
        // loses its progress, not the lab, and the terminal says so.
        let mut lesson_problem = None;
        for text in &saved.lessons {
            if let Err(e) = lab.load_lesson(text) {
                lesson_problem = Some(format!("A saved lesson did not load: {e}"));
            }
        }
        if let Some(progress) = saved.lesson
            && let Err(e) = lab.restore_lesson(progress)
        {
            lesson_problem = Some(format!(
                "The lesson you were following was not restored: {e}"
            ));
        }
        if saved.terminals.is_empty() {
            return Ok(lab.saying(lesson_problem));
        }
        lab.terminals.clear();
        let mut next = saved.next_terminal;
        for t in saved.terminals {
            if t.number == 0
                || t.number > MAX_TERMINAL_NUMBER
                || lab.terminals.iter().any(|(id, _)| id.number() == t.number)
            {
                return Err(StateError::Malformed(format!(
                    "terminal number {} is not a new number from 1 to {MAX_TERMINAL_NUMBER}",
                    t.number
                )));
            }
            let log: Vec<Line> = last(&t.log, SAVED_LOG_LINES)
                .iter()
                .map(|(kind, prompt, text)| Line {
                    kind: kind_named(kind),
                    prompt: prompt.clone(),
                    text: text.clone(),
                })
                .collect();
            // Bounded so that counting on from it never overflows.
            let dropped = t
                .dropped
                .saturating_add((t.log.len() - log.len()) as u64)
                .min(1 << 60);
            let mut terminal = Terminal {
                printed: dropped.saturating_add(log.len() as u64),
                log: log.into(),
                history: last(&t.history, SAVED_HISTORY).to_vec(),
                session: None,
                compose: None,
                dropped,
                // A note about dropped lines, if the saved log began with one, is an ordinary
                // line now; the terminal notes again when it next drops lines.
                noted: false,
            };
            if t.busy {
                let line = Line::info(
                    "Back at the lab prompt: a reload closes connections and drops a message being written.",
                );
                terminal.print(&mut Vec::new(), line);
            }
            next = next.max(t.number);
            lab.terminals.push((TerminalId(t.number - 1), terminal));
        }
        lab.next_terminal = next.min(MAX_TERMINAL_NUMBER);
        Ok(lab.saying(lesson_problem))
    }

    /// The lab, with `problem` (if any) said in its first terminal.
    fn saying(mut self, problem: Option<String>) -> Lab {
        if let Some(problem) = problem {
            let id = self.main_terminal();
            self.terminal_mut(id)
                .print(&mut Vec::new(), Line::error(problem));
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_lab_round_trips() {
        let lab = Lab::new(Instant::from_unix_millis(1_800_000_000_000));
        let json = lab.save_state().unwrap();
        let back = Lab::load_state(&json, Instant::from_unix_millis(0)).unwrap();
        assert_eq!(back.save_state().unwrap(), json);
    }

    #[test]
    fn terminal_numbers_are_checked() {
        let lab = Lab::new(Instant::from_unix_millis(1_800_000_000_000));
        let json = lab.save_state().unwrap();
        for bad in ["0", "18446744073709551615", "1073741825"] {
            let text = json.replace("\"number\":1", &format!("\"number\":{bad}"));
            assert!(
                matches!(
                    Lab::load_state(&text, Instant::from_unix_millis(0)),
                    Err(StateError::Malformed(_))
                ),
                "{bad}"
            );
        }
        // The highest number loads, and the next terminal opened still gets a number.
        let top = json.replace("\"number\":1", "\"number\":1073741824");
        let top = top.replace(
            "\"next_terminal\":1",
            "\"next_terminal\":18446744073709551615",
        );
        let mut lab = Lab::load_state(&top, Instant::from_unix_millis(0)).unwrap();
        assert_eq!(lab.terminals().next().map(|t| t.number()), Some(1 << 30));
        let next = lab.open_terminal();
        assert_eq!(next.number(), (1 << 30) + 1);
    }
}
