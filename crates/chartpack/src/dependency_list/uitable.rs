//! The table printer helm's `dependency list` uses: github.com/gosuri/uitable v0.0.4 with its
//! defaults (tab separator, no wrapping, left alignment), measuring text with
//! github.com/mattn/go-runewidth v0.0.9 as helm's build pins it.

/// Renders `rows` as uitable's `Table.String()` does (no final newline). Every cell is padded
/// to its column's width, the last column too, so lines may end in spaces; a cell wider than
/// `max_col_width` (0: no limit) is cut to the width with `...` appended by uitable's rule.
pub(crate) fn render(rows: &[Vec<&str>], max_col_width: usize) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if widths.len() <= i {
                widths.push(0);
            }
            let mut width = cell.split('\n').map(string_width).max().unwrap_or(0);
            if max_col_width != 0 && width > max_col_width {
                width = max_col_width;
            }
            widths[i] = widths[i].max(width);
        }
    }
    let lines: Vec<String> = rows.iter().map(|row| render_row(row, &widths)).collect();
    lines.join("\n")
}

/// uitable's `Row.String`: each cell formatted to its width, split into lines, and every line
/// of the row formatted again (a missing line of a shorter cell is blank padding).
fn render_row(row: &[&str], widths: &[usize]) -> String {
    let formatted: Vec<String> = row.iter().enumerate().map(|(i, cell)| format_cell(cell, widths[i])).collect();
    let split: Vec<Vec<&str>> = formatted.iter().map(|cell| cell.split('\n').collect()).collect();
    let line_count = split.iter().map(Vec::len).max().unwrap_or(0);
    let mut lines = Vec::with_capacity(line_count);
    for x in 0..line_count {
        let cells: Vec<String> = split
            .iter()
            .enumerate()
            .map(|(y, lines)| match lines.get(x) {
                Some(line) => format_cell(line, widths[y]),
                // A Cell without data: PadLeft(" ", width).
                None => " ".repeat(widths[y].max(1)),
            })
            .collect();
        lines.push(cells.join("\t"));
    }
    lines.join("\n")
}

/// uitable's `Cell.String` without wrapping: `strutil.Resize(s, width, false)`.
fn format_cell(s: &str, width: usize) -> String {
    if width == 0 {
        return s.to_owned();
    }
    let len = string_width(s);
    if len == width {
        return s.to_owned();
    }
    if len < width {
        return format!("{s}{}", " ".repeat(width - len));
    }
    // Keep runes while the width so far plus the rune stays below width-3 (the rune that
    // reaches it is kept too), then "...": "abcdef" at width 4 gives "a...".
    let limit = width as i64 - 3;
    let mut out = String::new();
    let mut w: i64 = 0;
    for c in s.chars() {
        out.push(c);
        let cw = rune_width(c) as i64;
        if w + cw >= limit {
            break;
        }
        w += cw;
    }
    out.push_str("...");
    out
}

/// go-runewidth's `StringWidth` (non-East-Asian locale, no zero-width-joiner handling).
/// uitable first strips ANSI colour sequences; helm's sanitising already removed their ESC.
fn string_width(s: &str) -> usize {
    s.chars().map(rune_width).sum()
}

/// go-runewidth v0.0.9 `RuneWidth` with `EastAsianWidth` false: 0 for controls, the
/// `combining` and `notassigned` tables, 2 for the `doublewidth` table, else 1.
fn rune_width(c: char) -> usize {
    let r = c as u32;
    if in_table(r, NONPRINT) || in_table(r, COMBINING) || in_table(r, NOTASSIGNED) {
        0
    } else if in_table(r, DOUBLEWIDTH) {
        2
    } else {
        1
    }
}

fn in_table(r: u32, table: &[(u32, u32)]) -> bool {
    table
        .binary_search_by(|&(first, last)| {
            if last < r {
                std::cmp::Ordering::Less
            } else if first > r {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

// Tables of go-runewidth v0.0.9 (runewidth.go `nonprint`, runewidth_table.go).
#[rustfmt::skip]
const NONPRINT: &[(u32, u32)] = &[
    (0x0000, 0x001F), (0x007F, 0x009F), (0x00AD, 0x00AD), (0x070F, 0x070F), (0x180B, 0x180E), (0x200B, 0x200F),
    (0x2028, 0x202E), (0x206A, 0x206F), (0xD800, 0xDFFF), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0xFFFE, 0xFFFF),
];

#[rustfmt::skip]
const COMBINING: &[(u32, u32)] = &[
    (0x0300, 0x036F), (0x0483, 0x0489), (0x07EB, 0x07F3), (0x0C00, 0x0C00), (0x0C04, 0x0C04), (0x0D00, 0x0D01),
    (0x135D, 0x135F), (0x1A7F, 0x1A7F), (0x1AB0, 0x1AC0), (0x1B6B, 0x1B73), (0x1DC0, 0x1DF9), (0x1DFB, 0x1DFF),
    (0x20D0, 0x20F0), (0x2CEF, 0x2CF1), (0x2DE0, 0x2DFF), (0x3099, 0x309A), (0xA66F, 0xA672), (0xA674, 0xA67D),
    (0xA69E, 0xA69F), (0xA6F0, 0xA6F1), (0xA8E0, 0xA8F1), (0xFE20, 0xFE2F), (0x101FD, 0x101FD), (0x10376, 0x1037A),
    (0x10EAB, 0x10EAC), (0x10F46, 0x10F50), (0x11300, 0x11301), (0x1133B, 0x1133C), (0x11366, 0x1136C),
    (0x11370, 0x11374), (0x16AF0, 0x16AF4), (0x1D165, 0x1D169), (0x1D16D, 0x1D172), (0x1D17B, 0x1D182),
    (0x1D185, 0x1D18B), (0x1D1AA, 0x1D1AD), (0x1D242, 0x1D244), (0x1E000, 0x1E006), (0x1E008, 0x1E018),
    (0x1E01B, 0x1E021), (0x1E023, 0x1E024), (0x1E026, 0x1E02A), (0x1E8D0, 0x1E8D6),
];

#[rustfmt::skip]
const DOUBLEWIDTH: &[(u32, u32)] = &[
    (0x1100, 0x115F), (0x231A, 0x231B), (0x2329, 0x232A), (0x23E9, 0x23EC), (0x23F0, 0x23F0), (0x23F3, 0x23F3),
    (0x25FD, 0x25FE), (0x2614, 0x2615), (0x2648, 0x2653), (0x267F, 0x267F), (0x2693, 0x2693), (0x26A1, 0x26A1),
    (0x26AA, 0x26AB), (0x26BD, 0x26BE), (0x26C4, 0x26C5), (0x26CE, 0x26CE), (0x26D4, 0x26D4), (0x26EA, 0x26EA),
    (0x26F2, 0x26F3), (0x26F5, 0x26F5), (0x26FA, 0x26FA), (0x26FD, 0x26FD), (0x2705, 0x2705), (0x270A, 0x270B),
    (0x2728, 0x2728), (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757), (0x2795, 0x2797),
    (0x27B0, 0x27B0), (0x27BF, 0x27BF), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55), (0x2E80, 0x2E99),
    (0x2E9B, 0x2EF3), (0x2F00, 0x2FD5), (0x2FF0, 0x2FFB), (0x3000, 0x303E), (0x3041, 0x3096), (0x3099, 0x30FF),
    (0x3105, 0x312F), (0x3131, 0x318E), (0x3190, 0x31E3), (0x31F0, 0x321E), (0x3220, 0x3247), (0x3250, 0x4DBF),
    (0x4E00, 0xA48C), (0xA490, 0xA4C6), (0xA960, 0xA97C), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE10, 0xFE19),
    (0xFE30, 0xFE52), (0xFE54, 0xFE66), (0xFE68, 0xFE6B), (0xFF01, 0xFF60), (0xFFE0, 0xFFE6), (0x16FE0, 0x16FE4),
    (0x16FF0, 0x16FF1), (0x17000, 0x187F7), (0x18800, 0x18CD5), (0x18D00, 0x18D08), (0x1B000, 0x1B11E),
    (0x1B150, 0x1B152), (0x1B164, 0x1B167), (0x1B170, 0x1B2FB), (0x1F004, 0x1F004), (0x1F0CF, 0x1F0CF),
    (0x1F18E, 0x1F18E), (0x1F191, 0x1F19A), (0x1F200, 0x1F202), (0x1F210, 0x1F23B), (0x1F240, 0x1F248),
    (0x1F250, 0x1F251), (0x1F260, 0x1F265), (0x1F300, 0x1F320), (0x1F32D, 0x1F335), (0x1F337, 0x1F37C),
    (0x1F37E, 0x1F393), (0x1F3A0, 0x1F3CA), (0x1F3CF, 0x1F3D3), (0x1F3E0, 0x1F3F0), (0x1F3F4, 0x1F3F4),
    (0x1F3F8, 0x1F43E), (0x1F440, 0x1F440), (0x1F442, 0x1F4FC), (0x1F4FF, 0x1F53D), (0x1F54B, 0x1F54E),
    (0x1F550, 0x1F567), (0x1F57A, 0x1F57A), (0x1F595, 0x1F596), (0x1F5A4, 0x1F5A4), (0x1F5FB, 0x1F64F),
    (0x1F680, 0x1F6C5), (0x1F6CC, 0x1F6CC), (0x1F6D0, 0x1F6D2), (0x1F6D5, 0x1F6D7), (0x1F6EB, 0x1F6EC),
    (0x1F6F4, 0x1F6FC), (0x1F7E0, 0x1F7EB), (0x1F90C, 0x1F93A), (0x1F93C, 0x1F945), (0x1F947, 0x1F978),
    (0x1F97A, 0x1F9CB), (0x1F9CD, 0x1F9FF), (0x1FA70, 0x1FA74), (0x1FA78, 0x1FA7A), (0x1FA80, 0x1FA86),
    (0x1FA90, 0x1FAA8), (0x1FAB0, 0x1FAB6), (0x1FAC0, 0x1FAC2), (0x1FAD0, 0x1FAD6), (0x20000, 0x2FFFD),
    (0x30000, 0x3FFFD),
];

#[rustfmt::skip]
const NOTASSIGNED: &[(u32, u32)] = &[
    (0x27E6, 0x27ED), (0x2985, 0x2986),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(rows: &[&[&str]], max: usize, expected: &str) {
        let rows: Vec<Vec<&str>> = rows.iter().map(|r| r.to_vec()).collect();
        assert_eq!(render(&rows, max), expected);
    }

    // Expected outputs are what helm v4.1.4 `dependency list` printed for the same cells.
    #[test]
    fn pads_every_column_including_the_last() {
        check(
            &[&["NAME", "VERSION", "REPOSITORY", "STATUS"], &["alpha", "1.0.0", "", "ok"]],
            80,
            "NAME \tVERSION\tREPOSITORY\tSTATUS\nalpha\t1.0.0  \t          \tok    ",
        );
    }

    #[test]
    fn header_alone_has_no_padding() {
        check(&[&["NAME", "VERSION", "REPOSITORY", "STATUS"]], 80, "NAME\tVERSION\tREPOSITORY\tSTATUS");
    }

    #[test]
    fn long_cells_are_cut_with_an_ellipsis() {
        let long = format!("https://example.com/{}", "x".repeat(100));
        let cut = format!("https://example.com/{}...", "x".repeat(57));
        check(&[&["REPOSITORY"], &[&long]], 80, &format!("REPOSITORY{}\n{cut}", " ".repeat(70)));
        check(&[&["REPOSITORY"], &[&long]], 0, &format!("REPOSITORY{}\n{long}", " ".repeat(110)));
        // Below 4 columns the ellipsis overflows: helm prints "N..." at width 3 and 1.
        check(&[&["NAME"], &["al"]], 3, "N...\nal ");
        check(&[&["NAME"]], 1, "N...");
    }

    #[test]
    fn measures_wide_and_combining_runes_like_runewidth() {
        assert_eq!(string_width("日本"), 4);
        assert_eq!(string_width("e\u{301}"), 1);
        assert_eq!(string_width("\u{27E6}"), 0);
        check(&[&["名前", "x"], &["ab", "y"]], 80, "名前\tx\nab  \ty");
    }
}
