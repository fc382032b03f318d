"""The network benchmark still runs (tiny size), and its synthetic council has the promised shape."""

from bench.network_bench import measure


def test_bench_measures_a_small_council(tmp_path):
    row = measure(300, tmp_path)
    assert row["nodes"] == 300
    assert row["links"] > 250  # preferential attachment: 1 to 3 links per linked newcomer
    assert row["exact"] is True
    assert row["html_kb"] > 400  # vis-network is inlined
    for key in ("read", "metrics", "html", "open_group"):  # each step was really timed (a skipped step gives 0)
        assert isinstance(row[key], float) and 0 < row[key] < 600, (key, row[key])
