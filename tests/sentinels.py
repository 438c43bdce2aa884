"""Redis with Sentinel as real processes, for the failover fault test: a primary (AOF, and
``min-replicas-to-write 1`` as the compose file's ``ha`` profile has it), a replica, and three
``redis-server --sentinel`` on free ports that monitor the primary under one name. The
helpline's processes find the primary through the sentinels (``settings``)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import redis

from helpline.localredis import RedisServer, free_port

MASTER = "helpline"
DOWN_AFTER_MS = 1000  # how long the primary is silent before a sentinel takes it for down


class SentinelRedis:
    def __init__(self, directory: Path, *, sentinels: int = 3, down_after_ms: int = DOWN_AFTER_MS):
        self.directory = Path(directory)
        persistence = ("--appendonly", "yes", "--appendfsync", "everysec")
        self.primary = RedisServer(
            self.directory / "primary",
            *persistence,
            "--min-replicas-to-write", "1", "--min-replicas-max-lag", "10",
        )  # fmt: skip
        self.replica = RedisServer(self.directory / "replica", *persistence)
        self.replica.extra += ("--replicaof", "127.0.0.1", str(self.primary.port))
        self.sentinel_ports = [free_port() for _ in range(sentinels)]
        self.sentinels: list[subprocess.Popen] = []
        self.down_after_ms = down_after_ms
        self.killed_at: float | None = None

    @property
    def url(self) -> str:
        """The first primary's address (the helpline itself asks the sentinels)."""
        return self.primary.url

    def settings(self) -> dict:
        return {
            "REDIS_SENTINELS": ",".join(f"127.0.0.1:{p}" for p in self.sentinel_ports),
            "REDIS_SENTINEL_MASTER": MASTER,
            "REDIS_URL": "redis://127.0.0.1:1/0",  # never used: the sentinels take precedence
        }

    def start(self) -> SentinelRedis:
        self.primary.start()
        self.replica.start()
        self._wait(
            lambda: self._info(self.replica.port, "replication")["master_link_status"] == "up"
        )
        for port in self.sentinel_ports:
            self.sentinels.append(self._start_sentinel(port))
        self._wait(self._sentinels_agree)
        return self

    def _start_sentinel(self, port: int) -> subprocess.Popen:
        directory = self.directory / f"sentinel-{port}"
        directory.mkdir(parents=True, exist_ok=True)
        conf = directory / "sentinel.conf"
        conf.write_text(
            f"port {port}\nbind 127.0.0.1\ndir {directory}\n"
            f"sentinel monitor {MASTER} 127.0.0.1 {self.primary.port} 2\n"
            f"sentinel down-after-milliseconds {MASTER} {self.down_after_ms}\n"
            f"sentinel failover-timeout {MASTER} 10000\n"
            f"sentinel parallel-syncs {MASTER} 1\n"
        )
        log = (directory / "sentinel.log").open("ab")
        return subprocess.Popen(
            [self.primary.binary, str(conf), "--sentinel"], stdout=log, stderr=subprocess.STDOUT
        )

    def _sentinels_agree(self) -> bool:
        """Every sentinel knows the primary, its replica and the other sentinels."""
        for port in self.sentinel_ports:
            try:
                state = redis.Redis(port=port, decode_responses=True).sentinel_master(MASTER)
            except redis.RedisError:
                return False
            others = len(self.sentinel_ports) - 1
            if state.get("num-slaves", 0) < 1 or state.get("num-other-sentinels", 0) < others:
                return False
        return True

    @staticmethod
    def _info(port: int, section: str) -> dict:
        return redis.Redis(port=port, decode_responses=True).info(section)

    @staticmethod
    def _wait(ready, timeout: float = 30.0) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if ready():
                    return
            except (redis.RedisError, KeyError):
                pass
            time.sleep(0.1)
        raise RuntimeError("Redis with Sentinel did not get ready")

    def primary_port(self) -> int:
        """The primary's port as the sentinels name it now."""
        for port in self.sentinel_ports:
            try:
                found = redis.Redis(port=port).sentinel_get_master_addr_by_name(MASTER)
            except redis.RedisError:
                continue
            if found:
                return int(found[1])
        raise RuntimeError("no sentinel names a primary")

    def kill_primary(self) -> None:
        """SIGKILL the primary, as when its machine dies: no AOF flush, no goodbye."""
        self.killed_at = time.time()
        os.kill(self.primary.process.pid, signal.SIGKILL)
        self.primary.process.wait(timeout=10)

    def wait_for_failover(self, timeout: float = 30.0) -> float:
        """Seconds from the kill until the sentinels name the replica as the primary."""
        self._wait(lambda: self.primary_port() == self.replica.port, timeout)
        return time.time() - (self.killed_at or time.time())

    def client(self) -> redis.Redis:
        """A client of whichever server is the primary now."""
        return redis.Redis(port=self.primary_port(), decode_responses=True)

    def stop(self) -> None:
        for process in self.sentinels:
            if process.poll() is None:
                process.terminate()
        for process in self.sentinels:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.replica.stop()
        self.primary.stop()
