//! The browser driver: a yew page around the shell, and the `window.mailLab` API.
//!
//! Invariants: this module renders what the core exposes and forwards what the user does; it
//! holds no protocol or shell logic. One [`LabHandle`] owns the [`Lab`](crate::shell::Lab);
//! components get it by props and re-render when its generation changes.
//! `bindings.rs` is the only file that defines the JS API; `embed.rs` the only one that speaks
//! `postMessage`; `options.rs` the only one that reads the page's URL options; `storage.rs` the
//! only one that touches browser storage.

mod app;
mod bindings;
mod components;
pub mod embed;
pub mod options;
mod state;
mod storage;

pub use app::App;
pub use state::LabHandle;

use wasm_bindgen::JsCast;

/// The id of the element the app renders into (created if the page lacks it).
pub const ROOT_ID: &str = "maillab";

/// Starts the page: the panic notice, then the app in `#maillab`.
pub fn start() {
    install_panic_notice();
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let root = match document.get_element_by_id(ROOT_ID) {
        Some(root) => root,
        None => {
            let Ok(root) = document.create_element("div") else {
                return;
            };
            root.set_id(ROOT_ID);
            if let Some(body) = document.body() {
                let _ = body.append_child(&root);
            }
            root
        }
    };
    yew::Renderer::<App>::with_root(root).render();
}

/// A panic in wasm stops the whole page; instead of a silently dead page, say so visibly and in
/// the console. The goal is that this never shows.
fn install_panic_notice() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&format!("Mail Lab internal error: {message}").into());
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let (Ok(notice), Some(body)) = (document.create_element("div"), document.body()) {
            notice.set_class_name("fatal");
            let _ = notice.set_attribute("role", "alert");
            notice.set_text_content(Some(&format!(
                "Mail Lab stopped because of an internal error. Reload the page to start again. \
                 (Please report it: {message})"
            )));
            let _ = body.append_child(&notice);
        }
        if let Ok(inputs) = document.query_selector_all("[aria-label='Terminal input']") {
            for index in 0..inputs.length() {
                if let Some(input) = inputs
                    .get(index)
                    .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                {
                    input.set_disabled(true);
                }
            }
        }
    }));
}
