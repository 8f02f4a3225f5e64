//! Statements as Arrow tables: the rows in the CLI's CSV columns and order,
//! the totals and the events, each amount an exact `decimal128` (at the
//! currency's minor units for money; at the largest scale present for a
//! basis; ten places for a rate), never a float.

use std::sync::Arc;

use arrow_array::builder::{Decimal128Builder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, Decimal256Type};
use arrow_array::{Array, ArrayRef, Decimal128Array, Decimal256Array, RecordBatch};
use arrow_buffer::i256;
use arrow_schema::{ArrowError, DataType, Field, Schema};
use dealterms::eval::statement::{RATE_DECIMALS, Statement};
use rust_decimal::Decimal;

/// The most digits a `decimal128` holds.
const PRECISION: u8 = 38;

/// One statement of a table, with its deal's name in a portfolio.
pub type Part<'s> = (Option<&'s str>, &'s Statement);

/// The rows of `parts`, in order: `deal` first when `portfolio`, `explain`
/// last when asked for, as `deal eval -f csv` writes them; each figure
/// column at the smallest scale that holds its figures exactly (a
/// portfolio's batches, built apart, are brought to one by [`unify`]).
pub fn rows(parts: &[Part<'_>], portfolio: bool, explain: bool) -> Result<RecordBatch, ArrowError> {
    let every = || parts.iter().flat_map(|(_, statement)| &statement.rows);
    let scales = Scales {
        basis: scale_of(every().filter_map(|row| row.basis), 0),
        money: scale_of(
            every().flat_map(|row| [row.amount, row.cumulative]),
            minor_units(parts),
        ),
    };
    let layout = (portfolio, explain);
    match RowBuilder::new(parts, layout, scales).build(parts)? {
        Some(batch) => Ok(batch),
        // A figure of more than 38 digits at its column's scale: every
        // figure column as `decimal256`, where it must be.
        None => wide_rows(parts, layout, scales),
    }
}

/// Batches of one table, built apart, with their figure columns brought to
/// one type: the largest scale among them, `decimal256` if any figure then
/// needs more than 38 digits.
pub fn unify(batches: Vec<RecordBatch>) -> Result<Vec<RecordBatch>, ArrowError> {
    let Some(first) = batches.first() else {
        return Ok(batches);
    };
    let schema = first.schema();
    let mut columns: Vec<Vec<ArrayRef>> = batches.iter().map(|b| b.columns().to_vec()).collect();
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    for (index, field) in fields.iter_mut().enumerate() {
        let types: Vec<&DataType> = batches
            .iter()
            .filter_map(|batch| batch.columns().get(index).map(|column| column.data_type()))
            .collect();
        let scale = types
            .iter()
            .filter_map(|t| match t {
                DataType::Decimal128(_, scale) | DataType::Decimal256(_, scale) => Some(*scale),
                _ => None,
            })
            .max();
        let Some(scale) = scale else { continue };
        let mut wide = types.iter().any(|t| matches!(t, DataType::Decimal256(..)));
        if !wide {
            let narrow: Option<Vec<ArrayRef>> = columns
                .iter()
                .map(|batch| batch.get(index).and_then(|column| rescaled(column, scale)))
                .collect();
            match narrow {
                Some(narrow) => {
                    for (batch, column) in columns.iter_mut().zip(narrow) {
                        if let Some(slot) = batch.get_mut(index) {
                            *slot = column;
                        }
                    }
                }
                None => wide = true,
            }
        }
        if wide {
            for batch in &mut columns {
                if let Some(slot) = batch.get_mut(index) {
                    *slot = widened(slot, scale)?;
                }
            }
        }
        let data_type = match columns.first().and_then(|batch| batch.get(index)) {
            Some(column) => column.data_type().clone(),
            None => continue,
        };
        *field = field.clone().with_data_type(data_type);
    }
    let schema = Arc::new(Schema::new(fields));
    columns
        .into_iter()
        .map(|columns| RecordBatch::try_new(Arc::clone(&schema), columns))
        .collect()
}

/// A `decimal128` column at `scale` (no less than its own), if every
/// figure still fits.
fn rescaled(column: &ArrayRef, scale: i8) -> Option<ArrayRef> {
    let DataType::Decimal128(_, own) = column.data_type() else {
        return None;
    };
    if *own == scale {
        return Some(Arc::clone(column));
    }
    let tens = 10i128.checked_pow(u32::try_from(scale.checked_sub(*own)?).ok()?)?;
    let limit = 10i128.pow(u32::from(PRECISION));
    let array = column.as_primitive::<Decimal128Type>();
    let values: Option<Vec<i128>> = array
        .values()
        .iter()
        .map(|value| {
            value
                .checked_mul(tens)
                .filter(|v| v.unsigned_abs() < limit.unsigned_abs())
        })
        .collect();
    let array = Decimal128Array::new(values?.into(), array.nulls().cloned())
        .with_precision_and_scale(PRECISION, scale)
        .ok()?;
    Some(Arc::new(array))
}

/// A decimal column as `decimal256(76, scale)`.
fn widened(column: &ArrayRef, scale: i8) -> Result<ArrayRef, ArrowError> {
    let (values, own, nulls): (Vec<i256>, i8, _) = match column.data_type() {
        DataType::Decimal128(_, own) => {
            let array = column.as_primitive::<Decimal128Type>();
            (
                array.values().iter().map(|v| i256::from_i128(*v)).collect(),
                *own,
                array.nulls().cloned(),
            )
        }
        DataType::Decimal256(_, own) => {
            let array = column.as_primitive::<Decimal256Type>();
            (array.values().to_vec(), *own, array.nulls().cloned())
        }
        other => {
            return Err(ArrowError::InvalidArgumentError(format!(
                "not a decimal: {other}"
            )));
        }
    };
    let tens =
        i256::from_i128(10).wrapping_pow(u32::try_from(scale.saturating_sub(own)).unwrap_or(0));
    let values: Vec<i256> = values.into_iter().map(|v| v.wrapping_mul(tens)).collect();
    Ok(Arc::new(
        Decimal256Array::new(values.into(), nulls).with_precision_and_scale(76, scale)?,
    ))
}

/// The scales of a table's figure columns.
#[derive(Clone, Copy)]
struct Scales {
    basis: u32,
    money: u32,
}

/// The columns of rows as they are filled, in one pass over the rows.
struct RowBuilder {
    portfolio: bool,
    deal: StringBuilder,
    period: StringBuilder,
    clause: StringBuilder,
    payer: StringBuilder,
    party: StringBuilder,
    basis: Decimal128Builder,
    rate: Decimal128Builder,
    amount: Decimal128Builder,
    cumulative: Decimal128Builder,
    note: StringBuilder,
    explain: Option<StringBuilder>,
    scales: Scales,
}

impl RowBuilder {
    fn new(chunk: &[Part<'_>], (portfolio, explain): (bool, bool), scales: Scales) -> RowBuilder {
        let count: usize = chunk.iter().map(|(_, s)| s.rows.len()).sum();
        let texts = |bytes: usize| StringBuilder::with_capacity(count, count.saturating_mul(bytes));
        let figures = || Decimal128Builder::with_capacity(count);
        RowBuilder {
            portfolio,
            deal: texts(if portfolio { 8 } else { 0 }),
            period: texts(7),
            clause: texts(12),
            payer: texts(8),
            party: texts(8),
            basis: figures(),
            rate: figures(),
            amount: figures(),
            cumulative: figures(),
            note: texts(24),
            explain: explain.then(|| texts(64)),
            scales,
        }
    }

    /// The batch of `chunk`'s rows; `None` if a figure does not fit a
    /// `decimal128` at its column's scale.
    fn build(mut self, chunk: &[Part<'_>]) -> Result<Option<RecordBatch>, ArrowError> {
        let Scales { basis, money } = self.scales;
        let mut text = String::new();
        for (deal, statement) in chunk {
            for row in &statement.rows {
                if self.portfolio {
                    self.deal.append_value(deal.unwrap_or_default());
                }
                text.clear();
                row.period.write_label(&mut text);
                self.period.append_value(&text);
                self.clause.append_value(statement.clause(row));
                self.payer.append_value(statement.payer(row));
                self.party.append_value(statement.payee(row));
                let figures = [
                    (&mut self.basis, row.basis, basis),
                    (&mut self.rate, row.effective_rate(), RATE_DECIMALS),
                    (&mut self.amount, Some(row.amount), money),
                    (&mut self.cumulative, Some(row.cumulative), money),
                ];
                for (builder, value, scale) in figures {
                    match value {
                        None => builder.append_null(),
                        Some(value) => match mantissa_at(value, scale) {
                            Some(mantissa) => builder.append_value(mantissa),
                            None => return Ok(None),
                        },
                    }
                }
                text.clear();
                statement.write_note(&mut text, row);
                self.note.append_value(&text);
                if let Some(explain) = &mut self.explain {
                    explain.append_value(row.explain.join("; "));
                }
            }
        }
        let decimal =
            |mut builder: Decimal128Builder, scale: u32| -> Result<ArrayRef, ArrowError> {
                Ok(Arc::new(builder.finish().with_precision_and_scale(
                    PRECISION,
                    arrow_scale(scale)?,
                )?))
            };
        let mut columns: Vec<(&str, ArrayRef)> = Vec::with_capacity(11);
        if self.portfolio {
            columns.push(("deal", Arc::new(self.deal.finish())));
        }
        columns.push(("period", Arc::new(self.period.finish())));
        columns.push(("clause", Arc::new(self.clause.finish())));
        columns.push(("payer", Arc::new(self.payer.finish())));
        columns.push(("party", Arc::new(self.party.finish())));
        columns.push(("basis", decimal(self.basis, basis)?));
        columns.push(("effective_rate", decimal(self.rate, RATE_DECIMALS)?));
        columns.push(("amount", decimal(self.amount, money)?));
        columns.push(("cumulative", decimal(self.cumulative, money)?));
        columns.push(("note", Arc::new(self.note.finish())));
        if let Some(mut explain) = self.explain {
            columns.push(("explain", Arc::new(explain.finish())));
        }
        batch(columns, ROW_NULLABLE).map(Some)
    }
}

/// The columns of rows that may hold nulls.
const ROW_NULLABLE: &[&str] = &["basis", "effective_rate"];

/// The rows of `parts` as one batch, each figure column built by
/// [`decimals`] (`decimal256` where a figure needs it).
fn wide_rows(
    parts: &[Part<'_>],
    (portfolio, explain): (bool, bool),
    scales: Scales,
) -> Result<RecordBatch, ArrowError> {
    let every = || {
        parts.iter().flat_map(|(deal, statement)| {
            statement.rows.iter().map(move |row| (deal, statement, row))
        })
    };
    let count = every().count();
    let mut columns = deal_column(portfolio, count, every().map(|(deal, _, _)| *deal));
    let periods: Vec<String> = every().map(|(_, _, row)| row.period.to_string()).collect();
    columns.push(("period", texts(count, periods.iter().map(String::as_str))));
    columns.push((
        "clause",
        texts(count, every().map(|(_, s, row)| s.clause(row))),
    ));
    columns.push((
        "payer",
        texts(count, every().map(|(_, s, row)| s.payer(row))),
    ));
    columns.push((
        "party",
        texts(count, every().map(|(_, s, row)| s.payee(row))),
    ));
    columns.push((
        "basis",
        decimals(every().map(|(_, _, row)| row.basis), scales.basis)?,
    ));
    columns.push((
        "effective_rate",
        decimals(
            every().map(|(_, _, row)| row.effective_rate()),
            RATE_DECIMALS,
        )?,
    ));
    columns.push((
        "amount",
        decimals(every().map(|(_, _, row)| Some(row.amount)), scales.money)?,
    ));
    columns.push((
        "cumulative",
        decimals(
            every().map(|(_, _, row)| Some(row.cumulative)),
            scales.money,
        )?,
    ));
    let notes: Vec<String> = every().map(|(_, s, row)| s.note(row)).collect();
    columns.push(("note", texts(count, notes.iter().map(String::as_str))));
    if explain {
        let explained: Vec<String> = every().map(|(_, _, row)| row.explain.join("; ")).collect();
        columns.push((
            "explain",
            texts(count, explained.iter().map(String::as_str)),
        ));
    }
    batch(columns, ROW_NULLABLE)
}

fn arrow_scale(scale: u32) -> Result<i8, ArrowError> {
    i8::try_from(scale).map_err(|_| ArrowError::InvalidArgumentError(format!("scale {scale}")))
}

/// What each party received, paid and netted, per statement.
pub fn totals(parts: &[Part<'_>], portfolio: bool) -> Result<RecordBatch, ArrowError> {
    let every = || {
        parts
            .iter()
            .flat_map(|(deal, statement)| statement.totals.iter().map(move |total| (deal, total)))
    };
    let count = every().count();
    let figures = every().flat_map(|(_, total)| [total.received, total.paid, total.net]);
    let money = scale_of(figures, minor_units(parts));
    let mut columns = deal_column(portfolio, count, every().map(|(deal, _)| *deal));
    columns.push((
        "party",
        texts(count, every().map(|(_, total)| total.party.as_str())),
    ));
    columns.push((
        "received",
        decimals(every().map(|(_, total)| Some(total.received)), money)?,
    ));
    columns.push((
        "paid",
        decimals(every().map(|(_, total)| Some(total.paid)), money)?,
    ));
    columns.push((
        "net",
        decimals(every().map(|(_, total)| Some(total.net)), money)?,
    ));
    batch(columns, &[])
}

/// The events of each statement: caps reached, thresholds crossed...
pub fn events(parts: &[Part<'_>], portfolio: bool) -> Result<RecordBatch, ArrowError> {
    let every = || {
        parts
            .iter()
            .flat_map(|(deal, statement)| statement.events.iter().map(move |event| (deal, event)))
    };
    let count = every().count();
    let mut columns = deal_column(portfolio, count, every().map(|(deal, _)| *deal));
    columns.push((
        "period",
        Arc::new(
            every()
                .map(|(_, event)| event.period.map(|period| period.to_string()))
                .collect::<arrow_array::StringArray>(),
        ),
    ));
    columns.push((
        "clause",
        texts(count, every().map(|(_, event)| event.clause.as_str())),
    ));
    columns.push((
        "kind",
        texts(count, every().map(|(_, event)| event.kind.name())),
    ));
    columns.push((
        "text",
        texts(count, every().map(|(_, event)| event.text.as_str())),
    ));
    batch(columns, &["period"])
}

/// The largest minor units among the statements (a portfolio may mix a
/// currency of none, JPY, with one of two).
fn minor_units(parts: &[Part<'_>]) -> u32 {
    parts
        .iter()
        .map(|(_, statement)| statement.minor_units)
        .max()
        .unwrap_or(2)
}

/// The smallest scale at or above `least` that holds every value exactly.
fn scale_of(values: impl Iterator<Item = Decimal>, least: u32) -> u32 {
    values.fold(least, |scale, value| {
        if value.scale() <= scale {
            scale
        } else {
            scale.max(value.normalize().scale())
        }
    })
}

/// The columns a table starts with: a portfolio's `deal`, or none.
fn deal_column<'d>(
    portfolio: bool,
    count: usize,
    deals: impl Iterator<Item = Option<&'d str>>,
) -> Vec<(&'static str, ArrayRef)> {
    if portfolio {
        vec![("deal", texts(count, deals.map(Option::unwrap_or_default)))]
    } else {
        Vec::new()
    }
}

/// A column of text.
fn texts<'a>(count: usize, values: impl Iterator<Item = &'a str>) -> ArrayRef {
    let mut builder = StringBuilder::with_capacity(count, count.saturating_mul(12));
    for value in values {
        builder.append_value(value);
    }
    Arc::new(builder.finish())
}

/// A column of decimals at `scale`: `decimal128(38, scale)`, or
/// `decimal256(76, scale)` when some value has more than 38 digits there.
fn decimals(
    values: impl Iterator<Item = Option<Decimal>> + Clone,
    scale: u32,
) -> Result<ArrayRef, ArrowError> {
    let arrow_scale = arrow_scale(scale)?;
    let narrow: Option<Vec<Option<i128>>> = values
        .clone()
        .map(|value| match value {
            None => Some(None),
            Some(value) => mantissa_at(value, scale).map(Some),
        })
        .collect();
    if let Some(narrow) = narrow {
        let array =
            Decimal128Array::from(narrow).with_precision_and_scale(PRECISION, arrow_scale)?;
        return Ok(Arc::new(array));
    }
    let wide: Vec<Option<i256>> = values
        .map(|value| {
            value.map(|value| {
                let tens = i256::from_i128(10).wrapping_pow(scale.saturating_sub(value.scale()));
                i256::from_i128(value.mantissa()).wrapping_mul(tens)
            })
        })
        .collect();
    let array = Decimal256Array::from(wide).with_precision_and_scale(76, arrow_scale)?;
    Ok(Arc::new(array))
}

/// `value`'s mantissa at `scale` (at least its own, or its own without
/// trailing zeros), if it has at most 38 digits there.
fn mantissa_at(value: Decimal, scale: u32) -> Option<i128> {
    let value = if value.scale() > scale {
        value.normalize()
    } else {
        value
    };
    let tens = 10i128.checked_pow(scale.checked_sub(value.scale())?)?;
    let mantissa = value.mantissa().checked_mul(tens)?;
    (mantissa.unsigned_abs() < 10u128.pow(u32::from(PRECISION))).then_some(mantissa)
}

/// The batch of these columns; those named in `nullable` may hold nulls
/// (a basis, a rate, an event's period), the rest never do.
fn batch(columns: Vec<(&str, ArrayRef)>, nullable: &[&str]) -> Result<RecordBatch, ArrowError> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, array)| Field::new(*name, array.data_type().clone(), nullable.contains(name)))
        .collect();
    let arrays = columns.into_iter().map(|(_, array)| array).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
}
