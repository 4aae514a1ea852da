"""What every benchmark reports the same way: medians with their spread, the machine it ran
on, a Markdown table on stdout and a JSON file in ``benchmarks/out/``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent / "out"


@dataclass(frozen=True)
class Spread:
    """Median of repeated measurements, with the range they fell in."""

    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread:
        data = sorted(values)
        if not data:
            raise ValueError("no measurements")
        return cls(statistics.median(data), data[0], data[-1], len(data))

    @property
    def relative_range(self) -> float:
        """(high - low) / median: how noisy the repetitions were."""
        return (self.high - self.low) / self.median if self.median else 0.0

    def fmt(self, digits: int = 3) -> str:
        """``median ±h%`` where h is half the range relative to the median."""
        value = f"{self.median:,.0f}" if abs(self.median) >= 10 ** digits else \
            f"{self.median:.{digits}g}"
        if self.n == 1:
            return value
        return f"{value} ±{self.relative_range * 50:.0f}%"

    def to_json(self) -> dict[str, float]:
        return {**asdict(self), "relative_range": self.relative_range}


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table; numbers right-aligned."""
    body = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h)
              for i, h in enumerate(headers)]
    numeric = [_numeric_column([r[i] for r in body]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        padded = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric)]
        return "| " + " | ".join(padded) + " |"

    rule = ["-" * (w - 1) + (":" if num else "-") for w, num in zip(widths, numeric)]
    return "\n".join([line(headers), line(rule), *(line(r) for r in body)])


def _numeric_column(cells: list[str]) -> bool:
    """Right-align a column whose filled cells are all numbers ("failed", "n/a" are gaps)."""
    filled = [c for c in cells if c and c not in ("failed", "n/a", "—")]
    return bool(filled) and all(_looks_numeric(c) for c in filled)


def _looks_numeric(cell: str) -> bool:
    head = cell.split(" ")[0].rstrip("×%x").replace(",", "")
    try:
        float(head)
    except ValueError:
        return False
    return True


def machine() -> dict[str, object]:
    """Where the figures came from: cores, RAM, CPU model, load, and the versions measured."""
    info: dict[str, object] = {
        "date_utc": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_avg_1_5_15": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for row in meminfo.read_text().splitlines():
            if row.startswith("MemTotal:"):
                info["ram_gib"] = round(int(row.split()[1]) / 1024**2, 1)
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for row in cpuinfo.read_text().splitlines():
            if row.startswith("model name"):
                info["cpu"] = row.split(":", 1)[1].strip()
                break
    versions = {}
    for dist in ("tf1migrate", "libcst", "tensorflow", "keras", "tf-keras"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    info["versions"] = versions
    return info


def machine_line(info: dict[str, object]) -> str:
    """One Markdown line saying when and where, and how loaded the machine was."""
    load = info.get("load_avg_1_5_15") or []
    load_text = f", load {load[0]:.1f}" if load else ""
    return (f"_{info['date_utc']}; {info.get('cores')} cores, {info.get('ram_gib', '?')} GiB RAM, "
            f"{info.get('cpu', 'unknown CPU')}; Python {info['python']}{load_text}_")


def write_json(name: str, payload: dict[str, object], out_dir: Path | None = None) -> Path:
    """Write ``<name>-<timestamp>.json`` and ``<name>-latest.json``; return the first."""
    directory = out_dir or OUT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(payload, indent=2, sort_keys=True, default=_json_default)
    path = directory / f"{name}-{stamp}.json"
    path.write_text(text + "\n", encoding="utf-8")
    (directory / f"{name}-latest.json").write_text(text + "\n", encoding="utf-8")
    return path


def _json_default(value: object) -> object:
    if hasattr(value, "to_json"):
        return value.to_json()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}×"


def emit(name: str, title: str, tables: Sequence[str], payload: dict[str, object],
         out_dir: Path | None = None) -> Path:
    """Print the Markdown report and write the JSON next to it."""
    info = machine()
    payload.setdefault("machine", info)
    print(f"## {title}\n\n{machine_line(info)}\n")
    for table in tables:
        print(table + "\n")
    path = write_json(name, payload, out_dir)
    print(f"JSON: {path}", file=sys.stderr)
    return path
