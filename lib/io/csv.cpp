#include "io/csv.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "error.h"
#include "io/atomic_file.h"

namespace ddpm {

void save_csv(const Tensor& points, const std::string& path) {
    const bool trajectory = points.ndim() == 3;
    if (points.dim(-1) != 2 || (points.ndim() != 2 && !trajectory))
        throw Error("save_csv: expected (n, 2) or (frames, n, 2), got " + points.shape_str());
    std::string out = trajectory ? "frame,x,y\n" : "x,y\n";
    char line[96];
    const int frames = trajectory ? points.dim(0) : 1, n = points.dim(-2);
    for (int f = 0; f < frames; ++f)
        for (int i = 0; i < n; ++i) {
            const float* p = points.data() + (static_cast<size_t>(f) * n + i) * 2;
            // %.9g round-trips a float exactly.
            if (trajectory)
                std::snprintf(line, sizeof line, "%d,%.9g,%.9g\n", f, p[0], p[1]);
            else
                std::snprintf(line, sizeof line, "%.9g,%.9g\n", p[0], p[1]);
            out += line;
        }
    write_file_atomic(path, out);
}

// A line as it may appear in an error message: at most 40 characters, non-printable bytes as '?'.
static std::string printable(const std::string& line) {
    std::string out;
    for (char c : line.substr(0, 40)) out += (c >= 32 && c < 127) ? c : '?';
    return line.size() > 40 ? out + "..." : out;
}

// The comma-separated fields of one line, as numbers; *numeric says whether all of them were.
static std::vector<double> parse_fields(const std::string& line, bool* numeric) {
    std::vector<double> fields;
    *numeric = true;
    size_t start = 0;
    while (true) {
        const size_t comma = line.find(',', start);
        const std::string field =
            line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        char* stop = nullptr;
        const double v = std::strtod(field.c_str(), &stop);
        if (field.empty() || stop == field.c_str() ||
            std::string(stop).find_first_not_of(" \t") != std::string::npos)
            *numeric = false;
        fields.push_back(v);
        if (comma == std::string::npos) return fields;
        start = comma + 1;
    }
}

// The rows of numbers, every one checked: finite, as many fields as the first (or the header),
// two or three of them. A first line that is not numeric is a header.
static std::vector<std::vector<double>> parse_rows(const std::string& text,
                                                   const std::string& name) {
    std::vector<std::vector<double>> rows;
    size_t pos = 0;
    int line_no = 0, columns = -1;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank line
        const std::string where = name + ":" + std::to_string(line_no) + ": ";
        bool numeric = false;
        std::vector<double> fields = parse_fields(line, &numeric);
        if (!numeric) {
            if (rows.empty() && columns < 0) {  // a header line
                columns = static_cast<int>(fields.size());
                continue;
            }
            throw Error(where + "not a number in '" + printable(line) + "'");
        }
        for (double v : fields)
            if (!std::isfinite(v) || std::fabs(v) > 3e38)
                throw Error(where + "NaN or infinite value in '" + printable(line) + "'");
        if (columns < 0) columns = static_cast<int>(fields.size());
        if (static_cast<int>(fields.size()) != columns)
            throw Error(where + std::to_string(fields.size()) + " fields, expected " +
                        std::to_string(columns) + " (ragged rows)");
        if (columns != 2 && columns != 3)
            throw Error(name + ": expected columns x,y or frame,x,y, got " +
                        std::to_string(columns));
        rows.push_back(fields);
    }
    if (rows.empty()) throw Error(name + ": no points");
    return rows;
}

// frame,x,y rows: frames numbered 0, 1, 2, ... in order, each with the same number of points.
static Tensor frames_from_rows(const std::vector<std::vector<double>>& rows,
                               const std::string& name) {
    std::vector<int> sizes;
    for (size_t i = 0; i < rows.size(); ++i) {
        // Compare as doubles: a frame number like 1e300 must not be converted to int first.
        const double f = rows[i][0], count = static_cast<double>(sizes.size());
        if (f != std::floor(f) || f < 0)
            throw Error(name + ": frame numbers must be whole numbers >= 0");
        if (f == count)
            sizes.push_back(0);
        else if (f != count - 1)
            throw Error(name + ": frames must run 0, 1, 2, ... in order (found frame " +
                        std::to_string(static_cast<long long>(std::min(f, 1e18))) +
                        " after frame " + std::to_string(sizes.size() - 1) + ")");
        ++sizes.back();
    }
    for (int s : sizes)
        if (s != sizes[0]) throw Error(name + ": every frame must have the same number of points");
    Tensor t({static_cast<int>(sizes.size()), sizes[0], 2});
    for (size_t i = 0; i < rows.size(); ++i) {
        t[2 * i] = rows[i][1];
        t[2 * i + 1] = rows[i][2];
    }
    return t;
}

Tensor csv_from_text(const std::string& text, const std::string& name) {
    const std::vector<std::vector<double>> rows = parse_rows(text, name);
    if (rows[0].size() == 3) return frames_from_rows(rows, name);
    Tensor t({static_cast<int>(rows.size()), 2});
    for (size_t i = 0; i < rows.size(); ++i) {
        t.at(i, 0) = rows[i][0];
        t.at(i, 1) = rows[i][1];
    }
    return t;
}

Tensor load_csv(const std::string& path) {
    return csv_from_text(read_file(path), path);
}

}  // namespace ddpm
