//! Windows: which periods a clause is in force. A window covers every period
//! that overlaps it: `from D` starts with the period containing D; `until D`
//! ends with the last period that starts before D. An event works like a
//! date; an event with no date never happens. `period of D` moves the bound
//! to the start of the series period containing D, `period after D` to the
//! start of the next, whatever day D is.

use jiff::civil::Date;

use super::statement::{Event, EventKind};
use crate::agreement::{Agreement, Anchor, Bound, Window};
use crate::period::Period;

/// Whether the clause is in force, period by period; records the window's
/// opening, closing, and events without a date.
pub fn active(
    window: &Window,
    periods: &[Period],
    agreement: &Agreement,
    event_dates: &[Option<Date>],
    label: &str,
    events: &mut Vec<Event>,
) -> Vec<bool> {
    let mut undated = |bound: Bound, effect: &str| -> Option<Date> {
        match bound {
            Bound::Date(date) => Some(date),
            Bound::Event(id) => {
                let date = event_dates.get(id).copied().flatten();
                if date.is_none() {
                    let name = agreement.events.get(id).map_or("", |e| e.name.as_str());
                    events.push(Event {
                        period: None,
                        clause: label.to_string(),
                        kind: EventKind::EventUndated,
                        text: format!("event `{name}` has no date, so {effect}"),
                    });
                }
                date
            }
        }
    };
    // An undated `from` event never opens the window; an undated `until` never closes it.
    let granularity = periods.first().map(|p| p.granularity);
    let anchored = |date: Date, anchor: Anchor| match (anchor, granularity) {
        (Anchor::Day, _) | (_, None) => date,
        (Anchor::PeriodOf, Some(unit)) => Period::containing(date, unit).start(),
        (Anchor::PeriodAfter, Some(unit)) => Period::containing(date, unit).end(),
    };
    let from = window.from.map(|bound| {
        undated(bound, "the clause never starts")
            .map(|date| anchored(date, window.from_anchor))
            .ok_or(())
    });
    let until = window
        .until
        .and_then(|bound| undated(bound, "the clause never ends"))
        .map(|date| anchored(date, window.until_anchor));
    let describe = |bound: Option<Bound>, keyword: &str| -> String {
        let anchor = if keyword == "from" {
            window.from_anchor
        } else {
            window.until_anchor
        }
        .words();
        match bound {
            Some(Bound::Date(date)) => format!("{keyword} {anchor}{date}"),
            Some(Bound::Event(id)) => {
                let name = agreement.events.get(id).map_or("", |e| e.name.as_str());
                match event_dates.get(id).copied().flatten() {
                    Some(date) => format!("{keyword} {anchor}`{name}`, {date}"),
                    None => format!("{keyword} {anchor}`{name}`"),
                }
            }
            None => String::new(),
        }
    };
    let flags: Vec<bool> = periods
        .iter()
        .map(|period| {
            let opened = match from {
                None => true,
                Some(Ok(date)) => period.end() > date,
                Some(Err(())) => false,
            };
            let open = until.is_none_or(|date| period.start() < date);
            opened && open
        })
        .collect();
    for (t, pair) in flags.windows(2).enumerate() {
        let (Some(period), [before, now]) = (periods.get(t.saturating_add(1)), pair) else {
            continue;
        };
        let (kind, text) = match (before, now) {
            (false, true) => (
                EventKind::WindowOpened,
                format!(
                    "in force from this period ({})",
                    describe(window.from, "from")
                ),
            ),
            (true, false) => (
                EventKind::WindowClosed,
                format!(
                    "no longer in force from this period ({})",
                    describe(window.until, "until")
                ),
            ),
            _ => continue,
        };
        events.push(Event {
            period: Some(*period),
            clause: label.to_string(),
            kind,
            text,
        });
    }
    if !flags.is_empty() && flags.iter().all(|active| !active) {
        events.push(Event {
            period: None,
            clause: label.to_string(),
            kind: EventKind::WindowNeverOpens,
            text: format!(
                "not in force in any period of the series ({}{}{})",
                describe(window.from, "from"),
                if window.from.is_some() && window.until.is_some() {
                    " "
                } else {
                    ""
                },
                describe(window.until, "until")
            ),
        });
    }
    flags
}
