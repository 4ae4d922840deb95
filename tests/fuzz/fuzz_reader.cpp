// Fuzz target (clang's libFuzzer, `make fuzz`): one of the readers of outside files on arbitrary
// bytes, chosen when compiling: -DFUZZ_NPY, -DFUZZ_CSV, -DFUZZ_CHECKPOINT or -DFUZZ_SAFETENSORS
// (the format's reader, then the model built from what it read). A reader may refuse
// the bytes with ddpm::Error; anything else (a crash, a sanitizer report, another exception, a
// huge allocation) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "io/checkpoint.h"
#include "io/csv.h"
#include "io/gzip.h"
#include "io/idx.h"
#include "io/npy.h"
#include "io/weights.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    try {
#if defined(FUZZ_NPY)
        ddpm::npy_from_bytes(bytes, "fuzz.npy");
#elif defined(FUZZ_CSV)
        ddpm::csv_from_text(bytes, "fuzz.csv");
#elif defined(FUZZ_CHECKPOINT)
        ddpm::checkpoint_from_bytes(bytes, "fuzz.ckpt");
#elif defined(FUZZ_SAFETENSORS)
        const ddpm::SafeTensors file = ddpm::safetensors_from_bytes(bytes, "fuzz.safetensors");
        ddpm::sampling_model_from_safetensors(file, "fuzz.safetensors", "", {});
#elif defined(FUZZ_IDX)
        // The same path as read_idx, with a limit a fuzzer's inputs can reach.
        ddpm::idx_from_bytes(
            ddpm::is_gzip(bytes) ? ddpm::gunzip(bytes, "fuzz.idx.gz", size_t(1) << 24) : bytes,
            "fuzz.idx");
#else
#error "define FUZZ_NPY, FUZZ_CSV, FUZZ_CHECKPOINT, FUZZ_SAFETENSORS or FUZZ_IDX"
#endif
    } catch (const ddpm::Error&) {
        // refused with a message: fine
    }
    return 0;
}
