"""The router's full result: its guess even when it is not accepted, honest closeness, and why."""

from __future__ import annotations

from assistant.understanding.router import UNKNOWN, Router


def test_a_close_match_is_accepted_with_its_real_closeness(router: Router) -> None:
    result = router.examine("my calf is cramping")
    assert (result.intent, result.accepted, result.reason) == ("relief", True, "close match")
    assert result.closeness >= 0.8 and result.match.score == result.closeness
    assert result.match.intent == "relief" and result.match.slots == {"body_part": "calf"}
    assert result.match.probability == result.probability


def test_a_probable_match_reports_its_closeness_not_a_stand_in(router: Router) -> None:
    # A wording no template is close to (the templates now hold "could dehydration be causing ...").
    result = router.examine("might being dehydrated be what is causing my cramps")
    assert (result.intent, result.accepted, result.reason) == ("causes", True, "probable")
    assert 0.7 < result.closeness < 0.8  # the old stand-in was exactly 0.7
    assert result.probability >= router.settings.min_probability


def test_a_rejected_guess_keeps_its_intent_and_says_why(router: Router) -> None:
    result = router.examine("the weather tonight a hard frost clearing by the morning")
    assert not result.accepted and result.intent != UNKNOWN and result.reason
    assert result.match.intent == UNKNOWN and result.match.slots == {}
    assert result.match.score == result.closeness


def test_out_of_scope_words_are_refused_by_name(router: Router) -> None:
    result = router.examine("I have period cramps")
    assert not result.accepted and result.match.intent == UNKNOWN
    assert "out of scope" in result.reason


def test_red_flags_and_empty_text(router: Router) -> None:
    flag = router.examine("I have chest pain")
    assert (flag.intent, flag.accepted, flag.reason, flag.probability) == (
        "urgent",
        True,
        "red-flag phrase",
        1.0,
    )
    empty = router.examine("!!!")
    assert (empty.intent, empty.accepted, empty.probability) == (UNKNOWN, False, 0.0)


def test_route_is_the_accepted_part_of_examine(router: Router) -> None:
    for text in ("charley horse in my left leg", "what's the weather", "yes please", "zzz qqq", "stop"):
        assert router.route(text) == router.examine(text).match, text
