//! Mail (mbox, Maildir, single messages) over the real files in `../shared/corpus/`:
//! `mbox/*.mbox`, `mbox/b4/*.mbox`, `maildir/threading/` and the bodies of
//! `email-quotes/emails/`. Expected conversations, parents, authors and titles come
//! from reading the files with python3 (`email` package; parent = last present
//! In-Reply-To id, else the nearest present References id from the end;
//! conversations joined by any shared id), not from the parser.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use threadmark_core::body::{Block, Inline};
use threadmark_core::import::mail::{self, body::body_from_text};
use threadmark_core::import::{parse_bytes, parse_file, ImportOptions};
use threadmark_core::{Library, SourceFormat, ThreadDoc};

/// One conversation: root id, number of posts, title.
type Conv = (&'static str, usize, &'static str);

struct Expect {
    /// A file (mbox) or a folder (Maildir) under the corpus.
    path: &'static str,
    source: &'static str,
    /// Every conversation, in input order.
    convs: &'static [Conv],
    /// (post, parent) for every post that has one.
    parents: &'static [(&'static str, &'static str)],
    /// (post, author)
    authors: &'static [(&'static str, &'static str)],
    /// (post, a passage of its canonical text)
    texts: &'static [(&'static str, &'static str)],
}

const V1: &str = "20221025-test1-v1-0-e4f28f57990c@linuxfoundation.org";

const FILES: &[Expect] = &[
    Expect {
        path: "mbox/mail-box-magick.mbox",
        source: "mbox",
        convs: &[
            ("20000209154405.C265@better.net", 3, "File Conversion From HTML to PS and TIFF"),
            ("177E035AF8BDD311858B00A0C9D8E324886A3B@EMAILSRVR_KPR", 1, "Transparency question"),
            ("177E035AF8BDD311858B00A0C9D8E324886AB2@EMAILSRVR_KPR", 1, "Transparency question"),
            ("8100014B48DAD111AA4100805F9F3FC903A0E5B2@host60.corbis.com", 1, "Transparency question"),
            ("8100014B48DAD111AA4100805F9F3FC903A0E5B9@host60.corbis.com", 1, "Transparency question"),
            ("8100014B48DAD111AA4100805F9F3FC903A0E5BF@host60.corbis.com", 1, "Transparency question"),
            ("", 1, "Resize with Transparency"), // no Message-ID: synthesized
            ("8100014B48DAD111AA4100805F9F3FC903A0E75D@host60.corbis.com", 1, "jpeg2000 question"),
            ("NDBBJJFDMKFOAIFBEPPJIELLCBAA.cknoos@atg.com", 5, "Problem resizing images through perl script"),
            ("3917FC90.8B8B0CF@gmx.net", 2, "Undefined Symbol: SetWarningHandler"),
            ("Pine.SO4.4.05.10005170826000.20112-100000@scooby.simplesystems.org", 1, "watermarks/embossing"),
            ("200006141454.JAA14556@ns.simplesystems.org", 2, "Annotate problems (PR#298)"),
            ("8172.960997992@mystic", 3, "(no subject)"),
            ("200006141616.e5EGG3x19487@mystic.es.dupont.com", 2, "your mail"),
            ("200006141625.e5EGPYM19527@mystic.es.dupont.com", 1, "your mail"),
            ("200006141634.e5EGYfI19547@mystic.es.dupont.com", 2, "your mail"),
            ("1600.960998613@fantasia", 1, "(no subject)"),
            ("395B7519.F40670B@northrim.net", 1, "mailing list archives"),
            ("395E8F1F.B804FCB7@interak.com", 1, "delegates.mgk set-up for unixware printing"),
            ("395BACF9.CFA6970@interak.com", 1, "printing solution for UW 7.1"),
            ("20000707172412.C23320@martien.heliotrope.home", 1, "converts new sharpen factors"),
            ("200007071623.e67GNev10760@mystic.es.dupont.com", 1, "New ImageMagick mailing list"),
            ("20000708102708.B1570@atcmpg.ATComputing.nl", 1, "subscribe"),
            ("200007080855.EAA15589@imagemagick.org", 2, "Confirmation for subscribe magick-developer"),
            ("200007081221.IAA16219@imagemagick.org", 1, "Welcome to magick-developer"),
            ("397C6C6B.989E4BB2@catchword.com", 4, "core dump in simple ImageMagick example"),
            ("4.3.1.0.20000801154753.00ae3ed0@mindspring.com", 2, "Core Dump on ReadImage"),
            ("200010041822.e94IMZr19712@mystic.es.dupont.com", 1, "Font metrics"),
        ],
        parents: &[
            ("200002092200.RAA19561@mailfw3.ford.com", "20000209154405.C265@better.net"),
            ("38A1E3B0.F148D74A@websidestory.com", "20000209154405.C265@better.net"),
            ("20000331170117.B2095@atcmpg.ATComputing.nl", "NDBBJJFDMKFOAIFBEPPJIELLCBAA.cknoos@atg.com"),
            ("NDBBJJFDMKFOAIFBEPPJIEOCCBAA.cknoos@atg.com", "20000331170117.B2095@atcmpg.ATComputing.nl"),
            ("20000403082555.B11537@atcmpg.ATComputing.nl", "NDBBJJFDMKFOAIFBEPPJIEOCCBAA.cknoos@atg.com"),
            ("20000509151418.B15139@atcmpg.ATComputing.nl", "3917FC90.8B8B0CF@gmx.net"),
            ("20000704123347.F2009@atcmpg.ATComputing.nl", "200006141454.JAA14556@ns.simplesystems.org"),
            ("20000614174334.G22766@atcmpg.ATComputing.nl", "8172.960997992@mystic"),
            ("20000614180018.I22766@atcmpg.ATComputing.nl", "20000614174334.G22766@atcmpg.ATComputing.nl"),
            ("20000614174926.H22766@atcmpg.ATComputing.nl", "200006141616.e5EGG3x19487@mystic.es.dupont.com"),
            ("20000614181741.J22766@atcmpg.ATComputing.nl", "200006141634.e5EGYfI19547@mystic.es.dupont.com"),
            ("20000708135318.A2549@atcmpg.ATComputing.nl", "200007080855.EAA15589@imagemagick.org"),
            ("20000726133231.G25170@atcmpg.ATComputing.nl", "397C6C6B.989E4BB2@catchword.com"),
            ("397ECFEF.598EE285@catchword.com", "20000726133231.G25170@atcmpg.ATComputing.nl"),
            ("20000726134909.I25170@atcmpg.ATComputing.nl", "397ECFEF.598EE285@catchword.com"),
            ("20000807113844.A22119@atcmpg.ATComputing.nl", "4.3.1.0.20000801154753.00ae3ed0@mindspring.com"),
        ],
        authors: &[
            ("20000209154405.C265@better.net", "William Park"),
            ("200002092200.RAA19561@mailfw3.ford.com", "Lincoln, D. E. (Daniel)"),
            ("NDBBJJFDMKFOAIFBEPPJIELLCBAA.cknoos@atg.com", "Carl Knoos"),
            ("a04310102b5099e5b4e3f@[207.29.200.50]", "Leonard Rosenthol"),
            ("200006141454.JAA14556@ns.simplesystems.org", "magick-bugs@simple.dallas.tx.us"),
        ],
        texts: &[
            // iso-8859-1, format=flowed; attribution before the quote.
            ("a04310102b5099e5b4e3f@[207.29.200.50]", "At 4:12 PM -0600 3/30/00, Joseph Korabelnikov wrote:\n\nI attempted to convert HTML file to the .jpg format from Command Prompt\nwindow and got an error :"),
            ("a04310102b5099e5b4e3f@[207.29.200.50]", "You can find it at <http://www.tdb.uu.se/~jan/html2ps.html>."),
        ],
    },
    Expect {
        path: "mbox/b4/naked-cover-bugreport.mbox",
        source: "mbox",
        convs: &[("20221025-bugreport-widget@example.com", 2, "widget subsystem corrupts data under load")],
        parents: &[("20221025-widget-fix-author@example.org", "20221025-bugreport-widget@example.com")],
        authors: &[
            ("20221025-bugreport-widget@example.com", "Bug Reporter"),
            ("20221025-widget-fix-author@example.org", "Test Author"),
        ],
        texts: &[
            ("20221025-bugreport-widget@example.com", "I am seeing data corruption in the widget subsystem under load.  This\nreport has no diffstat"),
            ("20221025-widget-fix-author@example.org", "Take the lock before touching the shared widget state.\n\nReported-by: Bug Reporter <reporter@example.com>\nSigned-off-by: Test Author <author@example.org>\n\n---\n file1 | 2 +-"),
        ],
    },
    Expect {
        path: "mbox/b4/shazam-git1-just-series.mbox",
        source: "mbox",
        convs: &[(V1, 5, "[PATCH 0/4] This is a cover for test series 1")],
        parents: &[
            ("20221025-test1-v1-1-e4f28f57990c@linuxfoundation.org", V1),
            ("20221025-test1-v1-2-e4f28f57990c@linuxfoundation.org", V1),
            ("20221025-test1-v1-3-e4f28f57990c@linuxfoundation.org", V1),
            ("20221025-test1-v1-4-e4f28f57990c@linuxfoundation.org", V1),
        ],
        authors: &[(V1, "Konstantin Ryabitsev")],
        texts: &[],
    },
    Expect {
        path: "mbox/b4/trailers-followup-with-cover.mbox",
        source: "mbox",
        convs: &[("cover-message@example.com", 5, "[PATCH v2 0/2] Simple cover")],
        parents: &[
            ("patch-1-message@example.com", "cover-message@example.com"),
            ("patch-2-message@example.com", "cover-message@example.com"),
            // In-Reply-To wins over References in the wrong order.
            ("fwup-message-1@example.com", "patch-2-message@example.com"),
            ("fwup-message-2@example.com", "cover-message@example.com"),
        ],
        authors: &[
            ("cover-message@example.com", "Test Test"),
            ("fwup-message-1@example.com", "Followup Reviewer1"),
        ],
        texts: &[(
            "fwup-message-1@example.com",
            "This is a simple trailer parsing test.\n\nReviewed-by: Followup Reviewer1 <followup-reviewer1@example.com>\n\n--\nMy sig",
        )],
    },
    Expect {
        path: "mbox/b4/trailers-thread-with-cover-followup.mbox",
        source: "mbox",
        convs: &[(V1, 7, "[PATCH 0/4] This is a cover for test series 1")],
        parents: &[
            ("20221025-test1-v1-1-e4f28f57990c@linuxfoundation.org", V1),
            ("20221025-test1-v1-2-e4f28f57990c@linuxfoundation.org", V1),
            ("20221025-test1-v1-3-e4f28f57990c@linuxfoundation.org", V1),
            ("20221025-test1-v1-4-e4f28f57990c@linuxfoundation.org", V1),
            ("fwup1@example.org", "20221025-test1-v1-4-e4f28f57990c@linuxfoundation.org"),
            ("cover-fwup1@example.org", V1),
        ],
        authors: &[("fwup1@example.org", "Follow Upper"), ("cover-fwup1@example.org", "Cover Upper")],
        texts: &[],
    },
    Expect {
        path: "mbox/b4/trailers-thread-with-followups.mbox",
        source: "mbox",
        convs: &[(V1, 6, "[PATCH 0/4] This is a cover for test series 1")],
        parents: &[
            ("20221025-test1-v1-1-e4f28f57990c@linuxfoundation.org", V1),
            ("20221025-test1-v1-2-e4f28f57990c@linuxfoundation.org", V1),
            ("20221025-test1-v1-3-e4f28f57990c@linuxfoundation.org", V1),
            ("20221025-test1-v1-4-e4f28f57990c@linuxfoundation.org", V1),
            ("fwup1@example.org", "20221025-test1-v1-4-e4f28f57990c@linuxfoundation.org"),
        ],
        authors: &[("fwup1@example.org", "Follow Upper")],
        texts: &[],
    },
    Expect {
        path: "maildir/threading",
        source: "maildir",
        convs: &[
            // Joined by the ghost <RT-Ticket-33575@…>; two top-level posts.
            ("87bmc6lp3h.fsf@len.workgroup", 3, "FYI: xxxx  xxxxxxx  xxxxxxxxxxxx xxx"),
            ("000-real-root@example.org", 6, "root message"),
            ("B00-root@example.org", 3, "root message"),
        ],
        parents: &[
            (
                "rt-4.2.8-22046-1529425595-591.33575-211-0@xxxxxxx-xxxxxxxxxxxxxxxxx-xxxxxxxxx-xxxxxxxxx.de",
                "87bmc6lp3h.fsf@len.workgroup",
            ),
            ("001-child@example.org", "000-real-root@example.org"),
            // In-Reply-To names a missing message: the nearest present reference.
            ("001-fake-message-root@example.org", "001-child@example.org"),
            ("001-grand-child@example.org", "001-child@example.org"),
            ("001-grand-child2@example.org", "001-child@example.org"),
            ("001-great-grand-child@example.org", "001-grand-child@example.org"),
            ("B01-child@example.org", "B00-root@example.org"),
            ("B01-grand-child@example.org", "B01-child@example.org"),
        ],
        authors: &[
            ("87bmc6lp3h.fsf@len.workgroup", "Gregor Zattler"),
            ("001-fake-message-root@example.org", "Mallory"),
            ("B00-root@example.org", "Alice"),
        ],
        texts: &[
            ("000-real-root@example.org", "This message has no in-reply-to"),
            ("B01-grand-child@example.org", "This has the references headers in the wrong order, with oldest first.\nDebbugs does this."),
        ],
    },
];

fn path(p: &str) -> PathBuf {
    super::corpus().join(p)
}

fn parse(e: &Expect) -> Vec<ThreadDoc> {
    let p = path(e.path);
    if p.is_dir() {
        assert!(mail::is_maildir(&p), "{}", e.path);
        parse_file(&p, &ImportOptions::default())
    } else {
        let bytes = std::fs::read(&p).unwrap();
        parse_bytes(e.path, &bytes, &ImportOptions::default())
    }
    .unwrap_or_else(|err| panic!("{}: {err}", e.path))
}

fn check(e: &Expect) -> Vec<ThreadDoc> {
    let docs = parse(e);
    let shape: Vec<(String, usize, String)> = docs
        .iter()
        .map(|d| {
            let key = d.source_key.clone().unwrap_or_default();
            let key = if key.starts_with("no-message-id-") {
                String::new()
            } else {
                key
            };
            (key, d.posts.len(), d.title.clone())
        })
        .collect();
    let want: Vec<(String, usize, String)> = e
        .convs
        .iter()
        .map(|(k, n, t)| (k.to_string(), *n, t.to_string()))
        .collect();
    assert_eq!(shape, want, "{}: conversations", e.path);

    let mut all: HashMap<&str, &threadmark_core::PostDoc> = HashMap::new();
    for doc in &docs {
        assert_eq!(doc.source, e.source, "{}: detected format", e.path);
        assert_eq!(
            doc.source_key.as_deref(),
            Some(doc.posts[0].source_id.as_str()),
            "the key is the root's Message-ID"
        );
        assert!(doc.posts[0].parent.is_none());
        let mut seen = HashSet::new();
        for post in &doc.posts {
            if let Some(parent) = &post.parent {
                assert!(
                    seen.contains(parent.as_str()),
                    "{}: {} before its parent",
                    e.path,
                    post.source_id
                );
            }
            seen.insert(post.source_id.as_str());
            assert!(
                all.insert(post.source_id.as_str(), post).is_none(),
                "{}: {} twice",
                e.path,
                post.source_id
            );
            let r = post.body.render();
            super::invariant::check(&r.html, &r.text);
        }
    }
    for (id, parent) in e.parents {
        let post = all.get(id).unwrap_or_else(|| panic!("{}: no {id}", e.path));
        assert_eq!(
            post.parent.as_deref(),
            Some(*parent),
            "{}: parent of {id}",
            e.path
        );
    }
    let with_parent = all.values().filter(|p| p.parent.is_some()).count();
    assert_eq!(
        with_parent,
        e.parents.len(),
        "{}: posts with a parent",
        e.path
    );
    for (id, author) in e.authors {
        assert_eq!(
            all[id].author.as_deref(),
            Some(*author),
            "{}: author of {id}",
            e.path
        );
    }
    for (id, text) in e.texts {
        let got = all[id].body.render().text;
        assert!(got.contains(text), "{}: text of {id}: {got:?}", e.path);
    }
    docs
}

#[test]
fn corpus_mailboxes_thread_as_expected() {
    for e in FILES {
        check(e);
    }
}

#[test]
fn corpus_mailboxes_import_into_the_library() {
    let mut lib = Library::open_in_memory().unwrap();
    let mut threads = 0;
    for e in FILES {
        let docs = check(e);
        let ids = lib.import_docs(&docs, None).unwrap();
        assert_eq!(ids.len(), e.convs.len());
        for (id, doc) in ids.iter().zip(&docs) {
            let posts = lib.posts(*id).unwrap();
            // b4 series files share their cover letter: a later file updates the
            // thread, and posts it lacks are kept (marked deleted).
            let stored: HashSet<&str> = posts.iter().map(|p| p.source_id.as_str()).collect();
            assert!(doc
                .posts
                .iter()
                .all(|p| stored.contains(p.source_id.as_str())));
            for p in &posts {
                super::invariant::check(&p.html, &p.text);
            }
        }
        // Re-importing updates in place (keys: root Message-IDs, synthesized ones too).
        let again = lib.import_docs(&check(e), None).unwrap();
        assert_eq!(again, ids, "{}: re-import", e.path);
        threads += ids.len();
    }
    // b4 series share a cover letter id across files: they update one thread.
    let distinct: HashSet<String> = FILES
        .iter()
        .flat_map(|e| e.convs.iter().map(move |c| format!("{}{}", e.source, c.0)))
        .collect();
    assert!(threads >= distinct.len());
    assert_eq!(lib.list_threads().unwrap().len(), distinct.len());
}

#[test]
fn message_without_message_id_gets_a_stable_synthesized_id() {
    let docs = check(&FILES[0]);
    let doc = docs
        .iter()
        .find(|d| d.title == "Resize with Transparency")
        .unwrap();
    let id = &doc.posts[0].source_id;
    assert!(
        id.starts_with("no-message-id-") && id.ends_with("@threadmark.invalid"),
        "{id}"
    );
    let again = check(&FILES[0]);
    assert!(again.iter().any(|d| &d.posts[0].source_id == id), "stable");
    // Its signature is marked (emphasis), its indented code is a code block.
    let body = &doc.posts[0].body;
    let r = body.render();
    assert!(r.html.contains("<em>--\n<br>Thanks,"), "{}", r.html);
    assert!(body
        .0
        .iter()
        .any(|b| matches!(b, Block::Code(c) if c.starts_with("my $image->Read('original.gif');"))));
}

#[test]
fn mbox_error_names_the_message_number() {
    let mut bytes = std::fs::read(path("mbox/b4/trailers-followup-with-cover.mbox")).unwrap();
    bytes.extend_from_slice(b"\nFrom x@y Thu Jan  1 00:00:00 1970\nno headers here, just text\n");
    let err = parse_bytes("box.mbox", &bytes, &ImportOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("box.mbox") && msg.contains("message 6 (line 115)"),
        "{msg}"
    );
    assert!(!msg.contains('\n'));
}

#[test]
fn crlf_mbox_and_mboxrd_quoting() {
    let bytes = std::fs::read(path("mbox/b4/trailers-thread-with-followups.mbox")).unwrap();
    let crlf: Vec<u8> = String::from_utf8(bytes.clone())
        .unwrap()
        .replace('\n', "\r\n")
        .into_bytes();
    let a = parse_bytes("lf", &bytes, &ImportOptions::default()).unwrap();
    let b = parse_bytes("crlf", &crlf, &ImportOptions::default()).unwrap();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        let tx: Vec<String> = x.posts.iter().map(|p| p.body.render().text).collect();
        let ty: Vec<String> = y.posts.iter().map(|p| p.body.render().text).collect();
        assert_eq!(tx, ty);
    }
    let rd = b"From a@b Thu Jan  1 00:00:00 1970\nFrom: A <a@b>\nSubject: s\nMessage-ID: <1@b>\n\n>From the start\n>>From quoted\n";
    let docs = parse_bytes("rd.mbox", rd, &ImportOptions::default()).unwrap();
    let r = docs[0].posts[0].body.render();
    assert_eq!(r.text, "From the start\n\nFrom quoted");
    assert_eq!(r.quotes.len(), 1);
}

#[test]
fn mime_charsets_and_encoded_words() {
    let msg = b"From: =?ISO-8859-1?Q?Andr=E9?= <a@b>\nSubject: =?UTF-8?B?UmU6IGNhZsOp?=\nMessage-ID: <m1@b>\nDate: Tue, 1 Mar 2011 10:00:00 +0100\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"XX\"\n\n--XX\nContent-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nCaf=E9 cr=E8me, na=EFve =\nsoft break\n--XX\nContent-Type: text/html; charset=utf-8\n\n<p>html version</p>\n--XX--\n";
    let docs = parse_bytes("m.eml", msg, &ImportOptions::default()).unwrap();
    let post = &docs[0].posts[0];
    assert_eq!(docs[0].source, "mbox");
    assert_eq!(docs[0].title, "café");
    assert_eq!(post.author.as_deref(), Some("André"));
    assert_eq!(post.created_at, Some(1298970000));
    assert_eq!(post.body.render().text, "Café crème, naïve soft break");

    let b64 = b"From: x@y\nSubject: b\nMessage-ID: <m2@b>\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nSGVsbG8g8J+OiQ==\n";
    let docs = parse_bytes("b.eml", b64, &ImportOptions::default()).unwrap();
    assert_eq!(docs[0].posts[0].body.render().text, "Hello 🎉");
    assert_eq!(docs[0].posts[0].author.as_deref(), Some("x@y"));

    let html = b"From: x@y\nSubject: h\nMessage-ID: <m3@b>\nContent-Type: text/html\n\n<p>Only <b>html</b></p><script>alert(1)</script>\n";
    let docs = parse_bytes("h.eml", html, &ImportOptions::default()).unwrap();
    let r = docs[0].posts[0].body.render();
    assert!(r.text.contains("Only html"), "{:?}", r.text);
    assert!(!r.html.contains("<script") && !r.html.contains("<b>"));
}

#[test]
fn invalid_utf8_is_decoded_lossily() {
    let msg = b"From: Bad \xff\xfe <a@b>\nSubject: bad \xc3\x28 bytes\nMessage-ID: <bad@b>\nContent-Type: text/plain; charset=utf-8\n\nok \xff\xfe\xc3 then text\x00\x07 end\n";
    let docs = parse_bytes("bad.mbox", msg, &ImportOptions::default()).unwrap();
    let post = &docs[0].posts[0];
    let r = post.body.render();
    super::invariant::check(&r.html, &r.text);
    assert!(
        r.text.starts_with("ok ") && r.text.ends_with("then text end"),
        "{:?}",
        r.text
    );
    assert!(r.text.contains('\u{fffd}'));
    assert!(docs[0].title.starts_with("bad "));
    let mut lib = Library::open_in_memory().unwrap();
    assert_eq!(lib.import_docs(&docs, None).unwrap().len(), 1);
}

#[test]
fn cycles_and_duplicates_do_not_hang_or_repeat() {
    let mbox = b"From a\nFrom: a@x\nSubject: one\nMessage-ID: <1@x>\nIn-Reply-To: <2@x>\n\none\n\nFrom b\nFrom: b@x\nSubject: Re: one\nMessage-ID: <2@x>\nIn-Reply-To: <1@x>\n\ntwo\n\nFrom c\nFrom: c@x\nSubject: dup\nMessage-ID: <2@x>\n\ndup\n";
    let docs = parse_bytes("cyc.mbox", mbox, &ImportOptions::default()).unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].posts.len(), 2);
    assert!(docs[0].posts[0].parent.is_none());
}

#[test]
fn detection_and_forced_formats() {
    let bytes = std::fs::read(path("mbox/b4/naked-cover-bugreport.mbox")).unwrap();
    assert_eq!(
        threadmark_core::import::detect(&bytes).unwrap(),
        SourceFormat::Mbox
    );
    // A single message file of the Maildir is detected as a message.
    let one = std::fs::read(path("maildir/threading/parent-priority/cur/root")).unwrap();
    let docs = parse_bytes("root", &one, &ImportOptions::default()).unwrap();
    assert_eq!(docs[0].posts[0].source_id, "B00-root@example.org");
    // The seed is not mail; a mailbox forced as Reddit or as a Maildir file fails.
    assert!(!mail::sniff(super::seed().as_bytes()));
    for format in [SourceFormat::Reddit, SourceFormat::Maildir] {
        let forced = ImportOptions {
            format,
            ..Default::default()
        };
        assert!(parse_bytes("x.mbox", &bytes, &forced).is_err());
    }
    // Text forced on a mailbox reads it as text.
    let as_text = ImportOptions {
        format: SourceFormat::Text,
        ..Default::default()
    };
    assert_eq!(
        parse_bytes("x", &bytes, &as_text).unwrap()[0].source,
        "text"
    );
    // A folder that is not a Maildir is refused.
    assert!(!mail::is_maildir(&path("reddit")));
    assert!(parse_file(&path("reddit"), &ImportOptions::default()).is_err());
    // The size limit applies to the whole Maildir.
    let small = ImportOptions {
        max_bytes: 1000,
        ..Default::default()
    };
    let err = parse_file(&path("maildir/threading"), &small).unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");
}

// --- email-quotes: bodies with quotes, attribution lines and signatures ----------

fn email(name: &str) -> String {
    let bytes = std::fs::read(path(&format!("email-quotes/emails/{name}"))).unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The texts of the emphasised (attribution or signature) paragraphs at the top
/// level, and the number of top-level quote blocks.
fn marks(name: &str) -> (Vec<String>, usize) {
    let body = body_from_text(&email(name));
    let r = body.render();
    super::invariant::check(&r.html, &r.text);
    let mut em = Vec::new();
    for b in &body.0 {
        if let Block::Paragraph(inlines) = b {
            if let [Inline::Emphasis(_)] = inlines.as_slice() {
                let t = threadmark_core::body::Body(vec![b.clone()]).render().text;
                em.push(t);
            }
        }
    }
    let quotes = body
        .0
        .iter()
        .filter(|b| matches!(b, Block::Quote(_)))
        .count();
    (em, quotes)
}

#[test]
fn every_email_quotes_body_renders_with_the_invariant() {
    let dir = path("email-quotes/emails");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        marks(&name);
        n += 1;
    }
    assert_eq!(n, 22);
}

#[test]
fn attribution_lines_and_signatures_are_marked() {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(marks("correct_sig.txt"), (s(&["--\nrick"]), 0));
    assert_eq!(
        marks("email_1_2.txt"),
        (
            s(&["On Tue, 2011-03-01 at 18:02 +0530, Abhishek Kona wrote:"]),
            2
        )
    );
    assert_eq!(
        marks("email_1_3.txt"),
        (s(&["On 01/03/11 7:07 PM, Russell Brown wrote:"]), 1)
    );
    assert_eq!(
        marks("email_1_4.txt"),
        (
            s(&["On Aug 22, 2011, at 7:37 PM, defunkt<reply@reply.github.com> wrote:"]),
            1
        )
    );
    assert_eq!(
        marks("email_1_6.txt"),
        (
            s(&["On Dec 16, 2011, at 12:47 PM, Corey Donohoe\n<reply@reply.github.com>\nwrote:"]),
            1
        )
    );
    assert_eq!(
        marks("email_1_7.txt"),
        (s(&["On Tue, Sep 25, 2012 at 8:59 AM, Chris Wanstrath\n<notifications@github.com>wrote:"]), 1)
    );
    assert_eq!(
        marks("email_1_8.txt"),
        (
            s(&[
                "On Tue, Apr 29, 2014 at 4:22 PM, Example Dev <sugar@example.com>wrote:",
                "--\nHey there, this is my signature"
            ]),
            3
        )
    );
    assert_eq!(
        marks("email_bullets.txt"),
        (
            s(&[
                "On Fri, Feb 24, 2012 at 10:19 AM, <examples@email.goalengine.com> wrote:",
                "--\n*Joe Smith | Director, Product Management*"
            ]),
            1
        )
    );
    assert_eq!(
        marks("pathological.txt"),
        (
            s(&["On Dec 8, 2013 2:10 PM, \"John Sullivan\" <notifications@github.com> wrote:"]),
            1
        )
    );
    assert_eq!(
        marks("email_one_is_not_on.txt"),
        (s(&["On Oct 1, 2012, at 11:55 PM, Dave Tapley wrote:"]), 1)
    );
    assert_eq!(
        marks("greedy_on.txt"),
        (s(&["On 9 Jan 2014, at 2:47, George Plymale wrote:"]), 1)
    );
    assert_eq!(marks("email_iPhone.txt"), (s(&["Sent from my iPhone"]), 0));
    assert_eq!(
        marks("email_BlackBerry.txt"),
        (s(&["Sent from my BlackBerry"]), 0)
    );
    assert_eq!(
        marks("email_multi_word_sent_from_my_mobile_device.txt"),
        (s(&["Sent from my Verizon Wireless BlackBerry"]), 0)
    );
    // Not attributions or signatures.
    for name in [
        "email_sent_from_my_not_signature.txt",
        "email_sig_delimiter_in_middle_of_line.txt",
        "email_1_1.txt",
        "email_1_5.txt",
        "email_2_1.txt",
    ] {
        assert_eq!(marks(name), (vec![], 0), "{name}");
    }
    // The nested attribution inside email_1_3's quote is marked inside the quote.
    let body = body_from_text(&email("email_1_3.txt"));
    let html = body.render().html;
    assert!(html.contains("<blockquote><p>Hi,</p>\n\n<p><em>On Tue, 2011-03-01 at 18:02 +0530, Abhishek Kona wrote:</em></p>"), "{html}");
}

/// `email_long_quote.txt` nests `>` 58,968 deep (on a line that quotes nothing, so
/// it yields no quote block; a variant gives that line words). As a mail body and
/// as a text dump it reads, renders, stores and drops on a 2 MiB stack (the default
/// of a spawned thread and of a test), its quotes capped at `MAX_QUOTE_DEPTH`.
#[test]
fn long_quote_runs_on_a_small_stack() {
    let text = email("email_long_quote.txt");
    let lines: Vec<&str> = text.lines().collect();
    let deepest = lines
        .iter()
        .map(|l| l.chars().take_while(|&c| c == '>').count())
        .max()
        .unwrap();
    assert_eq!(deepest, 58_968);
    assert_eq!(lines[4].len(), 58_968);
    let mut worded = lines.clone();
    let deep_words = format!("{} deep words", lines[4]);
    worded[4] = &deep_words;
    let worded = worded.join("\n");
    let cap = mail::body::MAX_QUOTE_DEPTH;
    // (quote depths as a mail body, as a text dump, as stored; a sample of text)
    let run = |text: String| {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let body = body_from_text(&text);
                let r = body.render();
                let mail: Vec<usize> = r.quotes.iter().map(|q| q.depth).collect();
                assert!(r.text.starts_with("Hi folks"));
                assert!(r.text.contains("asdf"));
                drop(body);
                let docs =
                    parse_bytes("long.txt", text.as_bytes(), &ImportOptions::default()).unwrap();
                assert_eq!(docs[0].source, "text");
                let dump: Vec<usize> = docs
                    .iter()
                    .flat_map(|d| &d.posts)
                    .flat_map(|p| p.body.render().quotes)
                    .map(|q| q.depth)
                    .collect();
                let mut lib = Library::open_in_memory().unwrap();
                let id = lib.import_docs(&docs, None).unwrap()[0];
                let stored: Vec<i64> = lib
                    .quote_blocks(id, true)
                    .unwrap()
                    .iter()
                    .map(|q| q.depth)
                    .collect();
                let texts: Vec<String> =
                    lib.posts(id).unwrap().into_iter().map(|p| p.text).collect();
                drop(docs);
                (mail, dump, stored, texts.join("\n"))
            })
            .unwrap()
            .join()
            .unwrap()
    };
    let (mail, dump, stored, _) = run(text.clone());
    assert!(mail.is_empty(), "{mail:?}");
    assert!(dump.is_empty(), "{dump:?}");
    assert!(stored.is_empty(), "{stored:?}");
    let (mail, dump, stored, texts) = run(worded);
    let nested: Vec<usize> = (1..=cap).collect();
    assert_eq!(mail, nested);
    assert_eq!(dump, nested);
    assert_eq!(stored, nested.iter().map(|&d| d as i64).collect::<Vec<_>>());
    assert!(texts.contains("deep words"));
}
