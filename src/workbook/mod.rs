//! Series from workbooks (`.xlsx`, `.xlsm`, `.xls`, `.ods`): a sheet read
//! with calamine and written out, cell for cell, as the text the series
//! reader reads, so that every rule and diagnostic of a CSV series holds;
//! each cell's place in that text is kept, so that a problem names the
//! sheet's cell (`Sheet1!C14`).
//!
//! Numbers are the spreadsheet's binary doubles: each is written through
//! its shortest round-trip decimal text (what the spreadsheet shows at full
//! precision), never through binary arithmetic; a cell holding `=0.1+0.2`
//! is 0.30000000000000004. Period cells may be text (`2025Q3`) or dates: a
//! date names the month, quarter, half-year or year containing it, by the
//! spacing of the first two dates (a single date: its month).

use std::path::Path;

use calamine::{Data, Reader, Sheets, open_workbook_auto};

mod hidden;

use crate::agreement::Calendar;
use crate::period::Period;

/// Extensions read as workbooks.
pub const EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// Whether `path` names a workbook (by its extension, after any `#sheet`).
pub fn is_workbook(path: &Path) -> bool {
    let (file, _) = split_sheet(path);
    Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// `sales.xlsx#Sheet2`: the file and the sheet named after `#`, if any.
pub fn split_sheet(path: &Path) -> (&str, Option<&str>) {
    let text = path.to_str().unwrap_or_default();
    match text.rsplit_once('#') {
        Some((file, sheet)) if !sheet.is_empty() => (file, Some(sheet)),
        _ => (text, None),
    }
}

/// The problems of a sheet's text rendered, each named by its cell
/// (`sales.xlsx Sales!C14`) and quoting that cell alone.
pub fn render_problems(
    path: &Path,
    sheet: &Sheet,
    problems: &[crate::Problem],
    style: crate::diagnostics::Style,
) -> String {
    let (file, _) = split_sheet(path);
    problems
        .iter()
        .map(|problem| {
            let cell = sheet
                .cell_at(problem.span.start)
                .unwrap_or_else(|| "A1".into());
            let name = format!("{file} {}!{cell}", sheet.name);
            crate::diagnostics::render_quoting(
                std::slice::from_ref(problem),
                &name,
                &sheet.text,
                style,
                crate::diagnostics::Quote::Cell,
            )
        })
        .collect()
}

/// A sheet as series text, with where each cell is in it.
#[derive(Debug)]
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// The sheet as CSV text: the header, then a line per row.
    pub text: String,
    /// Where each cell starts in `text`, with its row and column in the
    /// sheet (from zero), in text order: the reference (`C14`) is made only
    /// for a cell a problem names.
    cells: Vec<(usize, u32, u32)>,
    /// The sheet row of the text's first line (from zero).
    top: u32,
}

impl Sheet {
    /// The reference of the cell at byte `offset` of the text, or of the
    /// nearest cell before it (a problem at the end of a row).
    pub fn cell_at(&self, offset: usize) -> Option<String> {
        let after = self.cells.partition_point(|(start, ..)| *start <= offset);
        let (_, row, column) = self.cells.get(after.checked_sub(1)?)?;
        Some(reference(*row, *column))
    }

    /// The reference of the cell at byte `offset` of line `line` (from 1)
    /// of the text: a problem of a portfolio's series knows its row and
    /// where it is in it.
    pub fn cell_of_line(&self, line: usize, offset: usize) -> Option<String> {
        let row = self
            .top
            .checked_add(u32::try_from(line.checked_sub(1)?).ok()?)?;
        let first = self.cells.partition_point(|(_, r, _)| *r < row);
        let (start, r, _) = self.cells.get(first)?;
        if *r != row {
            return None;
        }
        self.cell_at(start.checked_add(offset)?)
    }
}

/// Reads the sheet of `path` (`file.xlsx` or `file.xlsx#Sheet`), the first
/// one unless named. `Err` says in words why it cannot be read.
pub fn read(path: &Path) -> Result<Sheet, String> {
    let (file, wanted) = split_sheet(path);
    let mut workbook =
        open_workbook_auto(file).map_err(|error| format!("cannot read the workbook: {error}"))?;
    let names = workbook.sheet_names();
    let name = match wanted {
        Some(wanted) => names
            .iter()
            .find(|name| name.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                format!(
                    "the workbook has no sheet `{wanted}`; it has {}",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| "the workbook has no sheet".to_string())?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|error| format!("cannot read the sheet `{name}`: {error}"))?;
    // Merged cells leave all but their first cell empty: only a sheet with
    // an empty cell is read a second time for its merged regions.
    let (height, width) = range.get_size();
    let merged = if range.used_cells().count() < height.saturating_mul(width) {
        merged_cells(&mut workbook, &name)
    } else {
        Vec::new()
    };
    if let Some(merged) = merged.first() {
        let (start, end) = (merged.start, merged.end);
        return Err(format!(
            "cells {}:{} of the sheet `{name}` are merged ({name}!{}): a series needs a value in each cell, a header name over each column; unmerge them",
            reference(start.0, start.1),
            reference(end.0, end.1),
            reference(start.0, start.1),
        ));
    }
    let (top, left) = range.start().unwrap_or((0, 0));
    let bottom = range.end().map_or(top, |(row, _)| row);
    let hidden: Vec<u32> = hidden::hidden_rows(Path::new(file), &name)
        .into_iter()
        .filter(|row| (top..=bottom).contains(row))
        .collect();
    if let Some(first) = hidden.first() {
        let rows: Vec<String> = hidden
            .iter()
            .take(10)
            .map(|row| row.saturating_add(1).to_string())
            .collect();
        let more = hidden.len().saturating_sub(10);
        return Err(format!(
            "{} {} of the sheet `{name}` {} hidden ({name}!{}){}: a series reads every row, shown or not; unhide {} or delete {}",
            if hidden.len() == 1 { "row" } else { "rows" },
            rows.join(", "),
            if hidden.len() == 1 { "is" } else { "are" },
            reference(*first, left),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
            if hidden.len() == 1 { "it" } else { "them" },
            if hidden.len() == 1 { "it" } else { "them" },
        ));
    }
    let rows: Vec<&[Data]> = range.rows().collect();
    let granularity = date_granularity(&rows);
    let mut sheet = Sheet {
        name,
        text: String::new(),
        cells: Vec::new(),
        top,
    };
    for (r, row) in rows.iter().enumerate() {
        // Trailing empty cells of a row are no cells at all.
        let width = row
            .iter()
            .rposition(|cell| *cell != Data::Empty)
            .map_or(0, |last| last.saturating_add(1));
        let row_number = u32::try_from(r).unwrap_or(u32::MAX).saturating_add(top);
        for (c, cell) in row.iter().take(width).enumerate() {
            if c > 0 {
                sheet.text.push(',');
            }
            let period_column = c == 0 && r > 0;
            let column = u32::try_from(c).unwrap_or(u32::MAX).saturating_add(left);
            sheet.cells.push((sheet.text.len(), row_number, column));
            write_cell(
                &mut sheet.text,
                cell,
                period_column.then_some(granularity).flatten(),
            );
        }
        sheet.text.push('\n');
    }
    Ok(sheet)
}

/// The merged regions of a sheet, where the format records them (.xlsx,
/// .xlsm, .xls; calamine reads none of an .ods).
fn merged_cells<R: std::io::Read + std::io::Seek>(
    workbook: &mut Sheets<R>,
    name: &str,
) -> Vec<calamine::Dimensions> {
    let merged = match workbook {
        Sheets::Xlsx(xlsx) => xlsx.merge_cells_by_sheet_name(name).ok(),
        Sheets::Xls(xls) => xls.merge_cells_by_sheet_name(name).ok(),
        Sheets::Xlsb(_) | Sheets::Ods(_) => None,
    };
    merged.unwrap_or_default()
}

/// Appends a cell to a CSV line as the text the series reader reads,
/// quoted if it must be; numbers written straight into the line (a
/// portfolio's workbook has a million cells).
fn write_cell(out: &mut String, cell: &Data, period: Option<Calendar>) {
    use std::fmt::Write as _;
    match cell {
        Data::Empty => {}
        Data::String(text) => push_csv(out, text),
        Data::Int(value) => {
            let _ = write!(out, "{value}");
        }
        // The shortest text that reads back as the same double.
        Data::Float(value) => {
            let _ = write!(out, "{value}");
        }
        other => push_csv(out, &cell_text(other, period)),
    }
}

/// A cell as the text the series reader reads.
fn cell_text(cell: &Data, period: Option<Calendar>) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Int(value) => value.to_string(),
        // The shortest text that reads back as the same double.
        Data::Float(value) => value.to_string(),
        Data::Bool(value) => if *value { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(value) => {
            let (year, month, day, ..) = value.to_ymd_hms_milli();
            date_text(i16::try_from(year).unwrap_or(0), month, day, period)
        }
        Data::DateTimeIso(text) => {
            let date = text.get(..10).unwrap_or(text);
            match date.parse::<jiff::civil::Date>() {
                Ok(date) => date_text(
                    date.year(),
                    u8::try_from(date.month()).unwrap_or(1),
                    u8::try_from(date.day()).unwrap_or(1),
                    period,
                ),
                Err(_) => text.clone(),
            }
        }
        Data::DurationIso(text) => text.clone(),
        Data::Error(error) => error.to_string(),
    }
}

/// A date cell: the period containing it in a period column, else the
/// date itself (which no amount column accepts).
fn date_text(year: i16, month: u8, day: u8, period: Option<Calendar>) -> String {
    let date = jiff::civil::Date::new(
        year,
        i8::try_from(month).unwrap_or(1),
        i8::try_from(day).unwrap_or(1),
    );
    match (date, period) {
        (Ok(date), Some(unit)) => Period::containing(date, unit).to_string(),
        (Ok(date), None) => date.to_string(),
        (Err(_), _) => format!("{year:04}-{month:02}-{day:02}"),
    }
}

/// The granularity of a date period column, by the months between its
/// first two dates; a single date is a month's.
fn date_granularity(rows: &[&[Data]]) -> Option<Calendar> {
    let months: Vec<i32> = rows
        .iter()
        .skip(1)
        .filter_map(|row| row.first())
        .filter_map(|cell| match cell {
            Data::DateTime(value) => {
                let (year, month, ..) = value.to_ymd_hms_milli();
                Some(
                    i32::from(year)
                        .saturating_mul(12)
                        .saturating_add(i32::from(month)),
                )
            }
            Data::DateTimeIso(text) => {
                let year: i32 = text.get(..4)?.parse().ok()?;
                let month: i32 = text.get(5..7)?.parse().ok()?;
                Some(year.saturating_mul(12).saturating_add(month))
            }
            _ => None,
        })
        .take(2)
        .collect();
    match months.as_slice() {
        [] => None,
        [_] => Some(Calendar::Month),
        [first, second, ..] => Some(crate::period::spaced(second.saturating_sub(*first))),
    }
}

/// Appends a cell to a CSV line, quoted if it must be.
fn push_csv(out: &mut String, text: &str) {
    if text
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

/// `C14` for row 13, column 2 (both from zero).
fn reference(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = column.saturating_add(1);
    while n > 0 {
        let rem = (n.saturating_sub(1)) % 26;
        letters.push(char::from(
            b'A'.saturating_add(u8::try_from(rem).unwrap_or(0)),
        ));
        n = (n.saturating_sub(1)) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        letters.into_iter().collect::<String>(),
        row.saturating_add(1)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_count_columns_in_letters() {
        assert_eq!(reference(0, 0), "A1");
        assert_eq!(reference(13, 2), "C14");
        assert_eq!(reference(0, 25), "Z1");
        assert_eq!(reference(0, 26), "AA1");
        assert_eq!(reference(9, 701), "ZZ10");
    }

    #[test]
    fn doubles_are_written_as_their_shortest_text() {
        assert_eq!(
            cell_text(&Data::Float(0.1 + 0.2), None),
            "0.30000000000000004"
        );
        assert_eq!(cell_text(&Data::Float(12345.67), None), "12345.67");
        assert_eq!(cell_text(&Data::Float(3.0), None), "3");
    }
}
