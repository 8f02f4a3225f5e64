//! Charts of cumulative payments (`--chart FILE.svg` or `.png`): a line per
//! payee over the periods, each lifetime cap as a dashed, labelled line,
//! and a marker with its words where a cap, a threshold or a step binds.
//! Lines differ by dash and marker as well as by colour, so that a chart
//! printed in grey still tells them apart; amounts on the axis read as
//! the notes do (`38B`).
//!
//! The text is drawn with the bundled DejaVu Sans (no system font is
//! read); a PNG is drawn into memory and encoded here, so that the caller
//! writes the bytes where it wants them.

use std::sync::Once;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::eval::statement::{EventKind, Statement};
use crate::money::readable;
use crate::report::xlsx::CapLine;

/// The chart's size in pixels, unless asked otherwise.
pub const SIZE: (u32, u32) = (1000, 600);

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw the chart: {0}")]
pub struct ChartError(String);

/// What a chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    /// Period labels, in order.
    pub periods: Vec<String>,
    /// A line per payee: its name and its running total per period.
    pub lines: Vec<(String, Vec<Decimal>)>,
    /// Horizontal lines: lifetime caps.
    pub caps: Vec<CapLine>,
    /// Markers: the line, the period and what happened.
    pub events: Vec<Marker>,
}

/// Something that happened to a line in a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub line: usize,
    pub period: usize,
    pub text: String,
}

impl Chart {
    /// Each payee's cumulative payments in `statement`, its caps, and the
    /// events that bind.
    pub fn of_statement(statement: &Statement, caps: &[CapLine]) -> Chart {
        let lines = payee_lines(statement, "");
        let mut events = Vec::new();
        for event in &statement.events {
            let binds = matches!(
                event.kind,
                EventKind::CapReached
                    | EventKind::ThresholdCrossed
                    | EventKind::BandChanged
                    | EventKind::StepChanged
                    | EventKind::AdvanceRecouped
                    | EventKind::MilestonePaid
                    | EventKind::MinimumTrueUp
                    | EventKind::PaidInFull
            );
            let Some(period) = event.period.filter(|_| binds) else {
                continue;
            };
            let payee = statement
                .rows
                .iter()
                .find(|row| statement.clause(row) == event.clause)
                .map(|row| statement.payee(row));
            let line = payee.and_then(|payee| lines.iter().position(|(name, _)| name == payee));
            let index = statement.periods.iter().position(|p| *p == period);
            if let (Some(line), Some(period_index)) = (line, index) {
                events.push(Marker {
                    line,
                    period: period_index,
                    text: format!("{} {period}", event.kind.phrase().unwrap_or("event")),
                });
            }
        }
        Chart {
            title: format!(
                "{}: cumulative payments, {}",
                statement.agreement, statement.currency
            ),
            periods: statement.periods.iter().map(ToString::to_string).collect(),
            lines,
            caps: caps.to_vec(),
            events,
        }
    }

    /// Two versions' cumulative payments per payee on one chart: `B (old)`
    /// and `B (new)`, over the periods of both.
    pub fn of_diff(
        old: &Statement,
        new: &Statement,
        (old_caps, new_caps): (&[CapLine], &[CapLine]),
    ) -> Chart {
        // A cap in both versions is drawn once; one that changed, twice.
        let mut caps: Vec<CapLine> = Vec::new();
        for (mine, theirs, suffix) in [
            (old_caps, new_caps, " (old)"),
            (new_caps, old_caps, " (new)"),
        ] {
            for cap in mine {
                if theirs.contains(cap) {
                    if !caps.contains(cap) {
                        caps.push(cap.clone());
                    }
                } else {
                    caps.push(CapLine {
                        label: format!("{}{suffix}", cap.label),
                        ..cap.clone()
                    });
                }
            }
        }
        let mut chart = Chart::of_statement(new, &caps);
        let mut periods = old.periods.clone();
        periods.extend(new.periods.iter().copied());
        periods.sort_unstable();
        periods.dedup();
        let spread = |statement: &Statement, suffix: &str| -> Vec<(String, Vec<Decimal>)> {
            payee_lines(statement, suffix)
                .into_iter()
                .map(|(name, values)| {
                    let mut last = Decimal::ZERO;
                    let spread = periods
                        .iter()
                        .map(|period| {
                            if let Some(at) = statement.periods.iter().position(|p| p == period) {
                                last = values.get(at).copied().unwrap_or(last);
                            }
                            last
                        })
                        .collect();
                    (name, spread)
                })
                .collect()
        };
        let old_lines = spread(old, " (old)");
        let new_lines = spread(new, " (new)");
        // Events mark the new version's lines.
        for marker in &mut chart.events {
            let name = chart
                .lines
                .get(marker.line)
                .map(|(n, _)| format!("{n} (new)"));
            let period = new
                .periods
                .get(marker.period)
                .and_then(|p| periods.iter().position(|q| q == p));
            marker.line = name
                .and_then(|name| new_lines.iter().position(|(n, _)| *n == name))
                .map_or(usize::MAX, |at| at.saturating_add(old_lines.len()));
            marker.period = period.unwrap_or(usize::MAX);
        }
        chart.title = format!(
            "{}: cumulative payments, old and new, {}",
            new.agreement, new.currency
        );
        chart.periods = periods.iter().map(ToString::to_string).collect();
        chart.lines = old_lines.into_iter().chain(new_lines).collect();
        chart
    }

    /// The chart as SVG text.
    pub fn svg(&self, size: (u32, u32)) -> Result<String, ChartError> {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
            self.draw(&root)?;
        }
        Ok(out)
    }

    /// The chart as a PNG image.
    pub fn png(&self, size: (u32, u32)) -> Result<Vec<u8>, ChartError> {
        let (width, height) = size;
        let pixels = (width as usize)
            .checked_mul(height as usize)
            .and_then(|n| n.checked_mul(3))
            .ok_or_else(|| ChartError("the image is too large".into()))?;
        let mut buffer = vec![0u8; pixels];
        {
            let root = BitMapBackend::with_buffer(&mut buffer, size).into_drawing_area();
            self.draw(&root)?;
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let fail = |error: png::EncodingError| ChartError(error.to_string());
        let mut writer = encoder.write_header().map_err(fail)?;
        writer.write_image_data(&buffer).map_err(fail)?;
        writer.finish().map_err(fail)?;
        Ok(out)
    }

    #[allow(
        clippy::arithmetic_side_effects,
        reason = "the pixel and floating-point geometry of a picture, far from any limit"
    )]
    fn draw<B: DrawingBackend>(
        &self,
        root: &DrawingArea<B, plotters::coord::Shift>,
    ) -> Result<(), ChartError> {
        register_fonts();
        let fail = |error: &dyn std::fmt::Display| ChartError(error.to_string());
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let top = self
            .lines
            .iter()
            .flat_map(|(_, values)| values.iter())
            .chain(self.caps.iter().map(|cap| &cap.amount))
            .filter_map(|amount| amount.to_f64())
            .fold(0.0f64, f64::max);
        let top = if top > 0.0 { top * 1.12 } else { 1.0 };
        let last = self.periods.len().saturating_sub(1).max(1) as f64;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 20))
            .margin(16)
            .margin_right(40)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d(0f64..last, 0f64..top)
            .map_err(|e| fail(&e))?;
        let periods = &self.periods;
        let period_label = |x: &f64| {
            let index = x.round();
            if (x - index).abs() > 1e-6 || index < 0.0 {
                return String::new();
            }
            periods.get(index as usize).cloned().unwrap_or_default()
        };
        let amount_label = |y: &f64| {
            Decimal::from_f64_retain(*y)
                .map(|d| readable(d.round_dp(0)))
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_labels(periods.len().clamp(2, 12))
            .x_label_formatter(&period_label)
            .y_label_formatter(&amount_label)
            .y_labels(6)
            .x_max_light_lines(1)
            .y_max_light_lines(1)
            .light_line_style(RGBColor(240, 240, 240))
            .bold_line_style(RGBColor(210, 210, 210))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(|e| fail(&e))?;
        for (index, (name, values)) in self.lines.iter().enumerate() {
            let colour = PALETTE.get(index % PALETTE.len()).copied().unwrap_or(BLACK);
            let points: Vec<(f64, f64)> = values
                .iter()
                .enumerate()
                .map(|(x, v)| (x as f64, v.to_f64().unwrap_or(0.0)))
                .collect();
            let style = ShapeStyle::from(colour).stroke_width(2);
            chart
                .draw_series(LineSeries::new(points.clone(), style))
                .map_err(|e| fail(&e))?
                .label(name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
            // A marker per line, different for each: the lines stay apart
            // in grey.
            let every = (points.len() / 12).max(1);
            let marks = points.iter().step_by(every).copied();
            match index % 3 {
                0 => chart
                    .draw_series(marks.map(|p| Circle::new(p, 3, style.filled())))
                    .map(drop),
                1 => chart
                    .draw_series(marks.map(|p| TriangleMarker::new(p, 4, style.filled())))
                    .map(drop),
                _ => chart
                    .draw_series(marks.map(|p| Cross::new(p, 4, style)))
                    .map(drop),
            }
            .map_err(|e| fail(&e))?;
        }
        for cap in &self.caps {
            let y = cap.amount.to_f64().unwrap_or(0.0);
            let style = ShapeStyle::from(RGBColor(90, 90, 90)).stroke_width(1);
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(0.0, y), (last, y)],
                    8,
                    5,
                    style,
                ))
                .map_err(|e| fail(&e))?;
            chart
                .draw_series(std::iter::once(Text::new(
                    cap.label.clone(),
                    (last, y),
                    ("sans-serif", 13)
                        .into_font()
                        .color(&RGBColor(60, 60, 60))
                        .pos(plotters::style::text_anchor::Pos::new(
                            plotters::style::text_anchor::HPos::Right,
                            plotters::style::text_anchor::VPos::Bottom,
                        )),
                )))
                .map_err(|e| fail(&e))?;
        }
        for marker in &self.events {
            let Some(value) = self
                .lines
                .get(marker.line)
                .and_then(|(_, values)| values.get(marker.period))
            else {
                continue;
            };
            let point = (marker.period as f64, value.to_f64().unwrap_or(0.0));
            let style = ShapeStyle::from(BLACK).stroke_width(2);
            // The words above the marker, clear of the line: to its left in
            // the second half of the chart, to its right in the first, so
            // that they stay inside it.
            let early = point.0 * 2.0 < last;
            let (side, shift) = if early {
                (plotters::style::text_anchor::HPos::Left, 10)
            } else {
                (plotters::style::text_anchor::HPos::Right, -10)
            };
            let font = ("sans-serif", 13).into_font().color(&BLACK).pos(
                plotters::style::text_anchor::Pos::new(
                    side,
                    plotters::style::text_anchor::VPos::Bottom,
                ),
            );
            let marked = EmptyElement::at(point)
                + Circle::new((0, 0), 7, style)
                + Text::new(marker.text.clone(), (shift, -10), font);
            chart
                .draw_series(std::iter::once(marked))
                .map_err(|e| fail(&e))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(160, 160, 160))
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(|e| fail(&e))?;
        root.present().map_err(|e| fail(&e))?;
        Ok(())
    }
}

/// A portfolio's payments per payee and period, added up deal by deal (in
/// any order): the chart of the portfolio's total per payee.
#[derive(Debug, Default)]
pub struct PortfolioTotals {
    /// Payee, by period.
    paid: std::collections::BTreeMap<
        crate::period::Period,
        std::collections::BTreeMap<String, Decimal>,
    >,
    currencies: std::collections::BTreeSet<String>,
    deals: usize,
}

impl PortfolioTotals {
    /// Adds what each payee of `statement` is paid in each period.
    pub fn add(&mut self, statement: &Statement) {
        self.currencies.insert(statement.currency.clone());
        self.deals = self.deals.saturating_add(1);
        for row in &statement.rows {
            let payee = statement.payee(row).to_string();
            let cell = self
                .paid
                .entry(row.period)
                .or_default()
                .entry(payee)
                .or_default();
            *cell = cell.checked_add(row.amount).unwrap_or(*cell);
        }
    }

    /// The chart of every payee's cumulative total, or why there is none
    /// (deals in several currencies, or series of several granularities,
    /// add up to nothing meaningful).
    pub fn chart(&self) -> Result<Chart, String> {
        if self.currencies.len() > 1 {
            let all: Vec<&str> = self.currencies.iter().map(String::as_str).collect();
            return Err(format!(
                "the portfolio's deals are in {}: a total would add different currencies; chart one deal with --chart-deal NAME",
                all.join(", ")
            ));
        }
        let granularities: std::collections::BTreeSet<_> =
            self.paid.keys().map(|p| p.granularity.keyword()).collect();
        if granularities.len() > 1 {
            return Err(
                "the portfolio's series are of several granularities (months and quarters, say): chart one deal with --chart-deal NAME".into(),
            );
        }
        let mut payees: Vec<&String> = self.paid.values().flat_map(|m| m.keys()).collect();
        payees.sort();
        payees.dedup();
        let lines = payees
            .iter()
            .map(|payee| {
                let mut running = Decimal::ZERO;
                let values = self
                    .paid
                    .values()
                    .map(|cells| {
                        running = running
                            .checked_add(cells.get(*payee).copied().unwrap_or_default())
                            .unwrap_or(running);
                        running
                    })
                    .collect();
                ((*payee).clone(), values)
            })
            .collect();
        let currency = self.currencies.iter().next().cloned().unwrap_or_default();
        Ok(Chart {
            title: format!(
                "Portfolio of {} deals: cumulative payments per payee, {currency}",
                self.deals
            ),
            periods: self.paid.keys().map(ToString::to_string).collect(),
            lines,
            caps: Vec::new(),
            events: Vec::new(),
        })
    }
}

/// Dark and far apart in lightness, for print in colour and in grey.
const PALETTE: [RGBColor; 5] = [
    RGBColor(0, 0, 0),
    RGBColor(0, 92, 171),
    RGBColor(196, 78, 0),
    RGBColor(0, 128, 64),
    RGBColor(128, 0, 128),
];

/// Each payee's running total per period of `statement`, named `B` and
/// `suffix`.
fn payee_lines(statement: &Statement, suffix: &str) -> Vec<(String, Vec<Decimal>)> {
    super::by_party::cumulative_by_payee(statement)
        .into_iter()
        .map(|(payee, line)| {
            let name = statement.parties.get(payee).map_or("", String::as_str);
            (format!("{name}{suffix}"), line)
        })
        .collect()
}

/// The bundled font, registered once as `sans-serif`.
fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let font: &'static [u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
        // A font that does not load leaves the text undrawn, not the chart.
        let _ = register_font("sans-serif", FontStyle::Normal, font);
    });
}
