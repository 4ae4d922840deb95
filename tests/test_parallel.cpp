// parallel_for (parallel.h): every index handled once, by one call, whatever the thread count;
// a parallel_for inside a chunk runs on that chunk's thread.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "fast/parallel.h"

TEST_CASE("parallel_for covers [0, n) exactly once, for 1, 2 and 3 threads") {
    for (int threads : {1, 2, 3}) {
        ddpm::set_num_threads(threads);
        for (int n : {1, 2, 7, 1000}) {
            std::vector<int> hits(n, 0);
            ddpm::parallel_for(n, [&](int b, int e) {
                for (int i = b; i < e; ++i) ++hits[i];
            });
            int wrong = 0;
            for (int h : hits) wrong += h != 1;
            CAPTURE(threads);
            CAPTURE(n);
            CHECK(wrong == 0);
        }
    }
    ddpm::set_num_threads(1);
}

TEST_CASE("a parallel_for inside a chunk runs on that chunk's thread") {
    ddpm::set_num_threads(2);
    std::vector<std::thread::id> outer(2), inner_first(2), inner_last(2);
    std::vector<int> inner_calls(2, 0), inner_threads(2, 0);
    ddpm::parallel_for(
        2,
        [&](int b, int e) {
            for (int p = b; p < e; ++p) {
                outer[p] = std::this_thread::get_id();
                inner_threads[p] = ddpm::num_threads();
                ddpm::parallel_for(
                    100,
                    [&](int ib, int ie) {
                        ++inner_calls[p];  // one call covering all of [0, 100)
                        if (ib == 0) inner_first[p] = std::this_thread::get_id();
                        if (ie == 100) inner_last[p] = std::this_thread::get_id();
                    },
                    1);
            }
        },
        1);
    CHECK(ddpm::num_threads() == 2);
    for (int p = 0; p < 2; ++p) {
        CHECK(inner_calls[p] == 1);
        CHECK(inner_threads[p] == 1);  // what a parallel_for there would use
        CHECK((inner_first[p] == outer[p]));
        CHECK((inner_last[p] == outer[p]));
    }
    CHECK((outer[0] != outer[1]));  // the outer loop itself did use both threads
    ddpm::set_num_threads(1);
}
