#include "io/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <random>

#include "core/error.h"

namespace ddpm {

// The folder part of path, ending in '/' so that a name can follow it: "./" for a bare name (a
// bare "." made the temporary of m.ckpt "..m.ckpt.ddpm-tmp-*", which the clean-up never matched).
static std::string folder_of(const std::string& path) {
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? "./" : path.substr(0, slash + 1);
}

static std::string base_of(const std::string& path) {
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The folders on the way to path that do not exist yet, made as `mkdir -p` would: an output into
// a new folder (panels/reverse_10.png, runs/a.ckpt) just works.
static void make_parent_folders(const std::string& path) {
    for (size_t at = path.find('/', 1); at != std::string::npos; at = path.find('/', at + 1)) {
        const std::string folder = path.substr(0, at);
        if (mkdir(folder.c_str(), 0777) != 0 && errno != EEXIST)
            throw Error("cannot make the folder " + folder + " for " + path + ": " +
                        std::strerror(errno));
    }
}

bool reserve_standard_descriptors() {
    bool stdout_closed = false;
    for (int fd = 0; fd <= 2; ++fd) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        if (fd == STDOUT_FILENO) stdout_closed = true;
        // open returns the lowest free descriptor: this one, since those below it are open.
        const int null = open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
        if (null >= 0 && null != fd) close(null);
    }
    return stdout_closed;
}

bool is_standard_output(const std::string& path) {
    return path == "-" || path == "/dev/stdout";
}

void check_output_target(const std::string& path) {
    if (path.empty()) throw UsageError("an output needs a file name");
    if (is_standard_output(path)) return;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) return;  // a new file
    if (S_ISREG(st.st_mode)) return;
    const char* what = S_ISLNK(st.st_mode)    ? "a link"
                       : S_ISDIR(st.st_mode)  ? "a folder"
                       : S_ISFIFO(st.st_mode) ? "a FIFO (named pipe)"
                       : S_ISCHR(st.st_mode)  ? "a device"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "not a regular file";
    throw UsageError("output " + path + " is " + what +
                     ", which an output never replaces; give a file name (or - for standard "
                     "output)");
}

// The prefix of this target's temporaries: hidden, named after the target (shortened, so a
// 255-byte name still has room) and marked as ours.
static std::string temporary_prefix(const std::string& path) {
    return "." + base_of(path).substr(0, 100) + ".ddpm-tmp-";
}

// Temporaries of this target left by a killed run (kill -9 cannot be caught) are removed on the
// next write to it; a temporary written in the last ten minutes may be another run's, and stays.
static void remove_stale_temporaries(const std::string& path) {
    const std::string folder = folder_of(path), prefix = temporary_prefix(path);
    DIR* dir = opendir(folder.c_str());
    if (!dir) return;
    const time_t now = time(nullptr);
    while (const dirent* e = readdir(dir)) {
        const std::string name = e->d_name;
        if (name.rfind(prefix, 0) != 0) continue;
        struct stat st;
        const std::string full = folder + name;
        if (lstat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode) && now - st.st_mtime > 600)
            unlink(full.c_str());
    }
    closedir(dir);
}

// Eight random hex digits (the system's random source), so the temporary's name cannot be
// guessed and planted in advance.
static std::string random_suffix() {
    static thread_local std::random_device source;
    char b[16];
    std::snprintf(b, sizeof b, "%08x", static_cast<unsigned>(source()));
    return b;
}

AtomicFile::AtomicFile(const std::string& path) : path_(path) {
    check_output_target(path);
    if (is_standard_output(path)) {
        to_stdout_ = true;
        fd_ = STDOUT_FILENO;
        return;
    }
    make_parent_folders(path);
    remove_stale_temporaries(path);
    // Created exclusively and never through a link: a file or link planted at the name makes
    // this fail (and try another name), it is never written through.
    for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
        tmp_ = folder_of(path) + temporary_prefix(path) + random_suffix();
        fd_ = open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd_ < 0 && errno != EEXIST) break;
    }
    if (fd_ < 0)
        throw Error("cannot write " + path + ": " + std::strerror(errno) + " (is the folder " +
                    folder_of(path) + " there and writable?)");
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0 && !to_stdout_) {
        close(fd_);
        unlink(tmp_.c_str());
    }
}

void AtomicFile::write(const void* data, size_t n) {
    if (fd_ < 0) throw Error(path_ + ": write after commit");
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
        const ssize_t w = ::write(fd_, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) throw Error("cannot write " + path_ + ": " + std::strerror(errno));
        p += w;
        n -= static_cast<size_t>(w);
    }
}

void AtomicFile::commit() {
    if (fd_ < 0) throw Error(path_ + ": committed twice");
    if (to_stdout_) {  // written in place: nothing to rename
        fd_ = -1;
        return;
    }
    bool ok = fsync(fd_) == 0;
    int err = errno;
    ok = close(fd_) == 0 && ok;
    fd_ = -1;
    if (!ok || std::rename(tmp_.c_str(), path_.c_str()) != 0) {
        if (ok) err = errno;
        unlink(tmp_.c_str());
        throw Error("cannot write " + path_ + ": " + std::strerror(err));
    }
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
    AtomicFile f(path);
    f.write(bytes);
    f.commit();
}

void write_files_atomic(const std::vector<FileBytes>& files) {
    std::vector<std::unique_ptr<AtomicFile>> staged;
    for (const FileBytes& f : files) {
        staged.push_back(std::make_unique<AtomicFile>(f.path));
        staged.back()->write(f.bytes);
    }
    for (auto& f : staged) f->commit();
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
