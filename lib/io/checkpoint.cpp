#include "io/checkpoint.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/memory.h"

namespace ddpm {

static const char kMagic[8] = {'D', 'D', 'P', 'M', 'C', 'K', 'P', 'T'};
static const size_t kHeaderBytes = sizeof kMagic + 4 + 8;  // magic, version, payload size

static uint64_t fnv1a64(const char* p, size_t n) {
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; ++i) h = (h ^ static_cast<unsigned char>(p[i])) * 1099511628211ULL;
    return h;
}

// Appends plain values to a byte string. (x86 and ARM are little-endian, as the format is.)
struct Writer {
    std::string bytes;
    template <typename V>
    void put(V v) {
        bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    void put_string(const std::string& s) {
        put<uint32_t>(static_cast<uint32_t>(s.size()));
        bytes += s;
    }
    template <typename Vector>  // std::vector<float> or AlignedVector<float>
    void put_floats(const Vector& v) {
        put<uint64_t>(v.size());
        bytes.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
    }
};

// Reads them back, refusing to read past the end.
struct Reader {
    const std::string& bytes;
    size_t pos;
    const std::string& name;
    void need(size_t n) {
        if (n > bytes.size() - pos)
            throw Error(name + ": truncated checkpoint (field past the end)");
    }
    template <typename V>
    V get() {
        need(sizeof(V));
        V v;
        std::memcpy(&v, bytes.data() + pos, sizeof v);
        pos += sizeof v;
        return v;
    }
    std::string get_string() {
        uint32_t n = get<uint32_t>();
        need(n);
        std::string s = bytes.substr(pos, n);
        pos += n;
        return s;
    }
    template <typename Vector>  // std::vector<float> or AlignedVector<float>
    void get_floats(Vector& v, size_t expected, const char* what) {
        uint64_t n = get<uint64_t>();
        if (n != expected)
            throw Error(name + ": " + what + " holds " + std::to_string(n) + " values, expected " +
                        std::to_string(expected));
        need(n * sizeof(float));
        v.assign(n, 0.0f);
        if (n)
            std::memcpy(v.data(), bytes.data() + pos,
                        n * sizeof(float));  // data() may be null when n = 0
        pos += n * sizeof(float);
    }
};

std::string checkpoint_bytes(const Trainer& tr, const RunInfo& run) {
    Writer p;
    const ModelConfig& m = tr.model_cfg;
    p.put<int32_t>(m.num_steps);
    p.put<int32_t>(m.hidden);
    p.put<int32_t>(m.depth);
    p.put<int32_t>(m.dim);
    p.put<int32_t>(static_cast<int32_t>(m.embedding));
    p.put<int32_t>(m.fourier);
    p.put<int32_t>(m.num_classes);
    p.put<int32_t>(m.skip ? 1 : 0);
    p.put<int32_t>(m.norm ? 1 : 0);
    p.put<int32_t>(tr.cfg.epochs);
    p.put<int32_t>(tr.cfg.batch);
    p.put<float>(tr.cfg.lr);
    p.put<float>(tr.cfg.clip);
    p.put<float>(tr.cfg.ema_mu);
    p.put<int32_t>(static_cast<int32_t>(tr.cfg.objective));
    p.put<float>(tr.cfg.p_uncond);
    p.put_string(tr.sched.name);
    p.put<uint64_t>(tr.seed);
    p.put<int32_t>(tr.epoch);
    p.put_floats(tr.epoch_loss);
    p.put_floats(tr.model.params);
    p.put_floats(tr.ema.shadow);
    p.put<int64_t>(tr.adam.t);
    p.put_floats(tr.adam.m);
    p.put_floats(tr.adam.v);
    const Rng::State s = tr.rng.state();
    p.put<uint64_t>(s.state);
    p.put<uint64_t>(s.inc);
    p.put<float>(s.cached_normal);
    p.put<uint8_t>(s.has_cached);
    // Mid-epoch state and the data's description, for an exact resume.
    p.put_string(run.dataset);
    p.put<int32_t>(run.dataset_n);
    p.put<int32_t>(tr.next_batch);
    p.put<double>(tr.epoch_loss_sum);
    p.put<uint64_t>(tr.epoch_order.size());
    for (int i : tr.epoch_order) p.put<int32_t>(i);
    p.put<float>(run.data_norm.mean[0]);
    p.put<float>(run.data_norm.mean[1]);
    p.put<float>(run.data_norm.scale);
    p.put_string(run.recipe);
    p.put<float>(run.guidance);

    Writer file;
    file.bytes.append(kMagic, sizeof kMagic);
    file.put<uint32_t>(kCheckpointVersion);
    file.put<uint64_t>(p.bytes.size());
    file.bytes += p.bytes;
    file.put<uint64_t>(fnv1a64(p.bytes.data(), p.bytes.size()));
    return file.bytes;
}

// The frame around the payload: magic, version, size, checksum. Returns the payload's size and
// sets the version.
static uint64_t check_frame(const std::string& bytes, const std::string& name, uint32_t* version) {
    if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        throw Error(name + ": not a ddpm checkpoint (wrong magic number)");
    if (bytes.size() < kHeaderBytes + 8)
        throw Error(name + ": truncated checkpoint (header cut short)");
    Reader head{bytes, sizeof kMagic, name};
    *version = head.get<uint32_t>();
    if (*version < kOldestCheckpointVersion || *version > kCheckpointVersion)
        throw Error(name + ": checkpoint version " + std::to_string(*version) +
                    " is not supported (this build reads versions " +
                    std::to_string(kOldestCheckpointVersion) + " to " +
                    std::to_string(kCheckpointVersion) + ")");
    const uint64_t size = head.get<uint64_t>();
    if (size != bytes.size() - kHeaderBytes - 8)
        throw Error(name + ": truncated or padded checkpoint (payload of " + std::to_string(size) +
                    " bytes declared, " + std::to_string(bytes.size() - kHeaderBytes - 8) +
                    " present)");
    uint64_t sum;
    std::memcpy(&sum, bytes.data() + kHeaderBytes + size, 8);
    if (sum != fnv1a64(bytes.data() + kHeaderBytes, size))
        throw Error(name + ": checksum mismatch (file corrupt or truncated)");
    return size;
}

// The configuration, schedule and seed, checked: a new Trainer for them.
static Trainer read_trainer_settings(Reader& r, uint32_t version) {
    ModelConfig m;
    m.num_steps = r.get<int32_t>();
    m.hidden = r.get<int32_t>();
    m.depth = r.get<int32_t>();
    m.dim = r.get<int32_t>();
    m.embedding = static_cast<ModelConfig::Embedding>(r.get<int32_t>());  // validate() checks it
    m.fourier = r.get<int32_t>();
    if (version >= 6) m.num_classes = r.get<int32_t>();
    if (version >= 7) {
        auto flag = [&r](const char* what) {
            const int32_t v = r.get<int32_t>();
            if (v != 0 && v != 1)
                throw Error(r.name + ": bad configuration in checkpoint (" + what + " is " +
                            std::to_string(v) + ", not 0 or 1)");
            return v == 1;
        };
        m.skip = flag("skip");
        m.norm = flag("norm");
    }
    TrainConfig c;
    c.epochs = r.get<int32_t>();
    c.batch = r.get<int32_t>();
    c.lr = r.get<float>();
    c.clip = r.get<float>();
    c.ema_mu = r.get<float>();
    if (version >= 6) {
        const int32_t objective = r.get<int32_t>();
        if (objective < 0 || objective > static_cast<int32_t>(Objective::flow))
            throw Error(r.name + ": unknown objective " + std::to_string(objective));
        c.objective = static_cast<Objective>(objective);
        c.p_uncond = r.get<float>();
    }
    const std::string sched_name = r.get_string();
    try {
        validate(m);
        validate(c);
    } catch (const UsageError& e) {
        throw Error(r.name + ": bad configuration in checkpoint (" + e.what() + ")");
    }
    // A checksum is not validation: anyone can recompute it. The file holds the weights four
    // times (weights, EMA, Adam's two moments), so a configuration with more parameters than its
    // bytes can hold is refused here, before the model is allocated; so is one whose training
    // would not fit in memory.
    const uint64_t params = parameter_count(m);
    if (params > (r.bytes.size() - r.pos) / 16)
        throw Error(r.name + ": the configuration declares " + std::to_string(params) +
                    " parameters, more than the file's " + std::to_string(r.bytes.size()) +
                    " bytes can hold");
    try {
        check_fits_in_memory(training_bytes(m, c), "this checkpoint's model",
                             "the file is not one this machine can resume");
    } catch (const UsageError& e) {
        throw Error(r.name + ": " + e.what());
    }
    const uint64_t seed = r.get<uint64_t>();
    Schedule sched;
    try {
        sched = Schedule::by_name(sched_name, m.num_steps);
    } catch (const UsageError& e) {
        throw Error(r.name + ": bad schedule in checkpoint (" + e.what() + ")");
    }
    return Trainer(m, c, sched, seed);
}

// What training has done: the epochs and their losses, the weights, Adam, the generator.
static void read_training_state(Reader& r, Trainer& tr) {
    tr.epoch = r.get<int32_t>();
    if (tr.epoch < 0) throw Error(r.name + ": negative epoch count");
    r.get_floats(tr.epoch_loss, static_cast<size_t>(tr.epoch), "the loss history");
    const size_t n = tr.model.num_params();
    r.get_floats(tr.model.params, n, "the parameters");
    r.get_floats(tr.ema.shadow, n, "the EMA weights");
    tr.adam.t = r.get<int64_t>();
    r.get_floats(tr.adam.m, n, "Adam's first moments");
    r.get_floats(tr.adam.v, n, "Adam's second moments");
    Rng::State s;
    s.state = r.get<uint64_t>();
    s.inc = r.get<uint64_t>();
    s.cached_normal = r.get<float>();
    s.has_cached = r.get<uint8_t>() != 0;
    if ((s.inc & 1u) == 0) throw Error(r.name + ": bad generator state");
    tr.rng.set_state(s);
}

// Where the current epoch stands: its order, the next batch, the losses so far.
static void read_mid_epoch(Reader& r, Trainer& tr) {
    tr.next_batch = r.get<int32_t>();
    tr.epoch_loss_sum = r.get<double>();
    const uint64_t order_n = r.get<uint64_t>();
    if (order_n > (r.bytes.size() - r.pos) / 4)  // before allocating; no product to overflow
        throw Error(r.name + ": truncated checkpoint (the epoch's order runs past the end)");
    tr.epoch_order.resize(order_n);
    for (int& i : tr.epoch_order) i = r.get<int32_t>();
    const int batch = tr.cfg.batch;
    const int batches = order_n ? static_cast<int>((order_n + batch - 1) / batch) : 0;
    if (tr.next_batch < 0 || tr.next_batch > batches || !std::isfinite(tr.epoch_loss_sum))
        throw Error(r.name + ": bad mid-epoch state");
}

// Every value finite (and for second moments, not negative): a resumed run must not start from
// numbers no training could have made.
template <typename Vector>
static void check_values(const Vector& v, bool non_negative, const char* what,
                         const std::string& name) {
    for (float x : v)
        if (!std::isfinite(x) || (non_negative && x < 0))
            throw Error(name + ": " + what + " hold a " +
                        (std::isfinite(x) ? "negative" : "non-finite") + " value");
}

// The fields against each other: the epochs against the total, Adam's step count against the
// batches those epochs hold, the epoch's order against the data set's size.
static void check_consistency(const Trainer& tr, const RunInfo& run, const std::string& name) {
    check_values(tr.epoch_loss, true, "the loss history", name);
    check_values(tr.model.params, false, "the parameters", name);
    check_values(tr.ema.shadow, false, "the EMA weights", name);
    check_values(tr.adam.m, false, "Adam's first moments", name);
    check_values(tr.adam.v, true, "Adam's second moments", name);
    if (tr.epoch > tr.cfg.epochs)
        throw Error(name + ": " + std::to_string(tr.epoch) + " epochs done of " +
                    std::to_string(tr.cfg.epochs));
    if (run.dataset_n < 0 || run.dataset_n > 100000000)
        throw Error(name + ": bad data set size " + std::to_string(run.dataset_n));
    // The data's size: recorded by the tools; a library run (tests) records none, and its
    // epoch's order has it.
    const int64_t n = std::max<int64_t>(run.dataset_n, static_cast<int64_t>(tr.epoch_order.size()));
    const int64_t batches = n > 0 ? (n + tr.cfg.batch - 1) / tr.cfg.batch : int64_t(1) << 40;
    if (tr.adam.t < 0 || tr.adam.t > (static_cast<int64_t>(tr.epoch) + 1) * batches)
        throw Error(name + ": Adam's step count " + std::to_string(tr.adam.t) + " does not fit " +
                    std::to_string(tr.epoch) + " epochs of " + std::to_string(batches) +
                    " batches");
    if (run.dataset_n > 0 && !tr.epoch_order.empty() &&
        tr.epoch_order.size() != static_cast<size_t>(run.dataset_n))
        throw Error(name + ": the epoch's order has " + std::to_string(tr.epoch_order.size()) +
                    " entries for " + std::to_string(run.dataset_n) + " points");
    for (int i : tr.epoch_order)
        if (i < 0 || i >= n) throw Error(name + ": the epoch's order is out of range");
}

static void read_normalization(Reader& r, Normalization& norm) {
    norm.mean[0] = r.get<float>();
    norm.mean[1] = r.get<float>();
    norm.scale = r.get<float>();
    if (!std::isfinite(norm.mean[0]) || !std::isfinite(norm.mean[1]) ||
        !(norm.scale > 0 && std::isfinite(norm.scale)))
        throw Error(r.name + ": bad data normalisation");
}

// The fields in the order checkpoint_bytes writes them.
Checkpoint checkpoint_from_bytes(const std::string& bytes, const std::string& name) {
    uint32_t version = 0;
    const uint64_t size = check_frame(bytes, name, &version);
    Reader r{bytes, kHeaderBytes, name};
    Trainer tr = read_trainer_settings(r, version);
    read_training_state(r, tr);
    RunInfo run;
    run.dataset = r.get_string();
    run.dataset_n = r.get<int32_t>();
    read_mid_epoch(r, tr);
    read_normalization(r, run.data_norm);
    run.recipe = r.get_string();
    if (run.recipe != "notebook" && run.recipe != "improved")
        throw Error(name + ": unknown recipe");
    if (version >= 6) run.guidance = r.get<float>();
    if (!(run.guidance >= 0 && run.guidance <= 100))
        throw Error(name + ": bad guidance weight " + std::to_string(run.guidance));
    if (r.pos != kHeaderBytes + size) throw Error(name + ": unexpected bytes after the last field");
    check_consistency(tr, run, name);
    return Checkpoint{std::move(tr), run};
}

void save_checkpoint(const Trainer& tr, const RunInfo& run, const std::string& path) {
    write_file_atomic(path, checkpoint_bytes(tr, run));
}

Checkpoint load_checkpoint(const std::string& path) {
    // A checkpoint of the default model is under 1 MB; 1 GiB is far beyond any sane one.
    return checkpoint_from_bytes(read_file(path), path);
}

}  // namespace ddpm
