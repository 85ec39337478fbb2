"""A dead rank ends the others with one line instead of a gloo abort and a C++ stack.

When one process of a multi-process run dies (SIGKILL, out of memory, a crash, a user error that
ended it), the kernel closes its sockets and every peer's gloo transport throws at once;
nothing in Python can catch it: ``std::terminate`` prints "terminate called after throwing an
instance of 'gloo::...'", paddle's SIGABRT handler adds a C++ traceback, and the launcher tails
that log. A guard *process* per rank (not a thread: the rank may be stuck in C++ holding the GIL)
sits on the rank's stderr and stdout (where paddle's handler prints the stack): it passes every
byte through unchanged until the abort text starts, swallows the rest, and prints one line instead::

    error: rank 1 (pid 4242 on node-b) stopped (killed, or failed: see its log); ending rank 0

It names the peer from gloo's text (``pair_rank``, else a dead process on this host, else the peer
address) and the (pid, host, ip) every rank announced at start, so it works across machines. It
then makes sure its rank ends (SIGTERM, then SIGKILL). When the launcher ends a rank before gloo
noticed, the line comes when the rank's Python unwinds with a peer gone. The guard exits when its
rank's pipes close (the rank and its loader workers are gone); single-process runs start none. Its
own code (``python -S rank_guard.py RANK PEERS ERR_FD OUT_FD``) imports only the standard library,
so it starts in milliseconds and never touches paddle; a normal run pays one pipe hop per line.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time

ABORT_START = b"terminate called after throwing"
PAIR_RANK = re.compile(rb"pair_rank\s*=\s*(\d+)")
PEER_IP = re.compile(rb"\[([0-9a-fA-F.:]+)\]:\d+")  # gloo's peer address, "[127.0.0.1]:54193"
WHAT = re.compile(rb"what\(\):\s*(.*)")
ENDED = b"\0ppocr-rank-guard: ended "  # + b"ok\n" or b"failed\n", written by stop(): the rank's Python ended
GRACE_S = 5.0  # after the line: how long the rank may take to finish aborting before it is killed


class RankGuard:
    """The main-process side: puts the guard on this rank's stdout and stderr (paddle's abort handler
    prints its C++ stack on stdout), restores them at a normal end."""

    def __init__(self, proc: subprocess.Popen, saved: dict):
        self.proc, self.saved = proc, saved

    @classmethod
    def start(cls, rank: int, peers: list) -> RankGuard:
        """``peers``: every rank's ``[pid, host, ip]`` in rank order (from an all-gather)."""
        sys.stdout.flush()
        sys.stderr.flush()
        saved = {fd: os.dup(fd) for fd in (1, 2)}
        pipes = {fd: os.pipe() for fd in (1, 2)}
        reads = [pipes[2][0], pipes[1][0]]  # stderr first: the abort text comes before the stack
        proc = subprocess.Popen([sys.executable, "-S", os.path.abspath(__file__), str(rank), json.dumps(peers),
                                 *map(str, reads)],
                                stdin=subprocess.DEVNULL, stdout=saved[1], stderr=saved[2], pass_fds=reads)
        for fd, (read_end, write_end) in pipes.items():
            os.close(read_end)
            os.dup2(write_end, fd)  # sys.stdout/sys.stderr keep their fd: output now goes through the guard
            os.close(write_end)
        return cls(proc, saved)

    def stop(self, ok: bool) -> None:
        """The rank's end (``ok``: training returned): stdout and stderr back to where they were; the
        guard drains the pipes and exits when the last writer (loader workers included) has closed
        them. Without ``ok`` (an error, or the launcher's SIGTERM) the guard names a peer that died."""
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(1, ENDED + (b"ok\n" if ok else b"failed\n"))
        for fd, orig in self.saved.items():
            os.dup2(orig, fd)
            os.close(orig)
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:  # a loader worker still holds a pipe: the guard ends with it
            pass


def start_guard(env) -> RankGuard | None:
    """Guard this rank of a multi-process run (``env``: ``DistEnv``); nothing for a single process."""
    if not env.enabled:
        return None
    from ppocr.engine.distributed import gather_objects

    ip = os.environ.get("PADDLE_CURRENT_ENDPOINT", "").rpartition(":")[0] or os.environ.get("POD_IP", "")
    return RankGuard.start(env.rank, gather_objects([os.getpid(), socket.gethostname(), ip], env))


# ---- the guard process (standard library only) ----------------------------------------------------

def alive(pid: int) -> bool:
    """``pid`` runs (a zombie, killed but not yet reaped by the launcher, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True


def gone(pid: int, wait_s: float) -> bool:
    deadline = time.monotonic() + wait_s
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


def dead_peer(rank: int, peers: list, wait_s: float = 0.0) -> int | None:
    """The first other rank on this host whose process is gone (waiting up to ``wait_s`` for one:
    gloo notices while the kernel is still tearing the dead process down)."""
    here = socket.gethostname()
    local = [r for r, (_, host, _) in enumerate(peers) if r != rank and host == here]
    deadline = time.monotonic() + wait_s
    while True:
        dead = [r for r in local if not alive(peers[r][0])]
        if dead or time.monotonic() >= deadline:
            return dead[0] if dead else None
        time.sleep(0.05)


def name_peer(rank: int, peers: list, what: bytes) -> int | None:
    """Which rank gloo's message is about: its ``pair_rank``, else a dead rank on this host, else the
    only rank at the peer address it names, else the other one of two."""
    found = PAIR_RANK.search(what)
    if found:
        return int(found.group(1))
    dead = dead_peer(rank, peers, 1.0)
    if dead is not None:
        return dead
    at = PEER_IP.search(what)
    others = [r for r, (_, _, ip) in enumerate(peers) if r != rank and at and ip == at.group(1).decode()]
    if len(others) == 1:
        return others[0]
    return 1 - rank if len(peers) == 2 else None


def describe(peer: int, peers: list, what: bytes) -> str:
    """What became of ``peer``: gone, or alive but silent (checked when it runs on this host)."""
    if not 0 <= peer < len(peers):
        return f"rank {peer} stopped answering"
    pid, host, _ = peers[peer]
    who = f"rank {peer} (pid {pid} on {host})"
    if host == socket.gethostname():
        if not gone(pid, 1.0):
            return f"{who} stopped answering ({what.decode(errors='replace').strip()[:120]})"
        return f"{who} stopped (killed, or failed: see its log)"
    return f"{who} stopped or stopped answering (killed, failed or unreachable: see its log)"


def end_parent(parent: int) -> None:
    """The rank is aborting anyway; make sure it does not linger in its signal handler."""
    deadline = time.monotonic() + GRACE_S
    for sig in (signal.SIGTERM, signal.SIGKILL):
        while alive(parent) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not alive(parent):
            return
        try:
            os.kill(parent, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 2.0


def guard(rank: int, peers: list, streams: list, parent: int) -> int:
    """Copy each ``(src, out)`` fd pair until EOF; from the gloo abort text on (on any stream),
    swallow everything and write one line to the first stream's ``out`` (stderr) instead, then see
    that ``parent`` (the rank, whose child this guard is) ends."""
    pending = {src: b"" for src, _ in streams}  # bytes of an unfinished line per stream
    outs = dict(streams)
    err_out = streams[0][1]
    aborting = b""  # the swallowed abort text, once it starts
    reported, ended = False, b""
    while pending:
        ready, _, _ = select.select(list(pending), [], [], 0.2)
        if not ready:  # quiet for a moment: let partial lines through unless one may open the abort
            for src, part in pending.items():
                if part and not aborting and not ABORT_START.startswith(part[:len(ABORT_START)]):
                    os.write(outs[src], part)
                    pending[src] = b""
            if not alive(parent) and not aborting:
                break  # the rank died without a word and a loader worker keeps a pipe open
            continue
        for src in [s for s, _ in streams if s in ready]:  # stderr before stdout
            chunk = os.read(src, 65536)
            if not chunk:  # EOF: the rank and everything holding this stream are gone
                part = pending.pop(src)
                if part and not aborting:
                    os.write(outs[src], part)
                continue
            lines = (pending[src] + chunk).split(b"\n")
            pending[src] = lines.pop()
            for line in lines:
                if not aborting and ABORT_START in line:
                    head, _, tail = line.partition(ABORT_START)
                    if head.strip():
                        os.write(outs[src], head + b"\n")
                    aborting = ABORT_START + tail + b"\n"
                elif line.startswith(ENDED):
                    ended = line[len(ENDED):]
                elif not aborting:
                    os.write(outs[src], line + b"\n")
                else:
                    aborting += line + b"\n"
                    what = WHAT.search(line)
                    if what and not reported:  # gloo's exception text: which peer, and what of it
                        reported = report(rank, peers, what.group(1), err_out)
                        threading.Thread(target=end_parent, args=(parent,), daemon=True).start()
    if ended == b"failed" and not aborting:  # an error or the launcher's SIGTERM: after a peer died?
        peer = dead_peer(rank, peers)
        if peer is not None:
            os.write(err_out, f"error: {describe(peer, peers, b'')}; ending rank {rank}\n".encode())
    elif aborting and not reported:
        report(rank, peers, aborting.splitlines()[0][len(ABORT_START):], err_out)
    return 0


def report(rank: int, peers: list, what: bytes, out: int) -> bool:
    """The one line, naming the peer when gloo's text allows."""
    peer = name_peer(rank, peers, what)
    if peer is None:
        text = what.decode(errors="replace").strip()[:200]
        os.write(out, f"error: rank {rank} aborted in the collective backend: {text}\n".encode())
    else:
        os.write(out, f"error: {describe(peer, peers, what)}; ending rank {rank}\n".encode())
    return True


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the launcher signals the whole group: we end on EOF
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    err_src, out_src = int(sys.argv[3]), int(sys.argv[4])
    sys.exit(guard(int(sys.argv[1]), json.loads(sys.argv[2]), [(err_src, 2), (out_src, 1)], os.getppid()))
