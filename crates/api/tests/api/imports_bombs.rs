//! Hostile files sent to the real `tdb serve` binary under a memory cap: each is refused 413
//! `import_too_large` (problem+json), the server stays alive and its peak resident memory (VmHWM) stays
//! under 512 MiB. The files are made by the test (`support::bombs`): a 1.6 KB XLSX with a cell at
//! `XFD1048576`, a shared string of 1 GiB (declared, or hidden behind a lying size), a sheet of 5
//! million rows. The process also runs under an address-space limit (`prlimit --as`), so a regression
//! fails here instead of taking the machine down.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::forms_fixtures::world;
use crate::support::serve;
use crate::support::{TestDb, auth, bombs};

/// The peak resident memory allowed to the server.
const RSS_LIMIT_KIB: u64 = 512 * 1024;
/// The address space allowed to the server (its allocator alone reserves about 1.5 GiB).
const ADDRESS_SPACE: u64 = 4 << 30;
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A running server, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(db: &TestDb) -> Self {
        let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let mut prlimit = Command::new("prlimit");
        prlimit
            .arg(format!("--as={ADDRESS_SPACE}"))
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_tdb"))
            .arg("serve");
        let child = serve::configure(&mut prlimit, db, addr)
            .spawn()
            .expect("prlimit (util-linux) runs the server");
        serve::wait_until_listening(addr);
        Self { child, addr }
    }

    /// Whether the process still runs.
    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Peak resident memory of the server process (prlimit execs it: same pid), in KiB.
    fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    /// One request; the status and the body (`None` when the server closed the connection).
    fn send(
        &self,
        method: &str,
        path: &str,
        token: &str,
        content_type: &str,
        body: &[u8],
    ) -> Option<(u16, String, String)> {
        let mut stream = TcpStream::connect(self.addr).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: {token}\r\nContent-Type: {content_type}\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        stream.write_all(head.as_bytes()).ok()?;
        // The server may answer (and close) before reading the whole body.
        let _ = stream.write_all(body);
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).ok()?;
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let (head, body) = answer.split_once("\r\n\r\n")?;
        let status = head.split(' ').nth(1)?.parse().ok()?;
        Some((status, head.to_ascii_lowercase(), body.to_owned()))
    }
}

#[test]
fn xlsx_bombs_are_refused_with_bounded_memory_and_the_server_lives() {
    let db = TestDb::sqlite();
    let state = world(&db, "collecte");
    let token = auth::og(&state, "990000001");
    drop(state);
    let mut server = Server::start(&db);
    let bombs: [(&str, Vec<u8>); 4] = [
        ("a cell at XFD1048576", bombs::dimension_bomb()),
        ("a 1 GiB shared string", bombs::shared_string_bomb(1 << 30, false)),
        (
            "a 1 GiB shared string declared as 200 bytes",
            bombs::shared_string_bomb(1 << 30, true),
        ),
        ("5 million rows", bombs::rows_bomb(5_000_000)),
    ];
    for (what, file) in &bombs {
        let started = Instant::now();
        let answer = server.send(
            "POST",
            "/api/v1/campaigns/2024/imports?dry_run=true",
            &token,
            XLSX,
            file,
        );
        assert!(server.alive(), "{what}: the server died");
        let (status, head, body) = answer.unwrap_or_else(|| panic!("{what}: no answer"));
        assert_eq!(status, 413, "{what}: {body}");
        assert!(
            head.contains("content-type: application/problem+json"),
            "{what}: {head}"
        );
        let problem: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(problem["code"], "import_too_large", "{what}: {problem}");
        let peak = server.peak_rss_kib();
        assert!(
            peak < RSS_LIMIT_KIB,
            "{what}: the server's peak resident memory reached {peak} KiB"
        );
        eprintln!(
            "{what} ({} bytes): 413 in {:.1} s, peak RSS {} MiB",
            file.len(),
            started.elapsed().as_secs_f64(),
            peak / 1024
        );
    }
    let (status, _, _) = server
        .send("GET", "/api/v1/health", "", "text/plain", b"")
        .unwrap();
    assert_eq!(status, 200, "the server still answers");
}
