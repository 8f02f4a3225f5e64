//! Charts (issue 19, item 1): what is drawn, not only that a file is
//! written: a line per payee (in the legend), a labelled line per cap, a
//! marker with its words where the cap binds; a PNG decodes at the size
//! asked for; `deal diff` draws both versions.

mod common;

use std::path::Path;

fn chart(args: &[&str], file: &Path) -> String {
    let mut all = args.to_vec();
    let path = file.to_string_lossy().into_owned();
    all.extend(["--chart", path.as_str()]);
    let out = common::deal(&all);
    common::exits(&out, 0);
    std::fs::read_to_string(file).expect("an SVG")
}

/// The SVG `args` draw with `--chart`, and its texts.
fn drawn(args: &[&str]) -> (String, Vec<String>) {
    let dir = tempfile::tempdir().expect("a directory");
    let svg = chart(args, &dir.path().join("chart.svg"));
    let shown = texts(&svg);
    (svg, shown)
}

/// The seed example with its cap raised to 50B, as `cap-50b.deal` in `dir`
/// (what docs/pictures/make.sh diffs).
fn seed_with_cap_50b(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("cap-50b.deal");
    let text = std::fs::read_to_string("examples/openai-microsoft.deal").expect("the seed");
    std::fs::write(&file, text.replace("cap 38B", "cap 50B")).expect("written");
    file
}

/// `deal eval` of the seed example with `--chart file` and `more`.
fn seed_chart(file: &Path, more: &[&str]) -> std::process::Output {
    let file = file.to_string_lossy();
    let mut args = vec!["eval", "examples/openai-microsoft.deal", "--chart", &file];
    args.extend_from_slice(more);
    common::deal(&args)
}

/// The texts of an SVG's `<text>` elements.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|element| {
            let body = element.split_once('>')?.1;
            Some(body.split("</text>").next()?.trim().to_string())
        })
        .collect()
}

#[test]
fn the_seed_chart_has_microsoft_its_cap_and_where_it_binds() {
    let (svg, texts) = drawn(&["eval", "examples/openai-microsoft.deal"]);
    assert!(
        texts.iter().any(|t| t == "Microsoft"),
        "a legend entry: {texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t == "Microsoft cap 38B (revenue-share)"),
        "the cap's label: {texts:?}"
    );
    assert!(
        texts.iter().any(|t| t == "cap reached 2030"),
        "the event: {texts:?}"
    );
    assert!(
        texts.iter().any(|t| t == "38B" || t == "40B"),
        "amounts as notes write them: {texts:?}"
    );
    assert!(svg.contains(r#"r="7""#), "the event's marker");
    for year in 2025..=2032 {
        assert!(
            texts.iter().any(|t| *t == year.to_string()),
            "period {year}: {texts:?}"
        );
    }
}

#[test]
fn every_payee_has_its_line() {
    let (_, texts) = drawn(&["eval", "examples/film-collection-account.deal"]);
    for payee in [
        "Collection Agent",
        "Sales Agent",
        "Financier",
        "Producer",
        "Director",
    ] {
        assert!(texts.iter().any(|t| t == payee), "{payee}: {texts:?}");
    }
}

#[test]
fn a_png_decodes_at_the_size_asked_for() {
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("seed.png");
    let out = seed_chart(&file, &["--chart-size", "640x400"]);
    common::exits(&out, 0);
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&file).expect("the PNG"),
    ));
    let mut reader = decoder.read_info().expect("a PNG header");
    let info = reader.info();
    assert_eq!((info.width, info.height), (640, 400));
    let mut pixels = vec![0; reader.output_buffer_size()];
    reader.next_frame(&mut pixels).expect("the image decodes");
    assert!(pixels.iter().any(|p| *p < 64), "something dark is drawn");
}

#[test]
fn a_diff_draws_both_versions() {
    let dir = tempfile::tempdir().expect("a directory");
    let new = seed_with_cap_50b(dir.path());
    let svg = chart(
        &[
            "diff",
            "examples/openai-microsoft.deal",
            &new.to_string_lossy(),
            "--series",
            "examples/openai-microsoft.csv",
        ],
        &dir.path().join("diff.svg"),
    );
    let texts = texts(&svg);
    assert!(texts.iter().any(|t| t == "Microsoft (old)"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "Microsoft (new)"), "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|t| t == "Microsoft cap 38B (revenue-share) (old)"),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t == "Microsoft cap 50B (revenue-share) (new)"),
        "{texts:?}"
    );
}

#[test]
fn a_chart_is_an_svg_or_a_png() {
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("seed.gif");
    let out = seed_chart(&file, &[]);
    let stderr = common::exits(&out, 2);
    assert!(stderr.contains(".svg or a .png"), "{stderr}");
    assert!(!file.exists());
    let out = common::deal(&[
        "eval",
        "examples/openai-microsoft.deal",
        "--chart-size",
        "10x10",
    ]);
    common::exits(&out, 2);
}

/// The pictures of docs/pictures.md are what `deal` draws today.
#[test]
fn the_documented_pictures_are_current() {
    let dir = tempfile::tempdir().expect("a directory");
    let cap_50b = seed_with_cap_50b(dir.path());
    let cap_50b = cap_50b.to_string_lossy().into_owned();
    let pictures: [(&str, Vec<&str>); 4] = [
        (
            "openai-microsoft",
            vec!["eval", "examples/openai-microsoft.deal"],
        ),
        (
            "film-collection-account",
            vec!["eval", "examples/film-collection-account.deal"],
        ),
        (
            "character-licence",
            vec!["eval", "examples/character-licence.deal"],
        ),
        (
            "openai-microsoft-diff",
            vec![
                "diff",
                "examples/openai-microsoft.deal",
                &cap_50b,
                "--series",
                "examples/openai-microsoft.csv",
            ],
        ),
    ];
    for (name, args) in pictures {
        let drawn = chart(&args, &dir.path().join(format!("{name}.svg")));
        let documented = std::fs::read_to_string(format!("docs/pictures/{name}.svg"))
            .expect("a documented picture");
        assert!(
            drawn == documented,
            "docs/pictures/{name}.svg is not current: run docs/pictures/make.sh"
        );
    }
}

/// A portfolio's chart: every payee's total over its deals, or one deal's.
#[test]
fn a_portfolio_charts_its_totals_or_a_named_deal() {
    let dir = tempfile::tempdir().expect("a directory");
    let (deals, series) = common::two_deal_portfolio(
        dir.path(),
        "agreement \"d\" {\n  parties A, Partner\n  payer A\n  share 10% of revenue to Partner cap 25\n}\n",
        "deal,period,revenue\nfirst,2025Q1,100\nfirst,2025Q2,200\nsecond,2025Q1,300\nsecond,2025Q2,100\n",
    );
    let svg = chart(
        &["eval", &deals, "--series", &series, "-f", "csv"],
        &dir.path().join("portfolio.svg"),
    );
    let totals = texts(&svg);
    assert!(
        totals.iter().any(|t| t.starts_with("Portfolio of 2 deals")),
        "{totals:?}"
    );
    assert!(totals.iter().any(|t| t == "Partner"), "{totals:?}");
    let svg = chart(
        &[
            "eval",
            &deals,
            "--series",
            &series,
            "-f",
            "csv",
            "--chart-deal",
            "second",
        ],
        &dir.path().join("second.svg"),
    );
    let named = texts(&svg);
    assert!(
        named
            .iter()
            .any(|t| t == "Partner cap 25 (share to Partner)"),
        "{named:?}"
    );
    assert!(named.iter().any(|t| t == "cap reached 2025Q1"), "{named:?}");
    let out = common::deal(&[
        "eval",
        &deals,
        "--series",
        &series,
        "-f",
        "csv",
        "--chart",
        &dir.path().join("x.svg").to_string_lossy(),
        "--chart-deal",
        "third",
    ]);
    let stderr = common::exits(&out, 2);
    assert!(stderr.contains("no deal `third`"), "{stderr}");
}
