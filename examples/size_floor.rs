//! The size floor of the page (#10): the whole core as the page uses it — typed lines, completion,
//! the lesson's checks, saving and loading a lab, a scenario's JSON — behind the thinnest driver
//! there is, with no yew and no DOM. `scripts/size-floor.sh` builds it for wasm32 the way the
//! release site is built and prints its gzip size: what the page's UI costs is the difference.
//! Not part of the product; on the host it does nothing.

#[cfg(target_arch = "wasm32")]
mod floor {
    use std::cell::RefCell;

    use maillab::shell::{Lab, LineKind};
    use maillab::time::Instant;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = console)]
        fn error(s: &str);
        #[wasm_bindgen(js_namespace = Date)]
        fn now() -> f64;
    }

    thread_local! {
        static LAB: RefCell<Option<Lab>> = const { RefCell::new(None) };
    }

    fn now_instant() -> Instant {
        Instant::from_unix_millis(now().max(0.0) as u64)
    }

    /// Runs `f` on the lab (made on first use) after moving its clock to now, then prints what
    /// servers sent meanwhile, as the page's handle does.
    fn with_lab<R>(f: impl FnOnce(&mut Lab) -> R) -> R {
        LAB.with(|cell| {
            let mut slot = cell.borrow_mut();
            let lab = slot.get_or_insert_with(|| Lab::new(now_instant()));
            lab.world_mut().advance_to(now_instant());
            let result = f(lab);
            lab.poll();
            result
        })
    }

    /// The panic hook the page keeps (#10), reduced to the console.
    #[wasm_bindgen(start)]
    pub fn start() {
        std::panic::set_hook(Box::new(|info| error(&info.to_string())));
    }

    #[wasm_bindgen]
    pub fn exec(line: &str) -> String {
        with_lab(|lab| {
            let term = lab.main_terminal();
            lab.exec(term, line)
                .into_iter()
                .filter(|l| !matches!(l.kind, LineKind::Input | LineKind::Client))
                .map(|l| l.plain())
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    #[wasm_bindgen]
    pub fn output() -> String {
        with_lab(|lab| {
            let term = lab.main_terminal();
            let log = lab.terminal(term).log();
            log.map(|l| l.plain()).collect::<Vec<_>>().join("\n")
        })
    }

    #[wasm_bindgen]
    pub fn complete(line: &str) -> String {
        with_lab(|lab| {
            let term = lab.main_terminal();
            lab.complete(term, line).input
        })
    }

    #[wasm_bindgen]
    pub fn lesson() -> String {
        with_lab(|lab| {
            let mut text = String::new();
            if let Some((lesson, progress)) = lab.lesson() {
                text.push_str(&lesson.title);
                text.push_str(if progress.complete(lesson) {
                    " (complete)"
                } else {
                    ""
                });
            }
            for check in lab.lesson_checks() {
                text.push_str(&check.check.label);
                text.push_str(if check.passed { " +" } else { " -" });
                text.push_str(&check.hint);
            }
            text
        })
    }

    #[wasm_bindgen]
    pub fn save_state() -> String {
        with_lab(|lab| lab.save_state().unwrap_or_default())
    }

    #[wasm_bindgen]
    pub fn load_state(json: &str) -> bool {
        let Ok(loaded) = Lab::load_state(json, now_instant()) else {
            return false;
        };
        with_lab(|lab| *lab = loaded);
        true
    }

    #[wasm_bindgen]
    pub fn load_scenario(json: &str) -> bool {
        let Ok(loaded) = Lab::from_scenario_json(json, now_instant()) else {
            return false;
        };
        with_lab(|lab| *lab = loaded);
        true
    }
}

fn main() {}
