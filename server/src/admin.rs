//! The organizers' operations, shared by the admin HTTP API and the `admin` CLI so that both
//! check the same things: importing a campaign from its authoring source, campaign settings,
//! setting a demand's status, moderating, exporting, importing and erasing signers.

pub mod import;
pub mod signer_csv;
pub mod token;

use crate::clock;
use crate::domain::{CampaignSettings, SignerRow, SignerState, StatusChange};
use crate::revisions::{LetterText, Revision};
use crate::store::{LetterSignatory, Store};
use undersigned_core::api_error::{ApiError, ErrorCode, FieldError, FieldErrorCode};
use undersigned_core::feed::{DemandState, Evidence};
use undersigned_core::status::DemandStatus;
use undersigned_core::Campaign;

/// An operation's failure: the client's mistake (answered as is) or the database's.
#[derive(Debug)]
pub enum AdminError {
    Refused(ApiError),
    Store(anyhow::Error),
}

impl From<anyhow::Error> for AdminError {
    fn from(e: anyhow::Error) -> AdminError {
        AdminError::Store(e)
    }
}

impl std::fmt::Display for AdminError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AdminError::Refused(e) => {
                write!(f, "{}", e.message)?;
                e.fields.iter().try_for_each(|field| write!(f, "\n  {}: {}", field.field, field.message))
            }
            AdminError::Store(e) => write!(f, "database error: {e:#}"),
        }
    }
}

pub type AdminResult<T> = Result<T, AdminError>;

fn refuse<T>(code: ErrorCode, message: String) -> AdminResult<T> {
    Err(AdminError::Refused(ApiError::new(code, message)))
}

/// Compiles an authoring source and creates or updates its campaign; returns the campaign id.
/// `name` labels the source in error messages (a file name).
pub async fn import_campaign(store: &Store, name: &str, source: &str) -> AdminResult<String> {
    let campaign = undersigned_core::authoring::compile_str(name, source).map_err(|errors| {
        let fields = errors
            .iter()
            .map(|e| FieldError {
                field: format!("line {}", e.line),
                code: FieldErrorCode::InvalidSource,
                message: e.message.clone(),
            })
            .collect();
        AdminError::Refused(
            ApiError::new(ErrorCode::InvalidCampaignSource, format!("{name} does not compile; see `fields`."))
                .with_fields(fields),
        )
    })?;
    // A campaign stored before revisions were recorded: the text that was live is its first.
    if let Some(stored) = store.campaign(&campaign.id).await? {
        record_revisions(store, &stored.campaign).await?;
    }
    store.upsert_campaign(&campaign, Some(source)).await?;
    let revision = record_revisions(store, &campaign).await?;
    tracing::info!(campaign = %campaign.id, revision = revision.number, "campaign imported");
    Ok(campaign.id)
}

/// Makes `campaign`'s text its current revision (a new one only when the text changed), attaches
/// signers stored before revisions existed to the first, and brings the letter's own signatories
/// in line with its lists. Idempotent: the same campaign again changes nothing.
async fn record_revisions(store: &Store, campaign: &Campaign) -> anyhow::Result<Revision> {
    let (revision, new) = store.record_revision(&campaign.id, &LetterText::of(campaign)).await?;
    if new {
        tracing::info!(campaign = %campaign.id, revision = revision.number, hash = %revision.hash, "new letter revision");
    }
    store.attach_unrevised_signers(&campaign.id, 1).await?;
    store.sync_letter_signatories(&campaign.id, &LetterSignatory::of(campaign), revision.number).await?;
    Ok(revision)
}

/// For every stored campaign without revisions (a database from before they were recorded): its
/// live text becomes revision 1, with its signers and signatories. Run at start.
pub async fn backfill_revisions(store: &Store) -> anyhow::Result<()> {
    for id in store.campaign_ids().await? {
        if store.current_revision(&id).await?.is_none() {
            if let Some(record) = store.campaign(&id).await? {
                record_revisions(store, &record.campaign).await?;
            }
        }
    }
    Ok(())
}

pub async fn campaign_settings(store: &Store, campaign: &str) -> AdminResult<CampaignSettings> {
    match store.campaign(campaign).await? {
        Some(record) => Ok(record.settings),
        None => refuse(ErrorCode::UnknownCampaign, format!("There is no campaign `{campaign}`; import it first.")),
    }
}

pub async fn set_campaign_settings(store: &Store, campaign: &str, settings: &CampaignSettings) -> AdminResult<()> {
    let bad: Vec<&String> = settings.allowed_origins.iter().filter(|o| !is_origin(o)).collect();
    if !bad.is_empty() {
        return refuse(
            ErrorCode::InvalidRequest,
            format!("{bad:?}: write partner origins as scheme://host[:port], e.g. https://partner.example, or `*`."),
        );
    }
    if settings.min_fill_ms < 0 {
        return refuse(ErrorCode::InvalidRequest, "min_fill_ms cannot be negative.".into());
    }
    if settings.goal.is_some_and(|g| g == 0 || i64::try_from(g).is_err()) {
        return refuse(
            ErrorCode::InvalidRequest,
            "goal: write a number of signatures from 1, or null (or leave it out of the form) for no goal.".into(),
        );
    }
    if !store.set_campaign_settings(campaign, settings).await? {
        return refuse(ErrorCode::UnknownCampaign, format!("There is no campaign `{campaign}`; import it first."));
    }
    Ok(())
}

fn is_origin(o: &str) -> bool {
    o == "*"
        || o.split_once("://").is_some_and(|(scheme, authority)| {
            (scheme == "https" || scheme == "http")
                && !authority.is_empty()
                && !authority.contains(['/', ' ', '?', '#'])
        })
}

/// A status change as organizers send it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusUpdate {
    pub status: DemandStatus,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// Sets a demand's status (checked against the campaign and the feed's rules) and records it in
/// the history; returns the change with its event id.
pub async fn set_demand_status(
    store: &Store,
    campaign: &str,
    demand: &str,
    update: StatusUpdate,
    changed_by: &str,
) -> AdminResult<StatusChange> {
    let Some(record) = store.campaign(campaign).await? else {
        return refuse(ErrorCode::UnknownCampaign, format!("There is no campaign `{campaign}`."));
    };
    if !undersigned_core::feed::initial_states(&record.campaign).iter().any(|d| d.id == demand) {
        return refuse(
            ErrorCode::UnknownDemand,
            format!("Campaign `{campaign}` has no demand `{demand}`; the ids are in the campaign file."),
        );
    }
    let state = DemandState {
        id: demand.to_string(),
        status: update.status,
        note: update.note.trim().to_string(),
        updated_at: None,
        evidence: update.evidence,
    };
    let problems = state.problems();
    if !problems.is_empty() {
        let fields = problems
            .into_iter()
            .map(|(field, message)| FieldError { field, code: FieldErrorCode::Invalid, message })
            .collect();
        return Err(AdminError::Refused(
            ApiError::new(ErrorCode::ValidationFailed, "The status change is not valid; see `fields`.")
                .with_fields(fields),
        ));
    }
    let id = store.set_demand_status(campaign, &state, changed_by).await?;
    tracing::info!(campaign, demand, status = state.status.as_str(), event = id, "demand status changed");
    let history = store.status_changes_after(Some(campaign), id - 1, 1).await?;
    history
        .into_iter()
        .next()
        .ok_or_else(|| AdminError::Store(anyhow::anyhow!("the change {id} was committed but cannot be read back")))
}

/// Moves a signer to approved, rejected or pending.
pub async fn moderate(store: &Store, campaign: &str, signer: i64, state: SignerState) -> AdminResult<()> {
    if store.set_signer_state(campaign, signer, state).await? {
        tracing::info!(campaign, signer, state = state.as_str(), "signer moderated");
        Ok(())
    } else {
        refuse(ErrorCode::UnknownSigner, format!("Campaign `{campaign}` has no signer {signer}."))
    }
}

/// Erases a signer and everything that links to them.
pub async fn erase(store: &Store, campaign: &str, signer: i64) -> AdminResult<()> {
    if store.erase_signer(campaign, signer).await? {
        tracing::info!(campaign, signer, "signer erased");
        Ok(())
    } else {
        refuse(ErrorCode::UnknownSigner, format!("Campaign `{campaign}` has no signer {signer}."))
    }
}

/// Mails every signer of an earlier text of the letter a request to endorse the current one
/// (the signature moves only when its owner presses the link's button); returns how many mails
/// were queued. The running receiver sends them.
pub async fn request_endorsement(store: &Store, campaign: &str) -> AdminResult<u64> {
    if store.campaign(campaign).await?.is_none() {
        return refuse(ErrorCode::UnknownCampaign, format!("There is no campaign `{campaign}`."));
    }
    let queued = store.queue_endorse_requests(campaign).await?;
    tracing::info!(campaign, queued, "requests to endorse the current text queued");
    Ok(queued)
}

/// Every confirmed signer of a campaign (optionally of one state) as CSV, read page by page.
pub async fn export_csv(store: &Store, campaign: &str, state: Option<SignerState>) -> AdminResult<String> {
    if store.campaign(campaign).await?.is_none() {
        return refuse(ErrorCode::UnknownCampaign, format!("There is no campaign `{campaign}`."));
    }
    let mut out = signer_csv::Export::new()?;
    let mut offset = 0;
    loop {
        let page: Vec<SignerRow> = store.signers(campaign, state, 1000, offset).await?;
        // A signature awaiting its owner's confirmation is no signer yet: it is not exported.
        for row in page.iter().filter(|row| !row.awaiting_confirmation) {
            out.push(row)?;
        }
        if page.len() < 1000 {
            return Ok(out.finish()?);
        }
        offset += 1000;
    }
}

/// What an import of signers did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    /// Signers stored.
    pub imported: u64,
    /// Rows left out because their address had already signed the campaign.
    pub already_signed: u64,
    /// Rows left out because their address is on an earlier row of the file.
    pub repeated_in_file: u64,
}

/// Imports signers from CSV ([`import`] says which columns and rules): the whole file is checked
/// first and stored in one transaction, so it is imported completely or not at all. `name` labels
/// the file in error messages.
pub async fn import_signers(store: &Store, campaign: &str, name: &str, csv: &[u8]) -> AdminResult<ImportSummary> {
    let settings = campaign_settings(store, campaign).await?;
    let parsed = import::parse(campaign, &settings, name, csv, &clock::now())?;
    let imported = store.import_signers(&parsed.signers).await?;
    let summary = ImportSummary {
        imported,
        already_signed: parsed.signers.len() as u64 - imported,
        repeated_in_file: parsed.repeated_in_file,
    };
    tracing::info!(
        campaign,
        imported,
        already_signed = summary.already_signed,
        repeated_in_file = summary.repeated_in_file,
        "signers imported"
    );
    Ok(summary)
}
