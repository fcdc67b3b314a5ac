//! The argument map as a graph: the layout and the standalone SVG (read back with an
//! XML parser) on the seed and the Hacker News corpus thread, each with a dozen
//! linked highlights, one left unlinked and (on the seed) one orphaned.

use std::collections::{BTreeSet, HashMap};

use threadmark_core::export::graph::{layout, GraphLayout, Section};
use threadmark_core::export::{export_at, permalink, ExportFormat};
use threadmark_core::model::Highlight;
use threadmark_core::{Library, LinkKind, NewHighlight, SourceFormat};

const EXPORTED_AT: i64 = 1_767_225_600;
const LABELS: [&str; 4] = ["Claim", "Evidence", "Rebuttal", "Question"];

/// Highlights the first five words of twelve posts spread over the thread (posts of
/// at least eight words), labelled in turn, plus one more left unlinked.
fn highlight_posts(lib: &mut Library, id: i64) -> Vec<Highlight> {
    let posts: Vec<(String, String)> = lib
        .posts(id)
        .unwrap()
        .into_iter()
        .filter(|p| !p.deleted && p.text.split_whitespace().count() >= 8)
        .map(|p| (p.source_id, p.text))
        .collect();
    assert!(
        posts.len() >= 13,
        "the thread has {} long posts",
        posts.len()
    );
    let step = posts.len() / 13;
    (0..13)
        .map(|i| {
            let (post, text) = &posts[i * step];
            // Code points up to the end of the fifth word.
            let mut words = 0;
            let mut end = 0;
            let mut in_word = false;
            for (k, c) in text.chars().enumerate() {
                if c.is_whitespace() {
                    if in_word {
                        words += 1;
                        if words == 5 {
                            break;
                        }
                    }
                    in_word = false;
                } else {
                    in_word = true;
                    end = k + 1;
                }
            }
            let start = text.chars().take_while(|c| c.is_whitespace()).count();
            lib.highlight_span(id, post, start, end, Some(LABELS[i % 4]))
                .unwrap()
        })
        .collect()
}

/// Links over highlights 0..12: a claim with support, rebuttals answered, a chain
/// three deep, a link that spans two layers and a cycle. Returns the link uuids.
fn link(lib: &mut Library, hs: &[Highlight]) -> Vec<String> {
    use LinkKind::*;
    let plan = [
        (1, Supports, 0),
        (2, Rebuts, 0),
        (3, Answers, 2),
        (5, Supports, 4),
        (6, Rebuts, 5),
        (7, Qualifies, 6),
        (8, Supports, 4),
        (8, Answers, 7), // 8 sits below 7, so its link to 4 spans layers
        (9, Supports, 0),
        (10, Rebuts, 11),
        (11, Qualifies, 10), // a cycle
        (9, Answers, 3),
    ];
    plan.iter()
        .map(|&(f, k, t)| lib.add_link(hs[f].id, k, hs[t].id).unwrap().uuid)
        .collect()
}

fn seed_thread() -> (Library, i64, Vec<Highlight>, Vec<String>) {
    let mut lib = Library::open_in_memory().unwrap();
    let id = lib
        .import_bytes(
            "seed.txt",
            super::seed().as_bytes(),
            SourceFormat::Text,
            None,
        )
        .unwrap()[0];
    let mut hs = highlight_posts(&mut lib, id);
    let mut links = link(&mut lib, &hs);
    // One more, linked and then orphaned: post 18 edited, its words gone.
    let orphan = lib
        .add_highlight(
            id,
            "18",
            &NewHighlight {
                exact: "middlemen".into(),
                prefix: Some("exclusively on ".into()),
                label: Some("Evidence".into()),
                ..Default::default()
            },
        )
        .unwrap();
    links.push(
        lib.add_link(orphan.id, LinkKind::Supports, hs[0].id)
            .unwrap()
            .uuid,
    );
    super::reimport_seed_without_middlemen(&mut lib, id);
    assert_eq!(lib.highlight(orphan.id).unwrap().state, "orphaned");
    hs.push(orphan);
    (lib, id, hs, links)
}

fn hn_thread() -> (Library, i64, Vec<Highlight>, Vec<String>) {
    let mut lib = Library::open_in_memory().unwrap();
    let file = super::corpus().join("hn/algolia/neonmodem-49953495-trimmed.json");
    let id = lib
        .import_bytes(
            &file.to_string_lossy(),
            &std::fs::read(&file).unwrap(),
            SourceFormat::Hn,
            None,
        )
        .unwrap()[0];
    let hs = highlight_posts(&mut lib, id);
    let links = link(&mut lib, &hs);
    (lib, id, hs, links)
}

/// What every graph must hold, whatever the thread.
fn check_layout(g: &GraphLayout, hs: &[Highlight], links: &[String]) {
    let nodes: BTreeSet<&str> = g.nodes.iter().map(|n| n.highlight.as_str()).collect();
    let want: BTreeSet<&str> = hs.iter().map(|h| h.uuid.as_str()).collect();
    assert_eq!(nodes, want);
    let edges: BTreeSet<&str> = g.edges.iter().map(|e| e.link.as_str()).collect();
    assert_eq!(edges, links.iter().map(String::as_str).collect());
    let by_uuid: HashMap<&str, _> = g.nodes.iter().map(|n| (n.highlight.as_str(), n)).collect();
    // What is answered is above what answers it (the cycle 10 ⇄ 11 has one link
    // drawn upwards and one downwards).
    let cycle: BTreeSet<&str> = [hs[10].uuid.as_str(), hs[11].uuid.as_str()].into();
    for e in &g.edges {
        let (f, t) = (by_uuid[e.from.as_str()], by_uuid[e.to.as_str()]);
        if f.section == Section::Graph
            && !(cycle.contains(e.from.as_str()) && cycle.contains(e.to.as_str()))
        {
            assert!(t.layer < f.layer, "{} above {}", e.to, e.from);
            assert!(
                t.y + g.node_height <= f.y,
                "{} drawn above {}",
                e.to,
                e.from
            );
        }
        assert!(e.points.len() >= 2, "edge {} has a route", e.link);
    }
    assert_eq!(by_uuid[hs[0].uuid.as_str()].layer, 0);
    assert_eq!(by_uuid[hs[12].uuid.as_str()].section, Section::Unlinked);
    // The 8 → 4 link passes the layer of 7 between.
    let long = g
        .edges
        .iter()
        .find(|e| e.from == hs[8].uuid && e.to == hs[4].uuid)
        .unwrap();
    assert_eq!(
        long.points.len(),
        by_uuid[hs[8].uuid.as_str()].layer - by_uuid[hs[4].uuid.as_str()].layer + 1
    );
    // No two edge labels are written over each other (the cycle's two links run
    // side by side): boxes of 6.5 px a character, a 13 px line.
    for (i, a) in g.edges.iter().enumerate() {
        for b in &g.edges[i + 1..] {
            let half = (6.5 * (a.kind.len() + b.kind.len()) as f64 + 12.0) / 2.0;
            let apart =
                (a.label.0 - b.label.0).abs() >= half || (a.label.1 - b.label.1).abs() >= 13.0;
            assert!(apart, "labels of {} and {} overlap", a.link, b.link);
        }
    }
    // No two nodes overlap, and all are inside the picture.
    for (i, a) in g.nodes.iter().enumerate() {
        assert!(a.x >= 0.0 && a.y >= 0.0);
        assert!(a.x + g.node_width <= g.width && a.y + g.node_height <= g.height);
        for b in &g.nodes[i + 1..] {
            let apart = a.x + g.node_width <= b.x
                || b.x + g.node_width <= a.x
                || a.y + g.node_height <= b.y
                || b.y + g.node_height <= a.y;
            assert!(apart, "{} overlaps {}", a.highlight, b.highlight);
        }
    }
}

/// Reads the SVG back and checks it against the library.
fn check_svg(lib: &Library, id: i64, svg: &str, hs: &[Highlight], links: &[String]) {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let thread = lib.thread(id).unwrap();
    let colors: HashMap<String, String> = lib
        .labels()
        .unwrap()
        .into_iter()
        .map(|l| (l.name, l.color))
        .collect();
    let permalinks: BTreeSet<String> = hs.iter().map(|h| permalink(&thread, &h.post)).collect();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(
            !["script", "foreignObject", "image", "iframe", "use", "link"].contains(&name),
            "<{name}> in the SVG"
        );
        for attr in node.attributes() {
            let (key, value) = (attr.name(), attr.value());
            assert!(!key.starts_with("on"), "event handler {key}");
            if key == "href" {
                assert!(
                    permalinks.contains(value),
                    "href {value} is not a permalink"
                );
            }
            if value.contains("url(") {
                assert!(value.starts_with("url(#"), "{key}={value}");
            }
        }
        if name == "style" {
            let css = node.text().unwrap_or("");
            assert!(
                !css.contains("@import") && !css.contains("url(") && !css.contains("@font-face")
            );
        }
    }
    let nodes: HashMap<&str, roxmltree::Node> = doc
        .descendants()
        .filter_map(|n| Some((n.attribute("data-highlight")?, n)))
        .collect();
    assert_eq!(nodes.len(), hs.len());
    for h in hs {
        let node = nodes
            .get(h.uuid.as_str())
            .unwrap_or_else(|| panic!("node {}", h.uuid));
        let text: String = node
            .descendants()
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join(" ");
        // The label, the first words and the author.
        let label = h.label.as_deref().unwrap();
        assert!(text.contains(label), "{text}");
        let first = h.exact.split_whitespace().next().unwrap();
        assert!(text.contains(first), "{text} lacks {first}");
        let author = lib.post(id, &h.post).unwrap().author.unwrap_or_default();
        assert!(
            text.contains(author.split_whitespace().next().unwrap_or("")),
            "{text}"
        );
        let fill = node
            .descendants()
            .find_map(|n| n.attribute("fill").filter(|f| f.starts_with('#')))
            .unwrap();
        assert_eq!(fill, colors[label]);
        // A node links to its post's web permalink; a post without one (the seed,
        // a text dump, is named `urn:threadmark:…`) is not a link.
        let a = node.descendants().find(|n| n.has_tag_name("a"));
        let link = permalink(&thread, &h.post);
        if link.starts_with("https://") {
            assert_eq!(a.unwrap().attribute("href").unwrap(), link);
        } else {
            assert!(a.is_none(), "{link} is not a link");
        }
        let orphaned = node.attribute("class").unwrap().contains("tm-orphaned");
        assert_eq!(
            orphaned,
            h.state == "orphaned" || lib.highlight(h.id).unwrap().state == "orphaned"
        );
        assert_eq!(orphaned, text.contains("orphaned"));
    }
    let edges: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.attribute("data-link").is_some())
        .collect();
    assert_eq!(
        edges
            .iter()
            .map(|e| e.attribute("data-link").unwrap())
            .collect::<BTreeSet<_>>(),
        links.iter().map(String::as_str).collect()
    );
    assert_eq!(edges.len(), links.len());
    for e in edges {
        let kind = e.attribute("data-kind").unwrap();
        assert!(["supports", "rebuts", "answers", "qualifies"].contains(&kind));
        let label = e.descendants().find(|n| n.has_tag_name("text")).unwrap();
        assert_eq!(label.text(), Some(kind));
        for end in ["data-from", "data-to"] {
            assert!(nodes.contains_key(e.attribute(end).unwrap()));
        }
    }
}

#[test]
fn seed_graph_places_claims_above_what_answers_them_and_orphans_apart() {
    let (lib, id, hs, links) = seed_thread();
    let g = layout(&lib, id).unwrap();
    check_layout(&g, &hs, &links);
    let orphan = g.nodes.iter().find(|n| n.highlight == hs[13].uuid).unwrap();
    assert_eq!(orphan.section, Section::Orphaned);
    let lowest = g
        .nodes
        .iter()
        .filter(|n| n.section != Section::Orphaned)
        .map(|n| n.y)
        .fold(0.0, f64::max);
    assert!(
        orphan.y > lowest,
        "the orphan is drawn below everything else"
    );
}

#[test]
fn seed_svg_holds_every_node_and_edge_and_nothing_external() {
    let (lib, id, hs, links) = seed_thread();
    let svg = export_at(&lib, &[id], ExportFormat::Svg, EXPORTED_AT).unwrap();
    assert!(svg.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "));
    check_svg(&lib, id, &svg, &hs, &links);
}

#[test]
fn hn_svg_holds_every_node_and_edge_and_the_html_export_embeds_it() {
    let (lib, id, hs, links) = hn_thread();
    check_layout(&layout(&lib, id).unwrap(), &hs, &links);
    let svg = export_at(&lib, &[id], ExportFormat::Svg, EXPORTED_AT).unwrap();
    check_svg(&lib, id, &svg, &hs, &links);
    // The HTML page holds the same picture above the thread.
    let html = export_at(&lib, &[id], ExportFormat::Html, EXPORTED_AT).unwrap();
    let start = html.find("<svg ").unwrap();
    let end = html.find("</svg>").unwrap() + "</svg>".len();
    assert!(start < html.find("<main>").unwrap());
    assert_eq!(
        &html[start..end],
        svg[svg.find("<svg ").unwrap()..].trim_end()
    );
}

#[test]
fn svg_export_of_two_threads_is_refused_and_folder_export_names_svg_files() {
    let (lib, id, _, _) = hn_thread();
    let err = export_at(&lib, &[id, id], ExportFormat::Svg, EXPORTED_AT).unwrap_err();
    assert!(err.to_string().contains("one picture per thread"), "{err}");
    let files =
        threadmark_core::export::export_files(&lib, &[id], ExportFormat::Svg, EXPORTED_AT).unwrap();
    assert!(files[0].0.ends_with(".svg"), "{}", files[0].0);
}

#[test]
fn after_and_before_select_the_posts_of_a_timeline_bar() {
    let (lib, id, _, _) = hn_thread();
    let posts = lib.posts(id).unwrap();
    let mut times: Vec<i64> = posts.iter().filter_map(|p| p.created_at).collect();
    times.sort_unstable();
    assert!(times.len() >= 10, "the HN thread's posts carry times");
    // The middle third of the thread's span, as a bar would give it.
    let (start, end) = (times[times.len() / 3], times[2 * times.len() / 3]);
    let want: Vec<String> = posts
        .iter()
        .filter(|p| p.created_at.is_some_and(|t| t >= start && t < end))
        .map(|p| p.source_id.clone())
        .collect();
    assert!(!want.is_empty() && want.len() < posts.len());
    let got = lib
        .filter_thread(id, &format!("after:{start} before:{end}"))
        .unwrap();
    assert_eq!(got, want);
    // The same times written as UTC dates and times select the same posts.
    let iso = |t: i64| {
        let d = time::OffsetDateTime::from_unix_timestamp(t).unwrap();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            d.year(),
            u8::from(d.month()),
            d.day(),
            d.hour(),
            d.minute()
        )
    };
    let minute = |t: i64| t - t.rem_euclid(60);
    let by_minute: Vec<String> = posts
        .iter()
        .filter(|p| {
            p.created_at
                .is_some_and(|t| t >= minute(start) && t < minute(end))
        })
        .map(|p| p.source_id.clone())
        .collect();
    assert_eq!(
        lib.filter_thread(id, &format!("after:{} before:{}", iso(start), iso(end)))
            .unwrap(),
        by_minute
    );
    let err = lib.filter_thread(id, "after:yesterday").unwrap_err();
    assert!(err.to_string().contains("not a time"), "{err}");
}

/// 200 highlights of a synthetic 400-post thread, each linked to one or two earlier
/// ones: the layout keeps every node apart, every link from below to above (no cycle
/// here), and the SVG holds them all.
#[test]
fn two_hundred_linked_highlights_lay_out_without_overlap() {
    use threadmark_core::synthetic::{hn_algolia, Rng};
    let mut lib = Library::open_in_memory().unwrap();
    let json = hn_algolia(400, 21);
    let id = lib
        .import_bytes("synthetic.json", json.as_bytes(), SourceFormat::Hn, None)
        .unwrap()[0];
    let posts: Vec<(String, usize)> = lib
        .posts(id)
        .unwrap()
        .into_iter()
        .map(|p| (p.source_id, p.text.chars().count()))
        .filter(|(_, n)| *n >= 12)
        .take(200)
        .collect();
    assert_eq!(posts.len(), 200);
    let hs: Vec<Highlight> = posts
        .iter()
        .enumerate()
        .map(|(i, (post, _))| {
            lib.highlight_span(id, post, 0, 10, Some(LABELS[i % 4]))
                .unwrap()
        })
        .collect();
    let kinds = LinkKind::ALL;
    let mut rng = Rng::new(5);
    let mut links = Vec::new();
    for i in 1..hs.len() {
        for _ in 0..1 + rng.below(2) {
            let to = rng.below(i);
            if let Ok(l) = lib.add_link(hs[i].id, kinds[rng.below(4)], hs[to].id) {
                links.push(l.uuid);
            }
        }
    }
    // A second link between the same two highlights may replace the first.
    links.sort();
    links.dedup();
    let g = layout(&lib, id).unwrap();
    assert_eq!(g.nodes.len(), 200);
    assert_eq!(g.edges.len(), links.len());
    let by: HashMap<&str, _> = g.nodes.iter().map(|n| (n.highlight.as_str(), n)).collect();
    for e in &g.edges {
        assert!(by[e.to.as_str()].layer < by[e.from.as_str()].layer);
    }
    let mut boxes: Vec<(f64, f64)> = g.nodes.iter().map(|n| (n.y, n.x)).collect();
    boxes.sort_by(|a, b| a.partial_cmp(b).unwrap());
    for w in boxes.windows(2) {
        if w[0].0 == w[1].0 {
            assert!(
                w[1].1 - w[0].1 >= g.node_width,
                "nodes overlap in a row at y={}",
                w[0].0
            );
        }
    }
    let svg = export_at(&lib, &[id], ExportFormat::Svg, EXPORTED_AT).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.attribute("data-highlight").is_some())
            .count(),
        200
    );
    assert_eq!(
        doc.descendants()
            .filter(|n| n.attribute("data-link").is_some())
            .count(),
        links.len()
    );
}
