// Checks for exercise 15, by value: the forward against lib's layer_norm and its defining
// properties (each row of mean 0 and variance var / (var + 1e-5)); the backward against central
// differences of a weighted sum of the outputs, its accumulation (+=), and the two directions a
// norm barely feels (a shift and a scale of a row), along which the gradient must be about 0.
#include <cmath>
#include <vector>

#include "check.h"
#include "core/gradcheck.h"
#include "core/rng.h"
#include "exercise.h"
#include "nn/layers.h"

namespace {

const int B = 4, C = 9;

std::vector<double> random_rows(ddpm::Rng& rng, double shift, double scale) {
    std::vector<double> v(B * C);
    for (double& x : v) x = shift + scale * rng.normal();
    return v;
}

void check_forward(exercise::Checker& check) {
    ddpm::Rng rng(15);
    const std::vector<double> x = random_rows(rng, 3.0, 2.0);
    std::vector<double> y(B * C, 7.0), rstd(B, 7.0), want(B * C), want_rstd(B);
    ex::layer_norm_forward(y.data(), rstd.data(), x.data(), B, C);
    ddpm::layer_norm_forward(want.data(), want_rstd.data(), x.data(), B, C);
    double worst_mean = 0;
    for (int b = 0; b < B; ++b) {
        double m = 0;
        for (int c = 0; c < C; ++c) m += y[b * C + c] / C;
        worst_mean = std::fmax(worst_mean, std::fabs(m));
    }
    check.near("each row's mean after the norm", worst_mean, 0.0, 1e-12);
    check.all_near("the normalised values, against lib's layer_norm", y.data(), want.data(),
                   y.size(), 1e-9);
    check.all_near("rstd = 1 / sqrt(var + 1e-5), var divided by C", rstd.data(), want_rstd.data(),
                   rstd.size(), 1e-9);
}

void check_backward(exercise::Checker& check) {
    ddpm::Rng rng(16);
    std::vector<double> x = random_rows(rng, -1.0, 3.0), R = random_rows(rng, 0.0, 1.0);
    std::vector<double> y(B * C), rstd(B), dx(B * C, 0.5);
    auto f = [&] {
        ex::layer_norm_forward(y.data(), rstd.data(), x.data(), B, C);
        double s = 0;
        for (int i = 0; i < B * C; ++i) s += y[i] * R[i];
        return s;
    };
    f();
    ex::layer_norm_backward(dx.data(), R.data(), y.data(), rstd.data(), B, C);
    for (double& v : dx) v -= 0.5;  // it adds to what was there
    const std::vector<double> num = ddpm::numerical_gradient(f, x.data(), x.size(), 1e-6);
    check.near("the gradient against central differences (largest relative difference)",
               ddpm::max_relative_error(dx.data(), num), 0.0, 1e-6);
    // A shift of a row (all values + e) changes nothing the norm puts out, so the gradient has no
    // component along it; a scale about its mean changes it only through the 1e-5 under the root
    // (a share of about 1e-5 / var), so almost none along that.
    double along_shift = 0, along_scale = 0;
    for (int b = 0; b < B; ++b)
        for (int c = 0; c < C; ++c) {
            along_shift += dx[b * C + c];
            along_scale += dx[b * C + c] * y[b * C + c];
        }
    check.near("the gradient along a shift of each row (sum of din)", along_shift, 0.0, 1e-9);
    check.near("the gradient along a scale of each row (sum of din * out)", along_scale, 0.0, 1e-4);
}

}  // namespace

int main() {
    exercise::Checker check = exercise::start("15 the layer norm, forward and backward");
    check_forward(check);
    check_backward(check);
    return check.finish();
}
