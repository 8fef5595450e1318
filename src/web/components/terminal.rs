//! The terminal: an output log and an input line.
//!
//! Keys: Enter runs the line; Up/Down walk the history; Tab completes; Ctrl-L clears; Ctrl-C
//! abandons the line (or copies, when text is selected); Ctrl-] leaves a raw session. The log
//! follows new output unless the user has scrolled up to read. Lines carry their kind in a
//! class (colour), in a visible gutter mark (`C:`/`S:` as in the textbook's transcripts) and in
//! text a screen reader speaks, so no distinction rests on colour alone.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::shell::{LineKind, Recall, TerminalId};
use crate::web::LabHandle;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: LabHandle,
    pub terminal: TerminalId,
    /// The lab's generation when the parent rendered; a change re-renders the log.
    pub generation: u64,
}

/// The terminal card: title bar, log, prompt and input.
#[function_component(Terminal)]
pub fn terminal(props: &Props) -> Html {
    let input_ref = use_node_ref();
    let log_ref = use_node_ref();
    let recall = use_mut_ref(Recall::new);
    // Whether the log should follow new output (false while the user reads further up).
    let follow = use_mut_ref(|| Rc::new(Cell::new(true)));
    let follow: Rc<Cell<bool>> = follow.borrow().clone();

    let (prompt, in_session) = props.lab.read(|lab| {
        let t = lab.terminal(props.terminal);
        (t.prompt(), t.in_session())
    });

    // After every render that brought new output, scroll to the end if following.
    {
        let log_ref = log_ref.clone();
        let follow = follow.clone();
        use_effect_with(props.generation, move |_| {
            if let Some(log) = log_ref.cast::<HtmlElement>().filter(|_| follow.get()) {
                log.set_scroll_top(log.scroll_height());
            }
        });
    }

    let onscroll = {
        let log_ref = log_ref.clone();
        let follow = follow.clone();
        Callback::from(move |_: Event| {
            if let Some(log) = log_ref.cast::<HtmlElement>() {
                let at_end = log.scroll_top() + log.client_height() >= log.scroll_height() - 8;
                follow.set(at_end);
            }
        })
    };

    let onkeydown = {
        let lab = props.lab.clone();
        let term = props.terminal;
        let input_ref = input_ref.clone();
        let recall = recall.clone();
        let follow = follow.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(input) = input_ref.cast::<HtmlInputElement>() else {
                return;
            };
            handle_key(&e, &input, &lab, term, &recall, &follow);
        })
    };

    // A click on the terminal puts the caret in the input, unless the user is selecting text.
    let onclick = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            let selecting = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .is_some_and(|s| !s.is_collapsed());
            if let Some(input) = input_ref.cast::<HtmlInputElement>().filter(|_| !selecting) {
                let _ = input.focus();
            }
        })
    };

    let title = if in_session {
        format!("connected to {}", prompt.trim_end_matches('>'))
    } else {
        "lab shell".to_string()
    };
    html! {
        <section class={classes!("terminal", in_session.then_some("in-session"))} aria-label="Terminal" {onclick}>
            <div class="titlebar" aria-hidden="true">
                <span class="dot red"></span><span class="dot amber"></span><span class="dot green"></span>
                <span class="title">{title}</span>
            </div>
            <LogView lab={props.lab.clone()} terminal={props.terminal} generation={props.generation}
                     log_ref={log_ref} {onscroll} />
            <div class="inputline">
                <label class="prompt" for="terminal-input">{prompt}</label>
                <input id="terminal-input" ref={input_ref} type="text" aria-label="Terminal input"
                       autocomplete="off" autocapitalize="off" spellcheck="false"
                       enterkeyhint="send" {onkeydown} autofocus=true />
            </div>
        </section>
    }
}

fn handle_key(
    e: &KeyboardEvent,
    input: &HtmlInputElement,
    lab: &LabHandle,
    term: TerminalId,
    recall: &Rc<RefCell<Recall>>,
    follow: &Rc<Cell<bool>>,
) {
    let ctrl = e.ctrl_key() && !e.alt_key() && !e.meta_key();
    let key = e.key();
    match key.as_str() {
        "Enter" => {
            e.prevent_default();
            let line = input.value();
            input.set_value("");
            recall.borrow_mut().reset();
            follow.set(true);
            lab.update(|l| l.exec(term, &line));
        }
        "ArrowUp" => {
            e.prevent_default();
            let history = lab.read(|l| l.terminal(term).history().to_vec());
            if let Some(line) = recall.borrow_mut().older(&history, &input.value()) {
                set_input(input, &line);
            }
        }
        "ArrowDown" => {
            e.prevent_default();
            let history = lab.read(|l| l.terminal(term).history().to_vec());
            if let Some(line) = recall.borrow_mut().newer(&history) {
                set_input(input, &line);
            }
        }
        "Tab" if !e.shift_key() => {
            e.prevent_default();
            let line = input.value();
            let completed = lab.update(|l| l.tab(term, &line));
            set_input(input, &completed);
        }
        "l" | "L" if ctrl => {
            e.prevent_default();
            lab.update(|l| l.clear(term));
        }
        "c" | "C" if ctrl => {
            let selecting = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .is_some_and(|s| !s.is_collapsed());
            if !selecting && input.selection_start() == input.selection_end() {
                e.prevent_default();
                let line = input.value();
                input.set_value("");
                recall.borrow_mut().reset();
                lab.update(|l| l.interrupt(term, &line));
            }
        }
        _ if ctrl && (key == "]" || e.code() == "BracketRight") => {
            e.prevent_default();
            lab.update(|l| l.escape(term));
        }
        _ => {}
    }
}

fn set_input(input: &HtmlInputElement, value: &str) {
    input.set_value(value);
    let end = u32::try_from(value.len()).unwrap_or(u32::MAX);
    let _ = input.set_selection_range(end, end);
}

#[derive(Properties, PartialEq)]
struct LogProps {
    lab: LabHandle,
    terminal: TerminalId,
    generation: u64,
    log_ref: NodeRef,
    onscroll: Callback<Event>,
}

/// The output lines. Re-renders only when the generation changes, not on every keystroke.
#[function_component(LogView)]
fn log_view(props: &LogProps) -> Html {
    let lines = props.lab.read(|lab| {
        lab.terminal(props.terminal)
            .log()
            .map(|line| {
                let (mark, spoken) = match line.kind {
                    LineKind::Input => ("$", "command: "),
                    LineKind::Client => ("C:", "client: "),
                    LineKind::Server => ("S:", "server: "),
                    LineKind::Sent => ("C:", "client sent: "),
                    LineKind::Received => ("S:", "server answered: "),
                    LineKind::Info => ("", ""),
                    LineKind::Error => ("!", "error: "),
                };
                html! {
                    <div class={classes!("line", line.kind.as_str())}>
                        <span class="mark" aria-hidden="true">{mark}</span>
                        if !spoken.is_empty() { <span class="sr-only">{spoken}</span> }
                        if !line.prompt.is_empty() {
                            <span class="prompt">{line.prompt.as_str()}</span>{" "}
                        }
                        <span class="text">{line.text.as_str()}</span>
                    </div>
                }
            })
            .collect::<Html>()
    });
    html! {
        <div class="log" role="log" aria-live="polite" aria-label="Terminal output"
             tabindex="0" ref={props.log_ref.clone()} onscroll={props.onscroll.clone()}>
            {lines}
        </div>
    }
}
