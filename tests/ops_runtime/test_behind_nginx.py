"""Two ``canteen serve`` processes on one PostgreSQL behind nginx with the shipped site file (deploy/nginx), over
TLS: the lunch-rush driver taps through the one address while one server is killed (SIGKILL) mid-rush; every
acknowledged tap is booked exactly once and the ledger verifies. Event streams come through unbuffered."""
import shutil
import ssl
import subprocess
import threading
from pathlib import Path

import requests

from bench.canteen_server import make_app, verify
from bench.client import drive, run
from tests.offline.faults import ServerProcess, free_port
from tests.ops_runtime.processes import OwnNginx
from tests.services import missing_service

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "canteen.conf"
RUSH_SECONDS, KILL_AFTER = 12.0, 4.0


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl)."""
    if not shutil.which("openssl"):
        missing_service("openssl", "apt-get install -y openssl")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def swap(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the site file no longer has exactly one {old!r}"
    return text.replace(old, new)


def nginx_config(folder: Path, port: int, http_port: int, upstreams: list[int], cert: Path, key: Path) -> str:
    """The shipped site with this test's ports and certificate, inside a main config of the test's own."""
    site = SITE.read_text()
    site = swap(site, "server 127.0.0.1:5001 ", f"server 127.0.0.1:{upstreams[0]} ")
    site = swap(site, "server 127.0.0.1:5002 ", f"server 127.0.0.1:{upstreams[1]} ")
    site = swap(site, "    listen 80;\n", f"    listen 127.0.0.1:{http_port};\n")
    site = swap(site, "    listen [::]:80;\n", "")
    site = swap(site, "    listen 443 ssl http2;", f"    listen 127.0.0.1:{port} ssl http2;")
    site = swap(site, "    listen [::]:443 ssl http2;\n", "")
    site = swap(site, "/etc/ssl/canteen/fullchain.pem", str(cert))
    site = swap(site, "/etc/ssl/canteen/privkey.pem", str(key))
    (folder / "canteen.conf").write_text(site)
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "tmp" / temp).mkdir(parents=True, exist_ok=True)
    return f"""user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log warn;
events {{ worker_connections 512; }}
http {{
    log_format upstreams '$request_method $uri $status $upstream_addr $upstream_status';
    access_log {folder}/logs/access.log upstreams;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    include {folder}/canteen.conf;
}}
"""


def test_two_servers_behind_nginx_one_killed_mid_rush_lose_no_acknowledged_tap(seeded, tmp_path):
    url, uids, terminals = seeded
    servers = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        server = ServerProcess(url, tmp_path / name, workers=1)
        server.env.update(CANTEEN_PROXY_COUNT="1")
        servers.append(server.start())
    cert, key = certificate(tmp_path)
    port, http_port = free_port(), free_port()
    folder = tmp_path / "nginx"
    folder.mkdir()
    nginx = OwnNginx(folder, nginx_config(folder, port, http_port, [s.port for s in servers], cert, key))
    nginx.start(port)
    base = f"https://127.0.0.1:{port}"
    try:
        ready = requests.get(base + "/healthz/ready", verify=str(cert), timeout=10)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert len(ready.headers["X-Request-Id"]) == 32  # nginx's $request_id, echoed by the server
        assert requests.get(base + "/metrics", verify=str(cert), timeout=10).status_code == 404
        plain = requests.get(f"http://127.0.0.1:{http_port}/healthz", allow_redirects=False, timeout=10)
        assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")

        # an event stream's first event arrives through the proxy at once (unbuffered), not when the stream ends
        creds = terminals[-1]
        with requests.get(base + "/api/v1/terminal/events", verify=str(cert), stream=True, timeout=(5, 10),
                          headers={"X-Terminal-Id": creds.code, "X-Terminal-Key": creds.key}) as stream:
            assert stream.status_code == 200
            assert "event: blacklist" in next(stream.iter_content(chunk_size=None)).decode()

        context = ssl.create_default_context(cafile=str(cert))
        killer = threading.Timer(KILL_AFTER, servers[0].kill)
        killer.start()
        results = run(drive("127.0.0.1", port, terminals[:-1], uids, warmup=0.0, seconds=RUSH_SECONDS, ssl=context))
        killer.join()
        assert servers[0].kills == 1
    finally:
        nginx.stop()
        for server in servers:
            server.stop()

    assert results.ok_total > 0 and set(results.statuses) <= {200, 502, 503, 504}, results.statuses
    proof = verify(make_app(url), results.ok_total)
    assert proof["ok"], proof["problems"]
    # every 200 answer is one meal entry: none lost with the killed server, none booked twice by the retries
    assert proof["answers_match"], (proof["meals"], results.ok_total)
    taps = [line.split() for line in (folder / "logs" / "access.log").read_text().splitlines()
            if line.startswith("POST /api/v1/taps")]
    served_by = {addr for fields in taps for addr in fields[3].split(",") if addr != ":"}
    assert {f"127.0.0.1:{s.port}" for s in servers} <= {a.strip() for a in served_by}
    resent = sum(1 for fields in taps if "," in " ".join(fields[3:]))
    print(f"\nrush through nginx: {results.ok_total} taps acknowledged = {proof['meals']} meals booked; "
          f"{resent} taps resent by nginx to the other server, {results.retried} retried by terminals, "
          f"{sum(results.exceptions.values())} connection errors")
