//! The argument map as a standalone SVG: the layout of [`super::graph`] drawn with
//! no script, no font, no stylesheet or image from elsewhere; the only links are the
//! highlights' web permalinks (a node whose post has one links to it). Every node carries
//! `data-highlight="<highlight uuid>"` and every edge `data-link="<link uuid>"`
//! (with `data-from`, `data-to` and `data-kind`), so other tools can read the map.
//! Light and dark come from `prefers-color-scheme`. The same `<svg>` element, without
//! the XML declaration, is embedded by the HTML export above the thread.

use std::fmt::Write as _;

use super::graph::{layout, GraphLayout, Section};
use crate::error::Result;
use crate::store::Library;

/// The colour of each link kind's edges and labels.
pub fn kind_color(kind: &str) -> &'static str {
    match kind {
        "supports" => "#2e7d32",
        "rebuts" => "#c62828",
        "answers" => "#1565c0",
        _ => "#9a5b00",
    }
}

const KINDS: [&str; 4] = ["supports", "rebuts", "answers", "qualifies"];

const STYLE: &str = "
svg.tm-graph { --tm-bg: #fdfcf9; --tm-fg: #1d1f21; --tm-muted: #5f6368; --tm-card: #ffffff; --tm-line: #8a8d91; font-family: -apple-system, \"Segoe UI\", Roboto, \"Noto Sans\", \"DejaVu Sans\", sans-serif; }
@media (prefers-color-scheme: dark) { svg.tm-graph { --tm-bg: #17181a; --tm-fg: #e6e4df; --tm-muted: #a4a7ab; --tm-card: #1f2023; --tm-line: #7d8084; } }
svg.tm-graph .tm-back { fill: var(--tm-bg); }
svg.tm-graph .tm-card { fill: var(--tm-card); stroke: var(--tm-line); stroke-width: 1; }
svg.tm-graph .tm-orphaned .tm-card { stroke-dasharray: 5 4; stroke: #c62828; }
svg.tm-graph text { fill: var(--tm-fg); font-size: 12px; }
svg.tm-graph .tm-label { font-weight: 700; font-size: 11px; }
svg.tm-graph .tm-author, svg.tm-graph .tm-flag { fill: var(--tm-muted); font-size: 11px; }
svg.tm-graph .tm-flag { fill: #c62828; font-weight: 700; }
svg.tm-graph .tm-heading { font-size: 14px; font-weight: 700; }
svg.tm-graph .tm-edge path { fill: none; stroke-width: 1.6; }
svg.tm-graph .tm-edge text { font-size: 11px; font-weight: 600; paint-order: stroke; stroke: var(--tm-bg); stroke-width: 4px; stroke-linejoin: round; }
";

/// Characters an XML 1.0 document cannot hold are dropped; markup characters escaped.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Words broken into at most `lines` lines of about `width` characters; the last
/// line ends with an ellipsis when the words did not fit.
pub fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut cut = false;
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
            if out.len() == lines {
                cut = true;
                break;
            }
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !cut && !line.is_empty() {
        out.push(line);
    }
    for l in out.iter_mut() {
        if l.chars().count() > width {
            *l = l.chars().take(width - 1).collect::<String>() + "…";
        }
    }
    if cut {
        if let Some(last) = out.last_mut() {
            if !last.ends_with('…') {
                let keep: String = last.chars().take(width - 1).collect();
                *last = keep + "…";
            }
        }
    }
    out
}

/// A thread's argument map as an SVG document (with the XML declaration).
pub fn svg(lib: &Library, thread_id: i64) -> Result<String> {
    let title = lib.thread(thread_id)?.title;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&svg_element(&layout(lib, thread_id)?, &title));
    Ok(out)
}

/// The `<svg>` element of a layout; `title` names the thread.
pub fn svg_element(g: &GraphLayout, title: &str) -> String {
    let mut out = String::new();
    let (w, h) = (g.width.ceil(), g.height.ceil());
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tm-graph\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"tm-graph-title\">"
    );
    let _ = writeln!(
        out,
        "<title id=\"tm-graph-title\">Argument map of {}: {} highlights, {} links</title>",
        xml_escape(title),
        g.nodes.len(),
        g.edges.len()
    );
    let _ = writeln!(out, "<style>{STYLE}</style>");
    out.push_str("<defs>\n");
    for kind in KINDS {
        let _ = writeln!(
            out,
            "<marker id=\"tm-arrow-{kind}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0 L10 5 L0 10 z\" fill=\"{}\"/></marker>",
            kind_color(kind)
        );
    }
    out.push_str("</defs>\n");
    let _ = writeln!(
        out,
        "<rect class=\"tm-back\" x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\"/>"
    );
    if let Some(top) = g.unlinked_top {
        let _ = writeln!(
            out,
            "<text class=\"tm-heading\" x=\"24\" y=\"{:.1}\">Not linked</text>",
            top + 20.0
        );
    }
    if let Some(top) = g.orphaned_top {
        let _ = writeln!(
            out,
            "<text class=\"tm-heading\" x=\"24\" y=\"{:.1}\">Orphaned: their words are no longer in the thread</text>",
            top + 20.0
        );
    }
    out.push_str("<g class=\"tm-edges\">\n");
    for e in &g.edges {
        let d: Vec<String> = e
            .points
            .iter()
            .enumerate()
            .map(|(i, (x, y))| format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" }))
            .collect();
        let color = kind_color(&e.kind);
        let kind = xml_escape(&e.kind);
        let _ = write!(
            out,
            "<g class=\"tm-edge tm-{kind}\" data-link=\"{}\" data-from=\"{}\" data-to=\"{}\" data-kind=\"{kind}\"><path d=\"{}\" stroke=\"{color}\" marker-end=\"url(#tm-arrow-{kind})\"/>",
            xml_escape(&e.link),
            xml_escape(&e.from),
            xml_escape(&e.to),
            d.join(" ")
        );
        if e.points.len() >= 2 {
            let (x, y) = e.label;
            let _ = write!(
                out,
                "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" fill=\"{color}\">{kind}</text>"
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n<g class=\"tm-nodes\">\n");
    for n in &g.nodes {
        let orphaned = n.section == Section::Orphaned;
        let class = if orphaned {
            "tm-node tm-orphaned"
        } else {
            "tm-node"
        };
        let color = n.color.as_deref().filter(|c| is_hex_color(c));
        let _ = write!(
            out,
            "<g class=\"{class}\" data-highlight=\"{}\" data-post=\"{}\" transform=\"translate({:.1} {:.1})\">",
            xml_escape(&n.highlight),
            xml_escape(&n.post),
            n.x,
            n.y,
        );
        // Only a web permalink is a link: a thread without one (a text dump, mail)
        // names its posts `urn:threadmark:…`, which nothing opens.
        let linked = n.permalink.starts_with("https://") || n.permalink.starts_with("http://");
        if linked {
            let _ = write!(out, "<a href=\"{}\">", xml_escape(&n.permalink));
        }
        let _ = write!(
            out,
            "<rect class=\"tm-card\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
            g.node_width, g.node_height
        );
        if let Some(c) = color {
            let _ = write!(
                out,
                "<rect width=\"{}\" height=\"{}\" rx=\"6\" fill=\"{c}\" fill-opacity=\"0.14\"/><rect width=\"6\" height=\"{}\" rx=\"3\" fill=\"{c}\"/>",
                g.node_width, g.node_height, g.node_height
            );
        }
        let label = n.label.as_deref().unwrap_or("No label");
        let _ = write!(
            out,
            "<text class=\"tm-label\" x=\"14\" y=\"16\">{}</text>",
            xml_escape(label)
        );
        if orphaned {
            let _ = write!(
                out,
                "<text class=\"tm-flag\" x=\"{:.1}\" y=\"16\" text-anchor=\"end\">orphaned</text>",
                g.node_width - 8.0
            );
        }
        for (i, line) in wrap(&n.words, 28, 2).iter().enumerate() {
            let _ = write!(
                out,
                "<text class=\"tm-words\" x=\"14\" y=\"{}\">{}</text>",
                33 + 14 * i,
                xml_escape(line)
            );
        }
        let author = wrap(&n.author, 28, 1).pop().unwrap_or_default();
        let _ = write!(
            out,
            "<text class=\"tm-author\" x=\"14\" y=\"{}\">{}</text>",
            g.node_height - 8.0,
            xml_escape(&author)
        );
        out.push_str(if linked { "</a></g>\n" } else { "</g>\n" });
    }
    out.push_str("</g>\n</svg>\n");
    out
}

fn is_hex_color(c: &str) -> bool {
    c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|d| d.is_ascii_hexdigit())
}
