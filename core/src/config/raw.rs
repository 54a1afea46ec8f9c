//! The file's shape, as serde reads it. Unknown keys are errors.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{ChatSettings, HealthSettings, Kind, LangSetting, LoadSettings, Role, Structured};
use crate::model::TrayScope;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    #[serde(default)]
    pub health: Health,
    #[serde(default)]
    pub load: Load,
    #[serde(default)]
    pub assistant: Assistant,
    #[serde(default)]
    pub tray: Tray,
    #[serde(default)]
    pub backend: Vec<Backend>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Assistant {
    name: Option<String>,
    persona: Option<String>,
    #[serde(default)]
    language: LangSetting,
    history_turns: Option<usize>,
    classifier_prompt: Option<String>,
    reasoner_prompt: Option<String>,
    store: Option<String>,
}

impl Assistant {
    pub fn into_settings(self, config_path: &Path) -> ChatSettings {
        let d = ChatSettings::default();
        let nonempty = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
        ChatSettings {
            name: nonempty(self.name).unwrap_or(d.name),
            persona: self.persona.unwrap_or_default(),
            language: self.language,
            history_turns: self.history_turns.unwrap_or(d.history_turns),
            classifier_prompt: nonempty(self.classifier_prompt),
            reasoner_prompt: nonempty(self.reasoner_prompt),
            store: nonempty(self.store).map(|s| config_path.parent().unwrap_or(Path::new(".")).join(s)),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backend {
    pub name: Spanned<String>,
    pub role: Spanned<Role>,
    pub url: Spanned<String>,
    pub model: String,
    #[serde(default)]
    pub kind: Kind,
    pub api_key_env: Option<String>,
    pub api_key_file: Option<String>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    pub timeout_secs: Option<f64>,
    pub max_concurrent: Option<usize>,
    #[serde(default)]
    pub structured_output: Structured,
    pub launch: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Tray {
    #[serde(default)]
    pub scope: TrayScope,
}

fn secs(v: Option<f64>, default: Duration) -> Duration {
    v.filter(|s| s.is_finite() && *s > 0.0).map(Duration::from_secs_f64).unwrap_or(default)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Health {
    interval_secs: Option<f64>,
    probe_timeout_secs: Option<f64>,
    poll_interval_secs: Option<f64>,
    rise: Option<u32>,
    fall: Option<u32>,
    fall_refused: Option<u32>,
    down_probe_min_secs: Option<f64>,
    down_probe_max_secs: Option<f64>,
    down_backoff_after_secs: Option<f64>,
}

impl Health {
    pub fn into_settings(self) -> HealthSettings {
        let d = HealthSettings::default();
        HealthSettings {
            interval: secs(self.interval_secs, d.interval),
            probe_timeout: secs(self.probe_timeout_secs, d.probe_timeout),
            poll_interval: secs(self.poll_interval_secs, d.poll_interval),
            rise: self.rise.unwrap_or(d.rise).max(1),
            fall: self.fall.unwrap_or(d.fall).max(1),
            fall_refused: self.fall_refused.unwrap_or(d.fall_refused).max(1),
            down_probe_min: secs(self.down_probe_min_secs, d.down_probe_min),
            down_probe_max: secs(self.down_probe_max_secs, d.down_probe_max),
            down_backoff_after: secs(self.down_backoff_after_secs, d.down_backoff_after),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Load {
    busy_ms: Option<f64>,
    very_busy_ms: Option<f64>,
    cache_secs: Option<f64>,
    cooldown_secs: Option<f64>,
    ping_trigger_ratio: Option<f64>,
    probe_busy_ratio: Option<f64>,
    probe_normal_ratio: Option<f64>,
    baseline_warmup: Option<u32>,
    baseline_alpha: Option<f64>,
    baseline_floor_ms: Option<f64>,
    baseline_unknown_ms: Option<f64>,
    ping_timeout_secs: Option<f64>,
    use_native: Option<bool>,
    use_request_timing: Option<bool>,
    native_max_age_secs: Option<f64>,
}

impl Load {
    pub fn into_settings(self) -> LoadSettings {
        let d = LoadSettings::default();
        LoadSettings {
            busy_ms: self.busy_ms.unwrap_or(d.busy_ms),
            very_busy_ms: self.very_busy_ms.unwrap_or(d.very_busy_ms),
            cache: secs(self.cache_secs, d.cache),
            cooldown: secs(self.cooldown_secs, d.cooldown),
            ping_trigger_ratio: self.ping_trigger_ratio.unwrap_or(d.ping_trigger_ratio),
            probe_busy_ratio: self.probe_busy_ratio.unwrap_or(d.probe_busy_ratio),
            probe_normal_ratio: self.probe_normal_ratio.unwrap_or(d.probe_normal_ratio),
            baseline_warmup: self.baseline_warmup.unwrap_or(d.baseline_warmup),
            baseline_alpha: self.baseline_alpha.unwrap_or(d.baseline_alpha).clamp(0.0, 1.0),
            baseline_floor_ms: self.baseline_floor_ms.unwrap_or(d.baseline_floor_ms),
            baseline_unknown_ms: self.baseline_unknown_ms.unwrap_or(d.baseline_unknown_ms),
            ping_timeout: secs(self.ping_timeout_secs, d.ping_timeout),
            use_native: self.use_native.unwrap_or(d.use_native),
            use_request_timing: self.use_request_timing.unwrap_or(d.use_request_timing),
            native_max_age: secs(self.native_max_age_secs, d.native_max_age),
        }
    }
}
