//! Writes the tray icons (every level, at the sizes desktops ask for) and the app icon as PNG
//! files into `icons/`: `cargo run -p switchboard-core --example icons`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use switchboard_core::tray::icon_rgba;
use switchboard_core::Level;

fn write(path: &Path, size: u32, rgba: &[u8]) {
    let file = std::fs::File::create(path).unwrap();
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), size, size);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header().unwrap().write_image_data(rgba).unwrap();
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../icons");
    std::fs::create_dir_all(&dir).unwrap();
    let levels = [
        (Level::Idle, "idle"),
        (Level::Normal, "normal"),
        (Level::Busy, "busy"),
        (Level::VeryBusy, "very-busy"),
        (Level::Starting, "starting"),
        (Level::Down, "down"),
    ];
    for (level, name) in levels {
        for size in [16, 22, 24, 32, 48, 64] {
            write(&dir.join(format!("tray-{name}-{size}.png")), size, &icon_rgba(level, size));
        }
    }
    for size in [32, 128, 256] {
        write(&dir.join(format!("icon-{size}.png")), size, &icon_rgba(Level::Idle, size));
    }
    write(&dir.join("icon.png"), 512, &icon_rgba(Level::Idle, 512));
    println!("wrote {}", dir.display());
}
