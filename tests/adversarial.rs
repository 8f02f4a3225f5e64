//! The adversarial corpus: inputs an analyst, a spreadsheet export or a
//! broken merge may produce, each with its expected outcome. Generated here
//! rather than stored, so that a megabyte of input costs no repository space.

use dealterms::{Problem, source};

const SEED: &str = include_str!("../examples/openai-microsoft.deal");
const SERIES: &str = include_str!("../examples/openai-microsoft.csv");

fn codes(problems: &[Problem]) -> Vec<&'static str> {
    problems.iter().map(|p| p.kind.code()).collect()
}

fn compile_bytes(bytes: &[u8]) -> Result<(), Vec<&'static str>> {
    let text = source::decode(bytes.to_vec()).map_err(|(problem, _)| vec![problem.kind.code()])?;
    dealterms::compile(&text).map(|_| ()).map_err(|p| codes(&p))
}

fn series_codes(text: &str) -> Result<usize, Vec<&'static str>> {
    dealterms::series::read(text)
        .map(|s| s.periods.len())
        .map_err(|p| codes(&p))
}

#[test]
fn invalid_utf8_is_refused_where_it_starts() {
    let mut bytes = SEED.as_bytes().to_vec();
    bytes.splice(40..40, [0xC3, 0x28]);
    assert_eq!(compile_bytes(&bytes), Err(vec!["deal::read::not_utf8"]));
}

#[test]
fn nul_bytes_are_a_syntax_error() {
    let text = SEED.replacen("payer OpenAI", "payer Open\0AI", 1);
    assert_eq!(
        compile_bytes(text.as_bytes()),
        Err(vec!["deal::parse::unexpected"])
    );
    assert_eq!(
        series_codes("period,revenue\n2025,1\0\n"),
        Err(vec!["deal::series::not_a_number"])
    );
}

#[test]
fn a_byte_order_mark_and_crlf_are_accepted() {
    let text = format!("\u{feff}{}", SEED.replace('\n', "\r\n"));
    assert_eq!(compile_bytes(text.as_bytes()), Ok(()));
    assert_eq!(
        series_codes(&format!("\u{feff}{}", SERIES.replace('\n', "\r\n"))),
        Ok(8)
    );
}

#[test]
fn tabs_are_white_space_and_fmt_turns_them_into_spaces() {
    let text = SEED.replace("  ", "\t");
    assert_eq!(compile_bytes(text.as_bytes()), Ok(()));
    let formatted = dealterms::format_source(&text).expect("formats");
    assert!(!formatted.contains('\t'));
}

#[test]
fn pasted_no_break_and_thin_spaces_are_white_space_and_fmt_turns_them_into_spaces() {
    // A term sheet pasted from a word processor: no-break spaces after
    // commas, a thin space before a percent sign's clause.
    // Comments are kept as written, so only the code is touched.
    let text: String = SEED
        .lines()
        .map(|line| match line.trim_start().starts_with('#') {
            true => format!("{line}\n"),
            false => format!(
                "{}\n",
                line.replace(", ", ",\u{a0}")
                    .replace("share ", "share\u{2009}")
            ),
        })
        .collect();
    assert_ne!(text, SEED);
    assert_eq!(compile_bytes(text.as_bytes()), Ok(()));
    let formatted = dealterms::format_source(&text).expect("formats");
    assert_eq!(formatted, dealterms::format_source(SEED).expect("formats"));
}

#[test]
fn a_one_megabyte_line_is_accepted() {
    let comment = format!("# {}\n", "x".repeat(1 << 20));
    let text = format!("{comment}{SEED}");
    assert_eq!(compile_bytes(text.as_bytes()), Ok(()));
    let long_name = format!("party_{}", "y".repeat(1 << 20));
    let text = SEED.replace(
        "parties OpenAI, Microsoft",
        &format!("parties OpenAI, Microsoft, {long_name}"),
    );
    assert_eq!(compile_bytes(text.as_bytes()), Ok(()));
}

#[test]
fn ten_thousand_parties_are_accepted() {
    let parties: Vec<String> = (0..10_000).map(|i| format!("party_{i}")).collect();
    let text = SEED.replace(
        "parties OpenAI, Microsoft",
        &format!("parties OpenAI, Microsoft, {}", parties.join(", ")),
    );
    assert_eq!(compile_bytes(text.as_bytes()), Ok(()));
}

#[test]
fn a_million_row_series_is_read_to_the_last_valid_period_and_then_refused() {
    // Monthly periods run out at 9999-12, 119,988 rows from 0001-01; a
    // million rows cannot all be periods, and reading stops after 20 problems.
    let mut text = String::from("period,revenue\n");
    for row in 0..1_000_000u32 {
        let (year, month) = (row / 12 + 1, row % 12 + 1);
        text.push_str(&format!("{year:04}-{month:02},1\n"));
    }
    let problems = series_codes(&text).expect_err("refused");
    assert_eq!(problems.len(), dealterms::series::MAX_PROBLEMS + 1);
    assert_eq!(problems.first(), Some(&"deal::series::bad_period"));
    assert_eq!(problems.last(), Some(&"deal::series::too_many_problems"));
}

#[test]
fn the_longest_valid_series_is_read_whole() {
    let mut text = String::from("period,revenue\n");
    for year in 1..=9999 {
        text.push_str(&format!("{year:04},1\n"));
    }
    assert_eq!(series_codes(&text), Ok(9999));
}

#[test]
fn unicode_party_names_work() {
    let text = SEED
        .replace(
            "parties OpenAI, Microsoft",
            "parties OpenAI, \"Société Générale\", Société",
        )
        .replace("to Microsoft", "to \"Société Générale\"")
        .replace("expect Microsoft", "expect Société");
    assert_eq!(compile_bytes(text.as_bytes()), Ok(()));
}

#[test]
fn confusable_names_are_flagged() {
    let text = SEED.replace(
        "parties OpenAI, Microsoft",
        "parties OpenAI, Microsoft, Micr\u{43e}soft",
    );
    let (_, warnings) = dealterms::compile(&text).expect("valid, with warnings");
    assert_eq!(
        codes(&warnings),
        ["deal::check::mixed_script", "deal::check::looks_alike"]
    );
    let typo = SEED.replacen("to Microsoft", "to Micr\u{43e}soft", 1);
    let problems = dealterms::compile(&typo).expect_err("unknown party");
    let help = problems[0].kind.help().unwrap_or_default();
    assert!(
        help.contains("look alike") && help.contains("U+043E"),
        "{help}"
    );
}

/// Spreadsheet habits: each accepted exactly, or refused naming row and column.
#[test]
fn series_as_spreadsheets_export_them() {
    let accepted = [
        ("quoted cells", "period,revenue\n\"2025\",\"1000.50\"\n"),
        ("spaces around cells", "period , revenue\n 2025 , 1000 \n"),
        ("trailing blank lines", "period,revenue\n2025,1\n\n\n"),
        ("explicit plus sign", "period,revenue\n2025,+1000\n"),
        ("negative amount", "period,revenue\n2025,-1000\n"),
    ];
    for (case, text) in accepted {
        assert_eq!(series_codes(text), Ok(1), "{case}");
    }
    let refused = [
        (
            "ragged row",
            "period,revenue\n2025,1,2\n",
            "deal::series::ragged",
        ),
        (
            "empty cell",
            "period,revenue\n2025,\n",
            "deal::series::not_a_number",
        ),
        (
            "thousands separator",
            "period,revenue\n2025,\"1,000\"\n",
            "deal::series::not_a_number",
        ),
        (
            "currency symbol",
            "period,revenue\n2025,$1000\n",
            "deal::series::not_a_number",
        ),
        (
            "accounting negative",
            "period,revenue\n2025,(1000)\n",
            "deal::series::not_a_number",
        ),
        (
            "scientific notation",
            "period,revenue\n2025,1e3\n",
            "deal::series::not_a_number",
        ),
        (
            "percentage",
            "period,revenue\n2025,10%\n",
            "deal::series::not_a_number",
        ),
        (
            "text in a number column",
            "period,revenue\n2025,n/a\n",
            "deal::series::not_a_number",
        ),
        (
            "date as a period",
            "period,revenue\n2025-01-31,1\n",
            "deal::series::bad_period",
        ),
    ];
    for (case, text, code) in refused {
        let problems = dealterms::series::read(text).expect_err(case);
        assert_eq!(codes(&problems), [code], "{case}");
        let message = problems[0].kind.message();
        assert!(message.starts_with("row 2"), "{case}: {message}");
    }
}

/// A misspelt name is given the closest name as a guess; of two as close,
/// the first in the file, every time (labels and constants are kept in hash
/// maps, whose order changes from one map to the next): a recouping label,
/// an `expect` subject and a constant.
#[test]
fn a_misspelt_name_is_guessed_the_same_way_every_time() {
    let clauses = "agreement \"x\" {\n  parties A, B\n  payer A\n  \
                   let rate_a = 10%\n  let rate_b = 5%\n  \
                   royalty-a: share 10% of revenue to B\n  \
                   royalty-b: share 5% of revenue to B\n";
    let cases = [
        "advance 1K to B recouped from royalty-c\n}\n",
        "expect royalty-c total = 1K\n}\n",
        "fee: share rate_c of revenue to B\n}\n",
    ];
    for case in cases {
        let deal = format!("{clauses}  {case}");
        for _ in 0..32 {
            let problems = dealterms::compile(&deal).expect_err("an unknown name");
            let guesses: Vec<Option<&str>> = problems
                .iter()
                .filter_map(|problem| match &problem.kind {
                    dealterms::diagnostics::ProblemKind::UnknownLabel { suggestion, .. }
                    | dealterms::diagnostics::ProblemKind::UnknownSubject { suggestion, .. }
                    | dealterms::diagnostics::ProblemKind::UnknownConstant { suggestion, .. } => {
                        Some(suggestion.as_deref())
                    }
                    _ => None,
                })
                .collect();
            let first = if case.contains("rate_c") {
                "rate_a"
            } else {
                "royalty-a"
            };
            assert_eq!(guesses, [Some(first)], "{case}");
        }
    }
}

/// `let` lines built on each other, with `lines` of them after the seed.
fn lets(lines: usize, next: impl Fn(usize) -> String) -> String {
    let mut text =
        String::from("agreement \"x\" {\n  parties A, B\n  payer A\n  let c0 = revenue\n");
    for i in 1..=lines {
        text.push_str(&format!("  let c{i} = {}\n", next(i)));
    }
    text.push_str(&format!("  share 10% of c{lines} to B\n}}\n"));
    text
}

/// Each `let` doubling the one before it took seconds and gigabytes at 22
/// lines; a chain of 20,000 took 12.5 GB. Both are refused at once, where
/// the formula grows past the limit, and only there.
#[test]
fn let_expansion_is_bounded() {
    let doubling = lets(40, |i| format!("c{} + c{}", i - 1, i - 1));
    let problems = dealterms::compile(&doubling).expect_err("refused");
    assert_eq!(codes(&problems), vec!["deal::check::expanded_too_large"]);
    let chain = lets(20_000, |i| format!("c{} + revenue", i - 1));
    let problems = dealterms::compile(&chain).expect_err("refused");
    assert_eq!(codes(&problems), vec!["deal::check::expanded_too_large"]);
    // A chain within the limits is evaluated as written.
    let (agreement, _) = dealterms::compile(&lets(200, |i| format!("c{} + revenue", i - 1)))
        .expect("within the limits");
    let series = dealterms::series::read("period,revenue\n2025,1\n").expect("reads");
    let statement =
        dealterms::eval::evaluate(&agreement, &series, &Default::default()).expect("evaluates");
    assert_eq!(statement.rows[0].amount.to_string(), "20.10");
}

/// 100,000 parties took 12.5 s to check, and 10,000 misspelt names among
/// 10,000 parties 18 s (a guess for each); now parties are found by a map,
/// at most 100 problems are reported (and guessed for), and one more says
/// how many were left out.
#[test]
fn many_parties_and_many_misspellings_are_checked_in_linear_time() {
    let parties: Vec<String> = (0..100_000).map(|i| format!("P{i}")).collect();
    let text = format!(
        "agreement \"x\" {{\n  parties {}\n  payer P0\n  share 1% of revenue to P99999\n}}\n",
        parties.join(", ")
    );
    assert_eq!(compile_bytes(text.as_bytes()), Ok(()));

    let parties: Vec<String> = (0..10_000).map(|i| format!("Party{i}")).collect();
    let clauses: String = (0..10_000)
        .map(|i| format!("  share 0.001% of revenue to Partx{i}\n"))
        .collect();
    let text = format!(
        "agreement \"x\" {{\n  parties {}\n  payer Party0\n{clauses}}}\n",
        parties.join(", ")
    );
    let problems = dealterms::compile(&text).expect_err("misspelt");
    assert_eq!(problems.len(), 101);
    let last = problems.last().expect("the count of the rest");
    assert_eq!(last.kind.code(), "deal::check::too_many_problems");
    assert!(
        last.kind.message().starts_with("9900 more problems"),
        "{}",
        last.kind.message()
    );
}

/// Bidirectional control characters in a quoted name or a comment make an
/// editor show the text in another order than it is read: each is a
/// warning, and the agreement is still valid.
#[test]
fn bidirectional_controls_are_warned_about() {
    let text = SEED
        .replacen(
            "parties OpenAI, Microsoft",
            "parties OpenAI, \"Micro\u{202E}soft\"",
            1,
        )
        .replacen("to Microsoft cap", "to \"Micro\u{202E}soft\" cap", 1)
        .replacen("# What this deal", "# What \u{2067}this deal", 1)
        .replace("expect Microsoft total = 38B\n", "");
    let (_, warnings) = dealterms::compile(&text).expect("still valid");
    assert_eq!(
        codes(&warnings),
        vec!["deal::check::bidi_control"; 3],
        "{warnings:?}"
    );
}

/// A NUL byte is named in the message, not shown as nothing.
#[test]
fn a_nul_byte_is_named() {
    let text = SEED.replacen("payer OpenAI", "payer OpenAI\0", 1);
    let problems = dealterms::compile(&text).expect_err("refused");
    assert!(
        problems[0]
            .kind
            .message()
            .ends_with("found a NUL byte (U+0000)"),
        "{problems:?}"
    );
}

/// The look-alike help named an invisible or combining character inside
/// backticks, where it showed as nothing or joined the backtick.
#[test]
fn a_look_alike_help_names_invisible_characters_by_code_point() {
    let text = SEED.replacen(
        "parties OpenAI, Microsoft",
        "parties OpenAI, Microsoft, \"Micro\u{200B}soft\"",
        1,
    );
    let (_, warnings) = dealterms::compile(&text).expect("valid");
    let help = warnings
        .iter()
        .find(|w| w.kind.code() == "deal::check::looks_alike")
        .and_then(|w| w.kind.help())
        .expect("a help");
    assert!(
        help.contains("the invisible or combining character U+200B in one"),
        "{help}"
    );
    assert!(!help.contains("`\u{200B}`"), "{help}");
}

/// Issue 14, item 3: a rate written from a column, or a name with a
/// percent sign, says that a rate is a fixed percentage and how to name one.
#[test]
fn a_rate_from_a_column_or_a_name_with_a_percent_sign_is_explained() {
    let with_column = SEED.replacen("share 20% of revenue", "share rate of revenue", 1);
    let problems = dealterms::compile(&with_column).expect_err("refused");
    assert_eq!(problems[0].kind.code(), "deal::check::not_constant");
    assert!(
        problems[0]
            .kind
            .message()
            .contains("a rate must be a fixed percentage")
    );
    assert!(
        problems[0]
            .kind
            .help()
            .is_some_and(|h| h.contains("let rate = 20%"))
    );
    let with_sign = SEED.replacen("share 20% of revenue", "share longform_rate% of revenue", 1);
    let problems = dealterms::compile(&with_sign).expect_err("refused");
    let help = problems[0].kind.help().unwrap_or_default();
    assert!(help.contains("let longform_rate = 15%"), "{help}");
}

/// Issue 14, items 7 to 9: term-sheet wordings that the language spells
/// otherwise each get the help their documented cousins get.
#[test]
fn term_sheet_wordings_get_a_hint() {
    let cases = [
        (
            "share 20% of sales to Microsoft until paid 13.5B then 49%",
            "put a comma before `then`",
        ),
        (
            "share greater of 6% of sales or 5K to Microsoft",
            "a share with a floor",
        ),
        ("share 6% of sales to Microsoft cap 38 billion", "`38B`"),
        (
            "share 6% of sales to Microsoft cap 1.2M annually",
            "`per year`",
        ),
        (
            "share 6% of sales to Microsoft max 1.2M per year",
            "is a `cap`",
        ),
        (
            "share 6% of sales to Microsoft cap 1.2M per annum",
            "write `per year`",
        ),
        (
            "share 6% of sales to Microsoft bands 6% up to 1B, 8% above",
            "bands need no keyword",
        ),
        (
            "share 6% of sales to Microsoft from 2026",
            "`from 2026-01-01`",
        ),
        (
            "share 6% of sales to Microsoft until 2028",
            "`until 2029-01-01` pays through 2028",
        ),
    ];
    for (clause, hint) in cases {
        let text = SEED.replacen("share 20% of revenue to Microsoft cap 38B", clause, 1);
        let problems = dealterms::compile(&text).expect_err("refused");
        let help = problems[0].kind.help().unwrap_or_default();
        assert!(help.contains(hint), "{clause}: {help}");
    }
}

/// Tried as a new user: a keyword written as a label (`advance: advance
/// ...`) is named as such, not reported as a missing amount alone.
#[test]
fn a_keyword_written_as_a_label_gets_a_hint() {
    let text = SEED.replacen(
        "revenue-share: share",
        "advance: advance 1M to Microsoft recouped from royalty\n  royalty: share",
        1,
    );
    let problems = dealterms::compile(&text).expect_err("refused");
    let help = problems[0].kind.help().unwrap_or_default();
    assert!(
        help.contains("`advance` is a reserved word and cannot be a label"),
        "{help}"
    );
}

/// The review of issue 13: a header of 20,000 repeated names gave 20,000
/// problems (and took quadratic time); the help of a missing column listed
/// every column of the series.
#[test]
fn a_wide_series_header_is_bounded_in_problems_and_words() {
    let header = format!(
        "period,{}\n2025,{}\n",
        vec!["a"; 20_000].join(","),
        vec!["1"; 20_000].join(",")
    );
    let problems = dealterms::series::read(&header).expect_err("repeated columns");
    assert!(problems.len() <= 21, "{} problems", problems.len());
    let columns: Vec<String> = (0..5_000).map(|i| format!("secret{i}")).collect();
    let text = format!(
        "period,{}\n2025,{}\n",
        columns.join(","),
        vec!["1"; 5_000].join(",")
    );
    let series = dealterms::series::read(&text).expect("reads");
    let (agreement, _) = dealterms::compile(SEED).expect("valid");
    let problem = dealterms::eval::evaluate(&agreement, &series, &Default::default())
        .expect_err("no revenue column");
    let help = problem.kind.help().unwrap_or_default();
    assert!(help.ends_with("`secret11` and 4988 more"), "{help}");
}

/// The review of issue 13: bidirectional control characters were warned
/// about past the cap of 100 problems (20,000 warnings, 14 MB).
#[test]
fn bidirectional_controls_count_against_the_cap() {
    let comments = "  # \u{202E}\n".repeat(20_000);
    let text = SEED.replacen(
        "  payer OpenAI\n",
        &format!("  payer OpenAI\n{comments}"),
        1,
    );
    let (_, warnings) = dealterms::compile(&text).expect("valid");
    assert_eq!(warnings.len(), 101);
    assert_eq!(warnings[100].kind.code(), "deal::check::too_many_problems");
}

/// The review of issue 13: escape sequences in a series cell or a name
/// reached the terminal raw (setting its title, its colours), and a quoted
/// line break could forge a line of output.
#[test]
fn control_characters_never_reach_the_terminal() {
    let style = dealterms::diagnostics::Style::Human {
        color: false,
        width: 80,
    };
    let series = "period,revenue\n2025,\u{1b}]0;title\u{7}\u{1b}[31mRED\n2026,\"1\n  × fake\"\n";
    let problems = dealterms::series::read(series).expect_err("not numbers");
    let shown = dealterms::diagnostics::render(&problems, "s.csv", series, style);
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown:?}"
    );
    assert!(!shown.contains("\n  × fake"), "{shown}");
    let text = SEED
        .replacen("parties OpenAI", "parties \"Open\u{1b}[2JAI\"", 1)
        .replacen("payer OpenAI", "payer \"Open\u{1b}[2JAI\"", 1);
    let (_, warnings) = dealterms::compile(&text).expect("valid, with a warning");
    assert!(
        warnings
            .iter()
            .any(|w| w.kind.message().starts_with("a control character, U+001B"))
    );
    let shown = dealterms::diagnostics::render(&warnings, "x.deal", &text, style);
    assert!(!shown.contains('\u{1b}'), "{shown:?}");
}

/// Found by fuzzing: 120 warnings before an error left the error out of
/// the 100 shown, and an invalid file showed only warnings. The count of
/// the rest is then an error itself, and says how many errors it holds.
#[test]
fn an_error_past_the_cap_is_counted_as_one() {
    let text = format!(
        "agreement \"x{}\" {{\n  parties A, A\n}}\n",
        "\0".repeat(120)
    );
    let problems = dealterms::compile(&text).expect_err("invalid");
    assert!(problems.iter().any(Problem::is_error), "{problems:?}");
    let last = problems.last().expect("the count");
    assert_eq!(last.kind.code(), "deal::check::too_many_problems");
    assert!(
        last.kind.message().ends_with("an error among them"),
        "{}",
        last.kind.message()
    );
}

/// A name holding an escape sequence is escaped in the statement's table,
/// which goes to a terminal.
#[test]
fn a_statement_table_escapes_control_characters() {
    let text = SEED
        .replacen(
            "parties OpenAI, Microsoft",
            "parties OpenAI, \"Micro\u{1b}[2Jsoft\"",
            1,
        )
        .replacen("to Microsoft cap", "to \"Micro\u{1b}[2Jsoft\" cap", 1)
        .replace("expect Microsoft total = 38B\n", "");
    let (agreement, _) = dealterms::compile(&text).expect("valid, with a warning");
    let series = dealterms::series::read(SERIES).expect("reads");
    let statement =
        dealterms::eval::evaluate(&agreement, &series, &Default::default()).expect("evaluates");
    let table = dealterms::report::table::render(&statement, 100, true);
    assert!(!table.contains('\u{1b}'), "{table}");
    assert!(table.contains("Micro\\u{1b}[2Jsoft"), "{table}");
}

/// Issue 15: deep or cyclic dependencies between payments are errors or
/// figures, never a stack overflow or a quadratic wait.
#[test]
fn ten_thousand_clauses_reading_each_other_are_evaluated_in_order() {
    let mut deal = String::from(
        "agreement \"chain\" {\n  parties A, B\n  payer A\n  c0: share 50% of revenue to B\n",
    );
    for i in 1..10_000 {
        deal.push_str(&format!(
            "  c{i}: share 100% of what c{} pays to B\n",
            i - 1
        ));
    }
    deal.push_str("}\n");
    let (agreement, _) = dealterms::compile(&deal).expect("a chain is valid");
    let series = dealterms::series::read("period,revenue\n2025,1000\n2026,2000\n").expect("reads");
    let statement =
        dealterms::eval::evaluate(&agreement, &series, &Default::default()).expect("evaluates");
    let last = statement
        .rows
        .iter()
        .rfind(|r| statement.clause(r) == "c9999");
    assert_eq!(last.map(|r| r.amount.to_string()), Some("1000.00".into()));
}

#[test]
fn a_cycle_of_a_thousand_clauses_is_one_error() {
    let mut deal = String::from("agreement \"circle\" {\n  parties A, B\n  payer A\n");
    for i in 0..1_000 {
        deal.push_str(&format!(
            "  c{i}: share 1% of what c{} pays to B\n",
            (i + 1) % 1_000
        ));
    }
    deal.push_str("}\n");
    let problems = dealterms::compile(&deal).expect_err("a circle");
    assert_eq!(codes(&problems), ["deal::check::cycle"]);
}

#[test]
fn a_waterfall_of_ten_thousand_steps_is_evaluated() {
    let mut deal =
        String::from("agreement \"w\" {\n  parties A, B\n  payer A\n  w: waterfall of revenue {\n");
    for _ in 0..10_000 {
        deal.push_str("    pay 1 to B\n");
    }
    deal.push_str("  }\n}\n");
    let (agreement, _) = dealterms::compile(&deal).expect("valid");
    let series =
        dealterms::series::read("period,revenue\n2025,2500.50\n2026,100000\n").expect("reads");
    let statement =
        dealterms::eval::evaluate(&agreement, &series, &Default::default()).expect("evaluates");
    let paid: rust_decimal::Decimal = statement.rows.iter().map(|r| r.amount).sum();
    assert_eq!(paid.to_string(), "10000.00");
}

/// Found by review: ten thousand clauses reading what one party receives,
/// which ten thousand pay, are one node each in the order of evaluation,
/// not ten thousand copies of the payers (gigabytes at this size).
#[test]
fn many_readers_of_one_partys_receipts_stay_linear() {
    let mut deal = String::from("agreement \"q\" {\n  parties L, Artist, M\n  payer L\n");
    for i in 0..10_000 {
        deal.push_str(&format!("  p{i}: share 0.001% of net to Artist\n"));
    }
    for i in 0..10_000 {
        deal.push_str(&format!(
            "  r{i}: share 0.001% of what Artist receives from Artist to M\n"
        ));
    }
    deal.push_str("}\n");
    let (agreement, _) = dealterms::compile(&deal).expect("valid");
    assert!(agreement.clauses.iter().skip(10_000).all(|c| c.depth == 1));
}

/// Issue 16: conditions that look 120 periods back on a long series, and
/// many milestones and fees, stay errors or figures, never a hang.
#[test]
fn long_lookbacks_and_many_milestones_are_evaluated() {
    let mut deal = String::from(
        "agreement \"m\" {\n  parties A, B\n  payer A\n  before series sales = 0\n  s: share 1% of sales to B if each of previous 120 periods sales >= 0\n  y: share 1% of sales to B if previous year sales > 10 in units\n",
    );
    for i in 0..500 {
        deal.push_str(&format!("  m{i}: pay 1 to B when sales exceed {i}\n"));
        deal.push_str(&format!("  f{i}: pay 1 per month to B\n"));
    }
    deal.push_str("}\n");
    let problems = dealterms::compile(&deal).expect_err("`in` is not part of a condition");
    assert_eq!(codes(&problems), ["deal::parse::unexpected"]);
    let deal = deal.replace(" in units\n", "\n");
    let (agreement, _) = dealterms::compile(&deal).expect("valid");
    let mut series = String::from("period,sales\n");
    for year in 2000..2040 {
        series.push_str(&format!("{year},1000\n"));
    }
    let series = dealterms::series::read(&series).expect("reads");
    let statement =
        dealterms::eval::evaluate(&agreement, &series, &Default::default()).expect("evaluates");
    // Each monthly fee is paid twelve times a year.
    let fee: rust_decimal::Decimal = statement
        .rows
        .iter()
        .filter(|r| statement.clause(r) == "f0")
        .map(|r| r.amount)
        .sum();
    assert_eq!(fee.to_string(), "480");
}
