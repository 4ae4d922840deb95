#include "helpers.h"

#include <cstdlib>
#include <stdexcept>
#include <unistd.h>

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
