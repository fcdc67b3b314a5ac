//! Saving a thread by its web address, while online.
//!
//! [`classify`] reads a URL as one of the sites Threadmark knows:
//!
//! - a Hacker News item (`news.ycombinator.com/item?id=N`), fetched whole through
//!   the Algolia items API (`hn.algolia.com/api/v1/items/N`);
//! - a Reddit thread (`reddit.com/r/…/comments/ID/…`, `redd.it/ID`), fetched as the
//!   thread's `.json`;
//! - a Lobsters story (`lobste.rs/s/ID`), fetched as `.json`;
//! - a Discourse topic on any host (`/t/slug/ID`), fetched as `/t/ID.json` and then
//!   the posts the first page leaves out (`post_stream.stream`), through
//!   `/t/ID/posts.json?post_ids[]=…` in chunks.
//!
//! [`fetch`] downloads and parses; it never touches the library. Every request sends
//! [`USER_AGENT`], times out, and is retried politely on 429 and 5xx answers (and
//! on connection failures, but not when the host name cannot be resolved: no
//! network, or no such host, fails at once), waiting as long as a `Retry-After` header asks (up to
//! a limit) or backing off exponentially. A body over the size limit is refused
//! while it streams in, before it is all in memory. [`FetchOptions::total`] bounds
//! the whole fetch, retries and waits included. [`FetchOptions::base`] sends
//! every request to another origin instead (tests serve corpus files on
//! 127.0.0.1; the CLI reads it from `THREADMARK_FETCH_BASE`).

use std::time::Duration;

use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde_json::Value;

use crate::error::{Error, ErrorKind, Result};
use crate::import::{self, html};
use crate::model::{SourceFormat, ThreadDoc};

/// The User-Agent of every request: the program and its version, as an RFC 9110
/// product token. The project has no public address yet, so none is named (this
/// was `Threadmark/0.1.0 (+)`: an empty comment, from a `repository` field the
/// crate did not inherit, whose value was a placeholder). Add `(+URL)` here once
/// there is a real one.
pub const USER_AGENT: &str = concat!("Threadmark/", env!("CARGO_PKG_VERSION"));

/// The Algolia Hacker News API.
pub const HN_API: &str = "https://hn.algolia.com/api/v1";
/// Where Reddit threads are fetched.
pub const REDDIT_ORIGIN: &str = "https://www.reddit.com";
/// Where Lobsters stories are fetched.
pub const LOBSTERS_ORIGIN: &str = "https://lobste.rs";
/// How many posts one Discourse `posts.json` request asks for (Discourse's own page size).
pub const DISCOURSE_CHUNK: usize = 20;

/// How fetching behaves.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Send every request to this origin (`http://127.0.0.1:8080`) instead of the
    /// site's, keeping the path and query. For tests and mirrors.
    pub base: Option<String>,
    /// The longest one request may take, from connecting to the last byte.
    pub timeout: Duration,
    /// The longest the whole fetch may take: every request, retry and wait
    /// (`None`: only each request is bounded). The CLI's `--timeout` sets both.
    pub total: Option<Duration>,
    /// The longest connecting may take.
    pub connect_timeout: Duration,
    /// How many times a failed request is tried again.
    pub retries: u32,
    /// The first wait before trying again; it doubles with every retry.
    pub backoff: Duration,
    /// The longest `Retry-After` honoured; a server asking for more ends the fetch.
    pub max_retry_after: Duration,
    /// Refuse answers larger than this many bytes.
    pub max_bytes: u64,
    /// Posts per Discourse `posts.json` request.
    pub discourse_chunk: usize,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            base: None,
            timeout: Duration::from_secs(30),
            total: None,
            connect_timeout: Duration::from_secs(10),
            retries: 3,
            backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(60),
            max_bytes: import::DEFAULT_MAX_BYTES,
            discourse_chunk: DISCOURSE_CHUNK,
        }
    }
}

impl FetchOptions {
    /// The defaults, with `THREADMARK_FETCH_BASE` (send every request there) and
    /// `THREADMARK_MAX_BYTES` (the size limit) from the environment when set.
    pub fn from_env() -> Self {
        let mut options = FetchOptions {
            base: std::env::var("THREADMARK_FETCH_BASE")
                .ok()
                .filter(|b| !b.trim().is_empty()),
            ..Default::default()
        };
        if let Some(max) = std::env::var("THREADMARK_MAX_BYTES")
            .ok()
            .and_then(|m| import::parse_size(&m).ok())
        {
            options.max_bytes = max;
        }
        options
    }
}

/// A thread address Threadmark can fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Site {
    /// A Hacker News item id.
    Hn(u64),
    /// A Reddit thread's id (base 36, without `t3_`).
    Reddit(String),
    /// A Lobsters story's short id.
    Lobsters(String),
    /// A Discourse topic: the forum's origin (`https://meta.discourse.org`) and the topic id.
    Discourse { origin: String, topic: u64 },
}

fn unknown_url() -> Error {
    Error::new(
        ErrorKind::Unsupported,
        "not a thread address Threadmark can fetch: expected a Hacker News item (news.ycombinator.com/item?id=…), a Reddit thread (reddit.com/r/…/comments/…), a Lobsters story (lobste.rs/s/…) or a Discourse topic (…/t/…/ID)",
    )
}

/// Read a web address as a thread on a site Threadmark knows.
pub fn classify(url: &str) -> Result<Site> {
    let parsed = Url::parse(url.trim())
        .map_err(|e| Error::bad_input(format!("not a web address ({e})")).in_file(url.trim()))?;
    classify_url(&parsed).map_err(|e| e.in_file(url.trim()))
}

fn classify_url(url: &Url) -> Result<Site> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::bad_input(
            "only http and https addresses can be fetched",
        ));
    }
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let id_like = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
    match host {
        "news.ycombinator.com" => {
            let id = url
                .query_pairs()
                .find(|(k, _)| k == "id")
                .and_then(|(_, v)| v.parse::<u64>().ok());
            match (segments.as_slice(), id) {
                (["item"], Some(id)) => Ok(Site::Hn(id)),
                _ => Err(Error::new(
                    ErrorKind::Unsupported,
                    "a Hacker News address must be an item page: news.ycombinator.com/item?id=…",
                )),
            }
        }
        "redd.it" => match segments.as_slice() {
            [id] if id_like(id) => Ok(Site::Reddit(id.to_ascii_lowercase())),
            _ => Err(unknown_url()),
        },
        h if h == "reddit.com" || h.ends_with(".reddit.com") => {
            let id = match segments.as_slice() {
                ["r", _, "comments", id, ..] | ["comments", id, ..] => Some(*id),
                ["r", _, "s", _] => {
                    return Err(Error::new(
                        ErrorKind::Unsupported,
                        "a Reddit share link (/s/…) only redirects: open it in a browser and fetch the thread address it leads to",
                    ))
                }
                _ => None,
            };
            match id {
                Some(id) if id_like(id) => Ok(Site::Reddit(id.to_ascii_lowercase())),
                _ => Err(Error::new(
                    ErrorKind::Unsupported,
                    "a Reddit address must be a thread: reddit.com/r/…/comments/ID/…",
                )),
            }
        }
        "lobste.rs" => match segments.as_slice() {
            ["s", id, ..] if id_like(id.trim_end_matches(".json")) => {
                Ok(Site::Lobsters(id.trim_end_matches(".json").to_string()))
            }
            _ => Err(Error::new(
                ErrorKind::Unsupported,
                "a Lobsters address must be a story: lobste.rs/s/ID",
            )),
        },
        _ => {
            // Discourse runs on any host: /t/slug/ID, /t/slug/ID/post, /t/ID.
            let topic = match segments.as_slice() {
                ["t", a, rest @ ..] => {
                    let a = a.trim_end_matches(".json");
                    match (a.parse::<u64>(), rest.first()) {
                        (_, Some(b)) if b.trim_end_matches(".json").parse::<u64>().is_ok() => {
                            b.trim_end_matches(".json").parse::<u64>().ok()
                        }
                        (Ok(id), _) => Some(id),
                        _ => None,
                    }
                }
                _ => None,
            };
            match topic {
                Some(topic) => Ok(Site::Discourse {
                    origin: url.origin().ascii_serialization(),
                    topic,
                }),
                None => Err(unknown_url()),
            }
        }
    }
}

/// Fetch the thread at `url` and parse it (the library is not touched), within
/// [`FetchOptions::total`] when it is set.
pub async fn fetch(url: &str, options: &FetchOptions) -> Result<ThreadDoc> {
    let Some(total) = options.total else {
        return fetch_untimed(url, options).await;
    };
    match tokio::time::timeout(total, fetch_untimed(url, options)).await {
        Ok(result) => result,
        Err(_) => Err(network(format!(
            "timed out: the fetch did not finish within {} s",
            total.as_secs_f64()
        ))
        .in_file(url.trim())),
    }
}

async fn fetch_untimed(url: &str, options: &FetchOptions) -> Result<ThreadDoc> {
    let site = classify(url)?;
    let url = url.trim();
    let client = Fetcher::new(options)?;
    let (format, value) = match &site {
        Site::Hn(id) => (
            SourceFormat::Hn,
            client.get_json(&format!("{HN_API}/items/{id}")).await?,
        ),
        Site::Reddit(id) => (
            SourceFormat::Reddit,
            client
                .get_json(&format!("{REDDIT_ORIGIN}/comments/{id}.json?limit=500"))
                .await?,
        ),
        Site::Lobsters(id) => (
            SourceFormat::Lobsters,
            client
                .get_json(&format!("{LOBSTERS_ORIGIN}/s/{id}.json"))
                .await?,
        ),
        Site::Discourse { origin, topic } => (
            SourceFormat::Discourse,
            client.discourse_topic(origin, *topic).await?,
        ),
    };
    let mut docs = import::parse_value(format, &value).map_err(|e| e.in_file(url))?;
    let mut doc = docs
        .pop()
        .ok_or_else(|| Error::bad_input("the answer holds no thread").in_file(url))?;
    if doc.url.is_none() {
        doc.url = Some(url.to_string());
    }
    doc.title = crate::model::clean_title(&doc.title);
    Ok(doc)
}

/// [`fetch`] on a runtime of its own, for callers that are not async (the CLI).
pub fn fetch_blocking(url: &str, options: &FetchOptions) -> Result<ThreadDoc> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("cannot start the network runtime: {e}"),
            )
        })?;
    runtime.block_on(fetch(url, options))
}

/// An HTTP client with the options applied.
struct Fetcher<'a> {
    client: reqwest::Client,
    options: &'a FetchOptions,
    base: Option<Url>,
}

/// Use ring for TLS (installed once per process; a provider installed earlier wins).
fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl<'a> Fetcher<'a> {
    fn new(options: &'a FetchOptions) -> Result<Self> {
        install_crypto_provider();
        let base = options
            .base
            .as_deref()
            .map(|b| {
                Url::parse(b).map_err(|e| {
                    Error::bad_input(format!(
                        "the fetch base address {b:?} is not a web address ({e})"
                    ))
                })
            })
            .transpose()?;
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .build()
            .map_err(|e| network(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Fetcher {
            client,
            options,
            base,
        })
    }

    /// The address to request: `url`, moved to the base origin when there is one.
    fn target(&self, url: &str) -> Result<Url> {
        let mut target =
            Url::parse(url).map_err(|e| Error::bad_input(format!("bad address {url:?}: {e}")))?;
        if let Some(base) = &self.base {
            let path = target.path().to_string();
            let query = target.query().map(str::to_string);
            target = base.clone();
            let prefix = target.path().trim_end_matches('/').to_string();
            target.set_path(&format!("{prefix}{path}"));
            target.set_query(query.as_deref());
        }
        Ok(target)
    }

    /// GET `url` and parse the answer as JSON (of any nesting depth).
    async fn get_json(&self, url: &str) -> Result<html::DeepValue> {
        let target = self.target(url)?;
        let name = target.to_string();
        let (bytes, content_type) = self.get(&target).await.map_err(|e| e.in_file(&name))?;
        if !import::looks_like_json(&bytes) {
            let what = content_type.unwrap_or_else(|| "no content type".into());
            return Err(Error::bad_input(format!(
                "the server answered with something other than JSON ({what}, {} bytes); the address may need a login or no longer exist",
                bytes.len()
            ))
            .in_file(&name));
        }
        html::parse_json_deep(&bytes).map_err(|e| e.in_file(&name))
    }

    /// GET with retries; the body (capped) and its content type.
    async fn get(&self, url: &Url) -> Result<(Vec<u8>, Option<String>)> {
        let mut attempt = 0u32;
        loop {
            let sent = self
                .client
                .get(url.clone())
                .header(ACCEPT, "application/json")
                .send()
                .await;
            let wait = match sent {
                Ok(response) => {
                    let status = response.status();
                    if status.is_success() {
                        return self.read_capped(response).await;
                    }
                    if !retryable(status) {
                        return Err(status_error(status));
                    }
                    match retry_delay(attempt, response.headers(), self.options) {
                        Ok(wait) if attempt < self.options.retries => wait,
                        Ok(_) => {
                            return Err(network(format!(
                                "{} after {} tries",
                                status_text(status),
                                attempt + 1
                            )))
                        }
                        Err(e) => return Err(e),
                    }
                }
                Err(e)
                    if attempt < self.options.retries
                        && (e.is_connect() || e.is_timeout())
                        && !is_name_resolution(&e) =>
                {
                    backoff(attempt, self.options)
                }
                Err(e) => {
                    let tries = if attempt > 0 {
                        format!(" after {} tries", attempt + 1)
                    } else {
                        String::new()
                    };
                    return Err(request_error(&e, self.options, &tries));
                }
            };
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn read_capped(
        &self,
        mut response: reqwest::Response,
    ) -> Result<(Vec<u8>, Option<String>)> {
        let max = self.options.max_bytes;
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if let Some(len) = response.content_length() {
            if len > max {
                return Err(too_large(len, max));
            }
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > max {
                        return Err(Error::new(
                            ErrorKind::TooLarge,
                            format!(
                                "the answer is over the import limit of {}",
                                import::format_size(max)
                            ),
                        ));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok((body, content_type)),
                Err(e) => return Err(request_error(&e, self.options, "")),
            }
        }
    }

    /// A Discourse topic with every post of its stream: the topic JSON, then the
    /// posts its first page leaves out, merged into `post_stream.posts`.
    async fn discourse_topic(&self, origin: &str, topic: u64) -> Result<html::DeepValue> {
        let mut value = self.get_json(&format!("{origin}/t/{topic}.json")).await?;
        let have: std::collections::HashSet<u64> = value
            .pointer("/post_stream/posts")
            .and_then(Value::as_array)
            .map(|posts| {
                posts
                    .iter()
                    .filter_map(|p| p.get("id").and_then(Value::as_u64))
                    .collect()
            })
            .unwrap_or_default();
        let missing: Vec<u64> = value
            .pointer("/post_stream/stream")
            .and_then(Value::as_array)
            .map(|ids| {
                ids.iter()
                    .filter_map(Value::as_u64)
                    .filter(|id| !have.contains(id))
                    .collect()
            })
            .unwrap_or_default();
        let mut more = Vec::new();
        for chunk in missing.chunks(self.options.discourse_chunk.max(1)) {
            let query: Vec<String> = chunk
                .iter()
                .map(|id| format!("post_ids%5B%5D={id}"))
                .collect();
            let url = format!("{origin}/t/{topic}/posts.json?{}", query.join("&"));
            let mut page = self.get_json(&url).await?;
            let posts = page
                .pointer_mut("/post_stream/posts")
                .and_then(Value::as_array_mut)
                .ok_or_else(|| {
                    Error::bad_input("no `post_stream.posts` list in the answer")
                        .at("post_stream")
                        .in_file(&url)
                })?;
            more.append(posts);
        }
        if let Some(posts) = value
            .pointer_mut("/post_stream/posts")
            .and_then(Value::as_array_mut)
        {
            posts.append(&mut more);
        }
        Ok(value)
    }
}

fn network(cause: impl Into<String>) -> Error {
    Error::new(ErrorKind::Network, cause)
}

fn too_large(len: u64, max: u64) -> Error {
    Error::new(
        ErrorKind::TooLarge,
        format!("the answer is {len} bytes, over the import limit of {max} bytes"),
    )
}

fn status_text(status: StatusCode) -> String {
    format!(
        "HTTP {}{}",
        status.as_u16(),
        status
            .canonical_reason()
            .map(|r| format!(" {r}"))
            .unwrap_or_default()
    )
}

fn retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

fn status_error(status: StatusCode) -> Error {
    match status {
        StatusCode::NOT_FOUND | StatusCode::GONE => Error::not_found(format!(
            "{}: no such thread (deleted, private, or a wrong address)",
            status_text(status)
        )),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => network(format!(
            "{}: the site refused (the thread may be private or need a login)",
            status_text(status)
        )),
        _ => network(status_text(status)),
    }
}

fn request_error(e: &reqwest::Error, options: &FetchOptions, tries: &str) -> Error {
    if e.is_timeout() {
        network(format!(
            "timed out (no complete answer within {} s){tries}",
            options.timeout.as_secs_f64()
        ))
    } else if is_name_resolution(e) {
        network(format!(
            "cannot resolve the host name (no network, or no such host): {}",
            source_chain(e)
        ))
    } else if e.is_connect() {
        network(format!("cannot connect{tries}: {}", source_chain(e)))
    } else {
        network(format!("request failed{tries}: {}", source_chain(e)))
    }
}

/// Whether a request failed because its host name could not be resolved (the
/// resolver's own answer: trying again at once will not help).
fn is_name_resolution(e: &reqwest::Error) -> bool {
    let chain = source_chain(e).to_ascii_lowercase();
    [
        "dns error",
        "failed to lookup address",
        "name or service not known",
        "temporary failure in name resolution",
        "no address associated",
        "nodename nor servname",
    ]
    .iter()
    .any(|s| chain.contains(s))
}

/// An error with its sources, on one line.
fn source_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !out.contains(&s_text) {
            out.push_str(": ");
            out.push_str(&s_text);
        }
        source = s.source();
    }
    out
}

/// The wait before retry number `attempt + 1`: doubling from `options.backoff`.
pub fn backoff(attempt: u32, options: &FetchOptions) -> Duration {
    options
        .backoff
        .saturating_mul(2u32.saturating_pow(attempt.min(16)))
}

/// The wait before trying again after a 429 or 5xx answer: what `Retry-After` asks
/// (seconds or an HTTP date), else the backoff. A server asking for longer than
/// `options.max_retry_after` ends the fetch with an error that says how long.
pub fn retry_delay(attempt: u32, headers: &HeaderMap, options: &FetchOptions) -> Result<Duration> {
    let asked = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    match asked {
        Some(wait) if wait > options.max_retry_after => Err(network(format!(
            "the site is rate limiting and asks to wait {} s before trying again",
            wait.as_secs()
        ))),
        Some(wait) => Ok(wait),
        None => Ok(backoff(attempt, options)),
    }
}

/// `Retry-After`: delay seconds, or an HTTP date (a wait until then; none if past).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when =
        time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822).ok()?;
    let now = time::OffsetDateTime::now_utc();
    Some(Duration::from_secs(
        u64::try_from((when - now).whole_seconds()).unwrap_or(0),
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn addresses_are_classified() {
        let hn = classify("https://news.ycombinator.com/item?id=49953495").unwrap();
        assert_eq!(hn, Site::Hn(49953495));
        for url in [
            "https://www.reddit.com/r/rust/comments/3hahrw/some_title/",
            "https://old.reddit.com/r/rust/comments/3HAHRW/",
            "https://reddit.com/comments/3hahrw",
            "https://redd.it/3hahrw",
        ] {
            assert_eq!(
                classify(url).unwrap(),
                Site::Reddit("3hahrw".into()),
                "{url}"
            );
        }
        assert_eq!(
            classify("https://lobste.rs/s/tdfoqh/some_story").unwrap(),
            Site::Lobsters("tdfoqh".into())
        );
        for url in [
            "https://meta.discourse.org/t/support-ublock-origin/1148",
            "https://meta.discourse.org/t/support-ublock-origin/1148/7",
            "https://meta.discourse.org/t/1148",
        ] {
            assert_eq!(
                classify(url).unwrap(),
                Site::Discourse {
                    origin: "https://meta.discourse.org".into(),
                    topic: 1148
                },
                "{url}"
            );
        }
        for (url, cause) in [
            ("https://example.com/blog/post", "not a thread address"),
            ("https://news.ycombinator.com/news", "must be an item page"),
            ("https://www.reddit.com/r/rust/", "must be a thread"),
            ("https://www.reddit.com/r/rust/s/AbCd", "share link"),
            ("ftp://lobste.rs/s/x", "only http and https"),
            ("not a url", "not a web address"),
        ] {
            let e = classify(url).unwrap_err();
            assert!(e.to_string().contains(cause), "{url}: {e}");
            assert!(e.to_string().starts_with(url), "{url}: {e}");
        }
    }

    #[test]
    fn retry_after_seconds_dates_and_backoff() {
        let options = FetchOptions {
            backoff: Duration::from_millis(100),
            ..Default::default()
        };
        let mut headers = HeaderMap::new();
        assert_eq!(
            retry_delay(0, &headers, &options).unwrap(),
            Duration::from_millis(100)
        );
        assert_eq!(
            retry_delay(3, &headers, &options).unwrap(),
            Duration::from_millis(800)
        );
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(
            retry_delay(0, &headers, &options).unwrap(),
            Duration::from_secs(7)
        );
        headers.insert(RETRY_AFTER, "3600".parse().unwrap());
        let e = retry_delay(0, &headers, &options).unwrap_err();
        assert!(e.to_string().contains("asks to wait 3600 s"), "{e}");
        // A date in the past means no wait; a garbled value falls back to backoff.
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_delay(0, &headers, &options).unwrap(), Duration::ZERO);
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(
            retry_delay(1, &headers, &options).unwrap(),
            Duration::from_millis(200)
        );
    }

    #[test]
    fn user_agent_is_the_program_and_its_version() {
        assert_eq!(
            USER_AGENT,
            format!("Threadmark/{}", env!("CARGO_PKG_VERSION"))
        );
        // A product token (RFC 9110 `tchar`s around the slash): no empty or
        // placeholder comment.
        assert!(USER_AGENT
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/.-+_".contains(c)));
    }
}
