"""End-to-end tests of the ``tiedhands solve`` command line.

The contract (from the project's issue): results on stdout, or in the ``-o`` file
(format from the suffix, written atomically, never over an existing file without
``--force``); exit 0 on success, 2 on bad input with exactly one line on stderr
and never a traceback, 3 when a cap was reached.

A few tests run the installed console script in a subprocess (each costs about a
second of imports); the rest call the typer app in-process with ``CliRunner``.
Every game is written into ``tmp_path`` from a string literal below, except the
extended-deterrence tree, which is the project's own example file.  Every number
asserted comes from a hand derivation in a comment or from the file itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from analysis.cli import app

REPO = Path(__file__).resolve().parents[1]
DETERRENCE = REPO / "docs" / "examples" / "extended-deterrence.efg"
# Wide enough that rich never wraps a header such as "max regret".
ENV = {"COLUMNS": "200"}
ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------------------- games
PRISONERS_DILEMMA = """\
NFG 1 R "Prisoner's dilemma" { "Row" "Column" }
{ { "Cooperate" "Defect" } { "Cooperate" "Defect" } }
""

3 3 5 0 0 5 1 1
"""
# Payoff version, first player's strategy fastest: (C, C) = 3 3, (D, C) = 5 0,
# (C, D) = 0 5, (D, D) = 1 1.  Defect strictly dominates Cooperate for both
# (5 > 3 and 1 > 0), so (Defect, Defect) with payoffs (1, 1) is the only equilibrium.

BATTLE_OF_THE_SEXES = """\
NFG 1 R "Battle of the sexes" { "Ann" "Bob" }
{ { "Opera" "Football" } { "Opera" "Football" } }
""

2 1 0 0 0 0 1 2
"""
# (O, O) = 2 1, (F, O) = 0 0, (O, F) = 0 0, (F, F) = 1 2.  Pure equilibria: (O, O)
# paying (2, 1) and (F, F) paying (1, 2).  Mixed: Ann plays Opera with p so that Bob
# is indifferent, p * 1 = (1 - p) * 2, p = 2/3; Bob plays Opera with q so that Ann
# is indifferent, 2q = 1 - q, q = 1/3.  Payoffs: Ann 2q = 2/3, Bob p = 2/3.  The
# game is non-degenerate, so these three are all its (extreme) equilibria.
BOS_EQUILIBRIA = {
    (("1", "0"), ("1", "0")): ("2", "1"),
    (("0", "1"), ("0", "1")): ("1", "2"),
    (("2/3", "1/3"), ("1/3", "2/3")): ("2/3", "2/3"),
}

THREE_PLAYERS = """\
NFG 1 R "Three-way coordination" { "A" "B" "C" } { 2 2 2 }
""
1 1 1  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  2 2 2
"""
# Profiles in order (1,1,1), (2,1,1), (1,2,1), (2,2,1), (1,1,2), ..., (2,2,2): everybody
# gets 1 at (1,1,1), 2 at (2,2,2) and 0 elsewhere.  Pure equilibria: (1,1,1) and
# (2,2,2) (any single deviation pays 0); every other profile pays 0 and some player
# can move to complete (1,1,1) or (2,2,2) and get 1 or 2.
THREE_PLAYER_EQUILIBRIA = {
    (("1", "0"), ("1", "0"), ("1", "0")): ("1", "1", "1"),
    (("0", "1"), ("0", "1"), ("0", "1")): ("2", "2", "2"),
}

INDIFFERENT = """\
EFG 2 R "Indifferent" { "Leader" "Follower" }
""

p "" 1 1 "lead" { "Left" "Right" } 0
t "" 1 "left" { 1 0 }
p "" 2 1 "follow" { "Up" "Down" } 0
t "" 2 "up" { 1 1 }
t "" 3 "down" { 1 1 }
"""
# The Follower gets 1 after Up and after Down: a tie.  The Leader gets 1 after Left
# and 1 after Right whatever follows: another tie.  So there are 2 x 2 = 4 pure
# subgame-perfect equilibria.

FORGETFUL = """\
EFG 2 R "Forgetful" { "P1" "P2" }
""

p "" 1 1 "start" { "L" "R" } 0
p "" 1 2 "later" { "x" "y" } 0
t "" 1 "Lx" { 0 0 }
t "" 2 "Ly" { 0 0 }
p "" 2 1 "reply" { "a" "b" } 0
p "" 1 2 "later" { "x" "y" } 0
t "" 3 "Rax" { 3 0 }
t "" 4 "Ray" { 0 2 }
t "" 5 "Rb" { 1 1 }
"""
# P1's information set 2 ("later") holds a node after L and a node after R, a: P1
# forgets her own first move, so the game lacks perfect recall.
# Reduced strategies in Gambit's order and labels (one digit per own information
# set): P1 "11" (L x), "12" (L y), "21" (R x), "22" (R y); P2 "1" (a), "2" (b).
# Reduced strategic form (P1, P2):
#            a        b
#   Lx    (0, 0)   (0, 0)
#   Ly    (0, 0)   (0, 0)
#   Rx    (3, 0)   (1, 1)
#   Ry    (0, 2)   (1, 1)
# With P2 playing a with probability q: Rx pays 1 + 2q, Ry pays 1 - q, L pays 0, so P1
# plays L never and Ry only if q = 0.  At q = 0 (P2 plays b), b must be a best reply:
# with P1 on Rx with probability s (rest Ry), a pays 2(1 - s) <= 1 = b iff s >= 1/2.
# Equilibria: P2 plays b, P1 plays s Rx + (1 - s) Ry with s in [1/2, 1]; the extreme
# points are s = 1 and s = 1/2, both paying (1, 1).
FORGETFUL_EQUILIBRIA = {
    (("0", "0", "1", "0"), ("0", "1")),
    (("0", "0", "1/2", "1/2"), ("0", "1")),
}

# Malformed files: (file name, contents, fragments the one-line message must contain).
# Each contents is a small valid tree or table broken in one place.
ENTRY = """\
EFG 2 R "Entry" { "Entrant" "Incumbent" }
""
p "" 1 1 "enter?" { "Out" "In" } 0
t "" 1 "out" { 0 2 }
p "" 2 1 "respond" { "Fight" "Share" } 0
t "" 2 "fight" { -1 -1 }
t "" 3 "share" { 1 1 }
"""
MALFORMED: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    # The node on line 5 still waits for its two children when the file ends.
    ("truncated.efg", "".join(ENTRY.splitlines(keepends=True)[:5]),
     ("truncated.efg:5:", "ends before the tree is complete")),
    # Three payoffs in a game whose header declares two players.
    ("three_payoffs.efg", ENTRY.replace("{ 0 2 }", "{ 0 2 7 }"),
     ("three_payoffs.efg:4:", "3 payoffs, expected 2")),
    # The header declares three players; the outcomes pay two.
    ("three_players.efg", ENTRY.replace('{ "Entrant" "Incumbent" }',
                                        '{ "Entrant" "Incumbent" "Bystander" }'),
     ("three_players.efg:4:", "2 payoffs, expected 3")),
    # Chance probabilities 0.5 + 0.4 = 9/10 (read exactly, as Gambit does).
    ("chance.efg", 'EFG 2 R "Coin" { "A" "B" }\n""\n'
                   'c "coin" 1 "" { "heads" 0.5 "tails" 0.4 } 0\n'
                   't "" 1 "" { 1 -1 }\nt "" 2 "" { -1 1 }\n',
     ("chance.efg:3:", "9/10")),
    ("nan.efg", ENTRY.replace("{ 1 1 }", "{ nan 1 }"), ("nan.efg:7:", "nan")),
    # Line 5 refers to information set 2 of player 2 without its action list; player 2
    # has no information set 2 anywhere.
    ("undeclared_infoset.efg", ENTRY.replace('p "" 2 1 "respond" { "Fight" "Share" } 0',
                                             'p "" 2 2 0'),
     ("undeclared_infoset.efg:5:", "information set 2 of player 2")),
    ("undeclared_player.efg", ENTRY.replace('p "" 2 1', 'p "" 3 1'),
     ("undeclared_player.efg:5:", "player 3 is not declared")),
    # 2 players x 4 profiles = 8 payoffs expected, 7 given.
    ("short.nfg", 'NFG 1 R "x" { "A" "B" } { 2 2 }\n1 2 3 4 5 6 7\n',
     ("short.nfg:2:", "7 numbers, expected 8")),
    ("empty.efg", "", ("empty.efg", "end of file")),
    ("binary.efg", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("binary.efg", "binary")),
    ("nul.nfg", "NFG 1 R \x00\x01\x02", ("nul.nfg", "binary")),
    # Neither NFG nor EFG: an unknown format under an unknown suffix.
    ("game.json", '{"players": ["A", "B"]}\n', ("game.json:1:", "'NFG' or 'EFG'")),
    ("notes.txt", "hello world\n", ("notes.txt:1:", "'NFG' or 'EFG'")),
]


# ---------------------------------------------------------------------------- helpers
@dataclass(frozen=True)
class Run:
    """What a command did: exit code and the two streams."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        document = json.loads(self.stdout)
        assert isinstance(document, dict)
        return document


def script() -> str:
    """The installed ``tiedhands`` console script of this interpreter's environment."""
    candidate = Path(sys.executable).parent / "tiedhands"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("tiedhands")
    if found is None:
        pytest.fail("the tiedhands console script is not installed")
    return found


def run_script(*args: str | Path, cwd: Path | None = None) -> Run:
    """Run the real console script in a subprocess."""
    done = subprocess.run([script(), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, **ENV}, timeout=600, check=False)
    return Run(done.returncode, done.stdout, done.stderr)


def invoke(*args: str | Path) -> Run:
    """Run ``tiedhands solve ARGS`` in-process."""
    result = CliRunner().invoke(app, ["solve", *map(str, args)], env=ENV)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def write(tmp_path: Path, name: str, contents: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(contents, bytes):
        path.write_bytes(contents)
    else:
        path.write_text(contents, encoding="utf-8")
    return path


def assert_bad_input(run: Run, *fragments: str) -> str:
    """Exit 2, nothing on stdout, exactly one line on stderr holding every fragment."""
    assert run.code == 2, (run.code, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr + run.stdout
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and run.stderr.endswith("\n"), run.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def equilibrium_set(document: dict[str, Any]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """``{profile: payoffs}`` with JSON lists turned into tuples."""
    return {tuple(tuple(p) for p in eq["profile"]): tuple(eq["payoffs"])
            for eq in document["equilibria"]}


def as_floats(profile: Any) -> tuple[tuple[float, ...], ...]:
    """A profile (exact strings or floats) as floats rounded to 9 places."""
    return tuple(tuple(round(float(Fraction(p)) if isinstance(p, str) else p, 9) for p in player)
                 for player in profile)


# ---------------------------------------------------------------------------- console script
@pytest.mark.parametrize("args", [["--help"], ["solve", "--help"]], ids=["root", "solve"])
def test_help_exits_zero(args: list[str]) -> None:
    run = run_script(*args)
    assert run.code == 0, run.stderr
    assert "solve" in run.stdout
    if "solve" in args:
        for option in ("--all", "--method", "--max-equilibria", "--max-nodes", "--format",
                       "--output", "--force"):
            assert option in run.stdout


def test_script_prisoners_dilemma_single_exact_equilibrium(tmp_path: Path) -> None:
    path = write(tmp_path, "pd.nfg", PRISONERS_DILEMMA)
    run = run_script("solve", path, "--format", "json")
    assert run.code == 0, run.stderr
    assert run.stderr == ""
    document = run.json()
    assert document["concept"] == "NE"
    assert document["method"] == "exact"  # the default for two players
    assert document["exact"] is True
    # The derivation above PRISONERS_DILEMMA: (Defect, Defect), payoffs (1, 1), exactly.
    [equilibrium] = document["equilibria"]
    assert equilibrium["profile"] == [["0", "1"], ["0", "1"]]
    assert equilibrium["payoffs"] == ["1", "1"]
    assert equilibrium["max_regret"] == "0"


def test_script_deterrence_subgame_perfect(tmp_path: Path) -> None:
    # docs/examples/extended-deterrence.efg (payoffs Challenger, Ally):
    #   Challenge -> Ally Intervene -> Challenger Fight (-1, -2) / Back down (-1/2, 1)
    #             -> Ally Abstain   -> Challenger Fight (2, -5/2) / Back down (-1/2, -3/2)
    #   Status quo (0, 0).
    # Backward induction: after intervention the Challenger backs down (-1/2 > -1); after
    # abstention it fights (2 > -1/2).  The Ally then compares Intervene (1) with Abstain
    # (-5/2) and intervenes.  The Challenger compares Challenge (-1/2) with Status quo (0)
    # and keeps the status quo.  No ties anywhere, so this is the only SPE; payoffs (0, 0).
    run = run_script("solve", DETERRENCE, "--format", "json")
    assert run.code == 0, run.stderr
    document = run.json()
    for key, kind in {"concept": str, "method": str, "exact": bool, "degenerate": bool,
                      "ties": bool, "equilibria": list}.items():
        assert isinstance(document[key], kind), key
    assert document["concept"] == "SPE"
    assert document["exact"] is True
    assert document["ties"] is False
    [equilibrium] = document["equilibria"]
    assert {"profile", "payoffs", "max_regret"} <= set(equilibrium)
    # Behaviour profile, information sets in order of first appearance, actions in file
    # order: Challenger (Challenge, Status quo), (Fight, Back down) after intervention,
    # (Fight, Back down) after abstention; Ally (Intervene, Abstain).
    assert equilibrium["profile"] == [["0", "1", "0", "1", "1", "0"], ["1", "0"]]
    assert equilibrium["payoffs"] == ["0", "0"]
    assert equilibrium["max_regret"] == "0"


def test_script_deterrence_table_names_players_and_regret() -> None:
    run = run_script("solve", DETERRENCE, "--format", "table")
    assert run.code == 0, run.stderr
    # Player names as declared in the file's header.
    for text in ("Challenger", "Ally", "max regret", "Status quo"):
        assert text in run.stdout


def test_script_ties_capped_exit_three_with_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "ties.efg", INDIFFERENT)
    run = run_script("solve", path, "--format", "json", "--max-equilibria", "1")
    assert run.code == 3
    assert "warning" in run.stderr and "--max-equilibria" in run.stderr
    assert "Traceback" not in run.stderr
    document = run.json()  # still printed, and complete JSON
    assert document["ties"] is True
    assert document["capped"] is True
    assert len(document["equilibria"]) == 1


def test_script_imperfect_recall_spe_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "forgetful.efg", FORGETFUL)
    assert_bad_input(run_script("solve", path), "perfect recall")


@pytest.mark.parametrize(("name", "contents", "fragments"), [
    ("absent.efg", None, ("absent.efg", "No such file")),
    ("binary.nfg", bytes(range(256)), ("binary.nfg", "binary")),
], ids=["missing", "binary"])
def test_script_unreadable_files(tmp_path: Path, name: str, contents: bytes | None,
                                 fragments: tuple[str, ...]) -> None:
    if contents is not None:
        write(tmp_path, name, contents)
    assert_bad_input(run_script("solve", tmp_path / name), *fragments)


N_CHAIN = 10**6


@pytest.fixture(scope="module")
def chain_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-player chain of 10**6 decision nodes, each with Stop (a leaf) and Go.

    Lines 1-2 are the header and comment, then one node per line in pre-order:
    node j is on line j + 2.  The tree has 2 * 10**6 + 1 nodes.
    """
    path = tmp_path_factory.mktemp("chain") / "chain.efg"
    first = 'p "" 1 1 "" { "Stop" "Go" } 0\nt "" 1 "stop" { 0 }\n'
    rest = "".join(f'p "" 1 {k} "" {{ "Stop" "Go" }} 0\nt "" 1\n' for k in range(2, N_CHAIN + 1))
    path.write_text('EFG 2 R "Chain" { "Mover" }\n""\n' + first + rest
                    + 't "" 2 "end" { 1 }\n', encoding="utf-8")
    return path


def test_script_huge_chain_refused_by_default_max_nodes(chain_file: Path) -> None:
    # The default limit is 10**6 nodes; node 10**6 + 1 is on line 10**6 + 3.
    line = assert_bad_input(run_script("solve", chain_file), "--max-nodes",
                            f"{chain_file}:{N_CHAIN + 3}:")
    assert str(N_CHAIN) in line


def test_huge_chain_refused_at_small_max_nodes(chain_file: Path) -> None:
    # Node 1001 is on line 1003.
    assert_bad_input(invoke(chain_file, "--max-nodes", "1000"), "--max-nodes",
                     f"{chain_file}:1003:")


def test_script_output_file_equals_stdout_json(tmp_path: Path) -> None:
    path = write(tmp_path, "pd.nfg", PRISONERS_DILEMMA)
    printed = run_script("solve", path, "--format", "json")
    written = run_script("solve", path, "-o", "out.json", cwd=tmp_path)
    assert (printed.code, written.code) == (0, 0), written.stderr
    assert written.stdout == ""
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == printed.stdout
    # Written atomically: no temporary file is left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "pd.nfg"]


# ---------------------------------------------------------------------------- strategic games
def test_battle_of_the_sexes_all_three_equilibria(tmp_path: Path) -> None:
    run = invoke(write(tmp_path, "bos.nfg", BATTLE_OF_THE_SEXES), "--all", "--format", "json")
    assert run.code == 0, run.stderr
    document = run.json()
    assert document["exact"] is True
    assert document["degenerate"] is False
    assert equilibrium_set(document) == BOS_EQUILIBRIA
    assert all(eq["max_regret"] == "0" for eq in document["equilibria"])


def test_battle_of_the_sexes_one_equilibrium_without_all(tmp_path: Path) -> None:
    run = invoke(write(tmp_path, "bos.nfg", BATTLE_OF_THE_SEXES), "--format", "json")
    assert run.code == 0, run.stderr
    [(profile, payoffs)] = equilibrium_set(run.json()).items()
    assert BOS_EQUILIBRIA[profile] == payoffs


@pytest.mark.parametrize("method", ["support", "vertex", "lh"])
def test_float_methods_give_floats(tmp_path: Path, method: str) -> None:
    run = invoke(write(tmp_path, "bos.nfg", BATTLE_OF_THE_SEXES), "--all", "--method", method,
                 "--format", "json")
    assert run.code == 0, run.stderr
    document = run.json()
    assert document["method"] == method
    assert document["exact"] is False
    expected = {as_floats(profile) for profile in BOS_EQUILIBRIA}
    found = set()
    for eq in document["equilibria"]:
        numbers = [*(p for player in eq["profile"] for p in player), *eq["payoffs"],
                   eq["max_regret"]]
        assert all(isinstance(x, float) for x in numbers), numbers
        found.add(as_floats(eq["profile"]))
        assert eq["max_regret"] <= 1e-9 * 2  # the documented tolerance, max |payoff| = 2
    assert found and found <= expected
    if method in ("support", "vertex"):  # complete on a non-degenerate game
        assert found == expected


def test_three_players_default_to_pure_equilibria(tmp_path: Path) -> None:
    path = write(tmp_path, "three.nfg", THREE_PLAYERS)
    one = invoke(path, "--format", "json")
    assert one.code == 0, one.stderr
    assert one.json()["method"] == "enumpure"
    [(profile, payoffs)] = equilibrium_set(one.json()).items()
    assert THREE_PLAYER_EQUILIBRIA[profile] == payoffs
    every = invoke(path, "--all", "--format", "json")
    assert every.code == 0, every.stderr
    assert every.json()["method"] == "enumpure"
    assert equilibrium_set(every.json()) == THREE_PLAYER_EQUILIBRIA


def test_exact_method_refused_for_three_players(tmp_path: Path) -> None:
    path = write(tmp_path, "three.nfg", THREE_PLAYERS)
    assert_bad_input(invoke(path, "--method", "exact"), "--method", "exact")


def test_spe_method_refused_for_strategic_games(tmp_path: Path) -> None:
    path = write(tmp_path, "pd.nfg", PRISONERS_DILEMMA)
    assert_bad_input(invoke(path, "--method", "spe"), "--method")


def test_all_with_cap_on_strategic_game_exits_three(tmp_path: Path) -> None:
    # Battle of the sexes has 3 equilibria (above); a cap of 2 is reached.
    run = invoke(write(tmp_path, "bos.nfg", BATTLE_OF_THE_SEXES), "--all",
                 "--max-equilibria", "2", "--format", "json")
    assert run.code == 3
    assert "--max-equilibria" in run.stderr
    document = run.json()
    assert document["capped"] is True
    assert len(document["equilibria"]) == 2
    assert set(equilibrium_set(document).items()) <= set(BOS_EQUILIBRIA.items())


# ---------------------------------------------------------------------------- trees
def test_deterrence_all_lists_non_credible_nash_equilibria() -> None:
    # Reduced strategic form of the deterrence tree (see the SPE test for the payoffs):
    # the Challenger's strategies are Status quo (0 against everything), and Challenge
    # with (Fight | Back down after intervention, Fight | Back down after abstention).
    # With the Ally intervening with probability q: Challenge+(Back down, Fight) pays
    # -q/2 + 2(1 - q) = 2 - 5q/2, the best challenge; Status quo is a best reply iff
    # 2 - 5q/2 <= 0, i.e. q >= 4/5.  Challenge+(Fight, Back down) pays
    # -q - (1 - q)/2 < 0, so it is never a best reply; against each other challenge
    # strategy the Ally strictly prefers Intervene (-2 > -5/2, 1 > -5/2, 1 > -3/2).  So
    # if the Challenger challenged, q = 1 and every challenge pays at most -1/2 < 0, a
    # contradiction: every equilibrium has Status quo with the Ally's q in [4/5, 1].
    # Extreme points: q = 4/5 and q = 1; payoffs (0, 0).  The q = 4/5 equilibrium is not
    # credible: after a challenge, abstaining costs the Ally -5/2 against +1 for
    # intervening (the Challenger fights after abstention and backs down after
    # intervention), so the threat to abstain with probability 1/5 would not be carried out.
    spe = invoke(DETERRENCE, "--format", "json")
    nash = invoke(DETERRENCE, "--all", "--format", "json")
    assert (spe.code, nash.code) == (0, 0), nash.stderr
    spe_doc, nash_doc = spe.json(), nash.json()
    assert nash_doc["concept"] == "NE"
    assert len(nash_doc["equilibria"]) > len(spe_doc["equilibria"])
    assert len(nash_doc["equilibria"]) == 2
    ally = {tuple(eq["profile"][1]) for eq in nash_doc["equilibria"]}
    assert ally == {("4/5", "1/5"), ("1", "0")}
    spe_profiles = [eq["profile"] for eq in spe_doc["equilibria"]]
    non_credible = [eq for eq in nash_doc["equilibria"] if eq["profile"] not in spe_profiles]
    assert non_credible
    for eq in nash_doc["equilibria"]:
        assert eq["payoffs"] == ["0", "0"]
        assert eq["max_regret"] == "0"  # a Nash equilibrium of the whole game
        # Six Challenger entries (three information sets of two actions), two for the
        # Ally; the second entry is Status quo, chosen for sure.
        assert len(eq["profile"][0]) == 6 and len(eq["profile"][1]) == 2
        assert eq["profile"][0][:2] == ["0", "1"]


def test_ties_without_cap_list_every_subgame_perfect_equilibrium(tmp_path: Path) -> None:
    run = invoke(write(tmp_path, "ties.efg", INDIFFERENT), "--format", "json")
    assert run.code == 0, run.stderr
    document = run.json()
    assert document["ties"] is True
    # The derivation above INDIFFERENT: Left/Right times Up/Down.
    pure = (("1", "0"), ("0", "1"))
    expected = {(lead, follow) for lead in pure for follow in pure}
    profiles = [tuple(tuple(p) for p in eq["profile"]) for eq in document["equilibria"]]
    assert len(profiles) == 4
    assert set(profiles) == expected


def test_imperfect_recall_all_gives_mixed_reduced_profiles(tmp_path: Path) -> None:
    run = invoke(write(tmp_path, "forgetful.efg", FORGETFUL), "--all", "--format", "json")
    assert run.code == 0, run.stderr
    document = run.json()
    assert document["concept"] == "NE"
    assert document["profile_kind"] == "mixed"
    # Gambit's reduced-strategy labels, derived above FORGETFUL.
    assert document["profile_labels"] == [["11", "12", "21", "22"], ["1", "2"]]
    assert {tuple(tuple(p) for p in eq["profile"]) for eq in document["equilibria"]} == \
        FORGETFUL_EQUILIBRIA
    assert all(eq["payoffs"] == ["1", "1"] for eq in document["equilibria"])
    assert any("perfect recall" in note for note in document["notes"])


def test_imperfect_recall_explicit_spe_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "forgetful.efg", FORGETFUL)
    assert_bad_input(invoke(path, "--method", "spe"), "perfect recall")


# ---------------------------------------------------------------------------- malformed files
@pytest.mark.parametrize(("name", "contents", "fragments"), MALFORMED,
                         ids=[name for name, _, _ in MALFORMED])
def test_malformed_file_is_one_line_exit_two(tmp_path: Path, name: str, contents: str | bytes,
                                             fragments: tuple[str, ...]) -> None:
    path = write(tmp_path, name, contents)
    line = assert_bad_input(invoke(path), *fragments)
    assert str(path) in line


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.nfg"
    assert_bad_input(invoke(path), str(path), "cannot read")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert_bad_input(invoke(tmp_path), str(tmp_path), "cannot read")


# ---------------------------------------------------------------------------- -o / --output
def test_output_never_overwrites_without_force(tmp_path: Path) -> None:
    pd = write(tmp_path, "pd.nfg", PRISONERS_DILEMMA)
    bos = write(tmp_path, "bos.nfg", BATTLE_OF_THE_SEXES)
    out = tmp_path / "out.json"
    first = invoke(pd, "-o", out)
    assert first.code == 0, first.stderr
    assert first.stdout == ""
    pd_json = out.read_text(encoding="utf-8")
    assert equilibrium_set(json.loads(pd_json)) == {(("0", "1"), ("0", "1")): ("1", "1")}
    # A different game, so an overwrite would show.
    refused = invoke(bos, "--all", "-o", out)
    assert_bad_input(refused, str(out), "already exists")
    assert out.read_text(encoding="utf-8") == pd_json
    forced = invoke(bos, "--all", "--output", out, "--force")
    assert forced.code == 0, forced.stderr
    assert equilibrium_set(json.loads(out.read_text(encoding="utf-8"))) == BOS_EQUILIBRIA
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bos.nfg", "out.json", "pd.nfg"]


def test_output_txt_is_the_table(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    run = invoke(write(tmp_path, "pd.nfg", PRISONERS_DILEMMA), "-o", out)
    assert run.code == 0, run.stderr
    text = out.read_text(encoding="utf-8")
    for word in ("Row", "Column", "Defect", "max regret"):
        assert word in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_output_unknown_suffix_needs_format(tmp_path: Path) -> None:
    pd = write(tmp_path, "pd.nfg", PRISONERS_DILEMMA)
    out = tmp_path / "out.xyz"
    assert_bad_input(invoke(pd, "-o", out), "--output", ".xyz")
    assert not out.exists()
    run = invoke(pd, "-o", out, "--format", "json")
    assert run.code == 0, run.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["concept"] == "NE"


def test_output_into_missing_directory(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "out.json"
    assert_bad_input(invoke(write(tmp_path, "pd.nfg", PRISONERS_DILEMMA), "-o", out),
                     str(out))
    assert not out.parent.exists()


def test_script_usage_errors_are_one_line() -> None:
    # Bad option values are bad input too: one line on stderr, exit 2 (main() turns
    # typer's usage errors into that line instead of its boxed usage text).
    example = "docs/examples/extended-deterrence.efg"
    for args, fragment in ((["solve", example, "--method", "foo"], "--method"),
                           (["solve", example, "--max-equilibria", "0"], "--max-equilibria"),
                           (["solve"], "Missing argument"),
                           (["no-such-command"], "No such command")):
        assert_bad_input(run_script(*args, cwd=ROOT), fragment)
