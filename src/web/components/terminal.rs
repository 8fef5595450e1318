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
//!
//! A terminal keeps up to `shell::MAX_LOG_LINES` (100,000) lines. Up to [`WINDOW_FROM`] lines the
//! log draws them all, wrapped as text wraps; from there on it is *windowed*: it draws only the
//! lines in view and [`MARGIN`] on each side, each one row of [`LINE_HEIGHT`] pixels (long lines
//! scroll sideways), with spacers standing for the rest, so typing and new output cost the same
//! at 100,000 lines as at 300. What is drawn is ordinary text, so selecting and copying what is
//! in view works as before. The log is `role="log"` but not itself live (drawing other lines as
//! it scrolls must not be read out): a visually hidden live region (at the end of the page, so
//! the terminal's panel does not hold its text twice) gets each batch of new output of the
//! terminal shown, which is what a screen reader announces.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::tabs::{panel_id, tab_id};
use crate::shell::{Line, LineKind, Recall, TerminalId};
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

/// From how many lines on the log draws only what is in view.
const WINDOW_FROM: usize = 300;
/// The height of a row of the windowed log in CSS pixels: `.log.windowed .line` in
/// `www/style.css` says the same.
const LINE_HEIGHT: i32 = 22;
/// The log's padding above the first line (`.log` in `www/style.css`).
const LOG_PADDING_TOP: i32 = 12;
/// Lines drawn beyond the view on each side; the window moves in steps of half of it.
const MARGIN: usize = 40;
/// How many rows the view is taken to hold until it has been measured.
const DEFAULT_ROWS: usize = 60;
/// The most lines of one batch of new output the live region reads out.
const ANNOUNCE_MAX: usize = 100;

/// Which lines a windowed log draws.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Window {
    /// The first line drawn when the user has scrolled up; `None` while following the end.
    first: Option<usize>,
    /// How many rows the view holds.
    rows: usize,
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

    // Which lines the log draws: changed from the scroll handler, which then redraws.
    let window = use_mut_ref(|| Window {
        first: None,
        rows: DEFAULT_ROWS,
    });
    let redraw = use_force_update();
    let set_window = {
        let window = window.clone();
        move |new: Window| {
            if *window.borrow() != new {
                *window.borrow_mut() = new;
                redraw.force_update();
            }
        }
    };

    let (prompt, in_session, printed, lines) = props.lab.read(|lab| {
        let t = lab.terminal(props.terminal);
        (t.prompt(), t.in_session(), t.printed(), t.log().len())
    });

    // After every render that brought new output, scroll to the end if following (and note
    // how many rows the view holds, now that it can be measured).
    {
        let log_ref = log_ref.clone();
        let follow = follow.clone();
        let set_window = set_window.clone();
        use_effect_with(props.generation, move |_| {
            if let Some(log) = log_ref.cast::<HtmlElement>().filter(|_| follow.get()) {
                log.set_scroll_top(log.scroll_height());
                if log.client_height() > 0 {
                    set_window(Window {
                        first: None,
                        rows: rows_in(&log),
                    });
                }
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
                let top = log.scroll_top();
                let at_end = top + log.client_height() >= log.scroll_height() - 8;
                follow.set(at_end);
                scrolled.set(top);
                // The first line in view, less the margin, in steps of half the margin: the
                // window is drawn again only when the view nears its edge.
                let in_view = usize::try_from((top - LOG_PADDING_TOP) / LINE_HEIGHT).unwrap_or(0);
                let step = MARGIN / 2;
                set_window(Window {
                    first: (!at_end).then(|| in_view.saturating_sub(MARGIN) / step * step),
                    rows: rows_in(&log),
                });
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
                     window={*window.borrow()} active={props.active} log_ref={log_ref} {onscroll} />
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

/// How many rows of the windowed log fit in its view.
fn rows_in(log: &HtmlElement) -> usize {
    usize::try_from(log.client_height() / LINE_HEIGHT + 1).unwrap_or(DEFAULT_ROWS)
}

#[derive(Properties, PartialEq)]
struct LogProps {
    lab: LabHandle,
    terminal: TerminalId,
    /// The terminal's printed count and log length: the log re-renders when either changes
    /// (output arrived, or the log was cleared), not when another terminal changes.
    printed: u64,
    lines: usize,
    /// Which lines to draw once the log is windowed.
    window: Window,
    /// Whether the terminal is shown (only its new output is read out).
    active: bool,
    log_ref: NodeRef,
    onscroll: Callback<Event>,
}

/// The output lines, and the live region that reads out new ones. Re-renders only when this
/// terminal's output changes or the window moves, not on every keystroke nor for another
/// terminal's output.
#[function_component(LogView)]
fn log_view(props: &LogProps) -> Html {
    let len = props.lines;
    let windowed = len >= WINDOW_FROM;
    let Window { first, rows } = props.window;
    let (start, end) = match first {
        _ if !windowed => (0, len),
        None => (len.saturating_sub(rows + MARGIN), len),
        Some(first) => {
            let start = first.min(len.saturating_sub(rows + MARGIN));
            (start, (start + rows + 2 * MARGIN).min(len))
        }
    };
    // The output printed since the last render that brought some: what the live region reads.
    // A hidden terminal's output is not read out, then or when it is shown.
    let batch = use_mut_ref(|| (props.printed, props.printed));
    {
        let mut batch = batch.borrow_mut();
        if !props.active {
            *batch = (props.printed, props.printed);
        } else if batch.1 != props.printed {
            *batch = (batch.1.min(props.printed), props.printed);
        }
    }
    // The live region sits outside the terminals (in the body), so that it does not repeat the
    // log's text inside the terminal's panel.
    let host = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body());
    let (from, to) = *batch.borrow();
    let fresh = usize::try_from(to - from).unwrap_or(usize::MAX).min(len);
    // Line numbers since the terminal opened, as keys: a line keeps its element as the window
    // slides over it.
    let offset = props.printed.saturating_sub(len as u64);
    let (drawn, spoken) = props.lab.read(|lab| {
        let t = lab.terminal(props.terminal);
        let drawn = t
            .log_range(start, end)
            .zip(start..)
            .map(|(line, at)| line_view(line, offset + at as u64))
            .collect::<Html>();
        let shown = fresh.min(ANNOUNCE_MAX);
        let spoken = t
            .log_range(len - shown, len)
            .zip(len - shown..)
            .map(|(line, at)| {
                let (_, said) = marks(line.kind);
                html! { <p key={offset + at as u64}>{said}{line.plain()}</p> }
            })
            .collect::<Html>();
        let skipped =
            (fresh > shown).then(|| format!("{} more lines, the last ones:", fresh - shown));
        (drawn, html! { <>{skipped}{spoken}</> })
    });
    let spacer = |rows: usize| {
        (rows > 0).then(|| {
            html! { <div class="spacer" style={format!("height:{}px", rows as i64 * i64::from(LINE_HEIGHT))}></div> }
        })
    };
    html! {
        <>
            <div class={classes!("log", windowed.then_some("windowed"))} role="log"
                 aria-live="off" aria-label="Terminal output" tabindex="0"
                 ref={props.log_ref.clone()} onscroll={props.onscroll.clone()}>
                {spacer(start)}{drawn}{spacer(len - end)}
            </div>
            if let Some(body) = host {
                {create_portal(html! {
                    <div class="sr-only" aria-live="polite" aria-relevant="additions">{spoken}</div>
                }, body.into())}
            }
        </>
    }
}

/// A line's gutter mark and what a screen reader says before it.
fn marks(kind: LineKind) -> (&'static str, &'static str) {
    match kind {
        LineKind::Input => ("$", "command: "),
        LineKind::Client => ("C:", "client: "),
        LineKind::Server => ("S:", "server: "),
        LineKind::Sent => ("C:", "client sent: "),
        LineKind::Received => ("S:", "server answered: "),
        LineKind::Info => ("", ""),
        LineKind::Error => ("!", "error: "),
    }
}

/// One line of the log.
fn line_view(line: &Line, key: u64) -> Html {
    let (mark, spoken) = marks(line.kind);
    html! {
        <div key={key} class={classes!("line", line.kind.as_str())}>
            <span class="mark" aria-hidden="true">{mark}</span>
            if !spoken.is_empty() { <span class="sr-only">{spoken}</span> }
            if !line.prompt.is_empty() {
                <span class="prompt">{line.prompt.as_str()}</span>{" "}
            }
            <span class="text">{line.text.as_str()}</span>
        </div>
    }
}
