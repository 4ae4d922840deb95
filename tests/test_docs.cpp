// The docs check: every relative link in the Markdown pages resolves; every file path and function
// name a page names in `backticks` exists; and each English page has its Chinese counterpart with
// the same section structure (the same sequence of heading levels).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

// The pages: the READMEs, docs/ (with docs/zh-CN/), and each lesson's README.
std::vector<fs::path> pages() {
    std::vector<fs::path> out = {"README.md"};  // docs/zh-CN/README.md is found under docs
    for (const auto& e : fs::recursive_directory_iterator("docs"))
        if (e.path().extension() == ".md") out.push_back(e.path());
    for (const auto& e : fs::directory_iterator("lessons"))
        if (fs::exists(e.path() / "README.md")) out.push_back(e.path() / "README.md");
    return out;
}

// Every source, build and script file's text, for looking up names.
const std::string& all_sources() {
    static std::string text;
    if (text.empty()) {
        for (const char* dir : {"lib", "tools", "lessons", "tests"})
            for (const auto& e : fs::recursive_directory_iterator(dir)) {
                std::string ext = e.path().extension().string();
                if (ext == ".cpp" || ext == ".h" || ext == ".sh" || ext == ".mk" || ext == ".py")
                    text += slurp(e.path());
            }
        text += slurp("Makefile");
    }
    return text;
}

// The page without its fenced code blocks (their lines are output, not claims).
std::string prose(const std::string& page) {
    std::string out, line;
    std::istringstream in(page);
    bool fenced = false;
    while (std::getline(in, line)) {
        if (line.rfind("```", 0) == 0) {
            fenced = !fenced;
            continue;
        }
        if (!fenced) out += line + "\n";
    }
    return out;
}

std::vector<int> heading_levels(const std::string& page) {
    std::vector<int> levels;
    std::istringstream in(prose(page));
    std::string line;
    while (std::getline(in, line))
        if (!line.empty() && line[0] == '#')
            levels.push_back(static_cast<int>(line.find_first_not_of('#')));
    return levels;
}

}  // namespace

TEST_CASE("docs: every relative link resolves") {
    const std::regex link(R"(\]\(([^)\s]+)\))");
    int checked = 0;
    for (const fs::path& page : pages()) {
        std::string text = prose(slurp(page));
        for (std::sregex_iterator it(text.begin(), text.end(), link), end; it != end; ++it) {
            std::string target = (*it)[1];
            if (target.rfind("http", 0) == 0 || target.rfind("mailto:", 0) == 0 || target[0] == '#')
                continue;
            target = target.substr(0, target.find('#'));
            CAPTURE(page);
            CAPTURE(target);
            CHECK(fs::exists(page.parent_path() / target));
            ++checked;
        }
    }
    MESSAGE(checked << " relative links checked");
    CHECK(checked > 100);
}

TEST_CASE("docs: every file path and function name in backticks exists") {
    const std::regex code("`([^`\\n]+)`");
    const std::regex path(R"(^(lib|tools|lessons|tests|docs)/[A-Za-z0-9_./-]+$)");
    const std::regex name(R"(^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*(\(\))?$)");
    int paths = 0, names = 0;
    for (const fs::path& page : pages()) {
        std::string text = prose(slurp(page));
        for (std::sregex_iterator it(text.begin(), text.end(), code), end; it != end; ++it) {
            std::string token = (*it)[1];
            CAPTURE(page);
            CAPTURE(token);
            if (std::regex_match(token, path)) {
                if (token.find("NN") != std::string::npos || token.find('*') != std::string::npos)
                    continue;
                CHECK(fs::exists(token));
                ++paths;
            } else if (std::regex_match(token, name) && (token.find('_') != std::string::npos ||
                                                         token.find("::") != std::string::npos)) {
                std::string last =
                    token.substr(token.rfind(':') == std::string::npos ? 0 : token.rfind(':') + 1);
                if (last.size() > 2 && last.compare(last.size() - 2, 2, "()") == 0)
                    last.resize(last.size() - 2);
                CHECK(all_sources().find(last) != std::string::npos);
                ++names;
            }
        }
    }
    MESSAGE(paths << " paths and " << names << " names checked");
    CHECK(paths > 20);
    CHECK(names > 100);
}

TEST_CASE("docs: each English page has its Chinese counterpart with the same sections") {
    std::vector<std::pair<fs::path, fs::path>> pairs = {{"README.md", "docs/zh-CN/README.md"}};
    for (const char* doc : {"theory", "notebook-map", "notebook-and-back", "common-bugs",
                            "exercises", "experiments", "architecture"})
        pairs.push_back({fs::path("docs") / (std::string(doc) + ".md"),
                         fs::path("docs/zh-CN") / (std::string(doc) + ".md")});
    for (const auto& e : fs::directory_iterator("lessons"))
        if (fs::exists(e.path() / "README.md"))
            pairs.push_back({e.path() / "README.md", fs::path("docs/zh-CN/lessons") /
                                                         (e.path().filename().string() + ".md")});
    for (const auto& pair : pairs) {
        const fs::path& en = pair.first;  // (CAPTURE cannot take a structured binding in clang)
        const fs::path& zh = pair.second;
        CAPTURE(en);
        CAPTURE(zh);
        REQUIRE(fs::exists(zh));
        CHECK(heading_levels(slurp(en)) == heading_levels(slurp(zh)));
        CHECK(slurp(zh).find("[English]") != std::string::npos);  // the language link back
    }
    CHECK(pairs.size() >= 15);
}
