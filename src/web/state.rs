//! The one shared handle on the lab: `Rc<RefCell<Lab>>` plus a generation number that every
//! change bumps, so components compare a number instead of cloning the world (STYLE.md).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::Callback;

use crate::shell::Lab;
use crate::time::Instant;

/// A cheap, clonable handle on the page's lab.
#[derive(Clone)]
pub struct LabHandle {
    lab: Rc<RefCell<Lab>>,
    generation: Rc<Cell<u64>>,
    on_change: Rc<RefCell<Option<Callback<()>>>>,
}

impl PartialEq for LabHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.lab, &other.lab)
    }
}

impl LabHandle {
    /// A fresh lab at the browser's current time.
    pub fn new() -> Self {
        LabHandle {
            lab: Rc::new(RefCell::new(Lab::new(browser_now()))),
            generation: Rc::new(Cell::new(0)),
            on_change: Rc::new(RefCell::new(None)),
        }
    }

    /// Reads the lab.
    pub fn read<R>(&self, f: impl FnOnce(&Lab) -> R) -> R {
        f(&self.lab.borrow())
    }

    /// Changes the lab (after moving its clock to now), then tells the page to re-render.
    pub fn update<R>(&self, f: impl FnOnce(&mut Lab) -> R) -> R {
        let result = {
            let mut lab = self.lab.borrow_mut();
            lab.world_mut().advance_to(browser_now());
            f(&mut lab)
        };
        // The borrow ends before anything re-renders.
        self.generation.set(self.generation.get().wrapping_add(1));
        let on_change = self.on_change.borrow().clone();
        if let Some(cb) = on_change {
            cb.emit(());
        }
        result
    }

    /// The clock's heartbeat: moves the world to now, fires due server timers (POP3's
    /// autologout, say) and prints what servers sent meanwhile; re-renders only if something was
    /// printed.
    pub fn tick(&self) {
        let printed = {
            let mut lab = self.lab.borrow_mut();
            lab.world_mut().advance_to(browser_now());
            lab.poll()
        };
        if printed {
            self.generation.set(self.generation.get().wrapping_add(1));
            let on_change = self.on_change.borrow().clone();
            if let Some(cb) = on_change {
                cb.emit(());
            }
        }
    }

    /// Replaces the lab with a fresh one (the clock keeps running forward).
    pub fn replace_with_fresh(&self) {
        self.update(|lab| {
            let now = lab.world().now();
            *lab = Lab::new(now);
        });
    }

    /// Counts changes; a component re-renders when it differs from what it last saw.
    pub fn generation(&self) -> u64 {
        self.generation.get()
    }

    /// What to call after every change (the app's re-render).
    pub fn on_change(&self, cb: Callback<()>) {
        *self.on_change.borrow_mut() = Some(cb);
    }
}

impl Default for LabHandle {
    fn default() -> Self {
        LabHandle::new()
    }
}

/// The browser's wall clock as a world instant (the page's default clock follows real time).
fn browser_now() -> Instant {
    let millis = js_sys::Date::now();
    Instant::from_unix_millis(if millis.is_finite() && millis > 0.0 {
        millis as u64
    } else {
        0
    })
}
