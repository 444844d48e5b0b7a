"""Writes reports/bench.md, reports/bench.json and reports/bench_latency.png."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

from benchmarks.proccpu import LOAD_GENERATOR
from benchmarks.stats import ratio
from evaluation.machine import markdown as machine_markdown

SERVICES = ("backoffice", "actions", "rasa", "web")
CPU_COLUMNS = ("rasa", "actions", "backoffice", "web", LOAD_GENERATOR)


def fmt(value: Optional[float], digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def concurrency_label(level: Dict[str, Any]) -> str:
    """``"20"``, or ``"20, paced at 50/s"`` for a paced level."""
    offered = level.get("offered_turns_per_second")
    return f"{level['concurrency']}, paced at {offered:g}/s" if offered else str(level["concurrency"])


def level_label(level: Dict[str, Any]) -> str:
    """``"rest x20"``, or ``"rest x20 paced at 50/s"``: a level as named in logs."""
    offered = level.get("offered_turns_per_second")
    return f"{level['transport']} x{level['concurrency']}" + (f" paced at {offered:g}/s" if offered else "")


def level_rows(results: Dict[str, Any]) -> List[str]:
    lines = ["| pipeline | transport | concurrent | turns | turns/s | p50 ms | p95 ms | p99 ms | errors | "
             "goal reached | off script | late msgs |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, run in results["pipelines"].items():
        for level in run["levels"]:
            lat = level["latency_ms"]
            errors = ", ".join(f"{k} {v}" for k, v in sorted(level["errors"].items())) or "0"
            goal = f"{level['goal_reached']}/{level['goal_judged']}" if level["goal_judged"] else "–"
            lines.append(
                f"| {name} | {level['transport']} | {concurrency_label(level)} | {level['turns']} | "
                f"{level['turns_per_second']:.2f} | {fmt(lat['p50'])} | {fmt(lat['p95'])} | {fmt(lat['p99'])} | "
                f"{errors} | {goal} | {level['off_script_steps']} | {level['late_messages']} |")
    return lines


def missed_because(level: Dict[str, Any], scenario: str) -> str:
    """" (N <reason>, ...)" for the goals of ``scenario`` missed for a reason the bot gave."""
    reasons = (level.get("goal_missed_because") or {}).get(scenario) or {}
    return f" ({', '.join(f'{n} {reason}' for reason, n in reasons.items())})" if reasons else ""


def problem_lines(results: Dict[str, Any]) -> List[str]:
    """Errors (with their most frequent details) and goals missed, level by level."""
    lines = []
    for name, run in results["pipelines"].items():
        for level in run["levels"]:
            details = "; ".join(f"{k} ×{v}" for k, v in (level.get("error_details") or {}).items())
            goals = ", ".join(f"{k} {v}{missed_because(level, k)}"
                              for k, v in (level.get("goal_by_scenario") or {}).items()
                              if v.split("/")[0] != v.split("/")[1])
            if details or goals:
                lines.append(f"- {name}, {level['transport']}, {concurrency_label(level)} concurrent: "
                             + "; ".join(filter(None, [details, goals and f"goal reached: {goals}"])))
    return ["", "Errors and goals missed:", ""] + lines if lines else []


def service_rows(results: Dict[str, Any]) -> List[str]:
    names = list(results["pipelines"])
    head = " | ".join(f"{n} ready s | {n} peak RSS MiB | {n} VmHWM MiB | {n} largest process VmHWM MiB"
                      for n in names)
    lines = [f"| service | {head} |", "|---|" + "---:|" * (4 * len(names))]
    for service in SERVICES:
        cells = []
        for name in names:
            run = results["pipelines"][name]
            memory = run["memory_mib"].get(service, {})
            cells += [fmt(run["ready_seconds"].get(service), 1), fmt(memory.get("peak_rss_mib")),
                      fmt(memory.get("vmhwm_mib")), fmt(memory.get("largest_vmhwm_mib"))]
        lines.append(f"| {service} | " + " | ".join(cells) + " |")
    cells = []
    for name in names:
        cells += [fmt(results["pipelines"][name]["ready_seconds"].get("all"), 1), "", "", ""]
    lines.append("| whole stack | " + " | ".join(cells) + " |")
    return lines


def compute_ratios(results: Dict[str, Any], project: str, baseline: str) -> Dict[str, Any]:
    """``project / baseline`` for every comparable number (above 1: the project's is larger)."""
    a, b = results["pipelines"][project], results["pipelines"][baseline]
    out: Dict[str, Any] = {
        "training_seconds": ratio(a["training"]["seconds"], b["training"]["seconds"]),
        "parse_p50": ratio(a["parse_ms"]["p50"], b["parse_ms"]["p50"]),
        "parse_p95": ratio(a["parse_ms"]["p95"], b["parse_ms"]["p95"]),
        "rasa_ready_seconds": ratio(a["ready_seconds"].get("rasa"), b["ready_seconds"].get("rasa")),
        "rasa_peak_rss": ratio(a["memory_mib"]["rasa"]["peak_rss_mib"], b["memory_mib"]["rasa"]["peak_rss_mib"]),
        "levels": [],
    }
    def key(level: Dict[str, Any]) -> tuple:
        return level["transport"], level["concurrency"], level.get("offered_turns_per_second")

    baseline_levels = {key(l): l for l in b["levels"]}
    for level in a["levels"]:
        other = baseline_levels.get(key(level))
        if other:
            out["levels"].append({
                "transport": level["transport"], "concurrency": level["concurrency"],
                "offered_turns_per_second": level.get("offered_turns_per_second"),
                "p50": ratio(level["latency_ms"]["p50"], other["latency_ms"]["p50"]),
                "p95": ratio(level["latency_ms"]["p95"], other["latency_ms"]["p95"]),
                "turns_per_second": ratio(level["turns_per_second"], other["turns_per_second"]),
            })
    return out


def ratio_rows(ratios: Dict[str, Any]) -> List[str]:
    lines = ["| measure | ratio |", "|---|---:|"]
    labels = {"training_seconds": "training time", "parse_p50": "parse p50", "parse_p95": "parse p95",
              "rasa_ready_seconds": "Rasa start to ready", "rasa_peak_rss": "Rasa peak resident memory"}
    lines += [f"| {label} | {fmt(ratios.get(key), 2)} |" for key, label in labels.items()]
    for level in ratios["levels"]:
        where = f"{level['transport']}, {concurrency_label(level)} concurrent"
        lines.append(f"| full turn p50 ({where}) | {fmt(level['p50'], 2)} |")
        lines.append(f"| full turn p95 ({where}) | {fmt(level['p95'], 2)} |")
        lines.append(f"| turns per second ({where}) | {fmt(level['turns_per_second'], 2)} |")
    return lines


def cpu_lines(results: Dict[str, Any]) -> List[str]:
    """CPU milliseconds per turn of every process, REST levels (all share the machine's cores)."""
    rows = []
    for name, run in results["pipelines"].items():
        for level in run["levels"]:
            cpu = level.get("cpu_ms_per_turn") or {}
            if level["transport"] != "rest" or not cpu or None in cpu.values():
                continue
            total = sum(cpu.values())
            cores = total * level["turns_per_second"] / 1000
            rows.append(f"| {name} | {concurrency_label(level)} | "
                        + " | ".join(fmt(cpu.get(column), 1) for column in CPU_COLUMNS)
                        + f" | {fmt(total, 1)} | {cores:.2f} |")
    if not rows:
        return []
    return ["", "## CPU per turn (REST)", "",
            "CPU milliseconds (user + system) each process spent per turn, from /proc; cores busy = "
            "total × turns/s. The machine's cores are shared by all of them.", "",
            "| pipeline | concurrent | " + " | ".join(CPU_COLUMNS) + " | total | cores busy |",
            "|---|---:|" + "---:|" * (len(CPU_COLUMNS) + 2)] + rows


def profile_lines(results: Dict[str, Any]) -> List[str]:
    """Where each service spent its time under the most loaded REST level (py-spy)."""
    out: List[str] = []
    for name, run in results["pipelines"].items():
        profile = run.get("profile")
        if not profile:
            continue
        out += ["", f"## Profile: {name}, REST, {profile['concurrency']} concurrent (py-spy, inclusive share of samples)", ""]
        out += ["Loop busy: share of the main thread's samples spent working, not waiting (near 100%: "
                "saturated). Frames: inclusive share of the working samples.", ""]
        for service, data in profile["services"].items():
            top = "; ".join(f"{row['frame']} {100 * row['share']:.0f}%" for row in data["top_inclusive"][:8])
            busy = "–" if data.get("loop_busy") is None else f"{100 * data['loop_busy']:.0f}%"
            out.append(f"- **{service}** (loop busy {busy}, {data['busy_samples']} working samples): {top or 'idle'}")
    return out


def render(results: Dict[str, Any], project: str, baseline: str) -> str:
    s = results["settings"]
    out = [
        "# Load benchmark of the Guichet stack",
        "",
        f"Generated by `make bench` (`{results.get('command', 'python -m benchmarks.run')}`) on "
        f"{results['date']}, in {results['total_seconds']:.0f} s.",
        "",
        machine_markdown(results["machine"]),
        "",
        "Everything runs on this one machine: the load generator, the back office (SQLite), the action "
        "server, Rasa (in-memory tracker and lock stores) and the web server, on the embedded defaults.",
        "",
        f"Simulated citizens hold French multi-turn conversations (booking an appointment, tracking a demo "
        f"case, waste day for a street, opening hours and contacts, small talk), each citizen one "
        f"conversation at a time and its next message as soon as the reply is in (think time "
        f"{s['think_time']} s). Levels: {', '.join(map(str, s['levels']))} concurrent conversations, each "
        f"for at most {s['duration']} s or {s['max_turns']} turns, per transport "
        f"({', '.join(s['transports'])}). A turn is the time from sending a message to its last reply; over "
        f"socket.io the end of a turn is known after {s['quiet']} s without a new message (not counted in "
        f"the latency, but it slows each citizen, so socket.io turns/s are lower by design). Errors: "
        f"non-200, timeouts ({s['turn_timeout']} s), empty replies, failed connections. ‘Goal reached’: "
        f"the booking confirmed, the case status given, the collection day given; a goal missed for a "
        f"reason the bot gave (a slot another citizen took between the offer and the confirmation) is "
        f"listed with that reason below the table.",
        "",
    ]
    if s.get("paced"):
        conversations, rate = s["paced"][0]
        out += [f"Paced levels (REST): the same citizens, but each sends at most one message every "
                f"conversations / rate seconds (‘{conversations}, paced at {rate:g}/s’: one every "
                f"{conversations / rate:g} s, as Locust's `constant_pacing`), waiting out the rest of that "
                f"interval after each reply and sending at once when a reply took longer; their first "
                f"messages are spread over one interval. They offer a steady load that the stack is asked "
                f"to carry, where the other levels push as many turns as the stack can take (there the "
                f"mean latency is the number of conversations divided by the throughput).", ""]
    described = {project: "Guichet's pipeline (`config.yml`)",
                 baseline: "Rasa's default pipeline (`evaluation/default_config.yml`) on the same data, "
                           "started in place of the project model"}
    out += [f"- **{name}**: {described.get(name, name)} — model `{results['pipelines'][name]['model']}`"
            for name in results["pipelines"]]
    if any(run["training"].get("source") == "eval report, quick" for run in results["pipelines"].values()):
        out += ["", "The models served come from a `--quick` `make eval` (the baseline's epochs capped): latency "
                    "and memory are those of each architecture, the baseline's answers somewhat less accurate, "
                    "and its training time is the shortened one."]
    if s.get("env"):
        out += ["", "Environment given to every service: " + ", ".join(f"`{k}={v}`" for k, v in s["env"].items())]
    if results["quick"]:
        out += ["", "**Quick run** (development smoke test): few turns; the numbers mean little."]
    out += ["", "## Full-turn latency and throughput", ""] + level_rows(results)
    out += problem_lines(results)
    out += ["", "![Latency against concurrency](bench_latency.png)", "",
            "## NLU alone (POST /model/parse, sequential)", "",
            "| pipeline | texts | p50 ms | p95 ms | errors | training s |", "|---|---:|---:|---:|---:|---:|"]
    for name, run in results["pipelines"].items():
        p = run["parse_ms"]
        trained = run["training"]
        source = {"reused": " (earlier training, same inputs)", "eval report": " (from eval.json)",
                  "eval report, quick": " (from eval.json of a --quick run)"}.get(trained["source"], "")
        out.append(f"| {name} | {p['count']} | {fmt(p['p50'], 1)} | {fmt(p['p95'], 1)} | {p['errors']} | "
                   f"{fmt(trained['seconds'])}{source} |")
    out += ["", "## Services: start to ready, memory", "",
            "Ready: seconds from launch until the health URL answers (all four start together, so they "
            "share the cores). Peak RSS: largest resident set of the service's process tree sampled every "
            "0.5 s while serving; VmHWM: the kernel's peak resident set summed over the tree, start-up "
            "(model loading) included; largest process: the largest VmHWM of one process of the tree "
            "(Rasa's tree holds the Rasa server and the child process that parses messages, "
            "guichet_nlu/nlu_process.py).", ""] + service_rows(results)
    out += cpu_lines(results)
    out += profile_lines(results)
    if "ratios" in results:
        out += ["", f"## Ratios {project} / {baseline}", "",
                "Above 1: Guichet's pipeline takes longer, uses more, or serves more turns per second.",
                ""] + ratio_rows(results["ratios"])
    return "\n".join(out) + "\n"


def plot(results: Dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    transports = results["settings"]["transports"]
    fig, axes = plt.subplots(1, len(transports), figsize=(6 * len(transports), 4.5), squeeze=False)
    for ax, transport in zip(axes[0], transports):
        for (name, run), color in zip(results["pipelines"].items(), ("tab:blue", "tab:orange")):
            levels = [l for l in run["levels"] if l["transport"] == transport and l["latency_ms"]["p50"]
                      and not l.get("offered_turns_per_second")]
            x = [l["concurrency"] for l in levels]
            ax.plot(x, [l["latency_ms"]["p50"] for l in levels], "o-", color=color, label=f"{name} p50")
            ax.plot(x, [l["latency_ms"]["p95"] for l in levels], "s--", color=color, label=f"{name} p95")
        ax.set_title(f"{transport}: full-turn latency")
        ax.set_xlabel("concurrent conversations")
        ax.set_ylabel("ms")
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results: Dict[str, Any], out: Path, project: str, baseline: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if project in results["pipelines"] and baseline in results["pipelines"]:
        results["ratios"] = compute_ratios(results, project, baseline)
    (out / "bench.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    plot(results, out / "bench_latency.png")
    (out / "bench.md").write_text(render(results, project, baseline), encoding="utf-8")
