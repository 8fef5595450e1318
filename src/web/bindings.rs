//! `window.mailLab`: the page's JavaScript API, for headless tests and for pages that embed the
//! lab. This is the only file that defines it; README documents it.
//!
//! - `exec(line) -> string`: runs `line` in the main terminal exactly as if typed and Enter
//!   pressed (several lines separated by `\n` run in turn; `"\u001d"` is Ctrl-]), and returns
//!   the text that running it printed, without the echo of the typed line itself.
//! - `output() -> string`: the main terminal's whole output as text, one line per line.
//! - `reset()`: a fresh lab: the world at its starting state and an empty terminal.
//! - `ready`: `true` once the API is installed (the root element also gets `data-ready="true"`).

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

use super::LabHandle;
use crate::shell::LineKind;

/// Puts `window.mailLab` in place, driving `lab`.
pub fn install(lab: &LabHandle) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let api = Object::new();

    let handle = lab.clone();
    let exec = Closure::<dyn Fn(String) -> String>::new(move |line: String| {
        handle.update(|lab| {
            let term = lab.main_terminal();
            lab.exec(term, &line)
                .into_iter()
                .filter(|l| !matches!(l.kind, LineKind::Input | LineKind::Client))
                .map(|l| l.plain())
                .collect::<Vec<_>>()
                .join("\n")
        })
    });
    Reflect::set(&api, &"exec".into(), exec.as_ref())?;

    let handle = lab.clone();
    let output = Closure::<dyn Fn() -> String>::new(move || {
        handle.read(|lab| {
            lab.terminal(lab.main_terminal())
                .log()
                .map(|l| l.plain())
                .collect::<Vec<_>>()
                .join("\n")
        })
    });
    Reflect::set(&api, &"output".into(), output.as_ref())?;

    let handle = lab.clone();
    let reset = Closure::<dyn Fn()>::new(move || handle.replace_with_fresh());
    Reflect::set(&api, &"reset".into(), reset.as_ref())?;

    Reflect::set(&api, &"ready".into(), &JsValue::TRUE)?;
    Reflect::set(&window, &"mailLab".into(), &api)?;
    // The API lives as long as the page: its closures are handed to JavaScript for good.
    exec.forget();
    output.forget();
    reset.forget();
    Ok(())
}
