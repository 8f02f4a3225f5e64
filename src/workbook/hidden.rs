//! Hidden rows of an .xlsx or .xlsm sheet. calamine reads every row, shown
//! or hidden, and does not say which are hidden; a series must not hold
//! figures the analyst cannot see in the sheet. The sheet's XML is found
//! through the workbook's relationships and read for `<row hidden="1">`,
//! after a search for the attribute that most sheets never have.

use std::io::Read;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// The rows (from zero) of the sheet `name` of the workbook at `path` that
/// are hidden. Empty when there are none, and for anything not read as an
/// .xlsx part (calamine, which read the sheet, says what is wrong with a
/// broken file).
pub fn hidden_rows(path: &Path, name: &str) -> Vec<u32> {
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
    let file = std::fs::File::open(path).ok()?;
    let mut archive = zip::ZipArchive::new(file).ok()?;
    let mut part = |name: &str| -> Option<Vec<u8>> {
        let mut entry = archive.by_name(name).ok()?;
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).ok()?;
        Some(bytes)
    };
    let workbook = part("xl/workbook.xml")?;
    let id = find_element(&workbook, "sheet", |element| {
        (attribute(element, "name")? == name)
            .then(|| attribute(element, "id"))
            .flatten()
    })?;
    let relationships = part("xl/_rels/workbook.xml.rels")?;
    let target = find_element(&relationships, "Relationship", |element| {
        (attribute(element, "Id")? == id)
            .then(|| attribute(element, "Target"))
            .flatten()
    })?;
    let target = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    };
    part(&target)
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
