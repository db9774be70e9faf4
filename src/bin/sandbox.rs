//! `sandbox`: the command-line face of the engine. JSON in (a file path, or `-` for stdin), JSON
//! out on stdout; errors on stderr with a non-zero exit. Deterministic: the same input prints the
//! same bytes.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use sandbox::config::spec::sweep::Shard;
use sandbox::config::{export, reference, spec, url};
use sandbox::core::model::{simulate, Params, Scenario, Summaries};
use sandbox::core::tradeoff::policies::{self, compare_policies};
use sandbox::core::tradeoff::Options;

const HELP: &str = "\
sandbox — Marketplace Sandbox on the command line

USAGE:
  sandbox simulate [CONFIG|-]        run the day-by-day model; CONFIG is a JSON file (a bare
                                     configuration, or a JSON export from the app), - for stdin,
                                     omitted for the defaults
  sandbox simulate --link URL        run exactly what a shared link shows (a full URL or its query)
  sandbox defaults                   print the default configuration as JSON
  sandbox link [CONFIG|-]            print the canonical link query for a configuration
  sandbox knobs [--markdown]         every knob: key, link key, kind, accepted range, slider,
                                     default, role, flags and help, as JSON (or the README's
                                     configuration table)
  sandbox auction SPEC|- [--threads N]
                                     the mechanism lab: one-shot auctions (Monte Carlo or explicit)
  sandbox feed SPEC|-                blend one request's organic and ad lists under guardrails
  sandbox stats SPEC|-               experiment statistics: two proportions, means or ratio
                                     metrics compared (differences and relative lifts with 95%
                                     CIs), CUPED, the sample-ratio check, sample size and MDE, an
                                     exponential decay's half-life
  sandbox pacing SPEC|-              a first- or second-price pacing equilibrium of an explicit market
                                     (values per bidder and good, budgets); or, with the key
                                     config (a configuration or a share link), its max_clicks
                                     controllers against the first-price pacing equilibrium of
                                     its market
  sandbox sweep SPEC|-               run a configuration over a grid of one or two knobs; prints
                                     every point's summary and the Pareto frontier of two metrics
  sandbox sweep --shard K/N SPEC|-   only the points with index % N == K-1 (for spreading a sweep
                                     over machines)
  sandbox sweep --merge FILE...      join every shard's output into the whole sweep's output
  sandbox optimize SPEC|-            the best values of 1-3 knobs for a metric under metric
                                     constraints, with binding constraints and shadow prices
  sandbox policies [CONFIG|-] [--table]
                                     the best whole-run revenue/day of the fixed, threshold and
                                     exact policies at the configuration's own last-week
                                     engagement/day (each policy's ad-load knob optimised), as
                                     JSON (or a text table)
  sandbox experiment SPEC|-          both arms of an experiment in one world (user, budget_split,
                                     switchback or advertiser design) against the global truth:
                                     per metric the truth, the long-term truth and the estimate
                                     at the randomisation unit with its 95% CI (CUPED, post-period
                                     decay, replications' bias and coverage, the SRM p-value)
  sandbox bench [CONFIG|-] [--runs N] time the engine on a configuration (default: the app's
                                     default scenario); prints the median and every run in ms
  sandbox help                       this text

OPTIONS for simulate:
  --summary    print only the configuration and the summaries (no daily rows)
  --csv        print the daily metrics as CSV instead of JSON

OPTIONS for auction, sweep, optimize, policies and experiment:
  --threads N  simulations run on N threads (default: every core); the output does not depend
               on N. A progress line goes to stderr when it is a terminal.

SPEC keys of sweep and optimize are in README.md (section \"Tradeoff curves from the command
line\").

Every key of CONFIG is documented in README.md (section \"Configuration\"); unknown keys and
out-of-range values are errors that name the field and its allowed range. Links are lenient like
the app: a bad value is reported on stderr and replaced as the app replaces it.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            // A closed pipe (`sandbox defaults | head`) is not an error worth a panic.
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{out}").and_then(|()| stdout.flush());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("sandbox: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    let Some(command) = args.first() else {
        return Ok(HELP.to_string());
    };
    let rest = &args[1..];
    match command.as_str() {
        "help" | "--help" | "-h" => Ok(HELP.to_string()),
        "defaults" => to_json(&Params::default()),
        "simulate" => simulate_command(rest),
        "link" => {
            let params = match rest.first() {
                Some(path) => load_config(path)?,
                None => Params::default(),
            };
            Ok(format!("?{}", url::encode(&params, None)))
        }
        "knobs" => match rest {
            [] => to_json(&reference::knobs()),
            [flag] if flag == "--markdown" => {
                Ok(reference::configuration_markdown().trim_end().to_string())
            }
            _ => Err("`sandbox knobs` takes no argument but --markdown".into()),
        },
        // A spec's error prints as its message, like every other error here.
        "auction" => auction_command(rest),
        "feed" => {
            spec::feed::run_json(&read_input(one_arg(rest, "feed")?)?).map_err(|e| e.to_string())
        }
        "stats" => {
            spec::stats::run_json(&read_input(one_arg(rest, "stats")?)?).map_err(|e| e.to_string())
        }
        "pacing" => pacing_command(rest),
        "sweep" => sweep_command(rest),
        "optimize" => optimize_command(rest),
        "policies" => policies_command(rest),
        "experiment" => {
            let args = batch_args("experiment", rest)?;
            let path = args
                .spec
                .ok_or("`sandbox experiment` needs a SPEC file path or - for stdin")?;
            let input = read_input(&path)?;
            let (report, warnings) =
                spec::experiment::run_json(&input, args.threads).map_err(|e| e.to_string())?;
            for w in warnings {
                eprintln!("sandbox: {w}");
            }
            Ok(report)
        }
        "bench" => bench_command(rest),
        other => Err(format!(
            "unknown command '{other}'; commands: simulate, defaults, link, knobs, auction, feed, \
             stats, pacing, sweep, optimize, policies, experiment, bench, help"
        )),
    }
}

/// `sandbox auction [--threads N] SPEC`: the Monte Carlo auctions on N threads (default: every
/// core); the output does not depend on N.
fn auction_command(rest: &[String]) -> Result<String, String> {
    let args = batch_args("auction", rest)?;
    let spec = args
        .spec
        .ok_or("`sandbox auction` needs a SPEC file path or - for stdin")?;
    spec::auction::run_json_threads(&read_input(&spec)?, args.threads).map_err(|e| e.to_string())
}

/// `sandbox pacing SPEC`: an explicit market's pacing equilibrium, or with `config` the
/// configuration's `max_clicks` controllers against its first-price pacing equilibrium.
fn pacing_command(rest: &[String]) -> Result<String, String> {
    let input = read_input(one_arg(rest, "pacing")?)?;
    if !spec::pacing::compare::is_compare_spec(&input) {
        return spec::pacing::run_json(&input).map_err(|e| e.to_string());
    }
    let (report, warnings) = spec::pacing::compare::run_json(&input).map_err(|e| e.to_string())?;
    for w in warnings {
        eprintln!("sandbox: {w}");
    }
    Ok(report)
}

fn one_arg<'a>(rest: &'a [String], command: &str) -> Result<&'a str, String> {
    match rest {
        [one] => Ok(one),
        [] => Err(format!(
            "`sandbox {command}` needs a SPEC file path or - for stdin"
        )),
        _ => Err(format!(
            "`sandbox {command}` takes exactly one SPEC argument"
        )),
    }
}

fn simulate_command(rest: &[String]) -> Result<String, String> {
    let mut summary_only = false;
    let mut csv = false;
    let mut link: Option<String> = None;
    let mut path: Option<String> = None;
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--summary" => summary_only = true,
            "--csv" => csv = true,
            "--link" => {
                link = Some(
                    it.next()
                        .ok_or("--link needs a URL or a query string")?
                        .clone(),
                )
            }
            other if other.starts_with("--") => {
                return Err(format!("unknown option '{other}' for simulate"))
            }
            other => {
                if path.replace(other.to_string()).is_some() {
                    return Err("simulate takes at most one CONFIG".into());
                }
            }
        }
    }
    let params = match (link, path) {
        (Some(_), Some(_)) => return Err("give either CONFIG or --link, not both".into()),
        (Some(link), None) => {
            let query = link.split_once('?').map_or(link.as_str(), |(_, q)| q);
            let query = query.split('#').next().unwrap_or("");
            let decoded = url::decode(query);
            for problem in &decoded.problems {
                eprintln!("sandbox: link: {problem}");
            }
            decoded.params
        }
        (None, Some(path)) => load_config(&path)?,
        (None, None) => Params::default(),
    };
    let scenario = Scenario::new(params).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        format!("invalid configuration:\n{}", lines.join("\n"))
    })?;
    let result = simulate(&scenario);
    if csv {
        return Ok(export::daily_csv(&result).trim_end().to_string());
    }
    let mut doc = serde_json::json!({
        "version": url::URL_VERSION,
        "config": scenario.params(),
        "summary": result.summaries,
        "users": result.users,
        "segments": result.segment_names,
    });
    if !summary_only {
        doc["days"] = serde_json::to_value(&result.days).map_err(|e| e.to_string())?;
    }
    to_json(&doc)
}

/// Options shared by `sweep` and `optimize`: `--threads N`, and the SPEC (a path or `-`).
struct BatchArgs {
    threads: usize,
    shard: Option<Shard>,
    merge: Option<Vec<String>>,
    spec: Option<String>,
}

fn batch_args(command: &str, rest: &[String]) -> Result<BatchArgs, String> {
    let mut args = BatchArgs {
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        shard: None,
        merge: None,
        spec: None,
    };
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--threads" => {
                args.threads = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| (1..=1024).contains(n))
                    .ok_or("--threads needs a whole number from 1 to 1024")?
            }
            "--shard" if command == "sweep" => {
                args.shard = Some(Shard::parse(it.next().map_or("", String::as_str))?)
            }
            "--merge" if command == "sweep" => {
                args.merge = Some(it.by_ref().cloned().collect());
            }
            "-" => {
                if args.spec.replace("-".into()).is_some() {
                    return Err(format!(
                        "`sandbox {command}` takes exactly one SPEC argument"
                    ));
                }
            }
            other if other.starts_with("--") => {
                return Err(format!("unknown option '{other}' for {command}"))
            }
            other => {
                if args.spec.replace(other.to_string()).is_some() {
                    return Err(format!(
                        "`sandbox {command}` takes exactly one SPEC argument"
                    ));
                }
            }
        }
    }
    Ok(args)
}

/// Runs every configuration of `batch` on up to `threads` threads; the summaries come back in the
/// batch's order, identical whatever the number of threads (each run depends on its
/// configuration only). `done` counts finished runs for the progress line.
fn run_batch(
    batch: &[Params],
    threads: usize,
    done: &AtomicUsize,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Summaries> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Summaries>>> = batch.iter().map(|_| Mutex::new(None)).collect();
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(params) = batch.get(i) else { break };
        // Every configuration here is valid (the knobs stay within their limits); repair is
        // the total form of validation.
        let (scenario, _) = Scenario::repair(params.clone());
        let summaries = simulate(&scenario).summaries;
        if let Ok(mut slot) = slots[i].lock() {
            *slot = Some(summaries);
        }
        progress(done.fetch_add(1, Ordering::Relaxed) + 1);
    };
    let threads = threads.clamp(1, batch.len().max(1));
    if threads == 1 {
        work();
    } else {
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(work);
            }
        });
    }
    slots
        .into_iter()
        .map(|slot| slot.into_inner().ok().flatten().unwrap_or_default())
        .collect()
}

/// A progress line on stderr, only when stderr is a terminal.
fn progress_line(what: &'static str, total: Option<usize>) -> impl Fn(usize) + Sync {
    let tty = std::io::stderr().is_terminal();
    move |done| {
        if tty {
            match total {
                Some(total) => eprint!("\r{what}: {done}/{total} simulations"),
                None => eprint!("\r{what}: {done} simulations"),
            }
        }
    }
}

fn end_progress_line() {
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
}

fn sweep_command(rest: &[String]) -> Result<String, String> {
    let args = batch_args("sweep", rest)?;
    if let Some(files) = args.merge {
        if args.spec.is_some() || args.shard.is_some() {
            return Err("--merge takes shard files only (no SPEC, no --shard)".into());
        }
        let mut shards = Vec::new();
        for file in files {
            shards.push((file.clone(), read_input(&file)?));
        }
        return spec::sweep::merge(&shards).map_err(|e| e.to_string());
    }
    let path = args
        .spec
        .ok_or("`sandbox sweep` needs a SPEC file path or - for stdin")?;
    let sweep = spec::sweep::parse(&read_input(&path)?).map_err(|e| e.to_string())?;
    for w in &sweep.warnings {
        eprintln!("sandbox: {w}");
    }
    let indices = sweep.indices(args.shard);
    let configs = sweep.configs(&indices);
    let done = AtomicUsize::new(0);
    let summaries = run_batch(
        &configs,
        args.threads,
        &done,
        &progress_line("sweep", Some(configs.len())),
    );
    end_progress_line();
    sweep
        .report(args.shard, &indices, &summaries)
        .map_err(|e| e.to_string())
}

fn optimize_command(rest: &[String]) -> Result<String, String> {
    let args = batch_args("optimize", rest)?;
    let path = args
        .spec
        .ok_or("`sandbox optimize` needs a SPEC file path or - for stdin")?;
    let input = read_input(&path)?;
    let done = AtomicUsize::new(0);
    let progress = progress_line("optimize", None);
    let out = spec::optimize::run_json(
        &input,
        |batch| run_batch(batch, args.threads, &done, &progress),
        &mut |w| eprintln!("sandbox: {w}"),
    );
    if done.load(Ordering::Relaxed) > 0 {
        end_progress_line();
    }
    out.map_err(|e| e.to_string())
}

fn policies_command(rest: &[String]) -> Result<String, String> {
    let mut as_table = false;
    let rest: Vec<String> = rest
        .iter()
        .filter(|a| {
            let t = *a == "--table";
            as_table |= t;
            !t
        })
        .cloned()
        .collect();
    let args = batch_args("policies", &rest)?;
    let params = match &args.spec {
        Some(path) => load_config(path)?,
        None => Params::default(),
    };
    Scenario::new(params.clone()).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        format!("invalid configuration:\n{}", lines.join("\n"))
    })?;
    let done = AtomicUsize::new(0);
    let progress = progress_line("policies", None);
    let out = compare_policies(&params, &Options::default(), |batch| {
        run_batch(batch, args.threads, &done, &progress)
    });
    end_progress_line();
    let out = out.map_err(|e| e.to_string())?;
    if as_table {
        Ok(policies::table(&out).trim_end().to_string())
    } else {
        to_json(&out)
    }
}

/// Wall time of the engine alone (no parsing or printing), over several runs. The clock lives
/// here, at the edge: the engine itself never reads one.
fn bench_command(rest: &[String]) -> Result<String, String> {
    let mut runs = 11usize;
    let mut path = None;
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--runs" => {
                runs = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or("--runs needs a whole number from 1 to 1000")?
            }
            other if other.starts_with("--") => {
                return Err(format!("unknown option '{other}' for bench"))
            }
            other => {
                if path.replace(other.to_string()).is_some() {
                    return Err("bench takes at most one CONFIG".into());
                }
            }
        }
    }
    let params = match path {
        Some(path) => load_config(&path)?,
        None => Params::default(),
    };
    let scenario = Scenario::new(params).map_err(|p| format!("invalid configuration: {p:?}"))?;
    let mut ms: Vec<f64> = (0..runs)
        .map(|_| {
            let start = std::time::Instant::now();
            let result = simulate(&scenario);
            std::hint::black_box(&result);
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let runs_ms = ms.clone();
    ms.sort_by(f64::total_cmp);
    let median = if ms.len() % 2 == 1 {
        ms[ms.len() / 2]
    } else {
        (ms[ms.len() / 2 - 1] + ms[ms.len() / 2]) / 2.0
    };
    to_json(&serde_json::json!({
        "users": scenario.params().users.count,
        "days": scenario.params().sim.days,
        "median_ms": median,
        "runs_ms": runs_ms,
    }))
}

fn load_config(path: &str) -> Result<Params, String> {
    let text = read_input(path)?;
    let (params, warnings) = export::parse_config_json(&text)?;
    for w in warnings {
        eprintln!("sandbox: {w}");
    }
    Ok(params)
}

fn read_input(path: &str) -> Result<String, String> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read '{path}': {e}"))
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string_pretty(value).map_err(|e| format!("cannot write JSON: {e}"))
}
