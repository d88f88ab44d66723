//! Authorization matrix: rows of (caller, request, exact expected status), run against one app.
//!
//! Each endpoint's test module builds its rows with [`case`] and runs them with [`check`], which reports
//! every mismatch at once, so the rows can be folded into a full matrix.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use actix_web::test;
use serde_json::Value;
use tdb_api::state::AppState;

use super::auth;

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// No `Authorization` header.
    Anonymous,
    /// A structure user of one structure.
    Esms(&'static str),
    /// A managing-body user.
    Og(&'static str),
    /// An ARS officer of a region.
    Ars(&'static str),
    /// A CD officer of a department.
    Cd(&'static str),
    /// A national administrator.
    National,
    /// A partner client with the `read` scope.
    PartnerRead,
    /// A partner client with `prefill:write` only (sees no structure).
    PartnerWrite,
}

impl Who {
    /// The `Authorization` header of this caller.
    pub fn header(self, state: &AppState) -> Option<String> {
        Some(match self {
            Self::Anonymous => return None,
            Self::Esms(finess) => auth::esms(state, &[finess]),
            Self::Og(organisation) => auth::og(state, organisation),
            Self::Ars(region) => auth::ars(state, region),
            Self::Cd(department) => auth::cd(state, department),
            Self::National => auth::national(state),
            Self::PartnerRead => auth::partner(state, &["read"], None),
            Self::PartnerWrite => auth::partner(state, &["prefill:write"], Some("cnsa_errd")),
        })
    }
}

/// One row of the matrix.
#[derive(Debug, Clone)]
pub struct Case {
    /// Caller.
    pub who: Who,
    /// HTTP method.
    pub method: Method,
    /// Path and query.
    pub uri: String,
    /// JSON body.
    pub body: Option<Value>,
    /// `If-Match` header.
    pub if_match: Option<&'static str>,
    /// Exact expected status.
    pub expect: u16,
}

/// A row without body.
pub fn case(who: Who, method: Method, uri: impl Into<String>, expect: u16) -> Case {
    Case {
        who,
        method,
        uri: uri.into(),
        body: None,
        if_match: None,
        expect,
    }
}

impl Case {
    /// With a JSON body.
    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// With an `If-Match` header.
    pub fn if_match(mut self, tag: &'static str) -> Self {
        self.if_match = Some(tag);
        self
    }
}

/// Runs every row in order and fails with the list of mismatches.
pub async fn check<S>(app: &S, state: &AppState, cases: &[Case])
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let mut failures = Vec::new();
    for c in cases {
        let mut request = test::TestRequest::default().method(c.method.clone()).uri(&c.uri);
        if let Some(header) = c.who.header(state) {
            request = request.insert_header(("Authorization", header));
        }
        if let Some(tag) = c.if_match {
            request = request.insert_header(("If-Match", tag));
        }
        if let Some(body) = &c.body {
            request = request.set_json(body);
        }
        let response = test::call_service(app, request.to_request()).await;
        let status = response.status().as_u16();
        if status != c.expect {
            let body = String::from_utf8_lossy(&test::read_body(response).await).into_owned();
            failures.push(format!(
                "{:?} {} {} → {status}, expected {} ({body})",
                c.who, c.method, c.uri, c.expect
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix:\n{}",
        failures.join("\n")
    );
}
