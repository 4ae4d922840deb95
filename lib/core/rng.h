// Rng: the seeded generator every random draw in the course goes through.
//
// PCG32 (O'Neill 2014, "PCG: A Family of Simple Fast Space-Efficient Statistically Good
// Algorithms for Random Number Generation"): 64-bit state, 32-bit output, the XSH-RR output
// function. It is tiny, fast, passes the usual statistical batteries, and, most important here,
// the same seed gives the same stream on every machine and compiler, so a lesson's numbers
// are the README's numbers.
//
// Normals use the Box-Muller transform; both values of a pair are used (the second is cached).
#pragma once
#include <cstdint>
#include <vector>

namespace ddpm {

class Rng {
public:
    explicit Rng(uint64_t seed = 42, uint64_t stream = 54);

    uint32_t next_u32();
    float uniform();                    // [0, 1), 24 random bits
    float uniform(float lo, float hi);  // [lo, hi)
    float normal();                     // N(0, 1)
    int randint(int n);                 // uniform in {0, ..., n-1}, unbiased (Lemire's method)
    void shuffle(std::vector<int>& v);  // Fisher-Yates
    // As `delta` calls of next_u32() would leave the generator, in one step per bit of delta (at
    // most 64; O'Neill's pcg32_advance): threads can each start at their own place in the stream.
    void skip(uint64_t delta);

    // The whole state, so a checkpoint can save a run mid-way and resume it bit for bit.
    struct State {
        uint64_t state, inc;
        float cached_normal;
        bool has_cached;
    };
    State state() const { return {state_, inc_, cached_normal_, has_cached_}; }
    void set_state(const State& s);

private:
    uint64_t state_ = 0, inc_ = 0;
    float cached_normal_ = 0;
    bool has_cached_ = false;
};

// The Box-Muller transform: two 32-bit draws u, v to two independent N(0, 1) values, the pair
// that normal() returns one after the other (first, then second, from its cache).
void box_muller(uint32_t u, uint32_t v, float& first, float& second);

}  // namespace ddpm
