"""What a partner picker sends: a few hundred options at most, found by name, the chosen ones kept."""

from maillage.partners import PICKER_LIMIT, narrowed_choices

LABELS = {i: f"Structure n° {i:04d} — {'Mérignac' if i % 2 else 'Bègles'}" for i in range(1, 1001)}


def test_a_long_list_is_cut_to_the_limit_and_counted():
    shown, matching = narrowed_choices(LABELS)
    assert (len(shown), matching) == (PICKER_LIMIT, 1000)
    assert list(shown)[:2] == [1, 2]


def test_every_word_of_the_query_counts_accents_and_case_ignored():
    shown, matching = narrowed_choices(LABELS, "merignac 000")
    assert (list(shown), matching) == ([1, 3, 5, 7, 9], 5)
    assert narrowed_choices(LABELS, "BEGLES n° 0010") == ({10: LABELS[10]}, 1)
    assert narrowed_choices(LABELS, "Pessac") == ({}, 0)


def test_chosen_partners_stay_first_even_outside_the_query_or_the_limit():
    shown, _matching = narrowed_choices(LABELS, "", keep=[999, None, 999, 12345])
    assert list(shown)[:2] == [999, 1] and len(shown) == PICKER_LIMIT  # 12345 is unknown: dropped
    shown, matching = narrowed_choices(LABELS, "0010", keep=[500])
    assert list(shown) == [500, 10] and matching == 1
    assert narrowed_choices({}, "x", keep=[1]) == ({}, 0)
