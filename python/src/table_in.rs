//! A series from a table (a pandas or polars DataFrame, an Arrow table): a
//! `period` column, of labels (`2025Q3`) or dates, and amount columns of
//! exact types (decimals, integers, or text read as the CLI reads a cell).
//! Floating-point columns are refused by name: they cannot hold every cent.
//! Every row goes through the library's own checks
//! ([`dealterms::series::Builder::typed_row`]), so periods out of order, a
//! gap, or an empty cell read as they do from a CSV file.

use std::collections::HashMap;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Decimal256Type, Int8Type, Int16Type, Int32Type,
    Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use dealterms::agreement::Calendar;
use dealterms::diagnostics::{Problem, ProblemKind};
use dealterms::period::{Period, spaced};
use dealterms::series::{Builder, Series, amount_of_text};
use dealterms::syntax::ast::Span;
use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::stream::Table;

/// Text cells, of any of Arrow's string layouts.
enum Texts<'t> {
    Utf8(&'t arrow_array::StringArray),
    Large(&'t arrow_array::LargeStringArray),
    View(&'t arrow_array::StringViewArray),
    /// Categorical (polars) or dictionary-encoded (pandas) text: each row's
    /// key into the values.
    Dictionary {
        array: &'t dyn Array,
        keys: Vec<usize>,
        values: Box<Texts<'t>>,
    },
}

impl<'t> Texts<'t> {
    fn of(array: &'t dyn Array) -> Option<Texts<'t>> {
        Some(match array.data_type() {
            DataType::Utf8 => Texts::Utf8(array.as_string::<i32>()),
            DataType::LargeUtf8 => Texts::Large(array.as_string::<i64>()),
            DataType::Utf8View => Texts::View(array.as_string_view()),
            DataType::Dictionary(_, _) => {
                let dictionary = array.as_any_dictionary_opt()?;
                Texts::Dictionary {
                    array,
                    keys: dictionary.normalized_keys(),
                    values: Box::new(Texts::of(dictionary.values().as_ref())?),
                }
            }
            _ => return None,
        })
    }

    /// Row `row`'s text; `None` for a null.
    fn get(&self, row: usize) -> Option<&'t str> {
        match self {
            Texts::Utf8(array) => array.is_valid(row).then(|| array.value(row)),
            Texts::Large(array) => array.is_valid(row).then(|| array.value(row)),
            Texts::View(array) => array.is_valid(row).then(|| array.value(row)),
            Texts::Dictionary {
                array,
                keys,
                values,
            } => {
                if array.is_null(row) {
                    return None;
                }
                values.get(*keys.get(row)?)
            }
        }
    }
}

/// A period column.
enum Periods<'t> {
    Labels(Texts<'t>),
    /// Dates as days since 1970-01-01 (date32), or converted to them.
    Days(Vec<Option<i64>>),
    /// Integers, read as years.
    Years(Vec<Option<i64>>),
}

/// What a period cell holds.
enum PeriodCell<'t> {
    Label(&'t str),
    Day(i64),
    Year(i64),
    Null,
}

impl<'t> Periods<'t> {
    fn of(name: &str, array: &'t dyn Array) -> Result<Periods<'t>, Problem> {
        if let Some(texts) = Texts::of(array) {
            return Ok(Periods::Labels(texts));
        }
        let days = |values: Vec<Option<i64>>| Ok(Periods::Days(values));
        let per_day = |unit: &TimeUnit| match unit {
            TimeUnit::Second => 86_400,
            TimeUnit::Millisecond => 86_400_000,
            TimeUnit::Microsecond => 86_400_000_000,
            TimeUnit::Nanosecond => 86_400_000_000_000,
        };
        match array.data_type() {
            DataType::Date32 => days(
                array
                    .as_primitive::<Date32Type>()
                    .iter()
                    .map(|day| day.map(i64::from))
                    .collect(),
            ),
            DataType::Date64 => days(
                array
                    .as_primitive::<Date64Type>()
                    .iter()
                    .map(|ms| ms.map(|ms| ms.div_euclid(86_400_000)))
                    .collect(),
            ),
            DataType::Timestamp(unit, zone) => {
                let ticks: Vec<Option<i64>> = match unit {
                    TimeUnit::Second => {
                        array.as_primitive::<TimestampSecondType>().iter().collect()
                    }
                    TimeUnit::Millisecond => array
                        .as_primitive::<TimestampMillisecondType>()
                        .iter()
                        .collect(),
                    TimeUnit::Microsecond => array
                        .as_primitive::<TimestampMicrosecondType>()
                        .iter()
                        .collect(),
                    TimeUnit::Nanosecond => array
                        .as_primitive::<TimestampNanosecondType>()
                        .iter()
                        .collect(),
                };
                let per_day = per_day(unit);
                match zone {
                    // Wall-clock time: the day as written.
                    None => days(
                        ticks
                            .into_iter()
                            .map(|tick| tick.map(|tick| tick.div_euclid(per_day)))
                            .collect(),
                    ),
                    // An instant: the day it is in its own time zone.
                    Some(zone) => {
                        let zone = jiff::tz::TimeZone::get(zone).map_err(|_| {
                            column_type(name, &format!("times in zone `{zone}`"), "periods")
                        })?;
                        let per_second = per_day / 86_400;
                        days(
                            ticks
                                .into_iter()
                                .map(|tick| {
                                    let tick = tick?;
                                    let instant =
                                        jiff::Timestamp::from_second(tick.div_euclid(per_second))
                                            .ok()?;
                                    let date = instant.to_zoned_datetime(zone.clone()).date();
                                    Some(i64::from(date.since(EPOCH).ok()?.get_days()))
                                })
                                .collect(),
                        )
                    }
                }
            }
            integers if integers.is_integer() => Ok(Periods::Years(
                (0..array.len())
                    .map(|row| integer(array, row).and_then(|v| i64::try_from(v).ok()))
                    .collect(),
            )),
            other => Err(column_type(name, &type_name(other), "periods")),
        }
    }

    fn get(&self, row: usize) -> PeriodCell<'t> {
        match self {
            Periods::Labels(texts) => texts.get(row).map_or(PeriodCell::Null, PeriodCell::Label),
            Periods::Days(days) => days
                .get(row)
                .copied()
                .flatten()
                .map_or(PeriodCell::Null, PeriodCell::Day),
            Periods::Years(years) => years
                .get(row)
                .copied()
                .flatten()
                .map_or(PeriodCell::Null, PeriodCell::Year),
        }
    }
}

const EPOCH: Date = jiff::civil::date(1970, 1, 1);

/// An amount column.
enum Amounts<'t> {
    Decimals(&'t arrow_array::Decimal128Array, i8),
    Wide(&'t arrow_array::Decimal256Array, i8),
    Integers(&'t dyn Array),
    Texts(Texts<'t>),
}

impl<'t> Amounts<'t> {
    fn of(name: &str, array: &'t dyn Array) -> Result<Amounts<'t>, Problem> {
        if let Some(texts) = Texts::of(array) {
            return Ok(Amounts::Texts(texts));
        }
        Ok(match array.data_type() {
            DataType::Decimal128(_, scale) => {
                Amounts::Decimals(array.as_primitive::<Decimal128Type>(), *scale)
            }
            DataType::Decimal256(_, scale) => {
                Amounts::Wide(array.as_primitive::<Decimal256Type>(), *scale)
            }
            integers if integers.is_integer() => Amounts::Integers(array),
            other => return Err(column_type(name, &type_name(other), "amounts")),
        })
    }

    /// Row `row`'s amount, or the text of a cell that holds none (empty for
    /// a null).
    fn get(&self, row: usize) -> Result<Decimal, String> {
        match self {
            Amounts::Decimals(array, scale) => {
                if array.is_null(row) {
                    return Err(String::new());
                }
                scaled(array.value(row), *scale)
            }
            Amounts::Wide(array, scale) => {
                if array.is_null(row) {
                    return Err(String::new());
                }
                let value = array.value(row);
                let narrow = value.to_i128().ok_or_else(|| value.to_string())?;
                scaled(narrow, *scale)
            }
            Amounts::Integers(array) => integer(*array, row)
                .map(Decimal::from)
                .ok_or_else(String::new),
            Amounts::Texts(texts) => {
                let text = texts.get(row).unwrap_or_default();
                amount_of_text(text).ok_or_else(|| text.trim().to_string())
            }
        }
    }
}

/// A decimal of mantissa `value` and Arrow scale `scale` (negative: tens).
fn scaled(value: i128, scale: i8) -> Result<Decimal, String> {
    let shown = || format!("{value}e{}", -i32::from(scale));
    let (value, scale) = if scale < 0 {
        let tens = 10i128
            .checked_pow(u32::from(scale.unsigned_abs()))
            .ok_or_else(shown)?;
        (value.checked_mul(tens).ok_or_else(shown)?, 0)
    } else {
        (value, u32::from(scale.unsigned_abs()))
    };
    Decimal::try_from_i128_with_scale(value, scale).map_err(|_| shown())
}

/// Row `row` of an integer column; `None` for a null.
fn integer(array: &dyn Array, row: usize) -> Option<i128> {
    if array.is_null(row) {
        return None;
    }
    Some(match array.data_type() {
        DataType::Int8 => i128::from(array.as_primitive::<Int8Type>().value(row)),
        DataType::Int16 => i128::from(array.as_primitive::<Int16Type>().value(row)),
        DataType::Int32 => i128::from(array.as_primitive::<Int32Type>().value(row)),
        DataType::Int64 => i128::from(array.as_primitive::<Int64Type>().value(row)),
        DataType::UInt8 => i128::from(array.as_primitive::<UInt8Type>().value(row)),
        DataType::UInt16 => i128::from(array.as_primitive::<UInt16Type>().value(row)),
        DataType::UInt32 => i128::from(array.as_primitive::<UInt32Type>().value(row)),
        DataType::UInt64 => i128::from(array.as_primitive::<UInt64Type>().value(row)),
        _ => return None,
    })
}

/// How a column's type is named in a message.
fn type_name(data_type: &DataType) -> String {
    match data_type {
        DataType::Float16 | DataType::Float32 | DataType::Float64 => {
            format!(
                "floating-point numbers ({})",
                data_type.to_string().to_lowercase()
            )
        }
        DataType::Boolean => "true and false".into(),
        DataType::Null => "nothing but nulls".into(),
        other => format!("values of type {}", other.to_string().to_lowercase()),
    }
}

fn column_type(column: &str, found: &str, wanted: &'static str) -> Problem {
    Problem::new(
        ProblemKind::ColumnType {
            column: column.to_string(),
            found: found.to_string(),
            wanted,
        },
        Span::default(),
    )
}

/// The columns of one batch, ready to read.
struct Batch<'t> {
    rows: usize,
    period: Periods<'t>,
    deal: Option<Texts<'t>>,
    values: Vec<Amounts<'t>>,
}

/// A table's columns: which is the period, which the deal, and the rest,
/// amounts, in table order.
pub struct Layout {
    period: usize,
    deal: Option<usize>,
    values: Vec<(usize, String)>,
}

impl Layout {
    /// The layout of `table`, which must have a `period` column, and a
    /// `deal` column when `portfolio`.
    pub fn of(table: &Table, portfolio: bool) -> Result<Layout, Vec<Problem>> {
        let names: Vec<&str> = table
            .schema
            .fields()
            .iter()
            .map(|field| field.name().as_str())
            .collect();
        let find = |name: &'static str| {
            names.iter().position(|n| *n == name).ok_or_else(|| {
                let columns = names
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                vec![Problem::new(
                    ProblemKind::NoColumn { name, columns },
                    Span::default(),
                )]
            })
        };
        let period = find("period")?;
        let deal = if portfolio { Some(find("deal")?) } else { None };
        let mut problems = Vec::new();
        let mut values: Vec<(usize, String)> = Vec::new();
        for (index, name) in names.iter().enumerate() {
            if index == period || Some(index) == deal {
                continue;
            }
            let repeated = values.iter().any(|(_, other)| other == name)
                || *name == "period"
                || (portfolio && *name == "deal");
            if repeated {
                problems.push(Problem::new(
                    ProblemKind::DuplicateColumn {
                        name: (*name).to_string(),
                    },
                    Span::default(),
                ));
            }
            values.push((index, (*name).to_string()));
        }
        if problems.is_empty() {
            Ok(Layout {
                period,
                deal,
                values,
            })
        } else {
            Err(problems)
        }
    }

    fn batch<'t>(&self, batch: &'t RecordBatch) -> Result<Batch<'t>, Vec<Problem>> {
        let column = |index: usize| -> &'t ArrayRef {
            // `Layout::of` found every index in this schema.
            #[allow(clippy::indexing_slicing)]
            &batch.columns()[index]
        };
        let mut problems = Vec::new();
        let period = Periods::of("period", column(self.period).as_ref())
            .map_err(|problem| problems.push(problem))
            .ok();
        let deal = match self.deal {
            Some(index) => {
                let texts = Texts::of(column(index).as_ref());
                if texts.is_none() {
                    problems.push(column_type(
                        "deal",
                        &type_name(column(index).data_type()),
                        "deal names (text)",
                    ));
                }
                texts
            }
            None => None,
        };
        let values: Vec<Amounts<'t>> = self
            .values
            .iter()
            .filter_map(|(index, name)| {
                Amounts::of(name, column(*index).as_ref())
                    .map_err(|problem| problems.push(problem))
                    .ok()
            })
            .collect();
        match period {
            Some(period) if problems.is_empty() => Ok(Batch {
                rows: batch.num_rows(),
                period,
                deal,
                values,
            }),
            _ => Err(problems),
        }
    }

    fn columns(&self) -> Vec<String> {
        self.values.iter().map(|(_, name)| name.clone()).collect()
    }
}

/// Where a row is: its batch and its index there, and its number in the
/// table (from 1, as messages count rows).
#[derive(Clone, Copy)]
pub struct At {
    batch: usize,
    index: usize,
    pub row: usize,
}

/// The table read as batches of columns.
pub struct Rows<'t> {
    layout: &'t Layout,
    batches: Vec<Batch<'t>>,
}

impl<'t> Rows<'t> {
    pub fn new(layout: &'t Layout, table: &'t Table) -> Result<Rows<'t>, Vec<Problem>> {
        let mut batches = Vec::with_capacity(table.batches.len());
        for batch in &table.batches {
            batches.push(layout.batch(batch)?);
        }
        Ok(Rows { layout, batches })
    }

    fn every(&self) -> impl Iterator<Item = At> + '_ {
        let mut row = 0usize;
        self.batches
            .iter()
            .enumerate()
            .flat_map(|(batch, columns)| (0..columns.rows).map(move |index| (batch, index)))
            .map(move |(batch, index)| {
                row = row.saturating_add(1);
                At { batch, index, row }
            })
    }

    /// The whole table as one series.
    pub fn series(&self) -> Result<Series, Vec<Problem>> {
        let at: Vec<At> = self.every().collect();
        self.series_of(&at)
    }

    /// The deals of a portfolio's table, in the order each first appears,
    /// each with its rows in table order. A table is grouped by deal (a
    /// CSV file must keep a deal's rows together; a DataFrame need not).
    pub fn deals(&self) -> Result<Vec<(String, Vec<At>)>, Vec<Problem>> {
        let mut order: Vec<(String, Vec<At>)> = Vec::new();
        let mut index: HashMap<&'t str, usize> = HashMap::new();
        for at in self.every() {
            let deal = self
                .batches
                .get(at.batch)
                .and_then(|batch| batch.deal.as_ref())
                .and_then(|deal| deal.get(at.index))
                .map(str::trim)
                .unwrap_or_default();
            if deal.is_empty() {
                return Err(vec![Problem::new(
                    ProblemKind::DealRows {
                        deal: String::new(),
                        row: at.row,
                    },
                    Span::default(),
                )]);
            }
            let slot = *index.entry(deal).or_insert_with(|| {
                order.push((deal.to_string(), Vec::new()));
                order.len().saturating_sub(1)
            });
            if let Some((_, rows)) = order.get_mut(slot) {
                rows.push(at);
            }
        }
        Ok(order)
    }

    /// The series of these rows, in this order.
    pub fn series_of(&self, rows: &[At]) -> Result<Series, Vec<Problem>> {
        let mut builder = Builder::new(self.layout.columns()).with_room(rows.len());
        let calendar = self.date_calendar(rows);
        let mut amounts: Vec<Result<Decimal, String>> =
            Vec::with_capacity(self.layout.values.len());
        for at in rows {
            let Some(batch) = self.batches.get(at.batch) else {
                continue;
            };
            let period = match batch.period.get(at.index) {
                PeriodCell::Label(label) => {
                    let label = label.trim();
                    Period::parse(label).ok_or_else(|| label.to_string())
                }
                PeriodCell::Year(year) => {
                    let label = year.to_string();
                    Period::parse(&label).ok_or(label)
                }
                PeriodCell::Day(day) => date_of(day)
                    .map(|date| Period::containing(date, calendar))
                    .ok_or_else(|| format!("day {day}")),
                PeriodCell::Null => Err(String::new()),
            };
            amounts.clear();
            amounts.extend(batch.values.iter().map(|values| values.get(at.index)));
            if !builder.typed_row(at.row, period, &amounts) {
                break;
            }
        }
        builder.finish(Span::default())
    }

    /// What dates in the period column stand for, by the spacing of the
    /// first two (as a workbook's dates are read): a month when fewer.
    fn date_calendar(&self, rows: &[At]) -> Calendar {
        let months: Vec<i32> = rows
            .iter()
            .filter_map(
                |at| match self.batches.get(at.batch)?.period.get(at.index) {
                    PeriodCell::Day(day) => date_of(day),
                    _ => None,
                },
            )
            .take(2)
            .map(|date| {
                i32::from(date.year())
                    .saturating_mul(12)
                    .saturating_add(i32::from(date.month()))
            })
            .collect();
        match months.as_slice() {
            [first, second] => spaced(second.saturating_sub(*first)),
            _ => Calendar::Month,
        }
    }
}

fn date_of(day: i64) -> Option<Date> {
    EPOCH
        .checked_add(jiff::Span::new().try_days(day).ok()?)
        .ok()
}
