//! The Lesson panel: the lessons to start, and for the one followed its current step — the
//! instructions (shown as text, never HTML), hints behind a disclosure, and each check with its
//! state in words and a mark (not colour alone), and for a check not yet passed what the world
//! shows is missing. Evaluated at each render, so it follows every change; the buttons run
//! `lesson …` for the terminal shown (`shell::Lab::lesson_in`), which prints what happened.

use yew::prelude::*;

use crate::shell::TerminalId;
use crate::web::LabHandle;

/// Inline text with `code` spans.
fn inline(text: &str) -> Html {
    text.split('`')
        .enumerate()
        .map(|(i, piece)| {
            if i % 2 == 1 {
                html! { <code>{piece.to_string()}</code> }
            } else {
                html! { <>{piece.to_string()}</> }
            }
        })
        .collect()
}

/// A lesson's Markdown-ish text as paragraphs, `- ` lists and ``` blocks, all as text.
fn text(text: &str) -> Html {
    let mut blocks = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim_start().starts_with("```") {
            let mut block = Vec::new();
            for inner in lines.by_ref() {
                if inner.trim_start().starts_with("```") {
                    break;
                }
                block.push(inner);
            }
            blocks.push(html! { <pre>{block.join("\n")}</pre> });
        } else if let Some(item) = line.strip_prefix("- ") {
            let mut items = vec![html! { <li>{inline(item)}</li> }];
            while let Some(item) = lines.peek().and_then(|l| l.strip_prefix("- ")) {
                items.push(html! { <li>{inline(item)}</li> });
                lines.next();
            }
            blocks.push(html! { <ul class="lesson-items">{items}</ul> });
        } else if !line.trim().is_empty() {
            let mut paragraph = line.trim().to_string();
            while let Some(more) = lines.peek().filter(|l| {
                !l.trim().is_empty() && !l.starts_with("- ") && !l.trim_start().starts_with("```")
            }) {
                paragraph.push(' ');
                paragraph.push_str(more.trim());
                lines.next();
            }
            blocks.push(html! { <p>{inline(&paragraph)}</p> });
        }
    }
    blocks.into_iter().collect()
}

/// The panel, drawn for `terminal`, where its buttons print (a plain function, not a
/// component: it keeps no state of its own).
pub fn lesson(lab: &LabHandle, terminal: TerminalId) -> Html {
    let readonly = crate::web::options::get().instructions_readonly;
    let action = |args: &'static [&'static str]| {
        let lab = lab.clone();
        Callback::from(move |_: MouseEvent| {
            lab.update(|l| l.lesson_in(terminal, args));
        })
    };
    let current = lab.read(|l| {
        let (lesson, progress) = l.lesson()?;
        let total = lesson.steps.len();
        let Some(step) = lesson.steps.get(progress.step) else {
            return Some(html! {
                <section class="card lesson">
                    <h2>{"Lesson"}</h2>
                    <p class="lesson-title">{lesson.title.clone()}</p>
                    <p class="lesson-step done" role="status">
                        {format!("✔ Complete: {} done.", crate::shell::all_steps(total))}
                    </p>
                </section>
            });
        };
        let checks = l
            .lesson_checks()
            .into_iter()
            .map(|c| {
                let (class, mark, state) = if c.passed {
                    ("pass", "✔", "Done: ")
                } else {
                    ("fail", "✘", "Not yet: ")
                };
                html! {
                    <li class={classes!("check", class)}>
                        <span class="check-mark" aria-hidden="true">{mark}</span>
                        <span class="check-text">
                            <span class="check-state">{state}</span>
                            {c.check.label.clone()}
                            if !c.passed { <span class="check-why">{c.hint}</span> }
                        </span>
                    </li>
                }
            })
            .collect::<Html>();
        let hints = step
            .hints
            .iter()
            .map(|h| html! { <li>{inline(h)}</li> })
            .collect::<Html>();
        Some(html! {
            <section class="card lesson">
                <h2>{"Lesson"}</h2>
                <p class="lesson-title">{lesson.title.clone()}</p>
                <p class="lesson-step" role="status">
                    {format!("Step {} of {total}: {}", progress.step + 1, step.title)}
                </p>
                <div class="lesson-text">{text(&step.text)}</div>
                <h3 class="lesson-sub">{"Checks"}</h3>
                <ul class="checks">{checks}</ul>
                if !step.hints.is_empty() {
                    <details class="lesson-hints">
                        <summary>{"Show a hint"}</summary>
                        <ul>{hints}</ul>
                    </details>
                }
                if !readonly {
                    <div class="lesson-actions">
                        <button type="button" onclick={action(&["next"])}>{"Skip this step"}</button>
                        <button type="button" onclick={action(&["stop"])}>{"Stop the lesson"}</button>
                    </div>
                }
            </section>
        })
    });
    // `instructions=readonly` (an instructor's embed): the lesson chosen is followed, and
    // nothing here changes it.
    if readonly && current.is_some() {
        return current.unwrap_or_default();
    }
    let list = lab.read(|l| {
        let current = l.lesson().map(|(lesson, _)| lesson.name.clone());
        l.lessons()
            .iter()
            .enumerate()
            .map(|(i, lesson)| {
                let number = (i + 1).to_string();
                let onclick = {
                    let lab = lab.clone();
                    Callback::from(move |_: MouseEvent| {
                        lab.update(|l| l.lesson_in(terminal, &["start", &number]));
                    })
                };
                let following = current.as_deref() == Some(lesson.name.as_str());
                html! {
                    <li>
                        <button type="button" class="run" {onclick}
                                aria-current={following.then_some("true")}>
                            <span class="lesson-name">
                                {format!("{}. {}", i + 1, lesson.title)}
                                if following { {" (current)"} }
                            </span>
                            <span class="what">
                                {format!("lesson start {} · {} steps", lesson.name, lesson.steps.len())}
                            </span>
                        </button>
                    </li>
                }
            })
            .collect::<Html>()
    });
    html! {
        <>
            {current.unwrap_or_default()}
            <section class="card">
                <h2>{"Lessons"}</h2>
                <p class="hint">{"Start one to follow its steps: the checks turn green as the \
                    world shows your work (starting resets the world)."}</p>
                <ul class="quick lesson-list">{list}</ul>
            </section>
        </>
    }
}
