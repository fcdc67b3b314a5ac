//! A small HTTP/1.1 server on 127.0.0.1 for fetch tests: every answer comes from a
//! route function, every request is logged. One thread per connection, each
//! answered once and closed. Shared with the CLI tests (`#[path]`).

#![allow(dead_code, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// An answer: status, extra headers, body, and how long to wait before sending it.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Reply {
    pub fn json(body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn status(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    /// Path and query, as sent.
    pub target: String,
    pub user_agent: Option<String>,
    pub accept: Option<String>,
}

pub struct Server {
    pub origin: String,
    pub log: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// Serve `route(target, number of earlier requests for the same target)`.
    pub fn start<F>(route: F) -> Server
    where
        F: Fn(&str, usize) -> Reply + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let log: Arc<Mutex<Vec<Request>>> = Arc::default();
        let route = Arc::new(route);
        let server_log = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let route = route.clone();
                let log = server_log.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    let target = line.split(' ').nth(1).unwrap_or("").to_string();
                    let (mut user_agent, mut accept) = (None, None);
                    loop {
                        let mut header = String::new();
                        if reader.read_line(&mut header).unwrap_or(0) == 0 {
                            break;
                        }
                        let header = header.trim_end();
                        if header.is_empty() {
                            break;
                        }
                        if let Some((name, value)) = header.split_once(':') {
                            match name.to_ascii_lowercase().as_str() {
                                "user-agent" => user_agent = Some(value.trim().to_string()),
                                "accept" => accept = Some(value.trim().to_string()),
                                _ => {}
                            }
                        }
                    }
                    let earlier = {
                        let mut log = log.lock().unwrap();
                        let n = log.iter().filter(|r| r.target == target).count();
                        log.push(Request {
                            target: target.clone(),
                            user_agent,
                            accept,
                        });
                        n
                    };
                    let reply = route(&target, earlier);
                    std::thread::sleep(reply.delay);
                    let mut head = format!(
                        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                        reply.status,
                        reply.body.len()
                    );
                    for (name, value) in &reply.headers {
                        head.push_str(&format!("{name}: {value}\r\n"));
                    }
                    head.push_str("\r\n");
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(&reply.body);
                    let _ = stream.flush();
                });
            }
        });
        Server { origin, log }
    }

    /// Serve `body()` as JSON at `path` and 404 anything else; `body` is asked
    /// anew for each request, so a test can change what the path serves.
    pub fn json_at<F>(path: &'static str, body: F) -> Server
    where
        F: Fn() -> Vec<u8> + Send + Sync + 'static,
    {
        Server::start(move |target, _| {
            if target == path {
                Reply::json(body())
            } else {
                Reply::status(404, "text/plain", "not found")
            }
        })
    }

    /// The targets requested so far, in order.
    pub fn targets(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.target.clone())
            .collect()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }
}
