//! Delivering a built mail: over SMTP with `lettre` (TLS from the first byte for `smtps://`,
//! STARTTLS for `smtp://…?tls=required`, authentication from the URL or the configured password),
//! or, with no SMTP server configured, as files in the mail folder: `NNNN.eml` (the message as it
//! would go over the wire) and `NNNN.json` (recipient, subject and bodies, which the demo's
//! `/mail/` page shows).

use super::message::BuiltMail;
use super::MailConfig;
use anyhow::Context;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

/// Where mail goes.
#[derive(Clone)]
pub enum MailSender {
    Smtp { transport: AsyncSmtpTransport<Tokio1Executor>, from: Mailbox },
    Folder { folder: PathBuf, from: Mailbox },
}

impl std::fmt::Debug for MailSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailSender::Smtp { .. } => f.write_str("MailSender::Smtp"),
            MailSender::Folder { folder, .. } => write!(f, "MailSender::Folder({})", folder.display()),
        }
    }
}

/// A mail written to the folder, as the demo's mailbox page reads it back.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FolderMail {
    pub to: String,
    pub subject: String,
    pub date: String,
    pub text: String,
    pub html: String,
}

impl MailSender {
    /// The sender `config` describes. The SMTP connection is opened when the first mail goes out
    /// (a receiver starts even while its mail server is down; mail waits in the queue).
    pub fn from_config(config: &MailConfig) -> anyhow::Result<MailSender> {
        let from: Mailbox = config
            .from
            .parse()
            .with_context(|| format!("mail_from `{}` is not a mail address (write `Name <user@host>`)", config.from))?;
        let Some(url) = &config.smtp_url else {
            return Ok(MailSender::Folder { folder: config.folder.clone(), from });
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| {
            anyhow::anyhow!(
                "smtp_url is not valid ({e}): write smtps://user@host:465, smtp://user@host:587?tls=required or smtp://host:25"
            )
        })?;
        if let Some(password) = &config.smtp_password {
            let user = url::Url::parse(url)
                .ok()
                .map(|u| percent_decode(u.username()))
                .filter(|u| !u.is_empty())
                .context("smtp_password is set but smtp_url names no user (smtp://USER@host…)")?;
            builder = builder.credentials(Credentials::new(user, password.clone()));
        }
        Ok(MailSender::Smtp { transport: builder.build(), from })
    }

    /// Sends one mail to `to`; an error says why (the worker logs it and retries later).
    pub async fn send(&self, id: i64, to: &str, mail: &BuiltMail) -> anyhow::Result<()> {
        let (from, recipient) = match self {
            MailSender::Smtp { from, .. } | MailSender::Folder { from, .. } => {
                (from.clone(), to.parse::<Mailbox>().with_context(|| format!("`{to}` is not a mail address"))?)
            }
        };
        let message = Message::builder()
            .from(from)
            .to(recipient)
            .subject(&mail.subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.text.clone()))
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(mail.html.clone())),
            )
            .context("the mail cannot be built")?;
        match self {
            MailSender::Smtp { transport, .. } => {
                transport.send(message).await.context("the SMTP server did not take the mail")?;
            }
            MailSender::Folder { folder, .. } => {
                tokio::fs::create_dir_all(folder)
                    .await
                    .with_context(|| format!("cannot create the mail folder {}", folder.display()))?;
                let stem = folder.join(format!("{id:08}"));
                let record = FolderMail {
                    to: to.to_string(),
                    subject: mail.subject.clone(),
                    date: crate::clock::now(),
                    text: mail.text.clone(),
                    html: mail.html.clone(),
                };
                tokio::fs::write(stem.with_extension("eml"), message.formatted()).await?;
                // The JSON last: the mailbox page lists a mail once it is complete.
                tokio::fs::write(stem.with_extension("json"), serde_json::to_vec_pretty(&record)?)
                    .await
                    .with_context(|| format!("cannot write to the mail folder {}", folder.display()))?;
            }
        }
        Ok(())
    }
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}
