//! `deal lsp`: a Language Server Protocol server over stdio, on
//! rust-analyzer's `lsp-server`. Every feature is the library's
//! (`dealterms::ide`, the checker, the formatter); here, the protocol:
//! documents by URI, positions in UTF-16, requests answered in order.
//!
//! Each change re-checks the whole document (full sync) and sends its
//! diagnostics; the evaluation over the `series` the agreement names waits
//! for the first hover, lens or completion that reads it.

use std::collections::HashMap;
use std::path::PathBuf;

use dealterms::diagnostics::Severity;
use dealterms::ide::fixes::fix;
use dealterms::ide::lines::LineIndex;
use dealterms::ide::symbols::SymbolKind as NameKind;
use dealterms::ide::{Analysis, CompletionKind};
use dealterms::source::Input;
use dealterms::syntax::ast::Span;
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, CodeLensRequest, Completion, DocumentSymbolRequest, Formatting,
    GotoDefinition, HoverRequest, References, Rename, Request as _,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionProviderCapability, CodeLens,
    CodeLensOptions, Command, CompletionItem, CompletionItemKind, CompletionOptions,
    CompletionResponse, Diagnostic, DiagnosticSeverity, DocumentSymbol, DocumentSymbolResponse,
    GotoDefinitionResponse, Hover, HoverContents, HoverProviderCapability, Location, MarkupContent,
    MarkupKind, NumberOrString, OneOf, Position, PositionEncodingKind, PublishDiagnosticsParams,
    Range, ServerCapabilities, ServerInfo, SymbolKind, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextEdit, Uri, WorkspaceEdit,
};

use super::Status;

/// The open documents, by URI (as text: a parsed URI caches parts of
/// itself, and is no key).
type Documents = HashMap<String, Document>;

/// One open document: its analysis and where its lines start.
struct Document {
    analysis: Analysis,
    lines: LineIndex,
    /// Whether the agreement was evaluated over its series.
    evaluated: bool,
}

impl Document {
    /// The document checked: what its diagnostics need, and no more.
    fn new(text: &str) -> Document {
        let analysed = std::panic::catch_unwind(|| Analysis::new(text));
        // A bug in the analysis leaves a document with no findings rather
        // than no server.
        let analysis = analysed.unwrap_or_else(|_| Analysis::empty(text));
        Document {
            lines: LineIndex::new(text),
            analysis,
            evaluated: false,
        }
    }

    /// Evaluates the agreement over the series it names, for hovers and
    /// lenses, once per version: only when one is asked for, so that
    /// diagnostics never wait on it.
    fn evaluate(&mut self, uri: &str) {
        if std::mem::replace(&mut self.evaluated, true) {
            return;
        }
        let Ok(uri) = uri.parse::<Uri>() else {
            return;
        };
        let analysis = &mut self.analysis;
        let evaluated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if let Some(series) = declared_series_text(&uri, analysis) {
                analysis.evaluate(&series);
            }
        }));
        if evaluated.is_err() {
            analysis.statement = None;
        }
    }

    fn text(&self) -> &str {
        &self.analysis.text
    }

    fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    fn position(&self, offset: usize) -> Position {
        let (line, character) = self.lines.position(self.text(), offset);
        Position::new(line, character)
    }

    fn offset(&self, position: Position) -> usize {
        self.lines
            .offset(self.text(), position.line, position.character)
    }
}

pub fn lsp() -> Status {
    let (connection, threads) = Connection::stdio();
    let capabilities = ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), "\"".into()]),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    };
    let initialize = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": ServerInfo {
            name: "deal".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        },
    });
    let served = connection
        .initialize_start()
        .and_then(|(id, _params)| connection.initialize_finish(id, initialize))
        .map_err(|error| error.to_string())
        .and_then(|()| serve(&connection));
    drop(connection);
    let joined = threads.join().map_err(|error| error.to_string());
    match served.and(joined) {
        Ok(()) => Status::Ok,
        Err(error) => {
            tell!("deal lsp: {error}");
            Status::Failed
        }
    }
}

/// Answers messages until the client shuts the server down.
fn serve(connection: &Connection) -> Result<(), String> {
    let mut documents = Documents::new();
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|error| error.to_string())?
                {
                    return Ok(());
                }
                // What a hover, a lens or a completion of columns reads is
                // evaluated when first asked for, not on every keystroke.
                if [
                    HoverRequest::METHOD,
                    CodeLensRequest::METHOD,
                    Completion::METHOD,
                ]
                .contains(&request.method.as_str())
                    && let Some(uri) = document_of(&request)
                    && let Some(document) = documents.get_mut(&uri)
                {
                    document.evaluate(&uri);
                }
                let response = respond(&documents, request);
                send(connection, Message::Response(response))?;
            }
            Message::Notification(notification) => {
                if let Some(uri) = notify(&mut documents, notification) {
                    publish(connection, &documents, uri)?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection
        .sender
        .send(message)
        .map_err(|error| error.to_string())
}

/// Applies a document notification; the document whose diagnostics changed.
fn notify(documents: &mut Documents, notification: Notification) -> Option<Uri> {
    match notification.method.as_str() {
        DidOpenTextDocument::METHOD => {
            let params: lsp_types::DidOpenTextDocumentParams =
                serde_json::from_value(notification.params).ok()?;
            let uri = params.text_document.uri;
            documents.insert(uri.to_string(), Document::new(&params.text_document.text));
            Some(uri)
        }
        DidChangeTextDocument::METHOD => {
            let params: lsp_types::DidChangeTextDocumentParams =
                serde_json::from_value(notification.params).ok()?;
            // Full sync: the last change is the whole text.
            let text = params.content_changes.into_iter().last()?.text;
            let uri = params.text_document.uri;
            documents.insert(uri.to_string(), Document::new(&text));
            Some(uri)
        }
        DidSaveTextDocument::METHOD => {
            // The series beside it may have changed: evaluate again.
            let params: lsp_types::DidSaveTextDocumentParams =
                serde_json::from_value(notification.params).ok()?;
            let uri = params.text_document.uri;
            let text = documents.get(uri.as_str())?.text().to_string();
            documents.insert(uri.to_string(), Document::new(&text));
            Some(uri)
        }
        DidCloseTextDocument::METHOD => {
            let params: lsp_types::DidCloseTextDocumentParams =
                serde_json::from_value(notification.params).ok()?;
            documents.remove(params.text_document.uri.as_str());
            None
        }
        _ => None,
    }
}

/// Sends the diagnostics of `uri`: its problems, with the code, message
/// and help `deal check` gives.
fn publish(connection: &Connection, documents: &Documents, uri: Uri) -> Result<(), String> {
    let diagnostics = documents
        .get(uri.as_str())
        .map(|document| diagnostics(&uri, document))
        .unwrap_or_default();
    let params = PublishDiagnosticsParams {
        uri,
        diagnostics,
        version: None,
    };
    let notification = Notification::new(PublishDiagnostics::METHOD.into(), params);
    send(connection, Message::Notification(notification))
}

fn diagnostics(uri: &Uri, document: &Document) -> Vec<Diagnostic> {
    document
        .analysis
        .problems
        .iter()
        .map(|problem| diagnostic(uri, document, problem))
        .collect()
}

/// One problem as the protocol has it.
fn diagnostic(uri: &Uri, document: &Document, problem: &dealterms::Problem) -> Diagnostic {
    let mut message = problem.kind.message();
    if let Some(help) = problem.kind.help() {
        message.push_str("\nhelp: ");
        message.push_str(&help);
    }
    let related = problem
        .related
        .iter()
        .map(|(span, text)| lsp_types::DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), document.range(*span)),
            message: text.clone(),
        })
        .collect::<Vec<_>>();
    Diagnostic {
        range: document.range(problem.span),
        severity: Some(match problem.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(problem.kind.code().into())),
        source: Some("deal".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}

/// The URI of the document a request is about.
fn document_of(request: &Request) -> Option<String> {
    request.params["textDocument"]["uri"]
        .as_str()
        .map(str::to_string)
}

/// The params of `request` if it is an `R`.
fn params<R: lsp_types::request::Request>(request: &Request) -> Option<R::Params> {
    (request.method == R::METHOD)
        .then(|| serde_json::from_value(request.params.clone()).ok())
        .flatten()
}

/// Answers one request; an unknown method, or a document not open, gets
/// an error or an empty answer as the protocol wants.
fn respond(documents: &Documents, request: Request) -> Response {
    let id = request.id.clone();
    // A bug in one answer must not end the session: the editor gets an
    // error for that request, and the server goes on.
    let result =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| answer(documents, &request)))
            .unwrap_or_else(|_| {
                Some(Err(format!(
                    "deal lsp failed to answer `{}`",
                    request.method
                )))
            });
    match result {
        Some(Ok(value)) => Response {
            id,
            result: Some(value),
            error: None,
        },
        Some(Err(message)) => {
            Response::new_err(id, lsp_server::ErrorCode::RequestFailed as i32, message)
        }
        None if known(&request.method) => Response::new_ok(id, serde_json::Value::Null),
        None => Response::new_err(
            id,
            lsp_server::ErrorCode::MethodNotFound as i32,
            format!("deal lsp does not answer `{}`", request.method),
        ),
    }
}

fn known(method: &str) -> bool {
    [
        HoverRequest::METHOD,
        GotoDefinition::METHOD,
        References::METHOD,
        Rename::METHOD,
        DocumentSymbolRequest::METHOD,
        Formatting::METHOD,
        CodeActionRequest::METHOD,
        CodeLensRequest::METHOD,
        Completion::METHOD,
    ]
    .contains(&method)
}

type Answer = Option<Result<serde_json::Value, String>>;

/// An answer: any protocol value, as JSON.
macro_rules! json {
    ($value:expr) => {
        Some(serde_json::to_value($value).map_err(|error| error.to_string()))
    };
}

fn answer(documents: &Documents, request: &Request) -> Answer {
    if let Some(p) = params::<HoverRequest>(request) {
        let at = &p.text_document_position_params;
        let document = documents.get(at.text_document.uri.as_str())?;
        let text = document.analysis.hover(document.offset(at.position))?;
        return json!(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: None,
        });
    }
    if let Some(p) = params::<GotoDefinition>(request) {
        let at = &p.text_document_position_params;
        let document = documents.get(at.text_document.uri.as_str())?;
        let analysis = &document.analysis;
        let occurrence = analysis.symbol_at(document.offset(at.position))?;
        let definition = analysis.definition(occurrence)?;
        let location = Location::new(
            at.text_document.uri.clone(),
            document.range(definition.span),
        );
        return json!(GotoDefinitionResponse::Scalar(location));
    }
    if let Some(p) = params::<References>(request) {
        let at = &p.text_document_position;
        let document = documents.get(at.text_document.uri.as_str())?;
        let analysis = &document.analysis;
        let occurrence = analysis.symbol_at(document.offset(at.position))?;
        let locations: Vec<Location> = analysis
            .references(occurrence)
            .filter(|o| p.context.include_declaration || !o.definition)
            .map(|o| Location::new(at.text_document.uri.clone(), document.range(o.span)))
            .collect();
        return json!(locations);
    }
    if let Some(p) = params::<Rename>(request) {
        let at = &p.text_document_position;
        let document = documents.get(at.text_document.uri.as_str())?;
        let edits = match document
            .analysis
            .rename(document.offset(at.position), &p.new_name)
        {
            Ok(edits) => edits,
            Err(reason) => return Some(Err(reason)),
        };
        return json!(workspace_edit(&at.text_document.uri, document, edits));
    }
    if let Some(p) = params::<DocumentSymbolRequest>(request) {
        let document = documents.get(p.text_document.uri.as_str())?;
        #[allow(deprecated, reason = "the protocol's own field, which must be written")]
        let symbols: Vec<DocumentSymbol> = document
            .analysis
            .clauses()
            .into_iter()
            .map(|clause| DocumentSymbol {
                name: clause.label,
                detail: Some(clause.kind.into()),
                kind: SymbolKind::FUNCTION,
                tags: None,
                deprecated: None,
                range: document.range(clause.span),
                selection_range: document.range(clause.selection),
                children: None,
            })
            .collect();
        return json!(DocumentSymbolResponse::Nested(symbols));
    }
    if let Some(p) = params::<Formatting>(request) {
        let document = documents.get(p.text_document.uri.as_str())?;
        let formatted = dealterms::format_source(document.text()).ok()?;
        if formatted == document.text() {
            return json!(Vec::<TextEdit>::new());
        }
        let whole = Span::new(0, document.text().len());
        return json!(vec![TextEdit::new(document.range(whole), formatted)]);
    }
    if let Some(p) = params::<CodeActionRequest>(request) {
        let document = documents.get(p.text_document.uri.as_str())?;
        let (from, to) = (document.offset(p.range.start), document.offset(p.range.end));
        let uri = &p.text_document.uri;
        let actions: Vec<CodeActionOrCommand> = document
            .analysis
            .problems
            .iter()
            .filter(|problem| problem.span.start <= to && from <= problem.span.end)
            .filter_map(|problem| {
                let fix = fix(problem, document.text())?;
                let edit = workspace_edit(uri, document, vec![(fix.span, fix.text)]);
                let diagnostic = diagnostic(uri, document, problem);
                Some(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic]),
                    edit: Some(edit),
                    is_preferred: Some(true),
                    ..CodeAction::default()
                }))
            })
            .collect();
        return json!(actions);
    }
    if let Some(p) = params::<CodeLensRequest>(request) {
        let document = documents.get(p.text_document.uri.as_str())?;
        let lenses: Vec<CodeLens> = document
            .analysis
            .lenses()
            .into_iter()
            .map(|lens| {
                let start = document.position(lens.span.start);
                CodeLens {
                    range: Range::new(start, start),
                    command: Some(Command::new(lens.text, String::new(), None)),
                    data: None,
                }
            })
            .collect();
        return json!(lenses);
    }
    if let Some(p) = params::<Completion>(request) {
        let at = &p.text_document_position;
        let document = documents.get(at.text_document.uri.as_str())?;
        let items: Vec<CompletionItem> = document
            .analysis
            .completions(document.offset(at.position))
            .into_iter()
            .map(|completion| CompletionItem {
                kind: Some(match completion.kind {
                    CompletionKind::Keyword => CompletionItemKind::KEYWORD,
                    CompletionKind::Symbol(NameKind::Party) => CompletionItemKind::CLASS,
                    CompletionKind::Symbol(NameKind::Label) => CompletionItemKind::FUNCTION,
                    CompletionKind::Symbol(NameKind::Constant) => CompletionItemKind::CONSTANT,
                    CompletionKind::Symbol(NameKind::Event) => CompletionItemKind::EVENT,
                    CompletionKind::Symbol(NameKind::Column) => CompletionItemKind::FIELD,
                }),
                detail: match completion.kind {
                    CompletionKind::Keyword => Some("keyword".into()),
                    CompletionKind::Symbol(kind) => Some(kind.word().into()),
                },
                insert_text: (completion.insert != completion.label).then_some(completion.insert),
                label: completion.label,
                ..CompletionItem::default()
            })
            .collect();
        return json!(CompletionResponse::Array(items));
    }
    None
}

fn workspace_edit(uri: &Uri, document: &Document, edits: Vec<(Span, String)>) -> WorkspaceEdit {
    let edits = edits
        .into_iter()
        .map(|(span, text)| TextEdit::new(document.range(span), text))
        .collect();
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// The text of the series a valid agreement declares, found beside the
/// document on disk with the rules `deal test` follows (in the agreement's
/// directory, no link out of it); `None` when there is none to read.
fn declared_series_text(uri: &Uri, analysis: &Analysis) -> Option<String> {
    let agreement = analysis.agreement.as_ref()?;
    let file = file_path(uri)?;
    let path = super::declared::resolve(&file, agreement).ok()??;
    // A series that cannot be read leaves the hovers without figures;
    // `deal test` says why.
    let quiet = dealterms::diagnostics::Style::Json;
    super::text_of(&path, Input::Series, quiet).ok()
}

/// The path of a `file:` URI, its percent-escapes decoded.
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path`: only the local host.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let escaped = (byte == b'%')
            .then(|| bytes.get(at.saturating_add(1)..at.saturating_add(3)))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(value) => {
                decoded.push(value);
                at = at.saturating_add(3);
            }
            None => {
                decoded.push(byte);
                at = at.saturating_add(1);
            }
        }
    }
    Some(PathBuf::from(String::from_utf8(decoded).ok()?))
}
