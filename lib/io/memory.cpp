#include "io/memory.h"

#include <unistd.h>

#include <cstdio>

#include "core/error.h"

namespace ddpm {

uint64_t parameter_count(const ModelConfig& cfg) {
    const uint64_t H = static_cast<uint64_t>(cfg.hidden),
                   in = static_cast<uint64_t>(cfg.input_width());
    const uint64_t depth = static_cast<uint64_t>(cfg.depth), dim = static_cast<uint64_t>(cfg.dim);
    uint64_t n = in * H + H;         // the first Linear
    n += (depth - 1) * (H * H + H);  // the hidden Linears
    n += H * dim + dim;              // the output Linear
    if (cfg.embedding == ModelConfig::Embedding::learned)
        n += depth * static_cast<uint64_t>(cfg.num_steps) * H;  // a table per block
    if (cfg.num_classes > 0) n += depth * static_cast<uint64_t>(cfg.num_classes + 1) * H;
    if (cfg.skip) n += dim * in;  // the input-to-output skip
    return n;
}

uint64_t training_bytes(const ModelConfig& m, const TrainConfig& c) {
    const uint64_t params = parameter_count(m);
    const uint64_t B = static_cast<uint64_t>(c.batch);
    const uint64_t activations =
        B * static_cast<uint64_t>(m.depth) * m.hidden * 4 +  // h, dh, da, the norm's
        B * static_cast<uint64_t>(m.input_width()) + B * m.dim * 5;
    return 4 * (params * 5 + activations);
}

uint64_t sampling_bytes(const ModelConfig& m, uint64_t n) {
    return 4 * n * static_cast<uint64_t>(m.dim) * (static_cast<uint64_t>(m.num_steps) + 3);
}

uint64_t physical_memory_bytes() {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : 0;
}

std::string human_bytes(uint64_t bytes) {
    char b[32];
    if (bytes >= (1ULL << 30))
        std::snprintf(b, sizeof b, "%.1f GB", bytes / double(1ULL << 30));
    else
        std::snprintf(b, sizeof b, "%.0f MB", bytes / double(1ULL << 20));
    return b;
}

void check_fits_in_memory(uint64_t bytes, const std::string& what, const std::string& advice) {
    const uint64_t have = physical_memory_bytes();
    if (have > 0 && bytes > have)
        throw UsageError(what + " needs " + human_bytes(bytes) + ", more than this machine's " +
                         human_bytes(have) + "; " + advice);
}

}  // namespace ddpm
