#include "io/outputs.h"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>

#include "core/error.h"
#include "io/atomic_file.h"

namespace ddpm {

// Which file a path names: an existing file by its device and inode (so links and ./a vs a agree),
// a new one by its folder's real path and its name.
static std::string identity(const std::string& path) {
    if (is_standard_output(path)) return "stdout";
    struct stat st;
    if (stat(path.c_str(), &st) == 0)
        return "file " + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    const size_t slash = path.find_last_of('/');
    const std::string folder = slash == std::string::npos ? "." : path.substr(0, slash);
    char real[PATH_MAX];
    const std::string base = path.substr(slash == std::string::npos ? 0 : slash + 1);
    return "new " +
           (realpath(folder.empty() ? "/" : folder.c_str(), real) ? std::string(real) : folder) +
           "/" + base;
}

void check_outputs(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs) {
    for (const NamedPath& o : outputs) check_output_target(o.path);
    for (size_t i = 0; i < outputs.size(); ++i) {
        const std::string id = identity(outputs[i].path);
        for (size_t j = 0; j < i; ++j)
            if (identity(outputs[j].path) == id)
                throw UsageError(outputs[j].flag + " " + outputs[j].path + " and " +
                                 outputs[i].flag + " " + outputs[i].path +
                                 " are the same file: give each output its own name");
        for (const NamedPath& in : inputs)
            if (identity(in.path) == id)
                throw UsageError(outputs[i].flag + " " + outputs[i].path + " is also the " +
                                 in.flag + " file: writing it would destroy what is read");
    }
    for (const NamedPath& o : outputs)
        if (!is_standard_output(o.path)) AtomicFile probe(o.path);  // removed, never committed
}

}  // namespace ddpm
