//! `window.mailLab`: the page's JavaScript API, for headless tests and for pages that embed the
//! lab. This is the only file that defines it; README documents it.
//!
//! Terminals are named by the number on their tab (1 for the first; numbers are not reused).
//! Where a call takes an optional `terminal`, leaving it out means the terminal shown.
//!
//! - `exec(line, terminal?) -> string`: runs `line` in the terminal exactly as if typed and
//!   Enter pressed (several lines separated by `\n` run in turn; `"\u001d"` is Ctrl-]), and
//!   returns the text that running it printed, without the echo of the typed line itself.
//! - `output(terminal?) -> string`: the terminal's whole output as text, one line per line.
//! - `openTerminal() -> number`: opens another terminal and shows it, as "+" does; throws when
//!   the page's limit of terminals is open.
//! - `selectTerminal(terminal)`: shows that terminal.
//! - `closeTerminal(terminal)`: closes it, and the connection it is inside; the last terminal
//!   stays open (throws).
//! - `terminals() -> [{terminal, label, active, unread}]`: the open terminals in tab order.
//! - `lesson() -> {lesson, title, step, steps, complete, stepTitle, checks: [{label, passed,
//!   hint}]} | null`: the lesson followed, its current step (from 1) and that step's checks.
//! - `loadScenario(json)`: replaces the lab with the world a scenario describes (a string of
//!   JSON in the format of `scenarios/README.md`, generated mailboxes included) and one empty
//!   terminal, as `reset` does (`reset`, the shell's and this API's, then returns to that
//!   scenario, and a saved lab carries it). A scenario that does not load throws an `Error`
//!   saying why (the lab stays as it was).
//! - `reset()`: a fresh lab: the world at the start of its scenario and one empty terminal.
//! - `state() -> string`: the lab as saved (JSON: `shell::Lab::save_state`), what export writes.
//! - `loadState(json)`: replaces the lab with a saved one; throws (changing nothing) if it does
//!   not load.
//! - `mailbox(host, user, folder?) -> [{uid, flags, size, from, subject, date}]`: a server
//!   mailbox's messages (INBOX when `folder` is left out), oldest first: flags by their IMAP
//!   names, size in octets, the first From as a reader sees it, the Subject decoded, and the
//!   arrival time (INTERNALDATE) as an RFC 5322 date. Throws for an unknown host, account or
//!   folder.
//! - `ready`: `true` once the API is installed (the root element also gets `data-ready="true"`).
//!
//! A `terminal` that is not open throws an `Error` saying which are.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

use super::LabHandle;
use crate::mail;
use crate::shell::{Lab, LineKind, TerminalId};

/// Puts `window.mailLab` in place, driving `lab`.
pub fn install(lab: &LabHandle) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let api = Object::new();

    let handle = lab.clone();
    let exec = Closure::<dyn Fn(String, Option<f64>) -> Result<String, JsValue>>::new(
        move |line: String, terminal: Option<f64>| run(&handle, &line, terminal),
    );
    Reflect::set(&api, &"exec".into(), exec.as_ref())?;

    let handle = lab.clone();
    let output = Closure::<dyn Fn(Option<f64>) -> Result<String, JsValue>>::new(
        move |terminal: Option<f64>| {
            let term = terminal_or_active(&handle, terminal)?;
            Ok(handle.read(|lab| {
                lab.terminal(term)
                    .log()
                    .map(|l| l.plain())
                    .collect::<Vec<_>>()
                    .join("\n")
            }))
        },
    );
    Reflect::set(&api, &"output".into(), output.as_ref())?;

    let handle = lab.clone();
    let open = Closure::<dyn Fn() -> Result<f64, JsValue>>::new(move || {
        let id = handle.open_terminal().map_err(error)?;
        Ok(id.number() as f64)
    });
    Reflect::set(&api, &"openTerminal".into(), open.as_ref())?;

    let handle = lab.clone();
    let select = Closure::<dyn Fn(JsValue) -> Result<(), JsValue>>::new(move |terminal| {
        let id = find(&handle, &terminal)?;
        handle.select(id);
        Ok(())
    });
    Reflect::set(&api, &"selectTerminal".into(), select.as_ref())?;

    let handle = lab.clone();
    let close = Closure::<dyn Fn(JsValue) -> Result<(), JsValue>>::new(move |terminal| {
        let id = find(&handle, &terminal)?;
        handle.close_terminal(id).map_err(error)
    });
    Reflect::set(&api, &"closeTerminal".into(), close.as_ref())?;

    let handle = lab.clone();
    let terminals = Closure::<dyn Fn() -> Result<Array, JsValue>>::new(move || {
        let active = handle.active();
        let list = Array::new();
        for tab in handle.tabs() {
            let entry = Object::new();
            let label = handle.read(|lab| lab.label(tab.id));
            Reflect::set(&entry, &"terminal".into(), &(tab.id.number() as f64).into())?;
            Reflect::set(&entry, &"label".into(), &label.into())?;
            Reflect::set(&entry, &"active".into(), &(tab.id == active).into())?;
            Reflect::set(&entry, &"unread".into(), &tab.unread.into())?;
            list.push(&entry);
        }
        Ok(list)
    });
    Reflect::set(&api, &"terminals".into(), terminals.as_ref())?;

    let handle = lab.clone();
    let reset = Closure::<dyn Fn()>::new(move || handle.replace_with_fresh());
    Reflect::set(&api, &"reset".into(), reset.as_ref())?;

    let handle = lab.clone();
    let lesson =
        Closure::<dyn Fn() -> Result<JsValue, JsValue>>::new(move || lesson_state(&handle));
    Reflect::set(&api, &"lesson".into(), lesson.as_ref())?;

    let handle = lab.clone();
    let load = Closure::<dyn Fn(String) -> Result<(), JsValue>>::new(move |json: String| {
        handle.load_scenario(&json).map_err(error)
    });
    Reflect::set(&api, &"loadScenario".into(), load.as_ref())?;

    let handle = lab.clone();
    let state = Closure::<dyn Fn() -> Result<String, JsValue>>::new(move || {
        handle.state_json().map_err(error)
    });
    Reflect::set(&api, &"state".into(), state.as_ref())?;

    let handle = lab.clone();
    let load_state = Closure::<dyn Fn(String) -> Result<(), JsValue>>::new(move |json: String| {
        handle.load_state_json(&json).map_err(error)
    });
    Reflect::set(&api, &"loadState".into(), load_state.as_ref())?;

    let handle = lab.clone();
    let mailbox = Closure::<dyn Fn(String, String, Option<String>) -> Result<Array, JsValue>>::new(
        move |host: String, user: String, folder: Option<String>| {
            handle.read(|lab| mailbox_json(lab, &host, &user, folder.as_deref().unwrap_or("INBOX")))
        },
    );
    Reflect::set(&api, &"mailbox".into(), mailbox.as_ref())?;

    Reflect::set(&api, &"ready".into(), &JsValue::TRUE)?;
    Reflect::set(&window, &"mailLab".into(), &api)?;
    // The API lives as long as the page: its closures are handed to JavaScript for good.
    exec.forget();
    output.forget();
    open.forget();
    select.forget();
    close.forget();
    terminals.forget();
    reset.forget();
    lesson.forget();
    load.forget();
    state.forget();
    load_state.forget();
    mailbox.forget();
    Ok(())
}

/// Runs `line` on `terminal` (the one shown if `None`) as if typed; the text it printed,
/// without the echo of the line.
pub(super) fn run(lab: &LabHandle, line: &str, terminal: Option<f64>) -> Result<String, JsValue> {
    let term = terminal_or_active(lab, terminal)?;
    Ok(lab.update(|lab| {
        lab.exec(term, line)
            .into_iter()
            .filter(|l| !matches!(l.kind, LineKind::Input | LineKind::Client))
            .map(|l| l.plain())
            .collect::<Vec<_>>()
            .join("\n")
    }))
}

/// A server mailbox's messages as plain objects (see the module doc).
fn mailbox_json(lab: &Lab, host: &str, user: &str, folder: &str) -> Result<Array, JsValue> {
    let host = lab
        .world()
        .host(host)
        .ok_or_else(|| error(format!("no host {host}")))?;
    let mailbox = host
        .store()
        .mailbox(user, folder)
        .map_err(|e| error(e.to_string()))?;
    let list = Array::new();
    for m in mailbox.messages() {
        let parsed = mail::Message::parse(m.raw());
        let flags = Array::new();
        for name in m.flags().names() {
            flags.push(&name.into());
        }
        for k in m.keywords().iter() {
            flags.push(&k.as_str().into());
        }
        let from = parsed
            .from()
            .first()
            .map(|f| f.reader_name())
            .unwrap_or_default();
        let entry = Object::new();
        Reflect::set(&entry, &"uid".into(), &f64::from(m.uid().get()).into())?;
        Reflect::set(&entry, &"flags".into(), &flags)?;
        Reflect::set(&entry, &"size".into(), &(m.size() as f64).into())?;
        Reflect::set(&entry, &"from".into(), &from.into())?;
        let subject = parsed.subject().unwrap_or_default();
        Reflect::set(&entry, &"subject".into(), &subject.into())?;
        Reflect::set(&entry, &"date".into(), &m.internal_date().rfc5322().into())?;
        list.push(&entry);
    }
    Ok(list)
}

/// The terminal `terminal` names, or the one shown when it is `undefined` or `null`.
fn terminal_or_active(lab: &LabHandle, terminal: Option<f64>) -> Result<TerminalId, JsValue> {
    match terminal {
        None => Ok(lab.active()),
        Some(number) => find(lab, &JsValue::from_f64(number)),
    }
}

/// The open terminal with the number `terminal`, or an error that lists the open ones.
fn find(lab: &LabHandle, terminal: &JsValue) -> Result<TerminalId, JsValue> {
    // Integers only: formatting a float would pull float printing into the wasm.
    let number = terminal
        .as_f64()
        .filter(|n| n.fract() == 0.0 && *n >= 1.0 && *n <= u32::MAX as f64)
        .map(|n| n as u32);
    let found = number.and_then(|n| lab.read(|l| l.find_terminal(n as usize)));
    found.ok_or_else(|| {
        let open = lab.read(|l| {
            l.terminals()
                .map(|id| id.number().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        });
        let asked = number.map_or_else(|| "like that".to_string(), |n| n.to_string());
        error(format!("no terminal {asked}: the open ones are {open}"))
    })
}

/// A JavaScript `Error` with this message.
fn error(message: String) -> JsValue {
    js_sys::Error::new(&message).into()
}

/// The lesson followed as a plain object (see `lesson()` above), or `null`.
fn lesson_state(lab: &LabHandle) -> Result<JsValue, JsValue> {
    lab.read(|l| {
        let Some((lesson, progress)) = l.lesson() else {
            return Ok(JsValue::NULL);
        };
        let state = Object::new();
        let set = |key: &str, value: JsValue| Reflect::set(&state, &key.into(), &value);
        set("lesson", lesson.name.as_str().into())?;
        set("title", lesson.title.as_str().into())?;
        set(
            "step",
            ((progress.step + 1).min(lesson.steps.len()) as f64).into(),
        )?;
        set("steps", (lesson.steps.len() as f64).into())?;
        set("complete", progress.complete(lesson).into())?;
        let title = lesson
            .steps
            .get(progress.step)
            .map_or("", |s| s.title.as_str());
        set("stepTitle", title.into())?;
        let checks = Array::new();
        for c in l.lesson_checks() {
            let check = Object::new();
            Reflect::set(&check, &"label".into(), &c.check.label.as_str().into())?;
            Reflect::set(&check, &"passed".into(), &c.passed.into())?;
            Reflect::set(&check, &"hint".into(), &c.hint.into())?;
            checks.push(&check);
        }
        set("checks", checks.into())?;
        Ok(state.into())
    })
}
