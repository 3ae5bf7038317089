"""Coverage against the historical record: the acceptance cases of the treaties issue.

Each case is a treaty of the built-in corpus in a built-in scenario, with the
status the text implies and the sentence of explanation.  Where the answer
rests on a quotation, the test also asserts that the quotation carried with
the finding is marked ``verified: true`` and contains the words that decide it
(the quotations were checked against the stored sources named in each file).

Sources for the expected answers: ``shared/reference/treaties.md`` §4
(historical validation episodes) and the treaty texts cited in the corpus.
"""

from __future__ import annotations

import pytest

from treaties.coverage import ClauseFinding, Coverage, ObligationCoverage, coverage
from treaties.load import load_scenario, load_treaty
from treaties.schema import TextEvidence


def covered(treaty: str, scenario: str, ally: int,
            beneficiaries: tuple[int, ...] | None = None) -> Coverage:
    return coverage(load_treaty(treaty), load_scenario(scenario), ally, beneficiaries)


def row(result: Coverage, obligation_type: str, beneficiary: int) -> ObligationCoverage:
    matches = [o for o in result.obligations
               if o.type == obligation_type and o.beneficiary == beneficiary]
    assert len(matches) == 1, [(o.obligation, o.beneficiary) for o in result.obligations]
    return matches[0]


def finding(findings: tuple[ClauseFinding, ...], clause: str) -> ClauseFinding:
    matches = [f for f in findings if f.clause == clause]
    assert matches, [f.clause for f in findings]
    return matches[0]


def assert_verified(evidence: tuple[TextEvidence, ...], *words: str) -> None:
    """Every quote carried is verified, and together they contain ``words``."""
    assert evidence, "no evidence carried with the finding"
    assert all(e.verified for e in evidence), [e.quote for e in evidence if not e.verified]
    text = " ".join(e.quote for e in evidence)
    for word in words:
        assert word in text, (word, text)


# ----------------------------------------------------------------- Sino-Soviet 1950
@pytest.mark.parametrize("scenario, adversary", [
    ("sino-indian-1962", "India"), ("sino-vietnamese-1979", "Vietnam")])
def test_sino_soviet_exempt_outside_japan_and_its_allies(scenario: str, adversary: str) -> None:
    # Art. 1 covers attack "by Japan or any state allied with it"; India (1962) and
    # Vietnam (1979) were neither.  The USSR stayed out in both wars.
    result = covered("sino-soviet-1950", scenario, 365, (710,))
    assert result.status == "exempt"
    defence = row(result, "defense", 710)
    reason = finding(defence.exempting_clauses, "adversaries")
    assert reason.reason == (f"The adversary, {adversary}, is neither Japan nor allied with "
                             f"Japan.")
    # The verified quote is the Chinese text: "attacked by Japan or a state allied with Japan".
    assert_verified(reason.evidence, "日本")
    assert defence.required_help == "all_means"


def test_sino_soviet_1979_also_fails_because_china_attacked() -> None:
    result = covered("sino-soviet-1950", "sino-vietnamese-1979", 365, (710,))
    defence = row(result, "defense", 710)
    assert finding(defence.exempting_clauses, "type").reason == (
        "China is not the party attacked: it attacked Vietnam.")


def test_sino_soviet_1962_attack_question_is_open_because_initiation_is_contested() -> None:
    # The scenario records the initiator as contested (Beijing blamed India's Forward
    # Policy), so "was China attacked?" has two readings; the adversary clause still
    # exempts.
    defence = row(covered("sino-soviet-1950", "sino-indian-1962", 365), "defense", 710)
    assert defence.status == "exempt"
    assert len(finding(defence.indeterminate_clauses, "type").readings) == 2


def test_sino_soviet_binds_against_an_ally_of_japan() -> None:
    # Hypothetical 1964 US strike on China: the US was allied with Japan (1960 treaty),
    # so the named-adversary clause is met and the defence duty is triggered.
    result = covered("sino-soviet-1950", "us-china-nuclear-1960s", 365)
    assert result.status == "triggered"
    assert result.required_help == "all_means"


def test_sino_soviet_owes_vietnam_nothing() -> None:
    result = covered("sino-soviet-1950", "sino-vietnamese-1979", 365, (816,))
    assert {o.status for o in result.obligations} == {"not_applicable"}
    assert result.status == "not_applicable"


# ----------------------------------------------------------- Soviet-Vietnamese 1978
def test_soviet_vietnamese_gives_only_a_triggered_consultation() -> None:
    result = covered("soviet-vietnamese-1978", "sino-vietnamese-1979", 365, (816,))
    applying = [o for o in result.obligations if o.status != "not_applicable"]
    assert [(o.type, o.status) for o in applying] == [("consultation", "triggered")]
    assert result.status == "triggered"
    assert result.required_help == "consultation"
    assert not any(o.is_military for o in result.obligations)
    assert_verified(applying[0].help_evidence)


# ------------------------------------------------------------- US-Philippines 1951
def test_us_philippines_exempt_in_second_thomas_shoal() -> None:
    # Gray-zone coercion (ramming, blades, seized rifles) is not an "armed attack";
    # the Philippine government itself declined to call it one (21 June 2024).
    result = covered("us-philippines-1951", "second-thomas-shoal-2024", 2)
    assert result.status == "exempt"
    defence = row(result, "defense", 840)
    reason = finding(defence.exempting_clauses, "threshold")
    assert reason.reason == ("The text requires an armed attack; gray-zone coercion does not "
                             "meet it.")
    assert_verified(reason.evidence, "armed attack")
    # The geography is not what exempts it: the 2019 reading put the South China Sea
    # inside the Pacific Area.
    assert not [f for f in defence.exempting_clauses if f.clause == "geography"]
    assert [i.date.year for i in defence.interpretations][:1] == [2019]
    assert_verified(tuple(i.evidence for i in defence.interpretations), "South China Sea")


def test_us_philippines_triggered_by_an_armed_attack_on_a_public_vessel() -> None:
    result = covered("us-philippines-1951", "philippine-vessel-armed-attack", 2)
    assert result.status == "triggered"
    defence = row(result, "defense", 840)
    assert defence.required_help == "unspecified"
    assert any("constitutional processes" in phrase for phrase in defence.escape_wording)
    assert result.escape_wording == defence.escape_wording
    assert_verified(defence.help_evidence, "constitutional processes")


def test_us_philippines_before_2019_the_south_china_sea_was_open() -> None:
    # The same armed attack, dated before the 2019 statement: the Pacific Area's
    # extent is undefined, so the geography clause is open.
    scenario = load_scenario("philippine-vessel-armed-attack")
    early = scenario.model_copy(update={"hostilities": tuple(
        h.model_copy(update={"date": h.date.replace(year=2018)}) for h in scenario.hostilities)})
    result = coverage(load_treaty("us-philippines-1951"), early, 2)
    defence = row(result, "defense", 840)
    assert defence.status == "indeterminate"
    assert len(finding(defence.indeterminate_clauses, "geography").readings) == 2


# --------------------------------------------------------------------- NATO 1949
def test_nato_triggered_in_baltic_armed_attack() -> None:
    result = covered("north-atlantic-1949", "baltic-armed-attack", 2)
    assert result.status == "triggered"
    assert result.required_help == "unspecified"
    defence = row(result, "defense", 366)
    assert_verified(defence.help_evidence, "such action as it deems necessary")


def test_nato_owed_nothing_to_estonia_before_it_joined() -> None:
    scenario = load_scenario("baltic-armed-attack")
    early = scenario.model_copy(update={"hostilities": tuple(
        h.model_copy(update={"date": h.date.replace(year=2003)}) for h in scenario.hostilities)})
    result = coverage(load_treaty("north-atlantic-1949"), early, 2)
    assert result.status == "not_applicable"
    assert "Estonia was not a party" in row(result, "defense", 366).reason


# ------------------------------------------------------------------ Anglo-Polish 1939
def test_anglo_polish_exempt_against_the_ussr_with_consultation_triggered() -> None:
    # The secret protocol: "European Power" means Germany; aggression by another
    # European Power calls only for consultation.  Britain did not declare war on the USSR.
    result = covered("anglo-polish-1939", "soviet-invasion-poland-1939", 200)
    assert result.status == "exempt"
    defence = row(result, "defense", 290)
    reason = finding(defence.exempting_clauses, "adversaries")
    assert reason.reason == "The adversary, Russia, is not Germany."
    assert_verified(reason.evidence, "Germany")
    consultation = row(result, "consultation", 290)
    assert consultation.status == "triggered"
    assert_verified(consultation.help_evidence, "consult")


# -------------------------------------------------------------------- China-DPRK 1961
def test_china_dprk_triggered_when_the_dprk_is_attacked() -> None:
    result = covered("china-dprk-1961", "korea-dprk-attacked", 710)
    assert result.status == "triggered"
    assert result.required_help == "all_means"
    assert_verified(row(result, "defense", 731).help_evidence, "all means")


def test_china_dprk_exempt_when_the_dprk_initiates() -> None:
    result = covered("china-dprk-1961", "korea-dprk-initiates", 710)
    assert result.status == "exempt"
    reason = finding(row(result, "defense", 731).exempting_clauses, "type")
    assert reason.reason == "North Korea is not the party attacked: it attacked South Korea."
    assert_verified(reason.evidence, "attack")


# ---------------------------------------------------------------- Franco-Russian 1892
def test_franco_russian_triggered_for_france_in_july_1914() -> None:
    # Germany declared war on Russia on 1 August 1914: Art. 1, attack by Germany.
    result = covered("franco-russian-1892", "july-crisis-1914", 220, (365,))
    assert result.status == "triggered"
    defence = row(result, "defense", 365)
    assert "hostility 2" in defence.reason
    assert_verified(defence.help_evidence, "all her available forces")


def test_triple_alliance_exempts_italy_in_july_1914() -> None:
    # Italy's reading in 1914: its allies were not attacked "without direct provocation".
    result = covered("triple-alliance-1882", "july-crisis-1914", 325)
    assert result.deciding is not None and result.deciding.is_military
    assert result.status == "exempt"
    clauses = {f.clause for o in result.obligations if o.is_military
               for f in o.exempting_clauses}
    assert {"type", "non_provocation"} <= clauses


# --------------------------------------------------------------------- US-Japan 1960
def test_us_japan_indeterminate_in_a_senkaku_clash() -> None:
    # The Senkakus are administered by Japan (geography met); whether a limited clash
    # is an "armed attack" is the open question.
    result = covered("us-japan-1960", "japan-senkaku-clash", 2)
    assert result.status == "indeterminate"
    defence = row(result, "defense", 740)
    reason = finding(defence.indeterminate_clauses, "threshold")
    assert reason.readings == (
        "a limited clash counts as an armed attack: the obligation applies",
        "a limited clash falls short of an armed attack: the obligation does not apply")
    assert not defence.exempting_clauses
    assert_verified(defence.help_evidence)


# ----------------------------------------------------------------- negative control
def test_no_corpus_treaty_binds_anyone_in_a_taiwan_war() -> None:
    # Taiwan (713) is party to no treaty of the corpus, so nothing is owed to it; and
    # China, the attacker, is owed nothing by a defensive pledge (the DPRK's is exempt).
    # The one thing triggered is consultation: the 2001 Sino-Russian Art. 9 asks for
    # consultations whenever either party sees a threat to peace, whoever started it.
    from treaties.load import builtin_treaties

    scenario = load_scenario("taiwan-strait-war")
    statuses = {}
    for treaty in builtin_treaties():
        for ally in treaty.party_codes:
            result = coverage(treaty, scenario, ally)
            statuses[treaty.id, ally] = result.status
            assert all(o.status == "not_applicable" for o in result.obligations
                       if o.beneficiary == 713)
            assert all(o.status in ("not_applicable", "exempt")
                       for o in result.obligations if o.is_military)
    triggered = {key for key, status in statuses.items() if status == "triggered"}
    assert triggered == {("sino-russian-2001", 365)}
    assert covered("sino-russian-2001", "taiwan-strait-war", 365).required_help == "consultation"
    assert statuses["china-dprk-1961", 731] == "exempt"
    assert statuses["us-japan-1960", 2] == "not_applicable"
