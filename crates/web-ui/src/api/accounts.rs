//! Calls of the account API (docs/accounts.md): people's accounts and invitations, one-time links and
//! passwords, partner clients. Answers without a body (202, 204) are `Ok(())`.

use tdb_domain::contract::{
    ApiClient, ApiClientCreate, ApiClientSecret, ApiClientUpdate, InvitationReport, LinkInfo, LinkToken, Me,
    NotificationPreferences, Page, PasswordChange, PasswordForgot, PasswordSet, UserAccount, UserInvite,
    UserUpdate,
};

use super::{Call, UiError, checked, execute, send, send_json};

/// `text` percent-encoded for a query value or a path segment (letters, digits and `-._~@` kept).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Sends `call`; any success is `Ok(())`, whatever its body.
async fn empty(call: Call) -> Result<(), UiError> {
    let response = execute(&call).await?;
    if response.ok() {
        return Ok(());
    }
    checked::<serde_json::Value>(response).await.map(drop)
}

fn user_url(email: &str) -> String {
    format!("/api/v1/users/{}", encode(email))
}

/// `GET /api/v1/users?{query}` (query already encoded, see `crate::pages::accounts::rules`).
pub async fn users(query: &str) -> Result<Page<UserAccount>, UiError> {
    send(Call::get(&format!("/api/v1/users?{query}"))).await
}

/// `POST /api/v1/users`: invites a person.
pub async fn invite(invite: &UserInvite) -> Result<UserAccount, UiError> {
    send_json(Call::post("/api/v1/users"), invite).await
}

/// `PATCH /api/v1/users/{email}`.
pub async fn update_user(email: &str, update: &UserUpdate) -> Result<UserAccount, UiError> {
    send_json(Call::patch(&user_url(email)), update).await
}

/// `POST /api/v1/users/{email}/invitation`: a new link (the previous one stops working).
pub async fn resend_invitation(email: &str) -> Result<UserAccount, UiError> {
    send(Call::post(&format!("{}/invitation", user_url(email)))).await
}

/// `POST /api/v1/users/invitations?dry_run=…` with the CSV file as it is (UTF-8 or Latin-1).
pub async fn invite_csv(file: web_sys::Blob, dry_run: bool) -> Result<InvitationReport, UiError> {
    let url = format!("/api/v1/users/invitations?dry_run={dry_run}");
    send(Call::post(&url).body("text/csv", file.into())).await
}

/// `GET /api/v1/auth/me`.
pub async fn me() -> Result<Me, UiError> {
    send(Call::get("/api/v1/auth/me")).await
}

/// `GET /api/v1/me/notifications`: which mails the signed-in person receives.
pub async fn notification_preferences() -> Result<NotificationPreferences, UiError> {
    send(Call::get("/api/v1/me/notifications")).await
}

/// `PUT /api/v1/me/notifications`: the preferences as stored after the change.
pub async fn set_notification_preferences(
    wanted: &NotificationPreferences,
) -> Result<NotificationPreferences, UiError> {
    send_json(Call::put("/api/v1/me/notifications"), wanted).await
}

/// `POST /api/v1/auth/password` (204; the person's other sessions end).
pub async fn change_password(change: &PasswordChange) -> Result<(), UiError> {
    empty(Call::post("/api/v1/auth/password").json(change)?).await
}

/// `POST /api/v1/auth/password/forgot` (202 whether the address exists or not).
pub async fn forgot_password(email: String) -> Result<(), UiError> {
    empty(Call::post("/api/v1/auth/password/forgot").json(&PasswordForgot { email })?).await
}

/// `POST /api/v1/auth/password/link`: what a one-time link is (410 when no longer valid).
pub async fn link_info(token: String) -> Result<LinkInfo, UiError> {
    send_json(Call::post("/api/v1/auth/password/link"), &LinkToken { token }).await
}

/// `POST /api/v1/auth/password/set` (204).
pub async fn set_password(set: &PasswordSet) -> Result<(), UiError> {
    empty(Call::post("/api/v1/auth/password/set").json(set)?).await
}

/// `GET /api/v1/clients`.
pub async fn clients() -> Result<Vec<ApiClient>, UiError> {
    send(Call::get("/api/v1/clients")).await
}

/// `POST /api/v1/clients`: the secret is in the answer, this once.
pub async fn create_client(create: &ApiClientCreate) -> Result<ApiClientSecret, UiError> {
    send_json(Call::post("/api/v1/clients"), create).await
}

/// `PATCH /api/v1/clients/{client_id}`.
pub async fn update_client(id: &str, update: &ApiClientUpdate) -> Result<ApiClient, UiError> {
    send_json(Call::patch(&format!("/api/v1/clients/{}", encode(id))), update).await
}

/// `POST /api/v1/clients/{client_id}/secret`: a new secret (the previous one works a while longer).
pub async fn rotate_secret(id: &str) -> Result<ApiClientSecret, UiError> {
    send(Call::post(&format!("/api/v1/clients/{}/secret", encode(id)))).await
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn queries_and_paths_are_encoded() {
        assert_eq!(
            encode("jean.dupont+ars@sante.gouv.fr"),
            "jean.dupont%2Bars@sante.gouv.fr"
        );
        assert_eq!(encode("Les Tilleuls & Cie"), "Les%20Tilleuls%20%26%20Cie");
        assert_eq!(encode("é"), "%C3%A9");
    }
}
