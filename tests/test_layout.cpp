// The layout check: lib/'s folders are its parts, and each includes only the parts beneath it
// (docs/architecture.md, "lib/: the math"). A folder may include itself, the folders before it in
// kOrder, and fast/, the speed that stands behind nn/ and the samplers; fast/ includes core/ and
// nn/ only, and no header of the math includes fast/ (the math's interface does not depend on
// its speed).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kOrder = {"core",       "data", "nn",    "diffusion",
                                         "likelihood", "io",   "render"};

std::string slurp(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

int rank(const std::string& folder) {
    auto it = std::find(kOrder.begin(), kOrder.end(), folder);
    return it == kOrder.end() ? -1 : static_cast<int>(it - kOrder.begin());
}

// Whether a file of `from` may include a header of `to`.
bool allowed(const std::string& from, const std::string& to, bool header) {
    if (from == to) return true;
    if (from == "fast") return to == "core" || to == "nn";
    if (to == "fast") return !header && from != "core" && from != "data";
    return rank(to) >= 0 && rank(to) < rank(from);
}

}  // namespace

TEST_CASE("lib: every file sits in a part, and includes only the parts beneath it") {
    const std::regex include("#include \"([a-z_]+)/[a-z_]+\\.h\"");
    int files = 0, includes = 0;
    for (const auto& e : fs::recursive_directory_iterator("lib")) {
        if (!e.is_regular_file()) continue;
        const fs::path rel = fs::relative(e.path(), "lib");
        INFO(e.path().string());
        CHECK(rel.begin() != rel.end());
        const std::string folder = rel.begin()->string();
        CHECK((rank(folder) >= 0 || folder == "fast"));  // no file at lib/'s top
        const bool header = e.path().extension() == ".h";
        const std::string text = slurp(e.path());
        for (std::sregex_iterator m(text.begin(), text.end(), include), end; m != end; ++m) {
            INFO("includes " << (*m)[0].str());
            CHECK(allowed(folder, (*m)[1].str(), header));
            ++includes;
        }
        ++files;
    }
    MESSAGE(files << " files, " << includes << " includes of lib's headers checked");
    CHECK(files > 50);
}
