//! Mail: the French messages tdb sends ([`messages`]) and the dispatcher that sends the outbox
//! ([`dispatcher`]) through SMTP, or into `.eml` files when no SMTP server is configured.

pub mod dispatcher;
pub mod messages;
