//! Errors of API calls, with the French message shown to the user.

use tdb_domain::contract::Problem;

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum UiError {
    /// The server could not be reached.
    Network(String),
    /// The session token was refused (expired or revoked): the user must log in again.
    SessionExpired,
    /// The form changed on the server since it was read (412 on `If-Match`).
    Stale,
    /// The server answered with a problem body.
    Api(Problem),
    /// The server answered an error status without a problem body.
    Status(u16),
    /// The answer could not be read.
    Decode(String),
}

impl UiError {
    /// The message shown to the user, in French.
    pub fn message(&self) -> String {
        match self {
            Self::Network(_) => {
                "Le serveur est injoignable. Vérifiez votre connexion puis réessayez.".to_owned()
            }
            Self::SessionExpired => SESSION_EXPIRED.to_owned(),
            Self::Stale => "Le formulaire a été modifié par quelqu'un d'autre depuis son ouverture. \
                            Rechargez la page pour voir la version à jour : vos saisies non enregistrées \
                            sont conservées dans ce navigateur et vous seront proposées."
                .to_owned(),
            Self::Api(problem) => problem.detail.clone(),
            Self::Status(status) => format!("Le serveur a répondu par une erreur (code {status})."),
            Self::Decode(_) => "La réponse du serveur est illisible.".to_owned(),
        }
    }

    /// Messages of the invalid fields of a 422 answer, by JSON pointer (`/values/<item>`…).
    pub fn field_errors(&self) -> Vec<(String, String)> {
        match self {
            Self::Api(problem) => problem
                .errors
                .iter()
                .map(|e| (e.path.clone(), e.message.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Shown on the login page after a 401 on a signed-in session.
pub const SESSION_EXPIRED: &str = "Votre session a expiré. Reconnectez-vous pour continuer : vos saisies non enregistrées sont conservées \
     dans ce navigateur et vous seront proposées.";
