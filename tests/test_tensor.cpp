#include <doctest/doctest.h>

#include <cmath>

#include "core/error.h"
#include "core/tensor.h"

using ddpm::Tensor;

TEST_CASE("a tensor knows its shape and prints it as NumPy does") {
    Tensor t({10000, 2});
    CHECK(t.size() == 20000);
    CHECK(t.dim(0) == 10000);
    CHECK(t.dim(-1) == 2);
    CHECK(t.shape_str() == "(10000, 2)");
    CHECK(Tensor({5}).shape_str() == "(5,)");
}

TEST_CASE("slices, frames, reshapes and column statistics compute the right values") {
    Tensor r({2, 3}, {1, 2, 3, 4, 5, 6});
    CHECK(r.reshaped({3, 2}).at(2, 0) == 5);
    CHECK(r.slice(1, 2)[0] == 4);
    CHECK(r.frame(1).shape_str() == "(3,)");
    CHECK(r.frame(1)[2] == 6);
    CHECK(ddpm::column_mean(r)[2] == doctest::Approx(4.5));
    CHECK(ddpm::column_std(r)[0] == doctest::Approx(1.5));
    CHECK(ddpm::all_finite(r));
    r[4] = NAN;
    CHECK_FALSE(ddpm::all_finite(r));
}

TEST_CASE("a bad shape throws an error that names it") {
    Tensor a({3, 2});
    CHECK_THROWS_AS(a.reshaped({4, 2}), ddpm::Error);
    CHECK_THROWS_WITH(Tensor({2, 2}, {1, 2, 3}), doctest::Contains("needs 4 values, got 3"));
    CHECK_THROWS_WITH(a.reshaped({4, 2}), "cannot reshape (3, 2) to (4, 2)");
    CHECK_THROWS_WITH(a.slice(2, 4), doctest::Contains("out of range for shape (3, 2)"));
}
