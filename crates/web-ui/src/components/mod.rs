//! Reusable pieces of the interface.

pub mod alert;
pub mod api_status;
pub mod charts;
pub mod confirm;
pub mod draft_notice;
pub mod header;
pub mod pager;
pub mod progress;
pub mod stagger;
