//! `undersigned-server admin add-organizer`: the first owner of a new receiver, from the server's
//! shell (where access to the database is already full access).

use super::{accounts, Role, EVERY_CAMPAIGN};
use crate::store::Store;
use anyhow::Context;

#[derive(Debug, clap::Args)]
pub struct AddOrganizerArgs {
    /// Their email address (they sign in with it).
    pub email: String,
    /// Their name, as the back office shows it [default: the address's local part].
    #[arg(long, default_value = "")]
    pub name: String,
    /// owner, editor, moderator or viewer.
    #[arg(long, default_value = "owner")]
    pub role: Role,
    /// The campaign the role is for; `*` for every campaign.
    #[arg(long, default_value = EVERY_CAMPAIGN)]
    pub campaign: String,
    /// Read the password from the first line of standard input (never from the command line,
    /// which other users of the machine can see).
    #[arg(long)]
    pub password_stdin: bool,
    /// The receiver's public address, for the link [default: http://127.0.0.1:8080].
    #[arg(long, env = "UNDERSIGNED_PUBLIC_ORIGIN")]
    pub public_origin: Option<String>,
}

pub async fn add_organizer(store: &Store, args: AddOrganizerArgs) -> anyhow::Result<()> {
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).context("cannot read the password from standard input")?;
        Some(line.trim_end_matches(['\r', '\n']).to_string())
    } else {
        None
    };
    let added = accounts::add_organizer(
        store,
        "cli",
        &args.email,
        &args.name,
        &args.campaign,
        args.role,
        password.as_deref(),
        accounts::Invitation::Link,
    )
    .await?;
    let verb = if added.created { "added" } else { "updated" };
    println!("{verb} organizer {} ({} of {})", args.email.trim(), args.role.as_str(), args.campaign);
    if let Some(token) = added.invitation_token {
        let origin = args.public_origin.as_deref().unwrap_or("http://127.0.0.1:8080").trim_end_matches('/').to_string();
        println!(
            "send them this link to choose a password (valid {} days, once):\n  {origin}/admin/welcome/{token}",
            super::INVITATION_DAYS
        );
    }
    Ok(())
}
