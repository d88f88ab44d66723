//! People's accounts managed by scope: list, invite (one or a CSV), change, deactivate.
//!
//! Who manages whom ([`Reach`]): `national` every account; `ars` and `cd` the `esms` accounts of the
//! structures they see and the `og` accounts of the managing bodies of those structures; `og` the
//! `esms` accounts of its structures and the `og` accounts of its own body. Authority accounts (`ars`,
//! `cd`, `national`) are national's alone. Nobody changes their own role, scope or status. An account
//! outside the caller's reach is answered 404, as if it did not exist; every change is audited.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDateTime;
use diesel::Connection;
use tdb_domain::contract::{
    AccountStatus, FieldError, InvitationRejection, InvitationReport, LinkPurpose, PageMeta, Role,
    UserAccount, UserInvite, UserUpdate,
};

use crate::auth::principal::{Principal, StructureScope};
use crate::db::DbConnection;
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::db::repo::users::{AccountRow, NewUser};
use crate::db::repo::{links, organisations, reference, sessions, structures, users};
use crate::error::{ApiError, ProblemCode};
use crate::services::passwords::{self, LinkBase};
use crate::services::values::rfc3339;

/// Roles that manage accounts.
pub const MANAGERS: [Role; 4] = [Role::National, Role::Ars, Role::Cd, Role::Og];

/// Longest display name.
const MAX_NAME: usize = 200;

/// What the caller may manage: the structures it sees and their managing bodies.
pub struct Reach {
    role: Role,
    subject: String,
    /// `None`: every structure (national).
    structures: Option<HashSet<String>>,
    bodies: Option<HashSet<String>>,
    own_body: Option<String>,
}

impl Reach {
    /// The reach of `principal` (403 for roles that manage nobody).
    pub fn of(conn: &mut DbConnection, principal: &Principal) -> Result<Self, ApiError> {
        principal.require_role(&MANAGERS, "gérer des comptes")?;
        let (structures, bodies) = if principal.scope == StructureScope::All {
            (None, None)
        } else {
            let pairs = structures::visible_with_bodies(conn, &principal.scope)?;
            let bodies = pairs.iter().map(|(_, body)| body.clone()).collect();
            (
                Some(pairs.into_iter().map(|(finess, _)| finess).collect()),
                Some(bodies),
            )
        };
        Ok(Self {
            role: principal.role,
            subject: principal.subject.clone(),
            structures,
            bodies,
            own_body: match &principal.scope {
                StructureScope::Organisation(body) => Some(body.clone()),
                _ => None,
            },
        })
    }

    fn sees_structure(&self, finess: &str) -> bool {
        self.structures.as_ref().is_none_or(|s| s.contains(finess))
    }

    /// Whether an account of `role` with this scope is within reach.
    fn covers(&self, role: Role, body: Option<&str>, account_structures: &[String]) -> bool {
        match (self.role, role) {
            (Role::National, Role::Partner) => false,
            (Role::National, _) => true,
            (_, Role::Esms) => {
                !account_structures.is_empty() && account_structures.iter().all(|s| self.sees_structure(s))
            }
            (Role::Og, Role::Og) => body.is_some() && body == self.own_body.as_deref(),
            (Role::Ars | Role::Cd, Role::Og) => {
                body.is_some_and(|b| self.bodies.as_ref().is_none_or(|bodies| bodies.contains(b)))
            }
            _ => false,
        }
    }
}

fn status(row: &AccountRow) -> AccountStatus {
    if !row.active {
        AccountStatus::Deactivated
    } else if row.has_password {
        AccountStatus::Active
    } else {
        AccountStatus::Invited
    }
}

fn wire(row: AccountRow, structures: Vec<String>, invitation: Option<NaiveDateTime>) -> UserAccount {
    let status = status(&row);
    UserAccount {
        role: Role::parse(&row.role).unwrap_or(Role::Esms),
        status,
        email: row.email,
        display_name: row.display_name,
        organisation_finess: row.organisation_finess,
        region_code: row.region_code,
        department_code: row.department_code,
        structures,
        created_at: rfc3339(row.created_at),
        invitation_expires_at: invitation
            .filter(|_| status == AccountStatus::Invited)
            .map(rfc3339),
    }
}

/// Filters of the account list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Text searched in the email and the name (case-insensitive).
    pub q: Option<String>,
    /// Role.
    pub role: Option<Role>,
    /// Status.
    pub status: Option<AccountStatus>,
}

/// One page of the accounts within the caller's reach, by email.
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    filter: &ListFilter,
    page: u32,
    per_page: u32,
    now: NaiveDateTime,
) -> Result<(Vec<UserAccount>, PageMeta), ApiError> {
    let reach = Reach::of(conn, principal)?;
    let mut by_user: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (email, finess) in users::all_structure_links(conn)? {
        by_user.entry(email).or_default().push(finess);
    }
    let q = filter.q.as_deref().map(str::to_lowercase);
    let matching: Vec<(AccountRow, Vec<String>)> = users::all_accounts(conn)?
        .into_iter()
        .map(|row| {
            let linked = by_user.remove(&row.email).unwrap_or_default();
            (row, linked)
        })
        .filter(|(row, linked)| {
            let role = Role::parse(&row.role).unwrap_or(Role::Esms);
            reach.covers(role, row.organisation_finess.as_deref(), linked)
                && filter.role.is_none_or(|r| r == role)
                && filter.status.is_none_or(|s| s == status(row))
                && q.as_deref()
                    .is_none_or(|q| row.email.contains(q) || row.display_name.to_lowercase().contains(q))
        })
        .collect();
    let total = matching.len();
    let start = (page.saturating_sub(1) as usize).saturating_mul(per_page as usize);
    let shown: Vec<(AccountRow, Vec<String>)> =
        matching.into_iter().skip(start).take(per_page as usize).collect();
    let emails: Vec<String> = shown.iter().map(|(row, _)| row.email.clone()).collect();
    let invitations: BTreeMap<String, NaiveDateTime> = links::pending_invitations(conn, &emails, now)?
        .into_iter()
        .collect();
    let items = shown
        .into_iter()
        .map(|(row, linked)| {
            let invitation = invitations.get(&row.email).copied();
            wire(row, linked, invitation)
        })
        .collect();
    Ok((
        items,
        PageMeta {
            total: total as u64,
            page,
            per_page,
        },
    ))
}

fn not_found(email: &str) -> ApiError {
    ApiError::NotFound {
        code: ProblemCode::NotFound,
        detail: format!("Aucun compte « {email} » dans votre périmètre."),
    }
}

/// The account `email` if it is within reach (404 otherwise).
fn reachable(
    conn: &mut DbConnection,
    reach: &Reach,
    email: &str,
) -> Result<(AccountRow, Vec<String>), ApiError> {
    let row = users::find_account(conn, email)?.ok_or_else(|| not_found(email))?;
    let linked = crate::db::repo::accounts::user_structures(conn, email)?;
    let role = Role::parse(&row.role).unwrap_or(Role::Esms);
    if row.email != reach.subject && !reach.covers(role, row.organisation_finess.as_deref(), &linked) {
        return Err(not_found(email));
    }
    Ok((row, linked))
}

/// One account within reach.
pub fn get(
    conn: &mut DbConnection,
    principal: &Principal,
    email: &str,
    now: NaiveDateTime,
) -> Result<UserAccount, ApiError> {
    let reach = Reach::of(conn, principal)?;
    let email = email.trim().to_lowercase();
    let (row, linked) = reachable(conn, &reach, &email)?;
    let invitation = links::pending_invitations(conn, std::slice::from_ref(&email), now)?
        .into_iter()
        .next()
        .map(|(_, at)| at);
    Ok(wire(row, linked, invitation))
}

/// A role and scope, checked.
struct Scope {
    role: Role,
    organisation: Option<String>,
    region: Option<String>,
    department: Option<String>,
    structures: Vec<String>,
}

fn field(path: &str, code: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        path: path.to_owned(),
        code: code.to_owned(),
        message: message.into(),
    }
}

/// Checks that the scope fields the role needs are there and exist (422 with every field at fault),
/// keeping only those.
fn check_scope(
    conn: &mut DbConnection,
    role: Role,
    organisation: Option<String>,
    region: Option<String>,
    department: Option<String>,
    mut structures: Vec<String>,
) -> Result<Scope, ApiError> {
    let mut errors = Vec::new();
    let mut scope = Scope {
        role,
        organisation: None,
        region: None,
        department: None,
        structures: Vec::new(),
    };
    match role {
        Role::Partner => errors.push(field(
            "/role",
            "role_not_allowed",
            "Un partenaire est un client API, pas un compte de personne.",
        )),
        Role::National => {}
        Role::Esms => {
            structures.sort();
            structures.dedup();
            if structures.is_empty() {
                errors.push(field(
                    "/structures",
                    "required",
                    "Indiquez au moins une structure (FINESS ET).",
                ));
            }
            let known: HashSet<String> = structures::existing(conn, &structures)?.into_iter().collect();
            for (i, finess) in structures.iter().enumerate() {
                if !known.contains(finess) {
                    errors.push(field(
                        &format!("/structures/{i}"),
                        "unknown_structure",
                        format!("Aucune structure de FINESS {finess}."),
                    ));
                }
            }
            scope.structures = structures;
        }
        Role::Og => match organisation {
            Some(body) if organisations::find(conn, &body)?.is_some() => scope.organisation = Some(body),
            Some(body) => errors.push(field(
                "/organisation_finess",
                "unknown_organisation",
                format!("Aucun organisme gestionnaire de FINESS {body}."),
            )),
            None => errors.push(field(
                "/organisation_finess",
                "required",
                "Indiquez l'organisme gestionnaire (FINESS EJ).",
            )),
        },
        Role::Ars => match region {
            Some(code) if reference::region_exists(conn, &code)? => scope.region = Some(code),
            Some(code) => errors.push(field(
                "/region_code",
                "unknown_region",
                format!("Aucune région de code {code}."),
            )),
            None => errors.push(field("/region_code", "required", "Indiquez la région.")),
        },
        Role::Cd => match department {
            Some(code) if reference::department_exists(conn, &code)? => scope.department = Some(code),
            Some(code) => errors.push(field(
                "/department_code",
                "unknown_department",
                format!("Aucun département de code {code}."),
            )),
            None => errors.push(field("/department_code", "required", "Indiquez le département.")),
        },
    }
    if errors.is_empty() {
        Ok(scope)
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn out_of_reach(role: Role) -> ApiError {
    ApiError::Forbidden(match role {
        Role::Ars | Role::Cd | Role::National => {
            "Seul un utilisateur national peut gérer les comptes des autorités.".to_owned()
        }
        _ => "Ce compte sortirait de votre périmètre (structures ou organisme que vous ne suivez pas)."
            .to_owned(),
    })
}

/// Checks an email address (lettre's parser) and lower-cases it.
pub fn normalise_email(email: &str) -> Result<String, String> {
    let email = email.trim().to_lowercase();
    if email.len() > 254 {
        return Err("L'adresse électronique est trop longue.".to_owned());
    }
    email
        .parse::<lettre::Address>()
        .map(|_| email.clone())
        .map_err(|_| format!("« {email} » n'est pas une adresse électronique valide."))
}

fn display_name(given: Option<&str>, email: &str) -> Result<String, ApiError> {
    let name = given.map(str::trim).filter(|n| !n.is_empty()).map_or_else(
        || email.split('@').next().unwrap_or(email).to_owned(),
        str::to_owned,
    );
    let mut errors = Vec::new();
    crate::services::text::check_line("/display_name", &name, MAX_NAME, &mut errors);
    if errors.is_empty() {
        Ok(name)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Who changes accounts, for the audit log.
pub struct Actor {
    /// Email, client id, or `cli`.
    pub subject: String,
    /// `web`, `api` or `system`.
    pub channel: &'static str,
}

impl From<&Principal> for Actor {
    fn from(principal: &Principal) -> Self {
        Self {
            subject: principal.subject.clone(),
            channel: principal.channel(),
        }
    }
}

fn account_entry(
    actor: &Actor,
    action: &str,
    email: &str,
    detail: serde_json::Value,
    now: NaiveDateTime,
) -> NewAuditEntry {
    let mut detail = detail;
    detail["account"] = serde_json::Value::from(email);
    NewAuditEntry::about_account(now, &actor.subject, actor.channel, action, &detail)
}

/// Creates the account of `invite` without a password and queues its invitation, in the caller's
/// transaction (checks already made); the link.
fn create_invited(
    conn: &mut DbConnection,
    base: &LinkBase,
    actor: &Actor,
    email: &str,
    name: &str,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<String, ApiError> {
    users::insert(
        conn,
        &NewUser {
            email: email.to_owned(),
            password_hash: String::new(),
            display_name: name.to_owned(),
            role: scope.role.as_str().to_owned(),
            organisation_finess: scope.organisation.clone(),
            region_code: scope.region.clone(),
            department_code: scope.department.clone(),
            active: true,
            created_at: now,
        },
    )?;
    users::replace_structures(conn, email, &scope.structures)?;
    let (_, link) = passwords::issue_link(conn, base, email, name, LinkPurpose::Invitation, now)?;
    audit::append(
        conn,
        &[account_entry(
            actor,
            "account_invited",
            email,
            serde_json::json!({"role": scope.role.as_str(), "structures": scope.structures,
                "organisation": scope.organisation, "region": scope.region, "department": scope.department}),
            now,
        )],
    )?;
    Ok(link)
}

fn already_exists(email: &str) -> ApiError {
    ApiError::Conflict {
        code: ProblemCode::AlreadyExists,
        detail: format!("Un compte « {email} » existe déjà."),
    }
}

/// The checked email, name and scope of an invitation (422 with the fields at fault).
fn prepare(conn: &mut DbConnection, invite: &UserInvite) -> Result<(String, String, Scope), ApiError> {
    let email = normalise_email(&invite.email)
        .map_err(|message| ApiError::Validation(vec![field("/email", "invalid_email", message)]))?;
    let name = display_name(invite.display_name.as_deref(), &email)?;
    let scope = check_scope(
        conn,
        invite.role,
        invite.organisation_finess.clone(),
        invite.region_code.clone(),
        invite.department_code.clone(),
        invite.structures.clone(),
    )?;
    Ok((email, name, scope))
}

/// Invites one person: creates the account (status `invited`) and queues the mail, in one transaction.
pub fn invite(
    conn: &mut DbConnection,
    base: &LinkBase,
    principal: &Principal,
    invite: &UserInvite,
    now: NaiveDateTime,
) -> Result<UserAccount, ApiError> {
    let reach = Reach::of(conn, principal)?;
    let (email, name, scope) = prepare(conn, invite)?;
    if !reach.covers(scope.role, scope.organisation.as_deref(), &scope.structures) {
        return Err(out_of_reach(scope.role));
    }
    conn.transaction(|conn| {
        if users::exists(conn, &email)? {
            return Err(already_exists(&email));
        }
        create_invited(conn, base, &Actor::from(principal), &email, &name, &scope, now).map(drop)
    })?;
    get(conn, principal, &email, now)
}

/// Sends a new invitation to an invited account within reach (the older link stops working).
pub fn reinvite(
    conn: &mut DbConnection,
    base: &LinkBase,
    principal: &Principal,
    email: &str,
    now: NaiveDateTime,
) -> Result<UserAccount, ApiError> {
    let reach = Reach::of(conn, principal)?;
    let email = email.trim().to_lowercase();
    let (row, _) = reachable(conn, &reach, &email)?;
    if status(&row) != AccountStatus::Invited {
        return Err(ApiError::Conflict {
            code: ProblemCode::InvalidTransition,
            detail: "Ce compte n'est plus en attente d'invitation : la personne peut utiliser « Mot de passe oublié »."
                .to_owned(),
        });
    }
    conn.transaction(|conn| {
        passwords::issue_link(
            conn,
            base,
            &email,
            &row.display_name,
            LinkPurpose::Invitation,
            now,
        )?;
        audit::append(
            conn,
            &[account_entry(
                &Actor::from(principal),
                "account_reinvited",
                &email,
                serde_json::json!({}),
                now,
            )],
        )?;
        Ok::<_, ApiError>(())
    })?;
    get(conn, principal, &email, now)
}

/// Changes an account within reach. Role and scope changes must stay within reach; nobody changes their
/// own role, scope or status; deactivation revokes every session.
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    email: &str,
    change: &UserUpdate,
    now: NaiveDateTime,
) -> Result<UserAccount, ApiError> {
    let reach = Reach::of(conn, principal)?;
    let email = email.trim().to_lowercase();
    let (row, linked) = reachable(conn, &reach, &email)?;
    let touches_scope = change.role.is_some()
        || change.organisation_finess.is_some()
        || change.region_code.is_some()
        || change.department_code.is_some()
        || change.structures.is_some();
    if email == principal.subject && (touches_scope || change.active.is_some()) {
        return Err(ApiError::Forbidden(
            "Vous ne pouvez pas modifier votre propre rôle, périmètre ou statut.".to_owned(),
        ));
    }
    let name = match &change.display_name {
        Some(name) => display_name(Some(name), &email)?,
        None => row.display_name.clone(),
    };
    let current_role = Role::parse(&row.role).unwrap_or(Role::Esms);
    let scope = if touches_scope {
        let role = change.role.unwrap_or(current_role);
        let same_role = role == current_role;
        let scope = check_scope(
            conn,
            role,
            change
                .organisation_finess
                .clone()
                .or_else(|| row.organisation_finess.clone().filter(|_| same_role)),
            change
                .region_code
                .clone()
                .or_else(|| row.region_code.clone().filter(|_| same_role)),
            change
                .department_code
                .clone()
                .or_else(|| row.department_code.clone().filter(|_| same_role)),
            change
                .structures
                .clone()
                .unwrap_or_else(|| if same_role { linked.clone() } else { Vec::new() }),
        )?;
        if !reach.covers(scope.role, scope.organisation.as_deref(), &scope.structures) {
            return Err(out_of_reach(scope.role));
        }
        Some(scope)
    } else {
        None
    };
    conn.transaction(|conn| {
        let scope = scope.unwrap_or(Scope {
            role: current_role,
            organisation: row.organisation_finess.clone(),
            region: row.region_code.clone(),
            department: row.department_code.clone(),
            structures: linked.clone(),
        });
        users::update_profile(
            conn,
            &email,
            &name,
            scope.role.as_str(),
            scope.organisation.as_deref(),
            scope.region.as_deref(),
            scope.department.as_deref(),
        )?;
        users::replace_structures(conn, &email, &scope.structures)?;
        let actor = Actor::from(principal);
        let mut entries = vec![account_entry(
            &actor,
            "account_changed",
            &email,
            serde_json::json!({
                "before": {"name": row.display_name, "role": row.role, "structures": linked,
                    "organisation": row.organisation_finess, "region": row.region_code, "department": row.department_code},
                "after": {"name": name, "role": scope.role.as_str(), "structures": scope.structures,
                    "organisation": scope.organisation, "region": scope.region, "department": scope.department},
            }),
            now,
        )];
        if scope.role != current_role || touches_scope {
            // A new role or scope applies at once: the sessions of the old one end.
            sessions::revoke_user(conn, &email, now, "scope_changed")?;
        }
        match change.active {
            Some(false) if row.active => {
                users::set_active(conn, &email, false)?;
                sessions::revoke_user(conn, &email, now, "deactivated")?;
                entries.push(account_entry(&actor, "account_deactivated", &email, serde_json::json!({}), now));
            }
            Some(true) if !row.active => {
                users::set_active(conn, &email, true)?;
                entries.push(account_entry(&actor, "account_activated", &email, serde_json::json!({}), now));
            }
            _ => {}
        }
        audit::append(conn, &entries)?;
        Ok::<_, ApiError>(())
    })?;
    get(conn, principal, &email, now)
}

/// Longest bulk invitation file, in lines.
pub const MAX_BULK_LINES: usize = 5_000;

/// A bulk invitation: CSV `email;finess[;role]` (`,` also accepted; an optional header line whose first
/// cell is `email`). Lines that can be invited are, in one transaction; the others are reported with
/// their line number. `role` is `esms` (the default) or `og` (then `finess` is the managing body's).
pub fn invite_csv(
    conn: &mut DbConnection,
    base: &LinkBase,
    principal: &Principal,
    text: &str,
    dry_run: bool,
    now: NaiveDateTime,
) -> Result<InvitationReport, ApiError> {
    let reach = Reach::of(conn, principal)?;
    let mut report = InvitationReport {
        dry_run,
        lines: 0,
        invited: 0,
        rejected: Vec::new(),
    };
    let mut accepted: Vec<(String, String, Scope)> = Vec::new();
    let mut seen = HashSet::new();
    for (index, line) in text.lines().enumerate() {
        let number = index as u64 + 1;
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || (index == 0 && line.to_lowercase().starts_with("email")) {
            continue;
        }
        report.lines += 1;
        if report.lines as usize > MAX_BULK_LINES {
            return Err(ApiError::TooLarge {
                code: ProblemCode::ImportTooLarge,
                detail: format!("Le fichier dépasse {MAX_BULK_LINES} lignes : découpez-le."),
            });
        }
        let cells: Vec<&str> = line.split([';', ',']).map(str::trim).collect();
        let reject = |code: &str, email: Option<String>, detail: String| InvitationRejection {
            line: number,
            email,
            code: code.to_owned(),
            detail,
        };
        if !(2..=3).contains(&cells.len()) {
            report.rejected.push(reject(
                "malformed_line",
                None,
                "Une ligne se lit « email;finess » ou « email;finess;rôle ».".to_owned(),
            ));
            continue;
        }
        let email = match normalise_email(cells[0]) {
            Ok(email) => email,
            Err(message) => {
                report
                    .rejected
                    .push(reject("invalid_email", Some(cells[0].to_owned()), message));
                continue;
            }
        };
        if !seen.insert(email.clone()) {
            report.rejected.push(reject(
                "duplicate_line",
                Some(email),
                "Cette adresse figure déjà plus haut dans le fichier.".to_owned(),
            ));
            continue;
        }
        let role = match cells.get(2).copied().filter(|r| !r.is_empty()).unwrap_or("esms") {
            "esms" => Role::Esms,
            "og" => Role::Og,
            other => {
                report.rejected.push(reject(
                    "role_not_allowed",
                    Some(email),
                    format!("Rôle « {other} » impossible dans une invitation par fichier (esms ou og)."),
                ));
                continue;
            }
        };
        let finess = cells[1].to_owned();
        let (organisation, structures) = match role {
            Role::Og => (Some(finess.clone()), Vec::new()),
            _ => (None, vec![finess.clone()]),
        };
        let scope = match check_scope(conn, role, organisation, None, None, structures) {
            Ok(scope) => scope,
            Err(_) => {
                report.rejected.push(reject(
                    "unknown_structure",
                    Some(email),
                    format!("Aucune structure ni aucun organisme de FINESS {finess}."),
                ));
                continue;
            }
        };
        if !reach.covers(scope.role, scope.organisation.as_deref(), &scope.structures) {
            report.rejected.push(reject(
                "out_of_scope",
                Some(email),
                format!("Le FINESS {finess} n'est pas dans votre périmètre."),
            ));
            continue;
        }
        if users::exists(conn, &email)? {
            report.rejected.push(reject(
                "already_exists",
                Some(email),
                "Un compte existe déjà pour cette adresse.".to_owned(),
            ));
            continue;
        }
        let name = email.split('@').next().unwrap_or_default().to_owned();
        accepted.push((email, name, scope));
    }
    report.invited = accepted.len() as u64;
    if !dry_run && !accepted.is_empty() {
        conn.transaction(|conn| {
            for (email, name, scope) in &accepted {
                if users::exists(conn, email)? {
                    return Err(already_exists(email));
                }
                create_invited(conn, base, &Actor::from(principal), email, name, scope, now)?;
            }
            Ok::<_, ApiError>(())
        })?;
    }
    Ok(report)
}

/// Creates an invited account from the command line, any role, audited as `cli` (the operator has the
/// database: the only way to the first `national` account); the invitation link, also queued as a mail.
pub fn create_by_operator(
    conn: &mut DbConnection,
    base: &LinkBase,
    invite: &UserInvite,
    now: NaiveDateTime,
) -> Result<String, ApiError> {
    let (email, name, scope) = prepare(conn, invite)?;
    let actor = Actor {
        subject: "cli".to_owned(),
        channel: "system",
    };
    conn.transaction(|conn| {
        if users::exists(conn, &email)? {
            return Err(already_exists(&email));
        }
        create_invited(conn, base, &actor, &email, &name, &scope, now)
    })
}
