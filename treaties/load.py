"""Loading treaties and scenarios: built-in ids or YAML files, with located errors.

An argument containing ``/`` or ending in ``.yaml``/``.yml`` is a path;
anything else is the id of a built-in treaty or scenario.  Every problem,
from malformed YAML to an obligor who is not a party, becomes an
:class:`~games.errors.InputError` naming the file, the line, the field and
what was expected.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from games.errors import InputError
from treaties.cooperation import CooperationProfile
from treaties.scenario import Scenario
from treaties.schema import Treaty
from treaties.validate import Problem, profile_problems, scenario_problems, treaty_problems
from treaties.yaml_source import YamlDocument, dotted_location, parse_yaml, read_yaml

Kind = Literal["treaty", "scenario", "profile"]
ModelT = TypeVar("ModelT", bound=BaseModel)

_FOLDERS: dict[Kind, str] = {"treaty": "treaties", "scenario": "scenarios",
                             "profile": "profiles"}


def is_path(reference: str) -> bool:
    """Whether a command-line argument names a file rather than a built-in id."""
    return "/" in reference or reference.endswith((".yaml", ".yml"))


def builtin_ids(kind: Kind) -> tuple[str, ...]:
    """The ids of the built-in treaties, scenarios or cooperation profiles, sorted."""
    folder = resources.files("treaties").joinpath("data", _FOLDERS[kind])
    return tuple(sorted(entry.name.removesuffix(".yaml") for entry in folder.iterdir()
                        if entry.name.endswith(".yaml")))


def load_treaty(reference: str) -> Treaty:
    """A treaty by built-in id or path (see :func:`is_path`).

    Examples
    --------
    >>> treaty = load_treaty("sino-soviet-1950")
    >>> treaty.signed.isoformat(), treaty.party_codes
    ('1950-02-14', (365, 710))
    """
    return _load(reference, "treaty", Treaty)


def load_scenario(reference: str) -> Scenario:
    """A scenario by built-in id or path (see :func:`is_path`)."""
    return _load(reference, "scenario", Scenario)


def load_profile(reference: str) -> CooperationProfile:
    """A cooperation profile by built-in id or path (see :func:`is_path`)."""
    return _load(reference, "profile", CooperationProfile)


def builtin_profiles() -> tuple[CooperationProfile, ...]:
    """Every built-in cooperation profile, sorted by id."""
    return tuple(_builtin("profile", i, CooperationProfile) for i in builtin_ids("profile"))


def builtin_treaties() -> tuple[Treaty, ...]:
    """Every built-in treaty, sorted by id."""
    return tuple(_builtin("treaty", i, Treaty) for i in builtin_ids("treaty"))


def builtin_scenarios() -> tuple[Scenario, ...]:
    """Every built-in scenario, sorted by id."""
    return tuple(_builtin("scenario", i, Scenario) for i in builtin_ids("scenario"))


def _load(reference: str, kind: Kind, model: type[ModelT]) -> ModelT:
    if is_path(reference):
        return parse_model(read_yaml(reference), model)
    if reference not in builtin_ids(kind):
        known = ", ".join(builtin_ids(kind))
        raise InputError(f"no built-in {kind} {reference!r}", field=kind,
                         expected=f"a file path or one of: {known}")
    return _builtin(kind, reference, model)


@functools.cache
def _builtin_cached(kind: Kind, identifier: str) -> Treaty | Scenario | CooperationProfile:
    path = resources.files("treaties").joinpath("data", _FOLDERS[kind], f"{identifier}.yaml")
    document = parse_yaml(path.read_text("utf-8"), f"treaties/data/{_FOLDERS[kind]}/"
                                                   f"{identifier}.yaml")
    if kind == "treaty":
        return parse_model(document, Treaty)
    if kind == "profile":
        return parse_model(document, CooperationProfile)
    return parse_model(document, Scenario)


def _builtin(kind: Kind, identifier: str, model: type[ModelT]) -> ModelT:
    loaded = _builtin_cached(kind, identifier)
    assert isinstance(loaded, model)
    return loaded


def parse_model(document: YamlDocument, model: type[ModelT]) -> ModelT:
    """Validate a parsed YAML document as a treaty or scenario.

    Raises
    ------
    InputError
        For the first problem found, naming file, line and field; the
        message says how many more there are.
    """
    result, problems = validate_document(document, model)
    if problems:
        first = problems[0]
        if len(problems) > 1:
            more = len(problems) - 1
            first = InputError(f"{first.message} [and {more} more problem{'s' * (more > 1)}]",
                               source=first.source, line=first.line, field=first.field,
                               expected=first.expected)
        raise first
    assert result is not None
    return result


def validate_document(document: YamlDocument,
                      model: type[ModelT]) -> tuple[ModelT | None, list[InputError]]:
    """The validated model (None when invalid) and every problem, each located."""
    if not isinstance(document.data, dict):
        return None, [InputError("the document is not a mapping of fields",
                                 source=document.source, line=document.line_of(()) or 1,
                                 expected="fields written as `key: value` lines")]
    try:
        result = model.model_validate(document.data)
    except ValidationError as error:
        errors = error.errors()
        # Pydantic adds "too short" for a list whose item failed: the item's error says it.
        errors = [e for e in errors if not (e["type"] == "too_short" and any(
            o is not e and o["loc"][:len(e["loc"])] == e["loc"] for o in errors))]
        return None, [_from_pydantic(e, document, model) for e in errors]
    found = (treaty_problems(result) if isinstance(result, Treaty)
             else scenario_problems(result) if isinstance(result, Scenario)
             else profile_problems(result) if isinstance(result, CooperationProfile) else [])
    problems = [_from_problem(p, document) for p in found]
    return (None, problems) if problems else (result, [])


def check_files(paths: Sequence[str | Path], kind: Kind) -> tuple[int, list[InputError]]:
    """Validate files (directories: every ``*.yaml`` in them); also ids unique across files.

    Returns
    -------
    tuple
        The number of files checked and every problem found.
    """
    files = list(_expand(paths))
    problems: list[InputError] = [
        InputError("the directory holds no .yaml or .yml file", source=str(path),
                   expected=f"a directory of {kind} files")
        for path in map(Path, paths) if path.is_dir() and not any(_expand([path]))]
    first_file: dict[str, str] = {}
    for file in files:
        try:
            document = read_yaml(file)
        except InputError as error:
            problems.append(error)
            continue
        result: Treaty | Scenario | CooperationProfile | None
        if kind == "treaty":
            result, found = validate_document(document, Treaty)
        elif kind == "profile":
            result, found = validate_document(document, CooperationProfile)
        else:
            result, found = validate_document(document, Scenario)
        problems += found
        if result is None:
            continue
        if result.id in first_file:
            problems.append(InputError(
                f"duplicate {kind} id {result.id!r} (also in {first_file[result.id]})",
                source=str(file), line=document.line_of(("id",)), field="id",
                expected=f"each {kind} id once"))
        first_file.setdefault(result.id, str(file))
    return len(files), problems


def _expand(paths: Iterable[str | Path]) -> Iterable[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
        else:
            yield path


def _from_problem(problem: Problem, document: YamlDocument) -> InputError:
    return InputError(problem.message, source=document.source,
                      line=document.line_of(problem.location),
                      field=dotted_location(problem.location), expected=problem.expected)


def _from_pydantic(error: Any, document: YamlDocument, model: type[BaseModel]) -> InputError:
    """One pydantic error as an InputError located in the YAML file."""
    kind = error["type"]
    location = _document_path(error["loc"], document, missing=kind == "missing")
    field = dotted_location(location) or None
    line = document.line_of(location)
    context = error.get("ctx") or {}
    if kind == "tiedhands":
        return InputError(error["msg"], source=document.source, line=line, field=field,
                          expected=context.get("expected"))
    if kind == "extra_forbidden":
        allowed = _fields_at(model, location[:-1], document.data)
        return InputError(f"unknown field {location[-1]!r}", source=document.source, line=line,
                          field=field, expected=f"one of: {', '.join(allowed)}" if allowed
                          else None)
    if kind == "missing":
        return InputError("a required field is missing", source=document.source, line=line,
                          field=field)
    message = error["msg"]
    expected = None
    if kind == "string_pattern_mismatch":
        pattern = str(context.get("pattern", ""))
        expected = ("an http(s) address" if "http" in pattern else
                    "lower-case letters, digits and single hyphens" if "a-z0-9" in pattern
                    else "a name made of letters, digits and underscores")
        message = "wrong form"
    elif kind == "string_too_short":
        expected, message = "some text", "empty text"
    elif kind in ("too_short", "too_long"):
        expected = message.split(" should have ", 1)[-1].split(" after validation")[0]
        message = f"{len(error['input'])} item{'s' * (len(error['input']) != 1)}"
    for prefix in ("Input should be ", "Value should be "):
        if message.startswith(prefix):
            expected = message.removeprefix("Input should be ").removeprefix(
                "Value should be ")
            message = "wrong value"
    got = error.get("input")
    if got is not None and not isinstance(got, dict):
        shown = repr(got) if len(repr(got)) <= 60 else repr(got)[:57] + "..."
        message = f"{message}: got {shown}" if message != "wrong value" else f"got {shown}"
    return InputError(message, source=document.source, line=line, field=field,
                      expected=expected)


def _document_path(loc: Sequence[Any], document: YamlDocument,
                   missing: bool) -> tuple[str | int, ...]:
    """Keep the parts of a pydantic location that are keys or indices of the document.

    Pydantic also puts union members and validator names in locations; they
    are dropped.  For a missing field, the last part names the missing key.
    """
    path: tuple[str | int, ...] = ()
    for k, part in enumerate(loc):
        candidate = (*path, part)
        last = k == len(loc) - 1
        if candidate in document.lines or (
                missing and last and _parent_is_mapping_with(document, path, part)):
            path = candidate
    return path


def _parent_is_mapping_with(document: YamlDocument, path: tuple[str | int, ...],
                            part: object) -> bool:
    """True for a key missing from the document's mapping at ``path`` (a missing field)."""
    value: Any = document.data
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return False
    return isinstance(value, dict) and isinstance(part, str) and part not in value


def _fields_at(model: type[BaseModel], location: tuple[str | int, ...],
               data: Any) -> list[str]:
    """The field names allowed at a location, following the schema's nested models.

    Where the schema allows several models (a union), the one matching the
    keys written in the document is followed.
    """
    annotation: Any = model
    value = data
    for part in location:
        if isinstance(part, int):
            value = value[part] if isinstance(value, list) and part < len(value) else None
            continue
        chosen = _model_in(annotation, value if isinstance(value, dict) else None)
        info = None if chosen is None else next(
            (f for name, f in chosen.model_fields.items() if (f.alias or name) == part), None)
        if info is None:
            return []
        value = value.get(part) if isinstance(value, dict) else None
        annotation = info.annotation
    chosen = _model_in(annotation, value if isinstance(value, dict) else None)
    return _aliases(chosen) if chosen is not None else []


def _model_in(annotation: Any, data: dict[str, Any] | None = None) -> Any:
    """The pydantic model inside an annotation (through unions, tuples, Annotated).

    When a union holds several models, the one whose fields best match the
    keys of ``data`` is chosen.
    """
    models = _models_in(annotation)
    if not models:
        return None
    keys = set(data or {})
    return max(models, key=lambda m: len(keys & set(_aliases(m))))


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for argument in get_args(annotation) for m in _models_in(argument)]


def _aliases(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]
