// The corpus of tests/corpus/: inputs for the readers of outside files (.npy, CSV, checkpoints,
// safetensors, IDX), also the seeds of `make fuzz`. Each good_* file must load; each bad_* file must be
// refused with a ddpm::Error that names the file: never a crash, another exception, or a huge
// allocation. (Run under `make test SANITIZE=1`, a stray read would also be caught.)
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "io/csv.h"
#include "io/idx.h"
#include "io/npy.h"
#include "io/weights.h"

namespace fs = std::filesystem;

static void run_corpus(const std::string& folder,
                       const std::function<void(const std::string&)>& load) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator("tests/corpus/" + folder))
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 5);
    for (const fs::path& path : files) {
        const std::string name = path.filename().string(), file = path.string();
        CAPTURE(file);
        if (name.rfind("good_", 0) == 0) {
            CHECK_NOTHROW(load(file));
        } else {
            try {
                load(file);
                FAIL("accepted a bad input");
            } catch (const ddpm::Error& e) {
                std::printf("OK      %-40s refused: %s\n", (folder + "/" + name).c_str(), e.what());
                CHECK(std::string(e.what()).find(file) != std::string::npos);
            }
        }
    }
}

TEST_CASE("the .npy corpus: good files load, bad ones are refused with a message") {
    run_corpus("npy", [](const std::string& f) { ddpm::load_npy(f); });
}

TEST_CASE("the CSV corpus: good files load, bad ones are refused with a message") {
    run_corpus("csv", [](const std::string& f) { ddpm::load_csv(f); });
}

TEST_CASE("the checkpoint corpus: good files load, bad ones are refused with a message") {
    run_corpus("checkpoint", [](const std::string& f) { ddpm::load_checkpoint(f); });
}

TEST_CASE(
    "the safetensors corpus: good files load as models, bad ones are refused with a message") {
    run_corpus("safetensors", [](const std::string& f) {
        ddpm::load_sampling_model(f, "", ddpm::ImportSettings{});
    });
}

TEST_CASE("the IDX corpus: good files load, bad ones are refused with a message") {
    run_corpus("idx", [](const std::string& f) { ddpm::read_idx(f); });
}
