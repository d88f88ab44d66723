//! The mail outbox: mails queued in the transaction of what they tell, claimed by lease, sent once.
//!
//! A worker claims due rows (unsent, `next_attempt_at` passed, no live lease) by writing its name and a
//! lease end on them — on PostgreSQL under `FOR UPDATE SKIP LOCKED`, so replicas claim disjoint rows; on
//! SQLite the single writer does the same. A worker that dies leaves its lease to expire, and another
//! worker takes the mail up.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::mail_outbox;

/// A mail to queue.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = mail_outbox)]
pub struct NewMail {
    /// When.
    pub created_at: NaiveDateTime,
    /// Address.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Plain text.
    pub text_body: String,
    /// HTML.
    pub html_body: String,
    /// Not before.
    pub next_attempt_at: NaiveDateTime,
}

/// A claimed mail.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ClaimedMail {
    /// Sequence.
    pub id: i64,
    /// Address.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Plain text.
    pub text_body: String,
    /// HTML.
    pub html_body: String,
    /// Attempts made before this one.
    pub attempts: i32,
}

/// Queues a mail.
pub fn enqueue(conn: &mut DbConnection, mail: &NewMail) -> QueryResult<()> {
    diesel::insert_into(mail_outbox::table)
        .values(mail)
        .execute(conn)
        .map(drop)
}

/// Queues mails (in chunks that stay below the bound-parameter limit of SQLite).
pub fn enqueue_all(conn: &mut DbConnection, mails: &[NewMail]) -> QueryResult<()> {
    for chunk in mails.chunks(500) {
        crate::on_backend!(conn, c => diesel::insert_into(mail_outbox::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Claims up to `limit` due mails for `owner` until `lease_until`, oldest first.
pub fn claim(
    conn: &mut DbConnection,
    owner: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<ClaimedMail>> {
    conn.transaction(|conn| {
        let due = mail_outbox::table
            .filter(mail_outbox::sent_at.is_null())
            .filter(mail_outbox::next_attempt_at.le(now))
            .filter(
                mail_outbox::lease_until
                    .is_null()
                    .or(mail_outbox::lease_until.le(now)),
            )
            .order(mail_outbox::id)
            .limit(limit)
            .select(mail_outbox::id);
        let ids: Vec<i64> = match conn {
            DbConnection::Postgres(pg) => due.for_update().skip_locked().load(pg)?,
            DbConnection::Sqlite(lite) => due.load(lite)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(mail_outbox::table.filter(mail_outbox::id.eq_any(&ids)))
            .set((
                mail_outbox::lease_owner.eq(owner),
                mail_outbox::lease_until.eq(lease_until),
            ))
            .execute(conn)?;
        mail_outbox::table
            .filter(mail_outbox::id.eq_any(&ids))
            .order(mail_outbox::id)
            .select((
                mail_outbox::id,
                mail_outbox::recipient,
                mail_outbox::subject,
                mail_outbox::text_body,
                mail_outbox::html_body,
                mail_outbox::attempts,
            ))
            .load(conn)
    })
}

/// Marks a mail sent (only while `owner` holds its lease).
pub fn mark_sent(conn: &mut DbConnection, id: i64, owner: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        mail_outbox::table
            .find(id)
            .filter(mail_outbox::lease_owner.eq(owner)),
    )
    .set((
        mail_outbox::sent_at.eq(now),
        mail_outbox::attempts.eq(mail_outbox::attempts + 1),
        mail_outbox::lease_owner.eq(None::<String>),
        mail_outbox::lease_until.eq(None::<NaiveDateTime>),
        mail_outbox::last_error.eq(None::<String>),
    ))
    .execute(conn)
    .map(drop)
}

/// Records a failed attempt: the mail waits until `retry_at`.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: i64,
    owner: &str,
    error: &str,
    retry_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        mail_outbox::table
            .find(id)
            .filter(mail_outbox::lease_owner.eq(owner)),
    )
    .set((
        mail_outbox::attempts.eq(mail_outbox::attempts + 1),
        mail_outbox::next_attempt_at.eq(retry_at),
        mail_outbox::lease_owner.eq(None::<String>),
        mail_outbox::lease_until.eq(None::<NaiveDateTime>),
        mail_outbox::last_error.eq(error),
    ))
    .execute(conn)
    .map(drop)
}

/// Mails not sent yet.
pub fn pending(conn: &mut DbConnection) -> QueryResult<i64> {
    mail_outbox::table
        .filter(mail_outbox::sent_at.is_null())
        .count()
        .get_result(conn)
}
