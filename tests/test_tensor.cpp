#include <doctest/doctest.h>

#include "error.h"
#include "tensor.h"

using ddpm::Tensor;

TEST_CASE("a tensor knows its shape and prints it as NumPy does") {
    Tensor t({10000, 2});
    CHECK(t.size() == 20000);
    CHECK(t.dim(0) == 10000);
    CHECK(t.dim(-1) == 2);
    CHECK(t.shape_str() == "(10000, 2)");
    CHECK(Tensor({5}).shape_str() == "(5,)");
}

TEST_CASE("element-wise ops and matmul compute the right values") {
    Tensor a({2, 2}, {1, 2, 3, 4}), b({2, 2}, {5, 6, 7, 8});
    Tensor s = a + b, d = a - b, p = a * b, k = a * 2.0f;
    CHECK(s[3] == 12);
    CHECK(d[0] == -4);
    CHECK(p[2] == 21);
    CHECK(k[1] == 4);
    Tensor m = ddpm::matmul(a, b);  // [[19, 22], [43, 50]]
    CHECK(m.at(0, 0) == 19);
    CHECK(m.at(0, 1) == 22);
    CHECK(m.at(1, 0) == 43);
    CHECK(m.at(1, 1) == 50);
    Tensor r({2, 3}, {1, 2, 3, 4, 5, 6});
    CHECK(ddpm::matmul(r.reshaped({3, 2}), r).shape_str() == "(3, 3)");
    CHECK(ddpm::column_mean(r)[2] == doctest::Approx(4.5));
    CHECK(ddpm::column_std(r)[0] == doctest::Approx(1.5));
    CHECK(r.slice(1, 2)[0] == 4);
}

TEST_CASE("a shape mismatch throws an error that names both shapes") {
    Tensor a({3, 2}), b({2, 3});
    CHECK_THROWS_AS(a + b, ddpm::Error);
    CHECK_THROWS_WITH(a + b, "add: shape mismatch (3, 2) vs (2, 3)");
    CHECK_THROWS_WITH(ddpm::matmul(a, a), "matmul: shape mismatch (3, 2) vs (3, 2)");
    CHECK_THROWS_WITH(Tensor({2, 2}, {1, 2, 3}), doctest::Contains("needs 4 values, got 3"));
    CHECK_THROWS_WITH(a.reshaped({4, 2}), "cannot reshape (3, 2) to (4, 2)");
}
