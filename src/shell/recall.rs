//! Walking the history with Up and Down, as a line editor does: Up goes to older lines, Down to
//! newer ones, and going past the newest gives back what was being typed before the walk began.

/// A position in the history while the user walks it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recall {
    /// Index into the history of the entry shown, or `None` when not walking.
    pos: Option<usize>,
    /// What was in the input line when the walk began.
    draft: String,
}

impl Recall {
    /// Not walking.
    pub fn new() -> Self {
        Recall::default()
    }

    /// Up: the previous (older) entry, or `None` if there is none (the input stays as it is).
    pub fn older(&mut self, history: &[String], current: &str) -> Option<String> {
        let pos = match self.pos {
            None => {
                let last = history.len().checked_sub(1)?;
                self.draft = current.to_string();
                last
            }
            Some(0) => return None,
            Some(p) => p - 1,
        };
        self.pos = Some(pos);
        history.get(pos).cloned()
    }

    /// Down: the next (newer) entry, or the draft after the newest; `None` when not walking.
    pub fn newer(&mut self, history: &[String]) -> Option<String> {
        let pos = self.pos?;
        if pos + 1 < history.len() {
            self.pos = Some(pos + 1);
            history.get(pos + 1).cloned()
        } else {
            self.pos = None;
            Some(std::mem::take(&mut self.draft))
        }
    }

    /// Ends the walk (after Enter, Ctrl-C or an edit).
    pub fn reset(&mut self) {
        *self = Recall::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_walks_back_down_returns_to_the_draft() {
        let history = vec!["hosts".to_string(), "help".to_string()];
        let mut r = Recall::new();
        assert_eq!(r.older(&history, "tel").as_deref(), Some("help"));
        assert_eq!(r.older(&history, "help").as_deref(), Some("hosts"));
        assert_eq!(r.older(&history, "hosts"), None, "no older entry");
        assert_eq!(r.newer(&history).as_deref(), Some("help"));
        assert_eq!(
            r.newer(&history).as_deref(),
            Some("tel"),
            "the draft comes back"
        );
        assert_eq!(r.newer(&history), None, "not walking any more");
    }

    #[test]
    fn empty_history_gives_nothing() {
        let mut r = Recall::new();
        assert_eq!(r.older(&[], "x"), None);
        assert_eq!(r.newer(&[]), None);
    }
}
