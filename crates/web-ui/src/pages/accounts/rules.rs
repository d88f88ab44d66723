//! The pure rules of the account pages: whom a role may invite (docs/accounts.md), role codes, the
//! query of the list of accounts, the scope fields of a role, the token of a `#jeton=` link and the
//! field messages of a refusal.

use tdb_domain::contract::{AccountStatus, Role, UserAccount, UserInvite, UserUpdate};

use crate::api::{UiError, encode};

/// Accounts shown per page of the list.
pub const PER_PAGE: u32 = 20;

/// The roles `caller` may invite or give, in the order shown.
pub fn invitable_roles(caller: Role) -> &'static [Role] {
    match caller {
        Role::National => &[Role::Esms, Role::Og, Role::Ars, Role::Cd, Role::National],
        Role::Ars | Role::Cd => &[Role::Esms, Role::Og],
        Role::Og => &[Role::Esms],
        Role::Esms | Role::Partner => &[],
    }
}

/// Whether `role` manages accounts (the « Utilisateurs » page).
pub fn manages_accounts(role: Role) -> bool {
    !invitable_roles(role).is_empty()
}

/// Whether `role` manages the partner clients (the « Clients API » page).
pub fn manages_clients(role: Role) -> bool {
    role == Role::National
}

/// The wire code of a role (`esms`…).
pub fn role_code(role: Role) -> &'static str {
    match role {
        Role::Esms => "esms",
        Role::Og => "og",
        Role::Ars => "ars",
        Role::Cd => "cd",
        Role::National => "national",
        Role::Partner => "partner",
    }
}

/// The role of a wire code.
pub fn role_of(code: &str) -> Option<Role> {
    Role::ALL.into_iter().find(|r| role_code(*r) == code)
}

/// The wire code of a status (`invited`…).
pub fn status_code(status: AccountStatus) -> &'static str {
    match status {
        AccountStatus::Invited => "invited",
        AccountStatus::Active => "active",
        AccountStatus::Deactivated => "deactivated",
    }
}

/// The filters of the list of accounts, as applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    /// Text searched in emails and names.
    pub q: String,
    /// Role code, empty for every role.
    pub role: String,
    /// Status code, empty for every status.
    pub status: String,
    /// Page, from 1.
    pub page: u32,
}

impl UserFilter {
    /// The query of `GET /api/v1/users`: blank filters left out, the text encoded.
    pub fn query(&self) -> String {
        let mut query = format!("page={}&per_page={PER_PAGE}", self.page.max(1));
        for (name, value) in [
            ("q", self.q.trim()),
            ("role", &self.role),
            ("status", &self.status),
        ] {
            if !value.is_empty() {
                query.push_str(&format!("&{name}={}", encode(value)));
            }
        }
        query
    }
}

/// FINESS numbers typed in a list (separated by spaces, commas, semicolons or new lines).
pub fn finess_list(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|f| !f.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The scope fields as typed; only the one of the chosen role is sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeInput {
    /// Structures (`esms`), as typed.
    pub structures: String,
    /// Managing body (`og`).
    pub organisation: String,
    /// Region (`ars`).
    pub region: String,
    /// Department (`cd`).
    pub department: String,
}

impl ScopeInput {
    /// The fields of an existing account.
    pub fn of(account: &UserAccount) -> Self {
        Self {
            structures: account.structures.join(" "),
            organisation: account.organisation_finess.clone().unwrap_or_default(),
            region: account.region_code.clone().unwrap_or_default(),
            department: account.department_code.clone().unwrap_or_default(),
        }
    }

    fn only(&self, role: Role, wanted: Role, text: &str) -> Option<String> {
        (role == wanted).then(|| text.trim().to_owned())
    }

    /// `POST /api/v1/users` body.
    pub fn invite(&self, email: &str, display_name: &str, role: Role) -> UserInvite {
        UserInvite {
            email: email.trim().to_owned(),
            display_name: non_blank(display_name),
            role,
            organisation_finess: self.only(role, Role::Og, &self.organisation),
            region_code: self.only(role, Role::Ars, &self.region),
            department_code: self.only(role, Role::Cd, &self.department),
            structures: self.structures(role).unwrap_or_default(),
        }
    }

    /// `PATCH /api/v1/users/{email}` body of the « Modifier » form: name, role and its scope.
    pub fn update(&self, display_name: &str, role: Role) -> UserUpdate {
        UserUpdate {
            display_name: non_blank(display_name),
            role: Some(role),
            organisation_finess: self.only(role, Role::Og, &self.organisation),
            region_code: self.only(role, Role::Ars, &self.region),
            department_code: self.only(role, Role::Cd, &self.department),
            structures: self.structures(role),
            active: None,
        }
    }

    fn structures(&self, role: Role) -> Option<Vec<String>> {
        (role == Role::Esms).then(|| finess_list(&self.structures))
    }
}

fn non_blank(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// What an account covers: « Structures : 590000021, 590000039 », « Région : 84 »…
pub fn scope_text(account: &UserAccount) -> String {
    let labelled = |label: &str, value: &Option<String>| {
        value
            .as_ref()
            .map(|v| format!("{label} : {v}"))
            .unwrap_or_default()
    };
    match account.role {
        Role::Esms => format!("Structures : {}", account.structures.join(", ")),
        Role::Og => labelled("Organisme", &account.organisation_finess),
        Role::Ars => labelled("Région", &account.region_code),
        Role::Cd => labelled("Département", &account.department_code),
        Role::National | Role::Partner => "Toute la France".to_owned(),
    }
}

/// The token of a one-time link's fragment (`#jeton=<token>`), if any.
pub fn token_of(hash: &str) -> Option<String> {
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|part| part.strip_prefix("jeton="))
        .filter(|token| !token.is_empty())
        .map(str::to_owned)
}

/// The message of the field at JSON pointer `path` in a refusal.
pub fn field_message(error: &UiError, path: &str) -> Option<String> {
    error
        .field_errors()
        .into_iter()
        .find_map(|(at, message)| (at == path).then_some(message))
}

/// Whether a refusal says the one-time link is no longer valid (410 `link_invalid`).
pub fn link_gone(error: &UiError) -> bool {
    match error {
        UiError::Api(problem) => problem.status == 410 || problem.code == "link_invalid",
        UiError::Status(status) => *status == 410,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use tdb_domain::contract::{FieldError, Problem};

    use super::*;

    #[test]
    fn callers_invite_the_roles_below_them() {
        assert_eq!(invitable_roles(Role::National).len(), 5);
        assert_eq!(invitable_roles(Role::Ars), [Role::Esms, Role::Og]);
        assert_eq!(invitable_roles(Role::Cd), [Role::Esms, Role::Og]);
        assert_eq!(invitable_roles(Role::Og), [Role::Esms]);
        assert!(!manages_accounts(Role::Esms));
        assert!(!manages_accounts(Role::Partner));
        assert!(manages_clients(Role::National) && !manages_clients(Role::Ars));
    }

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(role_of(role_code(role)), Some(role));
        }
        assert_eq!(role_of("admin"), None);
        assert_eq!(status_code(AccountStatus::Deactivated), "deactivated");
    }

    #[test]
    fn list_query_leaves_out_blank_filters() {
        let filter = UserFilter {
            page: 2,
            ..UserFilter::default()
        };
        assert_eq!(filter.query(), "page=2&per_page=20");
        let filter = UserFilter {
            q: " dupont & fils ".to_owned(),
            role: "esms".to_owned(),
            status: "invited".to_owned(),
            page: 0,
        };
        assert_eq!(
            filter.query(),
            "page=1&per_page=20&q=dupont%20%26%20fils&role=esms&status=invited"
        );
    }

    #[test]
    fn only_the_scope_of_the_role_is_sent() {
        let scope = ScopeInput {
            structures: "590000021, 590000039\n590000047;".to_owned(),
            organisation: "590000013".to_owned(),
            region: "32".to_owned(),
            department: "59".to_owned(),
        };
        let invite = scope.invite(" a@b.fr ", " ", Role::Esms);
        assert_eq!(invite.email, "a@b.fr");
        assert_eq!(invite.display_name, None);
        assert_eq!(invite.structures, ["590000021", "590000039", "590000047"]);
        assert_eq!(invite.organisation_finess, None);
        let invite = scope.invite("a@b.fr", "Direction", Role::Cd);
        assert_eq!(invite.department_code.as_deref(), Some("59"));
        assert!(invite.structures.is_empty() && invite.region_code.is_none());
        let update = scope.update("Nom", Role::Og);
        assert_eq!(update.organisation_finess.as_deref(), Some("590000013"));
        assert_eq!(update.structures, None);
        assert_eq!(update.active, None);
    }

    #[test]
    fn scopes_read_in_french() {
        let mut account = UserAccount {
            email: "a@b.fr".to_owned(),
            display_name: "A".to_owned(),
            role: Role::Esms,
            organisation_finess: None,
            region_code: None,
            department_code: None,
            structures: vec!["590000021".to_owned(), "590000039".to_owned()],
            status: AccountStatus::Active,
            created_at: "2026-01-02T08:00:00Z".to_owned(),
            invitation_expires_at: None,
        };
        assert_eq!(scope_text(&account), "Structures : 590000021, 590000039");
        assert_eq!(ScopeInput::of(&account).structures, "590000021 590000039");
        account.role = Role::Cd;
        account.department_code = Some("2A".to_owned());
        assert_eq!(scope_text(&account), "Département : 2A");
        account.role = Role::National;
        assert_eq!(scope_text(&account), "Toute la France");
    }

    #[test]
    fn link_tokens_come_from_the_fragment() {
        assert_eq!(token_of("#jeton=abc-DEF_123"), Some("abc-DEF_123".to_owned()));
        assert_eq!(token_of("#x=1&jeton=abc"), Some("abc".to_owned()));
        assert_eq!(token_of("#jeton="), None);
        assert_eq!(token_of(""), None);
    }

    #[test]
    fn refusals_name_their_fields_and_gone_links() {
        let error = UiError::Api(Problem {
            type_uri: "about:blank".to_owned(),
            title: "Mot de passe trop faible".to_owned(),
            status: 422,
            detail: "Mot de passe refusé.".to_owned(),
            code: "weak_password".to_owned(),
            errors: vec![FieldError {
                path: "/new_password".to_owned(),
                code: "weak_password".to_owned(),
                message: "Trop courant.".to_owned(),
            }],
        });
        assert_eq!(
            field_message(&error, "/new_password").as_deref(),
            Some("Trop courant.")
        );
        assert_eq!(field_message(&error, "/current_password"), None);
        assert!(!link_gone(&error));
        assert!(link_gone(&UiError::Status(410)));
    }
}
