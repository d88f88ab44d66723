//! A real `tdb serve` process, for the tests that need one (a crash mid-import, two replicas, a memory
//! cap): the environment they share and the wait for the port.

use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::TestDb;

/// The key every spawned server signs with, so tokens minted by the tests are accepted.
pub const SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// `tdb serve`, to be configured with [`configure`].
pub fn tdb_serve() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tdb"));
    command.arg("serve");
    command
}

/// Points `command` (a `tdb serve`, possibly behind a wrapper such as `prlimit`) at `db` and `addr`,
/// with the test key, no web app and quiet output.
pub fn configure<'a>(command: &'a mut Command, db: &TestDb, addr: SocketAddr) -> &'a mut Command {
    command
        .env("TDB_DATABASE_URL", db.url())
        .env("TDB_BIND", addr.to_string())
        .env("TDB_JWT_SECRET", SECRET)
        .env("TDB_WEB_DIST", "/nonexistent-web-dist")
        .env("TDB_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
}

/// Waits (30 s at most) until something listens on `addr`.
pub fn wait_until_listening(addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "the server on {addr} did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
}
