//! `lesson`: the lessons of the seed slides (and any loaded from text), followed as the student
//! works. After every line typed, the current step's checks are evaluated against the world;
//! when they have all passed, the terminal says so and shows the next step.
//!
//! The lab keeps the lessons and where the student stands ([`Course`]), so the page and the
//! native shell both have them; the page asks for what happened since it last asked
//! ([`Lab::take_lesson_events`]) to tell a page that embeds the lab.

use super::line::visible;
use super::{Lab, Line, TerminalId};
use crate::lesson::{CheckState, Event, Lesson, ParseError, Progress, Since, builtin};

/// The lessons a lab offers and the one being followed.
#[derive(Debug)]
pub struct Course {
    /// The built-in lessons, then those loaded from text.
    lessons: Vec<Lesson>,
    /// The lesson followed (an index into `lessons`) and where the student stands.
    current: Option<(usize, Progress)>,
    /// How many of the current step's hints were shown.
    hints_shown: usize,
    /// What happened since the driver last asked.
    events: Vec<Event>,
    /// The text of each lesson loaded from text (not built in), so a saved lab carries it.
    loaded: Vec<String>,
    /// The terminal a line was last typed in: where what the clock completes is announced.
    last_terminal: Option<TerminalId>,
}

impl Default for Course {
    fn default() -> Self {
        Course {
            lessons: builtin(),
            current: None,
            hints_shown: 0,
            events: Vec::new(),
            loaded: Vec::new(),
            last_terminal: None,
        }
    }
}

/// How many lesson events wait for a driver to take them.
const MAX_EVENTS: usize = 100;

const USAGE: &str = "usage: lesson [list|start N|NAME|hint|next|stop]";

impl Course {
    fn find(&self, name: &str) -> Option<usize> {
        match name.parse::<usize>() {
            Ok(n) => n.checked_sub(1).filter(|i| *i < self.lessons.len()),
            Err(_) => self.lessons.iter().position(|l| l.name == name),
        }
    }

    /// Where the lab announces a step completed without a line typed.
    pub(super) fn terminal(&self) -> TerminalId {
        self.last_terminal.unwrap_or(TerminalId(0))
    }

    fn current(&self) -> Option<(&Lesson, &Progress)> {
        let (index, progress) = self.current.as_ref()?;
        Some((self.lessons.get(*index)?, progress))
    }
}

/// How a step is introduced: its number and title, then its text.
fn step_lines(lesson: &Lesson, step: usize) -> Vec<Line> {
    let Some(s) = lesson.steps.get(step) else {
        return Vec::new();
    };
    let mut lines = vec![Line::info(format!(
        "Step {} of {}: {}",
        step + 1,
        lesson.steps.len(),
        s.title
    ))];
    lines.extend(reflow(&s.text));
    lines
}

/// A lesson's text for the terminal: each paragraph on one line (the terminal wraps it), a
/// list item on its own, a fenced block's lines as they are, without the fences.
fn reflow(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut paragraph = String::new();
    let mut fenced = false;
    for line in text.lines() {
        let fence = line.trim_start().starts_with("```");
        let starts_block = fence || fenced || line.trim().is_empty() || line.starts_with("- ");
        if starts_block && !paragraph.is_empty() {
            out.push(Line::info(format!("  {}", std::mem::take(&mut paragraph))));
        }
        if fence {
            fenced = !fenced;
        } else if fenced {
            out.push(Line::info(format!("    {line}")));
        } else if line.starts_with("- ") {
            paragraph.push_str(line);
        } else if !line.trim().is_empty() {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(line.trim());
        }
    }
    if !paragraph.is_empty() {
        out.push(Line::info(format!("  {paragraph}")));
    }
    out
}

/// A check as the terminal shows it: its state in words, its label, and why not yet.
fn check_line(state: &CheckState) -> Line {
    if state.passed {
        Line::info(format!("  [done] {}", state.check.label))
    } else {
        Line::info(format!("  [todo] {} — {}", state.check.label, state.hint))
    }
}

impl Lab {
    /// The lessons this lab offers, built-in first.
    pub fn lessons(&self) -> &[Lesson] {
        &self.course.lessons
    }

    /// The lesson being followed and where the student stands in it.
    pub fn lesson(&self) -> Option<(&Lesson, &Progress)> {
        self.course.current()
    }

    /// The current step's checks, evaluated on the world now (empty without a lesson, or once
    /// it is complete).
    pub fn lesson_checks(&self) -> Vec<CheckState<'_>> {
        match self.course.current() {
            Some((lesson, progress)) => progress.status(lesson, &self.world),
            None => Vec::new(),
        }
    }

    /// Adds a lesson read from `text` (a lesson file, fetched from a URL say), replacing one of
    /// the same name; returns its number in `lessons()` from 1. `lesson start N` starts it.
    pub fn load_lesson(&mut self, text: &str) -> Result<usize, ParseError> {
        let lesson = Lesson::parse(text)?;
        let name = lesson.name.clone();
        // Kept once per name, the latest text, for a saved lab.
        self.course
            .loaded
            .retain(|t| Lesson::parse(t).is_ok_and(|l| l.name != name));
        self.course.loaded.push(text.to_string());
        let at = match self
            .course
            .lessons
            .iter()
            .position(|l| l.name == lesson.name)
        {
            Some(at) => {
                if self.course.current.as_ref().is_some_and(|(i, _)| *i == at) {
                    self.course.current = None;
                }
                self.course.lessons[at] = lesson;
                at
            }
            None => {
                self.course.lessons.push(lesson);
                self.course.lessons.len() - 1
            }
        };
        Ok(at + 1)
    }

    /// The texts of the lessons loaded with [`Lab::load_lesson`], oldest first.
    pub fn loaded_lessons(&self) -> &[String] {
        &self.course.loaded
    }

    /// Puts back a student's progress (kept by a driver); the lesson must be one of `lessons()`.
    /// A world restored from a saved state numbers its sessions and relays afresh, so what the
    /// progress counts from is brought down to what this world remembers.
    pub fn restore_lesson(&mut self, mut progress: Progress) -> Result<(), String> {
        let now = Since::now(&self.world);
        progress.since.session = progress.since.session.min(now.session);
        progress.since.relay = progress.since.relay.min(now.relay);
        let index = self
            .course
            .lessons
            .iter()
            .position(|l| l.name == progress.lesson)
            .ok_or_else(|| format!("there is no lesson '{}'", visible(&progress.lesson)))?;
        self.course.current = Some((index, progress));
        self.course.hints_shown = 0;
        Ok(())
    }

    /// What happened to the student's progress since the last call, oldest first.
    pub fn take_lesson_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.course.events)
    }

    /// Runs `lesson ARGS…` for terminal `id` as the page's Lesson panel asks — even while the
    /// terminal is inside a session, where a typed `lesson` would go to the server — and prints
    /// what it says there.
    pub fn lesson_in(&mut self, id: TerminalId, args: &[&str]) -> Vec<Line> {
        let mut out = Vec::new();
        let result = self.lesson_command(args);
        let t = self.terminal_mut(id);
        match result {
            Ok(lines) => lines.into_iter().for_each(|l| t.print(&mut out, l)),
            Err(message) => t.print(&mut out, Line::error(message)),
        }
        self.follow_lesson(id, &mut out);
        out
    }

    /// The world was put back to its start: the sessions and relays are numbered afresh.
    pub(super) fn lesson_world_reset(&mut self) {
        if let Some((_, progress)) = &mut self.course.current {
            progress.since = Since::default();
        }
    }

    /// Evaluates the current step; prints what was completed and what comes next.
    pub(super) fn follow_lesson(&mut self, id: TerminalId, out: &mut Vec<Line>) {
        if self.course.current.is_none() {
            return;
        }
        if self.terminals().any(|t| t == id) {
            self.course.last_terminal = Some(id);
        }
        let Some((index, progress)) = &mut self.course.current else {
            return;
        };
        let Some(lesson) = self.course.lessons.get(*index) else {
            return;
        };
        if progress.complete(lesson) {
            return;
        }
        let events = progress.advance(lesson, &self.world);
        if events.is_empty() {
            return;
        }
        let mut lines = Vec::new();
        for event in &events {
            match event {
                Event::StepCompleted { step, title, .. } => lines.push(Line::info(format!(
                    "✔ Step {step} of {} complete: {title}",
                    lesson.steps.len()
                ))),
                Event::LessonCompleted { .. } => lines.push(Line::info(format!(
                    "✔ Lesson complete: {}. 'lesson list' shows the others.",
                    lesson.title
                ))),
            }
        }
        lines.extend(step_lines(lesson, progress.step));
        if !progress.complete(lesson) {
            lines.push(Line::info("'lesson' shows this step's checks."));
        }
        self.course.hints_shown = 0;
        self.course.events.extend(events);
        // Nobody may be asking: keep the latest only.
        let excess = self.course.events.len().saturating_sub(MAX_EVENTS);
        self.course.events.drain(..excess);
        let t = self.terminal_mut(id);
        for line in lines {
            t.print(out, line);
        }
    }

    /// `lesson …`.
    pub(super) fn lesson_command(&mut self, args: &[&str]) -> Result<Vec<Line>, String> {
        match args {
            [] if self.course.current.is_some() => Ok(self.lesson_status()),
            [] | ["list"] => Ok(self.lesson_list()),
            ["start", name] => self.start_lesson(name),
            ["hint"] => self.lesson_hint(),
            ["next"] => self.skip_step(),
            ["stop"] => match self.course.current.take() {
                Some((index, _)) => Ok(vec![Line::info(format!(
                    "Lesson stopped: {}. The world stays as it is.",
                    self.course
                        .lessons
                        .get(index)
                        .map_or("", |l| l.title.as_str())
                ))]),
                None => Err("lesson: no lesson is running".into()),
            },
            _ => Err(format!("lesson: {USAGE}")),
        }
    }

    fn lesson_list(&self) -> Vec<Line> {
        let current = self.course.current.as_ref().map(|(i, _)| *i);
        let mut lines = vec![Line::info("Lessons:")];
        for (i, lesson) in self.course.lessons.iter().enumerate() {
            let mark = if Some(i) == current { "*" } else { " " };
            lines.push(Line::info(format!(
                "{mark}{:>2}  {:<18}  {} ({} steps)",
                i + 1,
                lesson.name,
                lesson.title,
                lesson.steps.len()
            )));
        }
        lines.push(Line::info("'lesson start N' (or its name) starts one."));
        lines
    }

    fn start_lesson(&mut self, name: &str) -> Result<Vec<Line>, String> {
        let index = self.course.find(name).ok_or_else(|| {
            format!(
                "lesson: no lesson '{}'; 'lesson list' shows them",
                visible(name)
            )
        })?;
        let mut lines = Vec::new();
        if let Some(scenario) = self.course.lessons[index].scenario.clone() {
            let ours = self.scenario.as_ref().is_some_and(|s| s.name == scenario);
            if !ours {
                return Err(format!(
                    "lesson: this lesson needs the scenario '{}', which is not loaded",
                    visible(&scenario)
                ));
            }
            self.reset_world().map_err(|e| format!("lesson: {e}"))?;
            lines.push(Line::info(format!(
                "The world is back at the start of the scenario '{scenario}'."
            )));
        }
        let lesson = &self.course.lessons[index];
        let progress = Progress::start(lesson, &self.world);
        lines.push(Line::info(format!(
            "Lesson {}: {}",
            index + 1,
            lesson.title
        )));
        lines.extend(reflow(&lesson.intro));
        lines.extend(step_lines(lesson, 0));
        lines.push(Line::info(
            "'lesson' shows the checks, 'lesson hint' gives a hint, 'lesson stop' ends the lesson.",
        ));
        self.course.current = Some((index, progress));
        self.course.hints_shown = 0;
        Ok(lines)
    }

    fn lesson_status(&self) -> Vec<Line> {
        let Some((lesson, progress)) = self.course.current() else {
            return self.lesson_list();
        };
        let mut lines = vec![Line::info(format!("Lesson: {}", lesson.title))];
        if progress.complete(lesson) {
            lines.push(Line::info(format!(
                "Complete: {} done. 'lesson list' shows the others.",
                all_steps(lesson.steps.len())
            )));
            return lines;
        }
        lines.extend(step_lines(lesson, progress.step));
        lines.extend(progress.status(lesson, &self.world).iter().map(check_line));
        lines
    }

    fn lesson_hint(&mut self) -> Result<Vec<Line>, String> {
        let (lesson, progress) = self
            .course
            .current()
            .ok_or("lesson: no lesson is running; 'lesson start N' starts one")?;
        let step = lesson
            .steps
            .get(progress.step)
            .ok_or("lesson: the lesson is complete")?;
        let mut lines = Vec::new();
        if let Some(hint) = step
            .hints
            .get(self.course.hints_shown % step.hints.len().max(1))
        {
            lines.push(Line::info(format!("Hint: {hint}")));
        }
        for state in progress.status(lesson, &self.world) {
            if !state.passed {
                lines.push(Line::info(format!(
                    "Not yet: {} — {}",
                    state.check.label, state.hint
                )));
            }
        }
        self.course.hints_shown += 1;
        Ok(lines)
    }

    fn skip_step(&mut self) -> Result<Vec<Line>, String> {
        let Some((index, progress)) = &mut self.course.current else {
            return Err("lesson: no lesson is running".into());
        };
        let lesson = self
            .course
            .lessons
            .get(*index)
            .ok_or("lesson: no lesson is running")?;
        if progress.complete(lesson) {
            return Err("lesson: the lesson is complete".into());
        }
        progress.step += 1;
        self.course.hints_shown = 0;
        let mut lines = vec![Line::info(format!(
            "Step {} skipped (not complete).",
            progress.step
        ))];
        if progress.complete(lesson) {
            lines.push(Line::info("That was the last step."));
        } else {
            lines.extend(step_lines(lesson, progress.step));
        }
        Ok(lines)
    }
}

/// "all 4 steps", or "its one step": how a complete lesson's steps are counted.
pub fn all_steps(total: usize) -> String {
    match total {
        1 => "its one step".to_string(),
        n => format!("all {n} steps"),
    }
}
