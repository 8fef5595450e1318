//! The lesson file format (`lessons/README.md`): Markdown an instructor can write and read.
//!
//! ```text
//! # SMTP by hand                       the title (the first line that is not blank)
//! name: smtp-by-hand                   optional: the name `lesson start` takes
//! scenario: textbook                   optional: the world the lesson starts from
//!
//! An introduction, shown when the lesson starts.
//!
//! ## Connect to the server             a step
//! What to do, as text. ```fenced``` blocks are kept as they are.
//! > A hint, shown on request.
//! - [ ] The label of a check: `session smtp mail.hamburger.edu:25 from terminal`
//! ```
//!
//! Invariants: never panics on any text; every error names its line (from 1).

use super::check::Test;
use super::{Check, Lesson, Step};

/// The largest lesson file read, in bytes.
pub const MAX_LESSON_BYTES: usize = 64 * 1024;
/// The most steps a lesson has, and checks a step has.
pub const MAX_STEPS: usize = 40;
pub const MAX_CHECKS: usize = 20;

/// A lesson file that could not be read: where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The line, from 1 (0 for the file as a whole).
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for ParseError {}

fn error(line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

/// A name from a title: lowercase ASCII letters and digits, words joined by `-`.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Adds a line of text, keeping one blank line between paragraphs and none at the start.
fn push_text(text: &mut String, line: &str) {
    if line.trim().is_empty() {
        if !text.is_empty() && !text.ends_with("\n\n") {
            text.push('\n');
        }
        return;
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(line);
}

fn finish_text(text: &mut String) {
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
}

impl Lesson {
    /// Reads a lesson file.
    pub fn parse(text: &str) -> Result<Lesson, ParseError> {
        if text.len() > MAX_LESSON_BYTES {
            return Err(error(
                0,
                format!("the lesson is longer than {MAX_LESSON_BYTES} bytes"),
            ));
        }
        let mut lesson = Lesson {
            name: String::new(),
            title: String::new(),
            scenario: None,
            intro: String::new(),
            steps: Vec::new(),
        };
        let mut fenced = false;
        let mut hint_open = false;
        let mut step_line = 0;
        for (index, raw_line) in text.lines().enumerate() {
            let number = index + 1;
            let line = raw_line.trim_end();
            // A lesson may come from anywhere (a URL): nothing in it may drive a terminal.
            if line.chars().any(|c| c.is_control() && c != '\t') {
                return Err(error(number, "control characters are not allowed"));
            }
            if lesson.title.is_empty() {
                if line.is_empty() {
                    continue;
                }
                let title = line
                    .strip_prefix("# ")
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| error(number, "a lesson starts with its title: '# Title'"))?;
                lesson.title = title.to_string();
                continue;
            }
            let fence = line.trim_start().starts_with("```");
            if fenced || fence {
                if fence {
                    fenced = !fenced;
                }
                hint_open = false;
                let text = match lesson.steps.last_mut() {
                    Some(step) => &mut step.text,
                    None => &mut lesson.intro,
                };
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(line);
                continue;
            }
            if let Some(title) = line
                .strip_prefix("##")
                .filter(|rest| rest.is_empty() || rest.starts_with(' '))
            {
                let title = title.trim();
                if title.is_empty() {
                    return Err(error(number, "a step needs a title after '##'"));
                }
                check_last_step(&lesson, step_line)?;
                if lesson.steps.len() == MAX_STEPS {
                    return Err(error(
                        number,
                        format!("a lesson has at most {MAX_STEPS} steps"),
                    ));
                }
                lesson.steps.push(Step {
                    title: title.to_string(),
                    text: String::new(),
                    hints: Vec::new(),
                    checks: Vec::new(),
                });
                step_line = number;
                hint_open = false;
                continue;
            }
            if line.starts_with('#') && !line.starts_with("###") {
                return Err(error(
                    number,
                    "only one '# Title' at the top; steps start with '## '",
                ));
            }
            if lesson.steps.is_empty() {
                if let Some((key, value)) = line.split_once(':') {
                    let value = value.trim();
                    match key {
                        "name" => {
                            let name = slug(value);
                            if name.is_empty() {
                                return Err(error(number, "the name needs letters or digits"));
                            }
                            lesson.name = name;
                            continue;
                        }
                        "scenario" => {
                            if value.is_empty() {
                                return Err(error(number, "the scenario needs a name"));
                            }
                            lesson.scenario = Some(value.to_string());
                            continue;
                        }
                        _ => {}
                    }
                }
                if line.starts_with("- [") || line.starts_with('>') {
                    return Err(error(
                        number,
                        "checks and hints belong to a step: start one with '## Title'",
                    ));
                }
                push_text(&mut lesson.intro, line);
                continue;
            }
            let Some(step) = lesson.steps.last_mut() else {
                continue;
            };
            if let Some(rest) = line
                .strip_prefix("- [ ]")
                .or_else(|| line.strip_prefix("- [x]"))
                .or_else(|| line.strip_prefix("- [X]"))
            {
                hint_open = false;
                if step.checks.len() == MAX_CHECKS {
                    return Err(error(
                        number,
                        format!("a step has at most {MAX_CHECKS} checks"),
                    ));
                }
                step.checks.push(check(rest, number)?);
                continue;
            }
            if let Some(rest) = line.strip_prefix('>') {
                let rest = rest.trim();
                match step.hints.last_mut() {
                    Some(hint) if hint_open && !rest.is_empty() => {
                        hint.push(' ');
                        hint.push_str(rest);
                    }
                    _ if rest.is_empty() => {}
                    _ => step.hints.push(rest.to_string()),
                }
                hint_open = !rest.is_empty();
                continue;
            }
            hint_open = false;
            push_text(&mut step.text, line);
        }
        if lesson.title.is_empty() {
            return Err(error(0, "the lesson is empty: it starts with '# Title'"));
        }
        if fenced {
            return Err(error(0, "a ``` block is not closed"));
        }
        check_last_step(&lesson, step_line)?;
        if lesson.steps.is_empty() {
            return Err(error(0, "the lesson has no step: add one with '## Title'"));
        }
        if lesson.name.is_empty() {
            lesson.name = slug(&lesson.title);
        }
        finish_text(&mut lesson.intro);
        for step in &mut lesson.steps {
            finish_text(&mut step.text);
        }
        Ok(lesson)
    }
}

fn check_last_step(lesson: &Lesson, line: usize) -> Result<(), ParseError> {
    match lesson.steps.last() {
        Some(step) if step.checks.is_empty() => Err(error(
            line,
            format!(
                "the step '{}' has no check ('- [ ] label: `check`')",
                step.title
            ),
        )),
        _ => Ok(()),
    }
}

/// `LABEL: `CHECK``: the last `…` span is the check, the text before it the label.
fn check(rest: &str, line: usize) -> Result<Check, ParseError> {
    let rest = rest.trim();
    let inner = rest.strip_suffix('`').ok_or_else(|| {
        error(
            line,
            "a check ends with its test in backquotes: - [ ] label: `mailbox bob subject \"Hi\"`",
        )
    })?;
    let open = inner
        .rfind('`')
        .ok_or_else(|| error(line, "the check's test has no opening backquote"))?;
    let expression = inner.get(open + 1..).unwrap_or_default();
    let label = inner
        .get(..open)
        .unwrap_or_default()
        .trim()
        .trim_end_matches(':')
        .trim();
    let test = Test::parse(expression).map_err(|e| error(line, e))?;
    Ok(Check {
        label: if label.is_empty() {
            test.describe()
        } else {
            label.to_string()
        },
        test,
        line,
    })
}
