//! The lab inside another page: the `postMessage` API (README, "Drive it from the host page").
//!
//! In: `{type: "exec", id, line, terminal?}`, `{type: "reset", id}`,
//! `{type: "loadScenario", id, json | url}`, `{type: "state", id}`, `{type: "loadState", id, json}`;
//! each is answered, to the window that sent it, with `{type: "reply", id, ok: true, result}`
//! or `{type: "reply", id, ok: false, error}`.
//! Out, to the parent page: `{type: "ready"}`, `{type: "output", terminal, text}` (what a
//! terminal printed), `{type: "stateChanged"}` (after changes settle, when the lab is saved) and
//! `{type: "event", kind, detail}` ([`emit`], for lesson steps and the like).
//!
//! Invariant: a message is acted on only when its `origin` is allowed (the `origins` option,
//! else the lab's own origin); others are ignored and get no answer; nothing is ever posted
//! with the target origin `"*"`, only to the exact origin of a page allowed to hear it.

use std::cell::RefCell;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::{LabHandle, bindings, options};
use crate::shell::TerminalId;

thread_local! {
    /// The parent page's origin, when it is allowed to hear the lab (found at start).
    static PARENT: RefCell<Option<String>> = const { RefCell::new(None) };
    /// How many lines each terminal had printed when the parent was last told.
    static TOLD: RefCell<Vec<(TerminalId, u64)>> = const { RefCell::new(Vec::new()) };
}

fn own_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// `scheme://host[:port]` of an address.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{host}"))
}

/// The parent window, if the lab is in a frame.
fn parent_window() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok()??;
    (!Object::is(&parent, &window)).then_some(parent)
}

/// Listens for the host page's messages and tells the parent the lab is ready.
pub fn install(lab: &LabHandle) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if parent_window().is_some() {
        // The parent's origin: Chromium and Safari name it; elsewhere the referrer does.
        let named = Reflect::get(&window.location(), &"ancestorOrigins".into())
            .ok()
            .filter(|o| !o.is_undefined())
            .and_then(|list| Reflect::get(&list, &0.into()).ok())
            .and_then(|o| o.as_string());
        let origin = named.or_else(|| {
            let referrer = window.document()?.referrer();
            origin_of(&referrer)
        });
        let allowed = origin.filter(|o| options::get().allows_origin(o, &own_origin()));
        PARENT.with(|p| *p.borrow_mut() = allowed);
    }
    let handle = lab.clone();
    let listener =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            receive(&handle, &e);
        });
    let _ = window.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    listener.forget();
    tell(&message("ready"));
}

fn message(kind: &str) -> Object {
    let m = Object::new();
    set(&m, "type", &kind.into());
    m
}

fn set(object: &Object, name: &str, value: &JsValue) {
    let _ = Reflect::set(object, &name.into(), value);
}

/// Posts `message` to the parent page, if it is allowed to hear the lab.
fn tell(message: &Object) {
    let Some(origin) = PARENT.with(|p| p.borrow().clone()) else {
        return;
    };
    if let Some(parent) = parent_window() {
        let _ = parent.post_message(message, &origin);
    }
}

/// Tells the parent page an event of kind `kind` happened (`{type: "event", kind, detail}`),
/// such as a lesson step completed.
pub fn emit(kind: &str, detail: &JsValue) {
    let m = message("event");
    set(&m, "kind", &kind.into());
    set(&m, "detail", detail);
    tell(&m);
}

/// Tells the parent page of a lesson's progress: `lessonStepCompleted` with `{lesson, step,
/// title}` (the step numbered from 1), `lessonCompleted` with `{lesson}`.
pub fn lesson_event(event: &crate::lesson::Event) {
    use crate::lesson::Event;
    let detail = Object::new();
    let kind = match event {
        Event::StepCompleted {
            lesson,
            step,
            title,
        } => {
            set(&detail, "lesson", &lesson.into());
            set(&detail, "step", &(*step as f64).into());
            set(&detail, "title", &title.into());
            "lessonStepCompleted"
        }
        Event::LessonCompleted { lesson } => {
            set(&detail, "lesson", &lesson.into());
            "lessonCompleted"
        }
    };
    emit(kind, &detail);
}

/// Tells the parent page the lab's state changed (and was saved, when it is saved).
pub fn state_changed() {
    tell(&message("stateChanged"));
}

/// Tells the parent page what each terminal printed since it was last told.
pub fn output(lab: &LabHandle) {
    if PARENT.with(|p| p.borrow().is_none()) {
        return;
    }
    let news: Vec<(TerminalId, String)> = lab.read(|l| {
        TOLD.with(|told| {
            let mut told = told.borrow_mut();
            let mut news = Vec::new();
            for id in l.terminals() {
                let t = l.terminal(id);
                let before = match told.iter_mut().find(|(i, _)| *i == id) {
                    Some((_, n)) => std::mem::replace(n, t.printed()),
                    None => {
                        told.push((id, t.printed()));
                        0
                    }
                };
                let new = t.printed().saturating_sub(before) as usize;
                if new > 0 {
                    let lines: Vec<String> = t
                        .log()
                        .skip(t.log().len().saturating_sub(new))
                        .map(|l| l.plain())
                        .collect();
                    news.push((id, lines.join("\n")));
                }
            }
            news
        })
    });
    for (id, text) in news {
        let m = message("output");
        set(&m, "terminal", &(id.number() as f64).into());
        set(&m, "text", &text.into());
        tell(&m);
    }
}

fn field(data: &JsValue, name: &str) -> JsValue {
    Reflect::get(data, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Acts on a message from an allowed origin and answers it.
fn receive(lab: &LabHandle, e: &web_sys::MessageEvent) {
    let origin = e.origin();
    if !options::get().allows_origin(&origin, &own_origin()) {
        return;
    }
    let data = e.data();
    let Some(kind) = field(&data, "type").as_string() else {
        return;
    };
    let id = field(&data, "id");
    let source = e.source().map(JsValue::from);
    // A parent whose origin the browser did not name (no referrer) is known once it speaks.
    if let (Some(parent), Some(source)) = (parent_window(), &source)
        && Object::is(&parent, source)
    {
        PARENT.with(|p| {
            p.borrow_mut().get_or_insert_with(|| origin.clone());
        });
    }
    let reply = move |result: Result<JsValue, String>| {
        let m = message("reply");
        set(&m, "id", &id);
        match result {
            Ok(value) => {
                set(&m, "ok", &JsValue::TRUE);
                set(&m, "result", &value);
            }
            Err(error) => {
                set(&m, "ok", &JsValue::FALSE);
                set(&m, "error", &error.into());
            }
        }
        if let Some(source) = &source
            && let Ok(post) = Reflect::get(source, &"postMessage".into())
                .and_then(|f| f.dyn_into::<js_sys::Function>())
        {
            let _ = post.call2(source, &m, &origin.clone().into());
        }
    };
    let text = |name: &str| field(&data, name).as_string();
    match kind.as_str() {
        "exec" => {
            let Some(line) = text("line") else {
                return reply(Err("exec needs a line".into()));
            };
            let terminal = field(&data, "terminal").as_f64();
            reply(
                bindings::run(lab, &line, terminal)
                    .map(JsValue::from)
                    .map_err(|e| error_text(&e)),
            );
        }
        "reset" => {
            lab.replace_with_fresh();
            reply(Ok(JsValue::TRUE));
        }
        "state" => reply(lab.state_json().map(JsValue::from)),
        "loadState" => match text("json") {
            Some(json) => reply(lab.load_state_json(&json).map(|()| JsValue::TRUE)),
            None => reply(Err("loadState needs json (a string)".into())),
        },
        "loadScenario" => {
            let json = field(&data, "json");
            let json = if json.is_object() {
                js_sys::JSON::stringify(&json)
                    .ok()
                    .and_then(|s| s.as_string())
            } else {
                json.as_string()
            };
            match (json, text("url")) {
                (Some(json), _) => reply(lab.load_scenario(&json).map(|()| JsValue::TRUE)),
                (None, Some(url)) => {
                    let lab = lab.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let loaded = fetch_text(&url)
                            .await
                            .and_then(|json| lab.load_scenario(&json));
                        reply(loaded.map(|()| JsValue::TRUE));
                    });
                }
                (None, None) => reply(Err("loadScenario needs json or url".into())),
            }
        }
        _ => reply(Err(format!("unknown message type '{kind}'"))),
    }
}

/// The message of a JavaScript error (or the value as text).
fn error_text(e: &JsValue) -> String {
    Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "error".into())
}

/// The text at `url` (relative to the page), or why not.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let failed = |_| format!("{url} could not be fetched");
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(failed)?;
    let response: web_sys::Response = response.dyn_into().map_err(failed)?;
    if !response.ok() {
        return Err(format!("{url} answered {}", response.status()));
    }
    let text = response.text().map_err(failed)?;
    let text = wasm_bindgen_futures::JsFuture::from(text)
        .await
        .map_err(failed)?;
    text.as_string().ok_or_else(|| format!("{url} is not text"))
}
