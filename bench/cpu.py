"""Where the machine's CPU went during a phase: per process group, from /proc (Linux only)."""
import os
from collections.abc import Callable

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # after the ")": state is fields[0]; utime, stime are stat fields 14 and 15
    return (int(fields[11]) + int(fields[12])) / _TICK


def machine_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, over all cores."""
    try:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return (total - idle) / _TICK, total / _TICK


def children(pid: int) -> list[int]:
    """Direct children of `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            found.append(int(entry))
    return found


class CpuMeter:
    """CPU seconds used by named groups of processes between :meth:`start` and :meth:`stop`."""

    def __init__(self, groups: dict[str, "list[int] | Callable[[], list[int]]"]):
        self._groups = groups
        self.groups: dict[str, list[int]] = {}
        self.used: dict[str, float] = {}
        self.machine_busy = self.machine_total = 0.0

    def _snapshot(self) -> dict[str, float]:
        return {name: sum(process_seconds(p) for p in pids) for name, pids in self.groups.items()}

    def start(self) -> None:
        """Resolve the groups now (backends forked during warm-up count too) and snapshot."""
        self.groups = {name: (pids() if callable(pids) else list(pids)) for name, pids in self._groups.items()}
        self._before = self._snapshot()
        self._machine_before = machine_seconds()

    def stop(self) -> None:
        after = self._snapshot()
        busy, total = machine_seconds()
        self.used = {name: after[name] - self._before[name] for name in self.groups}
        self.machine_busy = busy - self._machine_before[0]
        self.machine_total = total - self._machine_before[1]

    @property
    def others(self) -> float:
        """CPU seconds used by processes outside every group."""
        return max(self.machine_busy - sum(self.used.values()), 0.0)

    def report(self, wall: float) -> list[str]:
        """Each group's share in cores (1.00 = one core busy the whole time)."""
        lines = [f"{used / wall:5.2f} cores  {name}" for name, used in self.used.items()]
        other = self.machine_busy - sum(self.used.values())
        lines.append(f"{max(other, 0) / wall:5.2f} cores  everything else")
        cores = self.machine_total / wall if wall else 0
        lines.append(f"{self.machine_busy / wall:5.2f} of {cores:.2f} cores busy")
        return lines
