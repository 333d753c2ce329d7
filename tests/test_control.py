"""Who controls a cell: the leading side and the runner-up, as sorting the scores gives them."""

import numpy as np

from sim.war.control import leaders


def test_leaders_are_the_sorted_scores_first_of_equals_leading():
    """The lead, its score and the runner-up's are ``argmax`` and the top two of ``np.sort``."""
    rng = np.random.default_rng(7)
    for seed in range(20):
        scores = rng.random((3, 17, 11)) * 1000
        if seed % 2:  # ties and empty cells, as where no side has anyone about
            scores = rng.integers(0, 3, (3, 17, 11)).astype(float)
        best, top, second = leaders(scores)
        ordered = np.sort(scores, axis=0)
        np.testing.assert_array_equal(best, np.argmax(scores, axis=0))
        np.testing.assert_array_equal(top, ordered[-1])
        np.testing.assert_array_equal(second, ordered[-2])
