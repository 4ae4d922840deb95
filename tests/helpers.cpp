#include "helpers.h"

#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <unistd.h>

#include "core/error.h"

TempDir::TempDir() {
    char tmpl[] = "/tmp/ddpm-test-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
}

TempDir::~TempDir() {
    std::string cmd = "rm -rf '" + path + "'";
    if (std::system(cmd.c_str()) != 0) { /* best effort */
    }
}

std::vector<double> json_number_array(const std::string& json, const std::string& key) {
    size_t k = json.find("\"" + key + "\"");
    if (k == std::string::npos) throw std::runtime_error("no key " + key);
    size_t open = json.find('[', k), close = json.find(']', open);
    std::vector<double> out;
    const char* p = json.c_str() + open + 1;
    const char* end = json.c_str() + close;
    while (p < end) {
        char* next;
        double v = std::strtod(p, &next);
        if (next == p) {
            ++p;
            continue;
        }
        out.push_back(v);
        p = next;
    }
    return out;
}

float max_abs_diff(const ddpm::Tensor& a, const ddpm::Tensor& b) {
    if (a.shape() != b.shape())
        throw ddpm::Error("max_abs_diff: shape mismatch " + a.shape_str() + " vs " + b.shape_str());
    float d = 0;
    for (size_t i = 0; i < a.size(); ++i) d = std::fmax(d, std::fabs(a[i] - b[i]));
    return d;
}
