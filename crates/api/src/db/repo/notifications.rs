//! Who receives the notification mails (the people of a structure, its reviewing authorities, every
//! structure's people), the per-person opt-out of the non-essential ones, and the record of the
//! collecte reminders already queued (once per campaign, structure and reminder).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{
    campaigns, forms, notification_opt_outs, reminders_sent, structures, user_structures, users,
};

/// A person a mail goes to.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Recipient {
    /// Address (the login).
    pub email: String,
    /// Name shown.
    pub display_name: String,
}

/// What the mails say of a structure and whom they go to.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StructureInfo {
    /// FINESS ET.
    pub finess: String,
    /// Name.
    pub name: String,
    /// Its managing body.
    pub organisation_finess: String,
    /// Region code.
    pub region_code: String,
    /// Department code.
    pub department_code: String,
    /// `ARS`, `CD` or `ARS_CD`.
    pub competence: String,
}

/// Which people: all of them (an essential mail) or only those who did not turn off the
/// non-essential mails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every active person concerned.
    Everyone,
    /// Every active person concerned who did not opt out.
    NotOptedOut,
}

/// The structure with this FINESS.
pub fn structure(conn: &mut DbConnection, finess: &str) -> QueryResult<Option<StructureInfo>> {
    structures::table
        .find(finess)
        .select((
            structures::finess,
            structures::name,
            structures::organisation_finess,
            structures::region_code,
            structures::department_code,
            structures::competence,
        ))
        .first(conn)
        .optional()
}

fn active_people(reach: Reach) -> users::BoxedQuery<'static, crate::db::repo::scope::Db> {
    let query = users::table.filter(users::active.eq(true)).into_boxed();
    match reach {
        Reach::Everyone => query,
        Reach::NotOptedOut => query.filter(
            users::email.ne_all(notification_opt_outs::table.select(notification_opt_outs::user_email)),
        ),
    }
}

/// The people of a structure: the `esms` users attached to it and the `og` users of its managing
/// body, by email.
pub fn structure_people(
    conn: &mut DbConnection,
    structure: &StructureInfo,
    reach: Reach,
) -> QueryResult<Vec<Recipient>> {
    let attached = user_structures::table
        .filter(user_structures::structure_finess.eq(structure.finess.clone()))
        .select(user_structures::user_email);
    active_people(reach)
        .filter(
            users::role
                .eq("esms")
                .and(users::email.eq_any(attached))
                .or(users::role
                    .eq("og")
                    .and(users::organisation_finess.eq(structure.organisation_finess.clone()))),
        )
        .order(users::email)
        .select((users::email, users::display_name))
        .load(conn)
}

/// The officers of the authorities that review a structure: ARS officers of its region when `ars`,
/// CD officers of its department when `cd`, by email.
pub fn authorities(
    conn: &mut DbConnection,
    structure: &StructureInfo,
    (ars, cd): (bool, bool),
    reach: Reach,
) -> QueryResult<Vec<Recipient>> {
    let none = String::new();
    let region = if ars {
        structure.region_code.clone()
    } else {
        none.clone()
    };
    let department = if cd {
        structure.department_code.clone()
    } else {
        none
    };
    active_people(reach)
        .filter(
            users::role
                .eq("ars")
                .and(users::region_code.eq(region))
                .or(users::role.eq("cd").and(users::department_code.eq(department))),
        )
        .order(users::email)
        .select((users::email, users::display_name))
        .load(conn)
}

/// The people of every structure: the active `esms` users attached to a structure and the `og`
/// users, by email.
pub fn every_structure_people(conn: &mut DbConnection, reach: Reach) -> QueryResult<Vec<Recipient>> {
    let attached = user_structures::table.select(user_structures::user_email);
    active_people(reach)
        .filter(
            users::role
                .eq("esms")
                .and(users::email.eq_any(attached))
                .or(users::role.eq("og")),
        )
        .order(users::email)
        .select((users::email, users::display_name))
        .load(conn)
}

/// Whether this person turned off the non-essential mails.
pub fn opted_out(conn: &mut DbConnection, email: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        notification_opt_outs::table.find(email.to_owned()),
    ))
    .get_result(conn)
}

/// Records whether this person turns off the non-essential mails.
pub fn set_opted_out(conn: &mut DbConnection, email: &str, out: bool, now: NaiveDateTime) -> QueryResult<()> {
    if out {
        crate::on_backend!(conn, c => diesel::insert_into(notification_opt_outs::table)
            .values((
                notification_opt_outs::user_email.eq(email),
                notification_opt_outs::updated_at.eq(now),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
    } else {
        diesel::delete(notification_opt_outs::table.find(email.to_owned())).execute(conn)?;
    }
    Ok(())
}

/// The campaigns in `collecte` with a closing date: `(year, collecte_closes_on)`.
pub fn collecting_campaigns(conn: &mut DbConnection) -> QueryResult<Vec<(i32, String)>> {
    let rows: Vec<(i32, Option<String>)> = campaigns::table
        .filter(campaigns::phase.eq("collecte"))
        .select((campaigns::year, campaigns::collecte_closes_on))
        .order(campaigns::year)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(year, closes)| closes.map(|c| (year, c)))
        .collect())
}

/// The active structures whose form of `year` is below `threshold_percent` of completion (or not
/// started) and that did not get the reminder `days` yet, by FINESS.
pub fn to_remind(
    conn: &mut DbConnection,
    year: i32,
    threshold_percent: i32,
    days: i32,
) -> QueryResult<Vec<String>> {
    let active: Vec<String> = structures::table
        .filter(structures::active.eq(true))
        .order(structures::finess)
        .select(structures::finess)
        .load(conn)?;
    let reached: std::collections::HashSet<String> = forms::table
        .filter(forms::campaign_year.eq(year))
        .filter((forms::filled * 100).ge(forms::required * threshold_percent))
        .select(forms::structure_finess)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let reminded: std::collections::HashSet<String> = reminders_sent::table
        .filter(reminders_sent::campaign_year.eq(year))
        .filter(reminders_sent::days.eq(days))
        .select(reminders_sent::structure_finess)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    Ok(active
        .into_iter()
        .filter(|f| !reached.contains(f) && !reminded.contains(f))
        .collect())
}

/// The completion of a structure's form of `year`: `(filled, required)`, `None` before its first write.
pub fn completion(conn: &mut DbConnection, year: i32, finess: &str) -> QueryResult<Option<(i32, i32)>> {
    forms::table
        .filter(forms::campaign_year.eq(year))
        .filter(forms::structure_finess.eq(finess))
        .select((forms::filled, forms::required))
        .first(conn)
        .optional()
}

/// Records the reminder `days` of a structure; `false` when it was already recorded (by this or
/// another replica): its mails must not be queued again.
pub fn mark_reminded(
    conn: &mut DbConnection,
    (year, finess, days): (i32, &str, i32),
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = crate::on_backend!(conn, c => diesel::insert_into(reminders_sent::table)
        .values((
            reminders_sent::campaign_year.eq(year),
            reminders_sent::structure_finess.eq(finess),
            reminders_sent::days.eq(days),
            reminders_sent::sent_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(n == 1)
}
