#include "io/csv.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/error.h"
#include "io/atomic_file.h"

namespace ddpm {

std::string csv_text(const Tensor& points) {
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
    return out;
}

std::string csv_table_text(const Tensor& table, const std::string& header) {
    const size_t columns = std::count(header.begin(), header.end(), ',') + 1;
    if (table.ndim() != 2 || static_cast<size_t>(table.dim(1)) != columns)
        throw Error("csv_table_text: expected (n, " + std::to_string(columns) + ") for '" + header +
                    "', got " + table.shape_str());
    std::string out = header + "\n";
    char field[32];
    for (int i = 0; i < table.dim(0); ++i)
        for (int j = 0; j < table.dim(1); ++j) {
            std::snprintf(field, sizeof field, "%.9g%c", table.at(i, j),  // %.9g: exact for float
                          j + 1 < table.dim(1) ? ',' : '\n');
            out += field;
        }
    return out;
}

void save_csv(const Tensor& points, const std::string& path) {
    write_file_atomic(path, csv_text(points));
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

// The rows of numbers, flat: `columns` values a row, in order.
struct Rows {
    int columns = -1;
    std::vector<double> values;
    size_t count() const { return columns > 0 ? values.size() / columns : 0; }
    double at(size_t row, int col) const { return values[row * columns + col]; }
};

// The rows, every one checked: finite, as many fields as the first (or the header), two or three
// of them. A first line that is not numeric is a header. Lines end in \n, \r\n or \r alone; a
// UTF-8 byte-order mark is skipped; a NUL byte is refused (this is not a text file).
static Rows parse_rows(const std::string& text, const std::string& name) {
    const size_t nul = text.find('\0');
    if (nul != std::string::npos)
        throw Error(name + ": a NUL byte at offset " + std::to_string(nul) +
                    " (not a text CSV file)");
    Rows rows;
    size_t pos = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    int line_no = 0;
    while (pos < text.size()) {
        size_t end = text.find_first_of("\r\n", pos);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(pos, end - pos);
        // \r\n counts as one line end, not two.
        pos = end + (end + 1 < text.size() && text[end] == '\r' && text[end + 1] == '\n' ? 2 : 1);
        ++line_no;
        if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank line
        const std::string where = name + ":" + std::to_string(line_no) + ": ";
        bool numeric = false;
        const std::vector<double> fields = parse_fields(line, &numeric);
        if (!numeric) {
            if (rows.values.empty() && rows.columns < 0) {  // a header line
                rows.columns = static_cast<int>(fields.size());
                continue;
            }
            throw Error(where + "not a number in '" + printable(line) + "'");
        }
        for (double v : fields)
            if (!std::isfinite(v) || std::fabs(v) > 3e38)
                throw Error(where + "NaN or infinite value in '" + printable(line) + "'");
        if (rows.columns < 0) rows.columns = static_cast<int>(fields.size());
        if (static_cast<int>(fields.size()) != rows.columns)
            throw Error(where + std::to_string(fields.size()) + " fields, expected " +
                        std::to_string(rows.columns) + " (ragged rows)");
        if (rows.columns != 2 && rows.columns != 3)
            throw Error(name + ": expected columns x,y or frame,x,y, got " +
                        std::to_string(rows.columns));
        rows.values.insert(rows.values.end(), fields.begin(), fields.end());
    }
    if (rows.values.empty()) throw Error(name + ": no points");
    return rows;
}

// frame,x,y rows: frames numbered 0, 1, 2, ... in order, each with the same number of points.
static Tensor frames_from_rows(const Rows& rows, const std::string& name) {
    std::vector<int> sizes;
    for (size_t i = 0; i < rows.count(); ++i) {
        // Compare as doubles: a frame number like 1e300 must not be converted to int first.
        const double f = rows.at(i, 0), count = static_cast<double>(sizes.size());
        if (f != std::floor(f) || f < 0)
            throw Error(name + ": frame numbers must be whole numbers >= 0");
        const std::string found = std::to_string(static_cast<long long>(std::min(f, 1e18)));
        if (f == count)
            sizes.push_back(0);
        else if (sizes.empty())
            throw Error(name + ": frames must start at 0 (the first row is frame " + found + ")");
        else if (f != count - 1)
            throw Error(name + ": frames must run 0, 1, 2, ... in order (found frame " + found +
                        " after frame " + std::to_string(sizes.size() - 1) + ")");
        ++sizes.back();
    }
    for (int s : sizes)
        if (s != sizes[0]) throw Error(name + ": every frame must have the same number of points");
    Tensor t({static_cast<int>(sizes.size()), sizes[0], 2});
    for (size_t i = 0; i < rows.count(); ++i) {
        t[2 * i] = static_cast<float>(rows.at(i, 1));
        t[2 * i + 1] = static_cast<float>(rows.at(i, 2));
    }
    return t;
}

Tensor csv_from_text(const std::string& text, const std::string& name) {
    const Rows rows = parse_rows(text, name);
    if (rows.columns == 3) return frames_from_rows(rows, name);
    Tensor t({static_cast<int>(rows.count()), 2});
    for (size_t i = 0; i < rows.count(); ++i) {
        t.at(static_cast<int>(i), 0) = static_cast<float>(rows.at(i, 0));
        t.at(static_cast<int>(i), 1) = static_cast<float>(rows.at(i, 1));
    }
    return t;
}

Tensor load_csv(const std::string& path) {
    return csv_from_text(read_file(path), path);
}

}  // namespace ddpm
