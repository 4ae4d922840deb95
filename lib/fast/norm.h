// The fast layer norm: the same contract as layer_norm_forward and layer_norm_backward of
// layers.h, and the same bits. The plain layers call these when the fast tier is on.
//
// The plain loops sum each row in double, one term after another: every addition waits for the
// one before, so a row of 512 takes 512 additions' latency, whatever the vector width. Here 16
// rows are summed side by side, one vector lane each: each row's sum still runs over its columns
// in order (the same bits), but 16 sums advance at each step. The rows are read as columns of a
// transposed copy, and the pool's threads may take whole groups of rows.
#pragma once

namespace ddpm::fast {

// layer_norm_forward of layers.h:   in (B, C)  ->  out (B, C), rstd (B,)
template <typename T>
void layer_norm_forward(T* out, T* rstd, const T* in, int B, int C);

// layer_norm_backward of layers.h (accumulates into din the same way):
//   dout (B, C), out (B, C), rstd (B,)  ->  din (B, C)
template <typename T>
void layer_norm_backward(T* din, const T* dout, const T* out, const T* rstd, int B, int C);

}  // namespace ddpm::fast
