fn main() -> std::process::ExitCode {
    switchboard_tray::run()
}
