//! The theme switch in the header: a toggle button for the dark theme. Until the reader presses
//! it, the page follows the system (`prefers-color-scheme`, in `www/style.css`); a choice is set
//! as `data-theme` on the root element and remembered (`web/storage.rs`).

use yew::prelude::*;

use crate::web::storage;

#[function_component(ThemeSwitch)]
pub fn theme_switch() -> Html {
    let dark = use_state(|| match storage::theme() {
        Some(theme) => {
            apply(&theme);
            theme == "dark"
        }
        None => system_is_dark(),
    });
    let onclick = {
        let dark = dark.clone();
        Callback::from(move |_: MouseEvent| {
            let theme = if *dark { "light" } else { "dark" };
            apply(theme);
            storage::set_theme(theme);
            dark.set(!*dark);
        })
    };
    html! {
        <button type="button" class="theme-switch" aria-pressed={if *dark { "true" } else { "false" }}
                {onclick}>
            <span class="theme-icon" aria-hidden="true">{"◐"}</span>
            {"Dark theme"}
        </button>
    }
}

/// Sets the theme on the root element, which the stylesheet's custom properties follow.
fn apply(theme: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", theme);
    }
}

/// Whether the system asks for a dark theme.
fn system_is_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}
