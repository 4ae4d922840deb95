#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>
#include <ctime>

#include "helpers.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "io/npy.h"
#include "io/outputs.h"

TEST_CASE(".npy round trip keeps shape and values; the header is NumPy's") {
    ddpm::Tensor t({3, 4, 2});
    for (size_t i = 0; i < t.size(); ++i) t[i] = 0.1f * i - 1;
    std::string bytes = ddpm::npy_bytes(t);
    CHECK(bytes.compare(0, 6, "\x93NUMPY") == 0);
    CHECK((10 + (static_cast<unsigned char>(bytes[8]) | bytes[9] << 8)) % 64 == 0);
    CHECK(bytes.find("'shape': (3, 4, 2)") != std::string::npos);
    ddpm::Tensor back = ddpm::npy_from_bytes(bytes, "t.npy");
    CHECK(back.shape() == t.shape());
    CHECK(max_abs_diff(back, t) == 0);
    CHECK(ddpm::npy_from_bytes(ddpm::npy_bytes(ddpm::Tensor({5}, 2.0f)), "v").shape_str() ==
          "(5,)");
}

TEST_CASE("the notebook's np.save of x_seq reads as (101, 1000, 2) with its facts") {
    ddpm::Tensor seq = ddpm::load_npy("tests/fixtures/notebook_reverse_x_seq.npy");
    REQUIRE(seq.shape_str() == "(101, 1000, 2)");
    ddpm::Tensor first = seq.slice(0, 1).reshaped({1000, 2}),
                 last = seq.slice(100, 101).reshaped({1000, 2});
    CHECK(ddpm::column_std(first)[0] == doctest::Approx(1).epsilon(0.1));      // x_T ~ N(0, I)
    CHECK(ddpm::column_std(last)[0] == doctest::Approx(0.071).epsilon(0.15));  // the data's std
    CHECK(ddpm::column_std(last)[1] == doctest::Approx(0.139).epsilon(0.15));
}

TEST_CASE("float64 .npy files read as float32") {
    // A hand-made '<f8' file of shape (2, 2).
    std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
    header += std::string((64 - (10 + header.size() + 1) % 64) % 64, ' ') + "\n";
    std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + char(header.size()) + '\0' + header;
    double v[4] = {1.5, -2, 0.25, 1e-3};
    bytes.append(reinterpret_cast<const char*>(v), sizeof v);
    ddpm::Tensor t = ddpm::npy_from_bytes(bytes, "d.npy");
    CHECK(t.shape_str() == "(2, 2)");
    CHECK(t[1] == -2.0f);
    CHECK(t[3] == doctest::Approx(1e-3));
}

TEST_CASE("truncated, garbled and unsupported .npy files are refused with a message") {
    std::string good = ddpm::npy_bytes(ddpm::Tensor({4, 2}, 1.0f));
    CHECK_THROWS_WITH(ddpm::npy_from_bytes("hello", "x.npy"),
                      "x.npy: not a .npy file (wrong magic)");
    CHECK_THROWS_WITH(ddpm::npy_from_bytes(good.substr(0, 40), "x.npy"),
                      doctest::Contains("truncated"));
    CHECK_THROWS_WITH(ddpm::npy_from_bytes(good.substr(0, good.size() - 4), "x.npy"),
                      doctest::Contains("truncated"));
    std::string i8 = good;
    i8.replace(i8.find("<f4"), 3, "<i8");
    CHECK_THROWS_WITH(ddpm::npy_from_bytes(i8, "x.npy"),
                      doctest::Contains("unsupported dtype '<i8'"));
    std::string fortran = good;
    fortran.replace(fortran.find("False"), 5, "True ");
    CHECK_THROWS_WITH(ddpm::npy_from_bytes(fortran, "x.npy"), doctest::Contains("Fortran"));
    std::string huge = good;
    huge.replace(huge.find("(4, 2)"), 6, "(9999999999, 2)");
    CHECK_THROWS_WITH(ddpm::npy_from_bytes(huge, "x.npy"), doctest::Contains("x.npy"));
    std::string garbled = good;
    garbled.replace(garbled.find("(4, 2)"), 6, "(4, x)");
    CHECK_THROWS_WITH(ddpm::npy_from_bytes(garbled, "x.npy"), doctest::Contains("garbled"));
}

TEST_CASE("CSV: x,y and frame,x,y with or without a header; round trip is exact") {
    ddpm::Tensor pts({3, 2}, {0.1f, -0.2f, 1e-7f, 3.0f, -0.333333f, 0});
    TempDir dir;
    ddpm::save_csv(pts, dir.file("p.csv"));
    CHECK(ddpm::read_file(dir.file("p.csv")).compare(0, 4, "x,y\n") == 0);
    CHECK(max_abs_diff(ddpm::load_csv(dir.file("p.csv")), pts) == 0);
    ddpm::Tensor t = ddpm::csv_from_text("0,1,2\n0,3,4\n1,5,6\n1,7,8\n", "t.csv");
    CHECK(t.shape_str() == "(2, 2, 2)");
    CHECK(t[6] == 7);
    CHECK(ddpm::csv_from_text("x,y\r\n1,2\r\n\r\n3,4\r\n", "w.csv").shape_str() == "(2, 2)");
}

TEST_CASE("CSV edge cases are refused with the line they are on") {
    CHECK_THROWS_WITH(ddpm::csv_from_text("1,2\n3\n", "r.csv"),
                      doctest::Contains("r.csv:2: 1 fields, expected 2"));
    CHECK_THROWS_WITH(ddpm::csv_from_text("1,2\nnan,4\n", "n.csv"),
                      doctest::Contains("n.csv:2: NaN"));
    CHECK_THROWS_WITH(ddpm::csv_from_text("1,2\n3,abc\n", "a.csv"),
                      doctest::Contains("a.csv:2: not a number"));
    CHECK_THROWS_WITH(ddpm::csv_from_text("x,y\n", "e.csv"), "e.csv: no points");
    CHECK_THROWS_WITH(ddpm::csv_from_text("1,2,3,4\n", "c.csv"),
                      doctest::Contains("x,y or frame,x,y"));
    CHECK_THROWS_WITH(ddpm::csv_from_text("0,1,2\n2,1,2\n", "f.csv"),
                      doctest::Contains("in order"));
    CHECK_THROWS_WITH(ddpm::csv_from_text("0,1,2\n0,1,2\n1,1,2\n", "g.csv"),
                      doctest::Contains("same number"));
}

TEST_CASE("CSV line ends of every kind, a byte-order mark, and NUL refused") {
    const std::string rows = "0.5,1\n2,3\n";
    auto points = [](const std::string& text) { return ddpm::csv_from_text(text, "t.csv"); };
    // A BOM before the header: still a header, and every data row kept.
    CHECK(points("\xEF\xBB\xBFx,y\n" + rows).dim(0) == 2);
    CHECK(points("\xEF\xBB\xBF" + rows).dim(0) == 2);  // a BOM before a data row: not a header
    CHECK(points("x,y\r0.5,1\r2,3\r").dim(0) == 2);    // classic Mac line ends
    CHECK(points("x,y\r\n0.5,1\r\n2,3\r\n").dim(0) == 2);
    CHECK(points("x,y\r\n0.5,1\r\n2,3\r\n").at(1, 1) == 3);
    CHECK_THROWS_WITH(points(std::string("x,y\n1\0garbage,2\n", 17)),
                      doctest::Contains("a NUL byte at offset 5"));
    CHECK_THROWS_WITH(points("frame,x,y\n3,1,2\n"),
                      doctest::Contains("frames must start at 0 (the first row is frame 3)"));
}

TEST_CASE("inputs must be regular files, opened without blocking and read within a limit") {
    TempDir dir;
    const std::string fifo = dir.file("pipe.csv");
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_THROWS_WITH(ddpm::read_file(fifo),
                      doctest::Contains("is a FIFO (named pipe), not a file"));
    CHECK_THROWS_WITH(ddpm::read_file("/dev/zero"), doctest::Contains("is a character device"));
    CHECK_THROWS_WITH(ddpm::read_file(dir.path), doctest::Contains("is a folder"));
    ddpm::write_file_atomic(dir.file("big.csv"), std::string(1000, 'x'));
    CHECK_THROWS_WITH(ddpm::read_file(dir.file("big.csv"), 999),
                      doctest::Contains("1000 bytes, over this input's limit of 999 bytes"));
    CHECK(ddpm::read_file(dir.file("big.csv"), 1000).size() == 1000);
}

TEST_CASE("outputs: links, devices and folders are refused, never replaced; long names fit") {
    TempDir dir;
    ddpm::write_file_atomic(dir.file("real.csv"), "old");
    REQUIRE(symlink(dir.file("real.csv").c_str(), dir.file("link.csv").c_str()) == 0);
    CHECK_THROWS_WITH(ddpm::write_file_atomic(dir.file("link.csv"), "new"),
                      doctest::Contains("is a link, which an output never replaces"));
    CHECK(ddpm::read_file(dir.file("real.csv")) == "old");
    CHECK_THROWS_WITH(ddpm::check_output_target("/dev/null"), doctest::Contains("is a device"));
    CHECK_THROWS_WITH(ddpm::check_output_target(dir.path), doctest::Contains("is a folder"));
    REQUIRE(mkfifo(dir.file("fifo").c_str(), 0600) == 0);
    CHECK_THROWS_WITH(ddpm::check_output_target(dir.file("fifo")), doctest::Contains("FIFO"));
    const std::string longest = std::string(251, 'a') + ".csv";  // 255 bytes, the most allowed
    ddpm::write_file_atomic(dir.file(longest), "x");
    CHECK(ddpm::read_file(dir.file(longest)) == "x");
}

TEST_CASE("outputs: a killed run's temporary is removed by the next write; a fresh one stays") {
    TempDir dir;
    const std::string stale = dir.file(".m.ckpt.ddpm-tmp-0badf00d");
    const std::string fresh = dir.file(".m.ckpt.ddpm-tmp-12345678");
    ddpm::write_file_atomic(stale, "left by kill -9");
    ddpm::write_file_atomic(fresh, "another run, still writing");
    struct timeval old_times[2] = {{time(nullptr) - 3600, 0}, {time(nullptr) - 3600, 0}};
    REQUIRE(utimes(stale.c_str(), old_times) == 0);
    ddpm::write_file_atomic(dir.file("m.ckpt"), "new");
    struct stat st;
    CHECK(stat(stale.c_str(), &st) != 0);
    CHECK(stat(fresh.c_str(), &st) == 0);
    CHECK(ddpm::read_file(dir.file("m.ckpt")) == "new");
}

TEST_CASE("outputs: a bare file name's temporaries are cleaned up too (--out m.ckpt)") {
    // A name without a folder once made its temporary "..m.ckpt.ddpm-tmp-*", which the clean-up,
    // looking for ".m.ckpt.ddpm-tmp-*", never removed.
    TempDir dir;
    char here[4096];
    REQUIRE(getcwd(here, sizeof here) != nullptr);
    REQUIRE(chdir(dir.path.c_str()) == 0);
    ddpm::write_file_atomic(".m.ckpt.ddpm-tmp-0badf00d", "left by kill -9");
    struct timeval old_times[2] = {{time(nullptr) - 3600, 0}, {time(nullptr) - 3600, 0}};
    REQUIRE(utimes(".m.ckpt.ddpm-tmp-0badf00d", old_times) == 0);
    {
        ddpm::AtomicFile f("m.ckpt");  // a temporary of its own beside m.ckpt, in this folder
        f.write("new");
        struct stat st;
        CHECK(stat(".m.ckpt.ddpm-tmp-0badf00d", &st) != 0);
        f.commit();
    }
    struct stat st;
    const bool left = stat("..m.ckpt.ddpm-tmp-0badf00d", &st) == 0;
    CHECK(ddpm::read_file("m.ckpt") == "new");
    REQUIRE(chdir(here) == 0);
    CHECK_FALSE(left);
}

TEST_CASE("outputs are checked together: no two the same file, none the same as an input") {
    TempDir dir;
    ddpm::write_file_atomic(dir.file("data.csv"), "x,y\n");
    REQUIRE(symlink(dir.file("data.csv").c_str(), dir.file("alias.csv").c_str()) == 0);
    CHECK_THROWS_WITH(
        ddpm::check_outputs({{"--out", dir.file("a.ckpt")}, {"--log", dir.path + "/./a.ckpt"}}, {}),
        doctest::Contains("are the same file"));
    CHECK_THROWS_WITH(
        ddpm::check_outputs({{"--out", dir.file("data.csv")}}, {{"--data", dir.file("alias.csv")}}),
        doctest::Contains("is also the --data file"));
    CHECK_NOTHROW(ddpm::check_outputs({{"--out", dir.file("a.ckpt")}, {"--log", dir.file("b.csv")}},
                                      {{"--data", dir.file("data.csv")}}));
    struct stat st;
    CHECK(stat(dir.file("a.ckpt").c_str(), &st) != 0);  // the probe leaves nothing behind
}

TEST_CASE("several outputs as one: a failure on the second leaves the first as it was") {
    TempDir dir;
    ddpm::write_file_atomic(dir.file("keep.csv"), "old");
    ddpm::write_file_atomic(dir.file("plain"), "a file where a folder should be");
    CHECK_THROWS_WITH(ddpm::write_files_atomic(
                          {{dir.file("keep.csv"), "new"}, {dir.file("plain/t.npy"), "trajectory"}}),
                      doctest::Contains("plain"));
    CHECK(ddpm::read_file(dir.file("keep.csv")) == "old");
    ddpm::write_files_atomic({{dir.file("keep.csv"), "new"}, {dir.file("t.npy"), "trajectory"}});
    CHECK(ddpm::read_file(dir.file("keep.csv")) == "new");
    CHECK(ddpm::read_file(dir.file("t.npy")) == "trajectory");
}

TEST_CASE("a link planted where a temporary might be is never written through") {
    TempDir dir;
    ddpm::write_file_atomic(dir.file("victim.txt"), "precious");
    // The old, predictable temporary name (PATH.tmp.PID), and one in today's pattern: both links
    // to the victim. Writing x.csv must touch neither the links nor the victim.
    const std::string old_name = dir.file("x.csv.tmp." + std::to_string(getpid()));
    const std::string new_name = dir.file(".x.csv.ddpm-tmp-00000000");
    REQUIRE(symlink(dir.file("victim.txt").c_str(), old_name.c_str()) == 0);
    REQUIRE(symlink(dir.file("victim.txt").c_str(), new_name.c_str()) == 0);
    for (int i = 0; i < 20; ++i) ddpm::write_file_atomic(dir.file("x.csv"), "data");
    CHECK(ddpm::read_file(dir.file("victim.txt")) == "precious");
    CHECK(ddpm::read_file(dir.file("x.csv")) == "data");
    struct stat st;
    CHECK(lstat(new_name.c_str(), &st) == 0);  // a link is not a stale temporary: left alone
    CHECK(S_ISLNK(st.st_mode));
}
