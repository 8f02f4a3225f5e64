//! Benchmarks: parsing, checking, and evaluation per clause form, each beside
//! a hand-written rust_decimal loop computing the same figures, so that the
//! ratio (engine / loop) is measured in one run. `cargo bench` runs them;
//! docs/performance.md reports the figures.

use std::hint::black_box;
use std::str::FromStr;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dealterms::eval::{self, Options};
use rust_decimal::{Decimal, RoundingStrategy};

/// The allocator `deal` ships with (src/main.rs), for the engine and the
/// hand-written loops alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SEED: &str = include_str!("../examples/openai-microsoft.deal");
const MONTHS: usize = 120;

/// A monthly series of `MONTHS` periods with a `revenue` column.
fn series_text() -> String {
    let mut text = String::from("period,revenue\n");
    for month in 0..MONTHS {
        let revenue = 1_000_000 + (month * 7_919) % 500_000;
        text.push_str(&format!(
            "{}-{:02},{revenue}.37\n",
            2020 + month / 12,
            month % 12 + 1
        ));
    }
    text
}

/// One agreement per clause form, each over `revenue`.
const FORMS: &[(&str, &str)] = &[
    ("flat", "share 20% of revenue to B"),
    ("capped", "share 20% of revenue to B cap 38M"),
    (
        "bands-3",
        "share 30% of revenue to B up to 20M, 25% up to 60M, 20% above",
    ),
    (
        "steps",
        "share 50% of revenue to B until paid 10M, then 10% until paid 20M",
    ),
    ("threshold", "share 10% of revenue to B above 50M"),
    (
        "floor-yearly-cap",
        "share 12% of revenue to B floor 130K per month cap 1.5M per year",
    ),
    ("minimum", "share 8% of revenue to B minimum 2M per year"),
    (
        "window",
        "share 10% of revenue to B from 2022-01-01 until 2028-01-01",
    ),
    (
        "advance",
        "royalty: share 20% of revenue to B\n  advance 5M to B recouped from royalty",
    ),
    ("rest", "share 30% of revenue to B\n  rest of revenue to C"),
];

fn agreement(clause: &str) -> String {
    format!("agreement \"bench\" {{\n  parties A, B, C\n  payer A\n  {clause}\n}}\n")
}

/// The hand-written loop for `share 20% of revenue to B cap 38M`.
fn capped_loop(revenue: &[Decimal]) -> Vec<Decimal> {
    let (rate, cap) = (Decimal::new(20, 2), Decimal::from(38_000_000));
    let mut paid = Decimal::ZERO;
    let mut out = Vec::with_capacity(revenue.len());
    for basis in revenue {
        let raw = (rate * (*basis).max(Decimal::ZERO))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
        let amount = raw.min(cap - paid).max(Decimal::ZERO);
        paid += amount;
        out.push(amount);
    }
    out
}

/// The hand-written loop for three marginal bands on the cumulative basis.
fn bands_loop(revenue: &[Decimal]) -> Vec<Decimal> {
    let bands = [
        (Decimal::new(30, 2), Some(Decimal::from(20_000_000))),
        (Decimal::new(25, 2), Some(Decimal::from(60_000_000))),
        (Decimal::new(20, 2), None),
    ];
    let mut cumulative = Decimal::ZERO;
    let mut out = Vec::with_capacity(revenue.len());
    for basis in revenue {
        let from = cumulative;
        let to = from + (*basis).max(Decimal::ZERO);
        let mut raw = Decimal::ZERO;
        let mut lower = Decimal::ZERO;
        for (rate, upper) in bands {
            let start = from.max(lower);
            let end = upper.map_or(to, |u| to.min(u));
            if end > start {
                raw += rate * (end - start);
            }
            if let Some(u) = upper {
                lower = u;
            }
        }
        cumulative = to;
        out.push(raw.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven));
    }
    out
}

fn parsing(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.bench_function("seed: parse and check", |b| {
        b.iter(|| dealterms::compile(black_box(SEED)))
    });
    // A large generated agreement: thousands of clauses of every form.
    let mut big = String::from("agreement \"big\" {\n  parties A, B, C\n  payer A\n");
    for i in 0..4_000 {
        let (_, clause) = FORMS[i % FORMS.len()];
        let clause = if clause.contains("royalty") {
            clause.replace("royalty", &format!("royalty-{i}"))
        } else {
            format!("c{i}: {clause}")
        };
        big.push_str(&format!("  # clause {i}\n  {clause}\n"));
    }
    big.push_str("}\n");
    assert!(
        dealterms::syntax::parse(&big).is_ok(),
        "the large agreement parses"
    );
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.bench_function("large agreement: parse", |b| {
        b.iter(|| dealterms::syntax::parse(black_box(&big)))
    });
    group.bench_function("large agreement: parse and check", |b| {
        b.iter(|| dealterms::compile(black_box(&big)))
    });
    group.finish();
}

fn evaluation(c: &mut Criterion) {
    let series = dealterms::series::read(&series_text()).expect("series");
    let revenue: Vec<Decimal> = series.column("revenue").expect("revenue").to_vec();
    let options = Options::default();
    let mut group = c.benchmark_group("eval");
    group.throughput(Throughput::Elements(MONTHS as u64));
    for (name, clause) in FORMS {
        let (agreement, _) = dealterms::compile(&agreement(clause)).expect("valid");
        group.bench_with_input(
            BenchmarkId::new("engine", name),
            &agreement,
            |b, agreement| b.iter(|| eval::evaluate(black_box(agreement), &series, &options)),
        );
    }
    // As a portfolio's CSV without the `note` column evaluates: the
    // figures and events, no notes.
    let amounts_only = Options {
        without_notes: true,
        ..Options::default()
    };
    for (name, clause) in [FORMS[1], FORMS[2]] {
        let (agreement, _) = dealterms::compile(&agreement(clause)).expect("valid");
        group.bench_with_input(
            BenchmarkId::new("engine-without-notes", name),
            &agreement,
            |b, agreement| b.iter(|| eval::evaluate(black_box(agreement), &series, &amounts_only)),
        );
    }
    group.bench_function("loop/capped", |b| {
        b.iter(|| capped_loop(black_box(&revenue)))
    });
    group.bench_function("loop/bands-3", |b| {
        b.iter(|| bands_loop(black_box(&revenue)))
    });
    group.finish();

    // The loops compute the engine's figures.
    let (capped, _) =
        dealterms::compile(&agreement("share 20% of revenue to B cap 38M")).expect("valid");
    let statement = eval::evaluate(&capped, &series, &options).expect("evaluates");
    let amounts: Vec<Decimal> = statement.rows.iter().map(|r| r.amount).collect();
    assert_eq!(amounts, capped_loop(&revenue));
    let (bands, _) = dealterms::compile(&agreement(FORMS[2].1)).expect("valid");
    let statement = eval::evaluate(&bands, &series, &options).expect("evaluates");
    let amounts: Vec<Decimal> = statement.rows.iter().map(|r| r.amount).collect();
    assert_eq!(amounts, bands_loop(&revenue));
    let _ = Decimal::from_str("0");
}

/// A portfolio's long-form series of `DEALS` deals x `MONTHS` months
/// (240,000 rows), as benches/portfolio/generate.py writes it.
const DEALS: usize = 2_000;

/// Reading the same long-form series as CSV and as a workbook, up to the
/// parsed blocks every deal is evaluated on (issue 17: a workbook may cost
/// at most 3x the CSV).
fn workbooks(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut text = String::from("deal,period,revenue\n");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, name) in ["deal", "period", "revenue"].into_iter().enumerate() {
        sheet
            .write_string(0, column as u16, name)
            .expect("a header");
    }
    let mut row = 0u32;
    for deal in 0..DEALS {
        for month in 0..MONTHS {
            let (name, period) = (
                format!("d{deal:06}"),
                format!("{}-{:02}", 2015 + month / 12, month % 12 + 1),
            );
            let cents = 50_000_000 + (deal * 7_919 + month * 104_729) % 450_000_000;
            let revenue = format!("{}.{:02}", cents / 100, cents % 100);
            text.push_str(&format!("{name},{period},{revenue}\n"));
            row += 1;
            sheet.write_string(row, 0, &name).expect("a deal");
            sheet.write_string(row, 1, &period).expect("a period");
            let number: f64 = revenue.parse().expect("a number");
            sheet.write_number(row, 2, number).expect("an amount");
        }
    }
    let csv = dir.path().join("sales.csv");
    std::fs::write(&csv, &text).expect("written");
    let xlsx = dir.path().join("sales.xlsx");
    workbook.save(&xlsx).expect("written");
    let blocks = |reader: &mut dyn std::io::Read| {
        dealterms::portfolio::open(reader)
            .expect("a long-form series")
            .filter(|block| block.series.is_ok())
            .count()
    };
    let mut group = c.benchmark_group("series-240k-rows");
    group.sample_size(10);
    group.throughput(Throughput::Elements((DEALS * MONTHS) as u64));
    group.bench_function("csv", |b| {
        b.iter(|| {
            let mut file = std::fs::File::open(&csv).expect("the csv");
            assert_eq!(blocks(&mut file), DEALS);
        })
    });
    // calamine's own part: the sheet's cells, read into memory.
    group.bench_function("xlsx-calamine-only", |b| {
        b.iter(|| {
            use calamine::Reader;
            let mut book = calamine::open_workbook_auto(&xlsx).expect("the workbook");
            let name = book.sheet_names()[0].clone();
            let range = book.worksheet_range(&name).expect("a sheet");
            assert_eq!(range.height(), DEALS * MONTHS + 1);
        })
    });
    group.bench_function("xlsx", |b| {
        b.iter(|| {
            let sheet = dealterms::workbook::read(&xlsx).expect("the workbook");
            assert_eq!(blocks(&mut sheet.text.as_bytes()), DEALS);
        })
    });
    group.finish();
}

/// `deal scenarios` over the seed: an 11 x 5 grid (revenue scaled from 0.5
/// to 1.5, its growth shifted from -20% to +20%), every scenario evaluated.
fn scenarios(c: &mut Criterion) {
    let mut group = c.benchmark_group("scenarios");
    let text = std::fs::read_to_string("examples/openai-microsoft.deal").expect("the seed");
    let (agreement, _) = dealterms::compile(&text).expect("the seed compiles");
    let series = dealterms::series::read(
        &std::fs::read_to_string("examples/openai-microsoft.csv").expect("its series"),
    )
    .expect("the series reads");
    let variations = [
        dealterms::scenario::spec::scale("revenue=0.5..1.5/0.1").expect("a scale"),
        dealterms::scenario::spec::growth("revenue=-20%..20%/10%").expect("a growth"),
    ];
    let options = dealterms::eval::Options::default();
    group.bench_function("seed-11x5", |b| {
        b.iter(|| {
            dealterms::scenario::run(&agreement, &series, &options, &variations).expect("the grid")
        })
    });
    group.finish();
}

criterion_group!(benches, parsing, evaluation, workbooks, scenarios);
criterion_main!(benches);
