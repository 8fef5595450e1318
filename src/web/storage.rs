//! The only file that touches browser storage (`localStorage`): the reader's theme choice, and
//! the saved lab (`shell::Lab::save_state`) under a key of its own per scenario and lesson (see
//! `options::Options::state_key`), so two embedded labs on one site do not overwrite each other.
//! Storage may be missing or refused (private windows, embedded frames): then nothing is
//! remembered, and nothing fails. Writing can fail when the quota (about 5 MB a site) is full:
//! the caller gets the reason, to say so.

const THEME_KEY: &str = "maillab.theme";
/// Where a stored state that would not load is kept, after its key (nothing is silently lost).
pub const ASIDE_SUFFIX: &str = ".unreadable";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The theme the reader chose ("light" or "dark"), if they chose one; a `theme` in the page's
/// address overrides it.
pub fn theme() -> Option<String> {
    if let Some(theme) = super::options::get().theme {
        return Some(theme.to_string());
    }
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

/// The text stored under `key`, if any.
pub fn get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Stores `text` under `key`; the error says why not (storage refused, or full).
pub fn set(key: &str, text: &str) -> Result<(), String> {
    let storage = local_storage().ok_or("this browser does not let the page store anything")?;
    storage.set_item(key, text).map_err(|e| {
        let name = js_sys::Reflect::get(&e, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        if name == "QuotaExceededError" {
            "the browser's storage for this site is full".to_string()
        } else {
            "the browser refused to store it".to_string()
        }
    })
}

/// Forgets what is stored under `key`.
pub fn remove(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}
