// Safetensors: the JSON reader under it, the format's layout byte by byte, the dtypes it converts,
// and the model's weights through it (io/weights.h): exported, read back, sampled from. The bad
// files of tests/corpus/safetensors/ are in test_corpus.cpp.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "diffusion/sample.h"
#include "diffusion/train.h"
#include "io/json.h"
#include "io/safetensors.h"
#include "io/weights.h"

namespace {

uint64_t read_u64(const std::string& b, size_t at) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
    return v;
}

std::string u64_bytes(uint64_t v) {
    std::string s;
    for (int i = 0; i < 8; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}

// A file from a header's text and data bytes, as a writer other than ours might make it.
std::string file_bytes(const std::string& header, const std::string& data) {
    return u64_bytes(header.size()) + header + data;
}

std::string le16(uint16_t v) {
    return std::string{static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
}

// A small trained run, the kind `ddpm train` saves.
ddpm::Checkpoint tiny_run() {
    ddpm::ModelConfig m;
    m.num_steps = 10;
    m.hidden = 8;
    ddpm::TrainConfig c;
    c.epochs = 2;
    c.batch = 16;
    ddpm::Checkpoint ck{ddpm::Trainer(m, c, ddpm::Schedule::by_name("cosine", 10), 7), {}};
    ck.trainer.train(ddpm::make_dataset("moons", 64, 7),
                     [](const ddpm::EpochReport&) { return true; });
    ck.run.dataset = "moons";
    ck.run.dataset_n = 64;
    ck.run.recipe = "improved";
    ck.run.data_norm.mean[0] = 0.25f;
    ck.run.data_norm.scale = 3.0f;
    return ck;
}

}  // namespace

TEST_CASE("json: what a safetensors header uses, and the rules an outside file must keep") {
    const ddpm::JsonValue v = ddpm::parse_json(
        " {\"a\": [0, 18446744073709551615], \"b\\u00e9\\ud83d\\ude00\": \"x\\n\\\"\", \"c\": "
        "{\"d\": true, \"e\": null, \"f\": -1.5e3}} ",
        "t");
    REQUIRE(v.kind == ddpm::JsonValue::Kind::object);
    REQUIRE(v.members.size() == 3);
    CHECK(v.members[0].second.items[1].as_index("a") == 18446744073709551615ull);
    CHECK(v.members[1].first == "b\xc3\xa9\xf0\x9f\x98\x80");  // é and U+1F600, as UTF-8
    CHECK(v.members[1].second.text == "x\n\"");
    CHECK(v.members[2].second.members[2].second.text == "-1.5e3");
    CHECK_THROWS_WITH(v.members[2].second.members[2].second.as_index("f"),
                      "f: expected a whole number >= 0");
    CHECK_THROWS_WITH(ddpm::parse_json("[18446744073709551616]", "t").items[0].as_index("n"),
                      "n: the number 18446744073709551616 is too large");
    const char* bad[] = {"{\"a\": 1,}",
                         "[01]",
                         "[1.]",
                         "[-]",
                         "{\"a\" 1}",
                         "\"tab\there\"",
                         "\"\\ud800\"",
                         "\"\\udc00\"",
                         "\"\\x\"",
                         "\"\xc0\xaf\"",
                         "\"\xed\xa0\x80\"",
                         "[1] 2",
                         "",
                         "{\"a\": tru}",
                         "\"open"};
    for (const char* text : bad) {
        CAPTURE(text);
        CHECK_THROWS_AS(ddpm::parse_json(text, "t"), ddpm::Error);
    }
    CHECK_THROWS_WITH(ddpm::parse_json(std::string(40, '[') + std::string(40, ']'), "f.json"),
                      "f.json: bad JSON at byte 33: nested deeper than 32");
    // A name twice in one object, at any depth: readers disagree on which value wins.
    CHECK_THROWS_WITH(ddpm::parse_json("{\"a\": {\"k\": \"1\", \"k\": \"2\"}}", "t"),
                      "t: bad JSON at byte 20: the member name 'k' appears twice");
    CHECK(ddpm::parse_json("{\"a\": {\"k\": 1}, \"b\": {\"k\": 2}}", "t").members.size() == 2);
}

TEST_CASE("safetensors: a metadata key given twice is refused, not read as its first value") {
    // The course once kept the first value and Python's json.loads keeps the last: one file, two
    // models (a hidden size of 64 here, 128 there).
    const std::string header =
        "{\"__metadata__\":{\"hidden\":\"64\",\"hidden\":\"128\"},"
        "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    std::string bytes;
    for (int i = 0; i < 8; ++i) bytes += static_cast<char>((header.size() >> (8 * i)) & 0xff);
    bytes += header + std::string(4, '\0');
    CHECK_THROWS_WITH(ddpm::safetensors_from_bytes(bytes, "m.safetensors"),
                      doctest::Contains("the member name 'hidden' appears twice"));
}

TEST_CASE("json_string escapes what JSON must and keeps UTF-8; a stray byte becomes U+FFFD") {
    CHECK(ddpm::json_string("a\"b\\c\n\x01") == "\"a\\\"b\\\\c\\u000a\\u0001\"");
    CHECK(ddpm::json_string("\xe4\xb8\xad") == "\"\xe4\xb8\xad\"");  // 中
    CHECK(ddpm::json_string("x\xffy") == "\"x\xef\xbf\xbdy\"");
    // What it writes, the reader reads back.
    const std::string s = "path/with \"quotes\"\t\xe4\xb8\xad";
    CHECK(ddpm::parse_json(ddpm::json_string(s), "t").text == s);
}

TEST_CASE("safetensors: the layout byte by byte, as the format specifies it") {
    ddpm::SafeTensors f;
    const float w[] = {1.0f, -2.0f, 0.5f, 3.0f, 0.0f, -0.0f};
    const float b[] = {7.0f};
    f.tensors = {ddpm::f32_tensor("w", {2, 3}, w), ddpm::f32_tensor("b", {1}, b)};
    f.metadata = {{"k", "v"}};
    const std::string bytes = ddpm::safetensors_bytes(f);
    const uint64_t n = read_u64(bytes, 0);
    CHECK(n % 8 == 0);  // the data starts 8-byte aligned
    const std::string header = bytes.substr(8, n);
    CHECK(header.rfind(
              "{\"__metadata__\":{\"k\":\"v\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],"
              "\"data_offsets\":[0,24]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":"
              "[24,28]}}",
              0) == 0);
    CHECK(header.find_first_not_of(' ', header.find_last_of('}') + 1) == std::string::npos);
    REQUIRE(bytes.size() == 8 + n + 28);
    const unsigned char one[] = {0x00, 0x00, 0x80, 0x3f};  // 1.0f, little-endian
    CHECK(std::memcmp(bytes.data() + 8 + n, one, 4) == 0);
    const ddpm::SafeTensors back = ddpm::safetensors_from_bytes(bytes, "t");
    REQUIRE(back.tensors.size() == 2);
    CHECK(back.tensors[0].shape == std::vector<int64_t>{2, 3});
    CHECK(back.tensors[0].floats("t") == std::vector<float>(w, w + 6));
    CHECK(std::signbit(back.tensors[0].floats("t")[5]));
    CHECK(*back.meta("k") == "v");
    CHECK(ddpm::safetensors_bytes(back) == bytes);
}

TEST_CASE(
    "safetensors: another writer's file: any key order, scalars, empty tensors, other dtypes") {
    // Fields in another order than ours, a scalar (shape []), an empty tensor, F16, BF16, F64 and
    // I64, no metadata, a header padded with spaces.
    const std::string header =
        "{\"z\":{\"data_offsets\":[0,4],\"dtype\":\"F32\",\"shape\":[]},"
        "\"e\":{\"dtype\":\"F32\",\"shape\":[0,5],\"data_offsets\":[4,4]},"
        "\"h\":{\"dtype\":\"F16\",\"shape\":[5],\"data_offsets\":[4,14]},"
        "\"g\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[14,16]},"
        "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[16,24]},"
        "\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[24,32]}}    ";
    double quarter = -0.25;
    std::string d(8, '\0');
    std::memcpy(&d[0], &quarter, 8);
    const std::string data = std::string("\x00\x00\x20\x41", 4) +          // 10.0f
                             le16(0x3c00) + le16(0xc100) + le16(0x7bff) +  // 1, -2.5, 65504
                             le16(0x0001) + le16(0x7c00) +                 // 2^-24, inf
                             le16(0x3fc0) +                                // bf16 1.5
                             d + u64_bytes(static_cast<uint64_t>(-3));     // -0.25, -3
    const ddpm::SafeTensors f = ddpm::safetensors_from_bytes(file_bytes(header, data), "t");
    CHECK(f.metadata.empty());
    CHECK(f.find("z")->shape.empty());
    CHECK(f.find("z")->floats("t") == std::vector<float>{10.0f});
    CHECK(f.find("e")->floats("t").empty());
    const std::vector<float> h = f.find("h")->floats("t");
    CHECK(h[0] == 1.0f);
    CHECK(h[1] == -2.5f);
    CHECK(h[2] == 65504.0f);
    CHECK(h[3] == std::ldexp(1.0f, -24));
    CHECK(std::isinf(h[4]));
    CHECK(f.find("g")->floats("t") == std::vector<float>{1.5f});
    CHECK(f.find("d")->floats("t") == std::vector<float>{-0.25f});
    CHECK(f.find("i")->integers("t") == std::vector<int64_t>{-3});
    CHECK_THROWS_WITH(
        f.find("i")->floats("t"),
        "t: tensor 'i' has dtype I64; expected floating point (F32, or F16, BF16, F64)");
    // An F64 value float32 cannot hold exactly is refused, not rounded behind the learner's back.
    double tenth = 0.1;
    std::memcpy(&d[0], &tenth, 8);
    const ddpm::SafeTensors inexact = ddpm::safetensors_from_bytes(
        file_bytes("{\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", d), "t");
    CHECK_THROWS_WITH(inexact.tensors[0].floats("t"),
                      "t: tensor 'd' is F64 with values float32 cannot hold exactly (convert it "
                      "with .float() before saving)");
}

TEST_CASE("weights: exported and read back, the same network, configuration and run") {
    const ddpm::Checkpoint ck = tiny_run();
    for (const char* which : {"raw", "ema"}) {
        CAPTURE(which);
        const ddpm::SafeTensors file = ddpm::model_safetensors(ck, which);
        CHECK(file.tensors.size() == ck.trainer.model.layout().size());
        CHECK(file.find("linears.0.weight")->shape == std::vector<int64_t>{8, 2});
        CHECK(file.find("step_embeddings.2.weight")->shape == std::vector<int64_t>{10, 8});
        const ddpm::SafeTensors back =
            ddpm::safetensors_from_bytes(ddpm::safetensors_bytes(file), "m.safetensors");
        const ddpm::SamplingModel sm =
            ddpm::sampling_model_from_safetensors(back, "m.safetensors", "", {});
        const ddpm::MLPDiffusion want =
            std::string(which) == "ema" ? ddpm::ema_model(ck.trainer) : ck.trainer.model;
        CHECK(sm.weights == which);
        CHECK(sm.model.params.size() == want.params.size());
        CHECK(std::memcmp(sm.model.params.data(), want.params.data(),
                          want.params.size() * sizeof(float)) == 0);
        CHECK(sm.sched.name == "cosine");
        CHECK(sm.sched.betas == ck.trainer.sched.betas);
        CHECK(sm.run.recipe == "improved");
        CHECK(sm.run.dataset == "moons");
        CHECK(sm.run.data_norm.mean[0] == 0.25f);
        CHECK(sm.run.data_norm.scale == 3.0f);
        // The same samples, bit for bit, as from the checkpoint itself.
        ddpm::Rng a(3), b(3);
        const ddpm::Tensor from_ckpt = ddpm::p_sample_loop(want, 50, ck.trainer.sched, a);
        const ddpm::Tensor from_file = ddpm::p_sample_loop(sm.model, 50, sm.sched, b);
        CHECK(std::memcmp(from_ckpt.data(), from_file.data(), from_ckpt.size() * sizeof(float)) ==
              0);
    }
    CHECK(*ddpm::model_safetensors(ck, "raw").meta("lr") == "0.001");
}

TEST_CASE(
    "weights: a file without a configuration takes it from the flags, and says what differs") {
    const ddpm::Checkpoint ck = tiny_run();
    ddpm::SafeTensors bare = ddpm::model_safetensors(ck, "raw");
    bare.metadata.clear();  // as safetensors.torch.save_file(model.state_dict(), ...) writes it
    ddpm::ImportSettings flags;
    flags.num_steps = 10;
    flags.hidden = 8;
    flags.schedule = "cosine";
    flags.given = true;
    const ddpm::SamplingModel sm =
        ddpm::sampling_model_from_safetensors(bare, "nb.safetensors", "", flags);
    CHECK(sm.model.params == ck.trainer.model.params);
    CHECK(sm.run.recipe == "notebook");  // nothing says otherwise
    CHECK(sm.weights == "raw");
    flags.hidden = 16;
    CHECK_THROWS_WITH(ddpm::sampling_model_from_safetensors(bare, "nb.safetensors", "", flags),
                      "nb.safetensors: tensor 'linears.0.weight' is [8, 2]; the model of steps 10, "
                      "hidden 16, depth 3 expects [16, 2] (the file has no configuration: give the "
                      "steps, hidden and depth it was trained with)");
    // A file that records its configuration refuses the flags, and holds one set of weights.
    const ddpm::SafeTensors ours = ddpm::model_safetensors(ck, "raw");
    CHECK_THROWS_AS(ddpm::sampling_model_from_safetensors(ours, "m.safetensors", "", flags),
                    ddpm::UsageError);
    CHECK_THROWS_WITH(ddpm::sampling_model_from_safetensors(ours, "m.safetensors", "ema", {}),
                      "weights ema: m.safetensors holds the raw weights only (export the ema "
                      "weights from its checkpoint)");
    CHECK_THROWS_AS(ddpm::model_safetensors(ck, "best"), ddpm::UsageError);
}

TEST_CASE(
    "safetensors: a NUL in a tensor's name is escaped in the error, which names the problem") {
    // JSON's \u0000 puts a NUL into the name; a message cut at it named a valid-looking tensor
    // and no problem.
    const std::string header =
        "{\"a\\u0000b\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    std::string bytes;
    for (int i = 0; i < 8; ++i) bytes += static_cast<char>((header.size() >> (8 * i)) & 0xff);
    bytes += header + std::string(4, '\0');
    try {
        ddpm::safetensors_from_bytes(bytes, "n.safetensors");
        FAIL("a tensor with an unknown dtype was accepted");
    } catch (const ddpm::Error& e) {
        const std::string message = e.what();
        CHECK(message.find("a\\x00b") != std::string::npos);
        CHECK(message.find("dtype 'F33'") != std::string::npos);
    }
}
