// Background: one job at a time on a thread of its own, so training goes on while the last
// sampling is drawn and written (the tools' training every few epochs, the benchmark).
//
// run() first waits for the job before it, so jobs run in the order given and jobs that share a
// random generator draw from it in turn: the results are the same as running each job in place.
// wait() waits for the last job. An exception thrown by a job is rethrown by the next run() or
// wait(). A job must own what it reads (a copy of the model, say): training changes the rest.
#pragma once
#include <exception>
#include <thread>
#include <utility>

#include "fast/parallel.h"

namespace ddpm {

class Background {
public:
    Background() = default;
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;
    ~Background() {
        if (thread_.joinable()) thread_.join();
    }

    template <typename Job>
    void run(Job job) {
        wait();
        thread_ = std::thread([this, job = std::move(job)]() mutable {
            become_background_thread();  // one core: the other one trains
            try {
                job();
            } catch (...) {
                error_ = std::current_exception();
            }
        });
    }

    void wait() {
        if (thread_.joinable()) thread_.join();
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

private:
    std::thread thread_;
    std::exception_ptr error_;
};

}  // namespace ddpm
