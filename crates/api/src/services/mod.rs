//! Services: one transaction per use case, between the handlers and the repositories.

pub mod forms;
