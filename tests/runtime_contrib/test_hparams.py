"""HParams against TF 1.15's tf.contrib.training.HParams behaviour (hparam.py / hparam_test.py)."""

from __future__ import annotations

import json

import pytest
from tf1compat.contrib.training import HParams, parse_values


def test_keyword_construction_and_attribute_access():
    hp = HParams(aaa=1, b=2.0, c_c="relu6", d=True, e=[1, 2])
    assert (hp.aaa, hp.b, hp.c_c, hp.d, hp.e) == (1, 2.0, "relu6", True, [1, 2])
    assert "aaa" in hp and "zzz" not in hp
    assert hp.values() == {"aaa": 1, "b": 2.0, "c_c": "relu6", "d": True, "e": [1, 2]}
    assert str(hp) == str(sorted(hp.values().items()))
    assert repr(hp).startswith("HParams([")


def test_parse_scalars_lists_and_casts():
    hp = HParams(aaa=1, b=2.0, c_c="relu6", d=True, e=[1, 2], f=[0.5])
    assert hp.parse("aaa=12,b=3,c_c=relu4,d=false,e=[4, 5 ,6],f=[1,2.5]") is hp
    assert (hp.aaa, hp.b, hp.c_c, hp.d, hp.e, hp.f) == (
        12,
        3.0,
        "relu4",
        False,
        [4, 5, 6],
        [1.0, 2.5],
    )
    assert type(hp.b) is float
    hp.parse("d=1")
    assert hp.d is True
    hp.parse("")
    assert hp.aaa == 12


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("aaa=2.5", "Could not parse hparam 'aaa' of type 'int'"),
        ("xyz=1", "Unknown hyperparameter type for xyz"),
        ("aaa=1,aaa=2", "Multiple assignments to variable 'aaa'"),
        ("d=maybe", "Could not parse hparam 'd' of type 'bool'"),
        ("aaa", "Malformed hyperparameter value"),
        ("e=5", "Must pass a list for multi-valued parameter: e"),
        ("aaa=[1,2]", "Must not pass a list for single-valued parameter: aaa"),
        ("e[1]=[3]", "Assignment of a list to a list index"),
    ],
)
def test_parse_errors(text, message):
    hp = HParams(aaa=1, d=True, e=[1, 2])
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        hp.parse(text)


def test_parse_values_indexed_assignments():
    assert parse_values("arr[1]=10,arr[3]=20,s=x", {"arr": int, "s": str}) == {
        "arr": {1: 10, 3: 20},
        "s": "x",
    }
    assert parse_values("unknown=1,a=2", {"a": int}, ignore_unknown=True) == {"a": 2}


def test_set_hparam_casting_rules():
    hp = HParams(i=1, f=1.0, s="a", b=False, n=None)
    hp.set_hparam("f", 3)  # int -> float is fine
    assert hp.f == 3.0 and type(hp.f) is float
    hp.set_hparam("n", "anything")  # None-typed: no checking
    assert hp.n == "anything"
    for name, value in [("i", 1.5), ("i", True), ("b", 1), ("s", 3), ("f", "x")]:
        with pytest.raises(ValueError, match="Could not cast hparam"):
            hp.set_hparam(name, value)
    with pytest.raises(KeyError):
        hp.set_hparam("missing", 1)


def test_override_from_dict_add_del_and_reserved_names():
    hp = HParams(learning_rate=0.1, layers=[3])
    assert hp.override_from_dict({"learning_rate": 0.2, "layers": [4, 5]}) is hp
    assert hp.values() == {"learning_rate": 0.2, "layers": [4, 5]}
    hp.add_hparam("extra", "x")
    assert hp.extra == "x"
    with pytest.raises(ValueError, match="Hyperparameter name is reserved: values"):
        hp.add_hparam("values", 1)
    with pytest.raises(ValueError, match="reserved"):
        hp.add_hparam("extra", "again")
    with pytest.raises(ValueError, match="cannot be empty"):
        hp.add_hparam("empty", [])
    hp.del_hparam("extra")
    assert "extra" not in hp and not hasattr(hp, "extra")


def test_json_round_trip_and_get():
    hp = HParams(a=1, b=[1.0, 2.0], c="x", fn=len)
    assert json.loads(hp.to_json()) == {"a": 1, "b": [1.0, 2.0], "c": "x"}
    assert hp.to_json(sort_keys=True, indent=1).startswith("{\n")
    other = HParams(a=0, b=[0.0], c="")
    other.parse_json(hp.to_json())
    assert other.values() == {"a": 1, "b": [1.0, 2.0], "c": "x"}
    assert hp.get("a") == 1 and hp.get("zz", 7) == 7 and hp.get("a", 5) == 1
    with pytest.raises(ValueError, match="is incompatible with default"):
        hp.get("a", "str")
    with pytest.raises(ValueError, match="is incompatible with default"):
        hp.get("b", 1.0)


def test_hparam_def_is_refused_clearly():
    with pytest.raises(ValueError, match="HParamDef"):
        HParams(hparam_def=object())
