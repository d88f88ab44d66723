//! A webhook receiver started by the tests: a real HTTP server (actix-web on 127.0.0.1, on its own
//! thread) that records every request and answers from a script, and a signature check written from
//! the Standard Webhooks specification with another HMAC implementation (`ring`), independent of the
//! server's (`hmac` + `sha2`).

use std::collections::VecDeque;
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// How to answer one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// This status, at once.
    Status(u16),
    /// 200 after this long (a timeout for the sender).
    Slow(Duration),
    /// `307` to this location.
    Redirect(String),
}

/// A request received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Path.
    pub path: String,
    /// `webhook-id`.
    pub id: String,
    /// `webhook-timestamp`.
    pub timestamp: String,
    /// `webhook-signature`.
    pub signature: String,
    /// Body.
    pub body: Vec<u8>,
    /// What was answered.
    pub reply: Reply,
}

impl Hit {
    /// The `id` of the event in the body.
    pub fn event_id(&self) -> i64 {
        let event: serde_json::Value = serde_json::from_slice(&self.body).unwrap();
        event["id"].as_i64().unwrap()
    }

    /// Whether the sender got a 2xx in time (`Slow` counts as a failure: the tests make it longer than
    /// the sender's timeout).
    pub fn accepted(&self) -> bool {
        matches!(self.reply, Reply::Status(s) if (200..300).contains(&s))
    }
}

#[derive(Default)]
struct Shared {
    hits: Mutex<Vec<Hit>>,
    /// Replies per path, consumed in order; 200 when none is left.
    script: Mutex<Vec<(String, VecDeque<Reply>)>>,
    /// Answer every request of a path with this status (after the script).
    always: Mutex<Vec<(String, u16)>>,
}

/// A running receiver (it lives until the test process ends).
#[derive(Clone)]
pub struct Receiver {
    /// Where it listens.
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Receiver {
    /// Starts a receiver on a free port of 127.0.0.1.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared::default());
        let data = web::Data::from(Arc::clone(&shared));
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                HttpServer::new(move || App::new().app_data(data.clone()).default_service(web::to(answer)))
                    .workers(2)
                    .disable_signals()
                    .listen(listener)
                    .unwrap()
                    .run()
                    .await
            })
        });
        Self { addr, shared }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Queues replies for `path`.
    pub fn script(&self, path: &str, replies: &[Reply]) {
        self.shared
            .script
            .lock()
            .unwrap()
            .push((path.to_owned(), replies.iter().cloned().collect()));
    }

    /// Answers every later request of `path` with `status` (`None`: 200 again).
    pub fn always(&self, path: &str, status: Option<u16>) {
        let mut always = self.shared.always.lock().unwrap();
        always.retain(|(p, _)| p != path);
        if let Some(status) = status {
            always.push((path.to_owned(), status));
        }
    }

    /// How many requests `path` received so far.
    pub fn count(&self, path: &str) -> usize {
        self.shared
            .hits
            .lock()
            .unwrap()
            .iter()
            .filter(|h| h.path == path)
            .count()
    }

    /// The requests received on `path` so far.
    pub fn hits(&self, path: &str) -> Vec<Hit> {
        self.shared
            .hits
            .lock()
            .unwrap()
            .iter()
            .filter(|h| h.path == path)
            .cloned()
            .collect()
    }
}

async fn answer(request: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let path = request.path().to_owned();
    let reply = {
        let mut script = shared.script.lock().unwrap();
        let scripted = script
            .iter_mut()
            .find(|(p, replies)| *p == path && !replies.is_empty())
            .and_then(|(_, replies)| replies.pop_front());
        scripted.unwrap_or_else(|| {
            let always = shared.always.lock().unwrap();
            Reply::Status(always.iter().find(|(p, _)| *p == path).map_or(200, |(_, s)| *s))
        })
    };
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    shared.hits.lock().unwrap().push(Hit {
        path,
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: body.to_vec(),
        reply: reply.clone(),
    });
    match reply {
        Reply::Status(status) => {
            HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
        }
        Reply::Slow(delay) => {
            actix_web::rt::time::sleep(delay).await;
            HttpResponse::Ok().finish()
        }
        Reply::Redirect(location) => HttpResponse::TemporaryRedirect()
            .insert_header(("Location", location))
            .finish(),
    }
}

/// Verifies a request as a receiver following the Standard Webhooks specification would: the
/// timestamp within five minutes, and one of the space-separated `v1,` signatures equal to the
/// base64 HMAC-SHA256, keyed with the base64-decoded secret after `whsec_`, of `id.timestamp.body`.
pub fn verifies(secret: &str, hit: &Hit) -> bool {
    let Some(key) = secret
        .strip_prefix("whsec_")
        .and_then(|k| STANDARD.decode(k).ok())
    else {
        return false;
    };
    let Ok(timestamp) = hit.timestamp.parse::<i64>() else {
        return false;
    };
    if (chrono::Utc::now().timestamp() - timestamp).abs() > 300 {
        return false;
    }
    let mut signed = format!("{}.{}.", hit.id, hit.timestamp).into_bytes();
    signed.extend_from_slice(&hit.body);
    let tag = ring::hmac::sign(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key), &signed);
    let expected = format!("v1,{}", STANDARD.encode(tag.as_ref()));
    // A production receiver compares in constant time; a test need not.
    hit.signature.split(' ').any(|candidate| candidate == expected)
}
