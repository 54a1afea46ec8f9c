//! A small parser for the Prometheus text format, keeping `name:with:colons` (vLLM's `vllm:…`,
//! llama.cpp's `llamacpp:…`), which the `prometheus-parse` crate silently drops.

use std::collections::HashMap;

/// One sample: a metric name, its labels and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

/// Parses exposition text; lines that do not parse are skipped (a server's extension must not
/// make the whole page unreadable).
pub fn parse(text: &str) -> Vec<Sample> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<Sample> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let name_end = line.find(|c: char| c == '{' || c.is_whitespace())?;
    let name = &line[..name_end];
    if name.is_empty() {
        return None;
    }
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if rest.starts_with('{') {
        let close = find_label_end(rest)?;
        labels = parse_labels(&rest[1..close])?;
        rest = &rest[close + 1..];
    }
    let value_text = rest.split_whitespace().next()?;
    let value = match value_text {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v.parse().ok()?,
    };
    Some(Sample { name: name.to_string(), labels, value })
}

fn find_label_end(s: &str) -> Option<usize> {
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            '}' if !in_quotes => return Some(i),
            _ => {}
        }
    }
    None
}

fn parse_labels(s: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let eq = rest.find('=')?;
        let key = rest[..eq].trim().to_string();
        rest = rest[eq + 1..].trim_start();
        let body = rest.strip_prefix('"')?;
        let mut value = String::new();
        let mut escaped = false;
        let mut end = None;
        for (i, c) in body.char_indices() {
            if escaped {
                value.push(match c {
                    'n' => '\n',
                    other => other,
                });
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                end = Some(i);
                break;
            } else {
                value.push(c);
            }
        }
        let end = end?;
        out.push((key, value));
        rest = body[end + 1..].trim_start().trim_start_matches(',').trim_start();
    }
    Some(out)
}

/// Sums of samples by name (labels folded together), for quick lookups.
pub fn totals(samples: &[Sample]) -> HashMap<&str, f64> {
    let mut m: HashMap<&str, f64> = HashMap::new();
    for s in samples {
        *m.entry(s.name.as_str()).or_insert(0.0) += s.value;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shape of llama-server's `/metrics` (b-series builds, `--metrics`).
    const LLAMA: &str = "# HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.\n\
# TYPE llamacpp:prompt_tokens_total counter\n\
llamacpp:prompt_tokens_total 1234\n\
llamacpp:tokens_predicted_total 560\n\
llamacpp:predicted_tokens_seconds 61.5\n\
# TYPE llamacpp:requests_processing gauge\n\
llamacpp:requests_processing 1\n\
llamacpp:requests_deferred 3\n";

    /// Shape of vLLM's `/metrics`.
    const VLLM: &str = "# HELP vllm:num_requests_running Number of requests in model execution batches.\n\
vllm:num_requests_running{engine=\"0\",model_name=\"Qwen/Qwen2.5-7B\"} 4.0\n\
vllm:num_requests_waiting{engine=\"0\",model_name=\"Qwen/Qwen2.5-7B\"} 2.0\n\
vllm:e2e_request_latency_seconds_sum{model_name=\"a,b\\\"c\"} 12.5\n\
vllm:e2e_request_latency_seconds_count{model_name=\"a,b\\\"c\"} 5\n\
vllm:e2e_request_latency_seconds_bucket{le=\"+Inf\",model_name=\"x\"} 5\n";

    #[test]
    fn keeps_colons_in_names() {
        let t = parse(LLAMA);
        let m = totals(&t);
        assert_eq!(m["llamacpp:requests_processing"], 1.0);
        assert_eq!(m["llamacpp:requests_deferred"], 3.0);
        assert_eq!(m["llamacpp:tokens_predicted_total"], 560.0);
    }

    #[test]
    fn labels_with_commas_and_quotes() {
        let t = parse(VLLM);
        assert_eq!(t.len(), 5);
        assert_eq!(t[0].labels[1], ("model_name".to_string(), "Qwen/Qwen2.5-7B".to_string()));
        assert_eq!(t[2].labels[0].1, "a,b\"c");
        assert_eq!(t[2].value, 12.5);
        assert_eq!(t[4].labels[0].1, "+Inf");
        assert_eq!(totals(&t)["vllm:num_requests_waiting"], 2.0);
    }

    #[test]
    fn garbage_is_skipped_not_fatal() {
        let t = parse("}{\nfoo\nbar{a=\"1\" 2\nok 1 1700000000\nx NaN\n");
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].name, "ok");
        assert!(t[1].value.is_nan());
    }
}
