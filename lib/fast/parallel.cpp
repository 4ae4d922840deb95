#include "fast/parallel.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "core/error.h"

namespace ddpm {

namespace {

std::atomic<bool> g_flush_denormals{false};

// True on a thread while it runs a chunk of parallel_for (a parallel_for inside it, a product
// inside a block of sampling say, finds the pool busy), and on a background thread for good: its
// parallel_for calls run on that thread alone.
thread_local bool t_serial = false;

// Sets this thread's floating-point mode to match g_flush_denormals.
void apply_fp_mode() {
#if defined(__SSE__) && (defined(__x86_64__) || defined(__i386__))
    const unsigned kFtzDaz = 0x8040;  // flush-to-zero (bit 15) and denormals-are-zero (bit 6)
    const unsigned csr = __builtin_ia32_stmxcsr();
    const unsigned want = g_flush_denormals.load() ? (csr | kFtzDaz) : (csr & ~kFtzDaz);
    if (want != csr) __builtin_ia32_ldmxcsr(want);
#elif defined(__aarch64__)
    const uint64_t kFz = uint64_t(1) << 24;  // FPCR.FZ: flush denormal inputs and results to zero
    uint64_t fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    const uint64_t want = g_flush_denormals.load() ? (fpcr | kFz) : (fpcr & ~kFz);
    if (want != fpcr) __asm__ volatile("msr fpcr, %0" : : "r"(want));
#endif
}

// One iteration of a busy wait: the x86 `pause` instruction tells the core it is spinning
// (cheaper for the other hardware thread, and quick to notice the change); elsewhere, yield.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
}

// Workers wait for a new "generation" of work: they spin briefly (a training step starts a dozen
// parallel loops in well under a millisecond, and waking a sleeping thread costs more than a
// small loop), then yield (so that with more threads than cores, as when two programs run at
// once, the others get the core), then sleep on a condition variable so an idle program uses no
// CPU.
class Pool {
public:
    ~Pool() { stop(); }

    void resize(int threads) {
        stop();
        quit_ = false;
        parts_ = std::max(1, threads);
        // New workers start from the current generation: the jobs of earlier generations are
        // finished, and their callables gone.
        const unsigned long now = generation_.load();
        for (int id = 1; id < parts_; ++id) {
            try {
                workers_.emplace_back([this, id, now] { work(id, now); });
            } catch (const std::system_error&) {
                // The system would not start another thread (a process or memory limit): back to
                // one thread, and a message that says what to do instead of errno's text.
                stop();
                quit_ = false;
                parts_ = 1;
                throw Error("could not start " + std::to_string(threads) +
                            " threads (the system stopped at " + std::to_string(id) +
                            "); use fewer threads");
            }
        }
    }
    int size() const { return parts_; }

    void run(int n, const RangeFn& f, int min_chunk) {
        const int parts = std::min(parts_, std::max(1, n / std::max(1, min_chunk)));
        if (parts <= 1) return f(0, n);
        job_ = &f;
        n_ = n;
        active_ = parts;
        pending_.store(parts_ - 1, std::memory_order_relaxed);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            generation_.fetch_add(1, std::memory_order_release);
        }
        wake_.notify_all();
        chunk(0);
        for (int spin = 0; pending_.load(std::memory_order_acquire) > 0; ++spin)
            if (spin < 1024)
                cpu_relax();
            else
                std::this_thread::yield();
    }

private:
    void chunk(int id) {
        if (id >= active_) return;  // fewer chunks than threads: this one has nothing to do
        const int begin = static_cast<int>(static_cast<long>(n_) * id / active_);
        const int end = static_cast<int>(static_cast<long>(n_) * (id + 1) / active_);
        t_serial = true;
        (*job_)(begin, end);
        t_serial = false;
    }

    void work(int id, unsigned long seen) {
        for (;;) {
            for (long spin = 0; generation_.load(std::memory_order_acquire) == seen; ++spin) {
                if (quit_.load()) return;
                if (spin < 1024) {  // a short busy wait: the next loop is usually near
                    cpu_relax();
                } else if (spin < 8192) {  // then give the core to anyone who needs it
                    std::this_thread::yield();
                } else {  // then sleep
                    std::unique_lock<std::mutex> lock(mutex_);
                    wake_.wait(lock, [&] { return generation_.load() != seen || quit_.load(); });
                }
            }
            seen = generation_.load(std::memory_order_acquire);
            apply_fp_mode();  // the floating-point mode is per thread
            chunk(id);
            pending_.fetch_sub(1, std::memory_order_acq_rel);
        }
    }

    void stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            quit_ = true;
        }
        wake_.notify_all();
        for (std::thread& t : workers_) t.join();
        workers_.clear();
    }

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<unsigned long> generation_{0};
    std::atomic<int> pending_{0};
    std::atomic<bool> quit_{false};
    const RangeFn* job_ = nullptr;
    int n_ = 0, active_ = 1, parts_ = 1;
};

Pool& pool() {
    static Pool p;
    return p;
}

}  // namespace

void set_num_threads(int n) {
    if (n < 0 || n > 1024) throw UsageError("threads must be in [0, 1024] (0: one per core)");
    if (n == 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (n != pool().size()) pool().resize(n);
}

int num_threads() {
    return t_serial ? 1 : pool().size();
}

void become_background_thread() {
    t_serial = true;
    apply_fp_mode();
}

void set_flush_denormals(bool on) {
    g_flush_denormals = on;
    apply_fp_mode();  // this thread now; the workers before each job
}

void parallel_for(int n, RangeFn f, int min_chunk) {
    if (n <= 0) return;
    if (t_serial) return f(0, n);  // nested, or a background thread: this thread does it all
    pool().run(n, f, min_chunk);
}

}  // namespace ddpm
