// Checks for exercise 08, by value: one update against the formula; many updates of a constant
// converge to it as 1 - (1 - mu)^k; the notebook's mu = 0.01 weighs the NEW value by 0.01.
#include <cmath>
#include <vector>

#include "check.h"
#include "exercise.h"

int main() {
    exercise::Checker check = exercise::start("08 the EMA update");
    std::vector<float> shadow = {1, 2, -1}, params = {3, 0, -1};
    ex::ema_update(shadow.data(), params.data(), 3, 0.01f);
    const double want[3] = {0.01 * 3 + 0.99 * 1, 0.99 * 2, -1};
    check.all_near("one update with mu = 0.01", shadow.data(), want, 3, 1e-6);
    std::vector<float> s(1, 0.0f), one(1, 1.0f);
    for (int k = 0; k < 100; ++k) ex::ema_update(s.data(), one.data(), 1, 0.01f);
    check.near("100 updates towards 1 from 0: 1 - 0.99^100", s[0], 1 - std::pow(0.99, 100), 1e-5);
    std::vector<float> a(1, 0.0f);
    ex::ema_update(a.data(), one.data(), 1, 1.0f);
    check.near("mu = 1 copies the parameters", a[0], 1, 0);
    return check.finish();
}
