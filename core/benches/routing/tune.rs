//! `--tune`: the nearest examples measured leave-one-set-out. Each example read from a
//! benchmark set that the rules leave to the model is given the verdict of the examples of
//! every other set (its own set aside, as a blind set's messages meet only the sets read
//! before them), for each mix of embeddings and n-grams and each number of neighbours; then,
//! for the best of those, each pair of thresholds. The similarities come from the examples'
//! vectors alone (no server asked); the n-grams' weights are the whole index's.

use chrono::NaiveDate;
use switchboard_core::model::Action;
use switchboard_core::router::prompt::{contains_hangul, Lang};
use switchboard_core::router::{embed, nearest, rules};

struct Case {
    text: &'static str,
    action: Action,
    op: Option<&'static str>,
    set: &'static str,
    similarities: Vec<f64>,
    gates: switchboard_core::router::choose::Gates,
}

/// Of `cases`, verdicts given at `weight` and `k`: (verdict, right) per case, `None` when
/// there is none.
fn verdicts(cases: &[Case], weight: f64, k: usize) -> Vec<Option<(nearest::Verdict, bool)>> {
    cases
        .iter()
        .map(|c| {
            let v = nearest::nearest_left_out(c.text, &c.similarities, weight, k, c.set)?;
            let right = v.action == c.action && (c.action != Action::Tools || v.op.as_deref() == c.op);
            Some((v, right))
        })
        .collect()
}

fn percent(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

pub fn tune(examples: &embed::ExampleVectors, today: NaiveDate) {
    let cases: Vec<Case> = nearest::examples()
        .enumerate()
        .filter_map(|(i, (text, action, op, set))| {
            let lang = if contains_hangul(text) { Lang::Ko } else { Lang::En };
            if rules::decide(text, today, &[], lang, true).is_some() {
                return None;
            }
            let similarities = examples.similarities_of(i)?;
            Some(Case { text, action, op, set: set?, similarities, gates: rules::gates(text, today, &[]) })
        })
        .collect();
    println!(
        "\n=== the nearest examples, leave-one-set-out: {} read examples the rules leave to the model ===",
        cases.len()
    );
    println!("  right (of all verdicts) by the embeddings' share (rows) and neighbours (columns):");
    println!("  weight      k=1      k=2      k=3      k=5      k=7      k=9");
    let mut best = (0, 0.0, 0);
    for weight in [0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 1.0] {
        let mut row = format!("  {weight:>6.1}");
        for k in [1, 2, 3, 5, 7, 9] {
            let right = verdicts(&cases, weight, k).iter().flatten().filter(|(_, r)| *r).count();
            row += &format!("  {:>6.1}%", percent(right, cases.len()));
            if right > best.0 {
                best = (right, weight, k);
            }
        }
        println!("{row}");
    }
    let (_, weight, k) = best;
    let (w, k_now) = (nearest::EMBED_WEIGHT, nearest::K);
    let now = verdicts(&cases, w, k_now).iter().flatten().filter(|(_, r)| *r).count();
    println!(
        "  best: weight {weight:.1}, k = {k} ({:.1} %); the router's: weight {w:.1}, k = {k_now} ({:.1} %)",
        percent(best.0, cases.len()),
        percent(now, cases.len())
    );
    println!("  at weight {weight:.1}, k = {k}: verdicts acted on (sure and let through by the gates) / right of those / right of the rest");
    println!("  similarity  agreement  acted on   right    rest right (the classifier decides these)");
    let given = verdicts(&cases, weight, k);
    for min_similarity in [0.2, 0.3, 0.4, 0.5, 0.6] {
        for min_agreement in [0.4, 0.5, 0.6, 0.7, 0.8] {
            let (mut acted, mut acted_right, mut rest_right) = (0, 0, 0);
            for (c, g) in cases.iter().zip(&given) {
                let on = g.as_ref().filter(|(v, _)| c.gates.allows(v.action) && v.sure(min_similarity, min_agreement));
                match on {
                    Some((_, right)) => {
                        acted += 1;
                        acted_right += usize::from(*right);
                    }
                    None => rest_right += usize::from(g.as_ref().is_some_and(|(_, r)| *r)),
                }
            }
            println!(
                "  {min_similarity:>10.1}  {min_agreement:>9.1}  {:>7.1}%  {:>6.1}%  {:>6.1}% ({} left)",
                percent(acted, cases.len()),
                percent(acted_right, acted),
                percent(rest_right, cases.len() - acted),
                cases.len() - acted
            );
        }
    }
}
