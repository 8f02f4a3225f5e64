// Starts `deal lsp` for .deal files: every feature (diagnostics, formatting,
// hover, go to definition, rename, completion, code lenses) is the server's.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("dealterms").get("path") || "deal";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "dealterms",
    "deal lsp",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "deal" }] }
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
