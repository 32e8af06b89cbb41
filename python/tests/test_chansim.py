"""Tests of the Python module `chansim` (run by CTest with /usr/bin/python3).

PYTHONPATH must hold the directory of the built module; CHAN_SOURCE_DIR names the repository
(default: two levels above this file) for its scenarios.
"""
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

import chansim

ROOT = Path(os.environ.get("CHAN_SOURCE_DIR", Path(__file__).resolve().parents[2]))
SMALL = ROOT / "scenarios" / "sweeps" / "small_channel.yaml"
FLAGSHIP = ROOT / "scenarios" / "flagship.yaml"

TINY = {
    "name": "tiny",
    "ticks": 10,
    "seed": 5,
    "brands": [{"name": "b", "unit_cost": 10, "suggested_retail_price": 20}],
    "members": [
        {"group": "maker", "kind": "manufacturer", "pricing": {"rule": "fixed", "price": 12}},
        {"group": "shops", "kind": "offline_store", "count": 4, "supplier": "maker", "placement": "uniform",
         "pricing": {"rule": "cost_plus", "markup": 0.25},
         "replenishment": {"rule": "order_up_to", "initial_stock": 50}},
    ],
    "consumers": {"count": 2000, "placement": "uniform",
                  "segments": [{"name": "all", "valuation": {"dist": "constant", "value": 12},
                                "price_sensitivity": 0.5, "purchase_probability": 0.2}]},
}


class ScenarioTests(unittest.TestCase):
    def test_load_file_with_overrides(self):
        sc = chansim.load_scenario(SMALL, ["ticks=7", "seed=3"])
        self.assertEqual(sc.name, "small_channel")
        self.assertEqual(sc.ticks, 7)
        self.assertEqual(sc.seed, 3)
        self.assertEqual(sc.overrides, ["ticks=7", "seed=3"])
        more = sc.with_overrides(["ticks=9"])
        self.assertEqual(more.ticks, 9)
        self.assertEqual(sc.ticks, 7, "with_overrides must not change the original")
        self.assertIn("name: small_channel", sc.to_yaml())

    def test_dict_reads_like_a_file(self):
        from_dict = chansim.scenario_from_dict(TINY)
        self.assertEqual(from_dict.member_count, 5)
        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / "tiny.yaml"
            file.write_text(from_dict.to_yaml())
            from_file = chansim.load_scenario(file)
        self.assertEqual(from_dict.to_yaml(), from_file.to_yaml())
        a = chansim.run(from_dict).summary
        b = chansim.run(from_file).summary
        self.assertEqual(a, b)

    def test_bad_input_raises_input_error(self):
        with self.assertRaises(chansim.InputError) as caught:
            chansim.scenario_from_dict(dict(TINY, tickz=3))
        self.assertIn("tickz", str(caught.exception))
        self.assertTrue(issubclass(chansim.InputError, ValueError))
        with self.assertRaises(chansim.InputError):
            chansim.load_scenario(SMALL, ["members[99].count=2"])
        with self.assertRaises(TypeError):
            chansim.scenario_from_dict({"name": object()})


class RunTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.result = chansim.run(SMALL, ["ticks=15"], seed=7, threads=2)

    def test_summary_is_a_flat_dict(self):
        s = self.result.summary
        for key in ("conflict.index", "margin.channel_profit", "coverage.fill_rate", "sales.units"):
            self.assertIn(key, s)
            self.assertIsInstance(s[key], float)
        self.assertGreater(s["sales.units"], 0)

    def test_tables_match_the_files_of_a_run(self):
        import pandas as pd
        ts, members = self.result.timeseries, self.result.members
        self.assertIsInstance(ts, pd.DataFrame)
        self.assertEqual(len(ts), 15)
        self.assertEqual(list(ts["tick"]), list(range(1, 16)))
        self.assertEqual(ts["tick"].dtype.kind, "i")
        self.assertAlmostEqual(ts["sold_units"].sum(), self.result.summary["sales.units"], delta=1e-6)
        self.assertEqual(len(members), self.result.scenario.member_count)
        self.assertEqual(members["kind"].iloc[0], "manufacturer")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(self.result.write(Path(tmp) / "run"))
            for name in ("manifest.json", "summary.json", "timeseries.csv", "members.csv", "scenario.resolved.yaml"):
                self.assertTrue((out / name).exists(), name)
            on_disk = pd.read_csv(out / "timeseries.csv")
            self.assertEqual(list(on_disk.columns), list(ts.columns))
            self.assertTrue(((on_disk - ts).abs().max() < 1e-9).all())
            report = Path(chansim.report(out))
            self.assertEqual(report, out / "report.html")
            self.assertIn("<svg", report.read_text())

    def test_member_panel_only_when_asked(self):
        self.assertIsNone(self.result.member_timeseries)
        r = chansim.run(SMALL, ["ticks=15", "outputs.member_timeseries=true"], seed=7, threads=1)
        panel, members = r.member_timeseries, r.members
        self.assertEqual(len(panel), 15 * len(members))
        self.assertEqual(list(panel.columns)[:3], ["tick", "member", "group"])
        # summed over the ticks, each member's sales are members.csv's units_sold
        sold = panel.groupby("member")["sold"].sum()
        for m, units in zip(members["member"], members["units_sold"]):
            self.assertAlmostEqual(sold[m], units, delta=1e-9 * max(1.0, units))
        self.assertEqual(r.summary, self.result.summary, "recording the panel must not change results")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(r.write(Path(tmp) / "run"))
            self.assertTrue((out / "member_timeseries.csv").exists())

    def test_seed_keeps_the_map(self):
        a = chansim.load_scenario(SMALL, ["seed=3"])
        self.assertEqual(a.seed, 3)
        self.assertEqual(a.map_seed, chansim.load_scenario(SMALL).seed)
        self.assertEqual(chansim.load_scenario(SMALL, ["map_seed=9"]).map_seed, 9)

    def test_same_seed_same_numbers(self):
        again = chansim.run(SMALL, ["ticks=15"], seed=7, threads=1)
        self.assertEqual(again.summary, self.result.summary)

    def test_gil_is_released_while_simulating(self):
        # the main thread keeps counting while another thread simulates: only possible when the
        # simulating thread does not hold the GIL
        done = threading.Event()
        box = {}

        def work():
            box["result"] = chansim.run(FLAGSHIP, ticks=12, threads=1)
            done.set()

        worker = threading.Thread(target=work)
        start = time.perf_counter()
        worker.start()
        spins = 0
        while not done.is_set():
            spins += 1
        worker.join()
        elapsed = time.perf_counter() - start
        self.assertIn("result", box)
        self.assertGreater(elapsed, 0.05, "the run was too short to tell")
        # a held GIL would leave the loop a handful of iterations per 5 ms switch interval
        self.assertGreater(spins / elapsed, 200_000, f"{spins} spins in {elapsed:.2f} s")

    def test_graph_dot(self):
        dot = chansim.graph_dot(SMALL)
        self.assertTrue(dot.startswith("digraph G {"))
        self.assertIn("stores \u00d7", dot)
        self.assertIn("cluster_territory0", dot)
        self.assertNotIn("stores \u00d7", chansim.graph_dot(SMALL, members=True))


class SweepTests(unittest.TestCase):
    def test_run_sweep_returns_runs_csv(self):
        import pandas as pd
        with tempfile.TemporaryDirectory() as tmp:
            sweep = Path(tmp) / "sweep.yaml"
            sweep.write_text(
                f"scenario: {SMALL}\n"
                "axes:\n"
                "  members[3].pricing.markup: [0.4, 0.6]\n"
                "  ticks: [8]\n"
                "design: grid\n"
                "replications: 2\n"
                "base_seed: 4\n"
                "metrics: [conflict.index, sales.units]\n"
                "summary_only: true\n")
            out = Path(tmp) / "out"
            runs = chansim.run_sweep(sweep, out, threads=2)
            self.assertIsInstance(runs, pd.DataFrame)
            self.assertEqual(len(runs), 4)
            for column in ("run_id", "point_id", "replication", "seed", "members[3].pricing.markup", "sales.units"):
                self.assertIn(column, runs.columns)
            self.assertEqual(sorted(set(runs["members[3].pricing.markup"])), [0.4, 0.6])
            tables = chansim.sweep_tables(out)
            self.assertEqual(sorted(tables), ["aggregate", "runs"])
            self.assertEqual(len(tables["aggregate"]), 2)
            # a rerun resumes: nothing left to run, same table
            again = chansim.run_sweep(sweep, out)
            self.assertTrue(again.equals(runs))


class OptimizeTests(unittest.TestCase):
    def test_optimize_returns_the_history(self):
        import pandas as pd
        chain = Path(__file__).resolve().parents[2] / "tests" / "data" / "optimize" / "wholesale_chain.yaml"
        with tempfile.TemporaryDirectory() as tmp:
            opt = Path(tmp) / "opt.yaml"
            opt.write_text(
                f"scenario: {chain}\n"
                "variables:\n"
                "  members[0].pricing.price: {from: 10, to: 50, start: 18}\n"
                "objective: {maximize: margin.manufacturer_profit}\n"
                "sigma: 0.2\n"
                "budget: {evaluations: 24}\n")
            out = Path(tmp) / "out"
            history = chansim.optimize(opt, out, threads=2)
            self.assertIsInstance(history, pd.DataFrame)
            self.assertEqual(len(history), 24)
            for column in ("evaluation", "members[0].pricing.price", "margin.manufacturer_profit.mean", "best"):
                self.assertIn(column, history.columns)
            # the best-so-far column never falls (maximised objective, no constraints)
            self.assertTrue((history["best"].diff().dropna() >= 0).all())
            self.assertTrue((out / "best.yaml").exists())
            # a rerun resumes from the run directories to the same history
            self.assertTrue(chansim.optimize(opt, out).equals(history))


class WithoutPandasTest(unittest.TestCase):
    def test_numpy_arrays_when_pandas_is_missing(self):
        code = (
            "import sys; sys.modules['pandas'] = None\n"
            "import numpy as np, chansim\n"
            f"r = chansim.run({str(SMALL)!r}, ticks=5)\n"
            "ts, m = r.timeseries, r.members\n"
            "assert isinstance(ts, dict), type(ts)\n"
            "assert isinstance(ts['sold_units'], np.ndarray) and ts['sold_units'].dtype.kind in 'if'\n"
            "assert ts['mean_retail_price'].dtype == np.float64\n"
            "assert ts['sold_units'].dtype == np.int64  # whole numbers, as pandas.read_csv infers them\n"
            "assert ts['tick'].dtype == np.int64 and list(ts['tick']) == [1, 2, 3, 4, 5]\n"
            "assert m['kind'][0] == 'manufacturer'\n"
            "print('ok')\n")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy())
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.strip(), "ok")


if __name__ == "__main__":
    unittest.main(verbosity=2)
