//! The page's components: each gets the lab handle and a generation by props, renders what the
//! core exposes, and forwards what the user does. None holds lab logic.

pub mod lesson;
pub mod mailboxes;
pub mod message;
pub mod network;
pub mod panels;
pub mod reference;
pub mod sequence;
pub mod sessions;
pub mod start;
pub mod state_controls;
pub mod state_diagram;
pub mod tabs;
pub mod terminal;
pub mod theme;
