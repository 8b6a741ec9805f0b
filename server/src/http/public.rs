//! The public API that widgets on partner pages call.
//!
//! - `POST /api/campaigns/{id}/signatures`: sign (JSON, form or text/plain-JSON).
//! - `GET  /api/campaigns/{id}`: the compiled campaign.
//! - `GET  /api/campaigns/{id}/signers?kind=organization|individual&page=1&per_page=50`
//! - `GET  /api/campaigns/{id}/status`: the status feed (ETag / If-None-Match).
//! - `GET  /api/campaigns/{id}/events`: Server-Sent Events (`feed`, `demand`, `signers`).
//!
//! A browser's plain form post (JavaScript off) to the signature endpoint is answered with a
//! page instead of JSON: see [`super::pages`].

use super::error::{HttpError, HttpResult};
use super::state::{client_ip, AppState};
use super::{origin, pages};
use crate::domain::{CampaignSettings, WriteOutcome};
use crate::live::{sse, LiveEvent, Start};
use crate::signing;
use crate::snapshot::{CampaignSnapshot, Tagged};
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use undersigned_core::api_error::ErrorCode;
use undersigned_core::signature::{SignatureSubmission, SignerKind};

/// Largest page of the public signer list.
pub const MAX_PER_PAGE: i64 = 200;
/// A resume further behind than this gets the whole feed instead of every change.
const MAX_REPLAY: i64 = 1000;

pub fn routes() -> Router<Arc<AppState>> {
    let reads = Router::new()
        .route("/api/campaigns/{id}", get(campaign))
        .route("/api/campaigns/{id}/signers", get(signers))
        .route("/api/campaigns/{id}/status", get(status))
        .route("/api/campaigns/{id}/events", get(events))
        .layer(axum::middleware::from_fn(origin::public_read));
    Router::new()
        .route("/api/campaigns/{id}/signatures", axum::routing::post(sign).options(sign_preflight))
        .merge(reads)
}

/// The campaign from the snapshots (no query unless something changed).
async fn load(state: &AppState, id: &str) -> HttpResult<Arc<CampaignSnapshot>> {
    state.live.snapshots.campaign(id).await?.ok_or_else(|| HttpError::unknown_campaign(id))
}

async fn campaign(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> HttpResult<Response> {
    Ok(tagged_answer(&load(&state, &id).await?.json, &headers, "application/json"))
}

/// A snapshot's body with its ETag, or `304 Not Modified` when `If-None-Match` names it.
fn tagged_answer(tagged: &Tagged, headers: &HeaderMap, content_type: &'static str) -> Response {
    let cache = [(header::ETAG, tagged.etag.clone()), (header::CACHE_CONTROL, "no-cache".to_string())];
    if tagged.matches(headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok())) {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    (cache, [(header::CONTENT_TYPE, content_type)], tagged.body.clone()).into_response()
}

async fn load_settings(state: &AppState, id: &str) -> HttpResult<CampaignSettings> {
    Ok(load(state, id).await?.record.settings.clone())
}

async fn sign_preflight(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> HttpResult<Response> {
    let settings = load_settings(&state, &id).await?;
    origin::check(&headers, &settings.allowed_origins, &state.config.allowed_origins)?;
    Ok(match origin::request_origin(&headers) {
        Some(o) => origin::preflight(o, "POST"),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

async fn sign(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let request_origin = request.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_string);
    // Echoed on every answer, refusals included: a page refused with `origin_not_allowed` must be
    // able to read why (the point of a clear code instead of an opaque CORS failure). Nothing is
    // stored for an origin that is not allowed, so the echo discloses nothing.
    let mut response = if pages::negotiate::wants_html(request.headers()) {
        sign_page(&state, peer, &id, request).await
    } else {
        match sign_inner(&state, peer, &id, request, &mut None).await {
            Ok((status, body)) => {
                (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
            }
            Err(error) => error.into_response(),
        }
    };
    origin::allow(&mut response, request_origin.as_deref());
    response
}

/// A browser's plain form post (no JavaScript): the same signing, answered with a page.
async fn sign_page(state: &AppState, peer: SocketAddr, id: &str, request: Request) -> Response {
    let headers = request.headers().clone();
    let mut submission = None;
    let result = sign_inner(state, peer, id, request, &mut submission).await;
    // A refused client is not worth a database read; every other page names the campaign.
    let rate_limited = matches!(&result, Err(e) if e.body.code == ErrorCode::RateLimited);
    let campaign = if rate_limited { None } else { state.store.campaign(id).await.ok().flatten() };
    let back = pages::answer::back_link(&headers, campaign.as_ref(), &state.config.allowed_origins);
    let context =
        pages::answer::AnswerContext { campaign, submission, back, lang: pages::text::Lang::from_headers(&headers) };
    let mut response = match result {
        Ok((status, body)) => pages::answer::answer_page(status, &body, &context),
        Err(error) => pages::answer::error_page(error, &context),
    };
    response.headers_mut().append(header::VARY, HeaderValue::from_static("Accept"));
    response
}

/// Signs: checks, decodes, validates and stores; the stored answer (status, JSON body), which a
/// retry with the same key gets again byte for byte. `submitted` receives the decoded form, so a
/// page can show it again after a refusal.
async fn sign_inner(
    state: &AppState,
    peer: SocketAddr,
    id: &str,
    request: Request,
    submitted: &mut Option<SignatureSubmission>,
) -> HttpResult<(StatusCode, String)> {
    let (parts, body) = request.into_parts();
    if let Err(wait) = state.limiter.check(client_ip(state, peer, &parts.headers)).await {
        return Err(HttpError::rate_limited(wait));
    }
    let settings = load_settings(state, id).await?;
    origin::check(&parts.headers, &settings.allowed_origins, &state.config.allowed_origins)?;
    let encoding = signing::encoding_of(parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()))?;
    let bytes = read_limited(body, state.config.max_body_bytes, state.config.limits.body_timeout).await?;
    let submission = submitted.insert(signing::decode(encoding, &bytes)?).clone();
    let header_key = parts.headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    let signature = signing::validate(submission, header_key)?;
    let lang = signing::mail_language(&signature, &parts.headers);
    let write = signing::write(signing::new_signer(id, &signature, &settings, lang.code())?)?;
    let queues_mail = write.signer.mail_lang.is_some();
    let outcome = state.writer.write(write).await?;
    // Committed: the mail it queued can go now (never while the signer waits). Only then: every
    // nudge makes the mail sender read its queue, which under a signing storm without mail was a
    // read per signature competing with the writer.
    if queues_mail {
        state.mail.notify_one();
    }
    match outcome {
        WriteOutcome::Answer { status, body } => {
            if status == StatusCode::CREATED.as_u16() {
                state.live.snapshots.signers_changed(id);
            }
            Ok((StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body))
        }
        WriteOutcome::KeyReused => Err(HttpError::new(
            ErrorCode::IdempotencyKeyReused,
            "This idempotency key was already used for a different signature; send a new signature with a new key.",
        )),
    }
}

/// Reads a body up to `limit` bytes (`payload_too_large` beyond) within `deadline` (a client
/// trickling its body must not hold a connection and a task for long).
async fn read_limited(body: Body, limit: usize, deadline: Duration) -> HttpResult<Bytes> {
    let read = tokio::time::timeout(deadline, axum::body::to_bytes(body, limit)).await.map_err(|_| {
        HttpError::new(
            ErrorCode::InvalidRequest,
            format!("The body did not arrive within {} s; send the signature at once.", deadline.as_secs()),
        )
    })?;
    read.map_err(|_| {
        HttpError::new(
            ErrorCode::PayloadTooLarge,
            format!(
                "The body is larger than {limit} bytes; a signature is much smaller. Send only the signature fields."
            ),
        )
    })
}

#[derive(Debug, serde::Deserialize)]
struct SignersQuery {
    kind: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn signers(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(q): Query<SignersQuery>,
    headers: HeaderMap,
) -> HttpResult<Response> {
    load(&state, &id).await?;
    let kind_name = q.kind.as_deref().unwrap_or("individual");
    let kind = SignerKind::parse(kind_name).ok_or_else(|| {
        HttpError::new(
            ErrorCode::InvalidRequest,
            format!("kind must be `organization` or `individual`, not `{kind_name}`."),
        )
    })?;
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(50);
    if page < 1 || !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(HttpError::new(
            ErrorCode::InvalidRequest,
            format!("page starts at 1 and per_page is 1 to {MAX_PER_PAGE}."),
        ));
    }
    // Both were checked to be positive and small above.
    let (page, per_page) = (u32::try_from(page).unwrap_or(u32::MAX), u32::try_from(per_page).unwrap_or(1));
    let tagged = state.live.snapshots.signer_page(&id, kind, page, per_page).await?;
    Ok(tagged_answer(&tagged, &headers, "application/json"))
}

async fn status(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> HttpResult<Response> {
    let feed = state.live.snapshots.feed(&id).await?.ok_or_else(|| HttpError::unknown_campaign(&id))?;
    Ok(tagged_answer(&feed.json, &headers, "application/json"))
}

#[derive(Debug, serde::Deserialize)]
struct EventsQuery {
    last_event_id: Option<String>,
}

/// The `retry:` a stream tells its client: spread over [`RETRY_MIN_MS`] plus up to
/// [`RETRY_SPREAD_MS`], so that clients that lose their streams together (a restart) do not all
/// come back in the same second.
pub const RETRY_MIN_MS: u64 = 1_000;
pub const RETRY_SPREAD_MS: u64 = 14_000;

/// What a stream does next.
enum Next {
    Event(Result<LiveEvent, RecvError>),
    KeepAlive,
    Stop,
}

async fn events(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> HttpResult<Response> {
    let campaign: Arc<str> = load(&state, &id).await?.record.campaign.id.as_str().into();
    let resume_text =
        headers.get("last-event-id").and_then(|v| v.to_str().ok()).map(str::to_string).or(q.last_event_id);
    let resume = match resume_text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(t.parse::<i64>().map_err(|_| {
            HttpError::new(
                ErrorCode::InvalidRequest,
                format!("Last-Event-ID must be an event id from this stream, not `{t}`."),
            )
        })?),
    };
    // Subscribe before reading what to send first, so nothing committed in between is missed;
    // ids already sent are skipped.
    let Some((mut subscription, start)) = state.live.subscribe(&campaign, resume) else {
        return Err(busy());
    };
    let start = match start {
        Start::Replay(changes) if changes.len() < MAX_REPLAY as usize => Some(changes),
        _ => None,
    };
    let hub = state.live.clone();
    let shutdown = state.live.shutdown_signal();
    let retry = Duration::from_millis(RETRY_MIN_MS + rand::random::<u64>() % RETRY_SPREAD_MS);
    // Every frame but the first few is shared with the other streams (see `live::sse`).
    let stream = async_stream::stream! {
        let mut sent = match start {
            Some(changes) => {
                yield Ok::<Bytes, Infallible>(sse::retry(retry, "resuming"));
                let mut sent = resume.unwrap_or(0);
                for change in changes {
                    sent = change.change.id;
                    yield Ok(change.frame.clone());
                }
                sent
            }
            None => match hub.snapshots.feed(&campaign).await {
                Ok(Some(feed)) => {
                    yield Ok(sse::retry(retry, ""));
                    yield Ok(feed.frame.clone());
                    feed.change_id
                }
                Ok(None) => return,
                Err(e) => {
                    tracing::error!(error = format!("{e:#}"), "events: building the feed failed; closing the stream");
                    return;
                }
            },
        };
        if let Ok(counts) = hub.snapshots.counts(&campaign).await {
            yield Ok(sse::json("signers", None, &counts));
        }
        tokio::pin!(shutdown);
        let keep_alive = tokio::time::sleep(sse::KEEP_ALIVE_EVERY);
        tokio::pin!(keep_alive);
        loop {
            let next = tokio::select! {
                _ = &mut shutdown => Next::Stop,
                _ = &mut keep_alive => Next::KeepAlive,
                event = subscription.events.recv() => Next::Event(event),
            };
            let frame = match next {
                Next::Stop => return,
                Next::KeepAlive => sse::KEEP_ALIVE,
                Next::Event(Ok(LiveEvent::Status(change)))
                    if *change.change.campaign == *campaign && change.change.id > sent =>
                {
                    sent = change.change.id;
                    change.frame.clone()
                }
                Next::Event(Ok(LiveEvent::Signers { campaign: of, frame, .. })) if of == campaign => frame,
                Next::Event(Ok(_)) => continue,
                Next::Event(Err(RecvError::Lagged(_))) => {
                    // This client fell behind the broadcast: send the whole feed again.
                    let Ok(Some(feed)) = hub.snapshots.feed(&campaign).await else { return };
                    sent = feed.change_id;
                    feed.frame.clone()
                }
                Next::Event(Err(RecvError::Closed)) => return,
            };
            keep_alive.as_mut().reset(tokio::time::Instant::now() + sse::KEEP_ALIVE_EVERY);
            yield Ok(frame);
        }
    };
    let content = [(header::CONTENT_TYPE, "text/event-stream"), (header::CACHE_CONTROL, "no-cache")];
    Ok((content, Body::from_stream(stream)).into_response())
}

/// Over the stream cap: come back later, at a spread-out time, and poll the feed meanwhile.
fn busy() -> HttpError {
    let wait = 5 + rand::random::<u64>() % 26;
    let mut error = HttpError::new(
        ErrorCode::Busy,
        format!("This receiver has as many open event streams as it takes; try again in {wait} s and read /status meanwhile."),
    );
    error.retry_after_secs = Some(wait);
    error
}
