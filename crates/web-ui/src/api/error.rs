//! Errors of API calls, with the French message shown to the user.

use tdb_domain::contract::Problem;

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum UiError {
    /// The server could not be reached.
    Network(String),
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
            Self::Api(problem) => format!("{} : {}", problem.title, problem.detail),
            Self::Status(status) => format!("Le serveur a répondu par une erreur (code {status})."),
            Self::Decode(_) => "La réponse du serveur est illisible.".to_owned(),
        }
    }
}
