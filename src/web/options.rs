//! The page's URL options, read once from the address (`?scenario=…&embed=1&…`), in this one
//! place; README ("Embed it") documents them:
//!
//! - `scenario=URL`: start from the scenario JSON at that address (when nothing is saved for it).
//! - `panels=start,mailboxes,…` the panels shown, by id, or `none`; all when absent.
//! - `theme=light|dark`: overrides the reader's own choice.
//! - `embed=1`: compact chrome for a course page (no tagline, smaller header).
//! - `persist=0`: nothing is saved: the lab starts fresh at every load.
//! - `origins=https://a.example,https://b.example`: the pages allowed to drive the lab by
//!   `postMessage` and to hear its events (`embed.rs`); without it, only the lab's own origin.
//! - `lesson=ID` and `instructions=readonly`: read here for the lessons (`lesson`, and
//!   [`Options::instructions_readonly`]).
//!
//! Anything else in the address is ignored; a value that does not parse is as if absent.

use std::sync::OnceLock;

/// What the page's address asks for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    /// The address of a scenario JSON to start from.
    pub scenario: Option<String>,
    /// The panels to show, by id (`None`: all of them; empty: none).
    pub panels: Option<Vec<String>>,
    /// `light` or `dark`.
    pub theme: Option<&'static str>,
    /// Compact chrome for embedding.
    pub embed: bool,
    /// Whether the lab is saved in the browser (default yes).
    pub persist: bool,
    /// The exact origins allowed to talk to the lab by `postMessage`.
    pub origins: Vec<String>,
    /// The lesson to open, by id.
    pub lesson: Option<String>,
    /// Whether a lesson's instructions are shown without the controls that change them.
    pub instructions_readonly: bool,
}

static OPTIONS: OnceLock<Options> = OnceLock::new();

/// The options of this page's address (read on first use).
pub fn get() -> &'static Options {
    OPTIONS.get_or_init(|| {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        Options::parse(&search)
    })
}

fn flag(value: &str) -> Option<bool> {
    match value {
        "" | "1" | "true" | "on" | "yes" => Some(true),
        "0" | "false" | "off" | "no" => Some(false),
        _ => None,
    }
}

impl Options {
    /// The options of a query string (`?a=b&c=d`, the `?` optional).
    pub fn parse(query: &str) -> Options {
        let mut options = Options {
            persist: true,
            ..Options::default()
        };
        let Ok(params) = web_sys::UrlSearchParams::new_with_str(query) else {
            return options;
        };
        let value = |name: &str| params.get(name).map(|v| v.trim().to_string());
        options.scenario = value("scenario").filter(|v| !v.is_empty());
        options.panels = value("panels").map(|v| {
            v.split(',')
                .map(|p| p.trim().to_ascii_lowercase())
                .filter(|p| !p.is_empty() && p != "none")
                .collect()
        });
        options.theme = match value("theme").as_deref() {
            Some("light") => Some("light"),
            Some("dark") => Some("dark"),
            _ => None,
        };
        options.embed = value("embed").and_then(|v| flag(&v)).unwrap_or(false);
        options.persist = value("persist").and_then(|v| flag(&v)).unwrap_or(true);
        options.origins = value("origins")
            .unwrap_or_default()
            .split([',', ' '])
            .map(|o| o.trim().trim_end_matches('/').to_string())
            // Exact origins only: "*" would let any page drive the lab.
            .filter(|o| o.starts_with("http://") || o.starts_with("https://"))
            .collect();
        options.lesson = value("lesson").filter(|v| !v.is_empty());
        options.instructions_readonly = value("instructions").as_deref() == Some("readonly");
        options
    }

    /// Whether the panel `id` is shown.
    pub fn shows_panel(&self, id: &str) -> bool {
        self.panels
            .as_ref()
            .is_none_or(|shown| shown.iter().any(|p| p == id))
    }

    /// The storage key of this page's saved lab, or `None` when nothing is saved: one key per
    /// scenario and lesson, so two embedded labs do not overwrite each other.
    pub fn state_key(&self) -> Option<String> {
        if !self.persist {
            return None;
        }
        let mut key = "maillab.lab".to_string();
        if let Some(scenario) = &self.scenario {
            key.push_str(" scenario=");
            key.push_str(scenario);
        }
        if let Some(lesson) = &self.lesson {
            key.push_str(" lesson=");
            key.push_str(lesson);
        }
        Some(key)
    }

    /// Whether a page of `origin` may talk to the lab, whose own origin is `own`.
    pub fn allows_origin(&self, origin: &str, own: &str) -> bool {
        if self.origins.is_empty() {
            origin == own
        } else {
            self.origins.iter().any(|o| o == origin)
        }
    }
}
