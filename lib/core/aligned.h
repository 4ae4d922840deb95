// AlignedVector<T>: a std::vector whose storage starts on a 64-byte boundary.
//
// malloc aligns to 16 bytes. A 64-byte vector load (AVX-512, and two AVX loads) from an address
// 16 bytes past a boundary touches two cache lines, and costs about twice as much. The model's
// parameters, gradients and activations, and the optimiser's moments, live in these.
#pragma once
#include <cstddef>
#include <new>
#include <vector>

namespace ddpm {

constexpr size_t kAlignBytes = 64;  // a cache line, and one AVX-512 vector

template <typename T>
struct AlignedAllocator {
    using value_type = T;
    AlignedAllocator() = default;
    template <typename U>
    AlignedAllocator(const AlignedAllocator<U>&) {}

    T* allocate(size_t n) {
        return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(kAlignBytes)));
    }
    void deallocate(T* p, size_t) { ::operator delete(p, std::align_val_t(kAlignBytes)); }
};

template <typename T, typename U>
bool operator==(const AlignedAllocator<T>&, const AlignedAllocator<U>&) {
    return true;
}
template <typename T, typename U>
bool operator!=(const AlignedAllocator<T>&, const AlignedAllocator<U>&) {
    return false;
}

template <typename T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

}  // namespace ddpm
