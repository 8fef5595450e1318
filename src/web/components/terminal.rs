//! A terminal: an output log and an input line, shown as the tab panel of its tab.
//!
//! Keys: Enter runs the line; Up/Down walk the history; Tab completes; Ctrl-L clears; Ctrl-C
//! abandons the line (or copies, when text is selected); Ctrl-] leaves a raw session. The log
//! follows new output unless the user has scrolled up to read. Lines carry their kind in a
//! class (colour), in a visible gutter mark (`C:`/`S:` as in the textbook's transcripts) and in
//! text a screen reader speaks, so no distinction rests on colour alone.
//!
//! Every terminal of the lab has its panel in the page, the hidden ones with `hidden`, so each
//! keeps its input draft, its place in the history and its scroll position while another is shown.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::tabs::{panel_id, tab_id};
use crate::shell::{LineKind, Recall, TerminalId};
use crate::web::LabHandle;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: LabHandle,
    pub terminal: TerminalId,
    /// Whether this terminal is the one shown.
    pub active: bool,
    /// The lab's generation when the parent rendered; a change re-renders the log.
    pub generation: u64,
}

/// The terminal panel: log, prompt and input.
#[function_component(Terminal)]
pub fn terminal(props: &Props) -> Html {
    let input_ref = use_node_ref();
    let log_ref = use_node_ref();
    let recall = use_mut_ref(Recall::new);
    // Whether the log should follow new output (false while the user reads further up), and
    // where the user left it (restored when the panel is shown again).
    let follow = use_mut_ref(|| Rc::new(Cell::new(true)));
    let follow: Rc<Cell<bool>> = follow.borrow().clone();
    let scrolled = use_mut_ref(|| Rc::new(Cell::new(0)));
    let scrolled: Rc<Cell<i32>> = scrolled.borrow().clone();

    let (prompt, in_session, printed, lines) = props.lab.read(|lab| {
        let t = lab.terminal(props.terminal);
        (t.prompt(), t.in_session(), t.printed(), t.log().len())
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

    // Shown again: back to where the user left the log.
    {
        let log_ref = log_ref.clone();
        let follow = follow.clone();
        let scrolled = scrolled.clone();
        use_effect_with(props.active, move |active| {
            if let Some(log) = log_ref.cast::<HtmlElement>().filter(|_| *active) {
                let top = if follow.get() {
                    log.scroll_height()
                } else {
                    scrolled.get()
                };
                log.set_scroll_top(top);
            }
        });
    }

    // A keyboard shortcut moved here from an input that is now hidden: the focus follows.
    {
        let lab = props.lab.clone();
        let input_ref = input_ref.clone();
        use_effect_with((props.active, props.generation), move |(active, _)| {
            if *active
                && lab.take_focus_request()
                && let Some(input) = input_ref.cast::<HtmlInputElement>()
            {
                let _ = input.focus();
            }
        });
    }

    let onscroll = {
        let log_ref = log_ref.clone();
        let follow = follow.clone();
        Callback::from(move |_: Event| {
            // A hidden log has no size; its place is the one it had when last shown.
            if let Some(log) = log_ref
                .cast::<HtmlElement>()
                .filter(|l| l.client_height() > 0)
            {
                let at_end = log.scroll_top() + log.client_height() >= log.scroll_height() - 8;
                follow.set(at_end);
                scrolled.set(log.scroll_top());
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

    let input_id = format!("terminal-input-{}", props.terminal.number());
    html! {
        <section class={classes!("terminal", in_session.then_some("in-session"))} role="tabpanel"
                 id={panel_id(props.terminal)} aria-labelledby={tab_id(props.terminal)}
                 hidden={!props.active} {onclick}>
            <LogView lab={props.lab.clone()} terminal={props.terminal} {printed} {lines}
                     log_ref={log_ref} {onscroll} />
            <div class="inputline">
                <label class="prompt" for={input_id.clone()}>{prompt}</label>
                <input id={input_id} ref={input_ref} type="text" aria-label="Terminal input"
                       autocomplete="off" autocapitalize="off" spellcheck="false"
                       enterkeyhint="send" {onkeydown} autofocus={props.active} />
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
    /// The terminal's printed count and log length: the log re-renders when either changes
    /// (output arrived, or the log was cleared), not when another terminal changes.
    printed: u64,
    lines: usize,
    log_ref: NodeRef,
    onscroll: Callback<Event>,
}

/// The output lines. Re-renders only when this terminal's output changes, not on every
/// keystroke nor for another terminal's output.
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
