"""tf.distribute: MirroredStrategy over two logical CPUs, MultiWorkerMirroredStrategy over
two local worker processes. Each runs in fresh processes (devices/TF_CONFIG are fixed when
TensorFlow initialises)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TF_USE_LEGACY_KERAS", "TF_CONFIG")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    env.update(TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="", **extra)
    return env


def _result(stdout: str, stderr: str) -> dict:
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise AssertionError(f"child printed no RESULT line; stderr tail:\n{stderr[-4000:]}")


@pytest.mark.slow
def test_mirrored_strategy_two_logical_cpus():
    proc = subprocess.run(
        [sys.executable, "-m", "tests.runtime.distributed_worker", "mirrored"],
        cwd=REPO, env=_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    result = _result(proc.stdout, proc.stderr)
    assert result["replicas"] == 2
    assert result["cross_replica_mirrored"] == ["model/h0/b", "model/h0/w", "model/wte"]
    assert result["cross_replica_weights"] == 3
    assert result["checkpoint_loaded"] == ["model/h0/b", "model/h0/w", "model/wte"]
    assert result["checkpoint_outputs_equal"] and result["checkpoint_replicas_equal"]
    assert result["replica_created"] == [
        ["stats/moving_mean", "SyncOnReadVariable"], ["stats/w", "MirroredVariable"]]
    assert result["on_read_mean"] == pytest.approx(1.5)  # replicas saw 1.0 and 2.0
    # Raw tf.Variables (and a get_variable whose TF1 graph name is raw/w_1), both contexts.
    raw = [["raw/seen", "SyncOnReadVariable"], ["raw/w", "MirroredVariable"],
           ["raw/w_1", "MirroredVariable"]]
    assert result["raw_cross_replica"] == raw
    assert result["raw_replica_created"] == raw
    assert result["raw_replica_outputs"] == [[3.0, 3.0], [5.0, 5.0]]  # x * 2 + 1 per replica
    assert result["raw_replica_seen"] == pytest.approx(1.5)
    assert result["fit_losses"][-1] < result["fit_losses"][0]
    assert result["fit_all_changed"] and result["fit_replicas_equal"]


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@pytest.mark.slow
def test_multi_worker_mirrored_two_local_workers(tmp_path):
    workers = [f"127.0.0.1:{port}" for port in _free_ports(2)]
    procs = []
    for index in range(2):
        tf_config = json.dumps({"cluster": {"worker": workers},
                                "task": {"type": "worker", "index": index}})
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "tests.runtime.distributed_worker", "multi_worker",
             str(tmp_path / f"worker{index}.npz")],
            cwd=REPO, env=_env(TF_CONFIG=tf_config),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = []
    try:
        for proc in procs:
            outputs.append(proc.communicate(timeout=300))
    except subprocess.TimeoutExpired:
        for proc in procs:
            proc.kill()
        logs = [proc.communicate()[1][-2000:] for proc in procs]
        pytest.fail("multi-worker training timed out after 300 s; worker stderr tails:\n"
                    + "\n---\n".join(logs))
    results = []
    for index, (proc, (stdout, stderr)) in enumerate(zip(procs, outputs)):
        assert proc.returncode == 0, f"worker {index} failed:\n{stderr[-4000:]}"
        results.append(_result(stdout, stderr))
        assert results[-1]["task"] == index
    losses = results[0]["losses"]
    assert losses == pytest.approx(results[1]["losses"])  # the all-reduced global loss
    assert losses[-1] < losses[0]

    first, second = (np.load(tmp_path / f"worker{i}.npz") for i in range(2))
    assert sorted(first.files) == sorted(second.files)
    names = [key[len("final/"):] for key in first.files if key.startswith("final/")]
    assert sorted(names) == ["model/h0/b", "model/h0/w", "model/wte"]
    for name in names:
        np.testing.assert_array_equal(first[f"initial/{name}"], second[f"initial/{name}"])
        np.testing.assert_array_equal(first[f"final/{name}"], second[f"final/{name}"])
        assert not np.allclose(first[f"final/{name}"], first[f"initial/{name}"]), name
