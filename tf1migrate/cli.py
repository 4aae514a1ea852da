"""The `tf1migrate` command line: parse options, call one function, hand data to a reporter.

Kept thin and light on purpose: a pre-commit run starts this process once per commit, so
everything heavy (rich, nbformat, the engine, reporters, verify) is imported only when a
command needs it, and TensorFlow never in the migrate path.

Exit codes: 0 nothing to do / success; 1 changes pending (--check/--diff) or a
verification mismatch; 2 usage, configuration or processing errors; 130 interrupted.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterable, Sequence
from typing import Any

import click

from tf1migrate import __version__

EXIT_OK, EXIT_PENDING, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
OUTPUT_FORMATS = ("text", "json", "markdown", "sarif", "github", "junit")
VERIFY_FORMATS = ("text", "json", "markdown", "junit")
VERIFY_INSTALL_HINT = "tf1migrate verify needs TensorFlow: pip install 'tf1migrate[verify]'"


class UsageFailure(click.ClickException):
    """A problem with what the user asked (bad config, bad flag combination): exit code 2."""

    exit_code = EXIT_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"tf1migrate: error: {self.format_message()}", err=True)


def _split(values: Iterable[str]) -> tuple[str, ...]:
    """`--select A,B --select C` → ("A", "B", "C")."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _internal_error(exc: BaseException, verbose: bool) -> None:
    if verbose:
        traceback.print_exception(exc)
    click.echo(
        f"tf1migrate: internal error: {type(exc).__name__}: {exc} "
        "(run with --verbose for the traceback, and please report it)",
        err=True,
    )
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="tf1migrate")
def main() -> None:
    """Migrate TensorFlow 1 model code to TensorFlow 2 Keras layers."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--diff",
    "diff",
    is_flag=True,
    help="Print a unified diff; write nothing (exit 1 if anything would change).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if anything would change.")
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit 0 even when files would change (to look at a --diff); errors still exit 2.",
)
@click.option("--target", type=click.Choice(["keras", "module"]), default=None,
              help="Wrap roots in tf.keras.layers.Layer (default) or tf.Module.")
@click.option(
    "--select",
    multiple=True,
    metavar="RULE[,RULE]",
    help="Only these rule ids or prefixes.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="RULE[,RULE]",
    help="Skip these rule ids or prefixes.",
)
@click.option("--rules", "rule_packs", multiple=True, type=click.Path(exists=True, dir_okay=False),
              metavar="PACK.toml", help="Extra rule pack (repeatable).")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: cores).",
)
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default="text",
    show_default=True,
)
@click.option("--output-file", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report here instead of standard output.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Read [tool.tf1migrate] from this pyproject.toml instead of searching for it.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write .tf1migrate_cache/.")
@click.option("--quiet", "-q", is_flag=True, help="Every finding; no summary, no progress bar.")
@click.option("--statistics", is_flag=True, help="A count per rule instead of each finding.")
@click.option(
    "--stdin-filename",
    metavar="PATH",
    default=None,
    help="With `-`: the file standard input stands for (config, project, messages).",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Tracebacks for internal errors, cache statistics, and why each variable-creating "
    "callable is or is not wrapped.",
)
@click.option(
    "--allow-dirty",
    is_flag=True,
    help="Rewrite files with uncommitted or untracked changes (and `.` outside git).",
)
@click.option(
    "--verify",
    "then_verify",
    is_flag=True,
    help="Run `tf1migrate verify` on the migrated files.",
)
def migrate(
    paths: Sequence[str], diff: bool, check: bool, exit_zero: bool, target: str | None,
    select: Sequence[str],
    ignore: Sequence[str], rule_packs: Sequence[str], jobs: int | None, output_format: str,
    output_file: str | None, config_file: str | None, no_cache: bool, quiet: bool,
    statistics: bool, stdin_filename: str | None, verbose: bool, allow_dirty: bool,
    then_verify: bool,
) -> None:
    """Rewrite PATHS (files or directories, default: .) in place.

    `-` reads one file from standard input and writes the migrated text to standard output
    (with --diff: the diff); --stdin-filename names the file it stands for.
    """
    if diff and check:
        raise UsageFailure("--diff and --check cannot be combined")
    if then_verify and (diff or check):
        raise UsageFailure(
            "--verify checks migrated files on disk: it cannot be used with --diff or --check"
        )
    mode = "diff" if diff else "check" if check else "write"
    from pathlib import Path

    stdin = "-" in paths
    if stdin and len(paths) > 1:
        raise UsageFailure("`-` (standard input) cannot be combined with other paths")
    if stdin and then_verify:
        raise UsageFailure("--verify checks files on disk: it cannot be used with `-`")
    if stdin_filename is not None and not stdin:
        raise UsageFailure("--stdin-filename only applies when reading `-` (standard input)")
    if stdin and mode == "write" and output_format != "text" and output_file is None:
        raise UsageFailure(
            "with `-` standard output carries the migrated code: write the report to a file "
            "with --output-file"
        )
    if statistics and output_format != "text":
        raise UsageFailure("--statistics is a text report: it cannot be used with --output-format")

    guarded = mode == "write" and not allow_dirty
    if not paths and guarded:
        _refuse_implicit_dot_outside_git()
    paths = tuple(paths) or (".",)

    from tf1migrate.config import ConfigError, load_config

    config_paths = (stdin_filename or ".",) if stdin else paths
    try:
        config = load_config(config_paths, Path(config_file) if config_file else None).with_overrides(
            target=target, select=_split(select), ignore=_split(ignore), rules=tuple(rule_packs),
            jobs=jobs,
        )
    except ConfigError as exc:
        raise UsageFailure(f"TFM008 {exc}") from None

    machine = output_format != "text" or output_file is not None
    try:
        if stdin:
            result = _run_stdin(stdin_filename, config, mode, no_cache, quiet, statistics, machine)
        else:
            result = _run(
                paths, config, mode, no_cache, quiet, verbose, machine, guarded, statistics
            )
    except (click.exceptions.Exit, click.ClickException):
        raise
    except KeyboardInterrupt:
        click.echo(
            "tf1migrate: interrupted; every file is either as it was or fully migrated", err=True
        )
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # the one place a bug may surface: one line unless --verbose
        _internal_error(exc, verbose)

    from tf1migrate.runner import exit_code

    code = exit_code(result)
    if exit_zero and code == EXIT_PENDING:
        code = EXIT_OK
    verify_result = None
    if then_verify:
        verify_result = _verify_or_explain(paths, jobs=config.jobs)
        code = max(code, verify_result.exit_code)
        if not machine:
            from tf1migrate.verify.report import render_table

            click.echo(render_table(verify_result), nl=False)
    if machine:
        _emit(_render(result, output_format, verify_result), output_file)
    sys.exit(code)


def _refuse_implicit_dot_outside_git() -> None:
    """No path and no git to restore from: a stray run must not rewrite the whole directory."""
    from pathlib import Path

    from tf1migrate.discovery import git_toplevel

    if git_toplevel(Path.cwd()) is None:
        raise UsageFailure(
            "refusing to rewrite the current directory outside a git repository, where nothing "
            "could bring the originals back: name what to rewrite (`tf1migrate migrate .`), "
            "or preview it with --diff"
        )


def _run(
    paths: Sequence[str], config: Any, mode: str, no_cache: bool, quiet: bool, verbose: bool,
    machine: bool, guarded: bool = False, statistics: bool = False,
) -> Any:
    """Run the migration with a progress bar where people watch, and tell them what happened.

    Diffs and machine-readable reports own standard output; people's messages then go to
    standard error, so `tf1migrate migrate --diff > patch` gives a clean patch.
    """
    from tf1migrate.discovery import DirtyTree, check_clean
    from tf1migrate.reporters import text as text_report
    from tf1migrate.runner import run_migrate

    console = text_report.make_console(stderr=mode == "diff" or machine)
    try:
        with text_report.progress_bar(console, enabled=not quiet) as progress:
            result = run_migrate(
                paths, config.options(), mode=mode, jobs=config.jobs, use_cache=not no_cache,
                progress=progress, config=config, verbose=verbose,
                before_write=check_clean if guarded else None,
            )
    except DirtyTree as exc:  # nothing was written
        raise UsageFailure(str(exc)) from None
    if mode == "diff" and not machine:
        from tf1migrate.reporters import changed_files, unified_diff

        stdout = text_report.make_console()
        for file in changed_files(result.files):
            text_report.print_diff(stdout, unified_diff(file))
    if not (machine and quiet):
        text_report.report(
            result, console, quiet=quiet, statistics=statistics, decisions=verbose and not machine
        )
    if verbose:
        cached = sum(1 for f in result.files if f.cached)
        click.echo(f"cache: {cached}/{len(result.files)} results reused", err=True)
    return result


def _run_stdin(
    filename: str | None, config: Any, mode: str, no_cache: bool, quiet: bool, statistics: bool,
    machine: bool,
) -> Any:
    """Migrate standard input as the file `filename` stands for; the result goes to stdout.

    When `filename` exists, the text is migrated as that file of its project (its config,
    module name and callers), with the bytes read from stdin instead of the disk; otherwise
    on its own. Nothing is ever written to disk; messages go to standard error.
    """
    import dataclasses
    import tempfile
    from pathlib import Path

    from tf1migrate.reporters import text as text_report
    from tf1migrate.reporters import unified_diff
    from tf1migrate.runner import run_migrate
    from tf1migrate.sourcefile import content_override, read_source
    from tf1migrate.types import FileStatus

    raw = click.get_binary_stream("stdin").read()
    shown = filename or "-"
    suffix = ".ipynb" if shown.endswith(".ipynb") else ".py"
    with tempfile.TemporaryDirectory(prefix="tf1migrate-stdin-") as scratch:
        if filename is not None and Path(filename).is_file():
            target, use_cache = Path(filename), not no_cache
        else:  # a new buffer, or plain `-`: migrated alone
            target, use_cache = Path(scratch) / f"stdin{suffix}", False
            target.write_bytes(raw)
        with content_override(target, raw):
            result = run_migrate(
                [str(target)], config.options(), mode="check", jobs=1, use_cache=use_cache,
                config=config,
            )
            source = read_source(target)
    files = [dataclasses.replace(
        f, path=shown, findings=tuple(dataclasses.replace(x, path=shown) for x in f.findings)
    ) for f in result.files]
    result = dataclasses.replace(result, files=files, mode=mode)
    changed = next((f for f in files if f.status == FileStatus.CHANGED), None)
    stdout = click.get_binary_stream("stdout")
    if mode == "write":
        stdout.write(source.render(changed.migrated) if changed and changed.migrated else raw)
    elif mode == "diff" and changed is not None and not machine:
        stdout.write(unified_diff(changed).encode("utf-8"))
    stdout.flush()
    if not machine:
        report_on = text_report.make_console(stderr=True)
        text_report.report(dataclasses.replace(result, mode="write" if mode == "write" else mode),
                           report_on, quiet=True, statistics=statistics)
        if not quiet and mode != "check":  # --check says `would migrate PATH` itself
            state = "unchanged" if changed is None else "migrated" if mode == "write" else "would change"
            click.echo(f"tf1migrate: {shown}: {state}", err=True)
    return result


def _render(result: Any, output_format: str, verify_result: Any) -> str:
    """The codemod's report; with ``--verify``, verify adds its results in the same format
    (the codemod's reporters know nothing of verify)."""
    from tf1migrate import reporters

    report = reporters.load(output_format).render(result)
    if verify_result is None:
        return report
    from tf1migrate.verify.report import attach, render_table

    if output_format in ("sarif", "github"):  # no place for them there: people read stderr
        click.echo(render_table(verify_result), err=True, nl=False)
    return attach(output_format, report, verify_result)


def _emit(text: str, output_file: str | None) -> None:
    if output_file is None:
        click.echo(text, nl=False)
        return
    try:
        with open(output_file, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageFailure(f"cannot write --output-file {output_file}: {exc.strerror}") from None


def _tensorflow_missing() -> bool:
    import importlib.util

    return importlib.util.find_spec("tensorflow") is None


def _verify_or_explain(paths: Sequence[str], **kwargs: Any) -> Any:
    """run_verify, or a clear install hint (exit 2) when TensorFlow is not installed."""
    if _tensorflow_missing():
        raise UsageFailure(VERIFY_INSTALL_HINT)
    from tf1migrate.verify import run_verify

    return run_verify(list(paths), **{k: v for k, v in kwargs.items() if v is not None})


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=str))
@click.option(
    "--base",
    default=None,
    metavar="GIT-REF",
    help="Take the original code from this git revision.",
)
@click.option(
    "--original",
    type=click.Path(exists=True),
    default=None,
    help="Directory with the original (TF1) code.",
)
@click.option(
    "--checkpoint",
    type=click.Path(),
    default=None,
    help="Compare variables with this TF1 checkpoint.",
)
@click.option(
    "--numerics/--no-numerics",
    default=None,
    help="Also compare outputs on the same inputs.",
)
@click.option("--training", is_flag=True, help="Also compare with training=True.")
@click.option("--rtol", type=float, default=1e-5, show_default=True)
@click.option("--atol", type=float, default=1e-5, show_default=True)
@click.option(
    "--timeout",
    type=float,
    default=300,
    show_default=True,
    help="Seconds per child process.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Child processes at once.",
)
@click.option("--emit-tests", type=click.Path(file_okay=False), default=None,
              help="Write pytest files that repeat these checks.")
@click.option("--select", multiple=True, metavar="module:Name", help="Only these layers.")
@click.option("--allow-empty", is_flag=True,
              help="Exit 0 when no generated wrappers are found (default: 1, nothing verified).")
@click.option(
    "--output-format",
    type=click.Choice(VERIFY_FORMATS),
    default="text",
    show_default=True,
)
@click.option("--output-file", type=click.Path(dir_okay=False, writable=True), default=None)
def verify(paths: Sequence[str], base: str | None, original: str | None, checkpoint: str | None,
           numerics: bool | None, training: bool, rtol: float, atol: float, timeout: float,
           jobs: int | None, emit_tests: str | None, select: Sequence[str], allow_empty: bool,
           output_format: str, output_file: str | None) -> None:
    """Check each generated layer under PATHS against its TF1 original (or a checkpoint)."""
    result = _verify_or_explain(
        tuple(paths) or (".",), base=base, original=original, checkpoint=checkpoint,
        numerics=numerics, training=training, rtol=rtol, atol=atol, timeout=timeout, jobs=jobs,
        emit_tests=emit_tests, select=_split(select) or None, allow_empty=allow_empty or None,
    )
    from tf1migrate.verify import report

    renderers = {"text": report.render_table, "json": report.render_json,
                 "markdown": report.render_markdown, "junit": report.render_junit}
    _emit(renderers[output_format](result), output_file)
    sys.exit(result.exit_code)


def _catalog() -> Any:
    from tf1migrate import catalog

    return catalog


def _rule_field(rule: Any, *names: str) -> str:
    for name in names:
        value = rule.get(name) if isinstance(rule, dict) else getattr(rule, name, None)
        if value:
            return str(value)
    return ""


def _with_runtime_import(example: str) -> str:
    """The `import tf1compat` the engine adds, when an example uses it (so it runs as shown)."""
    if "tf1compat." not in example or "import tf1compat" in example:
        return example
    lines = example.splitlines(keepends=True)
    last_import = max(
        (i for i, line in enumerate(lines) if line.startswith(("import ", "from "))), default=-1
    )
    if last_import < 0:
        return "import tf1compat\n\n\n" + example
    return "".join([*lines[: last_import + 1], "import tf1compat\n", *lines[last_import + 1 :]])


@main.command(name="rules")
def list_rules() -> None:
    """List every rule id with a one-line description."""
    for rule in _catalog().all_rules():
        rule_id = _rule_field(rule, "id", "rule_id", "code")
        click.echo(f"{rule_id}  {_rule_field(rule, 'summary', 'description', 'title', 'name')}")


@main.command()
@click.argument("rule", metavar="RULE | FILE[::CALLABLE]")
def explain(rule: str) -> None:
    """What RULE does, why, and a before/after example; or, for FILE[::CALLABLE], why each
    variable-creating callable of FILE (or just CALLABLE) is or is not wrapped, with the
    evidence and its score."""
    from pathlib import Path

    path, separator, name = rule.partition("::")
    if separator or Path(path).suffix in (".py", ".ipynb") or Path(path).exists():
        _explain_callables(path, name)
        return
    catalog = _catalog()
    try:
        entry = catalog.get(rule.upper())
    except KeyError:
        entry = None
    if entry is None:
        raise UsageFailure(f"unknown rule {rule!r}; `tf1migrate rules` lists them")
    rule_id = _rule_field(entry, "id", "rule_id", "code") or rule.upper()
    lines = [f"{rule_id}: {_rule_field(entry, 'summary', 'description', 'title', 'name')}", ""]
    why = _rule_field(entry, "why", "rationale", "explanation")
    if why:
        lines += ["Why:", f"  {why}", ""]
    examples = (("Before:", ("before", "example_before")), ("After:", ("after", "example_after")))
    for label, names in examples:
        example = _rule_field(entry, *names)
        if label == "After:":
            example = _with_runtime_import(example)
        if example:
            lines += [label, *("    " + line for line in example.rstrip().splitlines()), ""]
    click.echo("\n".join(lines).rstrip())


def _explain_callables(path: str, name: str) -> None:
    """The plan's decisions for one file of its project (nothing is written)."""
    from pathlib import Path

    from tf1migrate.config import ConfigError, load_config
    from tf1migrate.reporters.decisions import render
    from tf1migrate.runner import run_migrate
    from tf1migrate.types import Severity

    if not Path(path).is_file():
        raise UsageFailure(f"{path}: no such file")
    try:
        config = load_config((path,), None)
    except ConfigError as exc:
        raise UsageFailure(f"TFM008 {exc}") from None
    result = run_migrate([path], config.options(), mode="check", jobs=1, config=config)
    files = [f for f in result.files if f.decisions or f.findings]
    errors = [
        f for file in result.files for f in file.findings if f.severity == Severity.ERROR
    ] + [f for f in result.findings if f.severity == Severity.ERROR]
    if errors:
        raise UsageFailure("; ".join(f"{f.path}:{f.line}: {f.rule} {f.message}" for f in errors))
    decisions = [(file.path, d) for file in files for d in file.decisions]
    if name:
        wanted = [(p, d) for p, d in decisions if name in (d.callable, d.callable.removesuffix(".__init__"))]
        if not wanted:
            known = ", ".join(d.callable for _, d in decisions) or "none"
            raise UsageFailure(
                f"{path}: `{name}` creates no TF1 variables, or is not defined there "
                f"(callables that do: {known})"
            )
        decisions = wanted
    if not decisions:
        click.echo(f"{path}: no callable creates TF1 variables: nothing to wrap")
        return
    for file_path, decision in decisions:
        click.echo("\n".join(render(file_path, decision)))


if __name__ == "__main__":  # pragma: no cover
    main()
