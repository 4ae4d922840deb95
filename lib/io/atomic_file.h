// AtomicFile: every output of the course is written through this, so a failure (a full disk, an
// exception, Ctrl-C) never leaves a half-written checkpoint, PNG or GIF, nor destroys an earlier
// one. Bytes go to a temporary beside PATH, ".NAME.ddpm-tmp-XXXXXXXX" (XXXXXXXX random), created
// exclusively and never through a link; commit() flushes it and renames it over PATH in one step
// (rename is atomic within a folder on POSIX). An AtomicFile destroyed without commit() removes
// its temporary; temporaries of a killed run are removed by the next write to the same PATH.
// Missing folders on the way to PATH are made first. PATH must be a new or regular file: a link,
// device, FIFO, folder or socket is refused, never replaced; "-" and "/dev/stdout" write to
// standard output in place.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

namespace ddpm {

// Descriptors 0, 1 and 2 left closed by whoever started the program (`>&-`) are opened on
// /dev/null, so that no file opened later takes their numbers and is written as if it were
// standard output. Call it first thing in main. Returns whether standard output was closed:
// whatever is written to it now is lost, which the program must report.
bool reserve_standard_descriptors();

// Whether an output name means standard output ("-", "/dev/stdout"): by the name the user gave,
// never by a descriptor's number.
bool is_standard_output(const std::string& path);
// Throws UsageError when PATH exists and is not a regular file (see above).
void check_output_target(const std::string& path);

class AtomicFile {
public:
    explicit AtomicFile(const std::string& path);  // throws Error naming the path if it cannot
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(const void* data, size_t n);
    void write(const std::string& bytes) { write(bytes.data(), bytes.size()); }
    void commit();
    const std::string& path() const { return path_; }

private:
    std::string path_, tmp_;
    int fd_ = -1;
    bool to_stdout_ = false;  // named "-" or /dev/stdout: written in place
};

// The whole file in one call.
void write_file_atomic(const std::string& path, const std::string& bytes);

// Several files as one: every temporary is written before any is renamed into place, so a
// failure while writing (a full disk, say) leaves every earlier file as it was.
struct FileBytes {
    std::string path, bytes;
};
void write_files_atomic(const std::vector<FileBytes>& files);

// Reads a whole file; throws Error naming the path if it is missing, unreadable, or larger than
// max_bytes (so a huge or wrong file never makes us allocate its size).
std::string read_file(const std::string& path, size_t max_bytes = size_t(1) << 30);

}  // namespace ddpm
