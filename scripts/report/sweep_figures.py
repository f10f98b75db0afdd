"""Figures of a sweep file: capacity against cost with the Pareto frontier, capacity per cost along the
frontier, the capacity-search probes, and latency CDFs of the chosen configurations (one curve each)."""
import numpy as np

from . import figure
from .metrics import REQUEST_METRICS, pareto_mask
from .run_figures import cdf_points


def slo_text(search):
    if not search:
        return "capacity"
    return (f"capacity: max QPS with P{search['quantile'] * 100:g} {search['metric'].replace('_', ' ')} "
            f"<= {search['slo_s']:g} s")


def has_capacity(summary):
    return {"capacity_qps", "cost_per_hour"} <= set(summary.columns) and bool(
        np.isfinite(summary["capacity_qps"].to_numpy(np.float64)).any())


def found_rows(summary):
    rows = summary[np.isfinite(summary["capacity_qps"].to_numpy(np.float64))]
    if "capacity_found" in rows.columns:
        rows = rows[rows["capacity_found"] == 1]
    return rows


def chosen_configs(summary, max_configs):
    """The configurations drawn per curve: the top `max_configs` by capacity (ties: expansion order), or the first
    ones in expansion order for a sweep without capacity results. Returns (rows, how they were chosen)."""
    if has_capacity(summary):
        found = found_rows(summary)
        order = found.assign(_neg=-found["capacity_qps"]).sort_values(["_neg", "index"] if "index" in found else "_neg",
                                                                      kind="stable")
        return order.drop(columns="_neg").head(max_configs), "highest capacity"
    return summary.head(max_configs), "first in expansion order"


def _axis_column(summary):
    axes = [c for c in summary.columns if c.startswith("axis_")]
    return axes[0] if axes else None


def _capacity_rows(sweep):
    """(rows with a capacity, their cost per hour, their capacity), or None when the sweep has none."""
    summary = sweep.summary
    if not has_capacity(summary):
        return None
    found = found_rows(summary)
    if found.empty:
        return None
    return found, found["cost_per_hour"].to_numpy(np.float64), found["capacity_qps"].to_numpy(np.float64)


def capacity_vs_cost(sweep, out):
    rows = _capacity_rows(sweep)
    if rows is None:
        return None
    found, cost, cap = rows
    frontier = pareto_mask(cost, cap)
    fig, ax = figure.new()
    axis = _axis_column(found)
    groups = list(dict.fromkeys(found[axis])) if axis else [None]
    for k, value in enumerate(groups):
        sel = (found[axis] == value).to_numpy() if axis else np.ones(len(found), dtype=bool)
        ax.scatter(cost[sel], cap[sel], s=28, color=figure.color(k), alpha=0.8,
                   label=f"{axis[len('axis_'):]}={value}" if axis else "configurations")
    order = np.argsort(cost[frontier], kind="stable")
    ax.plot(cost[frontier][order], cap[frontier][order], "-", color="black", lw=1.2, zorder=3,
            label=f"Pareto frontier ({int(frontier.sum())} configurations)")
    ax.scatter(cost[frontier], cap[frontier], s=70, facecolors="none", edgecolors="black", zorder=4)
    names = {}
    for c, q, label in zip(cost[frontier], cap[frontier], found["label"][frontier]):
        names.setdefault((c, q), []).append(label)
    right_half = 0.5 * cost.max()
    for (c, q), labels in sorted(names.items())[:12]:
        ax.annotate("\n".join(labels), (c, q), fontsize=6, xytext=(-6 if c > right_half else 6, -6),
                    textcoords="offset points", va="top", ha="right" if c > right_half else "left")
    title = f"{sweep.name()}: capacity vs cost ({len(found)} of {len(sweep.summary)} configurations found a capacity)"
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("cost ($ per hour: GPUs x price per GPU-hour)")
    ax.set_ylabel(f"{slo_text(sweep.capacity_search)} (requests/s)", fontsize=9)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")
    return figure.save(fig, out, "capacity_vs_cost.png", title,
                       "One point per configuration whose capacity search met the SLO; ringed and joined: the Pareto "
                       "frontier (no other configuration is cheaper and serves at least as much). Reads /summary "
                       "columns label, axis_*, cost_per_hour, capacity_qps, capacity_found and the root attribute "
                       "capacity_search.")


def pareto_frontier(sweep, out):
    rows = _capacity_rows(sweep)
    if rows is None:
        return None
    found, cost, cap = rows
    mask = pareto_mask(cost, cap)
    front = found[mask].assign(_cost=cost[mask], _cap=cap[mask]).sort_values(["_cost", "_cap"], kind="stable")
    per_dollar = front["_cap"].to_numpy() / front["_cost"].to_numpy()
    fig, ax = figure.new()
    y = np.arange(len(front))
    ax.barh(y, per_dollar, color=figure.color(1), label="Pareto-optimal configuration")
    for k, (c, q) in enumerate(zip(front["_cost"], front["_cap"])):
        ax.annotate(f"{q:.3g} req/s at ${c:.2f}/h", (per_dollar[k], k), fontsize=7, xytext=(3, 0),
                    textcoords="offset points", va="center")
    best = found["capacity_qps"].to_numpy(np.float64) / found["cost_per_hour"].to_numpy(np.float64)
    ax.axvline(np.nanmax(best), color="grey", ls=":", lw=1, label=f"best of all {len(found)}: {np.nanmax(best):.3g}")
    ax.set_yticks(y)
    ax.set_yticklabels(front["label"], fontsize=7 if len(front) < 20 else 5)
    ax.invert_yaxis()
    ax.set_xlim(0, np.nanmax(per_dollar) * 1.35)
    title = f"{sweep.name()}: capacity per cost along the Pareto frontier (cheapest first)"
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("capacity per cost (requests/s per $/hour)")
    ax.set_ylabel("configuration")
    ax.legend(loc="upper right")
    return figure.save(fig, out, "pareto_frontier.png", title,
                       "The Pareto-optimal configurations from cheapest to most expensive: capacity divided by cost "
                       "(each bar also gives its capacity and cost). Reads /summary columns label, cost_per_hour, "
                       "capacity_qps, capacity_found.")


def latency_cdfs(sweep, chosen, how, out):
    plots = []
    runs = [sweep.requests_of(row["id"], row["label"]) for _, row in chosen.iterrows()]
    for metric in REQUEST_METRICS:
        fig, ax = figure.new()
        drawn = 0
        for k, run in enumerate(runs):
            v = metric.values(run)
            if v is None or not len(v):
                continue
            x, y = cdf_points(v)
            ax.step(x, y, where="post", color=figure.color(k) if len(runs) <= 10 else figure.plt.get_cmap("tab20")(k % 20),
                    label=run.label, lw=1.1)
            drawn += 1
        if not drawn:
            figure.plt.close(fig)
            continue
        title = f"{sweep.name()}: CDF of {metric.name} ({len(runs)} of {len(sweep.summary)} configurations, {how})"
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(f"{metric.name} ({metric.unit})")
        ax.set_ylabel("fraction of completed requests")
        ax.set_ylim(0, 1.01)
        ax.legend(loc="lower right", fontsize=6 if len(runs) > 8 else 7)
        plots.append(figure.save(fig, out, f"sweep_{metric.key}_cdf.png", title,
                                 f"One curve per configuration ({how}; --max-configs), each at the QPS it was "
                                 f"stored with (its capacity when searched). Reads /configs/<id>/requests "
                                 f"columns completed, {metric.column}."))
    return plots


def capacity_probes(sweep, chosen, how, out):
    search = sweep.capacity_search
    probes = []
    for _, row in chosen.iterrows():
        ds = sweep.group(row["id"]).get("capacity_search")
        if ds is not None and ds.dtype.names and {"qps", "metric_value"} <= set(ds.dtype.names) and len(ds):
            probes.append((row["label"], ds[()]))
    if not probes:
        return None
    fig, ax = figure.new()
    for k, (label, p) in enumerate(probes):
        order = np.argsort(p["qps"], kind="stable")
        ax.plot(p["qps"][order], p["metric_value"][order], "-", color=figure.color(k), lw=0.8, alpha=0.6)
        ok = p["under_slo"] == 1 if "under_slo" in p.dtype.names else np.ones(len(p), dtype=bool)
        ax.plot(p["qps"][ok], p["metric_value"][ok], "o", color=figure.color(k), ms=5, label=f"{label}")
        ax.plot(p["qps"][~ok], p["metric_value"][~ok], "x", color=figure.color(k), ms=6)
    if search:
        ax.axhline(search["slo_s"], color="black", ls="--", lw=1, label=f"SLO {search['slo_s']:g} s")
    ax.set_yscale("log")
    metric = (f"P{search['quantile'] * 100:g} {search['metric'].replace('_', ' ')}" if search else "SLO metric")
    title = f"{sweep.name()}: capacity-search probes ({len(probes)} configurations, {how})"
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("offered load (requests/s)")
    ax.set_ylabel(f"{metric} (s, log scale)")
    ax.legend(loc="lower right", fontsize=6 if len(probes) > 8 else 7)
    return figure.save(fig, out, "capacity_probes.png", title,
                       "Each probe of the capacity search: the SLO metric measured at that QPS (dots met the SLO, "
                       "crosses did not). Reads /configs/<id>/capacity_search columns qps, metric_value, "
                       "under_slo.")


def all_figures(sweep, out, max_configs):
    plots, skipped = [], []
    chosen, how = chosen_configs(sweep.summary, max_configs)
    no_capacity = "the sweep has no capacity search results (capacity_qps / cost_per_hour)"
    for fn, what in ((capacity_vs_cost, "capacity vs cost"), (pareto_frontier, "Pareto frontier")):
        plot = fn(sweep, out)
        (plots.append(plot) if plot else skipped.append((what, no_capacity)))
    plots += latency_cdfs(sweep, chosen, how, out)
    probe_plot = capacity_probes(sweep, chosen, how, out)
    (plots.append(probe_plot) if probe_plot else skipped.append(("capacity-search probes",
                                                                 "no /configs/<id>/capacity_search tables")))
    return plots, skipped, chosen, how
