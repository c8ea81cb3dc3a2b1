//! `smtpcheck serve`: a Prometheus exporter in blackbox_exporter's
//! multi-target pattern (`GET /probe?target=DOMAIN&module=NAME`), its own
//! metrics (`GET /metrics`), and a web page for the helpdesk (`GET /`, `GET
//! /report?target=`, `GET /report.json?target=`). axum over hyper; the
//! pages are maud templates (every value escaped), the metrics are
//! prometheus-client's.
//!
//! Safe by default: only `probe` ever runs (never DATA, never a relay
//! test), targets are domains or addresses (never `--server`, never an IP),
//! the engine refuses to connect to private or loopback addresses unless
//! `--allow-private`, at most N probes run at once (503 beyond), each
//! client has a rate (429 beyond), results are cached for a short time, and
//! an allow-list can limit the domains.

pub mod modules;

use crate::dns::Dns;
use crate::probe::connect::{self, Connecting, Connector};
use crate::render;
use crate::report::Report;
use crate::tls::TlsClient;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
pub use modules::{Module, Modules};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use serde::Deserialize;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// The exporter's limits and choices, from the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Most probes running at once; more get 503.
    pub max_concurrent: usize,
    /// Requests per client address per minute that may start a probe (a
    /// cached answer counts too); more get 429.
    pub rate_per_minute: u32,
    /// How long a probe's result is served again for the same target.
    pub cache_ttl: Duration,
    /// Domains that may be probed (and their subdomains); empty: any.
    pub allow: Vec<String>,
    /// Connect to private, loopback and reserved addresses (labs).
    pub allow_private: bool,
    /// The HELO name when a module gives none.
    pub helo: String,
    /// Where the modules come from (reloaded on SIGHUP).
    pub config: Option<PathBuf>,
}

/// The exporter's own metrics (`GET /metrics`).
struct OwnMetrics {
    registry: Registry,
    probes: Family<Vec<(String, String)>, Counter>,
    refused: Family<Vec<(String, String)>, Counter>,
    cache_hits: Counter,
    duration: Histogram,
}

impl OwnMetrics {
    fn new() -> Self {
        let mut registry = Registry::default();
        let probes = Family::<Vec<(String, String)>, Counter>::default();
        let refused = Family::<Vec<(String, String)>, Counter>::default();
        let cache_hits = Counter::default();
        let duration = Histogram::new(exponential_buckets(0.05, 2.0, 12));
        registry.register(
            "smtpcheck_exporter_probes",
            "Probes run, by module and verdict",
            probes.clone(),
        );
        registry.register(
            "smtpcheck_exporter_refused",
            "Requests refused, by reason",
            refused.clone(),
        );
        registry.register(
            "smtpcheck_exporter_cache_hits",
            "Requests answered from the cache",
            cache_hits.clone(),
        );
        registry.register(
            "smtpcheck_exporter_probe_duration_seconds",
            "How long probes took",
            duration.clone(),
        );
        Self {
            registry,
            probes,
            refused,
            cache_hits,
            duration,
        }
    }
}

/// (module, target as asked, lower case).
type CacheKey = (String, String);

/// Everything the handlers share.
pub struct Exporter {
    settings: Settings,
    modules: RwLock<Modules>,
    dns: Dns,
    tls: Arc<TlsClient>,
    gate: Arc<Semaphore>,
    cache: Mutex<HashMap<CacheKey, (Instant, Arc<Report>)>>,
    rate: Mutex<HashMap<IpAddr, (Instant, u32)>>,
    metrics: Mutex<OwnMetrics>,
}

impl Exporter {
    pub fn new(settings: Settings, modules: Modules, dns: Dns, tls: Arc<TlsClient>) -> Arc<Self> {
        Arc::new(Self {
            gate: Arc::new(Semaphore::new(settings.max_concurrent.max(1))),
            settings,
            modules: RwLock::new(modules),
            dns,
            tls,
            cache: Mutex::default(),
            rate: Mutex::default(),
            metrics: Mutex::new(OwnMetrics::new()),
        })
    }

    /// Reads the modules file again (SIGHUP); a bad file keeps the old
    /// modules and says why.
    pub fn reload(&self) -> Result<usize, String> {
        let Some(path) = &self.settings.config else {
            return Ok(self.module_names().len());
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: {}", path.display(), crate::words::io(&e)))?;
        let modules = Modules::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let n = modules.names().len();
        *self.modules.write().unwrap_or_else(PoisonError::into_inner) = modules;
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        Ok(n)
    }

    /// The module of that name, as the modules are now.
    fn module(&self, name: &str) -> Option<Module> {
        self.modules
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned()
    }

    fn module_names(&self) -> Vec<String> {
        self.modules
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .names()
    }

    fn refuse(&self, why: Refusal) -> Refusal {
        let metrics = self.metrics.lock().unwrap_or_else(PoisonError::into_inner);
        metrics
            .refused
            .get_or_create(&vec![("reason".into(), why.reason.into())])
            .inc();
        why
    }
}

/// Why a request got no probe.
#[derive(Debug)]
pub struct Refusal {
    status: StatusCode,
    /// The `reason` label of `smtpcheck_exporter_refused_total`.
    reason: &'static str,
    message: String,
}

fn refusal(status: StatusCode, reason: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        reason,
        message: message.into(),
    }
}

/// The query every probe endpoint takes.
#[derive(Debug, Deserialize, Default)]
pub struct Ask {
    target: Option<String>,
    module: Option<String>,
}

/// The routes.
pub fn router(exporter: Arc<Exporter>) -> Router {
    Router::new()
        .route("/", get(form))
        .route("/probe", get(probe_metrics))
        .route("/metrics", get(own_metrics))
        .route("/report", get(report_html))
        .route("/report.json", get(report_json))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "not found: try /, /report, /probe or /metrics\n",
            )
        })
        .with_state(exporter)
}

/// Serves until the process ends; SIGHUP reloads the modules.
pub async fn serve(
    listener: tokio::net::TcpListener,
    exporter: Arc<Exporter>,
) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let reloading = exporter.clone();
        let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
        tokio::spawn(async move {
            while hup.recv().await.is_some() {
                match reloading.reload() {
                    Ok(n) => eprintln!("smtpcheck serve: reloaded {n} module(s)"),
                    Err(e) => {
                        eprintln!("smtpcheck serve: reload failed, the old modules stay: {e}")
                    }
                }
            }
        });
    }
    let app = router(exporter).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).await
}

/// The longest a target may be (a domain is at most 253 octets; an
/// address adds its local part, RFC 5321 §4.5.3.1).
const MAX_TARGET: usize = 320;

/// Runs (or reuses) the probe a request asks for, within every limit.
async fn probe_for(
    exporter: &Exporter,
    peer: IpAddr,
    ask: &Ask,
    scrape_timeout: Option<Duration>,
) -> Result<(Arc<Report>, String), Refusal> {
    let fail = |r: Refusal| exporter.refuse(r);
    rate_limit(exporter, peer).map_err(fail)?;
    let module_name = ask.module.clone().unwrap_or_else(|| "default".into());
    let module = exporter.module(&module_name).ok_or_else(|| {
        fail(refusal(
            StatusCode::BAD_REQUEST,
            "unknown_module",
            format!("no module named {module_name:?}"),
        ))
    })?;
    let input = ask.target.as_deref().unwrap_or("").trim().to_string();
    if input.is_empty() {
        return Err(fail(refusal(
            StatusCode::BAD_REQUEST,
            "no_target",
            "give ?target=DOMAIN (or an address)",
        )));
    }
    if input.len() > MAX_TARGET {
        return Err(fail(refusal(
            StatusCode::BAD_REQUEST,
            "bad_target",
            format!("the target is longer than {MAX_TARGET} characters"),
        )));
    }
    let target = crate::target::parse_target(&input).map_err(|e| {
        fail(refusal(
            StatusCode::BAD_REQUEST,
            "bad_target",
            e.to_string(),
        ))
    })?;
    if !allowed(&exporter.settings.allow, &target.domain) {
        return Err(fail(refusal(
            StatusCode::FORBIDDEN,
            "not_allowed",
            format!("{} is not in this exporter's allow-list", target.domain),
        )));
    }
    let key = (module_name.clone(), input.to_ascii_lowercase());
    if let Some(hit) = cached(exporter, &key) {
        exporter
            .metrics
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .cache_hits
            .inc();
        return Ok((hit, module_name));
    }
    let _permit = exporter.gate.clone().try_acquire_owned().map_err(|_| {
        fail(refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            format!(
                "{} probes are running already: try again shortly",
                exporter.settings.max_concurrent
            ),
        ))
    })?;
    // Prometheus says how long it waits; answer within it, with a margin.
    let deadline = scrape_timeout
        .map(|t| {
            t.saturating_sub(Duration::from_millis(500))
                .max(Duration::from_millis(500))
        })
        .unwrap_or(Duration::from_secs(600));
    let mut opts = module.options(&exporter.settings.helo, deadline);
    opts.tls = Some(exporter.tls.clone());
    opts.allow_private = exporter.settings.allow_private;
    if !exporter.settings.allow_private {
        opts.connector = Arc::new(PublicOnly);
    }
    let opts = opts.for_target(&target);
    let started = Instant::now();
    let report = Arc::new(crate::assess::run(&exporter.dns, &target, &opts).await);
    {
        let metrics = exporter
            .metrics
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        metrics.duration.observe(started.elapsed().as_secs_f64());
        metrics
            .probes
            .get_or_create(&vec![
                ("module".into(), module_name.clone()),
                ("verdict".into(), report.verdict.as_str().into()),
            ])
            .inc();
    }
    remember(exporter, key, report.clone());
    Ok((report, module_name))
}

/// A fixed one-minute window per client address.
fn rate_limit(exporter: &Exporter, peer: IpAddr) -> Result<(), Refusal> {
    let mut rate = exporter.rate.lock().unwrap_or_else(PoisonError::into_inner);
    let now = Instant::now();
    if rate.len() > 10_000 {
        rate.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
    }
    let entry = rate.entry(peer).or_insert((now, 0));
    if now.duration_since(entry.0) >= Duration::from_secs(60) {
        *entry = (now, 0);
    }
    entry.1 += 1;
    match entry.1 > exporter.settings.rate_per_minute {
        true => Err(refusal(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!(
                "more than {} requests a minute from {peer}",
                exporter.settings.rate_per_minute
            ),
        )),
        false => Ok(()),
    }
}

fn allowed(allow: &[String], domain: &str) -> bool {
    allow.is_empty()
        || allow
            .iter()
            .any(|a| domain == a || domain.ends_with(&format!(".{a}")))
}

fn cached(exporter: &Exporter, key: &(String, String)) -> Option<Arc<Report>> {
    let cache = exporter
        .cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let (at, report) = cache.get(key)?;
    (at.elapsed() < exporter.settings.cache_ttl).then(|| report.clone())
}

fn remember(exporter: &Exporter, key: (String, String), report: Arc<Report>) {
    if exporter.settings.cache_ttl.is_zero() {
        return;
    }
    let mut cache = exporter
        .cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let ttl = exporter.settings.cache_ttl;
    cache.retain(|_, (at, _)| at.elapsed() < ttl);
    if cache.len() < 1000 {
        cache.insert(key, (Instant::now(), report));
    }
}

/// `X-Prometheus-Scrape-Timeout-Seconds`, as Prometheus sends it.
fn scrape_timeout(headers: &HeaderMap) -> Option<Duration> {
    let text = headers
        .get("x-prometheus-scrape-timeout-seconds")?
        .to_str()
        .ok()?;
    let secs: f64 = text.trim().parse().ok()?;
    (secs.is_finite() && secs > 0.0).then(|| Duration::from_secs_f64(secs.min(600.0)))
}

/// Headers every answer carries: no sniffing, no scripts, no framing.
fn with_headers(content_type: &'static str, body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"),
    );
    response
}

const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// OpenMetrics when the scraper asks for it (Prometheus does), else the
/// classic text format.
fn exposition(headers: &HeaderMap, openmetrics: String) -> Response {
    let wants = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/openmetrics-text"));
    match wants {
        true => with_headers(OPENMETRICS, openmetrics),
        false => with_headers(
            PROMETHEUS_TEXT,
            render::prometheus::text_format(&openmetrics),
        ),
    }
}
const HTML: &str = "text/html; charset=utf-8";

fn text_refusal(r: Refusal) -> Response {
    let mut response = with_headers("text/plain; charset=utf-8", format!("{}\n", r.message));
    *response.status_mut() = r.status;
    response
}

async fn probe_metrics(
    State(exporter): State<Arc<Exporter>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(ask): Query<Ask>,
) -> Response {
    match probe_for(&exporter, peer.ip(), &ask, scrape_timeout(&headers)).await {
        Ok((report, module)) => match render::prometheus::probe(&report, &module) {
            Ok(text) => exposition(&headers, text),
            Err(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not encode the metrics\n",
            )
                .into_response(),
        },
        Err(r) => text_refusal(r),
    }
}

async fn own_metrics(State(exporter): State<Arc<Exporter>>, headers: HeaderMap) -> Response {
    let mut text = String::new();
    let metrics = exporter
        .metrics
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    match prometheus_client::encoding::text::encode(&mut text, &metrics.registry) {
        Ok(()) => exposition(&headers, text),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not encode the metrics\n",
        )
            .into_response(),
    }
}

async fn form(State(exporter): State<Arc<Exporter>>) -> Response {
    let names = exporter.module_names();
    with_headers(HTML, render::html::form_page(&names, None).into_string())
}

async fn report_html(
    State(exporter): State<Arc<Exporter>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(ask): Query<Ask>,
) -> Response {
    match probe_for(&exporter, peer.ip(), &ask, None).await {
        Ok((report, _)) => with_headers(HTML, render::html::report_page(&report).into_string()),
        Err(r) => {
            let mut response =
                with_headers(HTML, render::html::problem_page(&r.message).into_string());
            *response.status_mut() = r.status;
            response
        }
    }
}

async fn report_json(
    State(exporter): State<Arc<Exporter>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(ask): Query<Ask>,
) -> Response {
    let (status, report) = match probe_for(&exporter, peer.ip(), &ask, None).await {
        Ok((report, _)) => (StatusCode::OK, report),
        Err(r) => (
            r.status,
            Arc::new(Report::error(
                "probe",
                ask.target.as_deref().unwrap_or(""),
                r.message,
            )),
        ),
    };
    let mut body = Vec::new();
    let _ = render::json::render(&report, &mut body);
    let mut response = with_headers("application/json", body);
    *response.status_mut() = status;
    response
}

/// TCP to public addresses only: a web form must not become a way to
/// reach the exporter's own network (a domain whose MX points at 10.0.0.5
/// or 127.0.0.1). `--allow-private` lifts it, for labs.
#[derive(Debug)]
struct PublicOnly;

impl Connector for PublicOnly {
    fn connect(&self, to: SocketAddr) -> Connecting {
        if let Some(kind) = crate::dns::non_public(to.ip()) {
            let message = format!(
                "{} is a {kind} address: smtpcheck serve connects only to public addresses (--allow-private)",
                to.ip()
            );
            return Box::pin(async move {
                Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    message,
                ))
            });
        }
        connect::Tcp::default().connect(to)
    }
}
