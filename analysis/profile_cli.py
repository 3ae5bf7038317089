"""The ``profile`` commands: list, show and check cooperation profiles.

An argument containing ``/`` or ending in ``.yaml``/``.yml`` is a file;
anything else is the id of a built-in profile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analysis.cli_common import emit, fail
from analysis.report import Report, Section
from analysis.treaty_cli import ForceOption, FormatOption, OutputOption, check_command
from games.errors import InputError
from treaties.cooperation import CooperationProfile
from treaties.load import builtin_profiles, load_profile
from treaties.states import cow_states

profile_app = typer.Typer(help="List, show and check cooperation profiles (the capability "
                               "lens).", no_args_is_help=True)


def _states(codes: tuple[int, ...]) -> str:
    names = cow_states()
    return ", ".join(f"{code} {names.abbreviation(code)}" for code in codes)


def profile_list(profiles: tuple[CooperationProfile, ...]) -> Report:
    """One row per profile: id, partners, entries, channels."""
    rows = tuple((p.id, _states(p.partners), str(len(p.entries)),
                  ", ".join(sorted({e.channel for e in p.entries}))) for p in profiles)
    data = [{"id": p.id, "name": p.name, "partners": list(p.partners),
             "entries": len(p.entries)} for p in profiles]
    return Report((Section("Cooperation profiles", ("id", "partners", "entries", "channels"),
                           rows),), data)


def profile_show(profile: CooperationProfile) -> Report:
    """Every entry of a profile: who gives what to whom, through which channel, since when."""
    rows = tuple((e.id, e.what, f"{e.supplier} → {e.recipient}" + (" (mutual)" if e.mutual
                                                                    else ""),
                  e.channel, ", ".join(e.capabilities), e.status,
                  f"{e.start}" + (f" to {e.end}" if e.end else ""),
                  "; ".join(s.citation for s in e.sources)) for e in profile.entries)
    section = Section(f"{profile.name} ({profile.id})",
                      ("entry", "what", "from → to", "channel", "capabilities", "status",
                       "dates", "sources"), rows,
                      (profile.description,) if profile.description else ())
    return Report((section,), profile.model_dump(mode="json", by_alias=True))


@profile_app.command("list")
def profile_list_command(output_format: FormatOption = None, output: OutputOption = None,
                         force: ForceOption = False) -> None:
    """List the built-in cooperation profiles."""
    try:
        emit(profile_list(builtin_profiles()), output_format, output, force)
    except InputError as error:
        raise fail(error) from None


@profile_app.command("show")
def profile_show_command(
    profile: Annotated[str, typer.Argument(help="A built-in profile id or a YAML file.")],
    output_format: FormatOption = None, output: OutputOption = None, force: ForceOption = False,
) -> None:
    """Show a profile: every entry with its channel, capabilities, status, dates and sources."""
    try:
        emit(profile_show(load_profile(profile)), output_format, output, force)
    except InputError as error:
        raise fail(error) from None


@profile_app.command("check")
def profile_check_command(
    paths: Annotated[list[Path], typer.Argument(help="Profile files or directories of them.")],
    output_format: FormatOption = None,
) -> None:
    """Validate profile files; print every problem with file, line and field (exit 2 if any)."""
    check_command("profile", paths, output_format)
