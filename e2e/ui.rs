//! Helpers of the browser journeys: waiting for DOM conditions (never for a fixed time), signing in
//! and out through the login page, typing into fields, calling the API from the page, and the scan of
//! rendered text for English words.

use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, Locator};
use serde_json::Value;

/// How long a page may take to show what a test waits for.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Waits until an element matches `css`.
pub async fn wait_css(browser: &Client, css: &str) -> Result<Element, CmdError> {
    browser
        .wait()
        .at_most(TIMEOUT)
        .for_element(Locator::Css(css))
        .await
}

/// Waits until a JavaScript expression is true in the page (checked by the page itself on each
/// animation frame); panics with `what` after [`TIMEOUT`].
pub async fn wait_until(browser: &Client, expression: &str, what: &str) {
    let script = r"
        const [expression, done] = arguments;
        const check = new Function('return (' + expression + ');');
        const started = performance.now();
        (function poll() {
            let ok = false;
            try { ok = !!check(); } catch (e) { ok = false; }
            if (ok) { done(true); }
            else if (performance.now() - started > 25000) { done(false); }
            else { requestAnimationFrame(poll); }
        })();
    ";
    let ok = browser
        .execute_async(script, vec![Value::from(expression)])
        .await
        .unwrap_or(Value::Bool(false));
    assert_eq!(
        ok,
        Value::Bool(true),
        "timed out waiting for {what} ({expression})"
    );
}

/// Waits until the text content of the element matching `css` contains `needle`.
pub async fn wait_text(browser: &Client, css: &str, needle: &str) {
    let expression =
        format!("(document.querySelector({css:?}) || {{textContent: ''}}).textContent.includes({needle:?})");
    wait_until(browser, &expression, &format!("{needle:?} in {css}")).await;
}

/// The text content of the element matching `css`.
pub async fn text(browser: &Client, css: &str) -> String {
    let element = wait_css(browser, css)
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    element
        .prop("textContent")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Clicks the element matching `css`, first scrolled to the middle of the window (as a person would:
/// the form's action bar sticks to the bottom of the window and may cover what lies there).
pub async fn click(browser: &Client, css: &str) {
    let element = wait_css(browser, css)
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    if let Ok(reference) = serde_json::to_value(&element) {
        let _ = browser
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![reference])
            .await;
    }
    element
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Replaces the text of the input matching `css` by typing `value`, as a user would.
pub async fn type_into(browser: &Client, css: &str, value: &str) {
    let input = wait_css(browser, css)
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    input.clear().await.unwrap_or_else(|e| panic!("clear {css}: {e}"));
    input
        .send_keys(value)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

/// Chooses the option `value` of the select matching `css`, as a user would.
pub async fn select(browser: &Client, css: &str, value: &str) {
    wait_css(browser, css)
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
}

/// Signs in through the login page shown in place of any protected page.
pub async fn sign_in(browser: &Client, email: &str, password: &str) {
    type_into(browser, "#login-email", email).await;
    type_into(browser, "#login-password", password).await;
    click(browser, "[data-testid=login-form] button[type=submit]").await;
    wait_css(browser, "[data-testid=current-user]")
        .await
        .unwrap_or_else(|e| panic!("not signed in as {email}: {e}"));
}

/// Signs out with the header button and waits for the login page.
pub async fn sign_out(browser: &Client) {
    click(browser, "[data-testid=logout]").await;
    wait_css(browser, "[data-testid=login-form]")
        .await
        .unwrap_or_else(|e| panic!("login page after sign-out: {e}"));
}

/// Calls the API from the page (same origin): `(status, body)`.
pub async fn api(
    browser: &Client,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let script = r"
        const [method, path, token, body, done] = arguments;
        const headers = {'Content-Type': 'application/json'};
        if (token) headers['Authorization'] = 'Bearer ' + token;
        if (method !== 'GET') headers['If-Match'] = '*';
        fetch(path, {method, headers, body: body === null ? undefined : JSON.stringify(body)})
            .then(async r => done([r.status, await r.text()]))
            .catch(e => done([0, String(e)]));
    ";
    let answer = browser
        .execute_async(
            script,
            vec![
                Value::from(method),
                Value::from(path),
                token.map_or(Value::Null, Value::from),
                body.unwrap_or(Value::Null),
            ],
        )
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = u16::try_from(answer[0].as_u64().unwrap_or(0)).unwrap_or(0);
    let text = answer[1].as_str().unwrap_or_default();
    (status, serde_json::from_str(text).unwrap_or(Value::Null))
}

/// Signs in through the API (not the page) and returns the bearer token.
pub async fn api_token(browser: &Client, email: &str, password: &str) -> String {
    let body = serde_json::json!({"email": email, "password": password});
    let (status, answer) = api(browser, "POST", "/api/v1/auth/login", None, Some(body)).await;
    assert_eq!(status, 200, "login of {email}: {answer}");
    answer["access_token"].as_str().unwrap_or_default().to_owned()
}

/// English words and phrases that must never reach a user (whole words, any case).
pub const ENGLISH: &[&str] = &[
    "submit",
    "error",
    "loading",
    "save",
    "cancel",
    "login",
    "log in",
    "logout",
    "log out",
    "sign in",
    "sign out",
    "password",
    "next",
    "previous",
    "home",
    "search",
    "not found",
    "required",
    "invalid",
    "success",
    "warning",
    "close",
    "delete",
    "edit",
    "back",
    "settings",
    "email address",
    "welcome",
    "page not found",
    "failed",
    "unknown",
    "missing",
    "history",
    "review",
    "validate",
    "status",
];

/// The English words of [`ENGLISH`] found in `text`.
pub fn english_words(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    ENGLISH
        .iter()
        .copied()
        .filter(|phrase| {
            let parts: Vec<&str> = phrase.split(' ').collect();
            words.windows(parts.len()).any(|w| w == parts.as_slice())
        })
        .collect()
}

/// Everything a user can read on the current page: the rendered text and the accessible labels.
pub async fn readable_text(browser: &Client) -> String {
    let script = r"
        const attributes = [...document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')]
            .map(e => ['aria-label', 'title', 'placeholder', 'alt'].map(a => e.getAttribute(a) || '').join(' '));
        return document.title + '\n' + document.body.innerText + '\n' + attributes.join('\n');
    ";
    browser
        .execute(script, vec![])
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The WCAG rule sets axe-core runs: WCAG 2.0 and 2.1, levels A and AA (RGAA 4 follows WCAG 2.1 AA).
const WCAG_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// axe-core's script (npm `axe-core`, pinned in `package.json`, installed by `just setup`).
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = crate::workspace_root().join("node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "axe-core is not installed ({}: {e}): run `just setup`",
                path.display()
            )
        })
    })
}

/// The WCAG 2.1 A/AA violations axe-core finds on the page as it is now (its current state: open
/// dialogs, errors shown, charts drawn), one line each: rule, impact, help and the selectors of the
/// elements at fault. axe is injected into the page when it is not there yet.
pub async fn accessibility_violations(browser: &Client) -> Vec<String> {
    let present = browser
        .execute("return typeof window.axe !== 'undefined';", vec![])
        .await
        .unwrap_or(Value::Bool(false));
    if present != Value::Bool(true)
        && let Err(e) = browser.execute(axe_source(), vec![]).await
    {
        panic!("axe-core could not be injected into the page: {e}");
    }
    let script = r"
        const [tags, done] = arguments;
        axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
            .then(r => done(r.violations.map(v =>
                `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(' ')).join(' | ')}`)))
            .catch(e => done([`axe failed: ${e}`]));
    ";
    let found = match browser
        .execute_async(script, vec![serde_json::json!(WCAG_TAGS)])
        .await
    {
        Ok(found) => found,
        Err(e) => panic!("axe-core did not run: {e}"),
    };
    found
        .as_array()
        .map(|v| v.iter().filter_map(|l| l.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// Fails when axe-core finds a WCAG 2.1 A/AA violation on the page as it is now; `state` names the page
/// and its state in the message, which lists each violation with its selectors.
pub async fn assert_accessible(browser: &Client, state: &str) {
    let violations = accessibility_violations(browser).await;
    assert!(
        violations.is_empty(),
        "axe-core: {} WCAG 2.1 A/AA violation(s) on {state}:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

/// The checks every page visited by the browser tests passes: all in French ([`assert_french`]) and
/// no WCAG 2.1 A/AA violation ([`assert_accessible`]).
pub async fn check_page(browser: &Client, page: &str) {
    assert_french(browser, page).await;
    assert_accessible(browser, page).await;
}

/// Fails when the current page shows an English word; `page` names it in the message.
pub async fn assert_french(browser: &Client, page: &str) {
    let text = readable_text(browser).await;
    let found = english_words(&text);
    assert!(found.is_empty(), "English on the page {page}: {found:?}\n{text}");
}

#[cfg(test)]
mod tests {
    use super::english_words;

    #[test]
    fn finds_whole_english_words_only() {
        assert_eq!(english_words("Submit the form"), vec!["submit"]);
        assert_eq!(
            english_words("Page not found"),
            vec!["not found", "page not found"]
        );
        assert!(english_words("Soumettre — Enregistrer — Historique — Erreur de saisie").is_empty());
        assert!(english_words("Accueil, Suivant, Précédent, Rechercher").is_empty());
    }
}
