//! Free text people set (names, cities): a length cap, no control characters, no bidirectional
//! overrides (U+202A–U+202E, U+2066–U+2069: they make `evil.exe` read as `exe.live` in a list or a
//! spreadsheet). Refusals are field errors (422 `validation_failed`, the field's JSON pointer).

use tdb_domain::contract::FieldError;

/// Longest name (structure, managing body) or city, in characters.
pub const NAME_MAX_CHARS: usize = 200;

/// Whether `c` is a bidirectional embedding, override or isolate.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Checks a one-line text of at most `max` characters; pushes one error per fault to `errors`.
/// Emptiness is the caller's rule (`required`), not checked here.
pub fn check_line(path: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) {
    let mut push = |code: &str, message: String| {
        errors.push(FieldError {
            path: path.to_owned(),
            code: code.to_owned(),
            message,
        });
    };
    let length = value.trim().chars().count();
    if length > max {
        push("too_long", format!("Au plus {max} caractères (reçu : {length})."));
    }
    if value.chars().any(char::is_control) {
        push(
            "control_character",
            "Les caractères de contrôle (retour à la ligne, tabulation…) ne sont pas acceptés.".to_owned(),
        );
    }
    if value.chars().any(is_bidi_control) {
        push(
            "bidi_control",
            "Les caractères de contrôle de direction d'écriture (U+202A–U+202E, U+2066–U+2069) ne sont pas \
             acceptés."
                .to_owned(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(value: &str) -> Vec<String> {
        let mut errors = Vec::new();
        check_line("/name", value, 10, &mut errors);
        errors.into_iter().map(|e| e.code).collect()
    }

    #[test]
    fn names_are_capped_and_free_of_control_and_bidi_characters() {
        assert_eq!(codes("Les Tilleuls"), ["too_long"]);
        assert!(codes("Tilleuls").is_empty());
        assert_eq!(codes("a\u{202E}b"), ["bidi_control"]);
        assert_eq!(codes("a\u{2066}b"), ["bidi_control"]);
        assert_eq!(codes("a\nb"), ["control_character"]);
        assert_eq!(codes("a\u{7}b"), ["control_character"]);
        assert_eq!(codes("  é à ç  "), Vec::<String>::new());
    }
}
