//! `deal lsp` driven over stdio as an editor drives it (issue 18):
//! initialize, open, change, requests, shutdown. Every feature is checked
//! on the seed example, a file with errors, and names outside ASCII.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

/// An editor's end of the protocol.
struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
    /// Diagnostics published so far, by URI, the latest last.
    published: Vec<(String, Value)>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_deal"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("deal lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut client = Client {
            child,
            stdin,
            stdout,
            next_id: 0,
            published: Vec::new(),
        };
        let capabilities = client.request("initialize", json!({"capabilities": {}}));
        assert!(
            capabilities["capabilities"]["hoverProvider"]
                .as_bool()
                .unwrap_or(false),
            "{capabilities}"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("written");
        self.stdin.flush().expect("flushed");
    }

    fn receive(&mut self) -> Value {
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.stdout.read_line(&mut line).expect("a header");
            assert!(!line.is_empty(), "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).expect("a body");
        serde_json::from_slice(&body).expect("JSON")
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its answer, keeping the diagnostics
    /// published meanwhile.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message["id"] == json!(id) {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
            self.keep(message);
        }
    }

    fn keep(&mut self, message: Value) {
        if message["method"] == "textDocument/publishDiagnostics" {
            let uri = message["params"]["uri"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            self.published
                .push((uri, message["params"]["diagnostics"].clone()));
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            if let Some(index) = self.published.iter().position(|(u, _)| u == uri) {
                let (_, diagnostics) = self.published.remove(index);
                return diagnostics.as_array().cloned().unwrap_or_default();
            }
            let message = self.receive();
            self.keep(message);
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "deal", "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        self.diagnostics(uri)
    }

    fn at(&mut self, method: &str, uri: &str, (line, character): (u32, u32), more: Value) -> Value {
        let mut params = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
        if let (Some(params), Some(more)) = (params.as_object_mut(), more.as_object()) {
            params.extend(more.clone());
        }
        self.request(method, params)
    }

    fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("the server ends");
        assert!(status.success(), "{status}");
    }
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Line and UTF-16 character of the first `needle` in `text`.
fn position_of(text: &str, needle: &str) -> (u32, u32) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` in the text"));
    let before = &text[..at];
    let line = before.matches('\n').count() as u32;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = text[start..at].chars().map(char::len_utf16).sum::<usize>() as u32;
    (line, character)
}

/// The seed example and its series, copied to a fresh directory.
fn seed() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for file in ["openai-microsoft.deal", "openai-microsoft.csv"] {
        std::fs::copy(Path::new("examples").join(file), dir.path().join(file)).expect("copied");
    }
    let path = dir.path().join("openai-microsoft.deal");
    let text = std::fs::read_to_string(&path).expect("the seed");
    (dir, uri_of(&path), text)
}

#[test]
fn the_seed_example_is_clean_and_says_what_it_pays() {
    let (_dir, uri, text) = seed();
    let mut client = Client::start();
    assert_eq!(client.open(&uri, &text), Vec::<Value>::new());

    let hover = client.at(
        "textDocument/hover",
        &uri,
        position_of(&text, "revenue-share:"),
        json!({}),
    );
    let shown = hover["contents"]["value"].as_str().expect("markdown");
    assert!(
        shown.contains("share 20% of revenue from OpenAI to Microsoft cap 38B"),
        "{shown}"
    );
    assert!(
        shown.contains("pays 38,000,000,000.00 (38B) over 2025 to 2032"),
        "{shown}"
    );
    assert!(shown.contains("2030: cap of 38B reached"), "{shown}");

    let hover = client.at(
        "textDocument/hover",
        &uri,
        position_of(&text, "Microsoft\n"),
        json!({}),
    );
    let shown = hover["contents"]["value"].as_str().expect("markdown");
    assert!(shown.contains("receives 38,000,000,000.00"), "{shown}");

    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    let lenses = lenses.as_array().expect("lenses");
    assert_eq!(lenses.len(), 1);
    assert!(
        lenses[0]["command"]["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("pays 38,000,000,000.00")),
        "{lenses:?}"
    );

    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(symbols[0]["name"], "revenue-share");
    assert_eq!(symbols[0]["detail"], "share");

    // Microsoft in the clause leads to `parties`.
    let clause = position_of(&text, "Microsoft cap");
    let definition = client.at("textDocument/definition", &uri, clause, json!({}));
    assert_eq!(
        definition["range"]["start"],
        json!({"line": position_of(&text, "Microsoft\n").0, "character": position_of(&text, "Microsoft\n").1})
    );
    let references = client.at(
        "textDocument/references",
        &uri,
        clause,
        json!({"context": {"includeDeclaration": true}}),
    );
    // `parties`, the clause, and `expect Microsoft total`.
    assert_eq!(references.as_array().map(Vec::len), Some(3), "{references}");

    let completions = client.at(
        "textDocument/completion",
        &uri,
        position_of(&text, "Microsoft cap"),
        json!({}),
    );
    let labels: Vec<&str> = completions
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|item| item["label"].as_str())
        .collect();
    assert_eq!(labels, ["OpenAI", "Microsoft"], "after `to`, the parties");

    client.shutdown();
}

#[test]
fn errors_appear_as_typed_with_their_fix() {
    let (_dir, uri, text) = seed();
    let mut client = Client::start();
    client.open(&uri, &text);
    let typo = text.replace("to Microsoft cap", "to Microsfot cap");
    let diagnostics = client.change(&uri, 2, &typo);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["code"], "deal::check::unknown_party");
    assert_eq!(diagnostic["severity"], 1);
    let (line, character) = position_of(&typo, "Microsfot");
    assert_eq!(
        diagnostic["range"],
        json!({"start": {"line": line, "character": character}, "end": {"line": line, "character": character + 9}})
    );
    assert!(
        diagnostic["message"]
            .as_str()
            .is_some_and(|m| m.contains("unknown party `Microsfot`")
                && m.contains("did you mean `Microsoft`?")),
        "{diagnostic}"
    );
    // The same as `deal check --diagnostic-format json`.
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("typo.deal");
    std::fs::write(&file, &typo).expect("written");
    let out = Command::new(env!("CARGO_BIN_EXE_deal"))
        .args([
            "check",
            "--diagnostic-format",
            "json",
            &file.to_string_lossy(),
        ])
        .output()
        .expect("deal check");
    let checked: Value = serde_json::from_slice(
        out.stdout
            .split(|b| *b == b'\n')
            .chain(out.stderr.split(|b| *b == b'\n'))
            .find(|line| line.starts_with(b"{"))
            .expect("a JSON diagnostic"),
    )
    .expect("JSON");
    assert_eq!(checked["code"], diagnostic["code"], "{checked}");

    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}}),
    );
    let action = &actions[0];
    assert_eq!(action["title"], "replace with `Microsoft`");
    let edit = &action["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "Microsoft");
    assert_eq!(edit["range"], diagnostic["range"]);

    // A missing `%`, fixed.
    let no_percent = text.replace("share 20%", "share 20");
    let diagnostics = client.change(&uri, 3, &no_percent);
    assert_eq!(diagnostics[0]["code"], "deal::check::expected_rate");
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diagnostics[0]["range"], "context": {"diagnostics": []}}),
    );
    assert_eq!(actions[0]["edit"]["changes"][&uri][0]["newText"], "20%");

    // A syntax error, located; then fixed, the diagnostics cleared.
    let broken = text.replace("cap 38B", "cap cap 38B");
    let diagnostics = client.change(&uri, 4, &broken);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(client.change(&uri, 5, &text), Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn formatting_is_deal_fmt() {
    let (_dir, uri, text) = seed();
    let messy = text.replace("  payer OpenAI", "payer    OpenAI");
    let mut client = Client::start();
    client.open(&uri, &messy);
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let edits = edits.as_array().expect("edits");
    assert_eq!(edits.len(), 1);
    let formatted = dealterms::format_source(&messy).expect("formats");
    assert_eq!(edits[0]["newText"], formatted.as_str());
    assert_eq!(formatted, text);
    client.shutdown();
}

#[test]
fn names_outside_ascii_land_on_their_characters() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("licence.deal");
    let text = "agreement \"Licence\" {\n  currency EUR\n  parties \"Société Générale\", 株式会社, 𝒜gent\n  payer 株式会社\n\n  royalty: share 10% of revenue to \"Société Générale\"\n  fee: share 2% of revenue to 𝒜gent\n}\n";
    let uri = uri_of(&path);
    let mut client = Client::start();
    assert_eq!(client.open(&uri, text), Vec::<Value>::new());
    // Go to 株式会社's declaration from `payer`.
    let payer = position_of(text, "株式会社\n");
    let definition = client.at(
        "textDocument/definition",
        &uri,
        (payer.0, payer.1 + 2),
        json!({}),
    );
    let (line, character) = position_of(text, "株式会社,");
    assert_eq!(
        definition["range"],
        json!({"start": {"line": line, "character": character}, "end": {"line": line, "character": character + 4}})
    );
    // 𝒜 is two UTF-16 units: the name is six long.
    let agent = position_of(text, "𝒜gent\n");
    let references = client.at(
        "textDocument/references",
        &uri,
        agent,
        json!({"context": {"includeDeclaration": true}}),
    );
    let ranges: Vec<&Value> = references
        .as_array()
        .expect("refs")
        .iter()
        .map(|r| &r["range"])
        .collect();
    assert_eq!(ranges.len(), 2);
    assert_eq!(
        ranges[0]["start"]["character"].as_u64(),
        Some(u64::from(agent.1))
    );
    assert_eq!(
        ranges[0]["end"]["character"].as_u64(),
        Some(u64::from(agent.1) + 6)
    );
    // Renaming a quoted party keeps it quoted.
    let rename = client.at(
        "textDocument/rename",
        &uri,
        position_of(text, "Société"),
        json!({"newName": "Société Générale SA"}),
    );
    let edits = rename["changes"][&uri].as_array().expect("edits");
    assert_eq!(edits.len(), 2);
    assert!(
        edits
            .iter()
            .all(|e| e["newText"] == "\"Société Générale SA\"")
    );
    client.shutdown();
}

/// Whatever the project's corpora hold, the server answers and lives on.
#[test]
fn no_input_of_the_corpora_stops_the_server() {
    let mut client = Client::start();
    let mut files = 0;
    let mut version = 1;
    for dir in [
        "tests/corpus/diagnostics",
        "tests/corpus/fmt",
        "tests/corpus/eval",
        "tests/corpus/valid",
    ] {
        for entry in std::fs::read_dir(dir).expect("a corpus") {
            let path = entry.expect("a file").path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let uri = "file:///corpus/file.deal";
            version += 1;
            if version == 2 {
                client.open(uri, &text);
            } else {
                client.change(uri, version, &text);
            }
            let lines = text.lines().count().max(1) as u32;
            for line in [0, lines / 2, lines - 1] {
                for method in [
                    "textDocument/hover",
                    "textDocument/completion",
                    "textDocument/definition",
                ] {
                    client.at(method, uri, (line, 3), json!({}));
                }
            }
            client.request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri}}),
            );
            client.request(
                "textDocument/codeLens",
                json!({"textDocument": {"uri": uri}}),
            );
            client.request(
                "textDocument/formatting",
                json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
            );
            files += 1;
        }
    }
    assert!(files > 100, "{files}");
    client.shutdown();
}
