#include "io/atomic_file.h"

#include <fcntl.h>
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

// What a path that is not a regular file is, for the message.
static const char* kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

std::string read_file(const std::string& path, size_t max_bytes) {
    // Opened without blocking (a FIFO would wait forever for a writer) and judged on the open
    // descriptor, so what is checked is what is read.
    const int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) throw Error("cannot read " + path + ": " + std::strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const std::string what = fstat(fd, &st) == 0 ? kind_of(st.st_mode) : "unreadable";
        close(fd);
        throw Error(path + " is " + what + ", not a file; give the path of a regular file");
    }
    if (static_cast<uint64_t>(st.st_size) > max_bytes) {
        close(fd);
        throw Error(path + ": " + std::to_string(st.st_size) +
                    " bytes, over this input's limit of " + std::to_string(max_bytes) + " bytes");
    }
    std::string bytes(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t n = ::read(fd, &bytes[got], bytes.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<size_t>(n);
    }
    const int err = errno;
    close(fd);
    if (got != bytes.size())
        throw Error("cannot read " + path + ": " +
                    (got < bytes.size() ? "the file shrank while read" : std::strerror(err)));
    return bytes;
}

}  // namespace ddpm
