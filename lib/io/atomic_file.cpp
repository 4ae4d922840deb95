#include "io/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "error.h"

namespace ddpm {

static std::string folder_of(const std::string& path) {
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : path.substr(0, slash + 1);
}

// The folders on the way to path that do not exist yet, made as `mkdir -p` would: an output into
// a new folder (--panels-dir panels, --out runs/a.ckpt) just works.
static void make_parent_folders(const std::string& path) {
    for (size_t at = path.find('/', 1); at != std::string::npos; at = path.find('/', at + 1)) {
        const std::string folder = path.substr(0, at);
        if (mkdir(folder.c_str(), 0777) != 0 && errno != EEXIST)
            throw Error("cannot make the folder " + folder + " for " + path + ": " +
                        std::strerror(errno));
    }
}

AtomicFile::AtomicFile(const std::string& path)
    : path_(path), tmp_(path + ".tmp." + std::to_string(getpid())) {
    make_parent_folders(path);
    f_ = std::fopen(tmp_.c_str(), "wb");
    if (!f_)
        throw Error("cannot write " + path + ": " + std::strerror(errno) + " (is the folder " +
                    folder_of(path) + " there and writable?)");
}

AtomicFile::~AtomicFile() {
    if (f_) {
        std::fclose(f_);
        std::remove(tmp_.c_str());
    }
}

void AtomicFile::write(const void* data, size_t n) {
    if (!f_) throw Error(path_ + ": write after commit");
    if (n && std::fwrite(data, 1, n, f_) != n)
        throw Error("cannot write " + path_ + ": " + std::strerror(errno));
}

void AtomicFile::commit() {
    if (!f_) throw Error(path_ + ": committed twice");
    bool ok = std::fflush(f_) == 0 && fsync(fileno(f_)) == 0;
    int err = errno;
    ok = std::fclose(f_) == 0 && ok;
    f_ = nullptr;
    if (!ok || std::rename(tmp_.c_str(), path_.c_str()) != 0) {
        if (ok) err = errno;
        std::remove(tmp_.c_str());
        throw Error("cannot write " + path_ + ": " + std::strerror(err));
    }
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
    AtomicFile f(path);
    f.write(bytes);
    f.commit();
}

std::string read_file(const std::string& path, size_t max_bytes) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw Error("cannot read " + path + ": " + std::strerror(errno));
    std::string bytes;
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
        if (bytes.size() + n > max_bytes) {
            std::fclose(f);
            throw Error(path + ": file larger than " + std::to_string(max_bytes) + " bytes");
        }
        bytes.append(buf, n);
    }
    bool failed = std::ferror(f);
    std::fclose(f);
    if (failed) throw Error("cannot read " + path + ": read error");
    return bytes;
}

}  // namespace ddpm
