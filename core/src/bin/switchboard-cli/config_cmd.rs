//! `switchboard-cli config ...`: check, init, path, discover.

use std::path::Path;
use std::process::ExitCode;

use switchboard_core::config::{self, Config};

use super::{config_error, ConfigCmd, EXIT_CONFIG, EXIT_ERROR};

async fn discover(path: &Path) -> ExitCode {
    use switchboard_core::servers::discover::{first_run, FirstRun, Options};
    match first_run(path, &Options::from_env()).await {
        Ok(FirstRun::Existing) => println!("{}: exists, left as it is", path.display()),
        Ok(FirstRun::Discovered(found)) => {
            println!("wrote {} for the servers found:", path.display());
            for f in found {
                let models: Vec<&str> = f.models.iter().map(|(m, _)| m.as_str()).collect();
                println!("  {} at {}: {}", f.kind, f.url, models.join(", "));
            }
        }
        Ok(FirstRun::Local) => println!(
            "wrote {}: no server answered, so Switchboard will start the project's llama-server itself",
            path.display()
        ),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    }
    ExitCode::SUCCESS
}

pub(super) async fn config_cmd(cmd: ConfigCmd, explicit: Option<&Path>) -> ExitCode {
    let path = match config::resolve_path(explicit) {
        Ok(p) => p,
        Err(e) => return config_error(e),
    };
    match cmd {
        ConfigCmd::Discover => discover(&path).await,
        ConfigCmd::Path => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        ConfigCmd::Check => match Config::load(&path) {
            Ok(cfg) => {
                println!("{}: ok, {} backends", path.display(), cfg.backends.len());
                for b in &cfg.backends {
                    println!(
                        "  {} ({}) {} model {}",
                        b.name,
                        b.role,
                        switchboard_core::secret::redact_url(&b.url),
                        b.model
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => config_error(e),
        },
        ConfigCmd::Init { force, print } => {
            if print {
                print!("{}", config::EXAMPLE);
                return ExitCode::SUCCESS;
            }
            if path.exists() && !force {
                eprintln!("error: {} exists (use --force to overwrite)", path.display());
                return ExitCode::from(EXIT_ERROR);
            }
            let written = switchboard_core::private::write_atomic(&path, config::EXAMPLE.as_bytes());
            match written {
                Ok(()) => {
                    println!(
                        "wrote {}: edit the backends' urls and models, then run `switchboard-cli status`",
                        path.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    ExitCode::from(EXIT_ERROR)
                }
            }
        }
    }
}
