//! A real SMTP server for the receiver's tests: `tests/e2e/smtp-sink.mjs` (nodemailer's
//! `smtp-server`, with authentication), run with Node. Mail reaches it over a real SMTP
//! conversation from the receiver's `lettre` client; each message comes back parsed.
//!
//! It needs the end-to-end test packages (`tests/e2e/node_modules`): `cargo xtask test native`
//! installs them. Without them the tests FAIL saying so, never pass.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const SMTP_USER: &str = "receiver@test.example";
pub const SMTP_PASSWORD: &str = "smtp-test-password";

/// One message as the server received it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ReceivedMail {
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl ReceivedMail {
    /// The link of the text body to `path` (`/signatures/confirm`, `/signatures/withdraw`).
    pub fn link(&self, path: &str) -> Option<String> {
        self.text.split_whitespace().find(|w| w.starts_with("http") && w.contains(path)).map(str::to_string)
    }

    pub fn confirm_link(&self) -> String {
        self.link("/signatures/confirm").unwrap_or_else(|| panic!("no confirm link in: {}", self.text))
    }

    pub fn withdraw_link(&self) -> String {
        self.link("/signatures/withdraw").unwrap_or_else(|| panic!("no withdraw link in: {}", self.text))
    }
}

/// The running server; stopped when dropped.
pub struct SmtpSink {
    pub port: u16,
    child: Child,
    mails: tokio::sync::mpsc::UnboundedReceiver<ReceivedMail>,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let e2e = root.join("tests/e2e");
        assert!(
            e2e.join("node_modules/smtp-server").is_dir() && e2e.join("node_modules/mailparser").is_dir(),
            "the test SMTP server needs tests/e2e/node_modules: run `cargo xtask test native` (it installs them) or `npm ci` in tests/e2e"
        );
        let mut child = Command::new("node")
            .arg(e2e.join("smtp-sink.mjs"))
            .args([SMTP_USER, SMTP_PASSWORD])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs tests/e2e/smtp-sink.mjs");
        let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let first = lines.next().expect("the SMTP server prints its port").expect("readable output");
        let port: serde_json::Value = serde_json::from_str(&first).expect("a JSON line with the port");
        let port = port["port"].as_u64().expect("a port") as u16;
        let (send, mails) = tokio::sync::mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if let Ok(mail) = serde_json::from_str::<ReceivedMail>(&line) {
                    if send.send(mail).is_err() {
                        return;
                    }
                }
            }
        });
        SmtpSink { port, child, mails }
    }

    /// The `smtp_url` that reaches this server (plain SMTP on loopback, with a user).
    pub fn url(&self) -> String {
        format!("smtp://{}@127.0.0.1:{}", SMTP_USER.replace('@', "%40"), self.port)
    }

    /// The next message received; panics when none arrives within `within`.
    pub async fn next_mail(&mut self, within: Duration) -> ReceivedMail {
        tokio::time::timeout(within, self.mails.recv())
            .await
            .expect("a mail arrives in time")
            .expect("the SMTP server is running")
    }

    /// The next message to `to`, skipping others.
    pub async fn mail_to(&mut self, to: &str) -> ReceivedMail {
        loop {
            let mail = self.next_mail(Duration::from_secs(20)).await;
            if mail.to == to {
                return mail;
            }
        }
    }
}

impl super::TestServer {
    /// A receiver that mails through `sink`.
    pub async fn mailing_through(db: &super::TestDb, sink: &SmtpSink) -> super::TestServer {
        let url = sink.url();
        super::TestServer::with(db, |c| {
            c.mail.smtp_url = Some(url);
            c.mail.smtp_password = Some(SMTP_PASSWORD.into());
        })
        .await
    }

    /// A receiver that mails through `sink`, with the test campaign asking for confirmation.
    pub async fn confirming_through(db: &super::TestDb, sink: &SmtpSink) -> super::TestServer {
        let s = super::TestServer::mailing_through(db, sink).await;
        s.set_settings(serde_json::json!({"confirmation": "email"})).await;
        s
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
