"""Smoke-run the container image (`.ci/image.sh`): start it against the local Bot API.

    python scripts/image_smoke.py --api-port P --bot-port Q [--exec PREFIX --healthcheck JSON]
                                  [--log FILE] -- COMMAND...

Starts the local Bot API server (doubles/telegram) on 127.0.0.1:P, runs COMMAND (the
image's entrypoint in webhook mode, e.g. `buildah run ... CONTAINER -- python run_bot.py
webhook --workers 2`, with TELEGRAM_API_BASE=http://127.0.0.1:P and WEBHOOK_PORT=Q), then
checks, from the host:

- `GET http://127.0.0.1:Q/health` answers 200 and the webhook is registered;
- with `--workers N`: N different processes answer /health (its "pid");
- the image's own HEALTHCHECK (its Docker config, `--healthcheck`, run inside the
  container through `--exec PREFIX`, e.g. `buildah run ... CONTAINER --`) exits 0;
- a customer's "hola" gets a reply.

Then it stops COMMAND (SIGTERM to its process group, SIGKILL after 40 s) and exits 0, or 1
with the reason and the tail of the bot's log.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from doubles.telegram import LocalBotAPI  # noqa: E402

TOKEN = "123456:IMAGE-smoke"
START_TIMEOUT = 180.0  # a cold container: migrations, the search index, two workers
REPLY_TIMEOUT = 60.0
STOP_TIMEOUT = 40.0  # compose's stop_grace_period


class SmokeFailed(Exception):
    """A check did not pass; the message says which."""


async def wait_healthy(
    api: LocalBotAPI, bot: subprocess.Popen[bytes], port: int, workers: int
) -> dict[str, object]:
    """Wait for /health 200 and the webhook set, then for `workers` different pids."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT
    pids: set[int] = set()
    health: dict[str, object] = {}
    url = f"http://127.0.0.1:{port}/health"
    while True:
        if bot.poll() is not None:
            raise SmokeFailed(f"the container exited with {bot.returncode} before answering")
        if loop.time() >= deadline:
            raise SmokeFailed(
                f"no /health 200 from {workers} worker(s) with the webhook set within "
                f"{START_TIMEOUT:.0f} s (pids seen: {sorted(pids)}, last: {health})"
            )
        # A fresh connection each time, so SO_REUSEPORT may hand it to any worker.
        with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as client:
                async with client.get(url) as response:
                    if response.status == 200:
                        health = await response.json()
                        pids.add(int(str(health["pid"])))
        webhook = await api.call("getWebhookInfo", {})
        if len(pids) >= workers and webhook["url"]:
            return {**health, "pids": sorted(pids), "webhook": webhook["url"]}
        await asyncio.sleep(0.2)


def run_healthcheck(prefix: list[str], test: list[str]) -> None:
    """Run the image's HEALTHCHECK (["CMD-SHELL", cmd] or ["CMD", argv...]) in the container."""
    kind, *rest = test
    argv = ["/bin/sh", "-c", rest[0]] if kind == "CMD-SHELL" else rest
    done = subprocess.run(prefix + argv, capture_output=True, timeout=60)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).decode(errors="replace")[-2000:]
        raise SmokeFailed(f"the image's HEALTHCHECK exited {done.returncode}: {output}")


def entrypoint_pid(bot: subprocess.Popen[bytes]) -> int | None:
    """The container's first process: the nearest descendant of COMMAND running another
    program (buildah's chroot helpers run from copies of buildah in memory, "/memfd:...")."""
    try:
        own = os.readlink(f"/proc/{bot.pid}/exe")
    except OSError:  # it has just exited
        return None
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(stat[1]), []).append(int(entry.name))
    frontier = [bot.pid]
    while frontier:
        for pid in frontier:
            with contextlib.suppress(OSError):
                exe = os.readlink(f"/proc/{pid}/exe")
                if exe != own and not exe.startswith("/memfd:"):
                    return pid
        frontier = [child for pid in frontier for child in children.get(pid, [])]
    return None


def stop(bot: subprocess.Popen[bytes]) -> int:
    """Stop the container as `docker stop` does: SIGTERM to its first process (the
    entrypoint), which must finish its updates and exit; SIGKILL to the lot after 40 s.
    (SIGTERM to `buildah run` itself kills its chroot helper, and the bot's parent with it.)
    """
    if bot.poll() is None:
        pid = entrypoint_pid(bot)
        with contextlib.suppress(ProcessLookupError):
            if pid is not None:
                os.kill(pid, signal.SIGTERM)
            else:
                bot.send_signal(signal.SIGTERM)
        try:
            bot.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(bot.pid, signal.SIGKILL)
            bot.wait()
    return bot.returncode


async def check(api: LocalBotAPI, bot: subprocess.Popen[bytes], args: argparse.Namespace) -> None:
    """/health from every worker, the image's HEALTHCHECK, a reply to "hola"."""
    workers = 1
    if "--workers" in args.command:
        workers = int(args.command[args.command.index("--workers") + 1])
    started = time.monotonic()
    health = await wait_healthy(api, bot, args.bot_port, workers)
    print(
        f"image_smoke: /health 200 after {time.monotonic() - started:.1f} s from pids "
        f"{health['pids']}, webhook {health['webhook']}",
        flush=True,
    )
    if args.healthcheck:
        test = json.loads(args.healthcheck)
        await asyncio.to_thread(run_healthcheck, shlex.split(args.exec), test)
        print("image_smoke: the image's HEALTHCHECK passed", flush=True)
    customer = api.user(4242, "Ana")
    sent = time.monotonic()
    await customer.send_text("hola")
    try:
        replies = await customer.replies(min_count=1, timeout=REPLY_TIMEOUT)
    except TimeoutError as exc:
        raise SmokeFailed(f'no reply to "hola": {exc}') from exc
    text = str(replies[0].get("text") or replies[0].get("caption") or "")
    first_line = text.splitlines()[0] if text else "(no text)"
    print(f'image_smoke: "hola" answered in {time.monotonic() - sent:.1f} s: {first_line}')


async def smoke(args: argparse.Namespace) -> None:
    api = LocalBotAPI(token=TOKEN)
    await api.start(port=args.api_port)
    try:
        with open(args.log, "wb") as log:
            bot = subprocess.Popen(
                args.command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            await check(api, bot, args)
        finally:
            stopping = time.monotonic()
            code = await asyncio.to_thread(stop, bot)
        print(
            f"image_smoke: stopped (SIGTERM) in {time.monotonic() - stopping:.1f} s, "
            f"exit code {code}",
            flush=True,
        )
        if code != 0:
            raise SmokeFailed(f"the container exited with {code} on SIGTERM (expected 0)")
    finally:
        await api.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-port", type=int, required=True)
    parser.add_argument("--bot-port", type=int, required=True)
    parser.add_argument("--exec", default="", help="prefix running a command in the container")
    parser.add_argument("--healthcheck", default="", help="the image's HEALTHCHECK test, JSON")
    parser.add_argument("--log", default="image-smoke.log", help="the container's output")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.command[:1] == ["--"]:
        args.command = args.command[1:]
    if not args.command:
        parser.error("no command to run (after --)")
    if args.healthcheck and not args.exec:
        parser.error("--healthcheck needs --exec")
    try:
        asyncio.run(smoke(args))
    except SmokeFailed as exc:
        print(f"image_smoke: FAILED: {exc}", file=sys.stderr)
        with contextlib.suppress(OSError):
            tail = Path(args.log).read_text(errors="replace")[-4000:]
            print(f"image_smoke: the container's output ({args.log}):\n{tail}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
