//! Collecte reminders sent by two real `tdb serve` replicas sharing one PostgreSQL, through a real SMTP
//! server (aiosmtpd, as in `mail_smtp`): both replicas run the reminder job (every second here) and
//! their mail dispatchers at once; each structure below the completion threshold gets exactly one
//! reminder, those above none. The reminder becomes due only once both replicas run (the closing date
//! is moved then), and there are enough structures (one transaction each) for the two jobs to work on
//! the same list at the same time: the primary key of `reminders_sent` is what keeps it to one.

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener};
use std::process::Child;
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::prelude::*;
use tdb_api::db::repo::forms::FormRow;
use tdb_api::db::repo::users::{self, NewUser};
use tdb_api::db::schema::{campaigns, mail_outbox, reminders_sent};
use tdb_api::services::notifications::reminders::paris_today;
use tdb_domain::contract::FormState;

use crate::imports_fixtures::many_structures;
use crate::mail_smtp::SmtpServer;
use crate::support::fixtures::{insert_campaign, small_world};
use crate::support::{TestDb, serve, state};

/// Structures added to the small world: the even ones reach the threshold, the odd ones do not.
const EXTRA: usize = 400;
const YEAR: i32 = 2024;

/// A replica with its mail dispatcher and reminder job; killed when dropped.
struct Replica {
    child: Child,
}

impl Replica {
    fn start(db: &TestDb, smtp: &SmtpServer) -> Self {
        let addr: SocketAddr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let child = serve::configure(&mut serve::tdb_serve(), db, addr)
            .env("TDB_SMTP_URL", smtp.url())
            .env("TDB_MAIL_POLL_MS", "50")
            .env("TDB_REMINDER_DAYS", "14,3")
            .env("TDB_REMINDER_POLL_SECONDS", "1")
            .env("TDB_WEBHOOK_WORKERS", "0")
            .spawn()
            .unwrap();
        serve::wait_until_listening(addr);
        Self { child }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The world: the small world plus `EXTRA` EHPAD of the Nord (`imports_fixtures::many_structures`), one person each
/// (and one for each small-world structure), campaign 2024 in collecte closing in 60 days (no
/// reminder due yet). Returns the FINESS expected to be reminded, with their person.
fn seed(db: &TestDb) -> BTreeMap<String, String> {
    let setup = state(db);
    small_world(&setup);
    insert_campaign(&setup, YEAR, "collecte");
    let mut conn = setup.pool.get().unwrap();
    let now = Utc::now().naive_utc();
    closes_in(&mut conn, 60);
    let mut finess: Vec<String> = vec![
        "590000011".to_owned(),
        "590000021".to_owned(),
        "620000011".to_owned(),
        "750000011".to_owned(),
    ];
    finess.extend(many_structures(&setup, EXTRA));
    let mut expected = BTreeMap::new();
    let mut forms = Vec::new();
    for (n, f) in finess.iter().enumerate() {
        let email = format!("direction-{f}@test.fr");
        users::insert(
            &mut conn,
            &NewUser {
                email: email.clone(),
                password_hash: String::new(),
                display_name: format!("Direction {f}"),
                role: "esms".to_owned(),
                organisation_finess: None,
                region_code: None,
                department_code: None,
                active: true,
                created_at: now,
            },
        )
        .unwrap();
        users::add_structure(&mut conn, &email, f).unwrap();
        // Every other structure reaches 90 % (135 of 150); the others stop at 134 or have no form.
        let reached = n % 2 == 0;
        if reached || n % 3 == 0 {
            forms.push(FormRow {
                campaign_year: YEAR,
                structure_finess: f.clone(),
                state: FormState::EnCours,
                version: 1,
                completion_rate: 0.0,
                filled: if reached { 135 } else { 134 },
                required: 150,
                can_submit: false,
                alert_count: 0,
                submitted_at: None,
                submitted_by: None,
                ars_validated_at: None,
                ars_validated_by: None,
                cd_validated_at: None,
                cd_validated_by: None,
                updated_at: now,
            });
        }
        if !reached {
            expected.insert(f.clone(), email);
        }
    }
    tdb_api::db::repo::imports::save_forms(&mut conn, &forms).unwrap();
    expected
}

/// Moves the end of the collecte of 2024 to `days` days from today (Paris).
fn closes_in(conn: &mut tdb_api::db::DbConnection, days: i64) {
    let closes = paris_today(Utc::now().naive_utc()) + chrono::Duration::days(days);
    diesel::update(campaigns::table.find(YEAR))
        .set(campaigns::collecte_closes_on.eq(Some(closes.format("%Y-%m-%d").to_string())))
        .execute(conn)
        .unwrap();
}

#[test]
fn two_replicas_send_each_structure_below_the_threshold_one_reminder() {
    let Some(db) = TestDb::postgres() else {
        return;
    };
    let smtp = SmtpServer::start();
    let expected = seed(&db);
    assert_eq!(expected.len(), (4 + EXTRA) / 2);
    let check = state(&db);
    let _a = Replica::start(&db, &smtp);
    let _b = Replica::start(&db, &smtp);
    let mut conn = check.pool.get().unwrap();
    closes_in(&mut conn, 3);

    let reminders = || -> Vec<String> {
        let mut to: Vec<String> = smtp
            .received()
            .into_iter()
            .filter(|(_, subject, _)| {
                subject.starts_with("Rappel : la collecte 2024 se termine dans 3 jours")
            })
            .map(|(to, _, _)| to)
            .collect();
        to.sort();
        to
    };
    let wanted: Vec<String> = expected.values().cloned().collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    while reminders().len() < wanted.len() {
        assert!(
            Instant::now() < deadline,
            "{} reminders of {}",
            reminders().len(),
            wanted.len()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Both replicas keep running the job (every second) for a few more rounds: nothing more leaves.
    let settle = Instant::now() + Duration::from_secs(3);
    while Instant::now() < settle {
        let sent = reminders().len();
        assert!(
            sent <= wanted.len(),
            "{sent} reminders for {} structures",
            wanted.len()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(reminders(), wanted, "each structure below the threshold, once");

    let recorded: Vec<(String, i32)> = reminders_sent::table
        .order(reminders_sent::structure_finess)
        .select((reminders_sent::structure_finess, reminders_sent::days))
        .load(&mut conn)
        .unwrap();
    let keys: Vec<&String> = expected.keys().collect();
    assert_eq!(recorded.iter().map(|(f, _)| f).collect::<Vec<_>>(), keys);
    assert!(recorded.iter().all(|(_, days)| *days == 3), "{recorded:?}");
    let queued: i64 = mail_outbox::table
        .filter(mail_outbox::subject.like("Rappel%"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(queued, wanted.len() as i64, "one mail queued per person");
}
