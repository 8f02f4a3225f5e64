//! `deal serve` (issue 19, item 3) over plain HTTP: the statement page, a
//! change on disk seen by `/version` and the page, a broken agreement's
//! located diagnostics, loopback only, nothing outside the files given,
//! and a client that goes away mid-request.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `deal serve`, stopped when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_deal"))
            .arg("serve")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("deal serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the address");
        let address = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("an address in {line:?}"))
            .to_string();
        Server { child, address }
    }

    /// The status and body of `GET target`, sent as written.
    fn get(&self, target: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.address).expect("connects");
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        )
        .expect("sent");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("an answer");
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn seed(dir: &Path) -> std::path::PathBuf {
    for file in ["openai-microsoft.deal", "openai-microsoft.csv"] {
        std::fs::copy(Path::new("examples").join(file), dir.join(file)).expect("copied");
    }
    dir.join("openai-microsoft.deal")
}

/// Waits (up to ten seconds) until `/version` is no longer `before`.
fn changed(server: &Server, before: &str) -> String {
    for _ in 0..100 {
        let (_, now) = server.get("/version");
        if now != before {
            return now;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the version did not change");
}

#[test]
fn the_page_follows_the_file_on_disk() {
    let dir = tempfile::tempdir().expect("a directory");
    let deal = seed(dir.path());
    let server = Server::start(&[&deal.to_string_lossy()]);
    assert!(
        server.address.starts_with("127.0.0.1:"),
        "{}",
        server.address
    );

    let (status, page) = server.get("/");
    assert_eq!(status, 200);
    assert!(page.contains("data-amount=\"38000000000.00\""), "the total");
    assert!(
        page.contains("fetch(\"/version\""),
        "the page reloads itself"
    );

    let (_, before) = server.get("/version");
    // File times may be coarse: wait until a write shows as a change.
    std::thread::sleep(std::time::Duration::from_millis(50));
    let text = std::fs::read_to_string(&deal).expect("the deal");
    std::fs::write(&deal, text.replace("cap 38B", "cap 50B")).expect("edited");
    let after = changed(&server, &before);
    let (_, page) = server.get("/");
    assert!(
        page.contains("data-amount=\"50000000000.00\""),
        "the new cap's total"
    );
    assert!(
        page.contains(&format!("const version = \"{after}\"")),
        "the version it shows"
    );

    // Broken: the located diagnostic, in place of the statement.
    std::fs::write(&deal, text.replace("cap 38B", "cap 38B to")).expect("broken");
    changed(&server, &after);
    let (status, page) = server.get("/");
    assert_eq!(status, 200);
    assert!(page.contains("openai-microsoft.deal:8:"), "located: {page}");
    assert!(page.contains("does not evaluate"), "{page}");
}

#[test]
fn nothing_outside_the_files_is_served() {
    let dir = tempfile::tempdir().expect("a directory");
    seed(dir.path());
    let outside = tempfile::tempdir().expect("another directory");
    let secret = outside.path().join("secret.deal");
    std::fs::write(
        &secret,
        "agreement \"secret\" { parties A, B\n payer A\n share 10% of x to B }\n",
    )
    .expect("written");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, dir.path().join("link.deal")).expect("a link out");
    let server = Server::start(&[&dir.path().to_string_lossy()]);
    let (status, index) = server.get("/");
    assert_eq!(status, 200);
    assert!(index.contains("/deal/openai-microsoft"), "{index}");
    assert!(!index.contains("link"), "a link out is not listed: {index}");
    for target in [
        "/deal/link",
        "/deal/secret",
        "/../etc/passwd",
        "/deal/..%2F..%2Fetc%2Fpasswd",
        "/deal/../../etc/passwd",
        &format!("/{}", secret.display()),
        "/openai-microsoft.csv",
    ] {
        let (status, body) = server.get(target);
        assert_eq!(status, 404, "{target}: {body}");
        assert!(!body.contains("secret"), "{target}");
    }
    let (status, page) = server.get("/deal/openai-microsoft");
    assert_eq!(status, 200);
    assert!(page.contains("data-amount=\"38000000000.00\""));
}

#[test]
fn a_client_that_leaves_mid_request_does_not_stop_the_server() {
    let dir = tempfile::tempdir().expect("a directory");
    let deal = seed(dir.path());
    let server = Server::start(&[&deal.to_string_lossy()]);
    for _ in 0..5 {
        let mut stream = TcpStream::connect(&server.address).expect("connects");
        // Half a request, then gone; and a whole one, gone before the answer.
        let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n");
        drop(stream);
        let mut stream = TcpStream::connect(&server.address).expect("connects");
        let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        let mut first = [0u8; 16];
        let _ = stream.read(&mut first);
        drop(stream);
    }
    let (status, page) = server.get("/");
    assert_eq!(status, 200);
    assert!(page.contains("data-amount=\"38000000000.00\""));
}
