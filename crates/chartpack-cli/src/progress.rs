//! A one-line progress bar on stderr for pushes and pulls, drawn only when stderr is a
//! terminal and at most every 100 ms; silent otherwise.

use std::cell::Cell;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Draws `label [=====>    ] 42% 1.2/2.9 MiB`.
pub struct ProgressBar {
    label: String,
    enabled: bool,
    last_draw: Cell<Option<Instant>>,
    drawn: Cell<bool>,
}

const WIDTH: u64 = 30;
const EVERY: Duration = Duration::from_millis(100);

impl ProgressBar {
    /// A bar for `label`, shown only when stderr is a terminal.
    pub fn new(label: &str) -> ProgressBar {
        ProgressBar::with_terminal(label, std::io::stderr().is_terminal())
    }

    /// A bar that draws when `enabled`.
    pub fn with_terminal(label: &str, enabled: bool) -> ProgressBar {
        ProgressBar { label: label.to_owned(), enabled, last_draw: Cell::new(None), drawn: Cell::new(false) }
    }

    /// Records `done` of `total` bytes.
    pub fn update(&self, done: u64, total: u64) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let due = self.last_draw.get().is_none_or(|t| now.duration_since(t) >= EVERY);
        if !due && done < total {
            return;
        }
        self.last_draw.set(Some(now));
        self.drawn.set(true);
        let _ = write!(std::io::stderr(), "\r{}", render(&self.label, done, total));
    }

    /// Clears the line, if anything was drawn.
    pub fn finish(&self) {
        if self.drawn.get() {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

/// The bar's text.
pub fn render(label: &str, done: u64, total: u64) -> String {
    let done = done.min(total);
    let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH);
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    let mut bar = "=".repeat(filled as usize);
    if filled < WIDTH {
        bar.push('>');
        bar.push_str(&" ".repeat((WIDTH - filled - 1) as usize));
    }
    format!("{label} [{bar}] {percent:>3}% {}/{}", size(done), size(total))
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1u32 << 20))
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_partial_and_complete_bars() {
        assert_eq!(render("push", 0, 2048), format!("push [>{}]   0% 0.0 KiB/2.0 KiB", " ".repeat(29)));
        assert_eq!(render("pull", 3 << 20, 3 << 20), format!("pull [{}] 100% 3.0 MiB/3.0 MiB", "=".repeat(30)));
        assert!(render("x", 5, 10).contains(" 50% "));
        assert!(render("x", 20, 10).contains("100%"), "done beyond total is clamped");
        assert!(render("x", 0, 0).contains("100%"));
    }
}
