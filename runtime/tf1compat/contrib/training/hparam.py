"""``HParams``: TF 1.15's ``tf.contrib.training.HParams``, without TensorFlow.

Hyperparameters are attributes; each keeps the type of its first value (a list keeps its
elements' type), and ``set_hparam`` / ``parse`` / ``override_from_dict`` cast to it with
TF 1.15's rules: no float -> int, no number <-> bool, no non-string -> string.

Example::

    hparams = HParams(n_vocab=0, n_ctx=1024, n_embd=768, layers=[1, 2])
    hparams.parse("n_ctx=512,layers=[3, 4]")
    hparams.override_from_dict({"n_vocab": 50257})
    hparams.n_ctx, hparams.values()["layers"]      # 512, [3, 4]
    hparams.to_json(sort_keys=True)
"""

from __future__ import annotations

import json
import numbers
import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["HParams", "parse_values"]

PARAM_RE = re.compile(
    r"""
  (?P<name>[a-zA-Z][\w\.]*)      # variable name: "var" or "x"
  (\[\s*(?P<index>\d+)\s*\])?    # (optional) index: "1" or None
  \s*=\s*
  ((?P<val>[^,\[]*)              # single value: "a" or None
   |
   \[(?P<vals>[^\]]*)\])         # list of values: None or "1,2,3"
  ($|,\s*)""",
    re.VERBOSE,
)


def _parse_fail(name: str, var_type: type, value: Any, values: str) -> None:
    raise ValueError(
        f"Could not parse hparam '{name}' of type '{var_type.__name__}' with value '{value}' in {values}"
    )


def _reuse_fail(name: str, values: str) -> None:
    raise ValueError(f"Multiple assignments to variable '{name}' in {values}")


def _process_scalar_value(
    name: str, parse: Callable, var_type: type, m_dict: dict, values: str, results: dict
) -> None:
    try:
        parsed_value = parse(m_dict["val"])
    except ValueError:
        _parse_fail(name, var_type, m_dict["val"], values)
    if not m_dict["index"]:
        if name in results:
            _reuse_fail(name, values)
        results[name] = parsed_value
        return
    if name in results:
        if not isinstance(results.get(name), dict):
            _reuse_fail(name, values)
    else:
        results[name] = {}
    index = int(m_dict["index"])
    if index in results[name]:
        _reuse_fail(f"{name}[{index}]", values)
    results[name][index] = parsed_value


def _process_list_value(
    name: str, parse: Callable, var_type: type, m_dict: dict, values: str, results: dict
) -> None:
    if m_dict["index"] is not None:
        raise ValueError("Assignment of a list to a list index.")
    elements = [e for e in re.split("[ ,]", m_dict["vals"]) if e]
    if name in results:
        _reuse_fail(name, values)
    try:
        results[name] = [parse(e) for e in elements]
    except ValueError:
        _parse_fail(name, var_type, m_dict["vals"], values)


def _cast_to_type_if_compatible(name: str, param_type: type, value: Any) -> Any:
    fail_msg = f"Could not cast hparam '{name}' of type '{param_type}' from value {value!r}"
    if type(value) == param_type:
        return value
    if issubclass(param_type, type(None)):
        return value
    if issubclass(param_type, (str, bytes)) and not isinstance(value, (str, bytes)):
        raise ValueError(fail_msg)
    if issubclass(param_type, bool) != isinstance(value, bool):
        raise ValueError(fail_msg)
    if issubclass(param_type, numbers.Integral) and not isinstance(value, numbers.Integral):
        raise ValueError(fail_msg)
    if issubclass(param_type, numbers.Number) and not isinstance(value, numbers.Number):
        raise ValueError(fail_msg)
    return param_type(value)


def parse_values(
    values: str, type_map: Mapping[str, type], ignore_unknown: bool = False
) -> dict[str, Any]:
    """Parse ``"a=1,b=[2,3],c[1]=x"`` into ``{name: value}`` using ``type_map`` to convert."""
    results: dict[str, Any] = {}
    pos = 0
    while pos < len(values):
        m = PARAM_RE.match(values, pos)
        if not m:
            raise ValueError(f"Malformed hyperparameter value: {values[pos:]}")
        pos = m.end()
        m_dict = m.groupdict()
        name = m_dict["name"]
        if name not in type_map:
            if ignore_unknown:
                continue
            raise ValueError(f"Unknown hyperparameter type for {name}")
        type_ = type_map[name]
        if type_ == bool:

            def parse_bool(value: str, name: str = name, type_: type = type_) -> bool:
                if value in ["true", "True"]:
                    return True
                if value in ["false", "False"]:
                    return False
                try:
                    return bool(int(value))
                except ValueError:
                    _parse_fail(name, type_, value, values)
                    raise

            parse: Callable = parse_bool
        else:
            parse = type_
        if m_dict["val"] is not None:
            _process_scalar_value(name, parse, type_, m_dict, values, results)
        elif m_dict["vals"] is not None:
            _process_list_value(name, parse, type_, m_dict, values, results)
        else:
            _parse_fail(name, type_, "", values)
    return results


class HParams:
    """A set of named, typed hyperparameters (see the module docstring)."""

    _HAS_DYNAMIC_ATTRIBUTES = True  # for pytype/pylint, as the original

    def __init__(self, hparam_def: Any = None, model_structure: Any = None, **kwargs: Any):
        self._hparam_types: dict[str, tuple[type, bool]] = {}
        self._model_structure = model_structure
        if hparam_def:
            raise ValueError(
                "HParams(hparam_def=...) needs the HParamDef protocol buffer, which TF2 no "
                "longer ships; pass the values as keyword arguments"
            )
        for name, value in kwargs.items():
            self.add_hparam(name, value)

    def add_hparam(self, name: str, value: Any) -> None:
        """Add ``name`` with ``value`` (its type becomes the parameter's type)."""
        if getattr(self, name, None) is not None:
            raise ValueError(f"Hyperparameter name is reserved: {name}")
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError(f"Multi-valued hyperparameters cannot be empty: {name}")
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name: str, value: Any) -> None:
        """Set an existing hyperparameter, cast to its type (``KeyError`` if unknown)."""
        param_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError(f"Must not pass a list for single-valued parameter: {name}")
            setattr(self, name, [_cast_to_type_if_compatible(name, param_type, v) for v in value])
        else:
            if is_list:
                raise ValueError(f"Must pass a list for multi-valued parameter: {name}.")
            setattr(self, name, _cast_to_type_if_compatible(name, param_type, value))

    def del_hparam(self, name: str) -> None:
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values: str) -> HParams:
        """Override from a ``"name=value,list=[1,2]"`` string; returns ``self``."""
        type_map = {name: param_type for name, (param_type, _) in self._hparam_types.items()}
        return self.override_from_dict(parse_values(values, type_map))

    def override_from_dict(self, values_dict: Mapping[str, Any]) -> HParams:
        """``set_hparam`` for every item; returns ``self``."""
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def set_from_map(self, values_map: Mapping[str, Any]) -> HParams:
        """Deprecated alias of ``override_from_dict``."""
        return self.override_from_dict(values_map)

    def set_model_structure(self, model_structure: Any) -> None:
        self._model_structure = model_structure

    def get_model_structure(self) -> Any:
        return self._model_structure

    def to_json(
        self, indent: int | None = None, separators: Any = None, sort_keys: bool = False
    ) -> str:
        """The values as JSON (callables left out)."""

        def remove_callables(x: Any) -> Any:
            if isinstance(x, dict):
                return {k: remove_callables(v) for k, v in x.items() if not callable(v)}
            if isinstance(x, list):
                return [remove_callables(i) for i in x if not callable(i)]
            return x

        return json.dumps(
            remove_callables(self.values()),
            indent=indent,
            separators=separators,
            sort_keys=sort_keys,
        )

    def parse_json(self, values_json: str) -> HParams:
        """Override from a JSON object string; returns ``self``."""
        return self.override_from_dict(json.loads(values_json))

    def values(self) -> dict[str, Any]:
        """``{name: value}`` of every hyperparameter."""
        return {n: getattr(self, n) for n in self._hparam_types}

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, else ``default`` (which must fit the parameter's type)."""
        if key in self._hparam_types:
            if default is not None:
                param_type, is_param_list = self._hparam_types[key]
                type_str = f"list<{param_type}>" if is_param_list else str(param_type)
                fail_msg = (
                    f"Hparam '{key}' of type '{type_str}' is incompatible with default={default}"
                )
                if is_param_list != isinstance(default, list):
                    raise ValueError(fail_msg)
                try:
                    for value in default if is_param_list else [default]:
                        _cast_to_type_if_compatible(key, param_type, value)
                except ValueError as e:
                    raise ValueError(f"{fail_msg}. {e}") from None
            return getattr(self, key)
        return default

    def __contains__(self, key: str) -> bool:
        return key in self._hparam_types

    def __str__(self) -> str:
        return str(sorted(self.values().items()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__str__()})"
