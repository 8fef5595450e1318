//! `maillab serve` with real, unmodified clients on loopback: Python's smtplib and poplib
//! (`tests/bridge/clients.py`), imaplib (`tests/bridge/imap_client.py`) and curl, against the
//! same engines the browser runs.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

struct Bridge {
    child: Child,
    smtp: u16,
    submission: u16,
    pop3: u16,
    imap: u16,
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the bridge on free ports (port 0) and reads the ports it printed.
fn start() -> Bridge {
    start_with(&["--clock", "textbook"])
}

/// The bridge on free ports, with more options (a clock).
fn start_with(extra: &[&str]) -> Bridge {
    let mut child = Command::new(env!("CARGO_BIN_EXE_maillab"))
        .args([
            "serve",
            "--smtp-port",
            "0",
            "--submission-port",
            "0",
            "--pop3-port",
            "0",
            "--imap-port",
            "0",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("maillab serve: {e}"));
    let stdout = child
        .stdout
        .take()
        .unwrap_or_else(|| panic!("stdout is piped"));
    let mut ports = std::collections::HashMap::new();
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        if let Some(rest) = line.strip_prefix("listening: ") {
            let name = rest.split(' ').next().unwrap_or_default().to_string();
            let port = rest
                .split(" → ")
                .next()
                .and_then(|a| a.rsplit(':').next())
                .and_then(|p| p.parse::<u16>().ok());
            ports.insert(name, port.unwrap_or_else(|| panic!("a port in {line}")));
        }
        if line.starts_with("serving ") {
            break;
        }
    }
    let port = |name: &str| *ports.get(name).unwrap_or_else(|| panic!("no {name} port"));
    Bridge {
        smtp: port("smtp"),
        submission: port("submission"),
        pop3: port("pop3"),
        imap: port("imap"),
        child,
    }
}

#[test]
fn python_smtplib_and_poplib_interoperate() {
    let bridge = start();
    let out = Command::new("python3")
        .arg("tests/bridge/clients.py")
        .args([bridge.smtp, bridge.submission, bridge.pop3].map(|p| p.to_string()))
        .output()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    assert!(
        out.status.success(),
        "python clients failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn python_imaplib_interoperates() {
    let bridge = start();
    let out = Command::new("python3")
        .arg("tests/bridge/imap_client.py")
        .args([bridge.imap, bridge.smtp].map(|p| p.to_string()))
        .output()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    assert!(
        out.status.success(),
        "imaplib failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn curl(args: &[&str]) -> String {
    let out = Command::new("curl")
        .args(["--silent", "--show-error", "--max-time", "10"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("curl: {e}"));
    assert!(
        out.status.success(),
        "curl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn curl_sends_with_smtp_and_reads_with_pop3_and_imap() {
    let bridge = start();
    let file = std::env::temp_dir().join(format!("maillab-curl-{}.eml", std::process::id()));
    std::fs::write(&file, "From: alice@crepes.fr\r\nTo: bob@hamburger.edu\r\nSubject: via curl\r\n\r\nhello from curl\r\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let file_arg = file.display().to_string();
    // Submission with AUTH, as a mail client would.
    curl(&[
        &format!("smtp://127.0.0.1:{}", bridge.submission),
        "--user",
        "bob:hungry",
        "--mail-from",
        "bob@hamburger.edu",
        "--mail-rcpt",
        "bob@hamburger.edu",
        "--upload-file",
        &file_arg,
    ]);
    let list = curl(&[
        &format!("pop3://127.0.0.1:{}/", bridge.pop3),
        "--user",
        "bob:hungry",
    ]);
    assert_eq!(
        list.lines().collect::<Vec<_>>().first().copied(),
        Some("1 498"),
        "{list}"
    );
    assert_eq!(list.lines().count(), 3, "{list}");
    let third = curl(&[
        &format!("pop3://127.0.0.1:{}/3", bridge.pop3),
        "--user",
        "bob:hungry",
    ]);
    assert!(
        third.contains("Subject: via curl") && third.contains("hello from curl"),
        "{third}"
    );
    // The same message through IMAP: curl LISTs, then fetches by UID (RFC 5092 URLs).
    let folders = curl(&[
        &format!("imap://127.0.0.1:{}/", bridge.imap),
        "--user",
        "bob:hungry",
    ]);
    assert!(
        folders.contains("(\\HasNoChildren \\Sent) \"/\" Sent"),
        "{folders}"
    );
    let by_imap = curl(&[
        &format!("imap://127.0.0.1:{}/INBOX;UID=3", bridge.imap),
        "--user",
        "bob:hungry",
    ]);
    assert_eq!(by_imap, third, "IMAP and POP3 give the same octets");
    let _ = std::fs::remove_file(&file);
}

#[test]
fn ctrl_c_stops_the_bridge_cleanly() {
    let mut bridge = start();
    interrupt(&mut bridge);
    // The ports are free again.
    assert!(std::net::TcpStream::connect(("127.0.0.1", bridge.smtp)).is_err());
}

/// Sends SIGINT and waits (10 s at most) for a clean exit.
fn interrupt(bridge: &mut Bridge) {
    let pid = bridge.child.id().to_string();
    let status = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap_or_else(|e| panic!("kill: {e}"));
    assert!(status.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = bridge.child.try_wait().unwrap_or_else(|e| panic!("{e}")) {
            break exit;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the bridge did not stop on SIGINT"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(exit.success(), "exit status {exit:?}");
}

/// A raw dialogue: sends `script` after the greeting and returns everything until the close.
fn dialogue(port: u16, script: &str) -> String {
    use std::io::Write;
    let mut stream =
        std::net::TcpStream::connect(("127.0.0.1", port)).unwrap_or_else(|e| panic!("{e}"));
    stream
        .write_all(script.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    read_until_closed(&mut stream)
}

#[test]
fn state_file_keeps_the_mail_across_a_restart() {
    let path = std::env::temp_dir().join(format!("maillab-state-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let state = path.display().to_string();
    let mut first = start_with(&["--clock", "textbook", "--state", &state]);
    let sent = dialogue(
        first.smtp,
        "HELO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n\
         Subject: kept\r\n\r\nstill here after a restart\r\n.\r\nQUIT\r\n",
    );
    assert!(sent.contains("\r\n250 2.0.0 "), "{sent}");
    interrupt(&mut first);
    let saved = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        saved.starts_with("{\"format\":\"maillab-world\""),
        "{saved:.80}"
    );
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    assert!(
        !std::path::Path::new(&tmp).exists(),
        "no temporary file left"
    );

    let second = start_with(&["--clock", "textbook", "--state", &state]);
    let listed = dialogue(
        second.pop3,
        "USER bob\r\nPASS hungry\r\nLIST\r\nRETR 3\r\nQUIT\r\n",
    );
    assert!(listed.contains("\r\n1 498\r\n2 912\r\n3 "), "{listed}");
    assert!(listed.contains("still here after a restart"), "{listed}");
    drop(second);

    // A damaged file is not overwritten with a fresh world: the bridge refuses to start.
    std::fs::write(&path, &saved[..saved.len() / 2]).unwrap_or_else(|e| panic!("{e}"));
    let refused = Command::new(env!("CARGO_BIN_EXE_maillab"))
        .args([
            "serve",
            "--smtp-port",
            "0",
            "--submission-port",
            "0",
            "--pop3-port",
            "0",
        ])
        .args(["--imap-port", "0", "--state", &state])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(
        why.contains("not a saved Mail Lab world") && why.contains("start afresh"),
        "{why}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).ok().map(|s| s.len()),
        Some(saved.len() / 2),
        "the file is left as it was"
    );
    let _ = std::fs::remove_file(&path);
}

/// Reads from `stream` until the server closes it (or 10 s pass), returning what it sent.
fn read_until_closed(stream: &mut std::net::TcpStream) -> String {
    use std::io::Read;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return String::from_utf8_lossy(&all).into_owned(),
            Ok(n) => all.extend_from_slice(&buf[..n]),
            Err(e) => panic!(
                "the server did not close: {e}; it sent {:?}",
                String::from_utf8_lossy(&all)
            ),
        }
    }
}

#[test]
fn silent_clients_time_out_on_the_worlds_clock() {
    // At 600 times real speed, SMTP's 5-minute command timeout (RFC 5321 §4.5.3.2.7) is half
    // a second, POP3's 10-minute autologout (RFC 1939 §3) one second, IMAP's 30 minutes
    // (RFC 3501 §5.4) three seconds. Each silent client is told and disconnected; a session
    // that talks meanwhile is not.
    let bridge = start_with(&["--speed", "600"]);
    let connect = |port: u16| {
        std::net::TcpStream::connect(("127.0.0.1", port)).unwrap_or_else(|e| panic!("{e}"))
    };
    let (mut smtp, mut pop3, mut imap) = (
        connect(bridge.smtp),
        connect(bridge.pop3),
        connect(bridge.imap),
    );
    let started = std::time::Instant::now();
    let smtp_said = read_until_closed(&mut smtp);
    assert!(
        smtp_said.starts_with("220 ") && smtp_said.contains("\r\n421 4.4.2 "),
        "{smtp_said}"
    );
    let pop3_said = read_until_closed(&mut pop3);
    assert!(
        pop3_said.starts_with("+OK POP3 server ready"),
        "{pop3_said}"
    );
    let imap_said = read_until_closed(&mut imap);
    assert!(
        imap_said.starts_with("* OK ")
            && imap_said.ends_with("* BYE Autologout; idle for too long\r\n"),
        "{imap_said}"
    );
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_secs(2),
        "IMAP waited its 30 world minutes: {waited:?}"
    );
    // The bridge itself still serves.
    let mut again = connect(bridge.imap);
    use std::io::{Read, Write};
    let mut greeting = [0u8; 16];
    again
        .read_exact(&mut greeting)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&greeting[..4], b"* OK");
    again
        .write_all(b"a LOGOUT\r\n")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(read_until_closed(&mut again).contains("a OK LOGOUT completed"));
}
