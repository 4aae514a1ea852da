"""Why each variable-creating callable is or is not a layer: `explain FILE[::CALLABLE]`,
`migrate --verbose`, and `files[].decisions` in the JSON report (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from tf1migrate.cli import main

REPO = Path(__file__).resolve().parents[2]
FILES = {
    "nets.py": (
        "import tensorflow as tf\n\n\n"
        "def dense(x, units, name):\n"
        "    with tf.variable_scope(name):\n"
        "        w = tf.get_variable('w', [x.shape[-1], units])\n"
        "        return tf.matmul(x, w)\n\n\n"
        "def mlp(x, hidden=8):\n"
        "    return dense(tf.nn.relu(dense(x, hidden, 'h1')), 2, 'out')\n\n\n"
        "def table(n_words):\n"
        "    with tf.variable_scope('table'):\n"
        "        return tf.get_variable('w', [n_words, 4])\n"
    ),
}


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_explain_a_file_lists_every_decision_with_its_evidence(make_repo) -> None:
    root = make_repo(FILES)
    result = invoke("explain", str(root / "nets.py"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "repo/nets.py:4 dense: not wrapped: it runs inside the layer of the code that calls it "
        "(score 0, threshold 2)",
        "      +1  opens a variable scope named by its scope/name/reuse parameter",
        "      -1  a helper of mlp in its module",
        "repo/nets.py:10 mlp: wrapped in `MlpLayer` (score 2, threshold 2)",
        "      +2  outermost model code: no other model code calls it",
        "repo/nets.py:14 table: not wrapped: no layer can be made of it (score 2, threshold 2, "
        "vetoed)",
        "    veto  no tensor input: every parameter is configuration (str/bool/number/dict/"
        "hparams), so a layer's call would have nothing to run on",
        "          what to do: wrap the function it builds or calls with tensors instead, or pass "
        "a tensor argument (a parameter used as a tensor becomes a call input)",
        "      +2  outermost model code: no other model code calls it",
    ]
    assert (root / "nets.py").read_text() == FILES["nets.py"]  # nothing written


def test_explain_one_callable_and_an_unknown_one(make_repo) -> None:
    root = make_repo(FILES)
    one = invoke("explain", f"{root / 'nets.py'}::mlp")
    assert one.exit_code == 0, one.output
    assert one.output.splitlines()[0] == (
        "repo/nets.py:10 mlp: wrapped in `MlpLayer` (score 2, threshold 2)"
    )
    assert len(one.output.splitlines()) == 2
    missing = invoke("explain", f"{root / 'nets.py'}::relu")
    assert missing.exit_code == 2
    assert "`relu` creates no TF1 variables" in missing.output
    assert "(callables that do: dense, mlp, table)" in missing.output
    assert invoke("explain", "TFM103").output.startswith("TFM103: ")  # rules still explained


def test_migrate_verbose_prints_the_decisions_after_the_findings(make_repo) -> None:
    root = make_repo(FILES)
    result = invoke("migrate", "--check", "--verbose", str(root))
    assert result.exit_code == 1, result.output
    output = result.output
    assert "Why each variable-creating callable is or is not a layer:" in output
    assert output.index("TFM304") < output.index("Why each variable-creating")
    assert "repo/nets.py:10 mlp: wrapped in `MlpLayer` (score 2, threshold 2)" in output
    quiet = invoke("migrate", "--check", str(root))
    assert "Why each variable-creating" not in quiet.output


def test_json_report_carries_the_decisions_and_matches_the_schema(make_repo, tmp_path) -> None:
    root = make_repo(FILES)
    out = tmp_path / "report.json"
    result = invoke("migrate", "--check", "--output-format", "json", "--output-file", str(out),
                    str(root))
    assert result.exit_code == 1, result.output
    report = json.loads(out.read_text())
    schema = json.loads((REPO / "docs" / "report-v1.schema.json").read_text())
    jsonschema.validate(report, schema)
    (file,) = [f for f in report["files"] if f["path"].endswith("nets.py")]
    decisions = {d["callable"]: d for d in file["decisions"]}
    assert set(decisions) == {"dense", "mlp", "table"}
    assert decisions["mlp"]["wrapped"] and decisions["mlp"]["layer"] == "MlpLayer"
    assert decisions["mlp"]["score"] == sum(e["points"] for e in decisions["mlp"]["evidence"])
    table = decisions["table"]
    assert table["verdict"] == "not-a-layer" and table["layer"] is None
    assert any(e["veto"] and e["advice"] for e in table["evidence"])
