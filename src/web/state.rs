//! The one shared handle on the lab: `Rc<RefCell<Lab>>` plus a generation number that every
//! change bumps, so components compare a number instead of cloning the world (STYLE.md).
//!
//! It also holds the page's own state about the lab's terminals, which the shell does not know:
//! which terminal is shown (the active tab), how much of each terminal's output has been seen
//! (a hidden terminal that printed more shows an unread mark), and the tab strip's notice; and
//! about the panels beside them: which panel is shown, and what the Mailboxes, Sessions and
//! Reference panels are looking at. Kept here, not in the components, so that it survives a
//! panel being hidden and shown. A change of what the page shows (a panel, a message chosen,
//! the message list scrolled) redraws the page without moving the generation: the lab did not
//! change, so the terminals, which compare the generation, are left alone.
//! panel being hidden and shown.
//!
//! Persistence: [`LabHandle::restore`] starts the page from a lab shared in the link
//! (`#state=`), else from the one saved in the browser (`storage.rs`), else fresh; a saved
//! state that does not load is kept aside and the page says so politely (never a blank page).
//! After a change the lab is saved at most once a second ([`SAVE_DELAY_MS`]) and when the page
//! is hidden (`pagehide`), and the embedding page hears `stateChanged` (`embed.rs`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::Callback;

use super::{embed, options, storage};
use crate::net::ConnId;
use crate::shell::{Lab, TerminalId};
use crate::time::Instant;

/// The most terminals the page opens at once (Alt+1 to Alt+6 reach each of them).
pub const MAX_TERMINALS: usize = 6;
/// How long after a change the lab is saved (changes meanwhile are saved with it).
pub const SAVE_DELAY_MS: u32 = 1_000;
/// The longest share link the page offers (chat tools and browsers cope with this much).
pub const MAX_SHARE_LINK: usize = 32_000;

/// A cheap, clonable handle on the page's lab.
#[derive(Clone)]
pub struct LabHandle {
    lab: Rc<RefCell<Lab>>,
    view: Rc<RefCell<View>>,
    generation: Rc<Cell<u64>>,
    on_change: Rc<RefCell<Option<Callback<()>>>>,
    persist: Rc<RefCell<Persist>>,
}

/// Saving the lab: where, and the save waiting to happen.
#[derive(Default)]
struct Persist {
    /// The storage key (`None`: the lab is not saved).
    key: Option<String>,
    /// The save (and `stateChanged` event) waiting for changes to settle.
    timer: Option<gloo::timers::callback::Timeout>,
    /// The last reason a save failed, so it is said once, not every second.
    failed: Option<String>,
    /// The scenario address to fetch at start (nothing saved was loaded for it).
    scenario_url: Option<String>,
}

/// What the page shows of the lab's terminals.
struct View {
    /// The terminal shown.
    active: TerminalId,
    /// For each terminal, how many lines it had printed when it was last shown (a few
    /// entries: a list is enough, and smaller in wasm than a map).
    seen: Vec<(TerminalId, u64)>,
    /// A message for the tab strip (such as why no terminal was opened).
    notice: Option<String>,
    /// Whether the active terminal's input should take the focus at its next render.
    focus_input: bool,
    /// Counts fresh labs, so the page can tell a new lab's terminal 1 from the old one's.
    epoch: u64,
    /// The panel shown beside the terminals, by its name in the page's list of panels
    /// (`web/components/panels.rs`); `None` for the first.
    panel: Option<&'static str>,
    /// What the Mailboxes panel shows.
    mailboxes: MailboxesView,
    /// The session the Sessions panel shows.
    session: SessionChoice,
    /// What the Reference panel shows.
    reference: ReferenceView,
    /// For each panel that marks changes, what it showed when it was last shown (see
    /// [`LabHandle::panel_mark`]).
    panel_seen: Vec<(&'static str, u64)>,
    /// The page of a long transcript chosen, as the session and its first line; none: the
    /// latest lines of whichever session is shown.
    transcript_page: Option<(ConnId, usize)>,
    /// A notice for the whole page (a saved lab that would not load, an import refused).
    banner: Option<String>,
    /// The share link shown in the header, once asked for.
    shared_link: Option<String>,
}

/// Which session the Sessions panel shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SessionChoice {
    /// The session of the terminal shown, or else the newest one: it follows the student.
    #[default]
    Follow,
    /// The one the student chose.
    Pinned(ConnId),
}

/// What the Reference panel shows: one protocol (or all) and a filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReferenceView {
    /// `SMTP`, `POP3` or `IMAP`; `None` for all three.
    pub protocol: Option<&'static str>,
    /// Words that an entry must contain (empty: every entry).
    pub query: String,
}

/// What the Mailboxes panel is looking at. Names, not references: whatever they name may have
/// gone when the panel next renders (an expunge, a reset), and the panel then falls back.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MailboxesView {
    /// Whose mail; `None` for the first account of the first mail host.
    pub source: Option<MailSource>,
    /// The folder of a server account (INBOX when empty or gone).
    pub folder: String,
    /// The message shown: its UID on a server, its position from 1 in a local mailbox.
    pub message: Option<u32>,
    /// How the message is shown.
    pub aspect: Aspect,
    /// Whether raw line ends are drawn (␍␊), as the shell's `show --crlf`.
    pub line_ends: bool,
    /// Where the message list is scrolled to (only the rows in view and a margin are drawn).
    pub window: ListWindow,
}

/// The part of a long list in view, as the list last reported it when scrolled: the rows drawn
/// are these and a margin on each side.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListWindow {
    /// Which list this is about (a mailbox's name in the page); another list starts at its top.
    pub list: String,
    /// The first row in view, from 0.
    pub top: usize,
    /// How many rows fit in view (0 until the list has been measured).
    pub rows: usize,
}

/// A mailbox the Mailboxes panel can show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailSource {
    /// An account in a mail host's store: the server-side truth.
    Account { host: String, user: String },
    /// A user agent's local mailbox (what a POP3 client downloaded), by the agent's name.
    Agent(String),
}

/// The ways of looking at one message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Aspect {
    /// The main header fields and the decoded text parts.
    #[default]
    Text,
    /// Every header field.
    Headers,
    /// The MIME tree.
    Mime,
    /// The octets as stored.
    Raw,
}

impl View {
    fn new(lab: &Lab, epoch: u64) -> Self {
        let active = lab.main_terminal();
        let mut view = View {
            active,
            seen: Vec::new(),
            notice: None,
            focus_input: false,
            epoch,
            panel: None,
            mailboxes: MailboxesView::default(),
            session: SessionChoice::Follow,
            reference: ReferenceView::default(),
            panel_seen: Vec::new(),
            transcript_page: None,
            banner: None,
            shared_link: None,
        };
        // Everything a lab (a restored one too) has printed so far counts as seen.
        for id in lab.terminals() {
            view.saw(id, lab.terminal(id).printed());
        }
        view
    }

    /// Notes that terminal `id` had printed `printed` lines when last shown.
    fn saw(&mut self, id: TerminalId, printed: u64) {
        match self.seen.iter_mut().find(|(t, _)| *t == id) {
            Some((_, seen)) => *seen = printed,
            None => self.seen.push((id, printed)),
        }
    }

    /// How many lines terminal `id` had printed when last shown.
    fn seen(&self, id: TerminalId) -> u64 {
        self.seen
            .iter()
            .find(|(t, _)| *t == id)
            .map_or(0, |(_, seen)| *seen)
    }
}

/// A terminal as the tab strip shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct TabInfo {
    pub id: TerminalId,
    /// Where the terminal is connected (`mail.hamburger.edu:110`), if it is.
    pub remote: Option<String>,
    /// Whether it printed something since it was last shown.
    pub unread: bool,
}

impl PartialEq for LabHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.lab, &other.lab)
    }
}

impl LabHandle {
    /// A fresh lab at the browser's current time.
    pub fn new() -> Self {
        LabHandle::with_lab(Lab::new(browser_now()))
    }

    fn with_lab(lab: Lab) -> Self {
        let view = View::new(&lab, 0);
        LabHandle {
            lab: Rc::new(RefCell::new(lab)),
            view: Rc::new(RefCell::new(view)),
            generation: Rc::new(Cell::new(0)),
            on_change: Rc::new(RefCell::new(None)),
            persist: Rc::default(),
        }
    }

    /// The page's lab at start: the one shared in the link (`#state=`), else the one saved
    /// under this page's key (see `options::Options::state_key`), else a fresh one. Whatever
    /// does not load leaves a notice, and a saved text that does not load is kept aside.
    pub fn restore() -> Self {
        let now = browser_now();
        // One lab per page owns the key: a second app in the same page (the wasm tests mount
        // many) starts fresh and is not saved, so two labs never overwrite each other.
        thread_local!(static CLAIMED: Cell<bool> = const { Cell::new(false) });
        let key = options::get()
            .state_key()
            .filter(|_| !CLAIMED.with(|c| c.replace(true)));
        let mut banner = None;
        let mut lab = None;
        let mut unsaved = false;
        if let Some(shared) = take_shared_state() {
            match Lab::load_state(&shared, now) {
                Ok(loaded) => {
                    lab = Some(loaded);
                    // Saved soon, so that a reload (the link no longer in the address) keeps it.
                    unsaved = true;
                    banner = Some("This is the lab shared in the link you opened.".to_string());
                    if let Some((key, mine)) =
                        key.as_ref().and_then(|k| Some((k, storage::get(k)?)))
                    {
                        let _ = storage::set(&format!("{key}.before-link"), &mine);
                    }
                }
                Err(e) => {
                    banner = Some(format!(
                        "The lab in the link you opened could not be loaded, so this is your own lab. ({e})"
                    ))
                }
            }
        }
        if let Some(key) = key.as_ref().filter(|_| lab.is_none())
            && let Some(text) = storage::get(key)
        {
            match Lab::load_state(&text, now) {
                Ok(loaded) => lab = Some(loaded),
                Err(e) => {
                    let aside = format!("{key}{}", storage::ASIDE_SUFFIX);
                    let kept = storage::set(&aside, &text).is_ok();
                    storage::remove(key);
                    let mut notice = format!(
                        "Your saved lab could not be restored, so this is a fresh one. ({e})"
                    );
                    if kept {
                        notice.push_str(&format!(
                            " The saved text is kept in this browser's storage under \"{aside}\"."
                        ));
                    }
                    banner = Some(notice);
                }
            }
        }
        let scenario_url = options::get().scenario.clone().filter(|_| lab.is_none());
        let handle = LabHandle::with_lab(lab.unwrap_or_else(|| Lab::new(now)));
        handle.view.borrow_mut().banner = banner;
        let mut persist = handle.persist.borrow_mut();
        persist.key = key;
        persist.scenario_url = scenario_url;
        drop(persist);
        if unsaved {
            handle.schedule_save();
        }
        handle
    }

    /// The scenario address the page should fetch and load at start, once.
    pub fn take_scenario_url(&self) -> Option<String> {
        self.persist.borrow_mut().scenario_url.take()
    }

    /// The page-wide notice, if there is one.
    pub fn banner(&self) -> Option<String> {
        self.view.borrow().banner.clone()
    }

    /// Shows a page-wide notice (`None` takes it away).
    pub fn set_banner(&self, banner: Option<String>) {
        self.view.borrow_mut().banner = banner;
        self.rerender();
    }

    /// The share link shown in the header, if one was asked for.
    pub fn shared_link(&self) -> Option<String> {
        self.view.borrow().shared_link.clone()
    }

    /// Shows a share link in the header (`None` takes it away).
    pub fn set_shared_link(&self, link: Option<String>) {
        self.view.borrow_mut().shared_link = link;
        self.rerender();
    }

    /// The lab as JSON (`Lab::save_state`).
    pub fn state_json(&self) -> Result<String, String> {
        self.read(|lab| lab.save_state()).map_err(|e| e.to_string())
    }

    /// Replaces the lab with the one `json` describes; a state that does not load changes
    /// nothing, and the error says why.
    pub fn load_state_json(&self, json: &str) -> Result<(), String> {
        let lab = Lab::load_state(json, browser_now()).map_err(|e| e.to_string())?;
        self.replace(lab);
        Ok(())
    }

    /// Replaces the lab with a fresh one of the scenario `json`; a scenario that does not load
    /// changes nothing.
    pub fn load_scenario(&self, json: &str) -> Result<(), String> {
        let now = self.read(|lab| lab.world().now()).max(browser_now());
        let lab = Lab::from_scenario_json(json, now)?;
        self.replace(lab);
        Ok(())
    }

    /// A link to this page that opens a copy of this lab's world (its terminals start empty),
    /// or why there is none (the state is too big for a link).
    pub fn share_link(&self) -> Result<String, String> {
        let state = self
            .read(|lab| lab.save_world_state())
            .map_err(|e| e.to_string())?;
        let location = web_sys::window()
            .map(|w| w.location())
            .ok_or("no page address")?;
        let base = format!(
            "{}{}{}",
            location.origin().unwrap_or_default(),
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        let packed: String = crate::base64::STANDARD
            .encode(state.as_bytes())
            .chars()
            .filter_map(|c| match c {
                '+' => Some('-'),
                '/' => Some('_'),
                '=' => None,
                c => Some(c),
            })
            .collect();
        let link = format!("{base}#state={packed}");
        if link.len() > MAX_SHARE_LINK {
            return Err(format!(
                "This lab is too big for a link ({} characters, at most {MAX_SHARE_LINK}): export it to a file and share the file instead.",
                link.len()
            ));
        }
        Ok(link)
    }

    /// Saves the lab now (if this page saves it) and tells the embedding page it changed.
    pub fn save_now(&self) {
        let (key, timer) = {
            let mut persist = self.persist.borrow_mut();
            (persist.key.clone(), persist.timer.take())
        };
        let waiting = timer.is_some();
        drop(timer);
        if !waiting {
            return;
        }
        if let Some(key) = key {
            let saved = self.state_json().and_then(|json| storage::set(&key, &json));
            let failure = saved.err();
            let changed = self.persist.borrow().failed != failure;
            if changed {
                self.persist.borrow_mut().failed = failure.clone();
                self.set_banner(failure.map(|why| {
                    format!(
                        "Mail Lab could not save your lab in this browser: {why}. Export it to a file to keep it."
                    )
                }));
            }
        }
        embed::state_changed();
    }

    fn schedule_save(&self) {
        if self.persist.borrow().timer.is_some() {
            return;
        }
        // After a save failed (a full storage), trying again every second would only spend
        // the time to write a state too big to keep: wait longer.
        let delay = if self.persist.borrow().failed.is_some() {
            30 * SAVE_DELAY_MS
        } else {
            SAVE_DELAY_MS
        };
        let handle = self.clone();
        let timer = gloo::timers::callback::Timeout::new(delay, move || handle.save_now());
        self.persist.borrow_mut().timer = Some(timer);
    }

    /// Reads the lab.
    pub fn read<R>(&self, f: impl FnOnce(&Lab) -> R) -> R {
        f(&self.lab.borrow())
    }

    /// Changes the lab (after moving its clock to now), prints what servers sent to the other
    /// terminals meanwhile, then tells the page to re-render.
    pub fn update<R>(&self, f: impl FnOnce(&mut Lab) -> R) -> R {
        let result = {
            let mut lab = self.lab.borrow_mut();
            lab.world_mut().advance_to(browser_now());
            let result = f(&mut lab);
            lab.poll();
            result
        };
        // The borrow ends before anything re-renders.
        self.changed();
        result
    }

    /// The clock's heartbeat: moves the world to now, fires due server timers (POP3's
    /// autologout, say) and prints what servers sent meanwhile; re-renders only if something was
    /// printed.
    pub fn tick(&self) {
        let (printed, world_changed) = {
            let mut lab = self.lab.borrow_mut();
            let before = activity(&lab);
            lab.world_mut().advance_to(browser_now());
            let printed = lab.poll();
            (printed, activity(&lab) != before)
        };
        // A relay retry that delivered, or an autologout that expunged, changed a store: the
        // Mailboxes panel shows it; a retry that failed again, the Network panel.
        if printed || world_changed {
            self.changed();
        }
    }

    /// The panel shown beside the terminals (`None`: the first).
    pub fn panel(&self) -> Option<&'static str> {
        self.view.borrow().panel
    }

    /// Shows the panel called `name` (a message list shown again starts at its top).
    pub fn show_panel(&self, name: &'static str) {
        {
            let mut view = self.view.borrow_mut();
            view.panel = Some(name);
            view.mailboxes.window = ListWindow::default();
        }
        self.redraw();
    }

    /// Whether the panel called `name` has a change to show: `signature` is a number that moves
    /// when what it shows changes. A panel shown (`shown`) has none (what it shows now counts as
    /// seen); nor has a panel the first time it is asked about.
    pub fn panel_mark(&self, name: &'static str, signature: u64, shown: bool) -> bool {
        let mut view = self.view.borrow_mut();
        match view.panel_seen.iter_mut().find(|(p, _)| *p == name) {
            Some((_, seen)) if !shown => *seen != signature,
            Some((_, seen)) => {
                *seen = signature;
                false
            }
            None => {
                view.panel_seen.push((name, signature));
                false
            }
        }
    }

    /// What the Mailboxes panel is looking at.
    pub fn mailboxes(&self) -> MailboxesView {
        self.view.borrow().mailboxes.clone()
    }

    /// Changes what the Mailboxes panel is looking at.
    pub fn set_mailboxes(&self, view: MailboxesView) {
        self.view.borrow_mut().mailboxes = view;
        self.redraw();
    }

    /// Notes where the message list is scrolled to and redraws the panels.
    pub fn set_list_window(&self, window: ListWindow) {
        self.view.borrow_mut().mailboxes.window = window;
        self.redraw();
    }

    /// Re-renders the page after a change of what it shows, not of the lab: the generation
    /// stays, so the terminals (which compare it) are left alone.
    fn redraw(&self) {
        let on_change = self.on_change.borrow().clone();
        if let Some(cb) = on_change {
            cb.emit(());
        }
    }

    /// The first line of the page of session `id`'s transcript chosen; `None` for its latest
    /// lines.
    pub fn transcript_page(&self, id: ConnId) -> Option<usize> {
        self.view
            .borrow()
            .transcript_page
            .filter(|(session, _)| *session == id)
            .map(|(_, start)| start)
    }

    /// Shows the page of session `id`'s transcript from line `start` (`None`: the latest).
    pub fn set_transcript_page(&self, id: ConnId, start: Option<usize>) {
        self.view.borrow_mut().transcript_page = start.map(|start| (id, start));
        self.changed();
    }

    /// Which session the Sessions panel shows.
    pub fn session_choice(&self) -> SessionChoice {
        self.view.borrow().session
    }

    /// Shows a chosen session, or follows the terminal again.
    pub fn choose_session(&self, choice: SessionChoice) {
        self.view.borrow_mut().session = choice;
        self.redraw();
    }

    /// What the Reference panel shows.
    pub fn reference(&self) -> ReferenceView {
        self.view.borrow().reference.clone()
    }

    /// Changes what the Reference panel shows.
    pub fn set_reference(&self, view: ReferenceView) {
        self.view.borrow_mut().reference = view;
        self.redraw();
    }

    /// Replaces the lab with a fresh one of the same scenario (the clock keeps running
    /// forward): one terminal.
    pub fn replace_with_fresh(&self) {
        let fresh = self.read(|lab| {
            let now = lab.world().now();
            lab.scenario_json()
                .and_then(|json| Lab::from_scenario_json(json, now).ok())
                .unwrap_or_else(|| Lab::new(now))
        });
        self.replace(fresh);
    }

    /// Puts `fresh` in the place of the lab; the page around it stays as arranged.
    fn replace(&self, fresh: Lab) {
        {
            let mut lab = self.lab.borrow_mut();
            *lab = fresh;
            let mut view = self.view.borrow_mut();
            let epoch = view.epoch.wrapping_add(1);
            let (panel, mailboxes) = (view.panel, std::mem::take(&mut view.mailboxes));
            let reference = std::mem::take(&mut view.reference);
            let banner = view.banner.take();
            *view = View::new(&lab, epoch);
            view.banner = banner;
            // The page around the terminals stays as the user arranged it (a fresh world has
            // no sessions: the Sessions panel follows again).
            view.panel = panel;
            view.mailboxes = mailboxes;
            view.reference = reference;
        }
        self.changed();
    }

    /// The terminal shown (the first one, should the remembered one have closed).
    pub fn active(&self) -> TerminalId {
        let active = self.view.borrow().active;
        self.read(|lab| {
            lab.terminals()
                .find(|id| *id == active)
                .unwrap_or_else(|| lab.main_terminal())
        })
    }

    /// The open terminals as the tab strip shows them, in order.
    pub fn tabs(&self) -> Vec<TabInfo> {
        let active = self.active();
        let view = self.view.borrow();
        self.read(|lab| {
            lab.terminals()
                .map(|id| {
                    let t = lab.terminal(id);
                    let seen = view.seen(id);
                    TabInfo {
                        id,
                        remote: t.remote().map(|(host, port)| format!("{host}:{port}")),
                        unread: id != active && t.printed() > seen,
                    }
                })
                .collect()
        })
    }

    /// The tab strip's message, if there is one.
    pub fn notice(&self) -> Option<String> {
        self.view.borrow().notice.clone()
    }

    /// Counts fresh labs (see [`LabHandle::replace_with_fresh`]).
    pub fn epoch(&self) -> u64 {
        self.view.borrow().epoch
    }

    /// Shows terminal `id`; false if the lab has no such terminal.
    pub fn select(&self, id: TerminalId) -> bool {
        if !self.read(|lab| lab.terminals().any(|t| t == id)) {
            return false;
        }
        {
            let mut view = self.view.borrow_mut();
            view.active = id;
            view.notice = None;
        }
        self.changed();
        true
    }

    /// Shows the terminal at `position` in the tab strip (0 for the first).
    pub fn select_position(&self, position: usize) -> bool {
        match self.read(|lab| lab.terminals().nth(position)) {
            Some(id) => self.select(id),
            None => false,
        }
    }

    /// Opens another terminal and shows it, unless [`MAX_TERMINALS`] are open already (then
    /// the notice says so, and so does the error).
    pub fn open_terminal(&self) -> Result<TerminalId, String> {
        if self.read(|lab| lab.terminals().len()) >= MAX_TERMINALS {
            let message = format!("At most {MAX_TERMINALS} terminals: close one to open another.");
            self.view.borrow_mut().notice = Some(message.clone());
            self.changed();
            return Err(message);
        }
        let id = self.lab.borrow_mut().open_terminal();
        self.select(id);
        Ok(id)
    }

    /// Closes terminal `id` (its connection too, see [`Lab::close_terminal`]). When it was the
    /// one shown, the tab after it is shown, or the one before if it was the last.
    pub fn close_terminal(&self, id: TerminalId) -> Result<(), String> {
        let active = self.active();
        let next = self.read(|lab| {
            let ids: Vec<TerminalId> = lab.terminals().collect();
            let at = ids.iter().position(|t| *t == id)?;
            ids.get(at + 1)
                .or_else(|| at.checked_sub(1).and_then(|i| ids.get(i)))
                .copied()
        });
        self.lab.borrow_mut().close_terminal(id)?;
        {
            let mut view = self.view.borrow_mut();
            view.seen.retain(|(t, _)| *t != id);
            view.notice = None;
            if let Some(next) = next.filter(|_| active == id) {
                view.active = next;
            }
        }
        self.changed();
        Ok(())
    }

    /// Asks the active terminal's input to take the focus once it is shown (after a keyboard
    /// shortcut moved away from the input that had it).
    pub fn request_input_focus(&self) {
        self.view.borrow_mut().focus_input = true;
    }

    /// Whether the input focus was asked for; asking once gives true once.
    pub fn take_focus_request(&self) -> bool {
        std::mem::take(&mut self.view.borrow_mut().focus_input)
    }

    /// Bumps the generation and re-renders, after noting that the active terminal's output has
    /// been seen.
    fn changed(&self) {
        let active = self.active();
        let printed = self.read(|lab| lab.terminal(active).printed());
        self.view.borrow_mut().saw(active, printed);
        self.schedule_save();
        embed::output(self);
        let lesson_events = self.lab.borrow_mut().take_lesson_events();
        lesson_events.iter().for_each(embed::lesson_event);
        self.rerender();
    }

    /// Opens the lesson the page's address names (`?lesson=`) in the terminal shown: a number or
    /// a name of a lesson the lab has, or the text of a lesson file fetched from its address.
    /// A lab restored already following that lesson goes on where it was.
    pub fn open_lesson(&self, which: &str, text: Option<&str>) -> Result<(), String> {
        let term = self.active();
        self.update(|lab| {
            let which = match text {
                Some(text) => {
                    let lesson = crate::lesson::Lesson::parse(text).map_err(|e| e.to_string())?;
                    if lab.lesson().is_some_and(|(l, _)| l.name == lesson.name) {
                        return Ok(()); // restored, with the lesson it carried
                    }
                    lab.load_lesson(text)
                        .map_err(|e| e.to_string())?
                        .to_string()
                }
                None => which.to_string(),
            };
            if let Some((lesson, _)) = lab.lesson() {
                let number = lab.lessons().iter().position(|l| l.name == lesson.name);
                if lesson.name == which || number.is_some_and(|i| (i + 1).to_string() == which) {
                    return Ok(());
                }
            }
            lab.lesson_in(term, &["start", &which]);
            match lab.lesson() {
                Some(_) => Ok(()),
                None => Err(format!("there is no lesson '{which}'")),
            }
        })
    }

    /// Bumps the generation and re-renders.
    fn rerender(&self) {
        self.generation.set(self.generation.get().wrapping_add(1));
        let on_change = self.on_change.borrow().clone();
        if let Some(cb) = on_change {
            cb.emit(());
        }
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

/// What the panels show of the world moving by itself (when the clock fires a retry or a
/// timer): every store's change count, the relay log's last number, the queue and the
/// connections. Two equal values mean nothing worth a re-render happened.
fn activity(lab: &Lab) -> (u64, u64, usize, usize) {
    let world = lab.world();
    let stores = world
        .hosts()
        .fold(0u64, |sum, h| sum.wrapping_add(h.store().current_seq()));
    let relays = world.relay_log().next_back().map_or(0, |r| r.seq);
    (
        stores,
        relays,
        world.queue().len(),
        world.connections().count(),
    )
}

/// The lab shared in the page's link (`#state=` and the state in base64url), taken out of the
/// address so that a reload does not load it again.
fn take_shared_state() -> Option<String> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok()?;
    let packed = hash.strip_prefix("#state=")?;
    let base64: String = packed
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let padded = format!("{base64}{}", &"=="[..(4 - base64.len() % 4) % 4 % 3]);
    if let Ok(history) = window.history() {
        let location = window.location();
        let url = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
    let octets = crate::base64::STANDARD.decode(padded.as_bytes())?;
    String::from_utf8(octets).ok()
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
