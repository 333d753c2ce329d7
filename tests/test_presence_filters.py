"""The grid filters ``Presence`` counts men with give the numbers their docstrings promise."""

import numpy as np
import pytest
from scipy import ndimage

from sim.war.presence import LastFiltered, box_kernel, box_sum, paint_squares, smooth


def sparse_grid(shape, units, seed):
    """A grid of a few units' men on otherwise empty cells, as the model's men grids are."""
    rng = np.random.default_rng(seed)
    grid = np.zeros(shape)
    cells = rng.integers(0, min(shape), (units, 2))
    np.add.at(grid, (cells[:, 0], cells[:, 1]), rng.integers(10, 800, units).astype(float))
    return grid


@pytest.mark.parametrize("sigma", [0.6, 3.2, 11.07, 25.0])
@pytest.mark.parametrize("shape", [(67, 60), (34, 30)])
def test_smooth_is_the_gaussian_filter(sigma, shape):
    """Matrix products give ``gaussian_filter``'s numbers to rounding, sparse or dense."""
    for grid in (sparse_grid(shape, 25, 1), np.random.default_rng(2).random(shape) * 1000):
        expected = ndimage.gaussian_filter(grid, sigma, mode="constant")
        got = smooth(grid, sigma)
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-9 * grid.max())


def test_smooth_keeps_an_empty_grid_empty_and_its_input_intact():
    grid = sparse_grid((20, 18), 4, 3)
    before = grid.copy()
    smooth(grid, 2.0)
    np.testing.assert_array_equal(grid, before)
    np.testing.assert_array_equal(smooth(np.zeros((20, 18)), 2.0), np.zeros((20, 18)))


@pytest.mark.parametrize("half", [0.3, 1.0, 1.75, 3.50695])
def test_box_sum_is_the_square_around_each_cell(half):
    """Each cell's box sum is its square's men, edge cells by the share of them inside."""
    grid = sparse_grid((15, 13), 12, 4)
    kernel = box_kernel(half)
    reach = len(kernel) // 2
    expected = np.zeros_like(grid)
    for x in range(grid.shape[0]):
        for y in range(grid.shape[1]):
            for dx in range(-reach, reach + 1):
                for dy in range(-reach, reach + 1):
                    i, j = x + dx, y + dy
                    if 0 <= i < grid.shape[0] and 0 <= j < grid.shape[1]:
                        expected[x, y] += grid[i, j] * kernel[dx + reach] * kernel[dy + reach]
    np.testing.assert_allclose(box_sum(grid, half), expected, rtol=1e-12, atol=1e-9)
    # The square is 2 x half cells on a side: its weights sum to that length.
    assert kernel.sum() == pytest.approx(2 * half)


def test_last_filtered_gives_a_fresh_copy_of_the_same_numbers():
    filtered = LastFiltered()
    grid = sparse_grid((20, 18), 5, 5)
    first = filtered("men", box_sum, grid, half=2.0)
    first[:] = -1.0  # a caller may change what it gets
    again = filtered("men", box_sum, grid.copy(), half=2.0)
    np.testing.assert_array_equal(again, box_sum(grid, 2.0))
    grid[3, 3] += 100.0  # a changed input is filtered anew
    np.testing.assert_array_equal(filtered("men", box_sum, grid, half=2.0), box_sum(grid, 2.0))


@pytest.mark.parametrize("half", [0, 1, 4, 9])
def test_paint_squares_is_the_maximum_filter_of_the_points(half):
    """Squares painted around a few cells, edges and overlaps included, are the filter's numbers."""
    rng = np.random.default_rng(half)
    shape = (31, 27)
    cells = [(0, 0), (30, 26), (15, 3), (16, 4), *map(tuple, rng.integers(0, 27, (6, 2)))]
    values = rng.uniform(0.1, 1.0, len(cells))
    points = np.zeros(shape)
    painted = np.zeros(shape)
    for cell, value in zip(cells, values, strict=True):
        points[cell] = max(points[cell], value)
        paint_squares(painted, [cell], value, half)
    expected = ndimage.maximum_filter(points, size=2 * half + 1, mode="constant")
    np.testing.assert_array_equal(painted, expected)
    covered = np.zeros(shape, dtype=bool)
    paint_squares(covered, cells, True, half)
    np.testing.assert_array_equal(covered, expected > 0)
