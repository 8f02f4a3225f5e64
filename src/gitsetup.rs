//! What `deal git-setup` writes: the attribute that routes `*.deal` files to
//! the `deal` diff driver, and the driver's git configuration.

/// The `.gitattributes` line.
pub const ATTRIBUTES: &str = "*.deal diff=deal";

/// Hunk headers name the clause (or the agreement) a change is in: a line
/// starting with `share`, `rest` or `advance`, labelled or not.
pub const XFUNCNAME: &str =
    "^[ \t]*(([A-Za-z_][A-Za-z0-9_-]*:[ \t]*)?(share|rest|advance)[ \t].*|agreement[ \t].*)$";

/// The `git config` entries, given the shell-quoted path of the binary.
/// git adds the file's path after the textconv command, and the difftool
/// command names its files itself: each comes after `--`, so that a file
/// named `-x.deal` is a file and not an option.
pub fn config(exe: &str) -> Vec<(String, String)> {
    vec![
        (
            "diff.deal.textconv".into(),
            format!("{exe} fmt --stdout --verbatim-on-error --"),
        ),
        ("diff.deal.xfuncname".into(), XFUNCNAME.into()),
        (
            "difftool.deal.cmd".into(),
            format!("{exe} diff --relative-to=\"$MERGED\" -- \"$LOCAL\" \"$REMOTE\""),
        ),
    ]
}
