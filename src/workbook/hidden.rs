//! Hidden rows of an .xlsx, .xlsm or .ods sheet. calamine reads every row,
//! shown or hidden, and does not say which are hidden; a series must not
//! hold figures the analyst cannot see in the sheet. An .xlsx sheet's XML
//! is found through the workbook's relationships and read for
//! `<row hidden="1">`; an .ods sheet is a `<table:table>` of `content.xml`
//! whose rows may be `table:visibility="collapse"` (or `filter`), several
//! at once (`table:number-rows-repeated`). Each is read only after a search
//! for the attribute that most sheets never have. (.xls, a binary format,
//! is not read for it.)

use std::io::Read;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// The rows (from zero) of the sheet `name` of the workbook at `path` that
/// are hidden. Empty when there are none, and for anything not read as an
/// .xlsx part (calamine, which read the sheet, says what is wrong with a
/// broken file).
pub fn hidden_rows(path: &Path, name: &str) -> Vec<u32> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("xlsx" | "xlsm") => xlsx_hidden_rows(path, name),
        Some("ods") => ods_hidden_rows(path, name),
        _ => Vec::new(),
    }
}

/// The rows that are hidden in an OpenDocument sheet.
fn ods_hidden_rows(path: &Path, name: &str) -> Vec<u32> {
    let Some(xml) = open(path).and_then(|mut archive| part(&mut archive, "content.xml")) else {
        return Vec::new();
    };
    if memchr::memmem::find(&xml, b"table:visibility=").is_none() {
        return Vec::new();
    }
    let mut reader = Reader::from_reader(xml.as_slice());
    let mut buffer = Vec::new();
    let mut hidden = Vec::new();
    // Tables entered inside the sheet (from 1 within it), and the next row.
    let mut depth = 0usize;
    let mut row = 0u32;
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(element)) if element.local_name().into_inner() == "table" => {
                if depth > 0 {
                    depth = depth.saturating_add(1);
                } else if attribute(&element, "name").as_deref() == Some(name) {
                    depth = 1;
                }
            }
            Ok(Event::End(element))
                if element.local_name().into_inner() == "table" && depth > 0 =>
            {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            Ok(Event::Start(element) | Event::Empty(element))
                if depth == 1 && element.local_name().into_inner() == "table-row" =>
            {
                let repeated = attribute(&element, "number-rows-repeated")
                    .and_then(|n| n.parse::<u32>().ok())
                    .unwrap_or(1)
                    .max(1);
                let visibility = attribute(&element, "visibility");
                if matches!(visibility.as_deref(), Some("collapse" | "filter")) {
                    // A sheet's trailing empty rows may repeat a million
                    // times: only the rows a series could reach matter.
                    hidden.extend((row..row.saturating_add(repeated)).take(MAX_LISTED));
                }
                row = row.saturating_add(repeated);
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buffer.clear();
    }
    hidden
}

/// Hidden rows listed per run of repeated rows, at most.
const MAX_LISTED: usize = 1_000;

/// The rows that are hidden in an .xlsx or .xlsm sheet.
fn xlsx_hidden_rows(path: &Path, name: &str) -> Vec<u32> {
    let Some(xml) = sheet_xml(path, name) else {
        return Vec::new();
    };
    // Most sheets hide nothing, and say so without a word.
    if memchr::memmem::find(&xml, b" hidden=").is_none() {
        return Vec::new();
    }
    let mut reader = Reader::from_reader(xml.as_slice());
    let mut buffer = Vec::new();
    let mut hidden = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(element) | Event::Empty(element))
                if element.local_name().into_inner() == "row" =>
            {
                let shown_as = attribute(&element, "hidden");
                if matches!(shown_as.as_deref(), Some("1" | "true")) {
                    let row = attribute(&element, "r").and_then(|r| r.parse::<u32>().ok());
                    if let Some(row) = row {
                        hidden.push(row.saturating_sub(1));
                    }
                }
            }
            Ok(Event::End(element)) if element.local_name().into_inner() == "sheetData" => break,
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buffer.clear();
    }
    hidden
}

/// The XML of sheet `name`: its relationship id in `xl/workbook.xml`, the
/// part that id names in `xl/_rels/workbook.xml.rels`.
fn sheet_xml(path: &Path, name: &str) -> Option<Vec<u8>> {
    let mut archive = open(path)?;
    let workbook = part(&mut archive, "xl/workbook.xml")?;
    let id = find_element(&workbook, "sheet", |element| {
        (attribute(element, "name")? == name)
            .then(|| attribute(element, "id"))
            .flatten()
    })?;
    let relationships = part(&mut archive, "xl/_rels/workbook.xml.rels")?;
    let target = find_element(&relationships, "Relationship", |element| {
        (attribute(element, "Id")? == id)
            .then(|| attribute(element, "Target"))
            .flatten()
    })?;
    let target = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    };
    part(&mut archive, &target)
}

/// The workbook's archive.
fn open(path: &Path) -> Option<zip::ZipArchive<std::fs::File>> {
    zip::ZipArchive::new(std::fs::File::open(path).ok()?).ok()
}

/// One part of the archive, whole.
fn part(archive: &mut zip::ZipArchive<std::fs::File>, name: &str) -> Option<Vec<u8>> {
    let mut entry = archive.by_name(name).ok()?;
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// The first element named `local` for which `wanted` gives a value.
fn find_element(
    xml: &[u8],
    local: &str,
    mut wanted: impl FnMut(&BytesStart<'_>) -> Option<String>,
) -> Option<String> {
    let mut reader = Reader::from_reader(xml);
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(element) | Event::Empty(element))
                if element.local_name().into_inner() == local =>
            {
                if let Some(value) = wanted(&element) {
                    return Some(value);
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
        buffer.clear();
    }
}

/// An attribute by its local name (`r:id` is `id`), unescaped (the parts
/// of an .xlsx are UTF-8).
fn attribute(element: &BytesStart<'_>, local: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|attribute| attribute.key.local_name().into_inner() == local)
        .and_then(|attribute| {
            attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|value| value.into_owned())
        })
}
