//! The tray's overall level and its icon, GUI-free (the desktop shell only hands the pixels to
//! the tray).
//!
//! Colour follows the level on the Okabe–Ito palette (legible for the common colour-vision
//! deficiencies), and every level has its own shape as well, so colour is never the only cue:
//! idle ● green circle, normal ■ yellow square, busy ▲ orange triangle, very busy ◆ vermilion
//! diamond, starting ○ blue ring, down ✕ grey circle with a white cross. A dark outline keeps
//! light colours visible on light panels; the fills stay bright on dark ones.

use crate::model::{BackendStatus, Level, Role, TrayScope};

/// The level the tray shows: the worst of the counted backends (starting when none is).
pub fn overall(rows: &[BackendStatus], scope: TrayScope) -> Level {
    rows.iter()
        .filter(|s| scope == TrayScope::All || s.role == Role::Reasoner)
        .map(|s| s.level)
        .max_by_key(|l| l.severity())
        .unwrap_or(Level::Starting)
}

/// RGBA fill of each level.
pub fn colour(level: Level) -> [u8; 4] {
    match level {
        Level::Idle => [0x00, 0x9E, 0x73, 0xFF],
        Level::Normal => [0xF0, 0xE4, 0x42, 0xFF],
        Level::Busy => [0xE6, 0x9F, 0x00, 0xFF],
        Level::VeryBusy => [0xD5, 0x5E, 0x00, 0xFF],
        Level::Starting => [0x00, 0x72, 0xB2, 0xFF],
        Level::Down => [0x8C, 0x8C, 0x8C, 0xFF],
    }
}

const WHITE: [f32; 3] = [255.0, 255.0, 255.0];

/// What covers a point (in -1..1 units, y down) for `level`: 0 nothing, 1 outline, 2 fill,
/// 3 mark (the white cross of `down`).
fn paint(level: Level, x: f32, y: f32) -> u8 {
    let r = (x * x + y * y).sqrt();
    let outline = 0.1;
    // Distance-like measure of each shape: inside when <= 1.
    let d = match level {
        Level::Idle | Level::Down => r / 0.9,
        Level::Normal => x.abs().max(y.abs()) / 0.78,
        Level::Busy => {
            // Upward triangle: apex at y=-0.9, base at y=0.75.
            let h = (y + 0.9) / 1.65; // 0 at apex, 1 at base
            if !(0.0..=1.0).contains(&h) {
                2.0
            } else {
                (x.abs() / (0.95 * h)).max(if h > 0.0 { 0.0 } else { 2.0 })
            }
        }
        Level::VeryBusy => (x.abs() + y.abs()) / 0.95,
        Level::Starting => {
            if r > 0.9 {
                r / 0.9
            } else if r < 0.55 {
                2.0
            } else {
                0.5
            }
        }
    };
    if level == Level::Down && r <= 0.9 {
        let on_cross = (x - y).abs() < 0.22 || (x + y).abs() < 0.22;
        if on_cross && r < 0.62 {
            return 3;
        }
    }
    if d <= 1.0 - outline {
        2
    } else if d <= 1.0 + outline * 0.5 {
        1
    } else {
        0
    }
}

/// The icon for `level`, `size`×`size` RGBA (row-major), anti-aliased by 4×4 supersampling.
pub fn icon_rgba(level: Level, size: u32) -> Vec<u8> {
    let fill = colour(level);
    let fill_f = [f32::from(fill[0]), f32::from(fill[1]), f32::from(fill[2])];
    let outline_f = [fill_f[0] * 0.45, fill_f[1] * 0.45, fill_f[2] * 0.45];
    let n = size.max(1) as usize;
    let mut out = vec![0u8; n * n * 4];
    const SS: usize = 4;
    for py in 0..n {
        for px in 0..n {
            let (mut acc, mut cover) = ([0f32; 3], 0f32);
            for sy in 0..SS {
                for sx in 0..SS {
                    let x = ((px * SS + sx) as f32 + 0.5) / (n * SS) as f32 * 2.0 - 1.0;
                    let y = ((py * SS + sy) as f32 + 0.5) / (n * SS) as f32 * 2.0 - 1.0;
                    let c = match paint(level, x, y) {
                        1 => Some(outline_f),
                        2 => Some(fill_f),
                        3 => Some(WHITE),
                        _ => None,
                    };
                    if let Some(c) = c {
                        for k in 0..3 {
                            acc[k] += c[k];
                        }
                        cover += 1.0;
                    }
                }
            }
            let i = (py * n + px) * 4;
            if cover > 0.0 {
                for k in 0..3 {
                    out[i + k] = (acc[k] / cover).round() as u8;
                }
                out[i + 3] = (cover / (SS * SS) as f32 * 255.0).round() as u8;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Level; 6] = [Level::Idle, Level::Normal, Level::Busy, Level::VeryBusy, Level::Starting, Level::Down];

    fn pixel(buf: &[u8], size: u32, x: u32, y: u32) -> [u8; 4] {
        let i = ((y * size + x) * 4) as usize;
        [buf[i], buf[i + 1], buf[i + 2], buf[i + 3]]
    }

    #[test]
    fn sizes_and_centre_colours() {
        for size in [16, 22, 24, 32, 48, 64] {
            for level in ALL {
                let buf = icon_rgba(level, size);
                assert_eq!(buf.len(), (size * size * 4) as usize);
                assert_eq!(pixel(&buf, size, 0, 0)[3], 0, "corners are transparent");
            }
        }
        let size = 64;
        for level in [Level::Idle, Level::Normal, Level::Busy, Level::VeryBusy] {
            // A point well inside every filled shape.
            let p = pixel(&icon_rgba(level, size), size, size / 2, size * 3 / 5);
            assert_eq!(p, colour(level), "{level:?}");
        }
        // Down: the centre is the white cross; the fill is grey beside it.
        let down = icon_rgba(Level::Down, size);
        assert_eq!(pixel(&down, size, 32, 32), [255, 255, 255, 255]);
        assert_eq!(pixel(&down, size, 32, 10), colour(Level::Down));
        // Starting: a ring, empty in the middle.
        let starting = icon_rgba(Level::Starting, size);
        assert_eq!(pixel(&starting, size, 32, 32)[3], 0);
        assert_eq!(pixel(&starting, size, 32, 9), colour(Level::Starting));
    }

    #[test]
    fn every_level_has_its_own_shape() {
        // Compare coverage masks: colour aside, no two levels look alike.
        let masks: Vec<Vec<bool>> =
            ALL.iter().map(|l| icon_rgba(*l, 32).chunks(4).map(|p| p[3] > 127).collect()).collect();
        for i in 0..ALL.len() {
            for j in i + 1..ALL.len() {
                let differ = masks[i].iter().zip(&masks[j]).filter(|(a, b)| a != b).count();
                let white = |l: Level| icon_rgba(l, 32).chunks(4).filter(|p| p[0] == 255 && p[1] == 255).count();
                assert!(
                    differ > 20 || white(ALL[i]) != white(ALL[j]),
                    "{:?} and {:?} differ in only {differ} pixels",
                    ALL[i],
                    ALL[j]
                );
            }
        }
    }

    fn row(name: &str, role: Role, level: Level) -> BackendStatus {
        let mut s = BackendStatus::unchecked(name, role, crate::clock::Clock::system().now());
        s.state = crate::model::State::Up;
        s.level = level;
        s
    }

    #[test]
    fn overall_level_by_scope() {
        let rows = vec![row("small", Role::Classifier, Level::Down), row("big", Role::Reasoner, Level::Busy)];
        assert_eq!(overall(&rows, TrayScope::Reasoners), Level::Busy);
        assert_eq!(overall(&rows, TrayScope::All), Level::Down);
        let rows = vec![row("a", Role::Reasoner, Level::Idle), row("b", Role::Reasoner, Level::VeryBusy)];
        assert_eq!(overall(&rows, TrayScope::Reasoners), Level::VeryBusy);
        assert_eq!(overall(&[], TrayScope::All), Level::Starting);
    }
}
