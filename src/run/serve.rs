//! `deal serve FILE_OR_DIR [--series S]`: the HTML statement, live, on the
//! loopback address. Each request reads the files again, so the page is
//! always the files' own; the page asks `/version` every half second and
//! reloads when the files changed. An agreement that does not check shows
//! its diagnostics, located in its source, in place of the statement.
//!
//! What it serves is only what it was given: the URL never names a path.
//! `/` is the agreement (or, for a directory, the list of its agreements);
//! `/deal/NAME` is `NAME.deal` of the directory, looked up among its
//! entries; anything else is 404. An entry that is a symbolic link out of
//! the directory is not listed.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use dealterms::diagnostics::{self, Style};
use dealterms::report;
use dealterms::source::Input;

use super::Status;

/// What the server was given.
#[derive(Clone)]
struct Served {
    /// The agreement, or the directory of agreements.
    root: PathBuf,
    directory: bool,
    series: Option<PathBuf>,
}

pub fn serve(root: &Path, series: Option<&Path>, port: u16) -> Status {
    let served = Served {
        root: root.to_path_buf(),
        directory: root.is_dir(),
        series: series.map(Path::to_path_buf),
    };
    if !served.directory && !root.is_file() {
        tell!("deal: `{}`: no such agreement or directory", root.display());
        return Status::Failed;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tell!("deal: cannot start the server: {error}");
            return Status::Failed;
        }
    };
    runtime.block_on(async move {
        // The loopback address only: the preview is for this machine.
        let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
            Ok(listener) => listener,
            Err(error) => {
                tell!("deal: cannot listen on 127.0.0.1:{port}: {error}");
                return Status::Failed;
            }
        };
        let address = match listener.local_addr() {
            Ok(address) => address,
            Err(error) => {
                tell!("deal: {error}");
                return Status::Failed;
            }
        };
        say!(
            "serving {} on http://{address}/ (Ctrl-C stops)",
            served.root.display()
        );
        let app = Router::new()
            .route("/", get(index))
            .route("/deal/{name}", get(named))
            .route("/version", get(version))
            // Browsers ask for it unbidden: nothing, rather than a 404 in
            // the console.
            .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
            .fallback(not_found)
            .with_state(served);
        match axum::serve(listener, app).await {
            Ok(()) => Status::Ok,
            Err(error) => {
                tell!("deal: the server stopped: {error}");
                Status::Failed
            }
        }
    })
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}

/// `/`: the agreement, or the list of the directory's agreements.
async fn index(State(served): State<Served>) -> Response {
    if !served.directory {
        return page(&served, &served.root);
    }
    let version = fingerprint(&served);
    let names = agreements(&served.root);
    let mut body = format!(
        "<h1>{}</h1>\n<ul>\n",
        report::html::escape(&served.root.display().to_string())
    );
    for (name, _) in &names {
        let name = report::html::escape(name);
        body.push_str(&format!("<li><a href=\"/deal/{name}\">{name}</a></li>\n"));
    }
    body.push_str("</ul>\n");
    live(version, &wrap("deal serve", &body))
}

/// `/deal/NAME`: an agreement of the directory, by its name.
async fn named(State(served): State<Served>, UrlPath(name): UrlPath<String>) -> Response {
    if !served.directory {
        return not_found().await;
    }
    match agreements(&served.root)
        .into_iter()
        .find(|(n, _)| *n == name)
    {
        Some((_, path)) => page(&served, &path),
        None => not_found().await,
    }
}

/// `/version`: a fingerprint of every file served; the page reloads when
/// it changes.
async fn version(State(served): State<Served>) -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        fingerprint(&served).to_string(),
    )
        .into_response()
}

/// The `*.deal` files of a directory, by name, that are inside it (a link
/// out of it is left out).
fn agreements(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(base) = std::fs::canonicalize(dir) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "deal"))
        .filter(|path| std::fs::canonicalize(path).is_ok_and(|real| real.starts_with(&base)))
        .filter_map(|path| Some((path.file_stem()?.to_str()?.to_string(), path)))
        .collect();
    found.sort();
    found
}

/// A hash of the served files' sizes and times (and, for a directory, of
/// its listing): what the page compares to know it is stale.
fn fingerprint(served: &Served) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let mut files: Vec<PathBuf> = if served.directory {
        agreements(&served.root)
            .into_iter()
            .map(|(_, p)| p)
            .collect()
    } else {
        vec![served.root.clone()]
    };
    files.extend(served.series.clone());
    // A declared series changes the page too: every CSV and workbook
    // beside the agreements.
    let dir = if served.directory {
        served.root.clone()
    } else {
        served
            .root
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    };
    if let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &dir
    }) {
        let mut beside: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                dealterms::workbook::is_workbook(p) || p.extension().is_some_and(|e| e == "csv")
            })
            .collect();
        beside.sort();
        files.extend(beside);
    }
    for file in files {
        file.hash(&mut hasher);
        if let Ok(metadata) = std::fs::metadata(&file) {
            metadata.len().hash(&mut hasher);
            metadata.modified().ok().hash(&mut hasher);
        }
    }
    hasher.finish()
}

/// The statement page of one agreement, or its problems.
fn page(served: &Served, file: &Path) -> Response {
    // Taken before the files are read: a change while they are read makes
    // the page reload.
    let version = fingerprint(served);
    let name = file.display().to_string();
    let body = match statement_page(served, file) {
        Ok(html) => return live(version, &html),
        Err(problems) => format!(
            "<h1>{}</h1>\n<p>The agreement does not evaluate; the page reloads when it is saved again.</p>\n<pre class=\"problems\">{}</pre>\n",
            report::html::escape(&name),
            report::html::escape(&problems)
        ),
    };
    live(version, &wrap(&name, &body))
}

/// The HTML statement of `file`, or its problems rendered as `deal check`
/// shows them (without colour).
fn statement_page(served: &Served, file: &Path) -> Result<String, String> {
    let name = file.display().to_string();
    let style = Style::Human {
        color: false,
        width: 100,
    };
    let text = super::text_of(file, Input::Agreement, style)?;
    let (agreement, _) = dealterms::compile(&text)
        .map_err(|problems| diagnostics::render(&problems, &name, &text, style))?;
    let series_path = match (&served.series, served.directory) {
        (Some(path), false) => path.clone(),
        _ => super::declared::resolve(file, &agreement)
            .map_err(|problem| diagnostics::render(&[problem], &name, &text, style))?
            .ok_or_else(|| {
                format!("`{name}` names no series: give `deal serve {name} --series FILE`, or add `series \"FILE.csv\"` to it")
            })?,
    };
    let series_name = series_path.display().to_string();
    let series_text = super::text_of(&series_path, Input::Series, style)?;
    let series = dealterms::series::read(&series_text)
        .map_err(|problems| diagnostics::render(&problems, &series_name, &series_text, style))?;
    let options = dealterms::eval::Options {
        explain: true,
        ..dealterms::eval::Options::default()
    };
    let statement = dealterms::eval::evaluate(&agreement, &series, &options)
        .map_err(|problem| diagnostics::render(&[problem], &name, &text, style))?;
    report::html::render(&statement, &agreement, (&name, &text)).map_err(|error| error.to_string())
}

/// A plain page around `body`.
fn wrap(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n\
         <style>body{{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem}}pre{{background:#fff4f4;padding:1rem;overflow-x:auto}}</style>\n\
         </head>\n<body>\n{body}</body>\n</html>\n",
        report::html::escape(title)
    )
}

/// The page, made live: a script that reloads it when the files' `version`
/// is no longer the one it was made from.
fn live(version: u64, html: &str) -> Response {
    let script = format!(
        "<script>\n(() => {{\n  const version = \"{version}\";\n  setInterval(async () => {{\n    try {{\n      const now = await (await fetch(\"/version\", {{ cache: \"no-store\" }})).text();\n      if (now !== version) location.reload();\n    }} catch (error) {{}}\n  }}, 500);\n}})();\n</script>\n</body>"
    );
    let page = match html.rfind("</body>") {
        Some(at) => format!("{}{script}{}", &html[..at], &html[at + "</body>".len()..]),
        None => format!("{html}{script}"),
    };
    ([(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
}
