//! The only file that touches browser storage: the reader's theme choice, under one key of
//! `localStorage`. Storage may be missing or refused (private windows, embedded frames):
//! then nothing is remembered, and nothing fails.

const THEME_KEY: &str = "maillab.theme";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The theme the reader chose ("light" or "dark"), if they chose one.
pub fn theme() -> Option<String> {
    local_storage()?
        .get_item(THEME_KEY)
        .ok()
        .flatten()
        .filter(|t| t == "light" || t == "dark")
}

/// Remembers the reader's theme.
pub fn set_theme(theme: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(THEME_KEY, theme);
    }
}
