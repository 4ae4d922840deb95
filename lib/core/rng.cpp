#include "core/rng.h"

#include <cmath>
#include <utility>

#include "core/error.h"

namespace ddpm {

// PCG32's multiplier: each draw moves the state to kMultiplier * state + inc (mod 2^64).
constexpr uint64_t kMultiplier = 6364136223846793005ULL;

Rng::Rng(uint64_t seed, uint64_t stream) {
    // PCG's seeding: the increment must be odd; advance once before and after adding the seed.
    inc_ = (stream << 1u) | 1u;
    next_u32();
    state_ += seed;
    next_u32();
}

uint32_t Rng::next_u32() {
    uint64_t old = state_;
    state_ = old * kMultiplier + inc_;
    uint32_t xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = static_cast<uint32_t>(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

float Rng::uniform() {
    return static_cast<float>(next_u32() >> 8) * (1.0f / 16777216.0f);
}

float Rng::uniform(float lo, float hi) {
    return lo + (hi - lo) * uniform();
}

float Rng::normal() {
    if (has_cached_) {
        has_cached_ = false;
        return cached_normal_;
    }
    const uint32_t u = next_u32();
    const uint32_t v = next_u32();
    float first = 0;
    box_muller(u, v, first, cached_normal_);
    has_cached_ = true;
    return first;
}

void box_muller(uint32_t u, uint32_t v, float& first, float& second) {
    // In double: u1 in (0, 1] so log(u1) is finite.
    const double u1 = (static_cast<double>(u) + 1.0) / 4294967296.0;
    const double u2 = static_cast<double>(v) / 4294967296.0;
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 2.0 * M_PI * u2;
    first = static_cast<float>(r * std::cos(theta));
    second = static_cast<float>(r * std::sin(theta));
}

int Rng::randint(int n) {
    if (n <= 0) throw Error("randint: n must be positive, got " + std::to_string(n));
    // Lemire (2019): multiply into 64 bits and reject the few values that would bias the result.
    uint64_t m = static_cast<uint64_t>(next_u32()) * static_cast<uint64_t>(n);
    uint32_t low = static_cast<uint32_t>(m);
    if (low < static_cast<uint32_t>(n)) {
        uint32_t threshold =
            static_cast<uint32_t>(-static_cast<uint32_t>(n)) % static_cast<uint32_t>(n);
        while (low < threshold) {
            m = static_cast<uint64_t>(next_u32()) * static_cast<uint64_t>(n);
            low = static_cast<uint32_t>(m);
        }
    }
    return static_cast<int>(m >> 32);
}

void Rng::shuffle(std::vector<int>& v) {
    for (int i = static_cast<int>(v.size()) - 1; i > 0; --i) std::swap(v[i], v[randint(i + 1)]);
}

void Rng::skip(uint64_t delta) {
    // next_u32 steps state -> a * state + c. delta steps are state -> A * state + C with
    // A = a^delta and C = c (a^(delta-1) + ... + a + 1): built from the bits of delta, the step
    // for 2^k squared into the step for 2^(k+1) (Brown, "Random number generation with arbitrary
    // strides", 1994), all mod 2^64.
    uint64_t a = kMultiplier, c = inc_;  // the step for 2^k, k = 0 first
    uint64_t A = 1, C = 0;               // the steps taken so far
    for (; delta > 0; delta >>= 1) {
        if (delta & 1u) {
            A *= a;
            C = C * a + c;
        }
        c = (a + 1) * c;  // two steps of (a, c) make one of (a^2, (a + 1) c)
        a *= a;
    }
    state_ = A * state_ + C;
}

void Rng::set_state(const State& s) {
    if ((s.inc & 1u) == 0) throw Error("rng state: the increment must be odd");
    state_ = s.state;
    inc_ = s.inc;
    cached_normal_ = s.cached_normal;
    has_cached_ = s.has_cached;
}

}  // namespace ddpm
