#include "fast/isa.h"

namespace ddpm::fast {

#if defined(DDPM_AVX_BESIDE)
static bool avx_allowed = true;

bool avx_in_use() {
    static const bool present = __builtin_cpu_supports("avx");
    return present && avx_allowed;
}

void allow_avx(bool on) {
    avx_allowed = on;
}
#else
bool avx_in_use() {
    return false;
}

void allow_avx(bool) {}
#endif

}  // namespace ddpm::fast
