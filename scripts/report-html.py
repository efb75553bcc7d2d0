#!/usr/bin/env python3
"""Write the report of `make run` as one self-contained HTML page on standard output.

    scripts/report-html.py REPORT_DIR LABEL...

Reads what scripts/run.sh left in REPORT_DIR: compare.json, summary-LABEL.json for each
run, the plots' SVG files (inlined, so the page needs nothing beside it) and commands.txt.
Every value from a trace is escaped before it reaches the page."""
import html
import json
import os
import sys

PLOTS = [
    ("hypercalls", "Hypercalls per workload operation"),
    ("world_switches", "World switches (entries into the hypervisor) per operation"),
    ("cycles", "Cost per operation"),
    ("batch_sizes", "Batch sizes: requests carried by each hypercall"),
]
SKIP = {"host_hypercalls", "host_multicall_entries"}
TITLES = {
    "cycles": "cycles (TSC)", "hypercalls": "hypercalls", "multicalls": "multicalls",
    "multicall_entries": "multicall entries", "kernel_entries": "kernel entries",
    "world_switches": "world switches", "kernel_user_switches": "kernel \u2194 user switches",
    "exception_bounces": "exception bounces", "pages_validated": "pages validated",
    "entries_checked": "entries checked", "pins": "pins", "unpins": "unpins",
    "tlb_flushes": "TLB flushes (host)",
}


def esc(v):
    return html.escape(str(v))


def fmt(v):
    if v is None:
        return "\u2013"
    if float(v) == int(v):
        return f"{int(v):,}"
    return f"{v:,.2f}"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def svg(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def compare_tables(cmp):
    runs = [r["label"] for r in cmp["runs"]]
    out = []
    for w in cmp["workloads"]:
        out.append(f"<h3>{esc(w['name'])}</h3><table><tr><th>per operation</th>")
        out += [f"<th>{esc(r)}</th>" for r in runs]
        out += [f"<th>{esc(r)} / {esc(runs[0])}</th>" for r in runs[1:]]
        out.append("</tr>")
        for key, values in w["per_op"].items():
            if key in SKIP or all(v is None for v in values):
                continue
            out.append(f"<tr><td>{esc(TITLES.get(key, key))}</td>")
            out += [f"<td class=n>{fmt(v)}</td>" for v in values]
            out += [f"<td class=n>{fmt(v)}</td>" for v in w["ratio_to_first"][key]]
            out.append("</tr>")
        out.append("</table>")
    hist = cmp["batch_histogram"]
    out.append("<h3>Batch sizes of the hypercalls in the workload windows</h3>")
    out.append("<table><tr><th>requests carried</th>")
    out += [f"<th>{esc(r)}</th>" for r in runs]
    out.append("</tr>")
    for i, bucket in enumerate(hist["buckets"]):
        out.append(f"<tr><td>{esc(bucket)}</td>")
        out += [f"<td class=n>{fmt(h[i])}</td>" for h in hist["runs"]]
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def run_table(report, labels):
    out = ["<table><tr><th>run</th><th>what</th><th>guest command line</th>"
           "<th>guest records (lost)</th><th>host records (lost)</th><th>files</th></tr>"]
    for label in labels:
        s = load(os.path.join(report, f"summary-{label}.json"))
        g, h = s["guest"], s["host"]
        what = f"{g['platform']}, batch {'on' if g['batch'] else 'off'}" \
            if g["platform"] != "native" else "native"
        files = [f"raw/{label}.cap", f"raw/{label}.log", f"raw/{label}.trace.json",
                 f"summary-{label}.txt", f"summary-{label}.csv", f"summary-{label}.json"]
        if h:
            files += [f"raw/{label}.xentrace"]
            if os.path.exists(os.path.join(report, "raw", f"{label}.xenalyze.txt")):
                files += [f"raw/{label}.xenalyze.txt"]
        links = " ".join(f'<a href="{esc(f)}">{esc(os.path.basename(f))}</a>' for f in files)
        host = f"{h['records']:,} ({h['lost']})" if h else "\u2013"
        out.append(f"<tr><td>{esc(label)}</td><td>{esc(what)}</td><td><code>{esc(g['cmdline'])}"
                   f"</code></td><td class=n>{g['records']:,} ({g['lost']})</td>"
                   f"<td class=n>{host}</td><td>{links}</td></tr>")
    out.append("</table>")
    return "\n".join(out)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: report-html.py REPORT_DIR LABEL...")
    report, labels = sys.argv[1], sys.argv[2:]
    cmp = load(os.path.join(report, "compare.json"))
    with open(os.path.join(report, "commands.txt"), encoding="utf-8") as f:
        commands = f.read()
    plots = "\n".join(
        f"<figure><figcaption>{esc(t)} (<a href=\"{n}.png\">PNG</a>, <a href=\"{n}.svg\">SVG"
        f"</a>, <a href=\"{n}.dat\">data</a>)</figcaption>{svg(os.path.join(report, n + '.svg'))}"
        f"</figure>" for n, t in PLOTS)
    print(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>pvx: hypercall traces, batched and unbatched</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 1100px; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 0.2em 0.6em; }}
th {{ background: #eee; }} td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
figure {{ margin: 1em 0 2em; }} figure svg {{ max-width: 100%; height: auto; }}
pre {{ background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 0.85em; }}
</style></head><body>
<h1>pvx: hypercall traces, batched and unbatched</h1>
<p>The pvops guest ran the same workloads once per run; the guest recorded every hypercall
it issued (<code>pvx.trace=on</code>) and the pvx host every hypercall, multicall entry,
bounce, mode switch, validation, pin and TLB flush it handled.  Figures are per workload
operation, the cost of opening and closing a measurement taken off.  Under
<code>-icount</code> a TSC tick is one executed instruction, guest and hypervisor alike.
Ratios are each run over the first.  <code>docs/trace.md</code> says what each figure counts.</p>
<h2>Runs</h2>
{run_table(report, labels)}
<h2>Side by side</h2>
{compare_tables(cmp)}
<h2>Plots</h2>
{plots}
<h2>Command lines</h2>
<pre>{esc(commands)}</pre>
</body></html>""")


if __name__ == "__main__":
    main()
