//! The file's shape, as serde reads it. Unknown keys are errors.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::check::Check;
use super::{ChatSettings, ConfigError, Decide, HealthSettings, Kind, LangSetting, LoadSettings, Role, Structured};
use crate::model::TrayScope;

/// A float read with where it is in the file.
type Float = Option<Spanned<f64>>;
/// An integer read with where it is in the file.
type Int = Option<Spanned<u64>>;

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
    #[serde(default)]
    pub calendar: Vec<super::tools::RawCalendar>,
    #[serde(default)]
    pub mail: Vec<super::tools::RawMail>,
    #[serde(default)]
    pub documents: super::tools::RawDocuments,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Assistant {
    name: Option<String>,
    persona: Option<String>,
    #[serde(default)]
    language: LangSetting,
    history_turns: Int,
    lean_to_reasoner: Option<bool>,
    nearest_examples: Option<bool>,
    #[serde(default)]
    decide: Decide,
    direct_confidence: Float,
    classifier_prompt: Option<String>,
    reasoner_prompt: Option<String>,
    store: Option<String>,
    timezone: Option<Spanned<String>>,
}

impl Assistant {
    pub fn into_settings(self, config_path: &Path, c: &Check<'_>) -> Result<ChatSettings, ConfigError> {
        let d = ChatSettings::default();
        let nonempty = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
        let turns = c.int(&self.history_turns, "assistant.history_turns", 0, 100)?;
        let confidence = c.float(&self.direct_confidence, "assistant.direct_confidence", 0.0, 1.0)?;
        let timezone = match &self.timezone {
            None => None,
            Some(tz) => Some(tz.get_ref().trim().parse::<chrono_tz::Tz>().map_err(|_| {
                let shown: String = tz.get_ref().chars().take(60).collect();
                (c.at)(
                    Some(tz.span()),
                    Some("assistant.timezone"),
                    format!("`{shown}` is not a time zone name (like \"Asia/Seoul\" or \"Europe/Berlin\")"),
                )
            })?),
        };
        Ok(ChatSettings {
            name: nonempty(self.name).unwrap_or(d.name),
            persona: self.persona.unwrap_or_default(),
            language: self.language,
            history_turns: turns.map_or(d.history_turns, |n| n as usize),
            lean_to_reasoner: self.lean_to_reasoner.unwrap_or(d.lean_to_reasoner),
            nearest_examples: self.nearest_examples.unwrap_or(d.nearest_examples),
            decide: self.decide,
            direct_confidence: confidence.unwrap_or(d.direct_confidence),
            classifier_prompt: nonempty(self.classifier_prompt),
            reasoner_prompt: nonempty(self.reasoner_prompt),
            store: nonempty(self.store).map(|s| config_path.parent().unwrap_or(Path::new(".")).join(s)),
            timezone,
        })
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
    pub api_key_keyring: Option<String>,
    pub temperature: Float,
    pub max_tokens: Int,
    pub timeout_secs: Float,
    pub stall_timeout_secs: Float,
    pub max_concurrent: Int,
    #[serde(default)]
    pub structured_output: Structured,
    pub launch: Option<Spanned<Vec<String>>>,
    pub embeddings: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Tray {
    #[serde(default)]
    pub scope: TrayScope,
    /// Backends whose flips are not notified.
    #[serde(default)]
    pub mute: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Health {
    interval_secs: Float,
    probe_timeout_secs: Float,
    poll_interval_secs: Float,
    rise: Int,
    fall: Int,
    fall_refused: Int,
    down_probe_min_secs: Float,
    down_probe_max_secs: Float,
    down_backoff_after_secs: Float,
}

impl Health {
    pub fn into_settings(self, c: &Check<'_>) -> Result<HealthSettings, ConfigError> {
        let d = HealthSettings::default();
        let count = |v: &Int, key: &str, default: u32| c.int(v, key, 1, 1000).map(|n| n.map_or(default, |n| n as u32));
        Ok(HealthSettings {
            interval: c.secs(&self.interval_secs, "health.interval_secs", d.interval)?,
            probe_timeout: c.secs(&self.probe_timeout_secs, "health.probe_timeout_secs", d.probe_timeout)?,
            poll_interval: c.secs(&self.poll_interval_secs, "health.poll_interval_secs", d.poll_interval)?,
            rise: count(&self.rise, "health.rise", d.rise)?,
            fall: count(&self.fall, "health.fall", d.fall)?,
            fall_refused: count(&self.fall_refused, "health.fall_refused", d.fall_refused)?,
            down_probe_min: c.secs(&self.down_probe_min_secs, "health.down_probe_min_secs", d.down_probe_min)?,
            down_probe_max: c.secs(&self.down_probe_max_secs, "health.down_probe_max_secs", d.down_probe_max)?,
            down_backoff_after: c.secs(
                &self.down_backoff_after_secs,
                "health.down_backoff_after_secs",
                d.down_backoff_after,
            )?,
        })
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Load {
    busy_ms: Float,
    very_busy_ms: Float,
    cache_secs: Float,
    cooldown_secs: Float,
    ping_trigger_ratio: Float,
    probe_busy_ratio: Float,
    probe_normal_ratio: Float,
    baseline_warmup: Int,
    baseline_alpha: Float,
    baseline_floor_ms: Float,
    baseline_unknown_ms: Float,
    ping_timeout_secs: Float,
    use_native: Option<bool>,
    use_request_timing: Option<bool>,
    native_max_age_secs: Float,
}

/// A day in ms: the longest wait or latency a setting may name.
const DAY_MS: f64 = 86_400_000.0;

impl Load {
    pub fn into_settings(self, c: &Check<'_>) -> Result<LoadSettings, ConfigError> {
        let d = LoadSettings::default();
        let ms = |v: &Float, key: &str, default: f64| c.float(v, key, 0.0, DAY_MS).map(|x| x.unwrap_or(default));
        let ratio = |v: &Float, key: &str, default: f64| c.float(v, key, 0.0, 1000.0).map(|x| x.unwrap_or(default));
        Ok(LoadSettings {
            busy_ms: ms(&self.busy_ms, "load.busy_ms", d.busy_ms)?,
            very_busy_ms: ms(&self.very_busy_ms, "load.very_busy_ms", d.very_busy_ms)?,
            cache: c.secs(&self.cache_secs, "load.cache_secs", d.cache)?,
            cooldown: c.secs(&self.cooldown_secs, "load.cooldown_secs", d.cooldown)?,
            ping_trigger_ratio: ratio(&self.ping_trigger_ratio, "load.ping_trigger_ratio", d.ping_trigger_ratio)?,
            probe_busy_ratio: ratio(&self.probe_busy_ratio, "load.probe_busy_ratio", d.probe_busy_ratio)?,
            probe_normal_ratio: ratio(&self.probe_normal_ratio, "load.probe_normal_ratio", d.probe_normal_ratio)?,
            baseline_warmup: c
                .int(&self.baseline_warmup, "load.baseline_warmup", 0, 1000)?
                .map_or(d.baseline_warmup, |n| n as u32),
            baseline_alpha: c.float(&self.baseline_alpha, "load.baseline_alpha", 0.0, 1.0)?.unwrap_or(d.baseline_alpha),
            baseline_floor_ms: ms(&self.baseline_floor_ms, "load.baseline_floor_ms", d.baseline_floor_ms)?,
            baseline_unknown_ms: ms(&self.baseline_unknown_ms, "load.baseline_unknown_ms", d.baseline_unknown_ms)?,
            ping_timeout: c.secs(&self.ping_timeout_secs, "load.ping_timeout_secs", d.ping_timeout)?,
            use_native: self.use_native.unwrap_or(d.use_native),
            use_request_timing: self.use_request_timing.unwrap_or(d.use_request_timing),
            native_max_age: c.secs(&self.native_max_age_secs, "load.native_max_age_secs", d.native_max_age)?,
        })
    }
}
