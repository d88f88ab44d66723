//! The mails tdb writes, in French, as plain text and HTML (every value interpolated in the HTML is
//! escaped).

use chrono::NaiveDateTime;

/// A mail's subject and bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Subject.
    pub subject: String,
    /// Plain text.
    pub text: String,
    /// HTML.
    pub html: String,
}

/// HTML text and attribute escaping of the five characters that matter.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html_page(title: &str, paragraphs: &[String], link: &str, button: &str) -> String {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>\n", escape(p)))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body style=\"font-family: Marianne, Arial, sans-serif; color: #161616\">\n<h1 style=\"font-size: 1.25rem\">{title}</h1>\n\
         {body}<p><a href=\"{href}\" style=\"background: #000091; color: #fff; padding: 0.5rem 1rem; text-decoration: none\">{button}</a></p>\n\
         <p>Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :<br>{href}</p>\n\
         <p style=\"color: #666\">Tableau de bord de la performance dans le secteur médico-social</p>\n</body>\n</html>\n",
        title = escape(title),
        href = escape(link),
        button = escape(button),
    )
}

/// French date and time of an instant given in UTC, in Paris time (« 10/12/2026 à 14:05 »).
fn paris(at: NaiveDateTime) -> String {
    use chrono::TimeZone;
    chrono_tz::Europe::Paris
        .from_utc_datetime(&at)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

/// The invitation of a person to set a first password.
pub fn invitation(display_name: &str, link: &str, expires_at: NaiveDateTime) -> Message {
    let subject = "Votre accès au tableau de bord de la performance médico-sociale".to_owned();
    let paragraphs = vec![
        format!("Bonjour {display_name},"),
        "Un compte a été créé pour vous sur le tableau de bord de la performance dans le secteur \
         médico-social. Pour l'activer, choisissez votre mot de passe en suivant le lien ci-dessous."
            .to_owned(),
        format!(
            "Ce lien ne sert qu'une fois et reste valable jusqu'au {} (heure de Paris).",
            paris(expires_at)
        ),
        "Si vous n'attendiez pas ce message, ignorez-le : aucun compte ne sera utilisable sans ce lien."
            .to_owned(),
    ];
    message(subject, &paragraphs, link, "Choisir mon mot de passe")
}

/// A password reset link.
pub fn reset(display_name: &str, link: &str) -> Message {
    let subject = "Réinitialisation de votre mot de passe".to_owned();
    let paragraphs = vec![
        format!("Bonjour {display_name},"),
        "Une demande de réinitialisation du mot de passe de votre compte a été faite. Pour choisir un \
         nouveau mot de passe, suivez le lien ci-dessous."
            .to_owned(),
        "Ce lien ne sert qu'une fois et reste valable une heure.".to_owned(),
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel \
         reste valable."
            .to_owned(),
    ];
    message(subject, &paragraphs, link, "Choisir un nouveau mot de passe")
}

fn message(subject: String, paragraphs: &[String], link: &str, button: &str) -> Message {
    let mut text = paragraphs.join("\n\n");
    text.push_str(&format!(
        "\n\n{link}\n\n-- \nTableau de bord de la performance dans le secteur médico-social\n"
    ));
    let html = html_page(&subject, paragraphs, link, button);
    Message { subject, text, html }
}

/// The owner of a webhook subscription is told it was disabled after failing past the retry horizon;
/// `link` is the subscription's delivery log in the API.
pub fn webhook_disabled(url: &str, reason: &str, link: &str) -> Message {
    let subject = "Un webhook a été désactivé".to_owned();
    let paragraphs = vec![
        "Bonjour,".to_owned(),
        format!(
            "Les envois vers « {url} » échouent depuis trop longtemps : l'abonnement a été désactivé et \
             plus aucun événement ne lui est envoyé."
        ),
        format!("Dernière cause : {reason}"),
        "Corrigez le récepteur, puis réactivez l'abonnement (PATCH avec « enabled »: true) : les \
         événements reprendront là où ils se sont arrêtés. Le journal des envois est à l'adresse \
         ci-dessous."
            .to_owned(),
    ];
    message(subject, &paragraphs, link, "Voir le journal des envois")
}

/// The structure a workflow mail is about: « EHPAD Les Tilleuls (FINESS 590000011) ».
fn named(structure: &str, finess: &str) -> String {
    format!("{structure} (FINESS {finess})")
}

/// The structure's people: an authority sent the form back with correction requests.
pub fn correction_requested(
    (year, structure, finess): (i32, &str, &str),
    items: usize,
    comment: Option<&str>,
    link: &str,
) -> Message {
    let subject = format!("Corrections demandées sur le formulaire {year} de {structure}");
    let mut paragraphs = vec![
        "Bonjour,".to_owned(),
        format!(
            "L'autorité de contrôle demande des corrections sur le formulaire {year} de {} : {items} \
             donnée(s) à revoir. Chaque demande est accompagnée d'un message dans le formulaire.",
            named(structure, finess)
        ),
    ];
    if let Some(comment) = comment.filter(|c| !c.trim().is_empty()) {
        paragraphs.push(format!("Commentaire : {comment}"));
    }
    paragraphs.push(
        "Corrigez les données concernées (ou répondez aux messages), puis soumettez de nouveau le \
         formulaire."
            .to_owned(),
    );
    message(subject, &paragraphs, link, "Ouvrir le formulaire")
}

/// The reviewing authorities: a structure submitted its form.
pub fn submitted((year, structure, finess): (i32, &str, &str), link: &str) -> Message {
    let subject = format!("Formulaire {year} soumis : {structure}");
    let paragraphs = vec![
        "Bonjour,".to_owned(),
        format!(
            "Le formulaire {year} de {} a été soumis et attend votre examen.",
            named(structure, finess)
        ),
        "Vous pouvez le valider ou demander des corrections depuis le formulaire.".to_owned(),
    ];
    message(subject, &paragraphs, link, "Examiner le formulaire")
}

/// The structure's people: an authority validated the form; `awaiting` names the authority whose
/// validation is still expected (a structure of joint competence), none when the form is validated.
pub fn validated(
    (year, structure, finess): (i32, &str, &str),
    by: &str,
    awaiting: Option<&str>,
    link: &str,
) -> Message {
    let (subject, state) = match awaiting {
        None => (
            format!("Formulaire {year} validé : {structure}"),
            "Le formulaire est validé : aucune autre action n'est attendue de votre part.".to_owned(),
        ),
        Some(other) => (
            format!("Formulaire {year} validé par {by} : {structure}"),
            format!("La validation {other} est encore attendue."),
        ),
    };
    let paragraphs = vec![
        "Bonjour,".to_owned(),
        format!(
            "Le formulaire {year} de {} a été validé par {by}.",
            named(structure, finess)
        ),
        state,
    ];
    message(subject, &paragraphs, link, "Voir le formulaire")
}

/// The structure's people: an authority reopened the form, with its reason.
pub fn reopened((year, structure, finess): (i32, &str, &str), comment: &str, link: &str) -> Message {
    let subject = format!("Formulaire {year} rouvert : {structure}");
    let paragraphs = vec![
        "Bonjour,".to_owned(),
        format!(
            "Le formulaire {year} de {} a été rouvert par l'autorité de contrôle : il peut de \
             nouveau être modifié, puis doit être soumis de nouveau.",
            named(structure, finess)
        ),
        format!("Motif : {comment}"),
    ];
    message(subject, &paragraphs, link, "Ouvrir le formulaire")
}

/// Every structure's people: a phase of a campaign opens (`phase` in French: « collecte »…);
/// `closes_on` is the end of the phase when known (« 30/06/2026 »).
pub fn phase_opened(year: i32, phase: &str, what: &str, closes_on: Option<&str>, link: &str) -> Message {
    let subject = format!("Campagne {year} : ouverture de la phase « {phase} »");
    let mut paragraphs = vec![
        "Bonjour,".to_owned(),
        format!("La phase « {phase} » de la campagne {year} du tableau de bord est ouverte. {what}"),
    ];
    if let Some(date) = closes_on {
        paragraphs.push(format!("Elle se termine le {date}."));
    }
    message(subject, &paragraphs, link, "Ouvrir le tableau de bord")
}

/// The structure's people: the collecte closes in `days_left` days and the form is below the
/// completion threshold (`completion`: items filled and required, none before its first write).
pub fn reminder(
    (year, structure, finess): (i32, &str, &str),
    (days_left, closes_on): (i64, &str),
    (completion, threshold): (Option<(i32, i32)>, i32),
    link: &str,
) -> Message {
    let when = match days_left {
        0 => "aujourd'hui".to_owned(),
        1 => "demain".to_owned(),
        n => format!("dans {n} jours"),
    };
    let subject = format!("Rappel : la collecte {year} se termine {when} ({structure})");
    let state = match completion {
        Some((filled, required)) => format!(
            "Le formulaire de {} compte {filled} donnée(s) renseignée(s) sur {required}",
            named(structure, finess)
        ),
        None => format!(
            "Le formulaire de {} n'a pas encore été commencé",
            named(structure, finess)
        ),
    };
    let paragraphs = vec![
        "Bonjour,".to_owned(),
        format!(
            "La collecte {year} se termine le {closes_on}. {state} : le seuil de {threshold} % \
             nécessaire à la soumission n'est pas atteint."
        ),
        "Complétez le formulaire, puis soumettez-le avant la date de clôture.".to_owned(),
    ];
    message(subject, &paragraphs, link, "Compléter le formulaire")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_html_and_the_link_is_in_both_bodies() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 7, 1)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let mail = invitation(
            "<script>Dupont</script>",
            "https://tdb.fr/definir-mot-de-passe#jeton=abc",
            at,
        );
        assert!(mail.html.contains("&lt;script&gt;Dupont&lt;/script&gt;"));
        assert!(!mail.html.contains("<script>"));
        assert!(
            mail.text
                .contains("https://tdb.fr/definir-mot-de-passe#jeton=abc")
        );
        assert!(
            mail.html
                .contains("https://tdb.fr/definir-mot-de-passe#jeton=abc")
        );
        // 12:00 UTC in July is 14:00 in Paris.
        assert!(mail.text.contains("01/07/2026 à 14:00"), "{}", mail.text);
    }

    #[test]
    fn reminders_say_when_the_collecte_closes_and_how_far_the_form_is() {
        let mail = reminder(
            (2026, "EHPAD <Les Tilleuls>", "590000011"),
            (3, "30/06/2026"),
            (Some((12, 150)), 90),
            "https://tdb.fr/formulaire/2026/590000011",
        );
        assert_eq!(
            mail.subject,
            "Rappel : la collecte 2026 se termine dans 3 jours (EHPAD <Les Tilleuls>)"
        );
        assert!(
            mail.text.contains("12 donnée(s) renseignée(s) sur 150"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains("seuil de 90 %"), "{}", mail.text);
        assert!(mail.html.contains("EHPAD &lt;Les Tilleuls&gt;"));
        assert!(mail.text.contains("https://tdb.fr/formulaire/2026/590000011"));
    }
}
