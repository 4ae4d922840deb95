#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/rng.h"

TEST_CASE("same seed, same stream; different seeds, different streams") {
    ddpm::Rng a(7), b(7), c(8);
    int same_c = 0;
    for (int i = 0; i < 1000; ++i) {
        uint32_t x = a.next_u32();
        CHECK(x == b.next_u32());
        same_c += x == c.next_u32();
    }
    CHECK(same_c < 3);
    ddpm::Rng d(7), e(7);
    for (int i = 0; i < 100; ++i) CHECK(d.normal() == e.normal());
}

TEST_CASE("PCG32 reference output (O'Neill's pcg32-demo, seed 42, stream 54)") {
    // The first outputs of pcg32_srandom_r(&rng, 42u, 54u) in the PCG reference implementation.
    ddpm::Rng r(42, 54);
    const uint32_t expected[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                                 0x83d2f293, 0xbfa4784b, 0xcbed606e};
    for (uint32_t want : expected) CHECK(r.next_u32() == want);
}

TEST_CASE("10^6 normals have mean 0 and variance 1 (within 5 standard errors)") {
    ddpm::Rng r(1);
    const int n = 1000000;
    double s = 0, s2 = 0, s4 = 0;
    for (int i = 0; i < n; ++i) {
        double x = r.normal();
        s += x;
        s2 += x * x;
        s4 += x * x * x * x;
    }
    double mean = s / n, var = s2 / n - mean * mean;
    CHECK(std::fabs(mean) < 5 / std::sqrt(n));           // se of the mean: 1/sqrt(n)
    CHECK(std::fabs(var - 1) < 5 * std::sqrt(2.0 / n));  // se of the variance: sqrt(2/n)
    CHECK(s4 / n == doctest::Approx(3).epsilon(0.02));   // kurtosis of a Gaussian
}

TEST_CASE("uniform is in [0, 1) with mean 1/2") {
    ddpm::Rng r(2);
    double s = 0;
    for (int i = 0; i < 100000; ++i) {
        float u = r.uniform();
        REQUIRE(u >= 0.0f);
        REQUIRE(u < 1.0f);
        s += u;
    }
    CHECK(s / 100000 == doctest::Approx(0.5).epsilon(0.01));
}

TEST_CASE("randint covers every value evenly; shuffle is a permutation") {
    ddpm::Rng r(3);
    std::vector<int> counts(10, 0);
    for (int i = 0; i < 100000; ++i) ++counts[r.randint(10)];
    for (int c : counts) CHECK(std::abs(c - 10000) < 500);  // 5 standard errors (~95)
    std::vector<int> v(100);
    std::iota(v.begin(), v.end(), 0);
    std::vector<int> w = v;
    r.shuffle(w);
    CHECK(w != v);
    std::sort(w.begin(), w.end());
    CHECK(w == v);
    CHECK_THROWS(r.randint(0));
}

TEST_CASE("state round trip continues the same stream") {
    ddpm::Rng a(9);
    a.normal();  // leaves a cached normal in the state
    ddpm::Rng b(0);
    b.set_state(a.state());
    for (int i = 0; i < 10; ++i) CHECK(a.normal() == b.normal());
}

TEST_CASE("skip(k) leaves the generator where k draws would, however large k is") {
    for (uint64_t k : {0ULL, 1ULL, 2ULL, 3ULL, 64ULL, 1000ULL, 123457ULL}) {
        CAPTURE(k);
        ddpm::Rng drawn(5), skipped(5);
        for (uint64_t i = 0; i < k; ++i) drawn.next_u32();
        skipped.skip(k);
        CHECK(skipped.state().state == drawn.state().state);
        CHECK(skipped.next_u32() == drawn.next_u32());
    }
    // Too many to draw: two skips against one of their sum, and a whole period (2^64 draws)
    // against none.
    ddpm::Rng a(6), b(6), c(6);
    a.skip(3000000000000ULL);
    a.skip(987654321987ULL);
    b.skip(3000000000000ULL + 987654321987ULL);
    CHECK(a.state().state == b.state().state);
    c.skip(~0ULL);
    c.next_u32();
    CHECK(c.state().state == ddpm::Rng(6).state().state);
}
