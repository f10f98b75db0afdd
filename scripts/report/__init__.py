"""Helpers of scripts/llmsim-report: reading llmsim result and sweep files (results), the simulator's
percentile and metric definitions (metrics), the figures of one or several runs (run_figures) and of a sweep
(sweep_figures), and the self-contained HTML page (page)."""
