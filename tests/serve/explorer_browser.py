#!/usr/bin/python3
"""chansim serve as a person uses it, in a real browser (Debian's headless Chromium, driven over
the Chrome DevTools Protocol with python3-websocket), then a bounded load test on loopback.

    explorer_browser.py CHANSIM SCENARIO_DIR SCREENSHOT_DIR

The browser part: open the printed URL, make the flagship small enough for a test, run it (the
base), change the MAP from 27 to 24 and run again, check the new headline, compare the two runs,
download the edited YAML and the outputs (zip), and see a bad value's error next to its field.
Expected values come from the scenario by hand: with MAP 24 no outlet prices below it (the
marketplace's cost-plus price is 16 x 1.08 x 1.5 = 25.92, the stores' 16 x 1.08 x 1.12 x 1.5 =
29.03, the e-store's the MSRP 30), so the undercut rate falls from the base run's (the
marketplace below MAP 27 every day) to exactly 0.

The load part: 200 API requests, 8 at a time, while 4 runs are submitted at once; every request
answers 200/202, every run finishes with its outputs, and a cancelled run leaves none. Then the
server is killed (SIGKILL) during a run and restarted: the finished runs are all still listed,
the cut-short one is marked interrupted.
"""
import base64
import concurrent.futures
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile

import websocket  # python3-websocket

CHANSIM, SCENARIOS, SHOTS = (os.path.abspath(a) for a in sys.argv[1:4])
TOKEN = "test-token-1234"
os.makedirs(SHOTS, exist_ok=True)


def fail(message):
    print("FAIL:", message, file=sys.stderr)
    sys.exit(1)


def start_server(work):
    proc = subprocess.Popen([CHANSIM, "serve", SCENARIOS, "--port", "0", "--token", TOKEN, "--threads", "1"],
                            cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = ""
    deadline = time.time() + 20
    while time.time() < deadline:
        line = proc.stdout.readline()
        m = re.search(r"(http://127\.0\.0\.1:\d+)/\?token=(\S+)", line)
        if m:
            if m.group(2) != TOKEN:
                fail("the printed URL does not carry the token")
            return proc, m.group(1)
    fail("chansim serve printed no URL: " + line)


def http(base, path, body=None, token=TOKEN):
    req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                 headers={"X-Chansim-Token": token} if token else {},
                                 method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.read(), res.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers.get("Content-Type", "")


def wait_jobs(base, ids, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        jobs = {j["id"]: j for j in json.loads(http(base, "/api/jobs")[1])}
        if all(jobs[i]["state"] not in ("queued", "running") for i in ids):
            return jobs
        time.sleep(0.2)
    fail(f"jobs {ids} did not finish in {timeout} s")


class Browser:
    """A headless Chromium page and the few DevTools commands the test needs."""

    def __init__(self, profile):
        self.proc = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
             "--remote-debugging-port=0", f"--user-data-dir={profile}", "--window-size=1400,1000", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if time.time() > deadline:
                fail("chromium did not start")
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        pages = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list").read())
        page = next(p for p in pages if p["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.send("Page.enable")
        self.send("Runtime.enable")

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    fail(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            fail(f"page script failed: {expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait(self, expression, what, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(expression):
                return
            time.sleep(0.2)
        self.screenshot("timeout")
        fail(f"timed out waiting for {what}")

    def screenshot(self, name):
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        path = os.path.join(SHOTS, name + ".png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        print("   screenshot", path)

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(timeout=10)


def set_field(b, path, value):
    b.js(f"""(() => {{ const i = document.querySelector('[data-path="{path}"]');
        i.value = {json.dumps(str(value))}; i.dispatchEvent(new Event('input')); }})()""")


def run_from_form(b, label, job):
    """Names the run, presses Run, and waits until job `job` is done and shown."""
    b.js(f"document.querySelector('#label').value = {json.dumps(label)}")
    b.js("document.querySelector('#run').click()")
    b.wait(f"document.querySelector('#runs tr[data-id=\"{job}\"]')?.dataset.state === 'done'", f"run {job}")
    b.wait(f"document.querySelector('#view-title').textContent.startsWith('{job}')", f"the view of {job}")


def card(b, metric):
    return b.js(f"document.querySelector('#cards .card[data-metric=\"{metric}\"] .value')?.textContent")


def browser_part(base, work):
    b = Browser(os.path.join(work, "profile"))
    try:
        print("== the page: load the flagship's form")
        b.send("Page.navigate", url=f"{base}/?token={TOKEN}")
        b.wait("document.querySelector('[data-path=\"brands[0].min_advertised_price\"]') !== null", "the form")
        if b.js("document.querySelector('#scenario').value") != "flagship.yaml":
            fail("the flagship is not the scenario shown first")
        if b.js("document.querySelector('[data-path=\"brands[0].min_advertised_price\"]').value") != "27":
            fail("the MAP field does not show the flagship's MAP 27")
        # small enough for a test: 20,000 consumers, 90 days
        set_field(b, "consumers.count", 20000)
        set_field(b, "ticks", 90)
        run_from_form(b, "base", "r0001")
        base_undercut = card(b, "conflict.undercut_rate")
        print("   base: undercut rate", base_undercut, "channel profit", card(b, "margin.channel_profit"))
        if not base_undercut or float(base_undercut.rstrip("%")) <= 0:
            fail("the base run shows no undercutting below MAP 27")
        b.screenshot("1_base_run")

        print("== change the MAP to 24 and run")
        set_field(b, "brands[0].min_advertised_price", 24)
        run_from_form(b, "MAP 24", "r0002")
        undercut = card(b, "conflict.undercut_rate")
        print("   MAP 24: undercut rate", undercut)
        if undercut != "0.0%":
            fail(f"with MAP 24 nobody prices below it, yet the undercut rate shows {undercut}")
        b.screenshot("2_map_24")

        print("== compare the two runs")
        b.js("document.querySelectorAll('.cmp').forEach((c) => { if (['r0001','r0002'].includes(c.dataset.id)) { c.checked = true; c.dispatchEvent(new Event('change')); } })")
        b.wait("document.querySelector('#compare-table tr[data-metric=\"conflict.undercut_rate\"] .delta') !== null", "the comparison")
        delta = b.js("document.querySelector('#compare-table tr[data-metric=\"conflict.undercut_rate\"] .delta').textContent")
        expected = f"-{float(base_undercut.rstrip('%')):.1f} pts"
        if delta != expected:
            fail(f"the comparison's undercut delta is {delta}, expected {expected}")
        if "brands[0].min_advertised_price=24" not in b.js("document.querySelector('#compare-table tbody tr').textContent"):
            fail("the comparison does not show the MAP change")
        if not b.js("document.querySelector('#compare-chart svg polyline') !== null"):
            fail("no overlaid time series")
        b.screenshot("3_compare")

        print("== downloads: the edited scenario and the outputs")
        yaml_text = b.js("fetch('/api/jobs/r0002/scenario.yaml').then((r) => r.text())")
        if not re.search(r"min_advertised_price: 24\b", yaml_text):
            fail("the downloaded YAML lacks the MAP change")
        zip_bytes = b.js("fetch('/api/jobs/r0002/outputs.zip').then((r) => r.arrayBuffer()).then((a) => Array.from(new Uint8Array(a)))")
        archive = zipfile.ZipFile(io.BytesIO(bytes(zip_bytes)))
        if archive.testzip() is not None or "summary.json" not in archive.namelist():
            fail("the downloaded zip is not the run's outputs")
        summary = json.loads(archive.read("summary.json"))
        if summary["conflict"]["undercut_rate"] != 0:
            fail("the zipped summary is not the MAP-24 run's")

        print("== a bad value shows its error next to the field")
        set_field(b, "brands[0].min_advertised_price", -5)
        b.js("document.querySelector('#run').click()")
        b.wait("document.querySelector('.field-error[data-for=\"brands[0].min_advertised_price\"]').textContent !== ''", "the field's error")
        error = b.js("document.querySelector('.field-error[data-for=\"brands[0].min_advertised_price\"]').textContent")
        if not error.startswith("flagship.yaml: brands[0].min_advertised_price: must be between 0 and"):
            fail("unexpected error text: " + error)
        if b.js("document.querySelector('#runs tr[data-id=\"r0003\"]') !== null"):
            fail("a rejected value started a run")
        b.screenshot("4_bad_value")

        print("== the advanced view: broken YAML is rejected with its line")
        set_field(b, "brands[0].min_advertised_price", 27)
        b.js("document.querySelector('#advanced').open = true; document.querySelector('#use-yaml').checked = true;"
             "document.querySelector('#yaml').value = 'name: x\\nticks: [1,\\n'")
        b.js("document.querySelector('#run').click()")
        b.wait("document.querySelector('.field-error[data-for=\"yaml\"]').textContent !== ''", "the YAML error")
        b.screenshot("5_bad_yaml")
    finally:
        b.close()


def load_part(base):
    print("== load: 200 requests, 8 at a time, while 4 runs are submitted at once")
    small = {"consumers.count": "5000", "ticks": "30"}
    paths = ["/api/jobs", "/api/scenarios", "/api/scenario?path=flagship.yaml", "/api/jobs/r0001",
             "/jobs/r0001/summary.json"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        runs = [pool.submit(http, base, "/api/runs", {"scenario": "flagship.yaml", "changes": dict(small, seed=str(s))})
                for s in range(4)]
        gets = [pool.submit(http, base, paths[i % len(paths)]) for i in range(200)]
        statuses = [f.result()[0] for f in gets]
        submitted = [f.result() for f in runs]
    if any(s != 200 for s in statuses):
        fail(f"requests failed: {sorted(set(statuses))}")
    if any(s != 202 for s, _, _ in submitted):
        fail(f"run submissions failed: {submitted}")
    ids = [json.loads(body)["id"] for _, body, _ in submitted]
    jobs = wait_jobs(base, ids)
    for i in ids:
        if jobs[i]["state"] != "done":
            fail(f"{i}: {jobs[i]['state']} {jobs[i]['message']}")
        status, body, _ = http(base, f"/jobs/{i}/manifest.json")
        if status != 200:
            fail(f"{i} has no manifest.json")
    print(f"   200 requests answered 200; runs {', '.join(ids)} done with their outputs")
    # the runs differ only in seed: their summaries differ, a sign each ran its own scenario
    units = {json.loads(http(base, f"/jobs/{i}/summary.json")[1])["sales"]["units"] for i in ids}
    if len(units) < 2:
        fail("four seeds gave one result")

    print("== safety: no token, a path outside the folder, an oversized body")
    if http(base, "/api/jobs", token=None)[0] != 403 or http(base, "/api/jobs", token="wrong")[0] != 403:
        fail("a request without the token was served")
    status, body, _ = http(base, "/api/scenario?path=../../etc/passwd")
    if status != 400:
        fail(f"a path outside the scenario folder answered {status}")
    status, _, _ = http(base, "/api/check", {"scenario": "flagship.yaml", "yaml": "x" * (2 << 20)})
    if status != 413:
        fail(f"a 2 MB body answered {status}, expected 413")

    print("== cancel a running run")
    status, body, _ = http(base, "/api/runs", {"scenario": "flagship.yaml", "changes": {"ticks": "3000"}})
    cancelled = json.loads(body)["id"]
    deadline = time.time() + 30
    while json.loads(http(base, f"/api/jobs/{cancelled}")[1])["state"] != "running" and time.time() < deadline:
        time.sleep(0.05)
    http(base, f"/api/jobs/{cancelled}/cancel", {})
    job = wait_jobs(base, [cancelled])[cancelled]
    if job["state"] != "cancelled" or http(base, f"/jobs/{cancelled}/summary.json")[0] != 400:
        fail(f"cancel: {job}")
    return cancelled


def restart_part(work, finished):
    print("== kill the server during a run; a new one lists every finished run")
    proc, base = start_server(work)
    status, body, _ = http(base, "/api/runs", {"scenario": "flagship.yaml", "changes": {"ticks": "3000"}})
    cut = json.loads(body)["id"]
    deadline = time.time() + 30
    while json.loads(http(base, f"/api/jobs/{cut}")[1])["state"] != "running" and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)  # its orphaned child notices nothing; the new server must not count it done
    proc, base = start_server(work)
    try:
        jobs = {j["id"]: j for j in json.loads(http(base, "/api/jobs")[1])}
        for i in finished:
            if jobs.get(i, {}).get("state") != "done" or http(base, f"/jobs/{i}/summary.json")[0] != 200:
                fail(f"finished run {i} was lost across the restart")
        if jobs[cut]["state"] != "interrupted":
            fail(f"the run cut short is {jobs[cut]['state']}, expected interrupted")
        print(f"   {len(finished)} finished runs kept; {cut} marked interrupted")
    finally:
        proc.send_signal(signal.SIGTERM)
        if proc.wait(timeout=30) != 0:
            fail("the server did not stop cleanly on SIGTERM")
        subprocess.run(["pkill", "-f", f"serve/{cut}/scenario.yaml"], check=False)


def main():
    with tempfile.TemporaryDirectory() as work:
        proc, base = start_server(work)
        try:
            browser_part(base, work)
            cancelled = load_part(base)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        finished = [j for j in sorted(os.listdir(os.path.join(work, "outputs", "serve")))
                    if j != cancelled and os.path.exists(os.path.join(work, "outputs", "serve", j, "out", "manifest.json"))]
        restart_part(work, finished)
    print("explorer checks passed")


if __name__ == "__main__":
    main()
